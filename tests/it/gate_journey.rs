//! One project's whole way from an enterprise to the province, with the gate asked at every
//! step: refused before any report, held back by an upheld objection, refused a re-notice
//! without a correction, cleared by the corrected re-notice, recommended by mistake and
//! withdrawn, recommended again, noticed by the county on its board (an offline record the city
//! must accept first) and by the city online, refused by the province until it proposes a
//! grade, and listed at level 3.
use crate::db_test;
use crate::helpers::TestApp;
use crate::notices_support::{cn, day};
use crate::reports_support::*;
use base64::Engine as _;
use gongshi::notices::Level;
use gongshi::notices::generate::{GenerateRequest, generate};
use gongshi::notices::publish::{PublishRequest, publish};
use gongshi::projects::Grade;
use serde_json::json;

const P: &str = "河西走廊日光温室智能水肥一体化系统";

fn refusal(err: gongshi::error::AppError) -> String {
    match err {
        gongshi::error::AppError::Validation(list) => {
            list.into_iter().map(|e| e.message).collect::<Vec<_>>().join("\n")
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// What the gate answers the holder recommending the project now: 201, or the refusal.
async fn try_recommend(app: &TestApp, token: &str, project: i32) -> Result<(), String> {
    let (status, body) = recommend(app, token, project, None).await;
    match status {
        201 => Ok(()),
        _ => Err(body["errors"][0]["message"].as_str().map_or_else(|| body.to_string(), str::to_owned)),
    }
}

fn level3(t: &Tree, project: i32) -> GenerateRequest {
    GenerateRequest {
        campaign_id: t.campaign,
        unit_id: t.province,
        level: Level::Province,
        project_ids: vec![project],
        starts_on: Some(day(2025, 4, 14)),
        created_by: None,
    }
}

db_test!(one_project_walks_from_the_enterprise_to_the_province_through_the_gate_at_every_step, |app| {
    let t = tree(&app).await;
    let p = declare(&app, &t, t.enterprise, vec![project("HYH-01", P, Some(Grade::Second))]).await[0];
    let e = admin_token(&app, t.enterprise, "journey-e").await;
    let county = admin_token(&app, t.county, "journey-county").await;
    let city = admin_token(&app, t.city, "journey-city").await;
    let province = admin_token(&app, t.province, "journey-gs").await;

    // 1. Level 1, 3月10日–14日: nothing goes up before a report.
    let l1 = notice_at(&app, &t, t.enterprise, Level::Applicant, &[p], day(2025, 3, 10), app.clock_now()).await;
    app.clock.set(cn(2025, 3, 12, 9, 0, 0));
    let no_report = try_recommend(&app, &e, p).await.unwrap_err();
    assert!(no_report.contains("尚无甘肃农垦黄羊河集团有限责任公司的申报单位公示结果报告"), "{no_report}");

    // 2. An objection in the period, upheld; the report says so and the gate holds the project back.
    let case = object(&app, l1, p, "personnel").await;
    conclude(&app, &e, case, "upheld", "经核查，第三完成人未参与研制，异议成立。").await;
    app.clock.set(cn(2025, 3, 15, 9, 0, 0));
    issued(&app, &e, l1).await;
    let held = try_recommend(&app, &e, p).await.unwrap_err();
    assert!(held.contains("异议成立，须更正后再次公示无异议"), "{held}");

    // 3. Noticed again unchanged, without a statement: refused at publish.
    let again = |start| GenerateRequest {
        campaign_id: t.campaign,
        unit_id: t.enterprise,
        level: Level::Applicant,
        project_ids: vec![p],
        starts_on: Some(start),
        created_by: None,
    };
    let draft = generate(&app.db, &again(day(2025, 3, 17)), app.clock_now()).await.unwrap().notice_id;
    let unchanged = publish(&app.db, draft, &PublishRequest::default(), app.clock_now()).await.unwrap_err();
    assert!(refusal(unchanged).contains("再次公示须先更正项目登记表，或填写经核实处理情况"));

    // 4. Corrected (the third completer removed) and noticed again with the statement: clean.
    let mut corrected = project("HYH-01", P, Some(Grade::Second));
    corrected.completers.truncate(2);
    declare(&app, &t, t.enterprise, vec![corrected]).await;
    let note = "经核查第三完成人未参与研制，已从完成人中删除，再次公示";
    let l1_again = renotice_at(&app, &t, &[p], day(2025, 3, 17), app.clock_now(), note).await;
    app.clock.set(cn(2025, 3, 22, 9, 0, 0));
    issued(&app, &e, l1_again).await;

    // 5. Recommended to the county, withdrawn as a mistake, recommended again.
    try_recommend(&app, &e, p).await.unwrap();
    let body = json!({ "project_id": p, "reason": "推荐材料附件缺页，撤回补正" });
    let (status, answer) =
        api(&app, &e, reqwest::Method::POST, "/api/v1/admin/recommendations/withdrawals", Some(body)).await;
    assert_eq!(status, 201, "{answer}");
    let gone = generate(
        &app.db,
        &GenerateRequest { unit_id: t.county, level: Level::Recommender, ..again(day(2025, 3, 24)) },
        app.clock_now(),
    )
    .await
    .unwrap_err();
    assert!(refusal(gone).contains("尚未推荐至本单位"), "withdrawn, the county cannot list it");
    try_recommend(&app, &e, p).await.unwrap();

    // 6. The county posts its notice on its board (3月24日–28日) and records it afterwards with
    //    a photo and its paper report; the gate waits for the city to accept the record.
    app.clock.set(cn(2025, 3, 29, 9, 0, 0));
    let scan = base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n");
    let record = json!({
        "campaign_id": t.campaign,
        "level": 2,
        "title": "凉州区总工会关于职工技术成果推荐项目的公示",
        "posted_where": "凉州区总工会公示栏",
        "starts_on": "2025-03-24",
        "ends_on": "2025-03-28",
        "project_ids": [p],
        "scan_base64": scan,
    });
    let (status, row) = api(&app, &county, reqwest::Method::POST, "/api/v1/admin/offline/notices", Some(record)).await;
    assert_eq!(status, 201, "{row}");
    let offline = row["notice_id"].as_i64().unwrap();
    let paper = json!({ "outcomes": [{ "project_id": p, "outcome": "no_objection" }], "scan_base64": scan });
    let path = format!("/api/v1/admin/offline/notices/{offline}/report");
    let (status, body) = api(&app, &county, reqwest::Method::POST, &path, Some(paper)).await;
    assert_eq!(status, 201, "{body}");
    let waiting = try_recommend(&app, &county, p).await.unwrap_err();
    assert!(waiting.contains("尚待武威市总工会确认"), "{waiting}");
    let path = format!("/api/v1/admin/offline/notices/{offline}/review");
    let verdict = json!({ "decision": "accept", "reason": "已核对公示照片和结果报告原件" });
    let (status, body) = api(&app, &city, reqwest::Method::POST, &path, Some(verdict)).await;
    assert!(status == 200 || status == 201, "{body}");
    try_recommend(&app, &county, p).await.unwrap();

    // 7. The city's notice (3月31日–4月4日) and report; on to the province.
    app.clock.set(cn(2025, 3, 30, 9, 0, 0));
    let l2_city = notice_at(&app, &t, t.city, Level::Recommender, &[p], day(2025, 3, 31), app.clock_now()).await;
    app.clock.set(cn(2025, 4, 5, 9, 0, 0));
    issued(&app, &city, l2_city).await;
    try_recommend(&app, &city, p).await.unwrap();

    // 8. The province: refused until its review proposes a grade, then listed at level 3.
    let ungraded = generate(&app.db, &level3(&t, p), app.clock_now()).await.unwrap_err();
    assert!(refusal(ungraded).contains("尚无省总工会评审后的拟评等级"));
    let path = format!("/api/v1/admin/projects/{p}/review-grade");
    let (status, _) = api(&app, &province, reqwest::Method::POST, &path, Some(json!({ "grade": "third" }))).await;
    assert_eq!(status, 201);
    let l3 = generate(&app.db, &level3(&t, p), app.clock_now()).await.unwrap().notice_id;
    publish(&app.db, l3, &PublishRequest::default(), app.clock_now()).await.unwrap();
    assert!(gongshi::verify::verify(&app.db).await.unwrap().is_ok(), "the ledger covers every step");
});
