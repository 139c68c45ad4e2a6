//! The long image of a notice for WeChat, decoded as a phone would: a PNG 1080 px wide, as tall
//! as the notice, whose QR code leads to the live notice.
use crate::helpers::TestApp;
use crate::notices_support::{cn, day, draft, page, projects, published, result, with_text_in_every_field, world};
use crate::reports_support::decode_gray;
use gongshi::notices::Level;

/// A GET of the long image: a PNG shown inline, 1080 px wide, with a QR code to the notice.
/// Returns its height in pixels.
async fn long_image(app: &TestApp, notice: i32, path: &str) -> usize {
    let res = app.get(path).await;
    assert_eq!(res.status().as_u16(), 200, "{path}");
    let header = |n: &str| res.headers().get(n).and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert_eq!(header("content-type"), "image/png", "{path}");
    assert!(header("content-disposition").starts_with("inline;"), "{path}");
    let png = res.bytes().await.unwrap().to_vec();
    let mut reader = png::Decoder::new(std::io::Cursor::new(png)).read_info().expect("a png");
    let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
    let info = reader.next_frame(&mut buf).expect("a frame");
    let (w, h) = (info.width as usize, info.height as usize);
    assert_eq!(w, 1080, "{path}: the width WeChat shows full-screen");
    let codes = decode_gray(w, h, |x, y| buf[y * w + x]);
    assert_eq!(codes.len(), 1, "{path}: {codes:?}");
    assert!(codes[0].starts_with("http") && codes[0].ends_with(&format!("/notices/{notice}")), "{codes:?}");
    h
}

crate::db_test!(a_notice_comes_as_one_tall_image_with_its_qr_code, |app| {
    let w = world(&app).await;
    let few = projects(&app, &w, vec![draft("A1", "覆冰监测", None), draft("A2", "变压器油色谱在线分析", None)]).await;
    let drafts =
        (1..=12).map(|i| draft(&format!("P{i}"), &format!("输电线路覆冰在线监测装置研制第{i}号"), None)).collect();
    let many = projects(&app, &w, drafts).await;
    let small = published(&app, &w, w.enterprise, Level::Applicant, &few, day(2025, 3, 10)).await;
    let big = published(&app, &w, w.enterprise, Level::Applicant, &many, day(2025, 3, 10)).await;
    let clean: Vec<(i32, &str)> = many.iter().map(|p| (*p, "no_objection")).collect();
    result(&app, big, Level::Applicant, &clean).await;
    let city = published(&app, &w, w.city, Level::Recommender, &many, day(2025, 3, 10)).await;
    assert_eq!(app.get(&format!("/notices/{city}.png")).await.status().as_u16(), 404, "before it opens");
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let two = long_image(&app, small, &format!("/notices/{small}.png")).await;
    let twelve = long_image(&app, big, &format!("/notices/{big}.png")).await;
    assert!(twelve > two + 10 * 300, "ten more level-1 projects, each at least 300 px: {two} → {twelve}");
    // Level 2 prints the units and completers only: the same twelve projects take less.
    let short = long_image(&app, city, &format!("/notices/{city}.png")).await;
    assert!(short < twelve && short > two, "level 2 of twelve: {short}, level 1: {two} / {twelve}");
    long_image(&app, city, &format!("/notices/{city}/revisions/1.png")).await;
    assert_eq!(app.get(&format!("/notices/{city}/revisions/9.png")).await.status().as_u16(), 404);
    assert_eq!(app.get("/notices/x.png").await.status().as_u16(), 404);
    let (_, html) = page(&app, &format!("/notices/{city}")).await;
    assert!(html.contains(&format!("/notices/{city}.png\"")), "the notice page links its long image");
});

crate::db_test!(markup_in_every_field_does_not_change_the_image_s_layout, |app| {
    let w = world(&app).await;
    let markup = r"#set page(width: 20pt) #set text(size: 1pt) <script>alert(1)</script>";
    let ids = projects(&app, &w, vec![with_text_in_every_field("X1", markup)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    // Still 1080 px wide with a readable QR code: the page settings in the text were printed, not run.
    long_image(&app, id, &format!("/notices/{id}.png")).await;
});
