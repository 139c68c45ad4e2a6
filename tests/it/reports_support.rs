//! Fixtures for the result-report tests: a four-level tree (province → city → county →
//! enterprises), the 2025 campaign, projects, notices published through the real services,
//! objections filed through the public API and handled through the staff API, and readers for
//! the generated PDF, Word and QR codes.
use crate::fixtures::CampaignFixture;
use crate::helpers::TestApp;
use crate::objections_support::some_client;
use chrono::{DateTime, NaiveDate, Utc};
use gongshi::notices::Level;
use gongshi::notices::generate::{GenerateRequest, generate};
use gongshi::notices::publish::{PublishRequest, publish};
use gongshi::projects::{CompleterDraft, Grade, ProjectDraft};
use serde_json::{Value, json};
use std::process::Command;

pub struct Tree {
    pub campaign: i32,
    pub province: i32,
    pub city: i32,
    pub county: i32,
    /// The applicant unit whose projects the tests follow.
    pub enterprise: i32,
    pub sibling: i32,
}

/// The 2025 campaign's period rules: five days, closing at midnight, ten days of handling.
pub async fn tree(app: &TestApp) -> Tree {
    let province = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let city = app.create_unit(Some(province), "city", "WW", "武威市总工会").await;
    let county = app.create_unit(Some(city), "county", "WW-LZ", "凉州区总工会").await;
    let enterprise = app.create_unit(Some(county), "applicant", "E-HYH", "甘肃农垦黄羊河集团有限责任公司").await;
    let sibling = app.create_unit(Some(county), "applicant", "E-RLGS", "武威市凉州区热力有限公司").await;
    let campaign = CampaignFixture::new("2025")
        .doc_number("甘总工办发〔2025〕8号")
        .organizer(province)
        .award_grades(r#"["special","first","second","third","merit"]"#)
        .insert(app)
        .await;
    Tree { campaign, province, city, county, enterprise, sibling }
}

/// A complete 登记表 for a project of the enterprise.
pub fn project(key: &str, name: &str, grade: Option<Grade>) -> ProjectDraft {
    let person = |name: &str, c: &str, w: &str| CompleterDraft {
        name: name.into(),
        work_unit: Some("甘肃农垦黄羊河集团有限责任公司".into()),
        job_title: Some("高级农艺师".into()),
        contribution: Some(c.into()),
        workload: Some(w.into()),
        phone: Some("13909350001".into()),
        id_number: Some("620602198001011234".into()),
    };
    ProjectDraft {
        import_key: key.into(),
        name: name.into(),
        completing_units: vec!["甘肃农垦黄羊河集团有限责任公司".into(), "武威市农业科学研究院".into()],
        completers: vec![
            person("张喆", "提出总体方案", "占项目工作量40%"),
            person("李玥", "控制算法", "占项目工作量35%"),
            person("才让卓玛", "现场试验", "占项目工作量25%"),
        ],
        key_technology: "以土壤墒情与气象数据融合决定灌溉时机，节水28%。".into(),
        ip_items: vec![],
        eligibility: 3,
        exclusions_declared: true,
        proposed_grade: grade,
        summary: None,
        over_limit_reason: None,
    }
}

/// Stores projects declared by `unit`; returns their ids in order.
pub async fn declare(app: &TestApp, t: &Tree, unit: i32, drafts: Vec<ProjectDraft>) -> Vec<i32> {
    let drafts = drafts.into_iter().map(|d| d.validate().expect("valid draft")).collect();
    gongshi::imports::store(&app.db, t.campaign, unit, drafts, app.clock_now()).await.expect("stored").project_ids
}

/// Generates and publishes a notice of `unit` at `level`, starting on `start`, at `at`.
pub async fn notice_at(
    app: &TestApp,
    t: &Tree,
    unit: i32,
    level: Level,
    ids: &[i32],
    start: NaiveDate,
    at: DateTime<Utc>,
) -> i32 {
    let req = GenerateRequest {
        campaign_id: t.campaign,
        unit_id: unit,
        level,
        project_ids: ids.to_vec(),
        starts_on: Some(start),
        created_by: None,
    };
    let g = generate(&app.db, &req, at).await.expect("generated");
    publish(&app.db, g.notice_id, &PublishRequest::default(), at).await.expect("published");
    g.notice_id
}

/// As [`notice_at`], publishing with a recorded note: a 再次公示 after a correction differs from
/// what was published before, and says why.
pub async fn renotice_at(app: &TestApp, t: &Tree, ids: &[i32], start: NaiveDate, at: DateTime<Utc>, note: &str) -> i32 {
    let req = GenerateRequest {
        campaign_id: t.campaign,
        unit_id: t.enterprise,
        level: Level::Applicant,
        project_ids: ids.to_vec(),
        starts_on: Some(start),
        created_by: None,
    };
    let g = generate(&app.db, &req, at).await.expect("generated");
    let publish_req = PublishRequest { note: Some(note.to_owned()), ..PublishRequest::default() };
    publish(&app.db, g.notice_id, &publish_req, at).await.expect("published");
    g.notice_id
}

/// An admin of `unit` with an API token.
pub async fn admin_token(app: &TestApp, unit: i32, username: &str) -> String {
    let user = app.create_user(unit, "admin", username).await;
    app.api_token(user).await
}

/// Calls the staff API with a bearer token; returns status and JSON (or Null).
pub async fn api(app: &TestApp, token: &str, method: reqwest::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let mut req = app.client.request(method, app.url(path)).bearer_auth(token);
    if let Some(b) = body {
        req = req.json(&b);
    }
    let res = req.send().await.expect("request sent");
    let status = res.status().as_u16();
    let text = res.text().await.unwrap_or_default();
    (status, serde_json::from_str(&text).unwrap_or(Value::String(text)))
}

/// Files a real-name objection to `project` through the public API; returns the case id.
pub async fn object(app: &TestApp, notice: i32, project: i32, category: &str) -> i32 {
    let body = json!({
        "objector_kind": "individual",
        "name": "异议人王五",
        "phone": "13909310000",
        "email": "",
        "project_id": project,
        "category": category,
        "content": "该项目第二完成人未实际参与研制。",
        "declaration": true,
    });
    let res = app
        .client
        .post(app.url(&format!("/api/v1/notices/{notice}/objections")))
        .header("x-forwarded-for", some_client())
        .json(&body)
        .send()
        .await
        .expect("objection sent");
    // 409: filed after the close, recorded as 逾期不予受理.
    assert!(res.status().is_success() || res.status().as_u16() == 409, "objection filed: {}", res.status());
    let rows = crate::objections_support::objections(app).await;
    rows.last().expect("a case").id
}

/// Moves a case one step through the staff API, with `note` as the concluding move's public
/// handling summary (the one the report prints) or an earlier move's note to the objector.
pub async fn move_case(app: &TestApp, token: &str, id: i32, to: &str, reason: Option<&str>, note: Option<&str>) {
    let concluding = matches!(to, "refused" | "upheld" | "dismissed" | "withdrawn");
    let body = if concluding {
        json!({ "to": to, "reason": reason, "public_summary": note })
    } else {
        json!({ "to": to, "reason": reason, "objector_note": note })
    };
    let (status, answer) =
        api(app, token, reqwest::Method::POST, &format!("/api/v1/admin/objections/{id}/transitions"), Some(body)).await;
    assert_eq!(status, 200, "{to}: {answer}");
}

/// Accepts, investigates and concludes a case (`upheld` or `dismissed`) with a public summary.
pub async fn conclude(app: &TestApp, token: &str, id: i32, to: &str, summary: &str) {
    move_case(app, token, id, "accepted", None, None).await;
    move_case(app, token, id, "investigating", None, None).await;
    move_case(app, token, id, to, None, Some(summary)).await;
}

/// Issues the report of `notice` through the staff API.
pub async fn issue(app: &TestApp, token: &str, notice: i32) -> (u16, Value) {
    api(app, token, reqwest::Method::POST, "/api/v1/admin/reports", Some(json!({ "notice_id": notice }))).await
}

/// Issues and returns the code, failing the test otherwise.
pub async fn issued(app: &TestApp, token: &str, notice: i32) -> String {
    let (status, body) = issue(app, token, notice).await;
    assert_eq!(status, 201, "{body}");
    body["code"].as_str().expect("code").to_owned()
}

/// Runs the real `gongshi` binary against the test database.
pub fn cli(app: &TestApp, args: &[&str]) -> (bool, String) {
    let mut all = args.to_vec();
    all.extend_from_slice(&["--database", app.database_url.as_str()]);
    let out =
        Command::new(env!("CARGO_BIN_EXE_gongshi")).args(&all).env("GONGSHI_LOG", "error").output().expect("runs");
    (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
}

/// Bytes of a GET.
pub async fn bytes(app: &TestApp, path: &str) -> (u16, String, Vec<u8>) {
    let res = app.get(path).await;
    let status = res.status().as_u16();
    let ct = res.headers().get("content-type").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    (status, ct, res.bytes().await.expect("body").to_vec())
}

/// The text of a PDF, glyph by glyph in drawing order, from the fonts' Unicode maps (what a
/// reader gets by selecting and copying the text).
pub fn pdf_text(pdf: &[u8]) -> String {
    crate::pdf_read::text(pdf)
}

/// Each page's size in points (width, height).
pub fn pdf_page_sizes(pdf: &[u8]) -> Vec<(f32, f32)> {
    crate::pdf_read::page_sizes(pdf)
}

/// Every QR code on every page of the PDF, decoded from the page as printed (150 dpi).
pub fn pdf_qr_codes(pdf: &[u8]) -> Vec<String> {
    crate::pdf_read::grey_pages(pdf, 150.0)
        .into_iter()
        .flat_map(|(w, h, pixels)| decode_gray(w, h, |x, y| pixels[y * w + x]))
        .collect()
}

/// Every QR code in a grey image.
pub fn decode_gray(w: usize, h: usize, pixel: impl Fn(usize, usize) -> u8) -> Vec<String> {
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, pixel);
    img.detect_grids().iter().filter_map(|g| g.decode().ok()).map(|(_, text)| text).collect()
}

/// Decodes the inline QR SVG of a page (the `qrcode` crate's path of unit squares), drawn at
/// four pixels per module.
pub fn svg_qr_codes(svg: &str) -> Vec<String> {
    let (width, dark) = gongshi::notices::poster::modules_of_svg(svg).expect("a QR svg");
    let scale = 4usize;
    let side = width as usize * scale;
    let mut pixels = vec![255u8; side * side];
    for (x, y) in dark {
        for dy in 0..scale {
            for dx in 0..scale {
                pixels[(y as usize * scale + dy) * side + x as usize * scale + dx] = 0;
            }
        }
    }
    decode_gray(side, side, |x, y| pixels[y * side + x])
}

/// `word/document.xml` of a Word file.
pub fn docx_xml(docx: &[u8]) -> String {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip");
    let mut xml = String::new();
    zip.by_name("word/document.xml").expect("document part").read_to_string(&mut xml).expect("utf-8");
    xml
}

/// The visible text of Word XML (runs joined).
pub fn docx_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(start) = rest.find("<w:t") {
        let after = &rest[start..];
        let Some(open_end) = after.find('>') else { break };
        let body = &after[open_end + 1..];
        let Some(close) = body.find("</w:t>") else { break };
        if !after[..open_end].ends_with('/') {
            let text = body[..close].replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"");
            out.push_str(&text.replace("&apos;", "'").replace("&#39;", "'").replace("&amp;", "&"));
        }
        rest = &body[close..];
    }
    out
}

/// Projects carried up the whole tree with real notices, reports and recommendations.
pub struct Chain {
    pub t: Tree,
    pub projects: Vec<i32>,
    pub tokens: ChainTokens,
}

pub struct ChainTokens {
    pub enterprise: String,
    pub county: String,
    pub city: String,
}

/// `n` projects of the enterprise noticed at level 1 (3月10日–14日), recommended to the county,
/// noticed by the county (3月17日–21日), recommended to the city and noticed by the city
/// (3月24日–28日), each notice with a clean report: the projects end up held by the city, ready
/// to go to the province. The clock ends on 3月30日.
pub async fn chain(app: &TestApp, n: usize) -> Chain {
    use crate::notices_support::{cn, day};
    let t = tree(app).await;
    let grades = [Some(Grade::First), Some(Grade::Second), Some(Grade::Third), Some(Grade::Merit), None];
    let drafts = (0..n)
        .map(|i| project(&format!("HYH-{:02}", i + 1), &format!("链条测试项目{}号", i + 1), grades[i % grades.len()]))
        .collect();
    let projects = declare(app, &t, t.enterprise, drafts).await;
    let tokens = ChainTokens {
        enterprise: admin_token(app, t.enterprise, "chain-e").await,
        county: admin_token(app, t.county, "chain-county").await,
        city: admin_token(app, t.city, "chain-city").await,
    };
    let l1 = notice_at(app, &t, t.enterprise, Level::Applicant, &projects, day(2025, 3, 10), app.clock_now()).await;
    app.clock.set(cn(2025, 3, 15, 9, 0, 0));
    issued(app, &tokens.enterprise, l1).await;
    recommend_all(app, &tokens.enterprise, &projects).await;
    app.clock.set(cn(2025, 3, 16, 9, 0, 0));
    let county_l2 =
        notice_at(app, &t, t.county, Level::Recommender, &projects, day(2025, 3, 17), app.clock_now()).await;
    app.clock.set(cn(2025, 3, 22, 9, 0, 0));
    issued(app, &tokens.county, county_l2).await;
    recommend_all(app, &tokens.county, &projects).await;
    app.clock.set(cn(2025, 3, 23, 9, 0, 0));
    let city_l2 = notice_at(app, &t, t.city, Level::Recommender, &projects, day(2025, 3, 24), app.clock_now()).await;
    app.clock.set(cn(2025, 3, 29, 9, 0, 0));
    issued(app, &tokens.city, city_l2).await;
    app.clock.set(cn(2025, 3, 30, 9, 0, 0));
    Chain { t, projects, tokens }
}

/// Recommends each project through the staff API, failing the test on a refusal.
pub async fn recommend_all(app: &TestApp, token: &str, projects: &[i32]) {
    for p in projects {
        let (status, body) = recommend(app, token, *p, None).await;
        assert_eq!(status, 201, "{body}");
    }
}

/// Recommends one project through the staff API.
pub async fn recommend(app: &TestApp, token: &str, project: i32, reason: Option<&str>) -> (u16, Value) {
    let body = json!({ "project_id": project, "over_limit_reason": reason });
    api(app, token, reqwest::Method::POST, "/api/v1/admin/recommendations", Some(body)).await
}
