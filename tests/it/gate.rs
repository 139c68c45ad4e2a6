//! The gate on every path (未按要求公示和不能提供公示结果报告的项目不得推荐申报): a project enters a
//! higher notice, is recommended to the next unit, or is imported into a higher unit only with
//! a clean lower-level report — through the services, the staff pages, the staff API and the
//! command line alike — and a project whose objection was upheld is cleared by 再次公示.
use crate::db_test;
use crate::helpers::{TestApp, csrf_in};
use crate::notices_support::{cn, day};
use crate::reports_support::*;
use entity::{projects, recommendations, result_reports};
use gongshi::notices::Level;
use gongshi::notices::generate::{GenerateRequest, generate};
use gongshi::projects::Grade;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

const P: &str = "河西走廊日光温室智能水肥一体化系统";
const Q: &str = "玉米制种田精准播种机改进";
const R: &str = "高寒牧区太阳能供暖装置";

struct Setup {
    t: Tree,
    ids: Vec<i32>,
    l1: i32,
    e_token: String,
    county_token: String,
}

/// Three projects of the enterprise on a level-1 notice (3月10日–14日); the clock is put on
/// 3月16日, after the close, with no report issued yet.
async fn setup(app: &TestApp) -> Setup {
    let t = tree(app).await;
    let drafts = vec![
        project("HYH-01", P, Some(Grade::Second)),
        project("HYH-02", Q, Some(Grade::Merit)),
        project("HYH-03", R, Some(Grade::Third)),
    ];
    let ids = declare(app, &t, t.enterprise, drafts).await;
    let l1 = notice_at(app, &t, t.enterprise, Level::Applicant, &ids, day(2025, 3, 10), app.clock_now()).await;
    app.clock.set(cn(2025, 3, 16, 9, 0, 0));
    let e_token = admin_token(app, t.enterprise, "e-admin").await;
    let county_token = admin_token(app, t.county, "county-admin").await;
    Setup { t, ids, l1, e_token, county_token }
}

fn generate_req(s: &Setup, unit: i32, level: Level, ids: &[i32]) -> GenerateRequest {
    GenerateRequest {
        campaign_id: s.t.campaign,
        unit_id: unit,
        level,
        project_ids: ids.to_vec(),
        // Tomorrow, on the test clock.
        starts_on: None,
        created_by: None,
    }
}

/// A start day the command line (on the real clock) accepts.
fn future_day() -> String {
    (chrono::Utc::now().date_naive() + chrono::Duration::days(2)).to_string()
}

fn messages(err: gongshi::error::AppError) -> String {
    match err {
        gongshi::error::AppError::Validation(list) => {
            list.into_iter().map(|e| e.message).collect::<Vec<_>>().join("\n")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The county's CSV of projects coming up from the enterprise.
fn csv_of(keys: &[(&str, &str)]) -> String {
    let mut out = String::from(
        "申报编号,项目名称,完成单位,完成人,第一完成人贡献,第一完成人工作量,关键技术与创新点,申报条件,无不得推荐情形声明\n",
    );
    for (key, name) in keys {
        out.push_str(&format!("{key},{name},甘肃农垦黄羊河集团有限责任公司,张喆,提出总体方案,40%,节水,3,是\n"));
    }
    out
}

fn import_cli(app: &TestApp, unit: &str, csv: &str) -> (bool, String) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("up.csv");
    std::fs::write(&file, csv).unwrap();
    cli(app, &["import", "--campaign", "2025", "--unit", unit, file.to_str().unwrap()])
}

db_test!(without_a_clean_level_one_report_every_path_upward_is_refused_and_names_what_is_missing, |app| {
    let s = setup(&app).await;
    // Levels 2 and 3 take only projects recommended to the publishing unit.
    let missing = format!("项目《{P}》尚未推荐至本单位（目前在甘肃农垦黄羊河集团有限责任公司），不能列入推荐单位公示");

    // Notice generation: the service, the staff API, the staff page, the command line.
    let err = generate(&app.db, &generate_req(&s, s.t.county, Level::Recommender, &s.ids[..1]), app.clock_now()).await;
    assert_eq!(messages(err.unwrap_err()), missing);
    let body = json!({ "campaign_id": s.t.campaign, "level": 2, "project_ids": [s.ids[0]], "starts_on": "2025-03-20" });
    let (status, answer) = api(&app, &s.county_token, reqwest::Method::POST, "/api/v1/admin/notices", Some(body)).await;
    assert_eq!(status, 422);
    assert_eq!(answer["errors"][0]["message"], missing.as_str());
    let county = app.sign_in(s.t.county, "admin", "county-page").await;
    let (_, form) = county.get_text(&format!("/admin/notices/new?campaign_id={}&level=2", s.t.campaign)).await;
    let (campaign, pick) = (s.t.campaign.to_string(), format!("p_{}", s.ids[0]));
    let fields = [
        ("_csrf", csrf_in(&form)),
        ("campaign_id", campaign),
        ("level", "2".into()),
        (pick.as_str(), "1".into()),
        ("starts_on", "2025-03-20".into()),
    ];
    let res = county.client.post(county.url("/admin/notices")).form(&fields).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains(&missing), "the page names the project and the missing report");
    let id = s.ids[0].to_string();
    let (ok, said) = cli(
        &app,
        &[
            "notice",
            "generate",
            "--campaign",
            "2025",
            "--unit",
            "WW-LZ",
            "--level",
            "2",
            "--projects",
            &id,
            "--start",
            &future_day(),
        ],
    );
    assert!(!ok && said.contains(&missing), "{said}");

    // Recommending to the county: the staff page and the staff API.
    let e_page = app.sign_in(s.t.enterprise, "admin", "e-page").await;
    let (_, page) = e_page.get_text("/admin/recommendations").await;
    let refusal = format!(
        "项目《{P}》尚无甘肃农垦黄羊河集团有限责任公司的申报单位公示结果报告（公示无异议或异议不成立），不能推荐至凉州区总工会"
    );
    assert!(page.contains(&refusal), "the page shows why before anyone tries: {page}");
    let res = e_page.post_form("/admin/recommendations", &[("project_id", &id)]).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains(&refusal));
    let (status, answer) = recommend(&app, &s.e_token, s.ids[0], None).await;
    assert_eq!((status, answer["errors"][0]["message"].as_str()), (422, Some(refusal.as_str())));

    // The import into the county (a higher unit).
    let (ok, said) = import_cli(&app, "WW-LZ", &csv_of(&[("HYH-01", P)]));
    assert!(!ok && said.contains(&refusal), "{said}");
    // A project nobody below declared cannot be imported into a higher unit at all.
    let (ok, said) = import_cli(&app, "WW-LZ", &csv_of(&[("LZ-99", "凉州区自行申报项目")]));
    assert!(!ok && said.contains("推荐单位不能直接导入项目"), "{said}");
    assert_eq!(projects::Entity::find().all(&app.db).await.unwrap().len(), 3, "nothing was imported");
    assert!(recommendations::Entity::find().all(&app.db).await.unwrap().is_empty());

    // With the clean report every path opens.
    issued(&app, &s.e_token, s.l1).await;
    let res = e_page.post_form("/admin/recommendations", &[("project_id", &id)]).await;
    assert_eq!(res.status().as_u16(), 303, "recommended from the page");
    let (status, answer) = recommend(&app, &s.e_token, s.ids[1], None).await;
    assert_eq!(status, 201, "{answer}");
    assert_eq!(answer["level"], 1);
    let (ok, said) = import_cli(&app, "WW-LZ", &csv_of(&[("HYH-03", R), ("HYH-01", P)]));
    assert!(ok && said.contains("接收下级推荐项目 2 项"), "{said}");
    let held: Vec<i32> =
        projects::Entity::find().all(&app.db).await.unwrap().iter().map(|p| p.holder_unit_id).collect();
    assert_eq!(held, vec![s.t.county; 3], "all three now held by the county");
    let rows = recommendations::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 3);
    assert!(rows.iter().all(|r| r.report_id.is_some() && r.to_unit_id == s.t.county));

    generate(&app.db, &generate_req(&s, s.t.county, Level::Recommender, &s.ids[..1]), app.clock_now()).await.unwrap();
    let body = json!({ "campaign_id": s.t.campaign, "level": 2, "project_ids": [s.ids[1]], "starts_on": "2025-03-20" });
    let (status, answer) = api(&app, &s.county_token, reqwest::Method::POST, "/api/v1/admin/notices", Some(body)).await;
    assert_eq!(status, 201, "{answer}");
    let res = county.client.post(county.url("/admin/notices")).form(&fields).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let (ok, said) = cli(
        &app,
        &[
            "notice",
            "generate",
            "--campaign",
            "2025",
            "--unit",
            "WW-LZ",
            "--level",
            "2",
            "--projects",
            &id,
            "--start",
            &future_day(),
        ],
    );
    assert!(ok, "{said}");
});

db_test!(an_upheld_objection_holds_a_project_back_until_a_clean_re_notice_clears_it, |app| {
    let s = setup(&app).await;
    app.clock.set(cn(2025, 3, 12, 9, 0, 0));
    let case = object(&app, s.l1, s.ids[0], "personnel").await;
    conclude(&app, &s.e_token, case, "upheld", "经核查，第三完成人未参与研制，异议成立。").await;
    app.clock.set(cn(2025, 3, 16, 9, 0, 0));
    let first = issued(&app, &s.e_token, s.l1).await;

    let held_back = format!(
        "项目《{P}》在甘肃农垦黄羊河集团有限责任公司的申报单位公示中异议成立，须更正后再次公示无异议，方可推荐至凉州区总工会"
    );
    let (status, answer) = recommend(&app, &s.e_token, s.ids[0], None).await;
    assert_eq!((status, answer["errors"][0]["message"].as_str()), (422, Some(held_back.as_str())));
    let err = generate(&app.db, &generate_req(&s, s.t.county, Level::Recommender, &s.ids[..1]), app.clock_now()).await;
    // Held back, it never reaches the county, which therefore cannot list it.
    assert!(messages(err.unwrap_err()).contains(&format!("项目《{P}》尚未推荐至本单位")));
    let (status, _) = recommend(&app, &s.e_token, s.ids[1], None).await;
    assert_eq!(status, 201, "the other projects are not held back");

    // 再次公示: the record corrected (the third completer removed) and noticed again alone.
    let mut corrected = project("HYH-01", P, Some(Grade::Second));
    corrected.completers.truncate(2);
    declare(&app, &s.t, s.t.enterprise, vec![corrected]).await;
    let note = "经核查第三完成人未参与研制，已从完成人中删除，再次公示";
    let again = renotice_at(&app, &s.t, &s.ids[..1], day(2025, 3, 17), app.clock_now(), note).await;
    app.clock.set(cn(2025, 3, 22, 0, 0, 0));
    let second = issued(&app, &s.e_token, again).await;

    // The first report still stands for the other projects, and says P was noticed again.
    let old = result_reports::Entity::find()
        .filter(result_reports::Column::Code.eq(&first))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.superseded_by, None);
    let (_, page) = app.get_text(&format!("/reports/{first}")).await;
    assert!(page.contains(&format!("已再次公示，以<a href=\"/reports/{second}\">报告{second}</a>为准")), "{page}");
    assert!(!page.contains("本报告已被替代"));

    let (status, answer) = recommend(&app, &s.e_token, s.ids[0], None).await;
    assert_eq!(status, 201, "{answer}");
    let new_report = result_reports::Entity::find()
        .filter(result_reports::Column::Code.eq(&second))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(answer["report_id"], new_report.id, "the recommendation rests on the re-notice's report");
    generate(&app.db, &generate_req(&s, s.t.county, Level::Recommender, &s.ids[..1]), app.clock_now()).await.unwrap();
});

db_test!(a_report_whose_every_project_was_noticed_again_says_it_is_superseded, |app| {
    let t = tree(&app).await;
    let ids = declare(&app, &t, t.enterprise, vec![project("HYH-01", P, Some(Grade::Second))]).await;
    let token = admin_token(&app, t.enterprise, "e-admin").await;
    let first_notice =
        notice_at(&app, &t, t.enterprise, Level::Applicant, &ids, day(2025, 3, 10), app.clock_now()).await;
    app.clock.set(cn(2025, 3, 12, 9, 0, 0));
    let case = object(&app, first_notice, ids[0], "ip").await;
    conclude(&app, &token, case, "upheld", "经核查，专利权属存在争议，异议成立。").await;
    app.clock.set(cn(2025, 3, 16, 9, 0, 0));
    let first = issued(&app, &token, first_notice).await;
    // 再次公示 with the statement of what was verified and handled (an upheld project is noticed
    // again only with a recorded correction).
    let statement = "经核实，专利权属争议已由双方书面确认解决，现再次公示";
    let again = renotice_at(&app, &t, &ids, day(2025, 3, 17), app.clock_now(), statement).await;
    app.clock.set(cn(2025, 3, 22, 0, 0, 0));
    let second = issued(&app, &token, again).await;
    let old = result_reports::Entity::find()
        .filter(result_reports::Column::Code.eq(&first))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let new = result_reports::Entity::find()
        .filter(result_reports::Column::Code.eq(&second))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(old.superseded_by, Some(new.id));
    let (_, page) = app.get_text(&format!("/reports/{first}")).await;
    assert!(page.contains("本报告已被替代") && page.contains(&format!("/reports/{second}")), "{page}");
    let (_, api) = app.get_text(&format!("/api/v1/reports/{first}")).await;
    assert!(api.contains(&format!("\"superseded_by\":\"{second}\"")), "{api}");
    // The content of the old report is untouched: it still verifies.
    assert!(api.contains("\"intact\":true"));
    assert!(gongshi::verify::verify(&app.db).await.unwrap().is_ok());
});

db_test!(the_provincial_notice_takes_only_third_prize_or_above_and_only_from_a_clean_level_two, |app| {
    let c = chain(&app, 4).await;
    recommend_all(&app, &c.tokens.city, &c.projects).await;
    crate::notices_support::reviewed(&app, &c.projects).await;
    // Grades in the chain: 一等, 二等, 三等, 优秀.
    let req = |ids: &[i32]| GenerateRequest {
        campaign_id: c.t.campaign,
        unit_id: c.t.province,
        level: Level::Province,
        project_ids: ids.to_vec(),
        starts_on: Some(day(2025, 5, 10)),
        created_by: None,
    };
    let err = generate(&app.db, &req(&c.projects), app.clock_now()).await.unwrap_err();
    assert_eq!(messages(err), "项目《链条测试项目4号》拟评优秀奖，省总工会公示只列拟评三等奖以上的项目");
    generate(&app.db, &req(&c.projects[..3]), app.clock_now()).await.unwrap();
    // Only the province publishes level 3.
    let mut by_city = req(&c.projects[..1]);
    by_city.unit_id = c.t.city;
    assert!(messages(generate(&app.db, &by_city, app.clock_now()).await.unwrap_err()).contains("只能由省总工会发布"));
    // A unit recommends only to the unit directly above, and only what it holds.
    let (status, answer) = recommend(&app, &c.tokens.county, c.projects[0], None).await;
    assert_eq!(status, 403, "the county sees it (it recommended it) but no longer holds it: {answer}");
});

db_test!(recommending_more_than_five_to_the_province_needs_a_recorded_reason_which_is_shown, |app| {
    let c = chain(&app, 6).await;
    for p in &c.projects[..5] {
        let (status, answer) = recommend(&app, &c.tokens.city, *p, Some("不需要的理由")).await;
        assert_eq!(status, 201, "{answer}");
        assert_eq!(answer["over_limit_reason"], serde_json::Value::Null, "within the limit no reason is recorded");
    }
    let (status, answer) = recommend(&app, &c.tokens.city, c.projects[5], None).await;
    assert_eq!(status, 422);
    assert_eq!(answer["errors"][0]["field"], "over_limit_reason");
    assert!(
        answer["errors"][0]["message"]
            .as_str()
            .unwrap()
            .contains("武威市总工会已向甘肃省总工会推荐5项，原则上不超过5项")
    );
    let city = app.sign_in(c.t.city, "admin", "city-page").await;
    let (_, page) = city.get_text("/admin/recommendations").await;
    assert!(page.contains("已达推荐限额，须填写超额推荐理由") && page.contains("5 / 5"), "{page}");
    let reason = "该项目为国家级技能大师工作室重点成果，经市总工会党组研究同意超额推荐";
    let pid = c.projects[5].to_string();
    let res = city.post_form("/admin/recommendations", &[("project_id", &pid), ("over_limit_reason", reason)]).await;
    assert_eq!(res.status().as_u16(), 303);
    let (_, page) = city.get_text("/admin/recommendations").await;
    assert!(page.contains(reason), "the reason is shown");
    let row = recommendations::Entity::find()
        .filter(recommendations::Column::ProjectId.eq(c.projects[5]))
        .filter(recommendations::Column::ToUnitId.eq(c.t.province))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((row.level, row.over_limit_reason.as_deref()), (2, Some(reason)));
    let province = app.sign_in(c.t.province, "viewer", "gs-viewer").await;
    let (_, received) = province.get_text("/admin/recommendations").await;
    assert!(received.contains(reason) && received.contains("链条测试项目6号"), "{received}");
});

db_test!(the_staff_import_into_a_higher_unit_goes_through_the_gate_too, |app| {
    let s = setup(&app).await;
    let file = csv_of(&[("HYH-01", P), ("HYH-02", Q)]);
    let post = |dry: bool| {
        let path = format!(
            "/api/v1/admin/projects/import?campaign_id={}{}",
            s.t.campaign,
            if dry { "&dry_run=true" } else { "" }
        );
        app.client
            .post(app.url(&path))
            .bearer_auth(&s.county_token)
            .header("content-type", "text/csv")
            .body(file.clone())
    };
    let refusal = format!("项目《{P}》尚无甘肃农垦黄羊河集团有限责任公司的申报单位公示结果报告");
    for dry in [true, false] {
        let res = post(dry).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 422, "dry run {dry}");
        let problem: serde_json::Value = res.json().await.unwrap();
        assert!(problem["errors"][0]["message"].as_str().unwrap().starts_with(&refusal), "{problem}");
    }
    issued(&app, &s.e_token, s.l1).await;
    let res = post(true).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "the preview passes");
    assert!(recommendations::Entity::find().all(&app.db).await.unwrap().is_empty(), "a dry run receives nothing");
    let res = post(false).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let done: serde_json::Value = res.json().await.unwrap();
    assert_eq!(done["project_ids"].as_array().unwrap().len(), 2, "{done}");
    let rows = recommendations::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(rows.len(), 2);
    assert!(rows.iter().all(|r| r.from_unit_id == s.t.enterprise && r.to_unit_id == s.t.county && r.level == 1));
});

db_test!(a_level_two_notice_takes_only_projects_recommended_to_its_own_unit, |app| {
    let s = setup(&app).await;
    issued(&app, &s.e_token, s.l1).await;
    let (status, answer) = recommend(&app, &s.e_token, s.ids[0], None).await;
    assert_eq!(status, 201, "{answer}");
    // The city is above the enterprise, but the project went to the county, not to the city.
    let err = generate(&app.db, &generate_req(&s, s.t.city, Level::Recommender, &s.ids[..1]), app.clock_now()).await;
    let said = messages(err.unwrap_err());
    assert_eq!(said, format!("项目《{P}》尚未推荐至本单位（目前在凉州区总工会），不能列入推荐单位公示"));
    // The county may not list a project the enterprise has not recommended yet.
    let err = generate(&app.db, &generate_req(&s, s.t.county, Level::Recommender, &s.ids[1..2]), app.clock_now()).await;
    assert!(messages(err.unwrap_err()).contains("尚未推荐至本单位"));
    // The county lists the one recommended to it.
    generate(&app.db, &generate_req(&s, s.t.county, Level::Recommender, &s.ids[..1]), app.clock_now()).await.unwrap();
});

db_test!(a_project_held_back_by_an_upheld_objection_is_noticed_again_only_with_a_recorded_correction, |app| {
    use gongshi::notices::publish::{PublishRequest, publish};
    let s = setup(&app).await;
    app.clock.set(cn(2025, 3, 12, 9, 0, 0));
    let case = object(&app, s.l1, s.ids[0], "personnel").await;
    conclude(&app, &s.e_token, case, "upheld", "经核查，第三完成人未参与研制，异议成立。").await;
    app.clock.set(cn(2025, 3, 16, 9, 0, 0));
    let code = issued(&app, &s.e_token, s.l1).await;

    // Noticed again exactly as before, with nothing said: refused, and nothing published.
    let mut req = generate_req(&s, s.t.enterprise, Level::Applicant, &s.ids[..1]);
    req.starts_on = Some(day(2025, 3, 17));
    let again = generate(&app.db, &req, app.clock_now()).await.unwrap();
    let err = publish(&app.db, again.notice_id, &PublishRequest::default(), app.clock_now()).await.unwrap_err();
    let said = messages(err);
    assert_eq!(
        said,
        format!(
            "项目《{P}》在本单位此前的申报单位公示中异议成立（报告{code}），再次公示须先更正项目登记表，或填写经核实处理情况（再次公示说明，将随公示公开）"
        )
    );
    assert!(gongshi::notices::service::latest_published(&app.db, again.notice_id).await.unwrap().is_none());

    // With the statement of what was verified and handled, it is published, and says so.
    let statement = "经核实，第三完成人确未参与研制，已取消其完成人资格，项目其余内容经复核无误";
    let with_note = PublishRequest { note: Some(statement.to_owned()), ..PublishRequest::default() };
    publish(&app.db, again.notice_id, &with_note, app.clock_now()).await.unwrap();
    app.clock.set(cn(2025, 3, 17, 9, 0, 0));
    let (_, page) = app.get_text(&format!("/notices/{}", again.notice_id)).await;
    assert!(page.contains(statement), "the statement is published with the notice");

    // A corrected record differs from what was published before, which asks for the 说明 too
    // (the consistency rule): either way the public reads why the project is noticed again.
});
