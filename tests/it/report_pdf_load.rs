//! Report files under load: concurrent first requests for one report's PDF render it once and
//! all get the same bytes.
use crate::db_test;
use crate::notices_support::cn;
use crate::reports_support::issued;
use gongshi::reports::document::{Format, renderings};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

db_test!(concurrent_first_requests_for_a_pdf_render_it_once, |app| {
    let s = crate::reports::scene(&app).await;
    app.clock.set(cn(2025, 3, 15, 8, 0, 0));
    let code = issued(&app, &s.token, s.notice).await;
    let row = entity::result_reports::Entity::find()
        .filter(entity::result_reports::Column::Code.eq(&code))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let path = format!("/reports/{code}.pdf");
    let requests = (0..8).map(|_| async { app.get(&path).await.bytes().await.unwrap() });
    let all = futures_util::future::join_all(requests).await;
    assert!(all[0].starts_with(b"%PDF"));
    assert!(all.iter().all(|b| *b == all[0]), "every request gets the same file");
    assert_eq!(renderings(&code, &row.sha256, Format::Pdf), 1, "rendered once for 8 requests");
    assert_eq!(renderings(&code, &row.sha256, Format::Docx), 0);
});
