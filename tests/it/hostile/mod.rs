//! The hostile-input corpus: files and bodies made to exhaust or confuse a parser, fed to every
//! path that takes an upload or a body — the project import (API and staff page), the objection
//! form and API with evidence files, the staff registration API and JSON API bodies. Each must
//! be refused (4xx; 413 when too large) within a second, in Chinese (an HTML page, or
//! problem+json with a Chinese title), with nothing stored, the process's memory within 512 MB,
//! and the server answering the next request. The files are generated here ([`files`]), small
//! on disk even when they inflate to gigabytes; the 100 MB body is a static buffer of zeros.
mod files;

use crate::db_test;
use crate::helpers::{Staff, TestApp, csrf_in};
use crate::objections_support::{Scene, form_fields, form_page, hidden, objection, scene, some_client};
use files::Body;
use sea_orm::{EntityTrait, PaginatorTrait};
use std::time::{Duration, Instant};

/// Memory the whole test process (the server runs in it) may hold.
const MAX_RSS_KB: u64 = 512 * 1024;
/// The longest a refusal may take.
const MAX_TIME: Duration = Duration::from_secs(1);

/// The corpus tests, each run in the process of their own.
const CORPUS: [&str; 4] = [
    "hostile_import_files_are_refused_on_the_api_and_the_page",
    "hostile_evidence_files_are_refused_on_the_form_and_the_api",
    "hostile_json_bodies_are_refused_on_every_json_path",
    "a_hundred_megabyte_body_and_a_truncated_multipart_are_refused_everywhere",
];

/// The corpus tests run one at a time, so each one's memory and timings are its own.
static SERIAL: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Set in the process [`the_corpus_runs_alone_in_a_process_of_its_own`] starts.
const ALONE: &str = "GONGSHI_HOSTILE_CORPUS_ALONE";

/// The corpus measures the memory of the process the server runs in, so it runs in a test
/// process of its own, one case at a time: in the shared test process, the memory other tests
/// left behind would count against it. Outside that process the corpus tests return at once;
/// the test below runs them for real.
fn alone() -> bool {
    std::env::var_os(ALONE).is_some()
}

#[test]
fn the_corpus_runs_alone_in_a_process_of_its_own() {
    if alone() {
        return;
    }
    let exe = std::env::current_exe().expect("the test binary");
    let out = std::process::Command::new(exe)
        .args(["hostile::", "--test-threads=1", "--nocapture"])
        .env(ALONE, "1")
        .output()
        .expect("the corpus process runs");
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the hostile-input corpus failed:\n{said}");
    for name in CORPUS {
        assert!(said.contains(&format!("hostile::{name} ... ok")), "{name} did not run:\n{said}");
    }
}

/// `VmRSS` and `VmHWM` of this process, in kB.
fn memory_kb() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find(|l| l.starts_with(name))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|n| n.parse().ok())
            .unwrap_or(0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

/// What went wrong, case by case: a test reports every case that failed, not just the first.
#[derive(Default)]
struct Failures(Vec<String>);

impl Failures {
    fn check(&mut self, ok: bool, message: impl FnOnce() -> String) {
        if !ok {
            let m = message();
            eprintln!("   FAILED {m}");
            self.0.push(m);
        }
    }

    fn assert_none(&self) {
        assert!(self.0.is_empty(), "{} cases failed:\n{}", self.0.len(), self.0.join("\n"));
    }
}

/// What every refusal must look like.
async fn check_refused(
    app: &TestApp,
    f: &mut Failures,
    what: &str,
    started: Instant,
    res: reqwest::Response,
    api: bool,
) -> u16 {
    let elapsed = started.elapsed();
    let status = res.status().as_u16();
    let content_type = res.headers().get("content-type").map(|v| v.to_str().unwrap_or_default().to_owned());
    let body = res.text().await.unwrap_or_default();
    let short: String = body.chars().take(300).collect();
    f.check((400..500).contains(&status), || format!("{what}: answered {status}: {short}"));
    f.check(elapsed < MAX_TIME, || format!("{what}: took {elapsed:?}"));
    let content_type = content_type.unwrap_or_default();
    if api {
        f.check(content_type == "application/problem+json", || format!("{what}: {content_type}: {short}"));
        let problem: serde_json::Value = serde_json::from_str(&body).unwrap_or_default();
        let title = problem["title"].as_str().unwrap_or_default();
        let chinese = title.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        f.check(chinese, || format!("{what}: title {title:?}"));
    } else {
        f.check(content_type.starts_with("text/html"), || format!("{what}: {content_type}"));
        f.check(body.contains("lang=\"zh"), || format!("{what}: not a Chinese page"));
    }
    let (rss, _) = memory_kb();
    f.check(rss < MAX_RSS_KB, || format!("{what}: RSS {} MB", rss / 1024));
    let health = app.get("/healthz").await;
    f.check(health.status().as_u16() == 200, || format!("{what}: the server stopped answering"));
    eprintln!("   {what}: {status} in {elapsed:?}, RSS {} MB", rss / 1024);
    status
}

/// A refusal that must be 413.
async fn check_too_large(
    app: &TestApp,
    f: &mut Failures,
    what: &str,
    started: Instant,
    res: reqwest::Response,
    api: bool,
) {
    let status = check_refused(app, f, what, started, res, api).await;
    f.check(status == 413, || format!("{what}: {status}, not 413"));
}

struct Import {
    campaign: i32,
    token: String,
    admin: Staff,
}

async fn import_scene(app: &TestApp) -> Import {
    let province = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let city = app.create_unit(Some(province), "city", "WW", "武威市总工会").await;
    let county = app.create_unit(Some(city), "county", "WW-LZ", "凉州区总工会").await;
    let applicant = app.create_unit(Some(county), "applicant", "E-1", "国网武威供电公司").await;
    let campaign = crate::fixtures::CampaignFixture::new("2025").organizer(province).insert(app).await;
    let admin = app.sign_in(applicant, "admin", "qiye-admin").await;
    let token = app.api_token(admin.user_id).await;
    Import { campaign, token, admin }
}

async fn import_api(app: &TestApp, s: &Import, content_type: &str, body: reqwest::Body) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/admin/projects/import?campaign_id={}", s.campaign)))
        .bearer_auth(&s.token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("an answer, not a dropped connection")
}

async fn import_page(s: &Import, csrf: &str, file_name: &str, bytes: Body) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.to_owned())
        .text("campaign_id", s.campaign.to_string())
        .part("file", bytes.part().file_name(file_name.to_owned()));
    s.admin.client.post(s.admin.url("/admin/projects/import")).multipart(form).send().await.expect("an answer")
}

async fn projects(app: &TestApp) -> u64 {
    entity::projects::Entity::find().count(&app.db).await.unwrap()
}

db_test!(hostile_import_files_are_refused_on_the_api_and_the_page, |app| {
    if !alone() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let mut f = Failures::default();
    let s = import_scene(&app).await;
    let csrf = s.admin.csrf().await;
    for case in files::import_corpus() {
        let started = Instant::now();
        let res = import_api(&app, &s, case.content_type, case.body.clone().into()).await;
        check_refused(&app, &mut f, &format!("import API, {}", case.name), started, res, true).await;
        let started = Instant::now();
        let res = import_page(&s, &csrf, case.file_name, case.body.clone()).await;
        check_refused(&app, &mut f, &format!("import page, {}", case.name), started, res, false).await;
        let stored = projects(&app).await;
        f.check(stored == 0, || format!("{}: {stored} projects stored", case.name));
    }
    f.assert_none();
    // The same paths still import a good file.
    let started = Instant::now();
    let res = import_api(&app, &s, "text/csv", files::good_csv().into()).await;
    assert_eq!(res.status().as_u16(), 200, "{}", res.text().await.unwrap());
    assert!(started.elapsed() < MAX_TIME);
    assert_eq!(projects(&app).await, 1);
});

async fn evidence_form(app: &TestApp, s: &Scene, file: &files::Case) -> reqwest::Response {
    let (_, page) = form_page(app, s.notice).await;
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf_in(&page))
        .text("idempotency_key", hidden(&page, "idempotency_key"));
    post_evidence(app, s, file, form, &format!("/notices/{}/objection", s.notice)).await
}

async fn evidence_api(app: &TestApp, s: &Scene, file: &files::Case) -> reqwest::Response {
    let path = format!("/api/v1/notices/{}/objections", s.notice);
    post_evidence(app, s, file, reqwest::multipart::Form::new(), &path).await
}

/// Files an objection with `file` as its evidence: `form` holds what the path needs besides the
/// objection's fields.
async fn post_evidence(
    app: &TestApp,
    s: &Scene,
    file: &files::Case,
    mut form: reqwest::multipart::Form,
    path: &str,
) -> reqwest::Response {
    for (k, v) in form_fields(s.projects[0]) {
        form = form.text(k, v);
    }
    let part = file.body.clone().part().file_name(file.file_name.to_owned()).mime_str(file.content_type).unwrap();
    form = form.part("attachments", part);
    app.client
        .post(app.url(path))
        .header("x-forwarded-for", some_client())
        .multipart(form)
        .send()
        .await
        .expect("an answer")
}

async fn nothing_filed(app: &TestApp, f: &mut Failures, what: &str) {
    let cases = entity::objections::Entity::find().count(&app.db).await.unwrap();
    let files = entity::objection_attachments::Entity::find().count(&app.db).await.unwrap();
    let dir = app.data_dir().join("attachments");
    let stored = std::fs::read_dir(&dir).map_or(0, |d| d.filter(|e| e.as_ref().unwrap().path().is_file()).count());
    let incoming = std::fs::read_dir(dir.join("incoming")).map_or(0, Iterator::count);
    f.check((cases, files, stored, incoming) == (0, 0, 0, 0), || {
        format!("{what}: kept {cases} cases, {files} attachment rows, {stored} files, {incoming} temporary files")
    });
    // Start the next case from an empty store, so one failure does not hide the next.
    if cases > 0 {
        use sea_orm::ConnectionTrait;
        for table in ["objection_attachments", "objection_events", "objector_identities", "objections"] {
            let _ = app.db.execute_unprepared(&format!("DELETE FROM {table}")).await;
        }
    }
}

db_test!(hostile_evidence_files_are_refused_on_the_form_and_the_api, |app| {
    if !alone() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let mut f = Failures::default();
    let s = scene(&app).await;
    for case in files::evidence_corpus() {
        let started = Instant::now();
        let res = evidence_form(&app, &s, &case).await;
        let what = format!("objection form, {}", case.name);
        check_refused(&app, &mut f, &what, started, res, false).await;
        nothing_filed(&app, &mut f, &what).await;
        let started = Instant::now();
        let res = evidence_api(&app, &s, &case).await;
        let what = format!("objection API, {}", case.name);
        check_refused(&app, &mut f, &what, started, res, true).await;
        nothing_filed(&app, &mut f, &what).await;
    }
    f.assert_none();
});

/// The staff registration API, the public filing API and the project API, each with a body.
fn json_paths(s: &Scene) -> Vec<(String, bool)> {
    vec![
        (format!("/api/v1/notices/{}/objections", s.notice), false),
        (format!("/api/v1/admin/notices/{}/objections", s.notice), true),
        ("/api/v1/admin/projects".to_owned(), true),
        ("/api/v1/admin/units".to_owned(), true),
    ]
}

db_test!(hostile_json_bodies_are_refused_on_every_json_path, |app| {
    if !alone() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let mut f = Failures::default();
    let s = scene(&app).await;
    let admin = app.create_user(s.unit, "admin", "qiye-admin").await;
    let token = app.api_token(admin).await;
    let projects_before = projects(&app).await;
    for (name, body) in files::json_corpus(s.projects[0]) {
        for (path, staff) in json_paths(&s) {
            let mut req = app
                .client
                .post(app.url(&path))
                .header("content-type", "application/json")
                .header("x-forwarded-for", some_client())
                .body(body.clone());
            if staff {
                req = req.bearer_auth(&token);
            }
            let started = Instant::now();
            let res = req.send().await.expect("an answer");
            check_refused(&app, &mut f, &format!("{path}, {name}"), started, res, true).await;
        }
    }
    f.assert_none();
    assert_eq!(entity::objections::Entity::find().count(&app.db).await.unwrap(), 0, "nothing recorded");
    assert_eq!(projects(&app).await, projects_before, "nothing stored");
});

db_test!(a_hundred_megabyte_body_and_a_truncated_multipart_are_refused_everywhere, |app| {
    if !alone() {
        return;
    }
    let _serial = SERIAL.lock().await;
    let mut f = Failures::default();
    let s = scene(&app).await;
    let admin = app.sign_in(s.unit, "admin", "qiye-admin").await;
    let token = app.api_token(admin.user_id).await;
    let campaign = entity::campaigns::Entity::find().one(&app.db).await.unwrap().unwrap().id;
    let csrf = admin.csrf().await;
    let (_, page) = form_page(&app, s.notice).await;
    let public_csrf = csrf_in(&page);

    // 100 MB, declared up front, as a raw body to the API paths.
    let big = || reqwest::Body::from(files::HUNDRED_MB.as_slice());
    for (path, content_type, staff) in [
        (format!("/api/v1/admin/projects/import?campaign_id={campaign}"), "text/csv", true),
        ("/api/v1/admin/projects".to_owned(), "application/json", true),
        (format!("/api/v1/admin/notices/{}/objections", s.notice), "application/json", true),
        (format!("/api/v1/notices/{}/objections", s.notice), "application/json", false),
    ] {
        let mut req = app.client.post(app.url(&path)).header("content-type", content_type).body(big());
        if staff {
            req = req.bearer_auth(&token);
        }
        let started = Instant::now();
        let res = req.header("x-forwarded-for", some_client()).send().await.expect("an answer");
        check_too_large(&app, &mut f, &format!("100 MB to {path}"), started, res, true).await;
    }
    // 100 MB as a file in a form.
    let hundred = files::Case::file("100 MB", "大文件.pdf", "application/pdf", Body::Static(&files::HUNDRED_MB));
    let form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.clone())
        .text("campaign_id", campaign.to_string())
        .part("file", hundred.body.clone().part().file_name("大文件.csv"));
    let started_page = Instant::now();
    let res = admin.client.post(admin.url("/admin/projects/import")).multipart(form).send().await.expect("an answer");
    check_too_large(&app, &mut f, "100 MB to the import page", started_page, res, false).await;
    let started = Instant::now();
    let res = evidence_form(&app, &s, &hundred).await;
    check_too_large(&app, &mut f, "100 MB to the objection form", started, res, false).await;
    let started = Instant::now();
    let res = evidence_api(&app, &s, &hundred).await;
    check_too_large(&app, &mut f, "100 MB to the objection API", started, res, true).await;

    // A multipart body cut off before its closing boundary.
    let cut = files::truncated_multipart(&public_csrf);
    for (path, api, csrf_header) in [
        (format!("/notices/{}/objection", s.notice), false, None),
        (format!("/api/v1/notices/{}/objections", s.notice), true, None),
        ("/admin/projects/import".to_owned(), false, Some(csrf.clone())),
    ] {
        let client = if csrf_header.is_some() { &admin.client } else { &app.client };
        let mut req = client
            .post(app.url(&path))
            .header("content-type", format!("multipart/form-data; boundary={}", files::BOUNDARY))
            .header("x-forwarded-for", some_client())
            .body(cut.clone());
        if let Some(token) = csrf_header {
            req = req.header("x-csrf-token", token);
        }
        let started = Instant::now();
        let res = req.send().await.expect("an answer");
        check_refused(&app, &mut f, &format!("truncated multipart to {path}"), started, res, api).await;
    }
    nothing_filed(&app, &mut f, "oversize and truncated bodies").await;
    f.assert_none();
    // The form still files an objection afterwards.
    let ok = crate::objections_support::file_api(&app, s.notice, &objection(s.projects[0])).await;
    assert_eq!(ok.status().as_u16(), 201);
    let (_, peak) = memory_kb();
    eprintln!("   peak RSS of the test process: {} MB", peak / 1024);
    assert!(peak < MAX_RSS_KB, "peak RSS {peak} kB");
});
