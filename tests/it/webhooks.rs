//! Signed webhooks, end to end against a real HTTP receiver on loopback: what an endpoint hears
//! of (and what it may not), the Standard Webhooks signature, the ledger sequence and hash in the
//! body, retries with backoff for exactly a day, the endpoint disabled with its unit told, replay,
//! secret rotation, and private addresses refused without the server flag. SQLite and PostgreSQL.
use crate::helpers::{Backend, TestApp, backends};
use crate::objections_support::{during, file_api, objection, scene};
use crate::smtp_server::SmtpServer;
use actix_web::{App, HttpRequest, HttpResponse, HttpServer, web};
use chrono::{DateTime, Duration, Utc};
use entity::{ledger, webhook_deliveries, webhook_endpoints};
use gongshi::audit::Who;
use gongshi::notices::generate::start_correction;
use gongshi::notices::publish::{PublishRequest, publish};
use gongshi::webhooks::sender::{self, Sender};
use gongshi::webhooks::signing;
use gongshi::webhooks::target::Reach;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait, QueryOrder};
use serde_json::{Value, json};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU16, Ordering};
use std::sync::{Arc, Mutex};

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Hit {
    headers: HashMap<String, String>,
    body: String,
}

impl Hit {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }

    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }
}

/// An HTTP server on loopback that records every request and answers with a status the test sets.
#[derive(Clone)]
struct Receiver {
    hits: Arc<Mutex<Vec<Hit>>>,
    status: Arc<AtomicU16>,
    url: String,
}

impl Receiver {
    fn start() -> Self {
        let hits: Arc<Mutex<Vec<Hit>>> = Arc::default();
        let status = Arc::new(AtomicU16::new(200));
        let (h, s) = (hits.clone(), status.clone());
        let server = HttpServer::new(move || {
            let (h, s) = (h.clone(), s.clone());
            App::new().default_service(web::to(move |req: HttpRequest, body: String| {
                let (h, s) = (h.clone(), s.clone());
                async move {
                    let headers = req
                        .headers()
                        .iter()
                        .map(|(k, v)| (k.to_string(), v.to_str().unwrap_or("").to_owned()))
                        .collect();
                    h.lock().unwrap().push(Hit { headers, body });
                    let code = actix_web::http::StatusCode::from_u16(s.load(Ordering::SeqCst)).unwrap();
                    HttpResponse::build(code).body("ok")
                }
            }))
        })
        .workers(1)
        .bind("127.0.0.1:0")
        .unwrap();
        let port = server.addrs()[0].port();
        actix_web::rt::spawn(server.run());
        Self { hits, status, url: format!("http://127.0.0.1:{port}/hooks") }
    }

    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    fn answer(&self, status: u16) {
        self.status.store(status, Ordering::SeqCst);
    }
}

/// The verification example of docs/WEBHOOKS.md, run as written on a delivery (its freshness
/// window opened wide: the test clock is in 2025).
fn documented_check(secret: &str, hit: &Hit, body: &str) -> bool {
    use std::io::Write;
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/WEBHOOKS.md")).unwrap();
    let start = doc.find("```python\n").expect("a Python example") + "```python\n".len();
    let code = &doc[start..start + doc[start..].find("```").unwrap()];
    let script = format!(
        "{code}\nimport json, sys\nprint(verify(sys.argv[1], json.loads(sys.argv[2]), sys.stdin.buffer.read(), tolerance=10**10))\n"
    );
    let headers = json!({
        "webhook-id": hit.header("webhook-id"),
        "webhook-timestamp": hit.header("webhook-timestamp"),
        "webhook-signature": hit.header("webhook-signature"),
    });
    let mut child = std::process::Command::new("python3")
        .args(["-c", &script, secret, &headers.to_string()])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs");
    child.stdin.take().unwrap().write_all(body.as_bytes()).unwrap();
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(said == "True" || said == "False", "the example ran: {said}");
    said == "True"
}

async fn app_allowing_private(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, |s| s.webhooks_allow_private = true).await
}

fn sender_of(app: &TestApp, reach: Reach) -> Sender {
    Sender {
        db: app.db.clone(),
        client: sender::client(reach).unwrap(),
        sealer: app.state.secrets.sealer.clone(),
        clock: Arc::new(app.clock.clone()),
        postbox: app.state.mail.clone(),
        reach,
        base_url: app.state.settings.base_url.clone(),
        poll: std::time::Duration::from_millis(50),
    }
}

/// One pass of the sender at `at`; returns how many deliveries it posted.
async fn pass_at(app: &TestApp, sender: &Sender, at: DateTime<Utc>) -> usize {
    app.clock.set(at);
    sender.pass("test-instance").await.unwrap()
}

async fn register(app: &TestApp, token: &str, url: &str, types: &[&str]) -> (u16, Value) {
    let body = json!({ "url": url, "description": "数据同步", "event_types": types });
    let res = app.client.post(app.url("/api/v1/admin/webhooks")).bearer_auth(token).json(&body).send().await.unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

async fn correct(app: &TestApp, notice: i32, note: &str) {
    let now = app.clock_now();
    start_correction(&app.db, notice, &Who::default(), now).await.unwrap();
    publish(&app.db, notice, &PublishRequest { note: Some(note.into()), ..PublishRequest::default() }, now)
        .await
        .unwrap();
}

async fn admin_token(app: &TestApp, unit: i32, username: &str) -> String {
    let user = app.create_user(unit, "admin", username).await;
    app.api_token(user).await
}

#[actix_web::test]
async fn endpoints_hear_signed_events_they_asked_for_and_may_see() {
    for backend in backends() {
        let app = app_allowing_private(backend).await;
        let s = scene(&app).await;
        let receiver = Receiver::start();
        let city = admin_token(&app, s.city, "city-admin").await;
        let province = admin_token(&app, s.province, "gs-admin").await;
        let city_url = format!("{}/city", receiver.url);
        let (status, city_hook) = register(&app, &city, &city_url, &["notice.corrected", "objection.received"]).await;
        assert_eq!(status, 201, "{city_hook}");
        let city_secret = city_hook["secret"].as_str().unwrap().to_owned();
        assert!(city_secret.starts_with("whsec_"));
        let province_url = format!("{}/province", receiver.url);
        let (status, province_hook) =
            register(&app, &province, &province_url, &["objection.received", "objection.updated"]).await;
        assert_eq!(status, 201);
        let sender = sender_of(&app, Reach { allow_private: true });

        // Nothing from before registration (the notice's publication) is sent.
        assert_eq!(pass_at(&app, &sender, during()).await, 0);
        assert!(receiver.hits().is_empty());

        // A correction of a notice of a unit below the city; an objection the enterprise handles.
        correct(&app, s.notice, "更正联系电话").await;
        let mut filed = objection(s.projects[0]);
        filed["content"] = json!("第二完成人未实际参与研制（异议人原文）。");
        assert_eq!(file_api(&app, s.notice, &filed).await.status().as_u16(), 201);
        assert_eq!(pass_at(&app, &sender, during() + Duration::seconds(1)).await, 2);
        let hits = receiver.hits();
        let paths: Vec<(String, String)> =
            hits.iter().map(|h| (h.json()["type"].as_str().unwrap().to_owned(), h.header("host").to_owned())).collect();
        assert_eq!(hits.len(), 2, "{paths:?}");

        let to_city: Vec<&Hit> = hits.iter().filter(|h| h.json()["type"] == "notice.corrected").collect();
        assert_eq!(to_city.len(), 1, "the city hears of the correction below it");
        let hit = to_city[0];
        let body = hit.json();
        let entry =
            ledger::Entity::find_by_id(body["ledger"]["seq"].as_i64().unwrap()).one(&app.db).await.unwrap().unwrap();
        assert_eq!(entry.kind, "notice.correct");
        assert_eq!(body["ledger"]["entry_hash"], json!(entry.entry_hash));
        assert_eq!(hit.header("webhook-id"), format!("evt_{}", entry.seq));
        assert_eq!(body["data"]["notice"]["id"], json!(s.notice));
        assert_eq!(body["data"]["correction"]["note"], json!("更正联系电话"));
        assert_eq!(hit.header("content-type"), "application/json");
        let now = app.clock_now().timestamp();
        assert_eq!(hit.header("webhook-timestamp"), now.to_string());
        assert!(signing::verify(
            &city_secret,
            hit.header("webhook-id"),
            hit.header("webhook-timestamp"),
            hit.header("webhook-signature"),
            &hit.body,
            now
        ));
        assert!(!signing::verify(
            &city_secret,
            hit.header("webhook-id"),
            hit.header("webhook-timestamp"),
            hit.header("webhook-signature"),
            &hit.body.replace("更正", "改正"),
            now
        ));
        assert!(documented_check(&city_secret, hit, &hit.body), "the example in docs/WEBHOOKS.md accepts it");
        assert!(!documented_check(&city_secret, hit, &hit.body.replace("更正", "改正")), "and refuses a changed body");

        // The objection went to the province only (the city does not see the enterprise's
        // cases), with no word the objector wrote and no identity.
        let to_province: Vec<&Hit> = hits.iter().filter(|h| h.json()["type"] == "objection.received").collect();
        assert_eq!(to_province.len(), 1);
        let province_secret = province_hook["secret"].as_str().unwrap();
        let p = to_province[0];
        assert!(signing::verify(
            province_secret,
            p.header("webhook-id"),
            p.header("webhook-timestamp"),
            p.header("webhook-signature"),
            &p.body,
            now
        ));
        assert!(!signing::verify(
            &city_secret,
            p.header("webhook-id"),
            p.header("webhook-timestamp"),
            p.header("webhook-signature"),
            &p.body,
            now
        ));
        assert_eq!(p.json()["data"]["objection"]["notice_id"], json!(s.notice));
        for private in ["王五", "异议人原文", "13909310000"] {
            assert!(!p.body.contains(private), "{private} leaked: {}", p.body);
        }

        // The case moving on is told to the province (its receipt was told once, above), with no
        // note a handler wrote.
        let case = entity::objections::Entity::find().one(&app.db).await.unwrap().unwrap();
        let handler = app.create_user(s.unit, "handler", "e-handler").await;
        let handler = app.api_token(handler).await;
        let moved = app
            .client
            .post(app.url(&format!("/api/v1/admin/objections/{}/transitions", case.id)))
            .bearer_auth(&handler)
            .json(&json!({ "to": "accepted", "internal_note": "内部：约谈完成人" }))
            .send()
            .await
            .unwrap();
        assert_eq!(moved.status().as_u16(), 200);
        assert_eq!(pass_at(&app, &sender, during() + Duration::seconds(2)).await, 1);
        let update = receiver.hits().last().cloned().unwrap();
        let change = update.json();
        assert_eq!(change["type"], "objection.updated");
        assert_eq!(
            change["data"]["change"],
            json!({ "from": "received", "to": "accepted", "to_label": "已受理", "at": change["data"]["change"]["at"] })
        );
        assert!(!update.body.contains("约谈"), "{}", update.body);
        assert_eq!(receiver.hits().len(), 3);

        // The delivery log shows each with the receiver's answer; the secret never.
        let id = city_hook["endpoint"]["id"].as_i64().unwrap();
        let res =
            app.client.get(app.url(&format!("/api/v1/admin/webhooks/{id}"))).bearer_auth(&city).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let log: Value = res.json().await.unwrap();
        assert_eq!(log["deliveries"][0]["state"], "delivered");
        assert_eq!(log["deliveries"][0]["last_status"], 200);
        assert_eq!(log["deliveries"][0]["log"][0]["status"], 200);
        assert!(!log.to_string().contains(&city_secret));
        // The city's admin cannot see the province's endpoint.
        let pid = province_hook["endpoint"]["id"].as_i64().unwrap();
        let res =
            app.client.get(app.url(&format!("/api/v1/admin/webhooks/{pid}"))).bearer_auth(&city).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 404);

        // A second pass sends nothing again.
        assert_eq!(pass_at(&app, &sender, during() + Duration::seconds(5)).await, 0);
        assert_eq!(receiver.hits().len(), 3);

        // After a rotation both secrets sign for a day, then only the new one.
        let res = app
            .client
            .post(app.url(&format!("/api/v1/admin/webhooks/{id}/secret")))
            .bearer_auth(&city)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let new_secret = res.json::<Value>().await.unwrap()["secret"].as_str().unwrap().to_owned();
        assert_ne!(new_secret, city_secret);
        app.clock.set(during() + Duration::minutes(1));
        correct(&app, s.notice, "再次更正").await;
        pass_at(&app, &sender, during() + Duration::minutes(1)).await;
        let hit = receiver.hits().last().cloned().unwrap();
        let at = app.clock_now().timestamp();
        assert_eq!(hit.header("webhook-signature").split(' ').count(), 2);
        for secret in [&city_secret, &new_secret] {
            assert!(signing::verify(
                secret,
                hit.header("webhook-id"),
                hit.header("webhook-timestamp"),
                hit.header("webhook-signature"),
                &hit.body,
                at
            ));
        }
        app.clock.set(during() + Duration::hours(25));
        correct(&app, s.notice, "第三次更正").await;
        pass_at(&app, &sender, during() + Duration::hours(25)).await;
        let hit = receiver.hits().last().cloned().unwrap();
        let at = app.clock_now().timestamp();
        assert_eq!(hit.header("webhook-signature").split(' ').count(), 1);
        assert!(signing::verify(
            &new_secret,
            hit.header("webhook-id"),
            hit.header("webhook-timestamp"),
            hit.header("webhook-signature"),
            &hit.body,
            at
        ));
    }
}

#[actix_web::test]
async fn a_failing_endpoint_is_retried_for_a_day_then_disabled_and_its_unit_told() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let smtp_url = smtp.url();
        let app = TestApp::spawn_with(backend, move |s| {
            s.webhooks_allow_private = true;
            s.base_url = "https://gongshi.example.org".into();
            let mut mail = gongshi::settings::MailSettings::new(smtp_url, "公示 <gongshi@example.cn>");
            mail.poll = std::time::Duration::from_millis(100);
            s.mail = Some(mail);
        })
        .await;
        let s = scene(&app).await;
        let receiver = Receiver::start();
        receiver.answer(500);
        let admin = admin_token(&app, s.unit, "e-admin").await;
        let prefs = json!({ "email": "admin@example.cn", "unit_events": true });
        let res = app
            .client
            .put(app.url("/api/v1/admin/account/notifications"))
            .bearer_auth(&admin)
            .json(&prefs)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        let (status, hook) = register(&app, &admin, &receiver.url, &["notice.corrected"]).await;
        assert_eq!(status, 201);
        let id = hook["endpoint"]["id"].as_i64().unwrap();
        let sender = sender_of(&app, Reach { allow_private: true });
        let made = during();
        app.clock.set(made);
        correct(&app, s.notice, "更正联系电话").await;

        // The first attempt, then each retry exactly when due and not a second before.
        assert_eq!(pass_at(&app, &sender, made).await, 1);
        let mut at = made;
        let mut attempts = 1;
        while let Some(next) = sender::next_attempt(made, attempts, at) {
            assert_eq!(pass_at(&app, &sender, next - Duration::seconds(1)).await, 0, "not before {next}");
            assert_eq!(pass_at(&app, &sender, next).await, 1, "retry at {next}");
            at = next;
            attempts += 1;
        }
        assert_eq!(at, made + Duration::hours(24), "the last attempt is a day after the first");
        assert_eq!(receiver.hits().len(), 11);
        assert!(receiver.hits().iter().all(|h| h.header("webhook-id") == receiver.hits()[0].header("webhook-id")));

        // Given up, the endpoint disabled, the admin told by mail and on the home page.
        let delivery = webhook_deliveries::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert_eq!((delivery.state.as_str(), delivery.attempts, delivery.last_status), ("failed", 11, Some(500)));
        let endpoint =
            webhook_endpoints::Entity::find_by_id(i32::try_from(id).unwrap()).one(&app.db).await.unwrap().unwrap();
        assert!(!endpoint.enabled);
        assert_eq!(endpoint.disabled_reason.as_deref(), Some("failing"));
        let told = crate::mail::nth(&smtp, 1).await;
        assert_eq!(told.to, ["admin@example.cn"]);
        assert!(told.subject().contains("Webhook 端点已停用"), "{}", told.subject());
        let staff = crate::helpers::Staff::for_existing(&app, "e-admin", crate::helpers::TEST_PASSWORD);
        assert_eq!(staff.login(crate::helpers::TEST_PASSWORD).await.status().as_u16(), 303);
        let (_, home) = staff.get_text("/admin").await;
        assert!(home.contains("Webhook 端点已停用") && home.contains("数据同步"), "{home}");

        // Nothing is posted while it is off, and a replay is refused until it is on again.
        assert_eq!(pass_at(&app, &sender, at + Duration::hours(1)).await, 0);
        let replay = format!("/api/v1/admin/webhooks/deliveries/{}/replay", delivery.id);
        let res = app.client.post(app.url(&replay)).bearer_auth(&admin).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 409);
        let on = json!({ "url": receiver.url, "description": "数据同步", "event_types": ["notice.corrected"], "enabled": true });
        let res = app
            .client
            .put(app.url(&format!("/api/v1/admin/webhooks/{id}")))
            .bearer_auth(&admin)
            .json(&on)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        receiver.answer(204);
        let res = app.client.post(app.url(&replay)).bearer_auth(&admin).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 202);
        assert_eq!(pass_at(&app, &sender, at + Duration::hours(2)).await, 1);
        let last = receiver.hits().last().cloned().unwrap();
        assert_eq!(last.header("webhook-id"), receiver.hits()[0].header("webhook-id"), "a replay keeps the event's id");
        assert_eq!(last.body, receiver.hits()[0].body, "and its body");
        let rows =
            webhook_deliveries::Entity::find().order_by_asc(webhook_deliveries::Column::Id).all(&app.db).await.unwrap();
        assert_eq!(
            rows.iter().map(|d| (d.round, d.state.as_str())).collect::<Vec<_>>(),
            [(0, "failed"), (1, "delivered")]
        );
        let endpoint =
            webhook_endpoints::Entity::find_by_id(i32::try_from(id).unwrap()).one(&app.db).await.unwrap().unwrap();
        assert!(endpoint.enabled && endpoint.failing_since.is_none() && endpoint.last_success_at.is_some());
    }
}

#[actix_web::test]
async fn private_and_loopback_addresses_are_refused_without_the_server_flag() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let s = scene(&app).await;
        let receiver = Receiver::start();
        let admin = admin_token(&app, s.city, "city-admin").await;
        for (url, says) in [
            (receiver.url.as_str(), "https://"),
            ("https://127.0.0.1/hooks", "不能指向本机、内网或保留地址"),
            ("https://localhost/hooks", "不能指向本机、内网或保留地址"),
            ("https://10.1.2.3/hooks", "不能指向本机、内网或保留地址"),
            ("https://169.254.169.254/latest/meta-data", "不能指向本机、内网或保留地址"),
            ("https://[::1]/hooks", "不能指向本机、内网或保留地址"),
            ("https://user:pw@hooks.example.cn/", "不能包含用户名或密码"),
            ("javascript:alert(1)", "格式不正确"),
        ] {
            let (status, body) = register(&app, &admin, url, &["notice.published"]).await;
            assert_eq!(status, 422, "{url}: {body}");
            assert!(body.to_string().contains(says), "{url}: {body}");
        }
        let (status, body) = register(&app, &admin, "https://8.8.8.8/hooks", &["notice.bogus"]).await;
        assert_eq!(status, 422);
        assert!(body.to_string().contains("没有这种事件类型"), "{body}");
        let (status, body) = register(&app, &admin, "https://8.8.8.8/hooks", &[]).await;
        assert_eq!(status, 422);
        assert!(body.to_string().contains("请至少选择一种事件"), "{body}");

        // The form says the same, in Chinese, beside what was typed.
        let staff = app.sign_in(s.city, "admin", "city-admin-2").await;
        let res = staff
            .post_form(
                "/admin/webhooks",
                &[("description", "同步"), ("url", "https://127.0.0.1/x"), ("event_types", "notice.published")],
            )
            .await;
        assert_eq!(res.status().as_u16(), 422);
        let page = res.text().await.unwrap();
        assert!(
            page.contains("接收地址：接收地址不能指向本机、内网或保留地址")
                || page.contains("接收地址不能指向本机、内网或保留地址"),
            "{page}"
        );
        assert!(page.contains("value=\"https:&#x2F;&#x2F;127.0.0.1&#x2F;x\""), "what was typed stays: {page}");

        // An address that slipped in (written before the rule, or a name that now resolves to
        // loopback) is refused when connecting: the receiver hears nothing.
        for url in [receiver.url.clone(), receiver.url.replace("127.0.0.1", "localhost")] {
            insert_endpoint(&app, s.city, &url, "旧登记", "notice.corrected", 0).await;
        }
        let sender = sender_of(&app, Reach::default());
        correct(&app, s.notice, "更正").await;
        assert_eq!(pass_at(&app, &sender, during() + Duration::seconds(1)).await, 2);
        assert!(receiver.hits().is_empty(), "nothing reached loopback");
        let rows = webhook_deliveries::Entity::find().all(&app.db).await.unwrap();
        assert_eq!(rows.len(), 2);
        assert!(rows.iter().all(|d| d.state == "pending" && d.last_status.is_none()), "{rows:?}");
        assert!(rows.iter().any(|d| d.last_error.as_deref().is_some_and(|e| e.contains("已拒绝"))), "{rows:?}");
    }
}

#[actix_web::test]
async fn staff_register_an_endpoint_with_the_form_and_see_its_secret_once() {
    for backend in backends() {
        let app = app_allowing_private(backend).await;
        let s = scene(&app).await;
        let receiver = Receiver::start();
        let staff = app.sign_in(s.unit, "admin", "e-admin").await;
        let res = staff
            .post_form(
                "/admin/webhooks",
                &[
                    ("description", "企业内网同步"),
                    ("url", &receiver.url),
                    ("event_types", "notice.corrected"),
                    ("event_types", "report.issued"),
                ],
            )
            .await;
        assert_eq!(res.status().as_u16(), 200);
        let page = res.text().await.unwrap();
        let start = page.find("<p class=\"secret\">").expect("the secret shown") + "<p class=\"secret\">".len();
        let secret: String = page[start..].chars().take_while(|c| *c != '<').collect();
        assert!(secret.starts_with("whsec_") && secret.len() > 40, "{secret}");
        let (_, list) = staff.get_text("/admin/webhooks").await;
        assert!(list.contains("企业内网同步") && list.contains("公示更正、出具公示结果报告"), "{list}");
        assert!(!list.contains(&secret), "the secret is shown once only");
        let endpoint = webhook_endpoints::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert_eq!(endpoint.event_types, "notice.corrected report.issued");
        assert!(!endpoint.secret_sealed.contains(&secret), "stored sealed");

        // A handler of the same unit may not manage it.
        let handler = app.sign_in(s.unit, "handler", "e-handler").await;
        assert_eq!(handler.get(&format!("/admin/webhooks/{}", endpoint.id)).await.status().as_u16(), 403);

        // Turning it off with the settings form (the box unticked).
        let path = format!("/admin/webhooks/{}", endpoint.id);
        let res = staff
            .post_form(
                &path,
                &[("description", "企业内网同步"), ("url", &receiver.url), ("event_types", "notice.corrected")],
            )
            .await;
        assert_eq!(res.status().as_u16(), 303);
        let (_, page) = staff.get_text(&path).await;
        assert!(page.contains("已停用"), "{page}");
        let sender = sender_of(&app, Reach { allow_private: true });
        correct(&app, s.notice, "更正").await;
        assert_eq!(pass_at(&app, &sender, during() + Duration::seconds(1)).await, 0);
        assert!(receiver.hits().is_empty());

        // Deleting removes it and its log.
        let res = staff.post_form(&format!("{path}/delete"), &[]).await;
        assert_eq!(res.status().as_u16(), 303);
        assert!(webhook_endpoints::Entity::find().one(&app.db).await.unwrap().is_none());
    }
}

/// An endpoint written straight into the database (past the address check), with its secret
/// sealed as the service seals it.
pub async fn insert_endpoint(
    app: &TestApp,
    unit: i32,
    url: &str,
    description: &str,
    types: &str,
    from_seq: i64,
) -> i32 {
    let now = app.clock_now();
    let row = webhook_endpoints::ActiveModel {
        unit_id: Set(unit),
        url: Set(url.to_owned()),
        description: Set(description.to_owned()),
        event_types: Set(types.to_owned()),
        secret_sealed: Set(String::new()),
        enabled: Set(true),
        from_seq: Set(from_seq),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let mut sealed: webhook_endpoints::ActiveModel = row.clone().into();
    sealed.secret_sealed = Set(app
        .state
        .secrets
        .sealer
        .seal_text(&format!("webhook_endpoints.secret#{}", row.id), &signing::new_secret()));
    sealed.update(&app.db).await.unwrap();
    row.id
}

// ---- the access matrix's part (tests/it/access_matrix.rs) ----

use crate::access_matrix::{Caller, Case, Fixture, Req, Standpoint, admin_list, admins, unit_admin};
use gongshi::access::Role;

const CANARY_HOOK: &str = "靶子端点";
/// A public address given as a number, so no check needs DNS; the matrix never sends.
const MATRIX_URL: &str = "https://8.8.8.8/matrix-hook";

/// O's endpoint with one failed delivery, and spare endpoints for the deletions allowed.
pub struct WebhookFixture {
    pub endpoint: i32,
    pub delivery: i32,
    /// One per deletion the matrix expects to succeed (O's admin and the province's, by page
    /// and by API): refused callers aim at `endpoint`, which stays.
    pub spares: Vec<i32>,
}

pub async fn matrix_fixture(app: &TestApp, own: i32) -> WebhookFixture {
    let endpoint = insert_endpoint(app, own, MATRIX_URL, CANARY_HOOK, "notice.published", 0).await;
    let now = app.clock_now();
    let body = json!({ "id": "evt_1", "type": "notice.published" }).to_string();
    let mut row = gongshi::webhooks::events::new_delivery(
        endpoint,
        1,
        0,
        gongshi::webhooks::EventType::NoticePublished,
        body,
        now,
        None,
    );
    row.state = Set("failed".into());
    let delivery = row.insert(&app.db).await.unwrap().id;
    let mut spares = Vec::new();
    for _ in 0..4 {
        spares.push(insert_endpoint(app, own, MATRIX_URL, "备用端点", "notice.published", 0).await);
    }
    WebhookFixture { endpoint, delivery, spares }
}

pub fn canaries() -> Vec<String> {
    vec![CANARY_HOOK.to_owned()]
}

/// The endpoint a deleting caller aims at: a spare of its own when the deletion is expected to
/// succeed (O's admin and the province's, by page `0` and by API `1`), O's endpoint (which must
/// survive) when it is refused.
fn to_delete(f: &Fixture, c: &Caller, by_api: usize) -> i32 {
    match (c.role, c.standpoint) {
        (Role::Admin, Standpoint::Own) => f.webhooks.spares[by_api],
        (Role::Admin, Standpoint::Province) => f.webhooks.spares[2 + by_api],
        _ => f.webhooks.endpoint,
    }
}

fn settings_form(path: String) -> Req {
    Req::form(
        path,
        &[("description", CANARY_HOOK), ("url", MATRIX_URL), ("event_types", "notice.published"), ("enabled", "true")],
    )
}

fn settings_json() -> Value {
    json!({ "url": MATRIX_URL, "description": CANARY_HOOK, "event_types": ["notice.published"], "enabled": true })
}

pub fn matrix_cases() -> Vec<Case> {
    vec![
        Case {
            method: "GET",
            pattern: "/admin/webhooks",
            request: |_, _| Req::path("/admin/webhooks"),
            expect: admin_list,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/webhooks",
            request: |_, _| Req::path("/api/v1/admin/webhooks"),
            expect: admin_list,
        },
        // Registering is for one's own unit: any admin.
        Case {
            method: "POST",
            pattern: "/admin/webhooks",
            request: |_, _| {
                Req::form(
                    "/admin/webhooks",
                    &[("description", "矩阵"), ("url", MATRIX_URL), ("event_types", "report.issued")],
                )
            },
            expect: admins,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/webhooks",
            request: |_, _| {
                Req::json(
                    "/api/v1/admin/webhooks",
                    json!({ "url": MATRIX_URL, "description": "矩阵", "event_types": ["report.issued"] }),
                )
            },
            expect: admins,
        },
        Case {
            method: "GET",
            pattern: "/admin/webhooks/{id}",
            request: |f, _| Req::path(format!("/admin/webhooks/{}", f.webhooks.endpoint)),
            expect: unit_admin,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/webhooks/{id}",
            request: |f, _| Req::path(format!("/api/v1/admin/webhooks/{}", f.webhooks.endpoint)),
            expect: unit_admin,
        },
        Case {
            method: "POST",
            pattern: "/admin/webhooks/{id}",
            request: |f, _| settings_form(format!("/admin/webhooks/{}", f.webhooks.endpoint)),
            expect: unit_admin,
        },
        Case {
            method: "PUT",
            pattern: "/api/v1/admin/webhooks/{id}",
            request: |f, _| Req::json(format!("/api/v1/admin/webhooks/{}", f.webhooks.endpoint), settings_json()),
            expect: unit_admin,
        },
        Case {
            method: "POST",
            pattern: "/admin/webhooks/{id}/secret",
            request: |f, _| Req::form(format!("/admin/webhooks/{}/secret", f.webhooks.endpoint), &[]),
            expect: unit_admin,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/webhooks/{id}/secret",
            request: |f, _| Req::path(format!("/api/v1/admin/webhooks/{}/secret", f.webhooks.endpoint)),
            expect: unit_admin,
        },
        Case {
            method: "POST",
            pattern: "/admin/webhooks/deliveries/{id}/replay",
            request: |f, _| Req::form(format!("/admin/webhooks/deliveries/{}/replay", f.webhooks.delivery), &[]),
            expect: unit_admin,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/webhooks/deliveries/{id}/replay",
            request: |f, _| Req::path(format!("/api/v1/admin/webhooks/deliveries/{}/replay", f.webhooks.delivery)),
            expect: unit_admin,
        },
        Case {
            method: "POST",
            pattern: "/admin/webhooks/{id}/delete",
            request: |f, c| Req::form(format!("/admin/webhooks/{}/delete", to_delete(f, c, 0)), &[]),
            expect: unit_admin,
        },
        Case {
            method: "DELETE",
            pattern: "/api/v1/admin/webhooks/{id}",
            request: |f, c| Req::path(format!("/api/v1/admin/webhooks/{}", to_delete(f, c, 1))),
            expect: unit_admin,
        },
    ]
}
