//! Mail to objectors, end to end: the app hands its messages to a real SMTP server started by
//! the test, and the tests read the MIME messages it received. Each test runs on SQLite and,
//! when configured, PostgreSQL.
use crate::helpers::{TestApp, backends};
use crate::objections_support::*;
use crate::smtp_server::{Received, SmtpServer};
use chrono::Duration;
use entity::mail_outbox;
use gongshi::settings::MailSettings;
use mail_parser::MimeHeaders;
use sea_orm::{EntityTrait, QueryOrder};
use serde_json::{Value, json};
use std::time::Duration as Wait;

const FROM: &str = "甘肃省总工会公示 <gongshi@example.org>";
const OBJECTOR: &str = "wangwu@example.cn";

/// The app sending through `smtp`, looking for due mail every 100 ms.
pub async fn app_with_mail(backend: crate::helpers::Backend, smtp: &SmtpServer) -> TestApp {
    let url = smtp.url();
    TestApp::spawn_with(backend, move |s| {
        s.base_url = "https://gongshi.example.org".into();
        let mut mail = MailSettings::new(url, FROM);
        mail.poll = Wait::from_millis(100);
        mail.claim = Wait::from_secs(5);
        s.mail = Some(mail);
    })
    .await
}

fn wanting_mail(project: i32) -> Value {
    let mut body = objection(project);
    body["email"] = json!(OBJECTOR);
    body["notify_by_email"] = json!(true);
    body["content"] = json!("第二完成人未实际参与研制（异议人原文）。");
    body
}

async fn outbox(app: &TestApp) -> Vec<mail_outbox::Model> {
    mail_outbox::Entity::find().order_by_asc(mail_outbox::Column::Id).all(&app.db).await.unwrap()
}

async fn move_case(app: &TestApp, token: &str, id: i32, body: Value) {
    let res = app
        .client
        .post(app.url(&format!("/api/v1/admin/objections/{id}/transitions")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());
}

/// Waits for the `n`-th message and returns it.
pub async fn nth(smtp: &SmtpServer, n: usize) -> Received {
    let got = smtp.wait_for(n, Wait::from_secs(15)).await;
    assert!(got.len() >= n, "message {n} arrived; got {}", got.len());
    got[n - 1].clone()
}

#[actix_web::test]
async fn an_objector_who_asked_is_told_of_every_step_and_nothing_private() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let s = scene(&app).await;
        let res = file_api(&app, s.notice, &wanting_mail(s.projects[0])).await;
        assert_eq!(res.status().as_u16(), 201);
        let filed: Value = res.json().await.unwrap();
        let code = filed["receipt_code"].as_str().unwrap().to_owned();
        let key = filed["lookup_key"].as_str().unwrap().to_owned();
        let grouped = gongshi::objections::codes::grouped(&code);

        let first = nth(&smtp, 1).await;
        assert_eq!(first.to, [OBJECTOR]);
        assert_eq!(first.from, "gongshi@example.org");
        let parsed = first.parsed();
        let from = parsed.from().unwrap().first().unwrap();
        assert_eq!(from.name(), Some("甘肃省总工会公示"), "the display name survives as UTF-8");
        assert_eq!(first.subject(), format!("异议已接收：回执码 {grouped}"));
        assert!(first.raw_headers().contains("Subject: =?utf-8?"), "an encoded word: {}", first.raw_headers());
        assert!(first.message_id().ends_with("@gongshi.example.org"), "{}", first.message_id());
        assert_eq!(parsed.content_type().unwrap().subtype(), Some("alternative"));
        let (text, html) = (first.text(), first.html());
        let link = format!("https://gongshi.example.org/objections/lookup?code={code}");
        assert!(text.contains(&link) && html.contains(&format!("href=\"{link}\"")), "{text}\n{html}");
        assert!(text.contains("输电线路覆冰在线监测装置") && text.contains("当前状态：已接收"), "{text}");
        for part in [&text, &html] {
            assert!(!part.contains(&key), "the lookup key never travels by mail");
            assert!(!part.contains("异议人原文"), "the objection's content is not repeated");
        }

        let case = objections(&app).await.into_iter().find(|o| o.receipt_code == code).unwrap();
        let handler = app.create_user(s.unit, "handler", "chuli").await;
        let token = app.api_token(handler).await;
        move_case(&app, &token, case.id, json!({ "to": "accepted", "objector_note": "请补充证据（仅异议人可见）" }))
            .await;
        let accepted = nth(&smtp, 2).await;
        assert_eq!(accepted.subject(), format!("异议已受理：回执码 {grouped}"));
        assert!(!accepted.text().contains("仅异议人可见"), "the note for the objector stays behind the key");
        move_case(&app, &token, case.id, json!({ "to": "investigating", "internal_note": "内部：约谈完成人" })).await;
        let investigating = nth(&smtp, 3).await;
        assert!(investigating.text().contains("已进入核查"));
        assert!(!investigating.text().contains("约谈"), "internal notes never leave");
        move_case(
            &app,
            &token,
            case.id,
            json!({ "to": "dismissed", "objector_note": "私下说明", "public_summary": "经核查，第二完成人实际参与研制，异议不成立。" }),
        )
        .await;
        let concluded = nth(&smtp, 4).await;
        assert_eq!(concluded.subject(), format!("异议处理结论（异议不成立）：回执码 {grouped}"));
        assert!(
            concluded.text().contains("处理情况：\n经核查，第二完成人实际参与研制，异议不成立。"),
            "{}",
            concluded.text()
        );
        assert!(!concluded.text().contains("私下说明"));

        // Every message went out once, and the addresses are gone from the outbox.
        tokio::time::sleep(Wait::from_millis(300)).await;
        assert_eq!(smtp.received().len(), 4);
        let rows = outbox(&app).await;
        assert_eq!(rows.len(), 4);
        assert!(rows.iter().all(|r| r.state == "sent" && r.recipient_sealed.is_none() && r.sent_at.is_some()));
        assert!(rows.iter().all(|r| r.recipient_masked == "w***@example.cn"));
        assert!(rows[0].smtp_reply.as_deref().unwrap_or_default().starts_with("250"), "{:?}", rows[0].smtp_reply);
    }
}

#[actix_web::test]
async fn an_objector_who_did_not_ask_gets_nothing_and_asking_needs_an_address() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let s = scene(&app).await;
        let mut quiet = wanting_mail(s.projects[0]);
        quiet["notify_by_email"] = json!(false);
        assert_eq!(file_api(&app, s.notice, &quiet).await.status().as_u16(), 201);
        let mut no_address = wanting_mail(s.projects[0]);
        no_address["email"] = json!("");
        let res = file_api(&app, s.notice, &no_address).await;
        assert_eq!(res.status().as_u16(), 422);
        let problem: Value = res.json().await.unwrap();
        assert!(problem.to_string().contains("要接收邮件通知，请填写电子邮箱"), "{problem}");
        // An address carrying a header of its own is not an address.
        let mut injected = wanting_mail(s.projects[0]);
        injected["email"] = json!("wangwu@example.cn\r\nBcc: all@example.com");
        assert_eq!(file_api(&app, s.notice, &injected).await.status().as_u16(), 422);
        tokio::time::sleep(Wait::from_millis(500)).await;
        assert!(smtp.received().is_empty());
        assert!(outbox(&app).await.is_empty());
        // The form offers the choice, because this server sends mail.
        let (_, form) = form_page(&app, s.notice).await;
        assert!(form.contains("name=\"notify_by_email\""), "{form}");
    }
}

#[actix_web::test]
async fn without_smtp_nothing_is_written_and_the_pages_say_so() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let s = scene(&app).await;
        let (_, form) = form_page(&app, s.notice).await;
        assert!(form.contains("本站未开通邮件通知") && !form.contains("name=\"notify_by_email\""));
        assert_eq!(file_api(&app, s.notice, &wanting_mail(s.projects[0])).await.status().as_u16(), 201);
        assert!(outbox(&app).await.is_empty(), "no SMTP: no message is kept to flood out later");
        let admin = app.sign_in(s.unit, "admin", "guanli").await;
        let (status, log) = admin.get_text("/admin/mail").await;
        assert_eq!(status, 200);
        assert!(log.contains("本站未配置发信服务器"), "{log}");
    }
}

#[actix_web::test]
async fn a_refused_delivery_is_retried_after_a_pause_and_a_permanent_one_given_up() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let s = scene(&app).await;
        smtp.refuse_next(1, mailin_embedded::response::INTERNAL_ERROR);
        assert_eq!(file_api(&app, s.notice, &wanting_mail(s.projects[0])).await.status().as_u16(), 201);
        let waited =
            wait_until(&app, |rows| rows.first().is_some_and(|r| r.attempts == 1 && r.state == "pending")).await;
        let row = &waited[0];
        assert!(row.last_error.as_deref().unwrap_or_default().contains("451"), "{:?}", row.last_error);
        assert_eq!(row.next_attempt_at, app.clock_now() + Duration::minutes(1), "the first retry is a minute later");
        assert!(row.recipient_sealed.is_some(), "kept sealed for the retry");
        tokio::time::sleep(Wait::from_millis(400)).await;
        assert!(smtp.received().is_empty(), "not before its time");
        app.clock.set(app.clock_now() + Duration::minutes(1));
        let got = nth(&smtp, 1).await;
        assert!(got.subject().starts_with("异议已接收"));
        let rows = wait_until(&app, |rows| rows[0].state == "sent").await;
        assert_eq!(rows[0].attempts, 2);

        smtp.refuse_next(1, mailin_embedded::response::NO_MAILBOX);
        assert_eq!(file_api(&app, s.notice, &wanting_mail(s.projects[1])).await.status().as_u16(), 201);
        let rows = wait_until(&app, |rows| rows.len() == 2 && rows[1].state == "failed").await;
        assert!(rows[1].last_error.as_deref().unwrap_or_default().contains("550"), "{:?}", rows[1].last_error);
        assert!(rows[1].recipient_sealed.is_none(), "a message given up forgets its address");

        // The unit's admin reads both in the delivery log, with masked addresses only.
        let admin = app.sign_in(s.unit, "admin", "guanli").await;
        let (status, log) = admin.get_text("/admin/mail").await;
        assert_eq!(status, 200);
        assert!(log.contains("已发出 1 封") && log.contains("发送失败 1 封"), "{log}");
        assert!(log.contains("w***@example.cn") && !log.contains(OBJECTOR), "{log}");
        let token = app.api_token(admin.user_id).await;
        let api: Value = app
            .client
            .get(app.url("/api/v1/admin/mail?state=failed"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(api["total"], 1, "{api}");
        assert_eq!(api["deliveries"][0]["state"], "failed");
        assert!(!api.to_string().contains(OBJECTOR));
        let bad = app.client.get(app.url("/api/v1/admin/mail?state=lost")).bearer_auth(&token).send().await.unwrap();
        assert_eq!(bad.status().as_u16(), 422);
        // Another unit's admin sees none of it.
        let other = app.create_unit(Some(s.city), "applicant", "E-OTHER", "另一家企业").await;
        let stranger = app.sign_in(other, "admin", "moshengren").await;
        let (_, theirs) = stranger.get_text("/admin/mail").await;
        assert!(theirs.contains("共 0 封") && !theirs.contains("w***@"), "{theirs}");
    }
}

async fn wait_until(app: &TestApp, done: impl Fn(&[mail_outbox::Model]) -> bool) -> Vec<mail_outbox::Model> {
    for _ in 0..300 {
        let rows = outbox(app).await;
        if !rows.is_empty() && done(&rows) {
            return rows;
        }
        tokio::time::sleep(Wait::from_millis(50)).await;
    }
    panic!("outbox never reached the state: {:?}", outbox(app).await);
}

crate::db_test!(rotating_the_master_key_reseals_the_addresses_mail_is_waiting_for, |app| {
    use gongshi::keys::MasterKey;
    use gongshi::mail::{Letter, Mail, Postbox, outbox};
    let postbox = Postbox::open("https://gongshi.example.org", app.state.secrets.sealer.clone());
    let letter = Letter { subject: "等待发送".into(), ..Letter::default() };
    let mail = Mail {
        kind: "objection.received",
        to: "reader@example.cn".into(),
        letter,
        unit_id: None,
        objection_id: None,
        list: None,
    };
    postbox.post(&app.db, mail, app.clock_now()).await.unwrap();
    let old = MasterKey::from_base64(&app.master_key()).unwrap();
    let new = MasterKey::generate();
    let done = gongshi::cli::keys::rotate(&app.database_url, &old, &new).await.unwrap();
    assert_eq!(done.mail, 1);
    let row = outbox(&app).await.remove(0);
    assert_eq!(outbox::recipient(&new.sealer(), &row).unwrap(), "reader@example.cn");
    assert!(outbox::recipient(&old.sealer(), &row).is_err(), "the old key opens nothing");
    assert!(!format!("{row:?}").contains("reader@"), "the address is not stored in the clear");
});

#[actix_web::test]
async fn a_refusal_tells_the_objector_the_reason() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let s = scene(&app).await;
        // Filed after the close: received and refused at once, in one message.
        app.clock.set(closes_at());
        let filed: Value = file_api(&app, s.notice, &wanting_mail(s.projects[0])).await.json().await.unwrap();
        let late = nth(&smtp, 1).await;
        assert!(late.subject().starts_with("异议不予受理："), "{}", late.subject());
        assert!(late.text().contains("不予受理理由：逾期不予受理"), "{}", late.text());
        assert_eq!(filed["objection_status"], "refused", "{filed}");
        // Refused by staff as out of scope.
        app.clock.set(during());
        let body: Value = file_api(&app, s.notice, &wanting_mail(s.projects[1])).await.json().await.unwrap();
        let code = body["receipt_code"].as_str().unwrap();
        nth(&smtp, 2).await;
        let case = objections(&app).await.into_iter().find(|o| o.receipt_code == code).unwrap();
        let handler = app.create_user(s.unit, "handler", "chuli").await;
        let token = app.api_token(handler).await;
        move_case(&app, &token, case.id, json!({ "to": "refused", "reason": "out_of_scope" })).await;
        let refused = nth(&smtp, 3).await;
        assert!(refused.text().contains("不予受理理由：不属于异议范围不予受理"), "{}", refused.text());
        assert_eq!(smtp.received().len(), 3);
    }
}

#[actix_web::test]
async fn starttls_to_a_relay_of_a_private_authority_with_a_password_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    let files = crate::smtp_server::TlsFiles::make(dir.path());
    let smtp = SmtpServer::start_tls(&files, "s3cret");
    let url = format!("smtp://localhost:{}?tls=required", smtp.port);
    let configure = |trusted: bool| {
        let (url, authority) = (url.clone(), files.authority.clone());
        move |s: &mut gongshi::settings::Settings| {
            let mut mail = MailSettings::new(url, FROM);
            mail.user = Some("gongshi".into());
            mail.password = Some("s3cret".into());
            mail.ca_file = trusted.then_some(authority);
            mail.poll = Wait::from_millis(100);
            s.mail = Some(mail);
        }
    };
    // Without the authority the relay's certificate is not believed: nothing goes out.
    let doubting = TestApp::spawn_with(crate::helpers::Backend::Sqlite, configure(false)).await;
    let s = scene(&doubting).await;
    assert_eq!(file_api(&doubting, s.notice, &wanting_mail(s.projects[0])).await.status().as_u16(), 201);
    let rows = wait_until(&doubting, |rows| rows[0].attempts == 1 && rows[0].state == "pending").await;
    assert!(rows[0].last_error.is_some(), "{:?}", rows[0]);
    assert!(smtp.received().is_empty() && smtp.authenticated().is_none());
    // With it: STARTTLS, then AUTH (offered only after TLS), then the message.
    let trusting = TestApp::spawn_with(crate::helpers::Backend::Sqlite, configure(true)).await;
    let s = scene(&trusting).await;
    assert_eq!(file_api(&trusting, s.notice, &wanting_mail(s.projects[0])).await.status().as_u16(), 201);
    let got = nth(&smtp, 1).await;
    assert!(got.subject().starts_with("异议已接收"));
    assert_eq!(smtp.authenticated().as_deref(), Some("gongshi"));
}

#[test]
fn a_server_with_a_wrong_mail_setting_refuses_to_start_and_says_why() {
    let dir = tempfile::tempdir().unwrap();
    let start = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongshi"))
            .args(["serve", "--bind", "127.0.0.1:0"])
            .arg("--database")
            .arg(format!("sqlite://{}/gongshi.db", dir.path().display()))
            .arg("--data-dir")
            .arg(dir.path().join("data"))
            .args(args)
            .env_remove("GONGSHI_SMTP_URL")
            .env_remove("GONGSHI_MAIL_FROM")
            .output()
            .unwrap();
        assert!(!out.status.success(), "refused to start: {args:?}");
        String::from_utf8_lossy(&out.stderr).into_owned()
    };
    assert!(start(&["--smtp", "smtp://mail.example.cn"]).contains("须用 --mail-from 给出发件人地址"));
    assert!(
        start(&["--smtp", "ftp://mail.example.cn", "--mail-from", "a@example.cn"])
            .contains("发信服务器地址（--smtp）无效")
    );
    let said = start(&["--smtp", "smtp://mail.example.cn", "--mail-from", "公示 <not an address>"]);
    assert!(said.contains("发件人地址（--mail-from）无效"), "{said}");
}

#[actix_web::test]
async fn an_objection_taken_by_phone_can_ask_for_mail_and_a_withdrawal_is_told() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let s = scene(&app).await;
        let handler = app.create_user(s.unit, "handler", "chuli").await;
        let token = app.api_token(handler).await;
        let body = json!({ "channel": "phone", "claimed_at": "2025-03-11 09:00", "objector_kind": "individual",
            "name": "赵六", "phone": "13909310001", "email": "zhaoliu@example.cn", "project_id": s.projects[0],
            "category": "merit", "content": "效益数据不实。", "notify_by_email": true });
        let res = app
            .client
            .post(app.url(&format!("/api/v1/admin/notices/{}/objections", s.notice)))
            .bearer_auth(&token)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 201, "{}", res.text().await.unwrap_or_default());
        let received = nth(&smtp, 1).await;
        assert_eq!(received.to, ["zhaoliu@example.cn"]);
        assert!(received.subject().starts_with("异议已接收"));
        let case = objections(&app).await.pop().unwrap();
        move_case(&app, &token, case.id, json!({ "to": "withdrawn", "public_summary": "异议人来电撤回异议。" })).await;
        let withdrawn = nth(&smtp, 2).await;
        assert!(withdrawn.subject().starts_with("异议已撤回"), "{}", withdrawn.subject());
        assert!(withdrawn.text().contains("异议人来电撤回异议。"));
        // The staff form offers the same choice.
        let staff = app.sign_in(s.unit, "handler", "dengji").await;
        let (_, form) = staff.get_text(&format!("/admin/objections/register?notice_id={}", s.notice)).await;
        assert!(form.contains("异议人要求用电子邮件告知处理进展"), "{form}");
    }
}
