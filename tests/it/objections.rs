//! Filing an objection on the web and through the API: the receipt, the exact close instant,
//! late and anonymous recording, validation, idempotency and evidence files.
use crate::db_test;
use crate::helpers::csrf_in;
use crate::objections_support::*;
use chrono::Duration;
use entity::{objection_attachments, objection_events, objector_identities};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::Value;

db_test!(the_form_lists_the_notice_projects_and_carries_its_tokens, |app| {
    let s = scene(&app).await;
    let (status, page) = form_page(&app, s.notice).await;
    assert_eq!(status, 200);
    assert!(page.contains("输电线路覆冰在线监测装置") && page.contains("变电站智能巡检机器人"), "{page}");
    assert!(page.contains("截止时间：2025年3月14日24时"), "{page}");
    assert!(!csrf_in(&page).is_empty());
    assert_eq!(hidden(&page, "idempotency_key").len(), 32);
    let (_, again) = form_page(&app, s.notice).await;
    assert_ne!(hidden(&page, "idempotency_key"), hidden(&again, "idempotency_key"), "a fresh key per form");
});

db_test!(filing_through_the_form_shows_a_signed_receipt_in_china_time, |app| {
    let s = scene(&app).await;
    let res = file_form(&app, s.notice, &form_fields(s.projects[1]), vec![]).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let page = res.text().await.unwrap();
    let rows = objections(&app).await;
    assert_eq!(rows.len(), 1);
    let o = &rows[0];
    let grouped = format!("{}-{}", &o.receipt_code[..4], &o.receipt_code[4..]);
    assert!(page.contains(&grouped), "receipt code shown: {page}");
    assert!(page.contains("2025年3月11日 09:30:05"), "receipt time to the second in China time");
    assert!(page.contains("变电站智能巡检机器人") && page.contains("完成单位及排序"));
    assert!(page.contains(&o.signature), "the signed token is printed");
    assert!(page.contains("<svg"), "with a QR code");
    assert_eq!(o.status, "received");
    assert!(o.in_time);
    assert_eq!(o.channel, "web");
    assert_eq!(o.received_at, during());
    let row = objector_identities::Entity::find_by_id(o.id).one(&app.db).await.unwrap().unwrap();
    let identity = gongshi::objections::identity::open(&app.state.secrets.sealer, &row).unwrap();
    assert_eq!(identity.name.as_deref(), Some("王五"), "identity kept apart from the case");
    assert_ne!(row.name.as_deref(), Some("王五"), "and sealed at rest");
});

db_test!(a_form_with_mistakes_comes_back_with_messages_beside_the_fields_and_what_was_typed, |app| {
    let s = scene(&app).await;
    let mut fields = form_fields(s.projects[0]);
    fields.retain(|(k, _)| !matches!(*k, "category" | "declaration"));
    fields.retain(|(k, _)| *k != "content");
    fields.push(("content", "<script>alert(1)</script>排序有误".into()));
    fields.push(("category", "nonsense".into()));
    let res = file_form(&app, s.notice, &fields, vec![]).await;
    assert_eq!(res.status().as_u16(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("请选择异议类别"), "{page}");
    assert!(page.contains("请确认所填内容真实"));
    assert!(page.contains("value=\"王五\""), "typed name kept");
    assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;排序有误"), "typed text kept, escaped");
    assert!(!page.contains("<script>alert(1)"));
    assert!(objections(&app).await.is_empty(), "nothing recorded for a malformed form");
});

db_test!(the_form_refuses_a_post_without_its_csrf_token, |app| {
    let s = scene(&app).await;
    let body = form_body("forged", "k1", &form_fields(s.projects[0]), vec![]);
    let res = post_form(&app, s.notice, body).await;
    assert_eq!(res.status().as_u16(), 403);
    assert!(objections(&app).await.is_empty());
});

db_test!(a_double_clicked_submit_creates_one_objection_and_shows_the_same_receipt, |app| {
    let s = scene(&app).await;
    let (_, page) = form_page(&app, s.notice).await;
    let (csrf, key) = (csrf_in(&page), hidden(&page, "idempotency_key"));
    let first =
        post_form(&app, s.notice, form_body(&csrf, &key, &form_fields(s.projects[0]), vec![("a.pdf", pdf())])).await;
    let second =
        post_form(&app, s.notice, form_body(&csrf, &key, &form_fields(s.projects[0]), vec![("a.pdf", pdf())])).await;
    let (first, second) = (first.text().await.unwrap(), second.text().await.unwrap());
    let rows = objections(&app).await;
    assert_eq!(rows.len(), 1, "one objection");
    let code = format!("{}-{}", &rows[0].receipt_code[..4], &rows[0].receipt_code[4..]);
    assert!(first.contains(&code) && second.contains(&code));
    assert!(second.contains("重复提交不会产生新的异议"));
    let key_of = |page: &str| page.split("查询密钥</dt><dd class=\"code\">").nth(1).unwrap()[..19].to_owned();
    assert_eq!(key_of(&first), key_of(&second), "the same lookup key both times");
    assert_eq!(objection_attachments::Entity::find().all(&app.db).await.unwrap().len(), 1);
});

db_test!(one_second_before_the_close_an_objection_is_accepted, |app| {
    let s = scene(&app).await;
    app.clock.set(closes_at() - Duration::seconds(1));
    let res = file_api(&app, s.notice, &objection(s.projects[0])).await;
    assert_eq!(res.status().as_u16(), 201);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "received");
    assert_eq!(body["received_at"], "2025-03-14T23:59:59+08:00");
    assert_eq!(body["receipt_code"].as_str().unwrap().len(), 8);
    assert_eq!(body["lookup_key"].as_str().unwrap().len(), 16);
    assert!(objections(&app).await[0].in_time);
});

db_test!(at_the_close_instant_an_objection_is_recorded_as_late_and_answered_409, |app| {
    let s = scene(&app).await;
    app.clock.set(closes_at());
    let res = file_api(&app, s.notice, &objection(s.projects[0])).await;
    assert_eq!(res.status().as_u16(), 409);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["closes_at"], "2025-03-15T00:00:00+08:00");
    assert!(body["title"].as_str().unwrap().contains("2025年3月14日24时"), "{body}");
    assert_eq!(body["refusal_reason"], "late");
    let rows = objections(&app).await;
    assert_eq!(rows.len(), 1, "a late objection is recorded, never dropped");
    let o = &rows[0];
    assert_eq!(body["receipt_code"], o.receipt_code.as_str(), "the body names the reference");
    assert_eq!((o.status.as_str(), o.refusal_reason.as_deref(), o.in_time), ("refused", Some("late"), false));
    assert_eq!(o.received_at, closes_at());
    let events = objection_events::Entity::find()
        .filter(objection_events::Column::ObjectionId.eq(o.id))
        .all(&app.db)
        .await
        .unwrap();
    let steps: Vec<_> = events.iter().map(|e| e.to_status.as_str()).collect();
    assert_eq!(steps, ["received", "refused"]);
    assert!(events[1].public_note.as_deref().unwrap().starts_with("逾期不予受理"));
});

db_test!(a_late_objection_through_the_form_gets_a_receipt_that_says_so_plainly, |app| {
    let s = scene(&app).await;
    app.clock.set(closes_at() + Duration::hours(3));
    let (_, page) = form_page(&app, s.notice).await;
    assert!(page.contains("逾期不予受理"), "the form warns before submitting");
    let res = file_form(&app, s.notice, &form_fields(s.projects[0]), vec![]).await;
    let page = res.text().await.unwrap();
    assert!(page.contains("逾期不予受理"));
    assert!(page.contains("本公示已于2025年3月14日24时截止"), "{page}");
    assert!(page.contains("2025年3月15日 03:00:00"));
    assert_eq!(objections(&app).await[0].refusal_reason.as_deref(), Some("late"));
});

db_test!(an_anonymous_objection_is_recorded_and_refused_with_its_reference, |app| {
    let s = scene(&app).await;
    let mut body = objection(s.projects[0]);
    body["name"] = "".into();
    let res = file_api(&app, s.notice, &body).await;
    assert_eq!(res.status().as_u16(), 422);
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["refusal_reason"], "anonymous");
    assert_eq!(answer["errors"][0]["field"], "name");
    let rows = objections(&app).await;
    assert_eq!(rows.len(), 1);
    assert_eq!(answer["receipt_code"], rows[0].receipt_code.as_str());
    assert_eq!((rows[0].status.as_str(), rows[0].refusal_reason.as_deref()), ("refused", Some("anonymous")));
    assert!(rows[0].in_time, "in time, yet refused as anonymous");
    let mut org = objection(s.projects[0]);
    org["objector_kind"] = "organization".into();
    org["organization"] = "武威市某研究所".into();
    let res = file_api(&app, s.notice, &org).await;
    assert_eq!(res.status().as_u16(), 422, "an organisation without a contact person is anonymous");
    assert_eq!(objections(&app).await.len(), 2);
});

db_test!(a_complete_organisation_objection_awaits_its_sealed_letter, |app| {
    let s = scene(&app).await;
    let mut org = objection(s.projects[0]);
    org["objector_kind"] = "organization".into();
    org["organization"] = "武威市某研究所".into();
    org["contact_person"] = "赵六".into();
    let res = file_api(&app, s.notice, &org).await;
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(objections(&app).await[0].sealed_letter, "pending");
});

db_test!(the_api_answers_malformed_objections_with_field_errors_and_records_nothing, |app| {
    let s = scene(&app).await;
    let mut body = objection(s.projects[0]);
    body["category"] = "grade".into();
    body["project_id"] = 999_999.into();
    body["email"] = "not-an-email".into();
    body["declaration"] = false.into();
    let res = file_api(&app, s.notice, &body).await;
    assert_eq!(res.status().as_u16(), 422);
    let answer: Value = res.json().await.unwrap();
    let fields: Vec<_> = answer["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["email", "project_id", "category", "declaration"]);
    assert!(objections(&app).await.is_empty());
    let res = app
        .client
        .post(app.url(&format!("/api/v1/notices/{}/objections", s.notice)))
        .body("{")
        .header("content-type", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400, "unreadable JSON is a 400, never a 500");
});

db_test!(an_idempotency_key_makes_a_retried_api_request_answer_with_the_first_case, |app| {
    let s = scene(&app).await;
    let post = || {
        app.client
            .post(app.url(&format!("/api/v1/notices/{}/objections", s.notice)))
            .header("idempotency-key", "retry-7f3a")
            .header("x-forwarded-for", some_client())
            .json(&objection(s.projects[0]))
            .send()
    };
    let first: Value = post().await.unwrap().json().await.unwrap();
    let res = post().await.unwrap();
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(res.headers()["idempotent-replayed"], "true");
    let second: Value = res.json().await.unwrap();
    assert_eq!(first["receipt_code"], second["receipt_code"]);
    assert_eq!(first["lookup_key"], second["lookup_key"]);
    assert_eq!(objections(&app).await.len(), 1);
});

db_test!(objections_to_an_unknown_or_withdrawn_notice_are_refused_plainly, |app| {
    let s = scene(&app).await;
    assert_eq!(file_api(&app, 999_999, &objection(s.projects[0])).await.status().as_u16(), 404);
    assert_eq!(form_page(&app, 999_999).await.0, 404);
    gongshi::notices::publish::withdraw(&app.db, s.notice, "材料有误", None, app.clock_now()).await.unwrap();
    let res = file_api(&app, s.notice, &objection(s.projects[0])).await;
    assert_eq!(res.status().as_u16(), 409);
    let body: Value = res.json().await.unwrap();
    assert!(body["title"].as_str().unwrap().contains("撤销"));
});

db_test!(a_scheduled_notice_takes_no_objections_before_it_is_public, |app| {
    let s = scene(&app).await;
    app.clock.set(cn(2025, 3, 9, 23, 59, 59));
    assert_eq!(file_api(&app, s.notice, &objection(s.projects[0])).await.status().as_u16(), 404);
    assert!(objections(&app).await.is_empty());
});

db_test!(the_objection_api_is_described_in_the_openapi_document, |app| {
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let paths = &doc["paths"];
    let filing = &paths["/api/v1/notices/{id}/objections"]["post"];
    for status in ["201", "409", "422"] {
        assert!(filing["responses"].get(status).is_some(), "{status} documented");
    }
    assert!(paths["/api/v1/objections/{receipt_code}"]["get"].is_object());
    assert!(paths["/api/v1/receipts/verify"]["post"].is_object());
    assert!(doc["components"]["schemas"]["ObjectionCreated"]["properties"]["lookup_key"].is_object());
});

db_test!(the_same_keyed_request_sent_to_two_instances_at_once_files_one_objection, |app| {
    let s = scene(&app).await;
    let url = app.database_url.clone();
    let key = app.master_key();
    let other = crate::helpers::TestApp::spawn_with(app.backend, |settings| {
        settings.database_url = url;
        settings.master_key = Some(key);
    })
    .await;
    other.clock.set(during());
    let body = objection(s.projects[0]);
    let send = |target: &crate::helpers::TestApp| {
        target
            .client
            .post(target.url(&format!("/api/v1/notices/{}/objections", s.notice)))
            .header("idempotency-key", "twin-7")
            .header("x-forwarded-for", some_client())
            .json(&body)
            .send()
    };
    let (a, b) = futures_util::future::join(send(&app), send(&other)).await;
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!((a.status().as_u16(), b.status().as_u16()), (201, 201));
    let (a, b): (Value, Value) = (a.json().await.unwrap(), b.json().await.unwrap());
    assert_eq!(a["receipt_code"], b["receipt_code"]);
    assert_eq!(a["lookup_key"], b["lookup_key"]);
    assert_eq!(objections(&app).await.len(), 1);
});
