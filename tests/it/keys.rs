//! The master key outside the database: objectors' identities and the stored keys are sealed
//! under it, so the database alone (its file, every text column) shows no identity and no key;
//! plain rows of an earlier version are sealed at start; `gongshi keys rotate` moves
//! everything to a new key; and SQLite's secure delete leaves nothing of an erased identity
//! in the file.
use crate::db_test;
use crate::helpers::{Backend, TEST_PASSWORD, TestApp, browser, csrf_in};
use crate::objections_support::*;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::Duration;
use gongshi::startup::Application;
use sea_orm::{ConnectionTrait, EntityTrait, Statement};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;

/// Unique strings for one objector: nothing else in the database can contain them.
struct Canary {
    name: String,
    phone: String,
    email: String,
}

impl Canary {
    fn new() -> Self {
        let id = uuid::Uuid::new_v4();
        let hex = id.simple().to_string();
        Self {
            name: format!("金丝雀{}", &hex[..8]),
            // Written as it is kept (phone numbers are stored as a notice prints them).
            phone: format!("139 {:04} {:04}", id.as_u128() % 10_000, (id.as_u128() / 10_000) % 10_000),
            email: format!("canary{}@example.org", &hex[8..20]),
        }
    }

    fn all(&self) -> [&str; 3] {
        [&self.name, &self.phone, &self.email]
    }

    /// Which of the canaries `bytes` contains.
    fn found_in(&self, bytes: &[u8]) -> Vec<String> {
        self.all().into_iter().filter(|c| contains(bytes, c.as_bytes())).map(str::to_owned).collect()
    }
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    !needle.is_empty() && haystack.windows(needle.len()).any(|w| w == needle)
}

/// Files through the public API; returns the case id.
async fn file_by_api(app: &TestApp, notice: i32, project: i32, c: &Canary) -> i32 {
    let mut body = objection(project);
    body["name"] = json!(c.name);
    body["phone"] = json!(c.phone);
    body["email"] = json!(c.email);
    let res = file_api(app, notice, &body).await;
    assert_eq!(res.status().as_u16(), 201, "{}", res.text().await.unwrap_or_default());
    objections(app).await.last().unwrap().id
}

/// Files through the public form; returns the case id.
async fn file_by_form(app: &TestApp, notice: i32, project: i32, c: &Canary) -> i32 {
    let mut fields = form_fields(project);
    fields.retain(|(k, _)| !matches!(*k, "name" | "phone" | "email"));
    fields.extend([("name", c.name.clone()), ("phone", c.phone.clone()), ("email", c.email.clone())]);
    let res = file_form(app, notice, &fields, vec![]).await;
    assert_eq!(res.status().as_u16(), 200, "the receipt page");
    objections(app).await.last().unwrap().id
}

/// Registered by a handler through the staff API; returns the case id.
async fn register_by_staff(app: &TestApp, token: &str, notice: i32, project: i32, c: &Canary) -> i32 {
    let body = json!({ "channel": "phone", "claimed_at": "2025-03-11 09:00", "objector_kind": "individual",
        "name": c.name, "phone": c.phone, "email": c.email, "project_id": project, "category": "merit",
        "content": "效益数据不实。" });
    let res = app
        .client
        .post(app.url(&format!("/api/v1/admin/notices/{notice}/objections")))
        .bearer_auth(token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201, "{}", res.text().await.unwrap_or_default());
    objections(app).await.last().unwrap().id
}

/// What the database holds, as bytes: on SQLite the file and its WAL after a checkpoint; on
/// PostgreSQL every row of every table of the test's schema, as text.
async fn database_bytes(app: &TestApp) -> Vec<u8> {
    match app.backend {
        Backend::Sqlite => {
            sql(app, "PRAGMA wal_checkpoint(TRUNCATE)").await;
            let path = sqlite_path(&app.database_url);
            let mut bytes = std::fs::read(path).unwrap();
            bytes.extend(std::fs::read(format!("{path}-wal")).unwrap_or_default());
            bytes
        }
        Backend::Postgres => {
            let tables = rows(
                app,
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()",
            )
            .await;
            assert!(tables.iter().any(|t| t == "objector_identities"), "the schema's tables are listed: {tables:?}");
            let mut bytes = Vec::new();
            for table in tables {
                for row in rows(app, &format!("SELECT t::text FROM \"{table}\" t")).await {
                    bytes.extend(row.into_bytes());
                }
            }
            bytes
        }
    }
}

fn sqlite_path(url: &str) -> &str {
    url.trim_start_matches("sqlite://")
}

async fn sql(app: &TestApp, statement: &str) {
    app.db.execute_unprepared(statement).await.unwrap();
}

async fn rows(app: &TestApp, query: &str) -> Vec<String> {
    let stmt = Statement::from_string(app.db.get_database_backend(), query);
    app.db.query_all_raw(stmt).await.unwrap().iter().map(|r| r.try_get_by_index::<String>(0).unwrap()).collect()
}

/// What `app_secrets` holds for `name`.
async fn stored_secret(app: &TestApp, name: &str) -> String {
    entity::app_secrets::Entity::find_by_id(name.to_owned()).one(&app.db).await.unwrap().unwrap().value
}

/// The identity page as a handler of the unit sees it on the server at `address`.
async fn identity_page(address: &str, username: &str, id: i32) -> (u16, String) {
    let client = browser();
    let login = client.get(format!("{address}/login")).send().await.unwrap().text().await.unwrap();
    let form = [("_csrf", csrf_in(&login)), ("username", username.to_owned()), ("password", TEST_PASSWORD.to_owned())];
    let res = client.post(format!("{address}/login")).form(&form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303, "signed in");
    let res = client.get(format!("{address}/admin/objections/{id}/identity")).send().await.unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

/// Starts another instance on the test's database, with a master key from `data_dir` (or
/// the given base64 key).
async fn another_instance(app: &TestApp, data_dir: &Path, master_key: Option<String>) -> anyhow::Result<Application> {
    let mut settings = gongshi::settings::Settings::new(app.database_url.clone());
    settings.bind = "127.0.0.1:0".into();
    settings.data_dir = data_dir.to_owned();
    settings.master_key = master_key;
    settings.cheap_password_hashing = true;
    settings.request_log = false;
    Application::build(settings, Arc::new(app.clock.clone())).await
}

fn serve(instance: Application) -> String {
    let address = format!("http://127.0.0.1:{}", instance.port());
    actix_web::rt::spawn(instance.run_until_stopped());
    address
}

db_test!(no_identity_or_key_is_readable_from_the_database_alone, |app| {
    let s = scene(&app).await;
    let handler = app.create_user(s.unit, "handler", "chuli").await;
    let token = app.api_token(handler).await;
    let (api, form, staff) = (Canary::new(), Canary::new(), Canary::new());
    let ids = [
        file_by_api(&app, s.notice, s.projects[0], &api).await,
        file_by_form(&app, s.notice, s.projects[1], &form).await,
        register_by_staff(&app, &token, s.notice, s.projects[0], &staff).await,
    ];

    let bytes = database_bytes(&app).await;
    assert!(bytes.len() > 1_000, "the database was read ({} bytes)", bytes.len());
    // The scene's own text is there in plain, so a canary would be seen if it were.
    assert!(contains(&bytes, "输电线路覆冰在线监测装置".as_bytes()), "plain text of the notice is found");
    for c in [&api, &form, &staff] {
        assert!(c.found_in(&bytes).is_empty(), "the database holds {:?}", c.found_in(&bytes));
    }

    // Neither the session key nor the signing seed is stored in a form that opens without the
    // master key: what app_secrets holds is not the key the server uses, in any encoding.
    let keys = &app.state.secrets;
    for (name, key) in [("session_key", keys.session_key.as_slice()), ("signing_seed", keys.signing_seed.as_slice())] {
        let stored = stored_secret(&app, name).await;
        assert!(stored.starts_with("gk1:"), "{name} is sealed: {stored}");
        assert_ne!(STANDARD.decode(&stored).ok().as_deref(), Some(key), "{name} is not its plain base64");
        assert!(!contains(&bytes, STANDARD.encode(key).as_bytes()), "{name} in base64 is nowhere in the database");
        assert!(!contains(&bytes, hex::encode(key).as_bytes()), "{name} in hex is nowhere in the database");
        assert!(!contains(&bytes, &key[..16]), "{name}'s bytes are nowhere in the database");
    }
    // A cookie made with what the database holds is not a session.
    let forged_key = STANDARD.decode(stored_secret(&app, "session_key").await.rsplit(':').next().unwrap()).ok();
    assert_ne!(forged_key.as_deref(), Some(keys.session_key.as_slice()));

    // The handling unit's handler still reads each identity as it was given.
    let staff_member = app.sign_in(s.unit, "handler", "kanren").await;
    for (id, c) in ids.iter().zip([&api, &form, &staff]) {
        let (status, page) = staff_member.get_text(&format!("/admin/objections/{id}/identity")).await;
        assert_eq!(status, 200);
        for value in c.all() {
            assert!(page.contains(value), "the page shows {value}: {page}");
        }
    }
    let shown: Value = app
        .client
        .get(app.url(&format!("/api/v1/admin/objections/{}/identity", ids[2])))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(
        (shown["name"].as_str(), shown["email"].as_str()),
        (Some(staff.name.as_str()), Some(staff.email.as_str()))
    );
});

db_test!(plain_identities_and_keys_of_an_earlier_version_are_sealed_at_start, |app| {
    let s = scene(&app).await;
    let c = Canary::new();
    let id = file_by_api(&app, s.notice, s.projects[0], &c).await;
    app.create_user(s.unit, "handler", "chuli").await;
    let (_, before) = identity_page(&app.address, "chuli", id).await;
    assert!(before.contains(&c.name));
    // The database as the version before sealing left it: plain identity, plain base64 keys.
    sql(&app, &format!(
        "UPDATE objector_identities SET name = '{}', phone = '{}', email = '{}', key_id = NULL WHERE objection_id = {id}",
        c.name, c.phone, c.email
    ))
    .await;
    let keys = &app.state.secrets;
    for (name, key) in [("session_key", keys.session_key.as_slice()), ("signing_seed", keys.signing_seed.as_slice())] {
        sql(&app, &format!("UPDATE app_secrets SET value = '{}' WHERE name = '{name}'", STANDARD.encode(key))).await;
    }
    assert_eq!(c.found_in(&database_bytes(&app).await).len(), 3, "the canaries are seen where they are plain");

    // The upgraded server starts with the same key file and seals them.
    let upgraded = another_instance(&app, &app.data_dir(), None).await.expect("the upgraded server starts");
    assert_eq!(upgraded.state().secrets.session_key, keys.session_key, "sessions survive the upgrade");
    assert_eq!(upgraded.state().secrets.signing_seed, keys.signing_seed, "receipts still verify");
    let address = serve(upgraded);
    let bytes = database_bytes(&app).await;
    assert!(c.found_in(&bytes).is_empty(), "still in plain text: {:?}", c.found_in(&bytes));
    assert!(stored_secret(&app, "session_key").await.starts_with("gk1:"));
    assert!(!contains(&bytes, STANDARD.encode(&keys.session_key).as_bytes()));
    let (status, page) = identity_page(&address, "chuli", id).await;
    assert_eq!(status, 200);
    assert!(page.contains(&c.name) && page.contains(&c.phone) && page.contains(&c.email), "{page}");
});

async fn webhook_secret(db: &sea_orm::DatabaseConnection, sealer: &gongshi::keys::Sealer, id: i32) -> String {
    let row = entity::webhook_endpoints::Entity::find_by_id(id).one(db).await.unwrap().unwrap();
    gongshi::webhooks::service::signing_secrets(sealer, &row, chrono::Utc::now()).unwrap().remove(0)
}

db_test!(a_rotated_key_opens_everything_and_the_old_key_nothing, |app| {
    let s = scene(&app).await;
    let c = Canary::new();
    let id = file_by_api(&app, s.notice, s.projects[0], &c).await;
    app.create_user(s.unit, "handler", "chuli").await;
    let hook = crate::webhooks::insert_endpoint(&app, s.unit, "https://8.8.8.8/h", "轮换", "notice.published", 0).await;
    let hook_secret = webhook_secret(&app.db, &app.state.secrets.sealer, hook).await;
    let old_key = std::fs::read_to_string(app.data_dir().join("master.key")).unwrap();
    let seed = app.state.secrets.signing_seed;
    let new_file = app.data_dir().join("master.key.new");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(["keys", "rotate", "--database", &app.database_url, "--new-key-file"])
        .arg(&new_file)
        .arg("--data-dir")
        .arg(app.data_dir())
        .env_remove("GONGSHI_MASTER_KEY")
        .env("GONGSHI_LOG", "error")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let said = String::from_utf8_lossy(&out.stdout);
    // The keys: the session key, the receipt-signing seed and the webhook's signing secret.
    assert!(said.contains("重新加密 1 件异议人身份信息、0 个待发邮件地址和 3 个密钥"), "{said}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(std::fs::metadata(&new_file).unwrap().permissions().mode() & 0o777, 0o600, "the new key is private");
    }
    assert!(c.found_in(&database_bytes(&app).await).is_empty());

    // The old key no longer opens anything: a server started on it refuses, naming the keys.
    let refused = another_instance(&app, &app.data_dir(), None).await.err().expect("the old key is refused");
    assert!(refused.to_string().contains("另一主密钥"), "{refused}");
    let row = entity::objector_identities::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    assert!(gongshi::objections::identity::open(&app.state.secrets.sealer, &row).is_err());

    // The operator swaps the key; the next start reads the identity and keeps the same keys.
    let swapped = tempfile::tempdir().unwrap();
    std::fs::rename(&new_file, swapped.path().join("master.key")).unwrap();
    let restarted = another_instance(&app, swapped.path(), None).await.expect("the new key starts");
    assert_eq!(restarted.state().secrets.signing_seed, seed, "receipts signed before still verify");
    let resealed = webhook_secret(&restarted.state().db, &restarted.state().secrets.sealer, hook).await;
    assert_eq!(resealed, hook_secret, "the webhook still signs with the secret its receiver has");
    let (status, page) = identity_page(&serve(restarted), "chuli", id).await;
    assert_eq!(status, 200);
    assert!(page.contains(&c.name) && page.contains(&c.phone) && page.contains(&c.email), "{page}");

    // GONGSHI_MASTER_KEY serves as well as the file (several instances share either).
    let new_key = std::fs::read_to_string(swapped.path().join("master.key")).unwrap();
    let empty = tempfile::tempdir().unwrap();
    let by_env = another_instance(&app, empty.path(), Some(new_key.trim().to_owned())).await.expect("starts");
    assert!(!empty.path().join("master.key").exists(), "no key file is made when the variable is set");
    let (status, page) = identity_page(&serve(by_env), "chuli", id).await;
    assert_eq!(status, 200);
    assert!(page.contains(&c.name));
    assert!(another_instance(&app, empty.path(), Some(old_key.trim().to_owned())).await.is_err());
});

db_test!(an_erased_identity_leaves_nothing_in_the_database_file, |app| {
    let s = scene(&app).await;
    let (gone, kept) = (Canary::new(), Canary::new());
    let id = file_by_api(&app, s.notice, s.projects[0], &gone).await;
    file_by_api(&app, s.notice, s.projects[1], &kept).await;
    let handler = app.create_user(s.unit, "handler", "chuli").await;
    let token = app.api_token(handler).await;
    let concluded = cn(2025, 3, 12, 10, 0, 0);
    app.clock.set(concluded);
    let res = app
        .client
        .post(app.url(&format!("/api/v1/admin/objections/{id}/transitions")))
        .bearer_auth(&token)
        .json(&json!({ "to": "withdrawn" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let row = entity::objector_identities::Entity::find_by_id(id).one(&app.db).await.unwrap().unwrap();
    let sealed: Vec<String> = [row.name, row.phone, row.email].into_iter().flatten().collect();
    assert_eq!(sealed.len(), 3);
    let before = database_bytes(&app).await;
    assert!(sealed.iter().all(|v| contains(&before, v.as_bytes())), "the sealed values are in the database");

    let erased = gongshi::objections::retention::erase_expired(&app.db, concluded + Duration::days(366)).await.unwrap();
    assert_eq!(erased, 1);
    // PostgreSQL keeps dead row versions until VACUUM (docs/ACCESS.md); this reads live rows.
    let after = database_bytes(&app).await;
    for value in &sealed {
        assert!(!contains(&after, value.as_bytes()), "the erased identity's ciphertext is still in the database");
    }
    assert!(gone.found_in(&after).is_empty() && kept.found_in(&after).is_empty());
    let kept_row = entity::objector_identities::Entity::find().all(&app.db).await.unwrap();
    assert!(kept_row.iter().any(|r| r.objection_id != id && r.phone.is_some()), "the open case keeps its objector");
});
