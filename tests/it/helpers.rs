//! Starting the app for a test: fresh database, injected clock, a cookie-keeping client that
//! does not follow redirects.
use chrono::{DateTime, TimeZone, Utc};
use gongshi::clock::ManualClock;
use gongshi::settings::Settings;
use gongshi::startup::Application;
use sea_orm::{ConnectionTrait, DatabaseConnection};
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// SQLite always; PostgreSQL as well when `GONGSHI_TEST_POSTGRES_URL` is set.
pub fn backends() -> Vec<Backend> {
    let mut list = vec![Backend::Sqlite];
    if std::env::var("GONGSHI_TEST_POSTGRES_URL").is_ok_and(|v| !v.is_empty()) {
        list.push(Backend::Postgres);
    }
    list
}

/// Runs a test body once per configured backend, on a fresh app each time.
#[macro_export]
macro_rules! db_test {
    ($name:ident, |$app:ident| $body:block) => {
        #[actix_web::test]
        async fn $name() {
            for backend in $crate::helpers::backends() {
                let $app = $crate::helpers::TestApp::spawn(backend).await;
                eprintln!("-- {} on {:?}", stringify!($name), backend);
                $body
            }
        }
    };
}

/// 2025-03-09 10:00 in China: a Sunday, the day before the seed's example notice opens.
pub fn default_now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 9, 2, 0, 0).single().expect("valid instant")
}

pub struct TestApp {
    pub backend: Backend,
    pub address: String,
    pub port: u16,
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub db: DatabaseConnection,
    pub database_url: String,
    _dir: tempfile::TempDir,
}

/// A fresh database URL: a SQLite file in `dir`, or a new schema on the test PostgreSQL server.
pub async fn fresh_database_url(backend: Backend, dir: &std::path::Path) -> String {
    match backend {
        Backend::Sqlite => format!("sqlite://{}/test.db", dir.display()),
        Backend::Postgres => {
            let base = std::env::var("GONGSHI_TEST_POSTGRES_URL").expect("set when Postgres is chosen");
            let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
            let db = gongshi::db::connect(&base).await.expect("PostgreSQL reachable");
            db.execute_unprepared(&format!("CREATE SCHEMA \"{schema}\"")).await.expect("schema created");
            db.close().await.ok();
            format!("{base}#schema={schema}")
        }
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> Self {
        Self::spawn_with(backend, |_| {}).await
    }

    pub async fn spawn_with(backend: Backend, adjust: impl FnOnce(&mut Settings)) -> Self {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = fresh_database_url(backend, dir.path()).await;
        let mut settings = Settings::new(database_url.clone());
        settings.bind = "127.0.0.1:0".into();
        settings.data_dir = dir.path().join("data");
        settings.cheap_password_hashing = true;
        settings.request_log = false;
        adjust(&mut settings);
        let clock = ManualClock::new(default_now());
        let app = Application::build(settings, Arc::new(clock.clone())).await.expect("app builds");
        let port = app.port();
        let db = app.state().db.clone();
        actix_web::rt::spawn(app.run_until_stopped());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("client");
        Self { backend, address: format!("http://127.0.0.1:{port}"), port, client, clock, db, database_url, _dir: dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }

    /// GET and return status and body text.
    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let res = self.get(path).await;
        let status = res.status().as_u16();
        (status, res.text().await.expect("body"))
    }
}
