//! The notice poster as a typeset PDF, read back as a reader would: its text, page count and
//! paper, and the QR code on every page decoded from the page as printed.
use crate::helpers::TestApp;
use crate::notices_support::{
    city_notice_of, cn, day, draft, now, page, projects, published, result, with_text_in_every_field, world,
};
use crate::reports_support::{bytes, pdf_page_sizes, pdf_qr_codes, pdf_text};
use gongshi::notices::Level;
use gongshi::notices::publish::withdraw;
use gongshi::projects::ProjectDraft;

/// Text without the spaces and line ends typesetting puts in.
fn squeezed(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// GETs a poster PDF: it is a PDF, named in Chinese, with every page carrying 第N页 共M页 and a
/// QR code to the notice. Returns (text, page sizes).
async fn poster(app: &TestApp, notice: i32, path: &str) -> (String, Vec<(f32, f32)>) {
    let res = app.get(path).await;
    assert_eq!(res.status().as_u16(), 200, "{path}");
    let header = |n: &str| res.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header("content-type"), "application/pdf", "{path}");
    let disposition = header("content-disposition");
    let encoded = url::form_urlencoded::byte_serialize("公示张榜".as_bytes()).collect::<String>();
    assert!(disposition.contains(&format!("filename*=UTF-8''{encoded}")), "{path}: {disposition}");
    let pdf = res.bytes().await.unwrap().to_vec();
    let sizes = pdf_page_sizes(&pdf);
    let text = pdf_text(&pdf);
    let pages: Vec<String> = text.split('\u{c}').map(squeezed).collect();
    assert_eq!(pages.len(), sizes.len());
    for (i, p) in pages.iter().enumerate() {
        assert!(p.contains(&format!("第{}页共{}页", i + 1, sizes.len())), "{path} page {}: {p}", i + 1);
    }
    let codes = pdf_qr_codes(&pdf);
    assert_eq!(codes.len(), sizes.len(), "{path}: one QR code per page, decoded: {codes:?}");
    let url = format!("/notices/{notice}");
    assert!(codes.iter().all(|c| c.starts_with("http") && c.ends_with(&url)), "{path}: {codes:?}");
    (squeezed(&text), sizes)
}

fn near(a: (f32, f32), b: (f32, f32)) -> bool {
    (a.0 - b.0).abs() < 1.5 && (a.1 - b.1).abs() < 1.5
}

const A4: (f32, f32) = (595.3, 841.9);

crate::db_test!(a_level_2_notice_of_ten_projects_fits_one_a4_page, |app| {
    let w = world(&app).await;
    let id = city_notice_of(&app, &w, 10).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (text, sizes) = poster(&app, id, &format!("/notices/{id}/poster.pdf")).await;
    assert_eq!(sizes.len(), 1, "one page: {sizes:?}");
    assert!(near(sizes[0], A4), "{sizes:?}");
    for i in 1..=10 {
        assert!(text.contains(&format!("输电线路覆冰在线监测装置研制第{i}号")), "project {i}: {text}");
    }
    for expected in [
        "推荐排序",
        "武威市总工会",
        "公示期：2025年3月10日",
        "异议方式",
        "王宝龙",
        "0935-5810529",
        "wwghfbb@163.com",
        "甘肃省武威市凉州区",
        "李明、王芳、赵赟、钱伟",
        "1.国网武威供电公司",
    ] {
        assert!(text.contains(expected), "{expected}: {text}");
    }
    // Landscape and A3 are what they say.
    let (_, sizes) = poster(&app, id, &format!("/notices/{id}/poster.pdf?paper=a4l")).await;
    assert!(sizes.iter().all(|s| near(*s, (A4.1, A4.0))), "{sizes:?}");
    let (_, sizes) = poster(&app, id, &format!("/notices/{id}/poster.pdf?paper=a3")).await;
    assert!(sizes.iter().all(|s| near(*s, (841.9, 1190.6))), "{sizes:?}");
    // The revision's own address gives it too; a revision that does not exist is not found.
    let (text, _) = poster(&app, id, &format!("/notices/{id}/revisions/1/poster.pdf?paper=a4")).await;
    assert!(text.contains("输电线路覆冰在线监测装置研制第10号"));
    assert_eq!(app.get(&format!("/notices/{id}/revisions/9/poster.pdf")).await.status().as_u16(), 404);
    // The HTML poster links the PDFs.
    let (_, html) = page(&app, &format!("/notices/{id}/poster")).await;
    assert!(html.contains(&format!("/notices/{id}/poster.pdf\"")), "{html}");
    assert!(html.contains(&format!("/notices/{id}/poster.pdf?paper=a3")), "{html}");
});

crate::db_test!(a_level_1_notice_sets_each_project_as_a_block_on_at_most_a_page_each, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None), draft("A2", "变压器油色谱在线分析", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (text, sizes) = poster(&app, id, &format!("/notices/{id}/poster.pdf")).await;
    assert!(sizes.len() <= 2, "{sizes:?}");
    assert!(sizes.iter().all(|s| near(*s, A4)), "{sizes:?}");
    for expected in [
        "覆冰监测",
        "变压器油色谱在线分析",
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
});

/// The statuses of the HTML poster and of the PDF.
async fn statuses(app: &TestApp, id: i32) -> (u16, u16) {
    let html = app.get(&format!("/notices/{id}/poster")).await.status().as_u16();
    (html, app.get(&format!("/notices/{id}/poster.pdf")).await.status().as_u16())
}

crate::db_test!(the_pdf_is_visible_exactly_when_the_poster_page_is, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    assert_eq!(statuses(&app, id).await, (404, 404), "before it opens");
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    assert_eq!(statuses(&app, id).await, (200, 200));
    withdraw(&app.db, id, "项目已并入其他申报", None, now(&app)).await.unwrap();
    // A withdrawn notice stays readable, saying so and why, as the HTML poster does.
    assert_eq!(statuses(&app, id).await, (200, 200), "withdrawn");
    let (text, _) = poster(&app, id, &format!("/notices/{id}/poster.pdf")).await;
    assert!(text.contains("本公示已撤销") && text.contains("项目已并入其他申报"), "{text}");
    assert_eq!(app.get("/notices/999999/poster.pdf").await.status().as_u16(), 404);
    assert_eq!(app.get("/notices/x/poster.pdf").await.status().as_u16(), 404);
});

crate::db_test!(an_unknown_paper_is_refused_in_chinese, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    for paper in ["letter", "A4", "a5", "%00", "a4;rm"] {
        let (status, _, body) = bytes(&app, &format!("/notices/{id}/poster.pdf?paper={paper}")).await;
        assert_eq!(status, 400, "{paper}");
        assert!(String::from_utf8_lossy(&body).contains("纸张规格"), "{paper}");
    }
});

/// typst markup and HTML in every field a poster prints.
const MARKUP: &str =
    r#"#set page(paper: "a6") $x^2$ *粗* _斜_ [链] \ <lbl> @ref // 注释 /* c */ ` <script>alert(1)</script>"#;

fn hostile_project(key: &str) -> ProjectDraft {
    with_text_in_every_field(key, MARKUP)
}

crate::db_test!(markup_in_every_field_prints_as_typed, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![hostile_project("X1")]).await;
    let n1 = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    result(&app, n1, Level::Applicant, &[(ids[0], "no_objection")]).await;
    let n2 = published(&app, &w, w.city, Level::Recommender, &ids, day(2025, 3, 10)).await;
    result(&app, n2, Level::Recommender, &[(ids[0], "no_objection")]).await;
    let n3 = published(&app, &w, w.province, Level::Province, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let literal = squeezed(MARKUP);
    let (l1, sizes) = poster(&app, n1, &format!("/notices/{n1}/poster.pdf")).await;
    assert!(sizes.iter().all(|s| near(*s, A4)), "the markup did not set the page: {sizes:?}");
    for field in ["名称", "单位", "完成人", "贡献", "工作量", "关键技术", "专利", "ZL"] {
        assert!(l1.contains(&format!("{field}{literal}")), "level 1 {field}: {l1}");
    }
    let (l3, _) = poster(&app, n3, &format!("/notices/{n3}/poster.pdf?paper=a3")).await;
    for field in ["名称", "单位", "完成人"] {
        assert!(l3.contains(&format!("{field}{literal}")), "level 3 {field}: {l3}");
    }
    assert!(l3.contains("拟评等级") && l3.contains("一等奖"), "{l3}");
});
