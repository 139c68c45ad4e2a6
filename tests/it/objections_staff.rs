//! The staff side: following a case to its conclusion, every allowed and refused move,
//! identity views logged and limited to the handling unit, registering a posted letter by its
//! postmark, deadlines, assignment, sealed letters and evidence downloads.
use crate::db_test;
use crate::helpers::TestApp;
use crate::objections_support::*;
use chrono::Duration;
use entity::audit_log;
use gongshi::objections::Status;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

/// Files an objection through the API and returns (id, receipt code, lookup key).
async fn file(app: &TestApp, notice: i32, project: i32) -> (i32, String, String) {
    let body: Value = file_api(app, notice, &objection(project)).await.json().await.unwrap();
    let code = body["receipt_code"].as_str().unwrap().to_owned();
    let id = objections(app).await.into_iter().find(|o| o.receipt_code == code).unwrap().id;
    (id, code, body["lookup_key"].as_str().unwrap().to_owned())
}

async fn api(
    app: &TestApp,
    token: &str,
    method: reqwest::Method,
    path: &str,
    body: Option<Value>,
) -> reqwest::Response {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    req.send().await.unwrap()
}

async fn move_case(app: &TestApp, token: &str, id: i32, to: &str, reason: Option<&str>) -> u16 {
    let body = json!({ "to": to, "reason": reason, "objector_note": format!("说明：{to}"), "internal_note": "内部" });
    api(app, token, reqwest::Method::POST, &format!("/api/v1/admin/objections/{id}/transitions"), Some(body))
        .await
        .status()
        .as_u16()
}

async fn handler_token(app: &TestApp, unit: i32, name: &str) -> (i32, String) {
    let user = app.create_user(unit, "handler", name).await;
    (user, app.api_token(user).await)
}

db_test!(a_handler_follows_a_case_to_a_conclusion_the_objector_can_read, |app| {
    let s = scene(&app).await;
    let (id, code, key) = file(&app, s.notice, s.projects[0]).await;
    let staff = app.sign_in(s.unit, "handler", "chuli").await;
    let (status, queue) = staff.get_text("/admin/objections").await;
    assert_eq!(status, 200);
    let printed = gongshi::objections::codes::grouped(&code);
    assert!(printed.contains('-') && queue.contains(&printed), "the code as the receipt prints it: {queue}");
    assert!(!queue.contains("王五"), "the queue never shows who objected");
    for (to, note) in [
        ("accepted", "已受理，正在安排核查"),
        ("investigating", "核查中"),
        ("dismissed", "经核查，第二完成人实际参与了研制，异议不成立"),
    ] {
        let res = staff
            .post_form(
                &format!("/admin/objections/{id}/transition"),
                &[("to", to), ("objector_note", note), ("internal_note", "联系了申报单位科技部")],
            )
            .await;
        assert_eq!(res.status().as_u16(), 303, "{to}");
    }
    let (_, page) = staff.get_text(&format!("/admin/objections/{id}")).await;
    assert!(page.contains("异议不成立") && page.contains("联系了申报单位科技部"), "{page}");
    let url = app.url(&format!("/api/v1/objections/{code}"));
    let case: Value = app.client.get(url).header("x-lookup-key", &key).send().await.unwrap().json().await.unwrap();
    assert_eq!(case["status"], "dismissed");
    let notes: Vec<_> =
        case["timeline"].as_array().unwrap().iter().map(|s| s["note"].as_str().unwrap_or("").to_owned()).collect();
    assert!(notes.iter().any(|n| n.contains("第二完成人实际参与")), "{notes:?}");
    assert!(!case.to_string().contains("联系了申报单位科技部"), "internal notes stay internal");
    let o = objections(&app).await.remove(0);
    assert!(o.concluded_at.is_some());
    assert_eq!(o.conclusion_summary.as_deref(), Some("经核查，第二完成人实际参与了研制，异议不成立"));
});

db_test!(every_allowed_move_is_taken_and_every_other_is_refused, |app| {
    let s = scene(&app).await;
    let (_, token) = handler_token(&app, s.unit, "chuli").await;
    // Paths that visit every allowed transition.
    let paths: [&[(&str, Option<&str>)]; 5] = [
        &[("accepted", None), ("investigating", None), ("upheld", None)],
        &[("accepted", None), ("investigating", None), ("dismissed", None)],
        &[("refused", Some("out_of_scope"))],
        &[("withdrawn", None)],
        &[("accepted", None), ("withdrawn", None)],
    ];
    for path in paths {
        let (id, _, _) = file(&app, s.notice, s.projects[0]).await;
        for (to, reason) in path {
            assert_eq!(move_case(&app, &token, id, to, *reason).await, 200, "{to}");
        }
    }
    let (id, _, _) = file(&app, s.notice, s.projects[0]).await;
    assert_eq!(move_case(&app, &token, id, "accepted", None).await, 200);
    assert_eq!(move_case(&app, &token, id, "investigating", None).await, 200);
    assert_eq!(move_case(&app, &token, id, "withdrawn", None).await, 200);
    // Everything else, from every state.
    for from in Status::ALL {
        for to in Status::ALL {
            if from.can_move_to(*to) {
                continue;
            }
            let (id, _, _) = file(&app, s.notice, s.projects[0]).await;
            let route: &[Status] = match from {
                Status::Received => &[],
                Status::Accepted => &[Status::Accepted],
                Status::Investigating => &[Status::Accepted, Status::Investigating],
                Status::Upheld => &[Status::Accepted, Status::Investigating, Status::Upheld],
                Status::Dismissed => &[Status::Accepted, Status::Investigating, Status::Dismissed],
                Status::Refused => &[Status::Refused],
                Status::Withdrawn => &[Status::Withdrawn],
            };
            for step in route {
                let reason = (*step == Status::Refused).then_some("no_evidence");
                assert_eq!(move_case(&app, &token, id, step.code(), reason).await, 200);
            }
            let reason = (*to == Status::Refused).then_some("late");
            assert_eq!(move_case(&app, &token, id, to.code(), reason).await, 409, "{from} → {to} must be refused");
        }
    }
    let (id, _, _) = file(&app, s.notice, s.projects[0]).await;
    assert_eq!(move_case(&app, &token, id, "refused", None).await, 422, "a refusal needs its reason");
    assert_eq!(move_case(&app, &token, id, "accepted", Some("late")).await, 422, "only a refusal takes a reason");
    assert_eq!(move_case(&app, &token, id, "finished", None).await, 422);
});

db_test!(the_objector_identity_is_shown_only_to_the_handling_unit_and_each_look_is_logged, |app| {
    let s = scene(&app).await;
    let (id, _, _) = file(&app, s.notice, s.projects[0]).await;
    let handler = app.sign_in(s.unit, "handler", "chuli").await;
    let (status, page) = handler.get_text(&format!("/admin/objections/{id}/identity")).await;
    assert_eq!(status, 200);
    assert!(page.contains("王五") && page.contains("139 0931 0000"), "the phone as a notice prints it");
    let views = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("objection.identity.view"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(views.len(), 1);
    assert_eq!(
        (views[0].user_id, views[0].target_id.as_deref()),
        (Some(handler.user_id), Some(id.to_string().as_str()))
    );
    let viewer = app.sign_in(s.unit, "viewer", "chakan").await;
    assert_eq!(viewer.get(&format!("/admin/objections/{id}/identity")).await.status().as_u16(), 403);
    let province = app.sign_in(s.province, "handler", "shengzong").await;
    assert_eq!(
        province.get(&format!("/admin/objections/{id}")).await.status().as_u16(),
        200,
        "the province sees the case"
    );
    assert_eq!(
        province.get(&format!("/admin/objections/{id}/identity")).await.status().as_u16(),
        403,
        "but not who objected"
    );
    let city = app.sign_in(s.city, "admin", "shiguanli").await;
    assert_eq!(
        city.get(&format!("/admin/objections/{id}")).await.status().as_u16(),
        404,
        "objections stay with their unit"
    );
    let (_, token) = handler_token(&app, s.unit, "chuli2").await;
    let res = api(&app, &token, reqwest::Method::GET, &format!("/api/v1/admin/objections/{id}/identity"), None).await;
    assert_eq!(res.json::<Value>().await.unwrap()["phone"], "139 0931 0000");
    let detail = api(&app, &token, reqwest::Method::GET, &format!("/api/v1/admin/objections/{id}"), None)
        .await
        .text()
        .await
        .unwrap();
    assert!(!detail.contains("王五") && !detail.contains("0931 0000"), "the case itself carries no identity");
    let views = audit_log::Entity::find()
        .filter(audit_log::Column::Action.eq("objection.identity.view"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(views.len(), 2, "the API look is logged too");
});

db_test!(a_posted_letter_counts_by_its_postmark_and_keeps_its_registration_time_apart, |app| {
    let s = scene(&app).await;
    let (_, token) = handler_token(&app, s.unit, "chuli").await;
    app.clock.set(closes_at() + Duration::days(2));
    let letter = |postmark: &str| {
        json!({ "channel": "letter", "claimed_at": postmark, "objector_kind": "individual", "name": "赵六", "phone": "0935-2212345",
                "project_id": s.projects[1], "category": "ip", "content": "该专利权属存在争议。" })
    };
    let path = format!("/api/v1/admin/notices/{}/objections", s.notice);
    let res = api(&app, &token, reqwest::Method::POST, &path, Some(letter("2025-03-14"))).await;
    assert_eq!(res.status().as_u16(), 201);
    let body: Value = res.json().await.unwrap();
    assert_eq!(
        (body["status"].as_str(), body["in_time"].as_bool()),
        (Some("received"), Some(true)),
        "postmarked on the last day"
    );
    assert_eq!(body["received_at"], "2025-03-14T00:00:00+08:00");
    assert_eq!(body["registered_at"], "2025-03-17T00:00:00+08:00");
    let late: Value =
        api(&app, &token, reqwest::Method::POST, &path, Some(letter("2025-03-15"))).await.json().await.unwrap();
    assert_eq!((late["status"].as_str(), late["refusal_reason"].as_str()), (Some("refused"), Some("late")));
    let future = api(&app, &token, reqwest::Method::POST, &path, Some(letter("2025-03-20"))).await;
    assert_eq!(future.status().as_u16(), 422, "a postmark cannot be in the future");
    let rows = objections(&app).await;
    assert_eq!(rows.len(), 2);
    assert_eq!((rows[0].channel.as_str(), rows[0].claimed_at), ("letter", Some(cn(2025, 3, 14, 0, 0, 0))));
    assert_eq!(rows[0].registered_at, cn(2025, 3, 17, 0, 0, 0));
    let staff = app.sign_in(s.unit, "handler", "dengji").await;
    let (status, page) = staff.get_text(&format!("/admin/objections/register?notice_id={}", s.notice)).await;
    assert_eq!(status, 200);
    assert!(page.contains("邮戳日期"));
    let res = staff
        .post_form(
            "/admin/objections/register",
            &[
                ("notice_id", &s.notice.to_string()),
                ("channel", "phone"),
                ("claimed_at", "2025-03-13 15:20"),
                ("objector_kind", "individual"),
                ("name", "孙七"),
                ("phone", "13800000000"),
                ("project_id", &s.projects[0].to_string()),
                ("category", "merit"),
                ("content", "效益数据不实。"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.text().await.unwrap().contains("已登记"));
    assert_eq!(objections(&app).await.len(), 3);
});

db_test!(cases_past_their_handling_deadline_are_flagged_overdue, |app| {
    let s = scene(&app).await;
    let (id, code, _) = file(&app, s.notice, s.projects[0]).await;
    let (_, token) = handler_token(&app, s.unit, "chuli").await;
    let due = closes_at() + Duration::days(10);
    assert_eq!(objections(&app).await[0].handling_due_at, due, "ten days after the close");
    app.clock.set(due);
    let list: Value = api(&app, &token, reqwest::Method::GET, "/api/v1/admin/objections?overdue=true", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(list["objections"].as_array().unwrap().is_empty(), "due, not yet overdue");
    app.clock.set(due + Duration::seconds(1));
    let list: Value = api(&app, &token, reqwest::Method::GET, "/api/v1/admin/objections?overdue=true", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["objections"][0]["receipt_code"], code.as_str());
    let staff = app.sign_in(s.unit, "handler", "kan").await;
    let (_, page) = staff.get_text("/admin/objections").await;
    assert!(page.contains("已超期"), "{page}");
    assert_eq!(move_case(&app, &token, id, "withdrawn", None).await, 200);
    let list: Value = api(&app, &token, reqwest::Method::GET, "/api/v1/admin/objections?overdue=true", None)
        .await
        .json()
        .await
        .unwrap();
    assert!(list["objections"].as_array().unwrap().is_empty(), "a concluded case is never overdue");
});

db_test!(a_case_is_assigned_only_to_a_handler_of_its_unit, |app| {
    let s = scene(&app).await;
    let (id, _, _) = file(&app, s.notice, s.projects[0]).await;
    let (me, token) = handler_token(&app, s.unit, "chuli").await;
    let other_unit = app.create_user(s.city, "handler", "waidanwei").await;
    let path = format!("/api/v1/admin/objections/{id}/assignment");
    assert_eq!(
        api(&app, &token, reqwest::Method::POST, &path, Some(json!({ "user_id": other_unit }))).await.status().as_u16(),
        422
    );
    assert_eq!(
        api(&app, &token, reqwest::Method::POST, &path, Some(json!({ "user_id": me }))).await.status().as_u16(),
        204
    );
    let mine: Value =
        api(&app, &token, reqwest::Method::GET, "/api/v1/admin/objections?mine=true", None).await.json().await.unwrap();
    assert_eq!(mine["objections"][0]["assigned_name"], "测试chuli");
    let viewer = app.create_user(s.unit, "viewer", "kan").await;
    let viewer_token = app.api_token(viewer).await;
    assert_eq!(
        api(&app, &viewer_token, reqwest::Method::POST, &path, Some(json!({ "user_id": me }))).await.status().as_u16(),
        403
    );
});

db_test!(an_organisation_sealed_letter_is_tracked_until_received, |app| {
    let s = scene(&app).await;
    let mut org = objection(s.projects[0]);
    org["objector_kind"] = "organization".into();
    org["organization"] = "武威市某研究所".into();
    org["contact_person"] = "赵六".into();
    file_api(&app, s.notice, &org).await;
    let id = objections(&app).await[0].id;
    let (_, token) = handler_token(&app, s.unit, "chuli").await;
    let pending: Value = api(&app, &token, reqwest::Method::GET, "/api/v1/admin/objections?letter_pending=true", None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(pending["objections"][0]["sealed_letter_label"], "书面材料待收");
    let path = format!("/api/v1/admin/objections/{id}/sealed-letter");
    assert_eq!(api(&app, &token, reqwest::Method::POST, &path, None).await.status().as_u16(), 204);
    assert_eq!(objections(&app).await[0].sealed_letter, "received");
    assert_eq!(
        api(&app, &token, reqwest::Method::POST, &path, None).await.status().as_u16(),
        409,
        "nothing left to receive"
    );
});

db_test!(evidence_is_downloaded_only_by_the_handling_staff, |app| {
    let s = scene(&app).await;
    file_form(&app, s.notice, &form_fields(s.projects[0]), vec![("证据.pdf", pdf())]).await;
    let id = objections(&app).await[0].id;
    let attachment = entity::objection_attachments::Entity::find().one(&app.db).await.unwrap().unwrap();
    let path = format!("/admin/objections/{id}/attachments/{}", attachment.id);
    let handler = app.sign_in(s.unit, "handler", "chuli").await;
    let res = handler.get(&path).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("attachment;"));
    assert_eq!(res.bytes().await.unwrap().to_vec(), pdf());
    let viewer = app.sign_in(s.unit, "viewer", "kan").await;
    assert_eq!(viewer.get(&path).await.status().as_u16(), 403);
    assert_eq!(app.get(&path).await.status().as_u16(), 303, "the public is sent to sign in");
});

db_test!(each_evidence_download_is_written_to_the_audit_log_and_shown_there, |app| {
    let s = scene(&app).await;
    file_form(&app, s.notice, &form_fields(s.projects[0]), vec![("现场照片.pdf", pdf())]).await;
    let id = objections(&app).await[0].id;
    let attachment = entity::objection_attachments::Entity::find().one(&app.db).await.unwrap().unwrap();
    let path = format!("/admin/objections/{id}/attachments/{}", attachment.id);
    let downloads = || audit_log::Entity::find().filter(audit_log::Column::Action.eq("objection.attachment.download"));

    let viewer = app.sign_in(s.unit, "viewer", "kan").await;
    assert_eq!(viewer.get(&path).await.status().as_u16(), 403);
    assert_eq!(downloads().all(&app.db).await.unwrap().len(), 0, "a refused download is no download");

    let handler = app.sign_in(s.unit, "handler", "chuli").await;
    for _ in 0..2 {
        assert_eq!(handler.get(&path).await.status().as_u16(), 200);
    }
    let logged = downloads().all(&app.db).await.unwrap();
    assert_eq!(logged.len(), 2, "every download, not just the first");
    assert_eq!(logged[0].user_id, Some(handler.user_id), "who");
    assert_eq!(logged[0].target_type, "objection");
    assert_eq!(logged[0].target_id.as_deref(), Some(id.to_string().as_str()), "which objection");
    let detail = logged[0].detail.clone().unwrap_or_default();
    assert!(detail.contains(&format!("#{}", attachment.id)) && detail.contains("现场照片.pdf"), "which file: {detail}");

    // The unit's admin reads it in the audit log, as a page and through the API.
    let admin = app.sign_in(s.unit, "admin", "guanli").await;
    let (status, page) = admin.get_text("/admin/audit?action=objection.attachment").await;
    assert_eq!(status, 200);
    assert!(page.contains("objection.attachment.download") && page.contains("现场照片.pdf"), "{page}");
    assert!(page.contains("chuli"), "the page names who downloaded: {page}");
    let token = app.api_token(admin.user_id).await;
    let listing: Value = app
        .client
        .get(app.url("/api/v1/admin/audit?action=objection.attachment.download"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listing["total"], 2, "{listing}");
    assert_eq!(listing["entries"][0]["target_id"], id.to_string());
    assert!(listing["entries"][0]["detail"].as_str().unwrap_or_default().contains("现场照片.pdf"), "{listing}");
});
