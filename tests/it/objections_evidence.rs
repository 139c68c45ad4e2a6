//! Evidence files: judged by content, limited in number and size, kept outside `public/` and
//! never served to the public.
use crate::db_test;
use crate::objections_support::*;
use entity::objection_attachments;
use sea_orm::EntityTrait;

db_test!(evidence_of_each_accepted_kind_is_stored_outside_public_with_its_hash, |app| {
    let s = scene(&app).await;
    let xlsx = zip_with(&["[Content_Types].xml", "xl/workbook.xml"]);
    let files = vec![("证据.pdf", pdf()), ("现场.png", png()), ("说明.docx", docx()), ("数据.xlsx", xlsx)];
    let res = file_form(&app, s.notice, &form_fields(s.projects[0]), files).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.text().await.unwrap().contains("4 个文件"));
    let rows = objection_attachments::Entity::find().all(&app.db).await.unwrap();
    let kinds: Vec<_> = rows.iter().map(|r| r.content_type.as_str()).collect();
    assert_eq!(kinds[..2], ["application/pdf", "image/png"]);
    assert!(kinds[2].contains("wordprocessingml") && kinds[3].contains("spreadsheetml"));
    assert_eq!(rows[0].file_name, "证据.pdf");
    assert_eq!(rows[0].sha256, gongshi::ledger::sha256_hex(&pdf()));
    let data_dir = app.data_dir();
    for r in &rows {
        let path = data_dir.join("attachments").join(&r.storage_key);
        assert!(path.is_file(), "{} stored under the data folder", path.display());
        let (status, _) = app.get_text(&format!("/static/{}", r.storage_key)).await;
        assert_eq!(status, 404, "never served publicly");
    }
    let leftovers = std::fs::read_dir(data_dir.join("attachments/incoming")).unwrap().count();
    assert_eq!(leftovers, 0, "no temporary files left behind");
});

db_test!(a_file_is_judged_by_its_content_not_its_name, |app| {
    let s = scene(&app).await;
    let exe = b"MZ\x90\0\x03\0\0\0 this program cannot be run in DOS mode".to_vec();
    let plain_zip = zip_with(&["payload.js"]);
    let res =
        file_form(&app, s.notice, &form_fields(s.projects[0]), vec![("证据.pdf", exe), ("表格.xlsx", plain_zip)]).await;
    assert_eq!(res.status().as_u16(), 422);
    let page = res.text().await.unwrap();
    assert!(page.contains("“证据.pdf”不是可接收的证据文件"), "{page}");
    assert!(page.contains("“表格.xlsx”不是"), "{page}");
    assert!(page.contains("value=\"王五\""), "the rest of the form is kept");
    assert!(objections(&app).await.is_empty());
});

db_test!(at_most_five_files_of_ten_megabytes_each_are_accepted, |app| {
    let s = scene(&app).await;
    let mut big = pdf();
    big.resize(10 * 1024 * 1024, b' ');
    big.extend_from_slice(b"%%EOF");
    let res = file_form(&app, s.notice, &form_fields(s.projects[0]), vec![("大文件.pdf", big)]).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("“大文件.pdf”超过10 MB"));
    let mut exact = pdf();
    exact.resize(10 * 1024 * 1024 - 5, b' ');
    exact.extend_from_slice(b"%%EOF");
    let six: Vec<_> = (0..6).map(|i| (["a.pdf", "b.pdf", "c.pdf", "d.pdf", "e.pdf", "f.pdf"][i], pdf())).collect();
    let res = file_form(&app, s.notice, &form_fields(s.projects[0]), six).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("最多上传5个证据文件"));
    assert!(objections(&app).await.is_empty());
    let res = file_form(&app, s.notice, &form_fields(s.projects[0]), vec![("正好10MB.pdf", exact)]).await;
    assert_eq!(res.status().as_u16(), 200, "exactly 10 MB is allowed");
});

db_test!(the_api_takes_evidence_as_multipart_on_the_same_route, |app| {
    let s = scene(&app).await;
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in form_fields(s.projects[0]) {
        form = form.text(k, v);
    }
    form = form.part("attachments", reqwest::multipart::Part::bytes(pdf()).file_name("证据.pdf"));
    let res = app
        .client
        .post(app.url(&format!("/api/v1/notices/{}/objections", s.notice)))
        .header("x-forwarded-for", some_client())
        .multipart(form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    assert_eq!(objection_attachments::Entity::find().all(&app.db).await.unwrap().len(), 1);
});

/// A PDF of exactly `size` bytes.
fn pdf_of(size: usize) -> Vec<u8> {
    let mut bytes = pdf();
    bytes.truncate(bytes.len() - b"%%EOF\n".len());
    bytes.resize(size - b"%%EOF\n".len(), b' ');
    bytes.extend_from_slice(b"%%EOF\n");
    assert_eq!(bytes.len(), size);
    bytes
}

/// Gives the notice's unit contacts, for the message that sends evidence elsewhere.
async fn give_contacts(app: &crate::helpers::TestApp, unit: i32) {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    entity::units::ActiveModel {
        id: Set(unit),
        contact_person: Set(Some("张科长".into())),
        contact_phone: Set(Some("0935-2212345".into())),
        ..Default::default()
    }
    .update(&app.db)
    .await
    .unwrap();
}

fn stored_files(app: &crate::helpers::TestApp) -> usize {
    let dir = app.data_dir().join("attachments");
    let stored = std::fs::read_dir(&dir).map_or(0, |d| d.filter(|e| e.as_ref().unwrap().path().is_file()).count());
    let incoming = std::fs::read_dir(dir.join("incoming")).map_or(0, Iterator::count);
    assert_eq!(incoming, 0, "no temporary file left behind");
    stored
}

async fn api_with_file(app: &crate::helpers::TestApp, s: &Scene, bytes: Vec<u8>) -> reqwest::Response {
    let mut form = reqwest::multipart::Form::new();
    for (k, v) in form_fields(s.projects[0]) {
        form = form.text(k, v);
    }
    form = form.part("attachments", reqwest::multipart::Part::bytes(bytes).file_name("证据.pdf"));
    app.client
        .post(app.url(&format!("/api/v1/notices/{}/objections", s.notice)))
        .header("x-forwarded-for", some_client())
        .multipart(form)
        .send()
        .await
        .unwrap()
}

/// Fills the store to one byte short of `cap` with two filings, then checks the boundary on
/// the form (one byte over refused, exactly the room accepted) and on the API once full.
async fn fill_to_the_cap(app: &crate::helpers::TestApp, cap: usize) {
    let s = scene(app).await;
    give_contacts(app, s.unit).await;
    let res = file_form(app, s.notice, &form_fields(s.projects[0]), vec![("第一份.pdf", pdf_of(2000))]).await;
    assert_eq!(res.status().as_u16(), 200);
    let room = cap - 2000;

    let res = file_form(app, s.notice, &form_fields(s.projects[0]), vec![("多一字节.pdf", pdf_of(room + 1))]).await;
    assert_eq!(res.status().as_u16(), 422, "one byte over the cap is refused");
    let page = res.text().await.unwrap();
    assert!(page.contains("证据材料存储空间已满，“多一字节.pdf”未能保存"), "{page}");
    assert!(
        page.contains("不附文件提交异议") && page.contains("国网武威供电公司（联系人：张科长，电话：0935-2212345）")
    );
    assert!(page.contains("value=\"王五\""), "what was typed is kept");
    assert_eq!(objections(app).await.len(), 1, "nothing recorded");
    assert_eq!(stored_files(app), 1, "nothing stored");

    let res = file_form(app, s.notice, &form_fields(s.projects[0]), vec![("正好.pdf", pdf_of(room))]).await;
    assert_eq!(res.status().as_u16(), 200, "a file that exactly fits is accepted");
    assert_eq!(stored_files(app), 2);

    // Full: the API says so in Chinese, and filing without the file still works.
    let res = api_with_file(app, &s, pdf_of(100)).await;
    assert_eq!(res.status().as_u16(), 422);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let problem: serde_json::Value = res.json().await.unwrap();
    assert_eq!(problem["errors"][0]["field"], "attachments", "{problem}");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("证据材料存储空间已满"), "{problem}");
    assert!(problem["errors"][0]["message"].as_str().unwrap().contains("0935-2212345"), "{problem}");
    assert_eq!(file_api(app, s.notice, &objection(s.projects[0])).await.status().as_u16(), 201);
    let res = file_form(app, s.notice, &form_fields(s.projects[0]), vec![]).await;
    assert_eq!(res.status().as_u16(), 200, "the form without files is filed");
    assert_eq!(objections(app).await.len(), 4);
    assert_eq!(stored_files(app), 2);
}

#[actix_web::test]
async fn a_notices_evidence_cap_is_exact_and_filing_goes_on_without_files_once_it_is_reached() {
    for backend in crate::helpers::backends() {
        let app = crate::helpers::TestApp::spawn_with(backend, |s| s.evidence_notice_bytes = 5000).await;
        eprintln!("-- notice cap on {backend:?}");
        fill_to_the_cap(&app, 5000).await;
    }
}

#[actix_web::test]
async fn the_global_evidence_cap_is_exact_and_filing_goes_on_without_files_once_it_is_reached() {
    for backend in crate::helpers::backends() {
        let app = crate::helpers::TestApp::spawn_with(backend, |s| s.evidence_total_bytes = 4321).await;
        eprintln!("-- global cap on {backend:?}");
        fill_to_the_cap(&app, 4321).await;
    }
}

db_test!(photos_from_phones_ofd_and_old_office_files_are_accepted_and_macros_refused, |app| {
    let s = scene(&app).await;
    let fixture =
        |name: &str| std::fs::read(format!("{}/tests/fixtures/evidence/{name}", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let ofd = zip_with(&["OFD.xml", "Doc_0/Document.xml", "Doc_0/Pages/Page_0/Content.xml"]);
    let doc = compound_with(&["/WordDocument", "/1Table"]);
    let files = vec![
        ("IMG_0001.HEIC", fixture("photo.heic")),
        ("红头文件.ofd", ofd),
        ("说明.wps", doc),
        ("数据.et", fixture("data.xls")),
    ];
    let res = file_form(&app, s.notice, &form_fields(s.projects[0]), files).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.text().await.unwrap().contains("4 个文件"));
    let rows = objection_attachments::Entity::find().all(&app.db).await.unwrap();
    let kinds: Vec<_> = rows.iter().map(|r| (r.file_name.as_str(), r.content_type.as_str())).collect();
    assert_eq!(
        kinds,
        [
            ("IMG_0001.HEIC", "image/heic"),
            ("红头文件.ofd", "application/ofd"),
            ("说明.wps", "application/msword"),
            ("数据.et", "application/vnd.ms-excel")
        ]
    );

    let with_macros = compound_with(&["/WordDocument", "/Macros/VBA/dir"]);
    let res = file_form(&app, s.notice, &form_fields(s.projects[1]), vec![("宏.doc", with_macros)]).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("含有宏"));
    assert_eq!(objections(&app).await.len(), 1, "the one with macros was not recorded");
});
