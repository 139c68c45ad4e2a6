//! The notice for a unit's own website, read back as a CMS and a browser would: the fragment and
//! the bundle's page are HTML that loads nothing from elsewhere and runs nothing, carry the notice
//! and a QR code to it, and the bundle holds the poster PDF and the Word file.
use std::io::Read;

use base64::Engine;
use scraper::{Html, Selector};

use crate::helpers::TestApp;
use crate::notices_support::{cn, day, draft, page, projects, published, result, with_text_in_every_field, world};
use crate::reports_support::{decode_gray, docx_text, docx_xml, pdf_text};
use gongshi::notices::Level;

/// Every reference the HTML makes (`src`, `href`, `srcset`, `action`…): each must be a data:
/// image or a link to the notice itself. Returns the QR codes decoded from its data: images.
fn self_contained(html: &str, notice_url: &str) -> Vec<String> {
    let doc = Html::parse_document(html);
    let all = Selector::parse("*").unwrap();
    let mut codes = Vec::new();
    for el in doc.select(&all) {
        let name = el.value().name();
        assert!(!matches!(name, "script" | "iframe" | "object" | "embed" | "form" | "base"), "<{name}> in {html}");
        for (attr, value) in el.value().attrs() {
            assert!(!attr.starts_with("on"), "event handler {attr} on <{name}>");
            match attr {
                "src" => {
                    let b64 = value.strip_prefix("data:image/png;base64,").unwrap_or_else(|| panic!("src {value}"));
                    codes.extend(png_qr_codes(&base64::engine::general_purpose::STANDARD.decode(b64).unwrap()));
                }
                "href" => assert_eq!(value, notice_url, "<{name} href>"),
                "srcset" | "action" | "formaction" | "poster" | "data" | "background" => panic!("{attr}={value}"),
                "style" => assert!(!value.contains("url("), "style loads {value}"),
                _ => {}
            }
        }
    }
    codes
}

fn png_qr_codes(png: &[u8]) -> Vec<String> {
    let mut reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().expect("a png");
    let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let (w, h) = (info.width as usize, info.height as usize);
    decode_gray(w, h, |x, y| buf[y * w + x])
}

fn text_of(html: &str) -> String {
    Html::parse_document(html)
        .root_element()
        .text()
        .collect::<String>()
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

async fn fragment(app: &TestApp, path: &str) -> String {
    let res = app.get(path).await;
    assert_eq!(res.status().as_u16(), 200, "{path}");
    let header = |n: &str| res.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header("content-type"), "text/html; charset=utf-8");
    let csp = header("content-security-policy");
    assert!(csp.starts_with("default-src 'none'") && !csp.contains("script"), "{csp}");
    res.text().await.unwrap()
}

/// The bundle's files, by name.
async fn bundle(app: &TestApp, path: &str) -> Vec<(String, Vec<u8>)> {
    let res = app.get(path).await;
    assert_eq!(res.status().as_u16(), 200, "{path}");
    let header = |n: &str| res.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header("content-type"), "application/zip");
    assert!(header("content-disposition").starts_with("attachment;"));
    let bytes = res.bytes().await.unwrap().to_vec();
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("a zip");
    (0..zip.len())
        .map(|i| {
            let mut f = zip.by_index(i).unwrap();
            let mut data = Vec::new();
            f.read_to_end(&mut data).unwrap();
            (f.name().to_owned(), data)
        })
        .collect()
}

crate::db_test!(a_unit_gets_a_fragment_and_a_bundle_that_load_nothing_from_elsewhere, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None), draft("A2", "变压器油色谱在线分析", None)]).await;
    let n1 = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    result(&app, n1, Level::Applicant, &[(ids[0], "no_objection"), (ids[1], "no_objection")]).await;
    let id = published(&app, &w, w.city, Level::Recommender, &ids, day(2025, 3, 10)).await;
    assert_eq!(app.get(&format!("/notices/{id}/fragment.html")).await.status().as_u16(), 404, "before it opens");
    assert_eq!(app.get(&format!("/notices/{id}/bundle.zip")).await.status().as_u16(), 404, "before it opens");
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (_, notice_page) = page(&app, &format!("/notices/{id}")).await;
    let canonical = Html::parse_document(&notice_page)
        .select(&Selector::parse("link[rel=canonical]").unwrap())
        .next()
        .and_then(|l| l.value().attr("href").map(str::to_owned))
        .expect("the notice page's canonical address");

    let html = fragment(&app, &format!("/notices/{id}/fragment.html")).await;
    assert_eq!(self_contained(&html, &canonical), vec![canonical.clone()], "one QR code, to the notice");
    let text = text_of(&html);
    for expected in [
        "覆冰监测",
        "变压器油色谱在线分析",
        "推荐排序",
        "1.国网武威供电公司",
        "异议方式",
        "0935-5810529",
        "公示期：2025年3月10日",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }

    let files = bundle(&app, &format!("/notices/{id}/bundle.zip")).await;
    let names: Vec<&str> = files.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(names, vec!["index.html", &format!("公示张榜-{id}-A4.pdf"), &format!("公示-{id}-第1版.docx")]);
    let index = String::from_utf8(files[0].1.clone()).unwrap();
    assert!(index.contains("<style>"), "inline CSS");
    assert_eq!(self_contained(&index, &canonical), vec![canonical.clone()]);
    assert!(text_of(&index).contains("变压器油色谱在线分析"));
    assert!(pdf_text(&files[1].1).contains("变压器油色谱在线分析"), "the poster PDF");
    assert!(docx_text(&docx_xml(&files[2].1)).contains("变压器油色谱在线分析"), "the Word file");
    // Per revision too; the HTML poster links both.
    fragment(&app, &format!("/notices/{id}/revisions/1/fragment.html")).await;
    assert_eq!(bundle(&app, &format!("/notices/{id}/revisions/1/bundle.zip")).await.len(), 3);
    assert_eq!(app.get(&format!("/notices/{id}/revisions/7/bundle.zip")).await.status().as_u16(), 404);
    // The API gives every file's address, each answering with its file.
    let (status, json) = app.get_text(&format!("/api/v1/notices/{id}")).await;
    assert_eq!(status, 200);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    for (name, ty) in [
        ("poster_pdf", "application/pdf"),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("png", "image/png"),
        ("fragment", "text/html; charset=utf-8"),
        ("bundle", "application/zip"),
    ] {
        let url = json["documents"][name].as_str().unwrap_or_else(|| panic!("documents.{name}: {json}"));
        assert!(url.starts_with("http") && url.contains(&format!("/notices/{id}")), "{name}: {url}");
        let path = &url[url.find(&format!("/notices/{id}")).unwrap()..];
        let res = app.get(path).await;
        assert_eq!((res.status().as_u16(), res.headers()["content-type"].to_str().unwrap()), (200, ty), "{name}");
    }
    let (_, poster) = page(&app, &format!("/notices/{id}/poster")).await;
    assert!(
        poster.contains(&format!("/notices/{id}/bundle.zip\""))
            && poster.contains(&format!("/notices/{id}/fragment.html\""))
    );
});

/// HTML that would run, load or restyle something if it were not escaped.
const MARKUP: &str = r#"<script>alert(1)</script><img src=x onerror=alert(2)>" onclick="x<a href=//e.cn>x</a><style>"#;

crate::db_test!(markup_in_every_field_stays_text_in_the_fragment_and_the_bundle, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![with_text_in_every_field("X1", MARKUP)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let url = |html: &str| {
        Html::parse_document(html)
            .select(&Selector::parse("a[href]").unwrap())
            .next()
            .and_then(|a| a.value().attr("href").map(str::to_owned))
            .expect("the link to the notice")
    };
    let html = fragment(&app, &format!("/notices/{id}/fragment.html")).await;
    let canonical = url(&html);
    assert!(canonical.ends_with(&format!("/notices/{id}")), "{canonical}");
    self_contained(&html, &canonical);
    let literal: String = MARKUP.chars().filter(|c| !c.is_whitespace()).collect();
    let text = text_of(&html);
    for field in ["名称", "单位", "完成人", "贡献", "关键技术", "专利"] {
        assert!(text.contains(&format!("{field}{literal}")), "{field}: {text}");
    }
    let files = bundle(&app, &format!("/notices/{id}/bundle.zip")).await;
    let index = String::from_utf8(files[0].1.clone()).unwrap();
    self_contained(&index, &canonical);
    assert_eq!(index.matches("<style>").count(), 1, "only the page's own style block");
});
