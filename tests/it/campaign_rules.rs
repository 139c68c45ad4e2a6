//! A campaign's objection rules are honoured where objections arrive: with real names not
//! required, an anonymous objection is taken; with evidence required, one filed with no file is
//! recorded and refused (无证据或可核查线索) while one with a file is taken.
use crate::db_test;
use crate::objections_support::*;
use sea_orm::ConnectionTrait;
use serde_json::Value;

async fn set_rule(app: &crate::helpers::TestApp, column: &str, value: bool) {
    let sql = format!("UPDATE campaigns SET {column} = {}", if value { "true" } else { "false" });
    app.db.execute_unprepared(&sql).await.unwrap();
}

db_test!(a_campaign_that_does_not_require_real_names_takes_an_anonymous_objection, |app| {
    let s = scene(&app).await;
    set_rule(&app, "require_real_name", false).await;
    let mut body = objection(s.projects[0]);
    body["name"] = "".into();
    body["phone"] = "".into();
    let res = file_api(&app, s.notice, &body).await;
    assert_eq!(res.status().as_u16(), 201, "{}", res.text().await.unwrap());
    let rows = objections(&app).await;
    assert_eq!((rows[0].status.as_str(), rows[0].refusal_reason.as_deref()), ("received", None));
    // Switched back on, the same objection is recorded and refused as anonymous.
    set_rule(&app, "require_real_name", true).await;
    let res = file_api(&app, s.notice, &body).await;
    assert_eq!(res.status().as_u16(), 422);
});

db_test!(a_campaign_that_refuses_objections_without_evidence_refuses_one_with_no_file, |app| {
    let s = scene(&app).await;
    let res = file_api(&app, s.notice, &objection(s.projects[0])).await;
    assert_eq!(res.status().as_u16(), 201, "by default evidence is not required");
    set_rule(&app, "refuse_without_evidence", true).await;
    let res = file_api(&app, s.notice, &objection(s.projects[0])).await;
    assert_eq!(res.status().as_u16(), 422);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["refusal_reason"], "no_evidence");
    assert!(answer["title"].as_str().unwrap().contains("要求异议附有证据材料"), "{answer}");
    let rows = objections(&app).await;
    assert_eq!((rows[1].status.as_str(), rows[1].refusal_reason.as_deref()), ("refused", Some("no_evidence")));
    assert!(rows[1].in_time, "recorded in time, and refused for the campaign's rule");

    let res = file_form(&app, s.notice, &form_fields(s.projects[0]), vec![("证据.pdf", pdf())]).await;
    assert_eq!(res.status().as_u16(), 200);
    let rows = objections(&app).await;
    assert_eq!(
        (rows[2].status.as_str(), rows[2].refusal_reason.as_deref()),
        ("received", None),
        "with a file it is taken"
    );
});
