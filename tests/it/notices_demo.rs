//! The demo's notices: a new user finds notices open, closed, corrected, withdrawn and one
//! scheduled (invisible until tomorrow), and the ledger they left verifies.
use crate::helpers::{TestApp, backends};
use crate::notices_support::page;

#[actix_web::test]
async fn the_demo_shows_notices_in_every_state_and_its_ledger_verifies() {
    for backend in backends() {
        let app = TestApp::spawn_with(backend, |s| s.demo = true).await;
        eprintln!("-- demo notices on {backend:?}");
        let (status, home) = page(&app, "/").await;
        assert_eq!(status, 200);
        assert!(home.contains("正在公示"), "{home}");
        assert!(home.contains("class=\"days-left\">剩余"), "open notices show the time left: {home}");
        assert!(home.contains("近期结束") && home.contains("已结束") && home.contains("已撤销"), "{home}");
        let api: serde_json::Value = app.get("/api/v1/notices?per_page=100").await.json().await.unwrap();
        let statuses: Vec<&str> =
            api["items"].as_array().unwrap().iter().map(|n| n["status"].as_str().unwrap()).collect();
        for s in ["open", "closed", "withdrawn"] {
            assert!(statuses.contains(&s), "{s} among {statuses:?}");
        }
        let listing = gongshi::notices::public_listing::listing(&app.db, &app.database_url).await.unwrap();
        let all = &listing.states;
        let now = app.clock_now();
        assert!(all.iter().any(|s| s.current(now).is_none()), "one is scheduled for tomorrow");
        assert_eq!(api["total"], all.len() - 1, "the scheduled one is not listed");
        assert!(all.iter().any(|s| s.revisions.len() == 2), "one was corrected");

        let entries = gongshi::ledger::verify_links(&app.db).await.unwrap().expect("the chain holds");
        assert!(entries.windows(2).all(|w| w[0].at <= w[1].at), "appended in time order");
        for e in entries.iter().filter(|e| e.kind.starts_with("notice.")) {
            let content = gongshi::notices::ledger::ledger_content(&app.db, &e.entity_type, e.entity_id).await.unwrap();
            assert_eq!(gongshi::ledger::content_hash(&content.unwrap()), e.content_hash);
        }
    }
}
