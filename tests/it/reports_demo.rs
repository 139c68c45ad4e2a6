//! The demo's history: notices open at all three levels, closed notices with and without a
//! 公示结果报告, objections in every state of the workflow and from every channel, projects
//! carried through the gate up to the province, and a ledger that verifies in time order.
use crate::helpers::{TestApp, backends};
use sea_orm::EntityTrait;
use std::collections::BTreeSet;

#[actix_web::test]
async fn the_demo_has_open_notices_at_every_level_reports_and_objections_in_every_state() {
    for backend in backends() {
        let app = TestApp::spawn_with(backend, |s| s.demo = true).await;
        eprintln!("-- demo history on {backend:?}");
        let api: serde_json::Value = app.get("/api/v1/notices?per_page=100").await.json().await.unwrap();
        let items = api["items"].as_array().unwrap();
        let open_levels: BTreeSet<u64> =
            items.iter().filter(|n| n["status"] == "open").map(|n| n["level"].as_u64().unwrap()).collect();
        assert_eq!(open_levels, BTreeSet::from([1, 2, 3]), "open notices at every level");
        let province = items.iter().find(|n| n["level"] == 3).expect("the province's notice");
        assert_eq!(province["unit"]["code"], "GS");

        let closed: Vec<&serde_json::Value> = items.iter().filter(|n| n["status"] == "closed").collect();
        let reported: Vec<&str> = closed.iter().filter_map(|n| n["report_code"].as_str()).collect();
        assert_eq!(reported.len(), 5, "three applicants, the county and the city reported: {closed:?}");
        let waiting: Vec<&&serde_json::Value> = closed.iter().filter(|n| n["report_code"].is_null()).collect();
        assert_eq!(waiting.len(), 1, "one closed notice waits for its report: {closed:?}");
        assert_eq!(waiting[0]["unit"]["code"], "E-MQSC");

        let cases = entity::objections::Entity::find().all(&app.db).await.unwrap();
        let states: BTreeSet<&str> = cases.iter().map(|c| c.status.as_str()).collect();
        let all = ["received", "accepted", "refused", "investigating", "upheld", "dismissed", "withdrawn"];
        assert_eq!(states, BTreeSet::from(all), "objections in every state");
        let reasons: BTreeSet<&str> = cases.iter().filter_map(|c| c.refusal_reason.as_deref()).collect();
        assert_eq!(reasons, BTreeSet::from(["anonymous", "late"]));
        let channels: BTreeSet<&str> = cases.iter().map(|c| c.channel.as_str()).collect();
        assert_eq!(channels, BTreeSet::from(["email", "letter", "phone", "web"]));

        // The enterprise whose objection was upheld: its report says so and the project stayed.
        let mut upheld_report = None;
        for code in &reported {
            let (status, page) = app.get_text(&format!("/reports/{code}")).await;
            assert_eq!(status, 200);
            assert!(page.contains("核验通过"), "{page}");
            if page.contains("异议成立，不予推荐") {
                upheld_report = Some(page);
            }
        }
        let upheld_report = upheld_report.expect("a report with an upheld objection");
        assert!(upheld_report.contains("老旧折弯机后挡料系统数控化改造"), "{upheld_report}");
        let pdf = app.get(&format!("/reports/{}.pdf", reported[0])).await.bytes().await.unwrap();
        assert!(pdf.starts_with(b"%PDF"));

        let recommended = entity::recommendations::Entity::find().all(&app.db).await.unwrap();
        assert!(recommended.iter().all(|r| r.report_id.is_some()), "every recommendation rests on a report");
        let (_, page) = app.get_text(&format!("/notices/{}", province["id"])).await;
        assert!(page.contains("制种玉米全程机械化去雄及配套农艺技术集成与应用"), "{page}");
        assert!(!page.contains("老旧折弯机"), "the upheld project went no further");

        let entries = gongshi::ledger::verify_links(&app.db).await.unwrap().expect("the chain holds");
        assert!(entries.windows(2).all(|w| w[0].at <= w[1].at), "appended in time order");
        assert!(gongshi::verify::verify(&app.db).await.unwrap().is_ok());
    }
}
