//! Attacks found in review, each tested as the request an attacker would send; one section per
//! attack.
use crate::access_matrix::project_draft;
use crate::db_test;
use crate::fixtures::CampaignFixture;
use crate::helpers::{Staff, TestApp, csrf_in};
use std::io::Write;

// ---------------------------------------------------------------------------------------
// Hostile workbooks

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;

fn workbook(dimension: &str, cells: &str, unique_count: &str) -> Vec<u8> {
    let sheet = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>"#
    );
    let strings = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="{unique_count}"><si><t>项目名称</t></si></sst>"#
    );
    let mut out = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, text) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
        ("xl/worksheets/sheet1.xml", sheet.as_str()),
        ("xl/sharedStrings.xml", strings.as_str()),
    ] {
        out.start_file(name, options).unwrap();
        out.write_all(text.as_bytes()).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// `uniqueCount="1000000000000"`: calamine reserves a trillion strings.
fn trillion_strings() -> Vec<u8> {
    workbook("A1", r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#, "1000000000000")
}

/// Cells at A1 and XFD1048576: calamine makes one grid of 17 billion cells.
fn sheet_apart() -> Vec<u8> {
    workbook(
        "A1:XFD1048576",
        r#"<row r="1"><c r="A1"><v>1</v></c></row><row r="1048576"><c r="XFD1048576"><v>1</v></c></row>"#,
        "1",
    )
}

struct Units {
    province: i32,
    city: i32,
    county: i32,
    campaign: i32,
}

async fn units(app: &TestApp) -> Units {
    let province = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let city = app.create_unit(Some(province), "city", "WW", "武威市总工会").await;
    let county = app.create_unit(Some(city), "county", "WW-LZ", "凉州区总工会").await;
    let campaign = CampaignFixture::new("2025").title("2025年度职工技术成果征集").insert(app).await;
    Units { province, city, county, campaign }
}

async fn post_import(app: &TestApp, token: &str, campaign: i32, bytes: Vec<u8>) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/admin/projects/import?campaign_id={campaign}")))
        .bearer_auth(token)
        .header("content-type", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .body(bytes)
        .send()
        .await
        .expect("the server answers instead of aborting")
}

async fn still_alive(app: &TestApp) {
    assert_eq!(app.get("/healthz").await.status().as_u16(), 200, "the server still answers");
}

db_test!(a_viewer_token_cannot_make_the_server_parse_an_import, |app| {
    let u = units(&app).await;
    let viewer = app.create_user(u.county, "viewer", "lz-viewer").await;
    let token = app.api_token(viewer).await;
    for bytes in [trillion_strings(), sheet_apart()] {
        assert!(bytes.len() < 4096, "the hostile file is small: {} bytes", bytes.len());
        let res = post_import(&app, &token, u.campaign, bytes).await;
        assert_eq!(res.status().as_u16(), 403);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }
    still_alive(&app).await;
});

db_test!(a_hostile_workbook_is_refused_in_chinese_and_the_server_lives_on, |app| {
    let u = units(&app).await;
    let admin = app.create_user(u.county, "admin", "lz-admin").await;
    let token = app.api_token(admin).await;
    for (bytes, expected) in [(trillion_strings(), "文字条目过多"), (sheet_apart(), "范围过大")] {
        let res = post_import(&app, &token, u.campaign, bytes).await;
        assert_eq!(res.status().as_u16(), 422);
        assert_eq!(res.headers()["content-type"], "application/problem+json");
        let problem: serde_json::Value = res.json().await.unwrap();
        assert!(problem.to_string().contains(expected), "{problem}");
        still_alive(&app).await;
    }
});

async fn upload_page(staff: &Staff, campaign: i32, bytes: Vec<u8>) -> reqwest::Response {
    let form = reqwest::multipart::Form::new()
        .text("_csrf", staff.csrf().await)
        .text("campaign_id", campaign.to_string())
        .part("file", reqwest::multipart::Part::bytes(bytes).file_name("项目.xlsx"));
    let url = staff.url("/admin/projects/import");
    staff.client.post(url).multipart(form).send().await.expect("the server answers instead of aborting")
}

db_test!(a_hostile_workbook_on_the_import_page_is_refused_and_the_server_lives_on, |app| {
    let u = units(&app).await;
    let admin = app.sign_in(u.county, "admin", "lz-admin").await;
    for (bytes, expected) in [(trillion_strings(), "文字条目过多"), (sheet_apart(), "范围过大")] {
        let res = upload_page(&admin, u.campaign, bytes).await;
        assert_eq!(res.status().as_u16(), 422);
        let page = res.text().await.unwrap();
        assert!(page.contains(expected), "{page}");
        still_alive(&app).await;
    }
    let viewer = app.sign_in(u.county, "viewer", "lz-viewer").await;
    assert_eq!(upload_page(&viewer, u.campaign, trillion_strings()).await.status().as_u16(), 403);
    still_alive(&app).await;
});

// ---------------------------------------------------------------------------------------
// Open redirects

/// Where a browser goes with this `Location`, resolved by the URL standard (which drops tabs
/// and newlines and reads `\` as `/`): it must be this server.
fn assert_stays_here(app: &TestApp, res: &reqwest::Response) {
    let location = res.headers()["location"].to_str().expect("a valid header");
    let base = url::Url::parse(&app.url("/")).unwrap();
    let target = base.join(location).expect("a URL a browser can follow");
    assert_eq!(target.origin(), base.origin(), "{location:?} leads to {target}");
    assert!(location.starts_with('/') && !location.starts_with("//"), "{location:?}");
}

/// The login form's hidden `next`, unescaped.
fn hidden_next(page: &str) -> String {
    let value = page.split("name=\"next\" value=\"").nth(1).and_then(|v| v.split('"').next()).expect("a next field");
    value.replace("&#x2F;", "/").replace("&amp;", "&")
}

const HOSTILE_NEXT: [&str; 8] = [
    "/%09/evil.example",
    "/%0a/evil.example",
    "/%0d%0a/evil.example",
    "%09//evil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "//evil.example",
    "https://evil.example/",
];

db_test!(the_display_switch_never_leaves_the_site_and_never_fails, |app| {
    for next in HOSTILE_NEXT.iter().chain(&["/%0a/x", "/%00/x", "/%E2%80%A8/x"]) {
        let res = app.get(&format!("/display?toggle=large&next={next}")).await;
        assert_eq!(res.status().as_u16(), 303, "{next}");
        assert_stays_here(&app, &res);
    }
    let res = app.get("/display?toggle=large&next=/notices/12%3Fpage%3D2").await;
    assert_eq!(res.headers()["location"], "/notices/12?page=2", "a local path is kept");
});

db_test!(signing_in_never_sends_the_browser_to_another_site, |app| {
    let u = units(&app).await;
    app.create_user(u.county, "viewer", "reader").await;
    for next in HOSTILE_NEXT {
        let browser = crate::helpers::browser();
        let page = browser.get(app.url(&format!("/login?next={next}"))).send().await.unwrap().text().await.unwrap();
        assert_eq!(hidden_next(&page), "/admin", "{next}: the form keeps only a local path");
        // The form posted with the hostile value itself.
        let raw: String = url::form_urlencoded::parse(format!("n={next}").as_bytes()).next().unwrap().1.into_owned();
        let form = [
            ("_csrf", csrf_in(&page)),
            ("username", "reader".to_owned()),
            ("password", crate::helpers::TEST_PASSWORD.to_owned()),
            ("next", raw),
        ];
        let res = browser.post(app.url("/login")).form(&form).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 303, "{next}");
        assert_stays_here(&app, &res);
        // Signed in already: the login page sends the browser straight on.
        let res = browser.get(app.url(&format!("/login?next={next}"))).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 303, "{next}");
        assert_stays_here(&app, &res);
    }
    let staff = Staff::for_existing(&app, "reader", crate::helpers::TEST_PASSWORD);
    let res = staff.client.get(staff.url("/login?next=/admin/projects%3Fcampaign%3D1")).send().await.unwrap();
    assert_eq!(hidden_next(&res.text().await.unwrap()), "/admin/projects?campaign=1", "a local next is kept");
});

// ---------------------------------------------------------------------------------------
// Formulas in the CSV export

db_test!(the_summary_csv_turns_formulas_into_text_and_the_xlsx_keeps_them_as_text, |app| {
    use crate::reports_support::{chain, recommend_all};
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let c = chain(&app, 1).await;
    recommend_all(&app, &c.tokens.city, &c.projects).await;
    let formula = r#"=HYPERLINK("http://x","y")"#;
    let project = entity::projects::Entity::find_by_id(c.projects[0]).one(&app.db).await.unwrap().unwrap();
    let mut project: entity::projects::ActiveModel = project.into();
    project.name = Set(formula.into());
    project.update(&app.db).await.unwrap();

    let city = app.sign_in(c.t.city, "admin", "ww-admin").await;
    let bytes = city.get("/admin/recommendations/summary.csv").await.bytes().await.unwrap();
    let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let records: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(records[0].get(1), Some(format!("'{formula}").as_str()), "{text}");
    for record in &records {
        for cell in record {
            assert!(!cell.starts_with(['=', '+', '-', '@', '\t', '\r']), "{cell:?} in {text}");
        }
    }

    let xlsx = city.get("/admin/recommendations/summary.xlsx").await.bytes().await.unwrap();
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let mut sheet = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("xl/worksheets/sheet1.xml").unwrap(), &mut sheet).unwrap();
    assert!(!sheet.contains("<f>") && !sheet.contains("<f "), "no formula cells: {sheet}");
    use calamine::Reader;
    let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(xlsx.to_vec())).unwrap();
    let range = book.worksheet_range("推荐汇总表").unwrap();
    assert_eq!(range.get_value((3, 1)), Some(&calamine::Data::String(formula.into())), "the XLSX holds it as text");
});

// ---------------------------------------------------------------------------------------
// Percent-encoded paths

db_test!(a_percent_encoded_api_path_does_not_accept_a_session_cookie, |app| {
    let u = units(&app).await;
    let admin = app.sign_in(u.province, "admin", "boss").await;
    let token = app.api_token(admin.user_id).await;
    let plain = app.client.get(app.url("/api/v1/admin/objections")).bearer_auth(&token).send().await.unwrap();
    assert_eq!(plain.status().as_u16(), 200, "the plain path with a token is unchanged");
    assert_eq!(admin.get("/api/v1/admin/objections").await.status().as_u16(), 401, "a cookie is no API credential");
    for path in [
        "/%61pi/v1/admin/objections",
        "/%61%70%69/v1/admin/objections",
        "/api/v1/%61dmin/objections",
        "/api/v1/admin/%6Fbjections",
        "/%41pi/v1/admin/objections",
    ] {
        let res = admin.get(path).await;
        let status = res.status().as_u16();
        let body = res.text().await.unwrap();
        assert!([401, 403, 404].contains(&status), "{path}: {status} {body}");
        assert!(!body.contains("\"objections\""), "{path}: no queue: {body}");
    }
    // The pages under an encoded path still need a session, as the plain ones do.
    let res = app.get("/%61dmin/objections").await;
    assert!([303, 404].contains(&res.status().as_u16()), "{}", res.status());
    assert_eq!(admin.get("/admin/objections").await.status().as_u16(), 200, "the plain page is unchanged");
});

// ---------------------------------------------------------------------------------------
// Completers' personal data

db_test!(only_the_holding_units_admins_see_completers_phone_and_id_number_and_it_is_logged, |app| {
    use entity::audit_log;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    let u = units(&app).await;
    let mut draft = project_draft("PD-1", "个人信息测试项目");
    draft.completers[0].phone = Some("13912345678".into());
    draft.completers[0].id_number = Some("620102199001011234".into());
    let now = app.clock_now();
    let id =
        gongshi::projects::import::store(&app.db, u.campaign, u.county, vec![draft], now).await.unwrap().project_ids[0];
    // Recommended to the city, so the city's staff see the project.
    entity::recommendations::ActiveModel {
        project_id: Set(id),
        from_unit_id: Set(u.county),
        to_unit_id: Set(u.city),
        level: Set(1),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    let views = || audit_log::Entity::find().filter(audit_log::Column::Action.eq("project.personal_data.view"));

    let get = |token: String, path: String| {
        let client = app.client.clone();
        let url = app.url(&path);
        async move {
            let res = client.get(url).bearer_auth(token).send().await.unwrap();
            assert_eq!(res.status().as_u16(), 200);
            res.json::<serde_json::Value>().await.unwrap()
        }
    };
    let path = format!("/api/v1/admin/projects/{id}");
    for (unit, role, name) in [
        (u.province, "viewer", "gs-viewer"),
        (u.province, "admin", "gs-admin"),
        (u.city, "admin", "ww-admin"),
        (u.county, "viewer", "lz-viewer"),
        (u.county, "handler", "lz-handler"),
    ] {
        let user = app.create_user(unit, role, name).await;
        let got = get(app.api_token(user).await, path.clone()).await;
        assert_eq!(got["project"]["name"], "个人信息测试项目", "{name} sees the project");
        let completer = &got["completers"][0];
        assert_eq!(completer["name"], "靶子完成人");
        assert!(completer["phone"].is_null() && completer["id_number"].is_null(), "{name}: {completer}");
        assert!(!got.to_string().contains("13912345678") && !got.to_string().contains("620102199001011234"));
        let staff = app.sign_in(unit, role, &format!("{name}-web")).await;
        let (status, page) = staff.get_text(&format!("/admin/projects/{id}")).await;
        assert_eq!(status, 200);
        assert!(!page.contains("13912345678") && !page.contains("620102199001011234"), "{name}'s page");
    }
    assert_eq!(views().count(&app.db).await.unwrap(), 0, "nothing was shown, nothing logged");

    let admin = app.create_user(u.county, "admin", "lz-admin").await;
    let token = app.api_token(admin).await;
    let got = get(token.clone(), path.clone()).await;
    assert_eq!(got["completers"][0]["phone"], "13912345678");
    assert_eq!(got["completers"][0]["id_number"], "620102199001011234");
    let logged = views().all(&app.db).await.unwrap();
    assert_eq!(logged.len(), 1);
    assert_eq!(logged[0].user_id, Some(admin));
    assert_eq!(logged[0].target_id.as_deref(), Some(id.to_string().as_str()));

    let list = get(token, "/api/v1/admin/projects".into()).await;
    assert!(!list.to_string().contains("13912345678") && !list.to_string().contains("620102199001011234"));
    assert!(list.to_string().contains("个人信息测试项目"));
    assert_eq!(views().count(&app.db).await.unwrap(), 1, "a list shows none, logs none");
});
