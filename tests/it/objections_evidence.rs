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
    assert!(page.contains("“证据.pdf”不是PDF、JPEG、PNG、DOCX或XLSX文件"), "{page}");
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
