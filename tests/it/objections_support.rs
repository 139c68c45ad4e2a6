//! Fixtures for the objection tests: a unit tree, a campaign, two declared projects and their
//! published level-1 notice (公示期 2025年3月10日至3月14日, closing 3月15日 00:00 China time),
//! and helpers that file objections the way a browser or an API client would.
use crate::fixtures::CampaignFixture;
use crate::helpers::{TestApp, csrf_in};
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use gongshi::notices::Level;
use gongshi::notices::generate::{GenerateRequest, generate};
use gongshi::notices::publish::{PublishRequest, publish};
use gongshi::projects::{CompleterDraft, ProjectDraft};
use serde_json::{Value, json};

/// An instant written in China time.
pub fn cn(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(y, mo, d, h, mi, s).single().expect("valid China time").with_timezone(&Utc)
}

/// The notice closes at this instant (exclusive).
pub fn closes_at() -> DateTime<Utc> {
    cn(2025, 3, 15, 0, 0, 0)
}

/// A morning during the period.
pub fn during() -> DateTime<Utc> {
    cn(2025, 3, 11, 9, 30, 5)
}

pub struct Scene {
    pub province: i32,
    pub city: i32,
    /// The enterprise that publishes the notice and handles its objections.
    pub unit: i32,
    pub notice: i32,
    pub projects: Vec<i32>,
}

fn project(key: &str, name: &str) -> ProjectDraft {
    ProjectDraft {
        import_key: key.into(),
        name: name.into(),
        completing_units: vec!["国网武威供电公司".into()],
        completers: vec![CompleterDraft {
            name: "李明".into(),
            contribution: Some("提出总体方案".into()),
            workload: Some("占项目工作量60%".into()),
            phone: Some("13900000001".into()),
            ..Default::default()
        }],
        key_technology: "拉力与倾角融合，实时计算覆冰厚度".into(),
        ip_items: vec![],
        eligibility: 2,
        exclusions_declared: true,
        proposed_grade: None,
        summary: None,
        over_limit_reason: None,
    }
}

/// Builds the scene at the test clock's default instant (the day before the period) and
/// leaves the clock during the period.
pub async fn scene(app: &TestApp) -> Scene {
    let province = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let city = app.create_unit(Some(province), "city", "WW", "武威市总工会").await;
    let unit = app.create_unit(Some(city), "applicant", "E-GDGS", "国网武威供电公司").await;
    let now = app.clock_now();
    let campaign = CampaignFixture::new("2025").organizer(province).insert(app).await;
    let drafts = vec![project("P1", "输电线路覆冰在线监测装置"), project("P2", "变电站智能巡检机器人")];
    let drafts = drafts.into_iter().map(|d| d.validate().expect("valid")).collect();
    let projects = gongshi::imports::store(&app.db, campaign, unit, drafts, now).await.expect("projects").project_ids;
    let req = GenerateRequest {
        campaign_id: campaign,
        unit_id: unit,
        level: Level::Applicant,
        project_ids: projects.clone(),
        starts_on: Some(NaiveDate::from_ymd_opt(2025, 3, 10).expect("day")),
        created_by: None,
    };
    let notice = generate(&app.db, &req, now).await.expect("generated").notice_id;
    publish(&app.db, notice, &PublishRequest::default(), now).await.expect("published");
    app.clock.set(during());
    Scene { province, city, unit, notice, projects }
}

/// A complete, real-name objection as JSON.
pub fn objection(project_id: i32) -> Value {
    json!({
        "objector_kind": "individual",
        "name": "王五",
        "phone": "13909310000",
        "email": "",
        "project_id": project_id,
        "category": "personnel",
        "content": "第二完成人未实际参与该项目的研制工作。",
        "declaration": true,
    })
}

/// A different client address for each call, so the per-client rate limit stays out of tests
/// that are not about it (the test app trusts its loopback peer as the proxy, see `helpers::loopback_proxy`).
pub fn some_client() -> String {
    let [a, b, c, ..] = uuid::Uuid::new_v4().as_u128().to_le_bytes();
    format!("10.{c}.{b}.{a}")
}

/// POSTs JSON to the filing API from a fresh client address.
pub async fn file_api(app: &TestApp, notice: i32, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/notices/{notice}/objections")))
        .header("x-forwarded-for", some_client())
        .json(body)
        .send()
        .await
        .expect("request sent")
}

/// The objection form page as a browser gets it (status, HTML).
pub async fn form_page(app: &TestApp, notice: i32) -> (u16, String) {
    app.get_text(&format!("/notices/{notice}/objection")).await
}

/// The value of a hidden field in a page.
pub fn hidden(html: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker).map(|i| i + marker.len()).expect("page has the field");
    html[start..].split('"').next().unwrap_or_default().to_owned()
}

/// Fills the form as a browser does: the CSRF token first, then the fields, then files.
pub fn form_body(
    csrf: &str,
    idempotency_key: &str,
    fields: &[(&str, String)],
    files: Vec<(&str, Vec<u8>)>,
) -> reqwest::multipart::Form {
    let mut form = reqwest::multipart::Form::new()
        .text("_csrf", csrf.to_owned())
        .text("idempotency_key", idempotency_key.to_owned());
    for (k, v) in fields {
        form = form.text((*k).to_owned(), v.clone());
    }
    for (name, bytes) in files {
        form = form.part("attachments", reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned()));
    }
    form
}

/// The fields of [`objection`] as form text.
pub fn form_fields(project_id: i32) -> Vec<(&'static str, String)> {
    vec![
        ("objector_kind", "individual".into()),
        ("name", "王五".into()),
        ("phone", "13909310000".into()),
        ("email", String::new()),
        ("organization", String::new()),
        ("contact_person", String::new()),
        ("project_id", project_id.to_string()),
        ("category", "personnel".into()),
        ("content", "第二完成人未实际参与该项目的研制工作。".into()),
        ("declaration", "true".into()),
    ]
}

/// Opens the form and submits it with `fields` and `files`; returns the answer.
pub async fn file_form(
    app: &TestApp,
    notice: i32,
    fields: &[(&str, String)],
    files: Vec<(&str, Vec<u8>)>,
) -> reqwest::Response {
    let (_, page) = form_page(app, notice).await;
    let body = form_body(&csrf_in(&page), &hidden(&page, "idempotency_key"), fields, files);
    post_form(app, notice, body).await
}

pub async fn post_form(app: &TestApp, notice: i32, body: reqwest::multipart::Form) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/notices/{notice}/objection")))
        .header("x-forwarded-for", some_client())
        .multipart(body)
        .send()
        .await
        .expect("form posted")
}

/// A small valid PDF.
pub fn pdf() -> Vec<u8> {
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".to_vec()
}

/// A small valid PNG header (what the check looks at).
pub fn png() -> Vec<u8> {
    let mut b = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x02\0\0\0".to_vec();
    b.extend_from_slice(&[0; 16]);
    b
}

/// A zip archive holding empty stored entries with these names: `docx()` is one with the
/// parts a Word document has.
pub fn zip_with(names: &[&str]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for name in names {
        let offset = u32::try_from(out.len()).expect("small");
        let n = u16::try_from(name.len()).expect("short");
        out.extend_from_slice(b"PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
        out.extend_from_slice(&n.to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(name.as_bytes());
        central.extend_from_slice(b"PK\x01\x02\x14\0\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
        central.extend_from_slice(&n.to_le_bytes());
        central.extend_from_slice(&[0; 12]);
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name.as_bytes());
    }
    let start = u32::try_from(out.len()).expect("small");
    let size = u32::try_from(central.len()).expect("small");
    let count = u16::try_from(names.len()).expect("few");
    out.extend_from_slice(&central);
    out.extend_from_slice(b"PK\x05\x06\0\0\0\0");
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&start.to_le_bytes());
    out.extend_from_slice(&[0, 0]);
    out
}

pub fn docx() -> Vec<u8> {
    zip_with(&["[Content_Types].xml", "_rels/.rels", "word/document.xml"])
}

/// Every objection row, oldest first.
pub async fn objections(app: &TestApp) -> Vec<entity::objections::Model> {
    use sea_orm::{EntityTrait, QueryOrder};
    entity::objections::Entity::find().order_by_asc(entity::objections::Column::Id).all(&app.db).await.expect("rows")
}

/// A compound file (the Office 97–2003 layout, which WPS/ET files share) holding streams with
/// these paths; a `WordDocument` stream starts with Word's signature.
pub fn compound_with(streams: &[&str]) -> Vec<u8> {
    use std::io::Write as _;
    let mut file = cfb::CompoundFile::create(std::io::Cursor::new(Vec::new())).expect("in memory");
    for path in streams {
        if let Some((parent, _)) = path.rsplit_once('/').filter(|(p, _)| !p.is_empty()) {
            file.create_storage_all(parent).expect("storage");
        }
        let body: &[u8] = if path.ends_with("WordDocument") { &[0xEC, 0xA5, 0xC1, 0x00] } else { b"\x09\x08" };
        file.create_stream(path).expect("stream").write_all(body).expect("written");
    }
    file.flush().expect("flushed");
    file.into_inner().into_inner()
}
