//! The notice as a Word file, opened as Word would: a package whose text is the notice's, with
//! fonts named 宋体/黑体, the table header repeated on each page, and a QR code image that
//! decodes to the live notice.
use std::io::Read;

use crate::helpers::TestApp;
use crate::notices_support::{
    city_notice_of, cn, day, draft, now, page, projects, published, with_text_in_every_field, world,
};
use crate::reports_support::{decode_gray, docx_text, docx_xml};
use gongshi::notices::Level;
use gongshi::notices::publish::withdraw;

const DOCX_TYPE: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

/// A GET of a Word file: the file, saved under a Chinese name, with a QR code leading to the
/// notice. Returns (document.xml, its text without spaces).
async fn word(app: &TestApp, notice: i32, path: &str) -> (String, String) {
    let res = app.get(path).await;
    assert_eq!(res.status().as_u16(), 200, "{path}");
    let header = |n: &str| res.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header("content-type"), DOCX_TYPE, "{path}");
    let disposition = header("content-disposition");
    assert!(disposition.starts_with("attachment;") && disposition.contains(".docx"), "{path}: {disposition}");
    let docx = res.bytes().await.unwrap().to_vec();
    let codes = media_qr_codes(&docx);
    assert_eq!(codes.len(), 1, "{path}: one QR image, decoded: {codes:?}");
    assert!(codes[0].starts_with("http") && codes[0].ends_with(&format!("/notices/{notice}")), "{codes:?}");
    let xml = docx_xml(&docx);
    let text: String = docx_text(&xml).chars().filter(|c| !c.is_whitespace()).collect();
    (xml, text)
}

/// Every QR code in the images of the package (`word/media/`).
fn media_qr_codes(docx: &[u8]) -> Vec<String> {
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip");
    let names: Vec<String> =
        zip.file_names().filter(|n| n.starts_with("word/media/") && !n.ends_with('/')).map(str::to_owned).collect();
    let mut codes = Vec::new();
    for name in names {
        let mut png = Vec::new();
        zip.by_name(&name).expect("media").read_to_end(&mut png).expect("read");
        let mut reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().expect("a png");
        let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
        let info = reader.next_frame(&mut buf).expect("a frame");
        let (w, h) = (info.width as usize, info.height as usize);
        assert_eq!(info.color_type, png::ColorType::Grayscale, "{name}");
        codes.extend(decode_gray(w, h, |x, y| buf[y * w + x]));
    }
    codes
}

crate::db_test!(a_level_2_notice_comes_as_a_word_file_with_its_table_header_repeated, |app| {
    let w = world(&app).await;
    let id = city_notice_of(&app, &w, 12).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (xml, text) = word(&app, id, &format!("/notices/{id}.docx")).await;
    for i in 1..=12 {
        assert!(text.contains(&format!("输电线路覆冰在线监测装置研制第{i}号")), "project {i}: {text}");
    }
    for expected in [
        "推荐排序",
        "完成单位及排序",
        "武威市总工会",
        "对以下12个项目予以公示",
        "公示期：2025年3月10日",
        "异议方式",
        "异议人身份予以保护",
        "王宝龙",
        "0935-5810529",
        "wwghfbb@163.com",
        "甘肃省武威市凉州区",
        "李明、王芳、赵赟、钱伟",
        "1.国网武威供电公司",
        "扫码查看公示全文",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    // The header row repeats on every page Word lays out; fonts are named as in official documents.
    let header_rows: Vec<&str> = xml.split("<w:tblHeader />").skip(1).collect();
    assert_eq!(header_rows.len(), 1, "one repeating header row");
    assert!(header_rows[0].split("</w:tr>").next().is_some_and(|row| row.contains("推荐排序")));
    assert!(xml.contains(r#"w:eastAsia="黑体""#), "the title in 黑体");
    // The footer numbers the pages (第N页 共M页) with Word's own fields.
    let res = app.get(&format!("/notices/{id}.docx")).await;
    let docx = res.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(docx)).expect("a zip");
    let footer_name = zip.file_names().find(|n| n.starts_with("word/footer")).map(str::to_owned).expect("a footer");
    let mut footer = String::new();
    zip.by_name(&footer_name).expect("footer").read_to_string(&mut footer).expect("utf-8");
    assert!(footer.contains("PAGE") && footer.contains("NUMPAGES"), "{footer}");
    // A published revision has its own address; a revision that does not exist is not found.
    let (_, text) = word(&app, id, &format!("/notices/{id}/revisions/1.docx")).await;
    assert!(text.contains("输电线路覆冰在线监测装置研制第12号"));
    assert_eq!(app.get(&format!("/notices/{id}/revisions/9.docx")).await.status().as_u16(), 404);
    // The notice page and the HTML poster link the Word file.
    for path in [format!("/notices/{id}"), format!("/notices/{id}/poster")] {
        let (_, html) = page(&app, &path).await;
        assert!(html.contains(&format!("/notices/{id}.docx\"")), "{path}: {html}");
    }
});

crate::db_test!(a_level_1_word_file_has_each_project_s_long_texts, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None), draft("A2", "变压器油色谱在线分析", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (xml, text) = word(&app, id, &format!("/notices/{id}.docx?paper=a4l")).await;
    for expected in [
        "1.覆冰监测",
        "2.变压器油色谱在线分析",
        "前三位完成人贡献和工作量",
        "李明：提出总体方案（占项目工作量40%）",
        "关键技术与创新点",
        "拉力与倾角融合，实时计算覆冰厚度",
        "知识产权情况",
        "一种输电线路覆冰监测装置",
        "ZL202420123456.7",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    assert!(!xml.contains("<w:tblHeader />"), "level 1 has no table to repeat a header of");
    assert!(xml.contains(r#"w:orient="landscape""#), "a4l is landscape");
});

crate::db_test!(the_word_file_is_visible_exactly_when_the_notice_is, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    let status = |path: String| {
        let app = &app;
        async move { app.get(&path).await.status().as_u16() }
    };
    assert_eq!(status(format!("/notices/{id}.docx")).await, 404, "before it opens");
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    assert_eq!(status(format!("/notices/{id}.docx")).await, 200);
    withdraw(&app.db, id, "项目已并入其他申报", None, now(&app)).await.unwrap();
    let (_, text) = word(&app, id, &format!("/notices/{id}.docx")).await;
    assert!(text.contains("本公示已撤销") && text.contains("项目已并入其他申报"), "{text}");
    assert_eq!(status("/notices/999999.docx".to_owned()).await, 404);
    assert_eq!(status("/notices/x.docx".to_owned()).await, 404);
    assert_eq!(status(format!("/notices/{id}.docx?paper=letter")).await, 400);
});

/// XML and Word field syntax in every field.
const MARKUP: &str =
    r#"<w:p>]]></w:t><w:fldSimple w:instr="INCLUDETEXT"/> {PAGE} & "引号" 'x' <script>alert(1)</script>"#;

crate::db_test!(markup_in_every_field_stays_text_in_the_word_file, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![with_text_in_every_field("X1", MARKUP)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (xml, text) = word(&app, id, &format!("/notices/{id}.docx")).await;
    let literal: String = MARKUP.chars().filter(|c| !c.is_whitespace()).collect();
    for field in ["名称", "单位", "完成人", "贡献", "工作量", "关键技术", "专利", "ZL"] {
        assert!(text.contains(&format!("{field}{literal}")), "{field}: {text}");
    }
    // Nothing typed became an element of the document.
    assert!(!xml.contains("<w:fldSimple") && !xml.contains("<script"), "markup leaked into the XML");
});

crate::db_test!(a_client_has_only_so_many_documents_rendered_anew_and_files_already_made_are_free, |app| {
    use gongshi::web::security::rate_limit::DOCUMENT_RENDERS_PER_ADDRESS;
    let w = world(&app).await;
    // Nine notices in seven renderings each (three papers of PDF and of Word, the long image):
    // more distinct files than one address may have made in ten minutes.
    let mut notices = Vec::new();
    for i in 0..9 {
        let ids = projects(&app, &w, vec![draft(&format!("Q{i}"), &format!("限额测试项目第{i}号"), None)]).await;
        notices.push(published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await);
    }
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let paths: Vec<String> = notices
        .iter()
        .flat_map(|id| {
            ["a4", "a4l", "a3"]
                .iter()
                .flat_map(move |p| {
                    [format!("/notices/{id}/poster.pdf?paper={p}"), format!("/notices/{id}.docx?paper={p}")]
                })
                .chain([format!("/notices/{id}.png")])
        })
        .collect();
    let limit = usize::try_from(DOCUMENT_RENDERS_PER_ADDRESS).unwrap();
    assert!(paths.len() > limit);
    for path in &paths[..limit] {
        assert_eq!(app.get(path).await.status().as_u16(), 200, "{path}");
    }
    let res = app.get(&paths[limit]).await;
    assert_eq!(res.status().as_u16(), 429, "{}", paths[limit]);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((1..=600).contains(&retry), "{retry}");
    assert!(res.text().await.unwrap().contains("后再试"), "said in Chinese when to retry");
    // A file still kept (the cache holds the most recent ones) is served at once, limit or not.
    for path in &paths[limit - 10..limit] {
        assert_eq!(app.get(path).await.status().as_u16(), 200, "{path}");
    }
    // Ten minutes later the quota has refilled.
    app.clock.set(cn(2025, 3, 11, 9, 10, 1));
    assert_eq!(app.get(&paths[limit]).await.status().as_u16(), 200);
});
