//! Campaigns as records a federation runs itself: the province's admins create one with every
//! setting through the API, the pages or the command line, bad input is refused field by field
//! with nothing saved, a campaign is started from last year's, one with notices cannot be
//! deleted, and the settings are honoured (closing hour, closed campaigns, the lowest grade the
//! provincial notice lists).
use crate::db_test;
use crate::helpers::TestApp;
use crate::reports_support::{admin_token, api, cli};
use entity::campaigns;
use sea_orm::{EntityTrait, PaginatorTrait};
use serde_json::{Value, json};

struct Fresh {
    province: i32,
    city: i32,
    gs: String,
}

/// An install without the demo: the province, a city and a county, and a province admin.
async fn fresh(app: &TestApp) -> Fresh {
    let province = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let city = app.create_unit(Some(province), "city", "WW", "武威市总工会").await;
    app.create_unit(Some(city), "county", "WW-LZ", "凉州区总工会").await;
    let gs = admin_token(app, province, "gs-campaigns").await;
    Fresh { province, city, gs }
}

fn campaign_2026() -> Value {
    json!({
        "code": "2026",
        "title": "2026年度甘肃省职工技术成果征集活动",
        "year": 2026,
        "edition": "第十九届",
        "doc_number": "甘总工办发〔2026〕8号",
        "doc_title": "关于开展2026年度甘肃省职工技术成果征集活动的通知",
        "starts_on": "2026-03-01",
        "closing_time": "18:00",
        "handling_days": 7,
        "refuse_without_evidence": true,
        "letters_by": "arrival",
        "province_min_grade": "second",
        "deadlines": [
            { "unit": "WW", "due_on": "2026-04-08", "description": "书面材料及电子版报市总工会" },
            { "unit": "GS", "due_on": "2026-05-01" }
        ],
        "quotas": [{ "unit": "WW-LZ", "min": 10 }]
    })
}

async fn count(app: &TestApp) -> u64 {
    campaigns::Entity::find().count(&app.db).await.unwrap()
}

db_test!(the_province_creates_a_campaign_with_every_setting_and_reads_it_back, |app| {
    let f = fresh(&app).await;
    let (status, body) =
        api(&app, &f.gs, reqwest::Method::POST, "/api/v1/admin/campaigns", Some(campaign_2026())).await;
    assert_eq!(status, 201, "{body}");
    let (status, got) = api(&app, &f.gs, reqwest::Method::GET, "/api/v1/admin/campaigns/2026", None).await;
    assert_eq!(status, 200);
    assert_eq!(got["closing_time"], "18:00");
    assert_eq!(got["handling_days"], 7);
    assert_eq!(got["letters_by"], "arrival");
    assert_eq!(got["province_min_grade"], "second");
    assert_eq!(
        got["deadlines"][0],
        json!({ "unit": "WW", "due_on": "2026-04-08", "description": "书面材料及电子版报市总工会" })
    );
    assert_eq!(got["quotas"][0], json!({ "unit": "WW-LZ", "min": 10, "max": null }));
    assert_eq!(got["award_grades"], json!(["special", "first", "second", "third", "merit"]));
    // What GET gives, PUT takes back.
    let mut changed = got.clone();
    changed["recommend_limit"] = 6.into();
    let (status, body) = api(&app, &f.gs, reqwest::Method::PUT, "/api/v1/admin/campaigns/2026", Some(changed)).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["recommend_limit"], 6);
    let (_, list) = api(&app, &f.gs, reqwest::Method::GET, "/api/v1/admin/campaigns", None).await;
    assert_eq!(list[0]["code"], "2026");

    // Only the province's admins manage campaigns; everyone reads them.
    let city = admin_token(&app, f.city, "ww-campaigns").await;
    let (status, _) = api(&app, &city, reqwest::Method::POST, "/api/v1/admin/campaigns", Some(campaign_2026())).await;
    assert_eq!(status, 403);
    let (status, _) = api(&app, &city, reqwest::Method::GET, "/api/v1/admin/campaigns/2026", None).await;
    assert_eq!(status, 200);
    let viewer = app.create_user(f.province, "viewer", "gs-viewer").await;
    let viewer = app.api_token(viewer).await;
    let (status, _) =
        api(&app, &viewer, reqwest::Method::PUT, "/api/v1/admin/campaigns/2026", Some(campaign_2026())).await;
    assert_eq!(status, 403);
});

db_test!(bad_campaigns_are_refused_field_by_field_and_nothing_is_saved, |app| {
    let f = fresh(&app).await;
    let mut bad = campaign_2026();
    bad["deadlines"][0]["due_on"] = "2026-02-01".into();
    bad["quotas"][0]["unit"] = "NOWHERE".into();
    bad["recommend_limit"] = 0.into();
    bad["closing_time"] = "25:00".into();
    bad["award_grades"] = json!([]);
    let (status, body) = api(&app, &f.gs, reqwest::Method::POST, "/api/v1/admin/campaigns", Some(bad)).await;
    assert_eq!(status, 422, "{body}");
    let messages: Vec<(String, String)> = body["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap().to_owned(), e["message"].as_str().unwrap().to_owned()))
        .collect();
    let has = |field: &str, text: &str| messages.iter().any(|(f, m)| f == field && m.contains(text));
    assert!(has("closing_time", "00:01至24:00"), "{messages:?}");
    assert!(has("recommend_limit", "推荐限额应在1至1000之间"), "{messages:?}");
    assert!(has("award_grades", "至少设一个奖励等级"), "{messages:?}");
    assert!(has("deadlines[0]", "早于活动开始日期2026-03-01"), "{messages:?}");
    assert!(has("quotas[0]", "单位代码“NOWHERE”不存在"), "{messages:?}");
    assert_eq!(count(&app).await, 0, "nothing saved");

    let mut unknown = campaign_2026();
    unknown["colour"] = "red".into();
    let (status, body) = api(&app, &f.gs, reqwest::Method::POST, "/api/v1/admin/campaigns", Some(unknown)).await;
    assert_eq!(status, 422);
    assert_eq!(body["errors"][0]["field"], "colour");

    let (status, _) = api(&app, &f.gs, reqwest::Method::POST, "/api/v1/admin/campaigns", Some(campaign_2026())).await;
    assert_eq!(status, 201);
    let (status, body) =
        api(&app, &f.gs, reqwest::Method::POST, "/api/v1/admin/campaigns", Some(campaign_2026())).await;
    assert_eq!(status, 409, "a code in use conflicts with what exists");
    assert_eq!(body["errors"][0]["message"], "活动代码“2026”已被使用");
    assert_eq!(count(&app).await, 1);

    // The command line says the same.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("campaign.json");
    let mut again = campaign_2026();
    again["code"] = "2026b".into();
    again["closing_time"] = "00:00".into();
    std::fs::write(&file, again.to_string()).unwrap();
    let (ok, said) = cli(&app, &["campaign", "create", "--file", file.to_str().unwrap()]);
    assert!(!ok && said.contains("错误：截止时间应为00:01至24:00之间的时刻"), "{said}");
    assert!(!said.contains("closing_time"), "the field is named as the form names it: {said}");
    assert_eq!(count(&app).await, 1);
});

db_test!(a_campaign_starts_from_last_years_and_one_with_notices_is_closed_not_deleted, |app| {
    let f = fresh(&app).await;
    let (status, _) = api(&app, &f.gs, reqwest::Method::POST, "/api/v1/admin/campaigns", Some(campaign_2026())).await;
    assert_eq!(status, 201);
    let (status, next) =
        api(&app, &f.gs, reqwest::Method::POST, "/api/v1/admin/campaigns/2026/copy", Some(json!({ "code": "2027" })))
            .await;
    assert_eq!(status, 201, "{next}");
    assert_eq!(next["title"], "2027年度甘肃省职工技术成果征集活动");
    assert_eq!(next["year"], 2027);
    assert_eq!(next["starts_on"], "2027-03-01");
    assert_eq!(next["deadlines"][0]["due_on"], "2027-04-08");
    assert_eq!(next["closing_time"], "18:00", "the settings come along");
    assert_eq!(next["doc_number"], Value::Null, "the new document number is still to be written");

    let (ok, said) = cli(&app, &["campaign", "copy", "2027", "--code", "2028"]);
    assert!(ok, "{said}");
    let (ok, shown) = cli(&app, &["campaign", "show", "2028"]);
    assert!(ok && shown.contains("\"due_on\": \"2028-04-08\""), "{shown}");

    let (status, _) = api(&app, &f.gs, reqwest::Method::DELETE, "/api/v1/admin/campaigns/2028", None).await;
    assert_eq!(status, 204, "a campaign with nothing in it may go");
    let campaign = gongshi::campaigns::find_by_code(&app.db, "2026").await.unwrap().unwrap();
    let enterprise = app.create_unit(Some(f.city), "applicant", "E-1", "武威某公司").await;
    let drafts = vec![crate::reports_support::project("A-1", "某项目", None).validate().unwrap()];
    gongshi::imports::store(&app.db, campaign.id, enterprise, drafts, app.clock_now()).await.unwrap();
    let (status, body) = api(&app, &f.gs, reqwest::Method::DELETE, "/api/v1/admin/campaigns/2026", None).await;
    assert_eq!(status, 409, "{body}");
    assert!(body["title"].as_str().unwrap().contains("请关闭该活动"), "{body}");
});

db_test!(the_campaign_pages_create_show_and_refuse_like_the_api, |app| {
    let f = fresh(&app).await;
    let gs = app.sign_in(f.province, "admin", "gs-pages").await;
    let (status, page) = gs.get_text("/admin/campaigns").await;
    assert_eq!(status, 200);
    assert!(page.contains("还没有征集活动") && page.contains("/admin/campaigns/new"), "{page}");
    let (status, form) = gs.get_text("/admin/campaigns/new").await;
    assert_eq!(status, 200);
    assert!(form.contains("最后一日截止时刻"));
    let this_year = chrono::Datelike::year(&gongshi::china_time::day_of(app.clock_now()));
    assert!(form.contains(&format!("name=\"year\" value=\"{this_year}\"")), "the year defaults to this year's");
    let fields = [
        ("code", "2026"),
        ("title", "2026年度甘肃省职工技术成果征集活动"),
        ("year", "2026"),
        ("edition", "第十九届"),
        ("open", "on"),
        ("notice_days", "5"),
        ("closing_time", "18:00"),
        ("recommend_limit", "5"),
        ("handling_days", "10"),
        ("deadline_margin_days", "2"),
        ("retention_days", "365"),
        ("require_real_name", "on"),
        ("letters_by", "postmark"),
        ("grade_first", "on"),
        ("grade_second", "on"),
        ("grade_third", "on"),
        ("province_min_grade", "third"),
        ("deadlines", "WW 2026-04-08 书面材料报市总工会"),
        ("quotas", "WW-LZ 10 -"),
    ];
    let res = gs.post_form("/admin/campaigns", &fields).await;
    assert_eq!(res.status().as_u16(), 303);
    let (_, shown) = gs.get_text("/admin/campaigns/2026").await;
    assert!(shown.contains("5个自然日，最后一日18:00截止"), "{shown}");
    assert!(shown.contains("2026-04-08前报WW：书面材料报市总工会"));
    assert!(shown.contains("一等奖、二等奖、三等奖；省总工会公示列入三等奖以上"));
    let mut bad = fields.to_vec();
    bad[0] = ("code", "2026x");
    bad[6] = ("closing_time", "晚上");
    bad[17] = ("deadlines", "WW 四月八日");
    let res = gs.post_form("/admin/campaigns", &bad).await;
    assert_eq!(res.status().as_u16(), 422);
    let text = res.text().await.unwrap();
    assert!(text.contains("报送期限第1行应写作“单位代码 日期 说明”"), "{text}");
    assert_eq!(count(&app).await, 1);
    let city = app.sign_in(f.city, "admin", "ww-pages").await;
    let (status, _) = city.get_text("/admin/campaigns/new").await;
    assert_eq!(status, 403);
});

db_test!(every_staff_member_reaches_the_campaigns_from_the_navigation, |app| {
    let f = fresh(&app).await;
    let link = r#"<a href="&#x2F;admin&#x2F;campaigns">征集活动</a>"#;
    let gs = app.sign_in(f.province, "admin", "gs-nav").await;
    let (_, workbench) = gs.get_text("/admin").await;
    assert!(workbench.contains(link), "the province admin finds where campaigns are created: {workbench}");
    let (_, form) = gs.get_text("/admin/campaigns/new").await;
    assert!(form.contains(r#"href="&#x2F;admin&#x2F;campaigns" aria-current="page""#), "{form}");
    let viewer = app.sign_in(f.city, "viewer", "ww-nav").await;
    let (_, workbench) = viewer.get_text("/admin").await;
    assert!(workbench.contains(link), "everyone reads the campaigns: {workbench}");
    let (status, _) = viewer.get_text("/admin/campaigns").await;
    assert_eq!(status, 200);
});

db_test!(a_campaigns_closing_hour_closed_state_and_lowest_provincial_grade_are_honoured, |app| {
    use gongshi::notices::Level;
    use gongshi::notices::generate::{GenerateRequest, generate};
    let f = fresh(&app).await;
    let (status, _) = api(&app, &f.gs, reqwest::Method::POST, "/api/v1/admin/campaigns", Some(campaign_2026())).await;
    assert_eq!(status, 201);
    let campaign = gongshi::campaigns::find_by_code(&app.db, "2026").await.unwrap().unwrap();
    let enterprise = app.create_unit(Some(f.city), "applicant", "E-1", "武威某公司").await;
    let drafts = vec![crate::reports_support::project("A-1", "某项目", None).validate().unwrap()];
    let ids =
        gongshi::imports::store(&app.db, campaign.id, enterprise, drafts, app.clock_now()).await.unwrap().project_ids;
    let req = GenerateRequest {
        campaign_id: campaign.id,
        unit_id: enterprise,
        level: Level::Applicant,
        project_ids: ids.clone(),
        starts_on: Some(crate::notices_support::day(2025, 3, 10)),
        created_by: None,
    };
    let notice = generate(&app.db, &req, app.clock_now()).await.unwrap().notice_id;
    let draft = entity::notice_revisions::Entity::find().all(&app.db).await.unwrap();
    assert_eq!(draft[0].notice_id, notice);
    let closes = draft[0].closes_at.with_timezone(&chrono_tz::Asia::Shanghai);
    assert_eq!(closes.format("%Y-%m-%d %H:%M").to_string(), "2025-03-14 18:00", "the 18:00 closing hour");

    let mut shut = campaign_2026();
    shut["open"] = false.into();
    let (status, _) = api(&app, &f.gs, reqwest::Method::PUT, "/api/v1/admin/campaigns/2026", Some(shut)).await;
    assert_eq!(status, 200);
    let err = generate(&app.db, &req, app.clock_now()).await.unwrap_err();
    assert!(format!("{err:?}").contains("已关闭，不再发布新的公示"), "{err:?}");

    // 二等奖以上 at the province: a project the province graded 三等奖 stays out.
    let project = entity::projects::Entity::find_by_id(ids[0]).one(&app.db).await.unwrap().unwrap();
    let mut held: entity::projects::ActiveModel = project.clone().into();
    held.holder_unit_id = sea_orm::ActiveValue::Set(f.province);
    sea_orm::ActiveModelTrait::update(held, &app.db).await.unwrap();
    let who = gongshi::audit::Who::default();
    gongshi::projects::review_grade::record(
        &app.db,
        &project,
        gongshi::projects::Grade::Third,
        None,
        &who,
        f.province,
        app.clock_now(),
    )
    .await
    .unwrap();
    let refused =
        gongshi::notices::gate::check_can_enter(&app.db, ids[0], Level::Province, f.province).await.unwrap_err();
    assert!(format!("{refused:?}").contains("拟评三等奖，省总工会公示只列拟评二等奖以上的项目"), "{refused:?}");
});

db_test!(the_public_campaign_page_and_api_state_the_rules_in_force, |app| {
    let f = fresh(&app).await;
    let (status, _) = api(&app, &f.gs, reqwest::Method::POST, "/api/v1/admin/campaigns", Some(campaign_2026())).await;
    assert_eq!(status, 201);
    let (status, page) = app.get_text("/campaigns/2026").await;
    assert_eq!(status, 200);
    assert!(page.contains("本届公示和异议规则"), "{page}");
    assert!(page.contains("公示期为5个自然日（含节假日），最后一日18时截止。"), "{page}");
    assert!(page.contains("异议须附证据材料或可核查的线索，未附材料的网上异议不予受理。"));
    assert!(page.contains("信函提出的异议，是否在公示期内以收到日期为准。"));
    assert!(page.contains("受理的异议在公示结束后7日内办结"));
    assert!(page.contains("省总工会公示列入拟评二等奖以上的项目。"));
    assert!(page.contains("武威市总工会：2026年4月8日前"), "the deadlines");
    let res = app.client.get(app.url("/api/v1/campaigns/2026")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["closing_time"], "18:00");
    assert_eq!(body["deadlines"][0]["unit"], "WW");
    assert!(body["rules"][0].as_str().unwrap().contains("18时截止"), "{body}");
    let res = app.client.get(app.url("/api/v1/campaigns/nope")).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 404);
    let mut shut = campaign_2026();
    shut["open"] = false.into();
    api(&app, &f.gs, reqwest::Method::PUT, "/api/v1/admin/campaigns/2026", Some(shut)).await;
    let (_, page) = app.get_text("/campaigns/2026").await;
    assert!(page.contains("本届征集活动已结束，不再发布新的公示。"), "{page}");
});
