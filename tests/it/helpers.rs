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
    pub client: reqwest::Client,
    pub clock: ManualClock,
    pub db: DatabaseConnection,
    pub database_url: String,
    /// The running application's state (its limits and counters).
    pub state: gongshi::web::AppState,
    dir: tempfile::TempDir,
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

/// The range the tests' own requests come from, trusted as a reverse proxy.
pub fn loopback_proxy() -> ipnet::IpNet {
    "127.0.0.1/32".parse().expect("a range")
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
        // Jobs on a timer would race tests that move the clock; tests call them when they mean to.
        settings.run_jobs = false;
        // The tests play the reverse proxy from loopback: X-Forwarded-For gives each simulated
        // client its own address (rate limits key on it) and X-Forwarded-Proto marks HTTPS.
        settings.trusted_proxies = vec![loopback_proxy()];
        adjust(&mut settings);
        let clock = ManualClock::new(default_now());
        let app = Application::build(settings, Arc::new(clock.clone())).await.expect("app builds");
        let port = app.port();
        let state = app.state().clone();
        let db = state.db.clone();
        actix_web::rt::spawn(app.run_until_stopped());
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .cookie_store(true)
            .build()
            .expect("client");
        Self { backend, address: format!("http://127.0.0.1:{port}"), client, clock, db, database_url, state, dir }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// The app's private data folder (`Settings::data_dir`: evidence files live here).
    pub fn data_dir(&self) -> std::path::PathBuf {
        self.dir.path().join("data")
    }

    /// The master key the app made in its data folder, as `GONGSHI_MASTER_KEY` would carry it:
    /// another instance on the same database needs it.
    pub fn master_key(&self) -> String {
        std::fs::read_to_string(self.data_dir().join("master.key")).expect("key file").trim().to_owned()
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

/// A signed-in staff member with their own cookie jar.
pub struct Staff {
    pub user_id: i32,
    pub username: String,
    pub password: String,
    pub client: reqwest::Client,
    address: String,
}

/// A client like `TestApp::client`: keeps cookies, does not follow redirects.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).cookie_store(true).build().expect("client")
}

/// The value of the first `name="_csrf"` hidden field in a page.
pub fn csrf_in(html: &str) -> String {
    let marker = "name=\"_csrf\" value=\"";
    let start = html.find(marker).map(|i| i + marker.len()).expect("page has a _csrf field");
    html[start..].split('"').next().unwrap_or_default().to_owned()
}

pub const TEST_PASSWORD: &str = "测试-Password-2025";

impl TestApp {
    /// Adds a unit directly (for tests that need a tree before any admin page builds one).
    pub async fn create_unit(&self, parent_id: Option<i32>, kind: &str, code: &str, name: &str) -> i32 {
        use sea_orm::{ActiveModelTrait, ActiveValue::Set};
        entity::units::ActiveModel {
            parent_id: Set(parent_id),
            kind: Set(kind.into()),
            name: Set(name.into()),
            code: Set(code.into()),
            created_at: Set(self.clock_now()),
            ..Default::default()
        }
        .insert(&self.db)
        .await
        .expect("unit inserted")
        .id
    }

    /// What the in-server jobs work on, for running them by hand.
    pub fn jobs_on(&self) -> gongshi::jobs::On<'_> {
        gongshi::jobs::On { db: &self.db, postbox: &self.state.mail, database_url: &self.state.settings.database_url }
    }

    pub fn clock_now(&self) -> DateTime<Utc> {
        use gongshi::clock::Clock;
        self.clock.now()
    }

    /// Creates an account (`role`: admin, handler or viewer) with [`TEST_PASSWORD`].
    pub async fn create_user(&self, unit_id: i32, role: &str, username: &str) -> i32 {
        let new = gongshi::accounts::service::NewUser {
            unit_id,
            username: username.into(),
            display_name: format!("测试{username}"),
            role: gongshi::access::Role::parse(role).expect("known role"),
            password: TEST_PASSWORD.into(),
        };
        gongshi::accounts::service::create(&self.db, &new, true, self.clock_now()).await.expect("user created").id
    }

    /// Creates an account and signs it in through the login form, in a browser of its own.
    pub async fn sign_in(&self, unit_id: i32, role: &str, username: &str) -> Staff {
        let user_id = self.create_user(unit_id, role, username).await;
        let staff = Staff {
            user_id,
            username: username.into(),
            password: TEST_PASSWORD.into(),
            client: browser(),
            address: self.address.clone(),
        };
        let res = staff.login(TEST_PASSWORD).await;
        assert_eq!(res.status().as_u16(), 303, "login of {username} succeeds");
        staff
    }

    /// A fresh API token for a user.
    pub async fn api_token(&self, user_id: i32) -> String {
        gongshi::access::tokens::create(&self.db, user_id, "测试", self.clock_now()).await.expect("token").secret
    }
}

impl Staff {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// Posts the login form as this browser would (token from the form page first).
    pub async fn login(&self, password: &str) -> reqwest::Response {
        let page = self.client.get(self.url("/login")).send().await.expect("login page").text().await.expect("body");
        let form = [("_csrf", csrf_in(&page)), ("username", self.username.clone()), ("password", password.to_owned())];
        self.client.post(self.url("/login")).form(&form).send().await.expect("login posted")
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request sent")
    }

    pub async fn get_text(&self, path: &str) -> (u16, String) {
        let res = self.get(path).await;
        (res.status().as_u16(), res.text().await.expect("body"))
    }

    /// This session's CSRF token (read from the account page every staff member has).
    pub async fn csrf(&self) -> String {
        let (_, page) = self.get_text("/admin/account").await;
        csrf_in(&page)
    }

    /// Posts a form with this session's CSRF token added.
    pub async fn post_form(&self, path: &str, fields: &[(&str, &str)]) -> reqwest::Response {
        let token = self.csrf().await;
        let mut form: Vec<(&str, &str)> = vec![("_csrf", token.as_str())];
        form.extend_from_slice(fields);
        self.client.post(self.url(path)).form(&form).send().await.expect("form posted")
    }
}

impl Staff {
    /// A browser for an account that already exists (not yet signed in).
    pub fn for_existing(app: &TestApp, username: &str, password: &str) -> Self {
        Self {
            user_id: 0,
            username: username.into(),
            password: password.into(),
            client: browser(),
            address: app.address.clone(),
        }
    }
}

impl TestApp {
    /// Like [`TestApp::spawn`], also returning the one-time setup link the start printed.
    pub async fn spawn_with_setup_link(backend: Backend) -> (Option<String>, Self) {
        let dir = tempfile::tempdir().expect("temp dir");
        let database_url = fresh_database_url(backend, dir.path()).await;
        let mut settings = Settings::new(database_url.clone());
        settings.bind = "127.0.0.1:0".into();
        settings.data_dir = dir.path().join("data");
        settings.cheap_password_hashing = true;
        settings.request_log = false;
        settings.run_jobs = false;
        // The tests play the reverse proxy from loopback: X-Forwarded-For gives each simulated
        // client its own address (rate limits key on it) and X-Forwarded-Proto marks HTTPS.
        settings.trusted_proxies = vec![loopback_proxy()];
        let clock = ManualClock::new(default_now());
        let app = Application::build(settings, Arc::new(clock.clone())).await.expect("app builds");
        let link = app.setup_link().map(str::to_owned);
        let port = app.port();
        let state = app.state().clone();
        let db = state.db.clone();
        actix_web::rt::spawn(app.run_until_stopped());
        let test_app = Self {
            backend,
            address: format!("http://127.0.0.1:{port}"),
            client: browser(),
            clock,
            db,
            database_url,
            state,
            dir,
        };
        (link, test_app)
    }
}
