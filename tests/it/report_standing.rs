//! A report clears only while what it rests on still stands (报告效力): withdrawing the notice
//! or restarting its period voids it, and an in-time letter registered after it suspends it
//! until a new report accounts for the letter. The gate, the verify page and the API say the
//! same thing.
use crate::db_test;
use crate::helpers::TestApp;
use crate::notices_support::{cn, day};
use crate::reports_support::*;
use entity::project_completers;
use gongshi::audit::Who;
use gongshi::notices::Level;
use gongshi::notices::generate::{DraftEdit, GenerateRequest, generate, start_correction, update_draft};
use gongshi::notices::publish::{PublishRequest, publish};
use gongshi::notices::service;
use gongshi::projects::Grade;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
use serde_json::{Value, json};

const P: &str = "河西走廊日光温室智能水肥一体化系统";
const Q: &str = "玉米制种田精准播种机改进";

struct Setup {
    t: Tree,
    ids: Vec<i32>,
    l1: i32,
    code: String,
    e_token: String,
}

/// Two projects of the enterprise noticed 3月10日–14日, a clean report issued on 3月15日, and
/// the first project recommended to the county on it.
async fn setup(app: &TestApp) -> Setup {
    let t = tree(app).await;
    let drafts = vec![project("HYH-01", P, Some(Grade::Second)), project("HYH-02", Q, Some(Grade::Third))];
    let ids = declare(app, &t, t.enterprise, drafts).await;
    let l1 = notice_at(app, &t, t.enterprise, Level::Applicant, &ids, day(2025, 3, 10), app.clock_now()).await;
    app.clock.set(cn(2025, 3, 15, 9, 0, 0));
    let e_token = admin_token(app, t.enterprise, "e-admin").await;
    let code = issued(app, &e_token, l1).await;
    let (status, body) = recommend(app, &e_token, ids[0], None).await;
    assert_eq!(status, 201, "{body}");
    Setup { t, ids, l1, code, e_token }
}

fn county_level_two(s: &Setup) -> GenerateRequest {
    GenerateRequest {
        campaign_id: s.t.campaign,
        unit_id: s.t.county,
        level: Level::Recommender,
        project_ids: vec![s.ids[0]],
        starts_on: None,
        created_by: None,
    }
}

fn refusal(err: gongshi::error::AppError) -> String {
    match err {
        gongshi::error::AppError::Validation(list) => {
            list.into_iter().map(|e| e.message).collect::<Vec<_>>().join("\n")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

async fn report_api(app: &TestApp, code: &str) -> Value {
    let res = app.client.get(app.url(&format!("/api/v1/reports/{code}"))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    res.json().await.unwrap()
}

async fn report_page(app: &TestApp, code: &str) -> String {
    let res = app.client.get(app.url(&format!("/reports/{code}"))).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    res.text().await.unwrap()
}

db_test!(a_report_whose_notice_was_withdrawn_clears_nothing_and_says_so, |app| {
    let s = setup(&app).await;
    assert_eq!(report_api(&app, &s.code).await["standing"]["code"], "valid");

    app.clock.set(cn(2025, 3, 16, 10, 0, 0));
    let path = format!("/api/v1/admin/notices/{}/withdraw", s.l1);
    let (status, body) =
        api(&app, &s.e_token, reqwest::Method::POST, &path, Some(json!({ "reason": "误将未审核项目列入" }))).await;
    assert_eq!(status, 204, "{body}");

    // The other project can no longer be recommended on that report.
    let (status, body) = recommend(&app, &s.e_token, s.ids[1], None).await;
    assert_eq!(status, 422, "{body}");
    let said = body["errors"][0]["message"].as_str().unwrap_or_default().to_owned();
    assert!(said.contains(&format!("结果报告{}已失效", s.code)) && said.contains("撤销"), "{said}");
    // The county cannot put the already recommended one into its level-2 notice either.
    let err = generate(&app.db, &county_level_two(&s), app.clock_now()).await.unwrap_err();
    let said = refusal(err);
    assert!(said.contains("已失效") && said.contains(P), "{said}");

    // The county, which received the project on that report, sees the warning.
    let county = admin_token(&app, s.t.county, "county-admin").await;
    let (status, overview) = api(&app, &county, reqwest::Method::GET, "/api/v1/admin/recommendations", None).await;
    assert_eq!(status, 200, "{overview}");
    assert_eq!(overview["received"][0]["report_standing"]["label"], "已失效", "{overview}");
    let page = app.sign_in(s.t.county, "admin", "county-page").await;
    let (_, html) = page.get_text("/admin/recommendations").await;
    assert!(html.contains("报告已失效"), "the county's page flags the recommendation");

    // The verify page still verifies the document, and says plainly it no longer clears.
    let page = report_page(&app, &s.code).await;
    assert!(page.contains("核验通过"), "integrity is still checked");
    assert!(page.contains("报告效力：已失效") && page.contains("该公示已被撤销"), "{page}");
    assert!(page.contains("2025年3月16日"), "since when");
    let answer = report_api(&app, &s.code).await;
    assert_eq!(answer["standing"]["code"], "void");
    assert_eq!(answer["standing"]["clears"], false);
    assert_eq!(answer["standing"]["since"], "2025-03-16T10:00:00+08:00");
});

db_test!(a_correction_that_restarts_the_period_voids_the_report_of_the_earlier_period, |app| {
    let s = setup(&app).await;
    app.clock.set(cn(2025, 3, 16, 9, 0, 0));
    // The record changes the completers' order; the correction restarts the period.
    let completers = project_completers::Entity::find()
        .filter(project_completers::Column::ProjectId.eq(s.ids[1]))
        .order_by_asc(project_completers::Column::Position)
        .all(&app.db)
        .await
        .unwrap();
    assert!(completers.len() >= 2, "the fixture has two completers");
    for (offset, (c, pos)) in [100, 0].into_iter().flat_map(|o| completers.iter().zip([2, 1]).map(move |x| (o, x))) {
        let mut row: project_completers::ActiveModel = c.clone().into();
        row.position = Set(pos + offset);
        row.update(&app.db).await.unwrap();
    }
    start_correction(&app.db, s.l1, &Who::default(), app.clock_now()).await.unwrap();
    let draft = service::draft_revision(&app.db, s.l1).await.unwrap().unwrap();
    let edit = DraftEdit {
        title: draft.title.clone(),
        body_md: draft.body_md.clone(),
        starts_on: day(2025, 3, 17),
        doc_number: None,
        board_location: None,
        media: None,
        web: true,
        project_ids: s.ids.clone(),
    };
    update_draft(&app.db, s.l1, edit, &Who::default(), app.clock_now()).await.unwrap();
    let note = PublishRequest { note: Some("第二项完成人排序更正".into()), ..PublishRequest::default() };
    assert!(publish(&app.db, s.l1, &note, app.clock_now()).await.unwrap().restarted);

    let (status, body) = recommend(&app, &s.e_token, s.ids[1], None).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("公示期重新计算"), "{body}");
    let said = refusal(generate(&app.db, &county_level_two(&s), app.clock_now()).await.unwrap_err());
    assert!(said.contains("已失效"), "{said}");
    assert_eq!(report_api(&app, &s.code).await["standing"]["code"], "void");
});

db_test!(an_in_time_letter_registered_after_the_report_suspends_it_until_a_new_report, |app| {
    let s = setup(&app).await;
    app.clock.set(cn(2025, 3, 17, 9, 0, 0));
    // Postmarked on the last day of the period, arrived and registered after the report.
    let body = json!({
        "channel": "letter", "claimed_at": "2025-03-14", "objector_kind": "individual",
        "name": "来信人赵六", "phone": "13909310001", "project_id": s.ids[1], "category": "personnel",
        "content": "该项目第二完成人未实际参与研制。"
    });
    let path = format!("/api/v1/admin/notices/{}/objections", s.l1);
    let (status, answer) = api(&app, &s.e_token, reqwest::Method::POST, &path, Some(body)).await;
    assert!(status == 201 || status == 200, "{answer}");

    let (status, body) = recommend(&app, &s.e_token, s.ids[1], None).await;
    assert_eq!(status, 422, "{body}");
    assert!(body["errors"][0]["message"].as_str().unwrap_or_default().contains("暂停"), "{body}");
    let said = refusal(generate(&app.db, &county_level_two(&s), app.clock_now()).await.unwrap_err());
    assert!(said.contains("暂停"), "{said}");
    let answer = report_api(&app, &s.code).await;
    assert_eq!(answer["standing"]["code"], "suspended");
    assert!(report_page(&app, &s.code).await.contains("报告效力：暂停"));

    // Handled and dismissed, then a new report that accounts for it replaces the old one.
    let case = crate::objections_support::objections(&app).await.last().expect("the letter").id;
    conclude(&app, &s.e_token, case, "dismissed", "经核实，第二完成人参与了研制，异议不成立。").await;
    let new_code = issued(&app, &s.e_token, s.l1).await;
    assert_ne!(new_code, s.code);
    assert_eq!(report_api(&app, &s.code).await["standing"]["code"], "superseded");
    assert_eq!(report_api(&app, &new_code).await["standing"]["code"], "valid");
    let (status, body) = recommend(&app, &s.e_token, s.ids[1], None).await;
    assert_eq!(status, 201, "cleared by the new report: {body}");
});

db_test!(the_gate_is_asked_again_when_a_draft_is_published, |app| {
    let s = setup(&app).await;
    // The county drafts its level-2 notice while the enterprise's report stands …
    let draft = generate(&app.db, &county_level_two(&s), app.clock_now()).await.expect("drafted");
    // … then the enterprise withdraws its notice before the county publishes.
    app.clock.set(cn(2025, 3, 16, 10, 0, 0));
    let path = format!("/api/v1/admin/notices/{}/withdraw", s.l1);
    let (status, body) = api(&app, &s.e_token, reqwest::Method::POST, &path, Some(json!({ "reason": "误发" }))).await;
    assert_eq!(status, 204, "{body}");
    let county = admin_token(&app, s.t.county, "county-admin").await;
    let path = format!("/api/v1/admin/notices/{}/publish", draft.notice_id);
    let (status, body) = api(&app, &county, reqwest::Method::POST, &path, Some(json!({}))).await;
    assert_eq!(status, 422, "{body}");
    let said = body["errors"][0]["message"].as_str().unwrap_or_default();
    assert!(said.contains(P) && said.contains("已失效"), "{body}");
    let still = service::latest_published(&app.db, draft.notice_id).await.unwrap();
    assert!(still.is_none(), "nothing was published");
});
