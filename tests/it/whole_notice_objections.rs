//! An objection to the notice as a whole (公示程序: content left out, a period too short) names
//! no project, is handled like any other, and appears in the report's handling section.
use crate::db_test;
use crate::helpers::csrf_in;
use crate::notices_support::cn;
use crate::objections_support::{form_body, form_page, hidden, objections, post_form, some_client};
use crate::reports_support::*;
use serde_json::{Value, json};

fn about_the_notice(category: &str) -> Value {
    json!({ "objector_kind": "individual", "name": "王五", "phone": "13909310000", "category": category,
            "content": "公示未列明各项目的知识产权情况，公示期也不足五个自然日。", "declaration": true })
}

async fn post(app: &crate::helpers::TestApp, notice: i32, body: &Value) -> (u16, Value) {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/notices/{notice}/objections")))
        .header("x-forwarded-for", some_client())
        .json(body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

db_test!(an_objection_to_the_notice_itself_is_handled_and_reported, |app| {
    let s = crate::reports::scene(&app).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (status, answer) = post(&app, s.notice, &about_the_notice("ip")).await;
    assert_eq!(status, 422, "without a project only 公示程序 may be chosen: {answer}");
    assert!(answer.to_string().contains("对公示本身"), "{answer}");

    let (status, answer) = post(&app, s.notice, &about_the_notice("procedure")).await;
    assert_eq!(status, 201, "{answer}");
    let rows = objections(&app).await;
    assert_eq!((rows[0].project_id, rows[0].category.as_str()), (None, "procedure"));

    let id = rows[0].id;
    conclude(&app, &s.token, id, "dismissed", "经核查，公示内容齐全，公示期为五个自然日，异议不成立。").await;
    app.clock.set(cn(2025, 3, 15, 8, 0, 0));
    let (status, body) = issue(&app, &s.token, s.notice).await;
    assert_eq!(status, 201, "{body}");
    let case = &body["content"]["cases"][0];
    assert_eq!(case["project_name"], "公示本身");
    assert_eq!(case["category"], "公示程序");
    assert_eq!(case["summary"], "经核查，公示内容齐全，公示期为五个自然日，异议不成立。");
    let outcomes: Vec<&str> =
        body["content"]["projects"].as_array().unwrap().iter().map(|p| p["outcome_label"].as_str().unwrap()).collect();
    assert_eq!(outcomes, ["公示无异议"; 3], "no project carries the notice's objection");
});

db_test!(the_form_offers_the_notice_itself_only_with_the_procedure_category, |app| {
    let s = crate::reports::scene(&app).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (_, page) = form_page(&app, s.notice).await;
    assert!(page.contains("value=\"whole\"") && page.contains("对公示本身"), "{page}");
    let fields = |category: &str| {
        vec![
            ("objector_kind", "individual".to_owned()),
            ("name", "王五".to_owned()),
            ("phone", "13909310000".to_owned()),
            ("project_id", "whole".to_owned()),
            ("category", category.to_owned()),
            ("content", "公示期不足五个自然日。".to_owned()),
            ("declaration", "true".to_owned()),
        ]
    };
    let body = form_body(&csrf_in(&page), &hidden(&page, "idempotency_key"), &fields("merit"), vec![]);
    let res = post_form(&app, s.notice, body).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("异议类别请选择“公示程序”"));
    let (_, page) = form_page(&app, s.notice).await;
    let body = form_body(&csrf_in(&page), &hidden(&page, "idempotency_key"), &fields("procedure"), vec![]);
    let res = post_form(&app, s.notice, body).await;
    assert_eq!(res.status().as_u16(), 200);
    let receipt = res.text().await.unwrap();
    assert!(receipt.contains("公示本身"), "{receipt}");
    assert_eq!(objections(&app).await.len(), 1);
});
