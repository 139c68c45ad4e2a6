//! Reminders of handling deadlines: three days and one day before, and when the deadline has
//! passed, to the handling unit's staff who want them by e-mail, with the unit above told of a
//! case past its deadline; once each, at the exact instants; all of them on the home page.
use crate::helpers::{Staff, TestApp, backends};
use crate::mail::{app_with_mail, nth};
use crate::objections_support::*;
use crate::smtp_server::SmtpServer;
use chrono::{DateTime, Duration, Utc};
use gongshi::objections::reminders::send_due;
use sea_orm::EntityTrait;
use std::time::Duration as Wait;

async fn settings(staff: &Staff, fields: &[(&str, &str)]) -> u16 {
    staff.post_form("/admin/account/notifications", fields).await.status().as_u16()
}

/// Runs the reminders with the server's clock at `at` (the sender reads it too).
async fn remind_at(app: &TestApp, at: DateTime<Utc>) -> usize {
    app.clock.set(at);
    send_due(&app.db, &app.state.mail, at).await.unwrap()
}

/// No more mail than `n` arrives within a moment.
async fn settles_at(smtp: &SmtpServer, n: usize) {
    tokio::time::sleep(Wait::from_millis(400)).await;
    assert_eq!(
        smtp.received().len(),
        n,
        "{:#?}",
        smtp.received().iter().map(crate::smtp_server::Received::subject).collect::<Vec<_>>()
    );
}

#[actix_web::test]
async fn a_case_is_reminded_at_three_days_one_day_and_past_its_deadline_and_the_unit_above_is_told() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let s = scene(&app).await;
        let body: serde_json::Value = file_api(&app, s.notice, &objection(s.projects[0])).await.json().await.unwrap();
        let code = gongshi::objections::codes::grouped(body["receipt_code"].as_str().unwrap());
        let case = objections(&app).await.pop().unwrap();
        let due = case.handling_due_at;
        assert_eq!(due, cn(2025, 3, 25, 0, 0, 0), "ten days after the close");

        let handler = app.sign_in(s.unit, "handler", "chuli").await;
        assert_eq!(settings(&handler, &[("email", "chuli@example.cn"), ("handling_reminders", "true")]).await, 303);
        let quiet = app.sign_in(s.unit, "handler", "anjing").await;
        assert_eq!(
            settings(&quiet, &[("email", "anjing@example.cn")]).await,
            303,
            "reminders unticked: home page only"
        );
        let viewer = app.sign_in(s.unit, "viewer", "chakan").await;
        assert_eq!(settings(&viewer, &[("email", "chakan@example.cn"), ("handling_reminders", "true")]).await, 303);
        let city = app.sign_in(s.city, "admin", "shiguanli").await;
        assert_eq!(settings(&city, &[("email", "city@example.cn"), ("escalations", "true")]).await, 303);

        let second = Duration::seconds(1);
        assert_eq!(remind_at(&app, due - Duration::days(3) - second).await, 0, "not yet");
        assert_eq!(remind_at(&app, due - Duration::days(3)).await, 1);
        let first = nth(&smtp, 1).await;
        assert_eq!(first.to, ["chuli@example.cn"], "only the handler who asked, not the viewer");
        assert_eq!(first.subject(), format!("异议处理期限提醒：{code} 还有3天到期"));
        assert!(first.text().contains("处理期限：2025年3月25日"), "{}", first.text());
        assert!(first.text().contains(&format!("/admin/objections/{}", case.id)));
        assert!(!first.text().contains("王五"), "no identity in a reminder");
        assert_eq!(remind_at(&app, due - Duration::days(2)).await, 0, "once per stage");
        assert_eq!(remind_at(&app, due - Duration::days(1)).await, 1);
        assert_eq!(nth(&smtp, 2).await.subject(), format!("异议处理期限提醒：{code} 还有1天到期"));
        assert_eq!(remind_at(&app, due).await, 0, "at the deadline itself the case is not yet late");
        assert_eq!(remind_at(&app, due + second).await, 1);
        let late = smtp.wait_for(4, Wait::from_secs(15)).await;
        let subject_to = |who: &str| {
            late.iter().rev().find(|m| m.to == [who]).map(crate::smtp_server::Received::subject).unwrap_or_default()
        };
        assert_eq!(subject_to("chuli@example.cn"), format!("异议已超过处理期限：{code}"));
        assert_eq!(subject_to("city@example.cn"), format!("下级单位异议超期：国网武威供电公司 {code}"));
        assert_eq!(remind_at(&app, due + Duration::days(1)).await, 0);
        settles_at(&smtp, 4).await;

        // The home pages show it all, mailed or not (signed in afresh: days have passed).
        let (_, home) = app.sign_in(s.unit, "viewer", "kan").await.get_text("/admin").await;
        assert!(home.contains("已超期") && home.contains(&code), "{home}");
        let (_, above) = app.sign_in(s.city, "admin", "shi2").await.get_text("/admin").await;
        assert!(above.contains("国网武威供电公司：1 件"), "{above}");
        let (_, province) = app.sign_in(s.province, "admin", "shengguanli").await.get_text("/admin").await;
        assert!(province.contains("国网武威供电公司：1 件"), "every unit above sees it: {province}");
    }
}

#[actix_web::test]
async fn a_concluded_case_is_not_reminded_and_the_job_runs_the_reminders() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let s = scene(&app).await;
        file_api(&app, s.notice, &objection(s.projects[0])).await;
        let case = objections(&app).await.pop().unwrap();
        let handler = app.sign_in(s.unit, "handler", "chuli").await;
        settings(&handler, &[("email", "chuli@example.cn"), ("handling_reminders", "true")]).await;
        let token = app.api_token(handler.user_id).await;
        let res = app
            .client
            .post(app.url(&format!("/api/v1/admin/objections/{}/transitions", case.id)))
            .bearer_auth(&token)
            .json(&serde_json::json!({ "to": "withdrawn" }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let late = case.handling_due_at + Duration::hours(1);
        app.clock.set(late);
        let ran = gongshi::jobs::run_due(app.jobs_on(), "instance", late).await.unwrap();
        assert!(ran.contains(&(gongshi::jobs::Job::HandlingReminders, "reminded 0".to_owned())), "{ran:?}");
        settles_at(&smtp, 0).await;
    }
}

crate::db_test!(the_reminder_settings_refuse_what_is_not_an_address, |app| {
    let s = scene(&app).await;
    let handler = app.sign_in(s.unit, "handler", "chuli").await;
    for bad in ["not-an-address", "chuli@example.cn\r\nBcc: all@example.com", "两个 <a@example.cn>, b@example.cn"] {
        let res = handler.post_form("/admin/account/notifications", &[("email", bad)]).await;
        assert_eq!(res.status().as_u16(), 422, "{bad}");
        assert!(res.text().await.unwrap().contains("电子邮箱格式不正确"));
    }
    assert_eq!(settings(&handler, &[("email", " chuli@example.cn "), ("escalations", "true")]).await, 303);
    let (_, page) = handler.get_text("/admin/account").await;
    assert!(page.contains("value=\"chuli@example.cn\""), "kept, trimmed");
    assert!(page.contains("本站未配置发信服务器"), "this app sends no mail, and says so");
    let user = entity::users::Entity::find_by_id(handler.user_id).one(&app.db).await.unwrap().unwrap();
    assert!(!user.mail_handling_reminders && user.mail_escalations);
    // The same through the API.
    let token = app.api_token(handler.user_id).await;
    let url = app.url("/api/v1/admin/account/notifications");
    let got: serde_json::Value = app.client.get(&url).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(
        got,
        serde_json::json!({ "email": "chuli@example.cn", "handling_reminders": false,
        "escalations": true, "unit_events": false, "mail_enabled": false })
    );
    let put = |body: serde_json::Value| app.client.put(&url).bearer_auth(&token).json(&body).send();
    let res = put(serde_json::json!({ "email": "a@example.cn\nBcc: b@example.cn" })).await.unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let res = put(serde_json::json!({ "email": null, "unit_events": true })).await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let now: serde_json::Value = res.json().await.unwrap();
    assert_eq!((now["email"].clone(), now["unit_events"].clone()), (serde_json::Value::Null, serde_json::json!(true)));
});

/// Runs the submission-deadline reminders with the server's clock at `at`.
async fn deadlines_at(app: &TestApp, at: DateTime<Utc>) -> usize {
    app.clock.set(at);
    gongshi::progress::reminders::send_due(&app.db, &app.state.mail, at).await.unwrap()
}

#[actix_web::test]
async fn a_unit_is_told_three_days_before_a_submission_deadline_it_must_meet() {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let s = scene(&app).await;
        let campaign = entity::campaigns::Entity::find().one(&app.db).await.unwrap().unwrap();
        // What the city's units send up is due at the city on 28 March.
        entity::campaign_deadlines::ActiveModel {
            campaign_id: Set(campaign.id),
            unit_id: Set(s.city),
            due_on: Set(chrono::NaiveDate::from_ymd_opt(2025, 3, 28).unwrap()),
            description: Set(Some("纸质材料一式两份".into())),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        let admin = app.sign_in(s.unit, "admin", "guanli").await;
        assert_eq!(settings(&admin, &[("email", "guanli@example.cn"), ("unit_events", "true")]).await, 303);
        let city = app.sign_in(s.city, "admin", "shiguanli").await;
        assert_eq!(settings(&city, &[("email", "city@example.cn"), ("unit_events", "true")]).await, 303);

        let from = cn(2025, 3, 25, 0, 0, 0);
        assert_eq!(deadlines_at(&app, from - Duration::seconds(1)).await, 0, "not before 00:00 three days ahead");
        assert_eq!(deadlines_at(&app, from).await, 1);
        let told = nth(&smtp, 1).await;
        assert_eq!(told.to, ["guanli@example.cn"], "the unit that sends, not the city that receives");
        assert_eq!(told.subject(), "报送期限提醒：2025年3月28日前向武威市总工会报送");
        assert!(told.text().contains("说明：纸质材料一式两份"), "{}", told.text());
        assert_eq!(deadlines_at(&app, from + Duration::hours(1)).await, 0, "once");
        settles_at(&smtp, 1).await;
        let (_, home) = app.sign_in(s.unit, "viewer", "kan").await.get_text("/admin").await;
        assert!(home.contains("2025年3月28日前向武威市总工会报送（还有3天）"), "{home}");
    }
}

/// An enterprise's project on its level-1 notice (closed; the clock on 3月16日 09:00), and a
/// handler of the county above who asked for the unit's business by e-mail. Returns the tree,
/// the project and the notice.
async fn county_handler_asking_for_unit_business(app: &TestApp) -> (crate::reports_support::Tree, Vec<i32>, i32) {
    use crate::reports_support::{declare, notice_at, project, tree};
    let t = tree(app).await;
    let ids = declare(app, &t, t.enterprise, vec![project("HYH-01", "日光温室水肥一体化系统", None)]).await;
    let l1 = notice_at(
        app,
        &t,
        t.enterprise,
        gongshi::notices::Level::Applicant,
        &ids,
        crate::notices_support::day(2025, 3, 10),
        app.clock_now(),
    )
    .await;
    app.clock.set(cn(2025, 3, 16, 9, 0, 0));
    let county = app.sign_in(t.county, "handler", "xianchuli").await;
    assert_eq!(settings(&county, &[("email", "county@example.cn"), ("unit_events", "true")]).await, 303);
    (t, ids, l1)
}

#[actix_web::test]
async fn a_unit_that_asked_is_told_when_a_unit_below_recommends_a_project_to_it() {
    use crate::reports_support::{admin_token, issued, recommend};
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let (t, ids, l1) = county_handler_asking_for_unit_business(&app).await;
        let quiet = app.sign_in(t.county, "admin", "xianguanli").await;
        assert_eq!(settings(&quiet, &[("email", "quiet@example.cn")]).await, 303);
        let token = admin_token(&app, t.enterprise, "e-admin").await;
        issued(&app, &token, l1).await;
        let (status, body) = recommend(&app, &token, ids[0], None).await;
        assert_eq!(status, 201, "{body}");
        let told = nth(&smtp, 1).await;
        assert_eq!(told.to, ["county@example.cn"], "only who asked for the unit's business");
        assert_eq!(told.subject(), "收到下级推荐：甘肃农垦黄羊河集团有限责任公司推荐《日光温室水肥一体化系统》");
        assert!(told.text().contains("推荐至：凉州区总工会"), "{}", told.text());
        settles_at(&smtp, 1).await;
    }
}

#[actix_web::test]
async fn a_unit_is_told_once_when_a_report_its_recommendations_rest_on_stops_standing() {
    use crate::reports_support::{admin_token, api, issued, recommend};
    use gongshi::reports::alerts::send_due as alert;
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let (t, ids, l1) = county_handler_asking_for_unit_business(&app).await;
        let token = admin_token(&app, t.enterprise, "e-admin").await;
        let code = issued(&app, &token, l1).await;
        assert_eq!(recommend(&app, &token, ids[0], None).await.0, 201);
        nth(&smtp, 1).await;
        let first_run = app.clock_now();
        assert_eq!(alert(&app.db, &app.state.mail, None, first_run).await.unwrap(), 0, "the report stands");

        app.clock.set(cn(2025, 3, 16, 10, 0, 0));
        let path = format!("/api/v1/admin/notices/{l1}/withdraw");
        let (status, body) = api(
            &app,
            &token,
            reqwest::Method::POST,
            &path,
            Some(serde_json::json!({ "reason": "误将未审核项目列入" })),
        )
        .await;
        assert_eq!(status, 204, "{body}");
        let now = app.clock_now();
        assert_eq!(alert(&app.db, &app.state.mail, Some(first_run), now).await.unwrap(), 1);
        let told = nth(&smtp, 2).await;
        assert_eq!(told.to, ["county@example.cn"]);
        assert_eq!(told.subject(), format!("所依据的公示结果报告已失效：{code}"));
        assert!(told.text().contains("该公示已被撤销"), "{}", told.text());
        assert_eq!(alert(&app.db, &app.state.mail, Some(now), now + Duration::minutes(5)).await.unwrap(), 0, "once");
        settles_at(&smtp, 2).await;
        // The county's home page says both, mailed or not.
        let (_, home) = app.sign_in(t.county, "viewer", "kan").await.get_text("/admin").await;
        assert!(home.contains("甘肃农垦黄羊河集团有限责任公司推荐《日光温室水肥一体化系统》"), "{home}");
        assert!(home.contains(&format!("{code}</a>：已失效")), "{home}");
    }
}
