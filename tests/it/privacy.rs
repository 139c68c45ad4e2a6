//! Objector privacy: a canary identity filed through every channel never shows up on a public
//! page, feed, API answer or in the log, and identities are erased after the retention
//! period while the case and the ledger stay whole.
use crate::db_test;
use crate::helpers::TestApp;
use crate::objections_support::*;
use chrono::Duration;
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use std::io::Write;
use std::sync::{Arc, Mutex, OnceLock};

/// Everything the application logs during the test run, as text.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Installs (once) a global log subscriber with the production filter, writing to memory.
/// Spans are written too when they close (the request log's fields live on spans), which is
/// stricter than the production output.
fn captured_log() -> Captured {
    static LOG: OnceLock<Captured> = OnceLock::new();
    LOG.get_or_init(|| {
        let log = Captured::default();
        let writer = log.clone();
        let installed = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new("info,sqlx=warn,sea_orm=warn"))
            .with_writer(move || writer.clone())
            .with_ansi(false)
            .with_span_events(tracing_subscriber::fmt::format::FmtSpan::CLOSE)
            .try_init();
        assert!(installed.is_ok(), "the privacy test owns the global log subscriber");
        log
    })
    .clone()
}

fn log_text(log: &Captured) -> String {
    String::from_utf8_lossy(&log.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)).into_owned()
}

struct Canary {
    name: String,
    phone: String,
    email: String,
    organization: String,
    contact: String,
}

impl Canary {
    fn new() -> Self {
        let n = uuid::Uuid::new_v4().as_u128();
        let digits = format!("{:08}", n % 100_000_000);
        Self {
            name: format!("雀{}", &digits[..4]),
            phone: format!("139{digits}"),
            email: format!("canary{digits}@example.cn"),
            organization: format!("金丝雀研究所{digits}"),
            contact: format!("联系人{digits}"),
        }
    }

    fn all(&self) -> [&str; 5] {
        [&self.name, &self.phone, &self.email, &self.organization, &self.contact]
    }

    fn found_in(&self, text: &str) -> Vec<String> {
        self.all().iter().filter(|c| text.contains(**c)).map(|c| (*c).to_owned()).collect()
    }
}

async fn api_post(app: &TestApp, path: &str, body: &Value) -> (u16, String) {
    let res = app.client.post(app.url(path)).header("x-forwarded-for", some_client()).json(body).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

db_test!(a_canary_identity_never_reaches_a_public_page_feed_api_answer_or_the_log, |app| {
    let log = captured_log();
    let app = TestApp::spawn_with(app.backend, |s| s.request_log = true).await;
    let s = scene(&app).await;
    let c = Canary::new();
    let mut answers: Vec<(String, String)> = Vec::new();

    // Filed on the web form, by an individual, with evidence.
    let mut fields = form_fields(s.projects[0]);
    for (k, v) in &mut fields {
        match *k {
            "name" => *v = c.name.clone(),
            "phone" => *v = c.phone.clone(),
            "email" => *v = c.email.clone(),
            _ => {}
        }
    }
    let res = file_form(&app, s.notice, &fields, vec![("证据.pdf", pdf())]).await;
    answers.push(("form receipt".into(), res.text().await.unwrap()));
    // Through the API, by an organisation; once in time, once anonymous, once late.
    let path = format!("/api/v1/notices/{}/objections", s.notice);
    let mut org = objection(s.projects[1]);
    org["objector_kind"] = "organization".into();
    org["organization"] = c.organization.clone().into();
    org["contact_person"] = c.contact.clone().into();
    org["phone"] = c.phone.clone().into();
    org["email"] = c.email.clone().into();
    let (status, body) = api_post(&app, &path, &org).await;
    assert_eq!(status, 201);
    let filed: Value = serde_json::from_str(&body).unwrap();
    answers.push(("API 201".into(), body));
    let mut anonymous = org.clone();
    anonymous["contact_person"] = "".into();
    answers.push(("API 422 anonymous".into(), api_post(&app, &path, &anonymous).await.1));
    let mut broken = org.clone();
    broken["category"] = "nonsense".into();
    answers.push(("API 422 invalid".into(), api_post(&app, &path, &broken).await.1));

    // Staff handle it and look at who objected (staff pages are not public; the log is).
    let user = app.create_user(s.unit, "handler", "chuli").await;
    let token = app.api_token(user).await;
    let id =
        objections(&app).await.iter().find(|o| o.receipt_code == filed["receipt_code"].as_str().unwrap()).unwrap().id;
    let transitions = format!("/api/v1/admin/objections/{id}/transitions");
    let staff_answer = app
        .client
        .post(app.url(&transitions))
        .bearer_auth(&token)
        .json(&json!({ "to": "accepted", "objector_note": "已受理" }))
        .send()
        .await
        .unwrap();
    assert_eq!(staff_answer.status().as_u16(), 200);
    let seen = app
        .client
        .get(app.url(&format!("/api/v1/admin/objections/{id}/identity")))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert!(seen.text().await.unwrap().contains(&c.organization), "staff handling the case do see it");

    app.clock.set(closes_at() + Duration::hours(1));
    answers.push(("API 409 late".into(), api_post(&app, &path, &org).await.1));

    // Every public surface.
    let code = filed["receipt_code"].as_str().unwrap();
    let key = filed["lookup_key"].as_str().unwrap();
    let token = filed["receipt_token"].as_str().unwrap();
    let n = s.notice;
    let pages = [
        "/".to_owned(),
        "/display".into(),
        format!("/notices/{n}"),
        format!("/notices/{n}/revisions/1"),
        format!("/notices/{n}/poster"),
        format!("/notices/{n}/objection"),
        "/units/E-GDGS".into(),
        "/campaigns/2025".into(),
        "/feeds/notices.rss".into(),
        "/feeds/notices.atom".into(),
        "/api/v1/notices".into(),
        format!("/api/v1/notices/{n}"),
        "/api/openapi.json".into(),
        "/transparency".into(),
        "/transparency.json".into(),
        "/objections/lookup".into(),
        format!("/receipts/verify?token={token}"),
    ];
    for page in pages {
        let (status, body) = app.get_text(&page).await;
        assert!(status < 500, "{page}: {status}");
        answers.push((page, body));
    }
    let (_, lookup) = app.get_text("/objections/lookup").await;
    let form = [("_csrf", crate::helpers::csrf_in(&lookup)), ("code", code.to_owned()), ("key", key.to_owned())];
    let res = app.client.post(app.url("/objections/lookup")).form(&form).send().await.unwrap();
    answers.push(("lookup result".into(), res.text().await.unwrap()));
    let res =
        app.client.post(app.url("/api/v1/receipts/verify")).json(&json!({ "token": token })).send().await.unwrap();
    answers.push(("receipt verification".into(), res.text().await.unwrap()));

    let res = app
        .client
        .get(app.url(&format!("/api/v1/objections/{code}")))
        .header("x-lookup-key", key)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    answers.push(("API lookup".into(), res.text().await.unwrap()));

    for (what, body) in &answers {
        assert!(c.found_in(body).is_empty(), "{what} shows {:?}", c.found_in(body));
    }
    // Nor does the case, the ledger or the audit log hold it: only the identity table does.
    let cases = serde_json::to_string(&objections(&app).await).unwrap();
    assert!(c.found_in(&cases).is_empty(), "the case rows hold no identity");
    let ledger = serde_json::to_string(&entity::ledger::Entity::find().all(&app.db).await.unwrap()).unwrap();
    assert!(c.found_in(&ledger).is_empty());
    let audit = serde_json::to_string(&entity::audit_log::Entity::find().all(&app.db).await.unwrap()).unwrap();
    assert!(c.found_in(&audit).is_empty());
    let text = log_text(&log);
    assert!(text.contains(&format!("/notices/{n}/objection")), "requests are being logged");
    assert!(c.found_in(&text).is_empty(), "the log shows {:?}", c.found_in(&text));
    // The lookup key travels in a header or a form body, never in an address the log records.
    assert!(text.contains(&format!("/api/v1/objections/{code}")), "the look-up was logged");
    assert!(!text.contains(key), "the log shows the lookup key");
});

db_test!(identities_are_erased_after_the_retention_period_and_the_case_stays, |app| {
    let s = scene(&app).await;
    file_api(&app, s.notice, &objection(s.projects[0])).await;
    file_api(&app, s.notice, &objection(s.projects[1])).await;
    let rows = objections(&app).await;
    let user = app.create_user(s.unit, "handler", "chuli").await;
    let token = app.api_token(user).await;
    let concluded = cn(2025, 3, 12, 10, 0, 0);
    app.clock.set(concluded);
    let path = format!("/api/v1/admin/objections/{}/transitions", rows[0].id);
    let res =
        app.client.post(app.url(&path)).bearer_auth(&token).json(&json!({ "to": "withdrawn" })).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let erase = |at| gongshi::objections::retention::erase_expired(&app.db, at);
    assert_eq!(erase(concluded + Duration::days(365) - Duration::seconds(1)).await.unwrap(), 0);
    assert_eq!(
        erase(concluded + Duration::days(365)).await.unwrap(),
        1,
        "only the concluded case, once its year is up"
    );
    let erased = entity::objector_identities::Entity::find_by_id(rows[0].id).one(&app.db).await.unwrap().unwrap();
    assert_eq!((erased.name, erased.phone, erased.email), (None, None, None));
    assert!(erased.erased_at.is_some());
    let kept = entity::objector_identities::Entity::find_by_id(rows[1].id).one(&app.db).await.unwrap().unwrap();
    let kept = gongshi::objections::identity::open(&app.state.secrets.sealer, &kept).unwrap();
    assert_eq!(kept.name.as_deref(), Some("王五"), "an open case keeps its objector reachable");
    assert_eq!(objections(&app).await.len(), 2, "the cases stay");
    assert!(gongshi::verify::verify(&app.db).await.unwrap().is_ok(), "and the ledger still verifies");
    let identity: Value = app
        .client
        .get(app.url(&format!("/api/v1/admin/objections/{}/identity", rows[0].id)))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(identity["erased"], true);
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(["objections", "erase-expired", "--database", &app.database_url])
        .env("GONGSHI_LOG", "error")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("已删除 0 件"), "the command runs by the real clock");
});
