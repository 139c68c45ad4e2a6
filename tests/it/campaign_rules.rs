//! A campaign's objection rules are honoured where objections arrive: with real names not
//! required, an anonymous objection is taken; with evidence required, one filed with no file is
//! recorded and refused (无证据或可核查线索) while one with a file is taken.
use crate::db_test;
use crate::objections_support::*;
use sea_orm::ConnectionTrait;
use serde_json::Value;

/// A second notice of the scene's projects (3月10日–14日), published once the campaign's rules
/// have changed: it is published under the new ones.
async fn notice_under_current_rules(app: &crate::helpers::TestApp, s: &Scene) -> i32 {
    use gongshi::notices::generate::{GenerateRequest, generate};
    use gongshi::notices::publish::{PublishRequest, publish};
    let during = app.clock_now();
    let before = cn(2025, 3, 9, 9, 0, 0);
    let campaign = <entity::campaigns::Entity as sea_orm::EntityTrait>::find().one(&app.db).await.unwrap().unwrap();
    let req = GenerateRequest {
        campaign_id: campaign.id,
        unit_id: s.unit,
        level: gongshi::notices::Level::Applicant,
        project_ids: s.projects.clone(),
        starts_on: chrono::NaiveDate::from_ymd_opt(2025, 3, 10),
        created_by: None,
    };
    let id = generate(&app.db, &req, before).await.unwrap().notice_id;
    publish(&app.db, id, &PublishRequest::default(), before).await.unwrap();
    app.clock.set(during);
    id
}

async fn set_rule(app: &crate::helpers::TestApp, column: &str, value: bool) {
    let sql = format!("UPDATE campaigns SET {column} = {}", if value { "true" } else { "false" });
    app.db.execute_unprepared(&sql).await.unwrap();
}

db_test!(a_campaign_that_does_not_require_real_names_takes_an_anonymous_objection, |app| {
    let s = scene(&app).await;
    set_rule(&app, "require_real_name", false).await;
    let notice = notice_under_current_rules(&app, &s).await;
    let mut body = objection(s.projects[0]);
    body["name"] = "".into();
    body["phone"] = "".into();
    let res = file_api(&app, notice, &body).await;
    assert_eq!(res.status().as_u16(), 201, "{}", res.text().await.unwrap());
    let rows = objections(&app).await;
    assert_eq!((rows[0].status.as_str(), rows[0].refusal_reason.as_deref()), ("received", None));
    // The scene's notice was published while real names were required: refused there.
    let res = file_api(&app, s.notice, &body).await;
    assert_eq!(res.status().as_u16(), 422);
});

db_test!(a_campaign_that_refuses_objections_without_evidence_refuses_one_with_no_file, |app| {
    let s = scene(&app).await;
    let res = file_api(&app, s.notice, &objection(s.projects[0])).await;
    assert_eq!(res.status().as_u16(), 201, "by default evidence is not required");
    set_rule(&app, "refuse_without_evidence", true).await;
    let notice = notice_under_current_rules(&app, &s).await;
    let res = file_api(&app, notice, &objection(s.projects[0])).await;
    assert_eq!(res.status().as_u16(), 422);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["refusal_reason"], "no_evidence");
    assert!(answer["title"].as_str().unwrap().contains("要求异议附有证据材料"), "{answer}");
    let rows = objections(&app).await;
    assert_eq!((rows[1].status.as_str(), rows[1].refusal_reason.as_deref()), ("refused", Some("no_evidence")));
    assert!(rows[1].in_time, "recorded in time, and refused for the campaign's rule");

    let res = file_form(&app, notice, &form_fields(s.projects[0]), vec![("证据.pdf", pdf())]).await;
    assert_eq!(res.status().as_u16(), 200);
    let rows = objections(&app).await;
    assert_eq!(
        (rows[2].status.as_str(), rows[2].refusal_reason.as_deref()),
        ("received", None),
        "with a file it is taken"
    );
});

db_test!(a_published_notice_keeps_the_objection_rules_it_was_published_under, |app| {
    let s = scene(&app).await;
    // After publication the campaign drops the real-name rule and starts requiring evidence.
    set_rule(&app, "require_real_name", false).await;
    set_rule(&app, "refuse_without_evidence", true).await;
    let (_, page) = app.get_text(&format!("/notices/{}", s.notice)).await;
    assert!(page.contains("异议须实名提出，匿名异议不予受理。"), "{page}");
    assert!(page.contains("请尽量附上证据材料或可核查的线索。"));
    let res = file_api(&app, s.notice, &objection(s.projects[0])).await;
    assert_eq!(res.status().as_u16(), 201, "no evidence was required when this notice was published");
    let mut anonymous = objection(s.projects[0]);
    anonymous["name"] = "".into();
    let res = file_api(&app, s.notice, &anonymous).await;
    assert_eq!(res.status().as_u16(), 422, "real names were required when this notice was published");
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["refusal_reason"], "anonymous");
});

db_test!(a_notice_written_under_lenient_rules_does_not_tell_readers_to_give_their_names, |app| {
    let s = scene(&app).await;
    set_rule(&app, "require_real_name", false).await;
    let notice = notice_under_current_rules(&app, &s).await;
    let (_, page) = app.get_text(&format!("/notices/{notice}")).await;
    assert!(page.contains("异议可以不署名提出"), "{page}");
    assert!(!page.contains("匿名异议不予受理"), "neither the notice's text nor the page says so");
    let (_, poster) = app.get_text(&format!("/notices/{notice}/poster")).await;
    assert!(!poster.contains("匿名"), "{poster}");
});

/// Registers a letter through the staff API as `token`'s unit; returns (status, answer).
async fn register_letter(app: &crate::helpers::TestApp, token: &str, notice: i32, fields: Value) -> (u16, Value) {
    let mut body = serde_json::json!({ "channel": "letter", "objector_kind": "individual", "name": "赵六",
        "phone": "0935-2212345", "category": "ip", "content": "该专利权属存在争议。" });
    for (k, v) in fields.as_object().unwrap() {
        body[k] = v.clone();
    }
    let res = app
        .client
        .post(app.url(&format!("/api/v1/admin/notices/{notice}/objections")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.json().await.unwrap())
}

db_test!(letters_count_by_postmark_or_by_arrival_as_the_notice_rules_say, |app| {
    let s = scene(&app).await;
    app.db.execute_unprepared("UPDATE campaigns SET letters_by = 'arrival'").await.unwrap();
    let by_arrival = notice_under_current_rules(&app, &s).await;
    let user = app.create_user(s.unit, "handler", "dengji").await;
    let token = app.api_token(user).await;
    // Postmarked on the last day (3月14日), arrived two days after the close.
    app.clock.set(closes_at() + chrono::Duration::days(2));
    let letter = serde_json::json!({ "project_id": s.projects[0], "claimed_at": "2025-03-16 09:00", "postmarked_on": "2025-03-14" });

    let (status, by_postmark) = register_letter(&app, &token, s.notice, letter.clone()).await;
    assert_eq!(status, 201, "{by_postmark}");
    assert_eq!(
        (by_postmark["status"].as_str(), by_postmark["in_time"].as_bool()),
        (Some("received"), Some(true)),
        "the scene's notice counts letters by postmark"
    );
    assert_eq!(by_postmark["received_at"], "2025-03-14T00:00:00+08:00");

    let (status, late) = register_letter(&app, &token, by_arrival, letter).await;
    assert_eq!(status, 201, "{late}");
    assert_eq!(
        (late["status"].as_str(), late["refusal_reason"].as_str()),
        (Some("refused"), Some("late")),
        "a notice published under 信函以收到日期为准 counts its arrival"
    );
    assert_eq!(late["received_at"], "2025-03-16T09:00:00+08:00");

    let staff = app.sign_in(s.unit, "handler", "chakan").await;
    let (_, page) = staff.get_text(&format!("/admin/objections/register?notice_id={by_arrival}")).await;
    assert!(page.contains("本公示的信函以收到日期为准"), "{page}");
    let (_, page) = staff.get_text(&format!("/admin/objections/register?notice_id={}", s.notice)).await;
    assert!(page.contains("本公示的信函以邮戳日期为准"), "{page}");
});

db_test!(a_postmark_after_the_arrival_or_on_a_phone_call_is_refused_field_by_field, |app| {
    let s = scene(&app).await;
    let user = app.create_user(s.unit, "handler", "dengji").await;
    let token = app.api_token(user).await;
    app.clock.set(closes_at() + chrono::Duration::days(2));
    let after =
        serde_json::json!({ "project_id": s.projects[0], "claimed_at": "2025-03-12", "postmarked_on": "2025-03-13" });
    let (status, answer) = register_letter(&app, &token, s.notice, after).await;
    assert_eq!(status, 422);
    assert!(answer.to_string().contains("邮戳日期不能晚于收到时间"), "{answer}");
    let phone = serde_json::json!({ "channel": "phone", "project_id": s.projects[0], "claimed_at": "2025-03-12", "postmarked_on": "2025-03-11" });
    let (status, answer) = register_letter(&app, &token, s.notice, phone).await;
    assert_eq!(status, 422);
    assert!(answer.to_string().contains("只有信函才有邮戳日期"), "{answer}");
    let garbage =
        serde_json::json!({ "project_id": s.projects[0], "claimed_at": "2025-03-12", "postmarked_on": "三月" });
    let (status, answer) = register_letter(&app, &token, s.notice, garbage).await;
    assert_eq!(status, 422);
    assert!(answer.to_string().contains("邮戳日期格式不对"), "{answer}");
    assert!(objections(&app).await.is_empty(), "nothing saved");
});

db_test!(the_objection_form_states_the_rules_its_notice_was_published_under, |app| {
    let s = scene(&app).await;
    set_rule(&app, "require_real_name", false).await;
    set_rule(&app, "refuse_without_evidence", true).await;
    let lenient = notice_under_current_rules(&app, &s).await;
    let (_, strict_form) = app.get_text(&format!("/notices/{}/objection", s.notice)).await;
    assert!(strict_form.contains("异议须实名提出"), "{strict_form}");
    assert!(!strict_form.contains("未附证据的不予受理"));
    let (_, lenient_form) = app.get_text(&format!("/notices/{lenient}/objection")).await;
    assert!(lenient_form.contains("本公示接受不署名的异议"), "{lenient_form}");
    assert!(!lenient_form.contains("异议须实名提出"));
    assert!(lenient_form.contains("未附证据的不予受理"));
});
