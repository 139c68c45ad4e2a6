//! Personal data in text about to be published: a notice whose public fields hold something
//! shaped like an ID number, a mobile or an e-mail address is published only after staff remove
//! it or confirm, finding by finding, that it is not personal data (recorded in the audit log);
//! the same for the public handling summaries of a result report.
use crate::db_test;
use crate::notices_support::{day, draft, now, projects, world};
use gongshi::notices::Level;
use gongshi::notices::generate::{GenerateRequest, generate};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

/// The standard's own example, with its check digit.
const ID: &str = "11010519491231002X";
const MASKED: &str = "110***********002X";

async fn draft_with(app: &crate::helpers::TestApp, w: &crate::notices_support::World, key_technology: &str) -> i32 {
    let mut d = draft("A1", "输电线路覆冰监测", None);
    d.key_technology = key_technology.into();
    let ids = projects(app, w, vec![d]).await;
    crate::notices_support::drafted(app, w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await.notice_id
}

async fn state(app: &crate::helpers::TestApp, id: i32) -> String {
    entity::notices::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap().state
}

async fn confirmations(app: &crate::helpers::TestApp) -> Vec<entity::audit_log::Model> {
    entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("notice.personal_data.confirm"))
        .all(&app.db)
        .await
        .unwrap()
}

db_test!(an_id_number_in_the_innovation_points_stops_publishing_until_confirmed_on_the_page, |app| {
    let w = world(&app).await;
    let id = draft_with(&app, &w, &format!("拉力与倾角融合（负责人身份证{ID}）")).await;
    let admin = app.sign_in(w.enterprise, "admin", "gdgs-admin").await;
    let (_, show) = admin.get_text(&format!("/admin/notices/{id}")).await;
    assert!(show.contains("疑似个人信息") && show.contains(MASKED) && show.contains("关键技术与创新点"), "{show}");

    let res = admin.post_form(&format!("/admin/notices/{id}/publish"), &[("note", "")]).await;
    assert_eq!(res.status().as_u16(), 303);
    let (_, after) = admin.get_text(&format!("/admin/notices/{id}")).await;
    assert!(after.contains("须删除或逐项确认"), "{after}");
    assert_eq!(state(&app, id).await, "draft");
    assert_eq!(app.get(&format!("/api/v1/notices/{id}")).await.status().as_u16(), 404);

    let finding = confirm_ids(&after);
    assert_eq!(finding.len(), 1, "one checkbox per finding");
    let res = admin.post_form(&format!("/admin/notices/{id}/publish"), &[("note", ""), ("confirm", &finding[0])]).await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(state(&app, id).await, "published");
    let logged = confirmations(&app).await;
    assert_eq!(logged.len(), 1);
    let detail = logged[0].detail.clone().unwrap_or_default();
    assert_eq!(logged[0].user_id, Some(admin.user_id));
    assert!(
        detail.contains(MASKED) && detail.contains("关键技术与创新点") && detail.contains("输电线路覆冰监测"),
        "{detail}"
    );
    assert!(!detail.contains(ID), "the log keeps the number masked: {detail}");
});

/// The finding ids of the confirmation checkboxes on a staff page.
fn confirm_ids(page: &str) -> Vec<String> {
    let doc = scraper::Html::parse_document(page);
    let sel = scraper::Selector::parse(r#"input[name="confirm"]"#).unwrap();
    doc.select(&sel).filter_map(|i| i.value().attr("value").map(str::to_owned)).collect()
}

db_test!(the_admin_api_refuses_with_the_findings_and_publishes_once_removed_or_confirmed, |app| {
    let w = world(&app).await;
    let id = draft_with(&app, &w, &format!("融合算法；联系 139-1234-5678 或 li.ming@example.com；{ID}")).await;
    let user = app.create_user(w.enterprise, "admin", "api-admin").await;
    let token = app.api_token(user).await;
    let publish = |body: Value| {
        app.client.post(app.url(&format!("/api/v1/admin/notices/{id}/publish"))).bearer_auth(&token).json(&body).send()
    };
    let refused = publish(json!({})).await.unwrap();
    assert_eq!(refused.status().as_u16(), 409);
    assert_eq!(refused.headers()["content-type"], "application/problem+json");
    let problem: Value = refused.json().await.unwrap();
    let findings = problem["personal_data"].as_array().unwrap().clone();
    let masked: Vec<&str> = findings.iter().map(|f| f["masked"].as_str().unwrap()).collect();
    assert_eq!(masked, [MASKED, "139****5678", "l***@example.com"], "{problem}");
    assert!(!problem.to_string().contains("13912345678") && !problem.to_string().contains(ID));
    assert!(problem["title"].as_str().unwrap().contains("个人信息"));

    // Confirming only some is not enough; confirming all publishes.
    let ids: Vec<Value> = findings.iter().map(|f| f["id"].clone()).collect();
    assert_eq!(publish(json!({ "confirmed": [ids[0]] })).await.unwrap().status().as_u16(), 409);
    assert_eq!(state(&app, id).await, "draft");
    assert_eq!(publish(json!({ "confirmed": ids })).await.unwrap().status().as_u16(), 200);
    assert_eq!(state(&app, id).await, "published");
    assert_eq!(confirmations(&app).await.len(), 3);
});

db_test!(removing_the_number_from_the_record_lets_the_draft_publish, |app| {
    let w = world(&app).await;
    let id = draft_with(&app, &w, &format!("融合算法{ID}")).await;
    let user = app.create_user(w.enterprise, "admin", "api-admin").await;
    let token = app.api_token(user).await;
    let url = app.url(&format!("/api/v1/admin/notices/{id}/publish"));
    let res = app.client.post(&url).bearer_auth(&token).json(&json!({})).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 409);
    // The applicant corrects the record; saving the draft takes the corrected text.
    let ids = projects(&app, &w, vec![draft("A1", "输电线路覆冰监测", None)]).await;
    let rev = gongshi::notices::service::draft_revision(&app.db, id).await.unwrap().unwrap();
    let save = json!({ "title": rev.title, "body_md": rev.body_md, "starts_on": "2025-03-10", "project_ids": ids });
    let res = app
        .client
        .put(app.url(&format!("/api/v1/admin/notices/{id}/draft")))
        .bearer_auth(&token)
        .json(&save)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let res = app.client.post(&url).bearer_auth(&token).json(&json!({})).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());
    assert!(confirmations(&app).await.is_empty());
});

db_test!(a_number_with_a_wrong_check_digit_or_the_units_own_contacts_are_not_findings, |app| {
    let w = world(&app).await;
    // 110105194912310021: an ID's shape, the wrong check digit (a serial number, say).
    let id = draft_with(&app, &w, "设备编号110105194912310021，专利ZL202420123456.7").await;
    let user = app.create_user(w.enterprise, "admin", "api-admin").await;
    let token = app.api_token(user).await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/admin/notices/{id}/publish")))
        .bearer_auth(&token)
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());
});

db_test!(a_report_whose_handling_summary_holds_a_mobile_is_issued_only_once_confirmed, |app| {
    use crate::notices_support::cn;
    use crate::reports_support::{conclude, issue, object};
    let s = crate::reports::scene(&app).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let case = object(&app, s.notice, s.projects[0], "personnel").await;
    conclude(&app, &s.token, case, "dismissed", "经核查异议不成立，已电话告知异议人（13912345678）。").await;
    // A number of an ID's shape with the wrong check digit is not a finding.
    let other = object(&app, s.notice, s.projects[1], "ip").await;
    conclude(&app, &s.token, other, "dismissed", "专利号110105194912310021权属清楚，异议不成立。").await;
    app.clock.set(cn(2025, 3, 15, 8, 0, 0));

    // The staff page shows the finding, masked, with its checkbox.
    let admin = app.sign_in(s.t.enterprise, "admin", "hyh-page").await;
    let page = format!("/admin/reports/issue/{}", s.notice);
    let (_, shown) = admin.get_text(&page).await;
    assert!(shown.contains("疑似个人信息") && shown.contains("139****5678"), "{shown}");
    assert!(!shown.contains("13912345678"));
    let ids = confirm_ids(&shown);
    assert_eq!(ids.len(), 1);
    assert_eq!(admin.post_form(&page, &[]).await.status().as_u16(), 409, "the page refuses");

    let (status, problem) = issue(&app, &s.token, s.notice).await;
    assert_eq!(status, 409, "{problem}");
    assert_eq!(problem["personal_data"][0]["masked"], "139****5678");
    assert_eq!(problem["personal_data"][0]["id"], ids[0].as_str());
    assert_eq!(entity::result_reports::Entity::find().all(&app.db).await.unwrap().len(), 0);

    let res = admin.post_form(&page, &[("confirm", &ids[0])]).await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(entity::result_reports::Entity::find().all(&app.db).await.unwrap().len(), 1);
    let logged = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("report.personal_data.confirm"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(logged.len(), 1);
    let detail = logged[0].detail.clone().unwrap_or_default();
    assert!(detail.contains("139****5678") && detail.contains("第1件异议的处理情况"), "{detail}");
    assert_eq!(logged[0].user_id, Some(admin.user_id));
});

db_test!(the_command_line_lists_the_findings_and_publishes_with_confirm, |app| {
    let w = world(&app).await;
    let mut d = draft("A1", "输电线路覆冰监测", None);
    d.key_technology = format!("融合算法{ID}");
    let ids = projects(&app, &w, vec![d]).await;
    // The command line runs on the real clock: a start day after today.
    let tomorrow = (chrono::Utc::now() + chrono::Duration::days(2)).date_naive();
    let req = GenerateRequest {
        campaign_id: w.campaign,
        unit_id: w.enterprise,
        level: Level::Applicant,
        project_ids: ids,
        starts_on: Some(tomorrow),
        created_by: None,
    };
    let id = generate(&app.db, &req, now(&app)).await.expect("generated").notice_id.to_string();
    let (ok, out) = crate::reports_support::cli(&app, &["notice", "publish", &id]);
    assert!(!ok && out.contains(MASKED) && !out.contains(ID), "{out}");
    let finding = out.split("--confirm ").nth(1).and_then(|r| r.split_whitespace().next()).expect("an id").to_owned();
    let (ok, out) = crate::reports_support::cli(&app, &["notice", "publish", &id, "--confirm", &finding]);
    assert!(ok, "{out}");
    assert_eq!(confirmations(&app).await.len(), 1);
});
