//! Notices as a service: generation per level, the gate between levels, publication,
//! corrections restarting the period, withdrawal, and the ledger entries they leave.
use crate::db_test;
use crate::fixtures::CampaignFixture;
use crate::notices_support::{
    carried_to, cn, correct_completer_order, day, draft, now, projects, published, result, world,
};
use entity::{ledger, notice_items, notices};
use gongshi::audit::Who;
use gongshi::campaigns::CampaignSettings;
use gongshi::error::AppError;
use gongshi::notices::generate::{GenerateRequest, generate, start_correction};
use gongshi::notices::publish::{PublishRequest, publish, withdraw};
use gongshi::notices::{Level, Status, service};
use gongshi::projects::Grade;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QueryOrder};

fn messages(e: AppError) -> String {
    match e {
        AppError::Validation(list) => list.into_iter().map(|f| f.message).collect::<Vec<_>>().join("\n"),
        other => panic!("expected a validation error, got {other:?}"),
    }
}

db_test!(a_level_one_notice_stores_every_public_field_and_no_phone_numbers, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "输电线路覆冰监测", None)]).await;
    let req = GenerateRequest {
        campaign_id: w.campaign,
        unit_id: w.enterprise,
        level: Level::Applicant,
        project_ids: ids.clone(),
        starts_on: None,
        created_by: None,
    };
    let g = generate(&app.db, &req, now(&app)).await.unwrap();
    assert!(g.warnings.is_empty());
    let draft_rev = service::draft_revision(&app.db, g.notice_id).await.unwrap().unwrap();
    assert_eq!(draft_rev.title, "关于2025年度甘肃省职工技术成果申报项目的公示");
    assert_eq!(draft_rev.starts_on, day(2025, 3, 10), "tomorrow in China by default");
    assert!(draft_rev.body_md.contains("公示期：2025年3月10日至2025年3月14日"));
    let row = notice_items::Entity::find().one(&app.db).await.unwrap().unwrap();
    for needle in
        ["输电线路覆冰监测", "武威市电力设计院", "赵赟", "提出总体方案", "占项目工作量20%", "ZL202420123456.7"]
    {
        assert!(row.snapshot.contains(needle), "{needle} missing from {}", row.snapshot);
    }
    assert!(!row.snapshot.contains("13900000001") && !row.snapshot.contains("620102"), "{}", row.snapshot);
    assert!(service::current_public(&app.db, g.notice_id, now(&app)).await.unwrap().is_none(), "a draft is private");
});

db_test!(starting_today_is_allowed_with_a_warning_and_yesterday_is_refused, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let mut req = GenerateRequest {
        campaign_id: w.campaign,
        unit_id: w.enterprise,
        level: Level::Applicant,
        project_ids: ids,
        starts_on: Some(day(2025, 3, 9)),
        created_by: None,
    };
    let g = generate(&app.db, &req, now(&app)).await.unwrap();
    assert!(g.warnings[0].contains("今天已不是完整的一天"), "{:?}", g.warnings);
    req.starts_on = Some(day(2025, 3, 8));
    let refused = generate(&app.db, &req, now(&app)).await.unwrap_err();
    assert!(messages(refused).contains("已过"));
});

db_test!(level_two_needs_a_clean_level_one_result_and_shows_no_contribution, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None), draft("A2", "智能巡检", None)]).await;
    let req = GenerateRequest {
        campaign_id: w.campaign,
        unit_id: w.city,
        level: Level::Recommender,
        project_ids: vec![ids[1], ids[0]],
        starts_on: Some(day(2025, 3, 20)),
        created_by: None,
    };
    carried_to(&app, w.city, &ids).await;
    let refused = messages(generate(&app.db, &req, now(&app)).await.unwrap_err());
    assert!(refused.contains("《覆冰监测》尚无国网武威供电公司的申报单位公示结果报告"), "{refused}");
    assert!(refused.contains("《智能巡检》"), "every project is named: {refused}");

    let n1 = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    result(&app, n1, Level::Applicant, &[(ids[0], "no_objection"), (ids[1], "upheld")]).await;
    let refused = messages(generate(&app.db, &req, now(&app)).await.unwrap_err());
    assert!(refused.contains("《智能巡检》在国网武威供电公司的申报单位公示中异议成立"), "{refused}");
    assert!(!refused.contains("覆冰监测"), "{refused}");

    // Corrected and noticed again at level 1 without objection: the new result clears it.
    result(&app, n1, Level::Applicant, &[(ids[1], "dismissed")]).await;
    let g = generate(&app.db, &req, now(&app)).await.unwrap();
    let items = service::items(&app.db, g.revision_id).await.unwrap();
    assert_eq!(
        items.iter().map(|i| (i.position, i.snapshot.name.as_str())).collect::<Vec<_>>(),
        [(1, "智能巡检"), (2, "覆冰监测")]
    );
    assert!(items[0].snapshot.completers.iter().all(|c| c.contribution.is_none() && c.workload.is_none()));
    assert!(items[0].snapshot.key_technology.is_none());
});

db_test!(level_three_refuses_an_excellence_award_project, |app| {
    let w = world(&app).await;
    let ids = projects(
        &app,
        &w,
        vec![draft("A1", "覆冰监测", Some(Grade::Second)), draft("A2", "智能巡检", Some(Grade::Merit))],
    )
    .await;
    let n1 = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    result(&app, n1, Level::Applicant, &[(ids[0], "no_objection"), (ids[1], "no_objection")]).await;
    let n2 = published(&app, &w, w.city, Level::Recommender, &ids, day(2025, 3, 10)).await;
    result(&app, n2, Level::Recommender, &[(ids[0], "no_objection"), (ids[1], "no_objection")]).await;
    let mut req = GenerateRequest {
        campaign_id: w.campaign,
        unit_id: w.province,
        level: Level::Province,
        project_ids: ids.clone(),
        starts_on: Some(day(2025, 4, 20)),
        created_by: None,
    };
    carried_to(&app, w.province, &ids).await;
    let refused = messages(generate(&app.db, &req, now(&app)).await.unwrap_err());
    assert!(refused.contains("《智能巡检》拟评优秀奖"), "{refused}");
    req.unit_id = w.city;
    req.project_ids = vec![ids[0]];
    assert!(messages(generate(&app.db, &req, now(&app)).await.unwrap_err()).contains("只能由省总工会发布"));
    req.unit_id = w.province;
    let g = generate(&app.db, &req, now(&app)).await.unwrap();
    let items = service::items(&app.db, g.revision_id).await.unwrap();
    assert_eq!(items[0].snapshot.grade_label(), Some("二等奖"));
});

db_test!(a_scheduled_notice_is_public_from_its_open_instant, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    let before = cn(2025, 3, 9, 23, 59, 59);
    assert!(service::current_public(&app.db, id, before).await.unwrap().is_none());
    let at = cn(2025, 3, 10, 0, 0, 0);
    let public = service::current_public(&app.db, id, at).await.unwrap().unwrap();
    assert_eq!(public.period.status(at), Status::Open);
    assert!(public.is_open_at(cn(2025, 3, 14, 23, 59, 59)));
    assert!(!public.is_open_at(cn(2025, 3, 15, 0, 0, 0)));
});

db_test!(a_campaign_with_its_own_period_settings_gives_its_notices_that_period, |app| {
    let w = world(&app).await;
    let seven_days_to_six_pm =
        CampaignSettings { notice_days: 7, closing_minute: 18 * 60, ..CampaignSettings::DEFAULT };
    let campaign = CampaignFixture::new("2025-B").settings(seven_days_to_six_pm).insert(&app).await;
    let drafts = vec![draft("A1", "覆冰监测", None).validate().unwrap()];
    let ids = gongshi::imports::store(&app.db, campaign, w.enterprise, drafts, now(&app)).await.unwrap().project_ids;
    let req = GenerateRequest {
        campaign_id: campaign,
        unit_id: w.enterprise,
        level: Level::Applicant,
        project_ids: ids,
        starts_on: Some(day(2025, 3, 10)),
        created_by: None,
    };
    let g = generate(&app.db, &req, now(&app)).await.unwrap();
    let draft_rev = service::draft_revision(&app.db, g.notice_id).await.unwrap().unwrap();
    assert!(draft_rev.body_md.contains("公示期：2025年3月10日至2025年3月16日18时"), "{}", draft_rev.body_md);
    publish(&app.db, g.notice_id, &PublishRequest::default(), now(&app)).await.unwrap();
    let public = service::current_public(&app.db, g.notice_id, cn(2025, 3, 16, 12, 0, 0)).await.unwrap().unwrap();
    assert!(public.is_open_at(cn(2025, 3, 16, 17, 59, 59)));
    assert!(!public.is_open_at(cn(2025, 3, 16, 18, 0, 0)));
});

db_test!(a_correction_that_reorders_completers_restarts_the_period, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 12, 9, 0, 0));
    // A text-only correction keeps the period.
    start_correction(&app.db, id, &Who::default(), now(&app)).await.unwrap();
    let refused = publish(&app.db, id, &PublishRequest::default(), now(&app)).await.unwrap_err();
    assert!(messages(refused).contains("更正说明"));
    let text_only = PublishRequest { note: Some("更正正文中的联系电话".into()), ..PublishRequest::default() };
    let p = publish(&app.db, id, &text_only, now(&app)).await.unwrap();
    assert!(p.is_correction && !p.restarted);
    assert_eq!(p.period.text(), "公示期：2025年3月10日至2025年3月14日");

    // The record changes the completers' order; the correction lists it and restarts.
    let p = correct_completer_order(&app, id, ids[0], "完成人排序更正为王芳、李明").await;
    assert!(p.restarted);
    assert_eq!(p.revision_no, 3);
    assert_eq!(p.period.text(), "公示期：2025年3月13日至2025年3月17日");

    let revs = service::published_revisions(&app.db, id).await.unwrap();
    assert_eq!(revs.len(), 3);
    assert_eq!(revs[0].closes_at, cn(2025, 3, 15, 0, 0, 0), "the old revision keeps its period");
    let public = service::current_public(&app.db, id, now(&app)).await.unwrap().unwrap();
    assert_eq!(public.revision.revision_no, 3);
    assert_eq!(public.period.status(now(&app)), Status::Scheduled);
    let old = service::items(&app.db, revs[0].id).await.unwrap();
    assert_eq!(old[0].snapshot.completers[0].name, "李明", "the old revision still reads as published");
});

db_test!(publishing_a_listing_that_differs_from_the_level_below_needs_a_note, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let n1 = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    result(&app, n1, Level::Applicant, &[(ids[0], "no_objection")]).await;
    let mut renamed = draft("A1", "输电线路覆冰在线监测", None);
    renamed.completers.swap(0, 1);
    projects(&app, &w, vec![renamed]).await;
    let req = GenerateRequest {
        campaign_id: w.campaign,
        unit_id: w.city,
        level: Level::Recommender,
        project_ids: ids.clone(),
        starts_on: None,
        created_by: None,
    };
    carried_to(&app, w.city, &ids).await;
    let g = generate(&app.db, &req, now(&app)).await.unwrap();
    let refused = messages(publish(&app.db, g.notice_id, &PublishRequest::default(), now(&app)).await.unwrap_err());
    assert!(refused.contains("须填写更正说明"), "{refused}");
    assert!(refused.contains("项目名称：本公示为“输电线路覆冰在线监测”"), "{refused}");
    assert!(refused.contains("完成人及排序"), "{refused}");
    let note = PublishRequest {
        note: Some("项目名称按专家意见规范，第一、第二完成人排序对调".into()),
        ..PublishRequest::default()
    };
    let p = publish(&app.db, g.notice_id, &note, now(&app)).await.unwrap();
    assert_eq!(p.differences.len(), 2);
    let rev = service::revision(&app.db, p.revision_id).await.unwrap();
    assert_eq!(rev.correction_note.as_deref(), Some("项目名称按专家意见规范，第一、第二完成人排序对调"));
});

db_test!(publication_correction_and_withdrawal_are_in_the_ledger_and_recompute, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    start_correction(&app.db, id, &Who::default(), now(&app)).await.unwrap();
    publish(&app.db, id, &PublishRequest { note: Some("更正错字".into()), ..PublishRequest::default() }, now(&app))
        .await
        .unwrap();
    assert!(matches!(withdraw(&app.db, id, "  ", None, now(&app)).await, Err(AppError::Validation(_))));
    withdraw(&app.db, id, "项目申报单位主动撤回申报", None, now(&app)).await.unwrap();
    assert!(matches!(withdraw(&app.db, id, "再次", None, now(&app)).await, Err(AppError::Conflict { .. })));

    let entries = ledger::Entity::find().order_by_asc(ledger::Column::Seq).all(&app.db).await.unwrap();
    let kinds: Vec<_> = entries.iter().map(|e| e.kind.as_str()).collect();
    assert_eq!(kinds, ["notice.publish", "notice.correct", "notice.withdraw"]);
    for e in &entries {
        let content = gongshi::notices::ledger::ledger_content(&app.db, &e.entity_type, e.entity_id).await.unwrap();
        let content = content.expect("row still there");
        assert_eq!(gongshi::ledger::content_hash(&content), e.content_hash, "{} recomputes", e.kind);
    }
    let notice = notices::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert_eq!(notice.state, "withdrawn");

    // A revision edited in place no longer matches its entry.
    let rev = service::revision(&app.db, entries[0].entity_id).await.unwrap();
    let mut row: entity::notice_revisions::ActiveModel = rev.into();
    row.title = Set("被篡改的标题".into());
    row.update(&app.db).await.unwrap();
    let content = gongshi::notices::ledger::ledger_content(&app.db, "notice_revision", entries[0].entity_id)
        .await
        .unwrap()
        .unwrap();
    assert_ne!(gongshi::ledger::content_hash(&content), entries[0].content_hash);
});

db_test!(staff_generate_and_publish_a_notice_from_the_command_line, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None), draft("A2", "智能巡检", None)]).await;
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongshi"))
            .args(["notice"])
            .args(args)
            .args(["--database", &app.database_url])
            .env("GONGSHI_LOG", "error")
            .output()
            .unwrap();
        (
            out.status.success(),
            format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
        )
    };
    let list = format!("{},{}", ids[0], ids[1]);
    let (ok, out) = run(&["generate", "--campaign", "2025", "--unit", "WW", "--level", "2", "--projects", &list]);
    assert!(!ok, "{out}");
    assert!(out.contains("《覆冰监测》尚未推荐至本单位"), "{out}");
    carried_to(&app, w.city, &ids).await;
    let (ok, out) = run(&["generate", "--campaign", "2025", "--unit", "WW", "--level", "2", "--projects", &list]);
    assert!(!ok, "{out}");
    assert!(out.contains("《覆冰监测》尚无国网武威供电公司的申报单位公示结果报告"), "{out}");
    let (ok, out) = run(&["generate", "--campaign", "2025", "--unit", "E-GDGS", "--level", "1", "--projects", &list]);
    assert!(ok, "{out}");
    assert!(out.contains("已生成公示草稿"), "{out}");
    let id = notices::Entity::find().one(&app.db).await.unwrap().unwrap().id;
    let (ok, out) = run(&["publish", &id.to_string()]);
    assert!(ok, "{out}");
    assert!(out.contains("第1版已发布：公示期："), "{out}");
    let (ok, out) = run(&["publish", &id.to_string()]);
    assert!(!ok && out.contains("没有待发布的草稿"), "{out}");
});
