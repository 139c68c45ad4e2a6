//! `gongshi loadgen fill` writes what the real code reads: the ledger verifies, the public side
//! serves the generated notices, and the app files new objections after it (PostgreSQL's id
//! sequences were brought up past the bulk-inserted rows).
use crate::db_test;
use gongshi::loadgen::{LoadgenCommand, run};
use serde_json::{Value, json};

fn fill(app: &crate::helpers::TestApp, projects: usize, notices: usize, objections: usize) -> LoadgenCommand {
    LoadgenCommand::Fill {
        data_dir: app.data_dir(),
        database: None,
        size: "small".into(),
        projects: Some(projects),
        notices: Some(notices),
        objections: Some(objections),
        seed: 1,
    }
}

db_test!(a_generated_data_set_verifies_and_takes_new_objections, |app| {
    run(&app.database_url, fill(&app, 60, 12, 300)).await.expect("loadgen fill");
    let head = gongshi::verify::verify(&app.db).await.expect("database").expect("the ledger verifies");
    assert!(head.count >= 300 * 2, "ledger of {} entries", head.count);

    // The generated notices are dated around the real today.
    app.clock.set(chrono::Utc::now());
    let open: Value = app.get("/api/v1/notices?status=open&per_page=100").await.json().await.unwrap();
    let notice = open["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|n| n["unit"]["code"].as_str().is_some_and(|c| c.starts_with("LGA")))
        .expect("a generated notice is open")
        .clone();
    let home = app.get_text("/").await;
    assert_eq!(home.0, 200);
    assert!(home.1.contains(notice["unit"]["name"].as_str().unwrap()), "the home page lists it");

    let id = notice["id"].as_i64().unwrap();
    let detail: Value = app.get(&format!("/api/v1/notices/{id}")).await.json().await.unwrap();
    let res = app
        .client
        .post(format!("{}/api/v1/notices/{id}/objections", app.address))
        .json(&json!({
            "objector_kind": "individual", "name": "张明远", "phone": "13993500123",
            "project_id": detail["items"][0]["project_id"], "category": "personnel",
            "content": "完成人排序与实际贡献不符。", "declaration": true
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201, "{}", res.text().await.unwrap_or_default());
    gongshi::verify::verify(&app.db).await.expect("database").expect("still verifies after a new case");

    let again = run(&app.database_url, fill(&app, 10, 1, 1)).await;
    assert!(again.is_err(), "a second fill into the same database is refused");
});

db_test!(the_campaign_page_shows_a_phone_s_worth_of_notices_a_page, |app| {
    run(&app.database_url, fill(&app, 200, 40, 10)).await.expect("loadgen fill");
    app.clock.set(chrono::Utc::now());
    let total = app.get("/api/v1/notices?campaign=2025&per_page=1").await.json::<Value>().await.unwrap()["total"]
        .as_u64()
        .unwrap();
    assert!(total > 30, "{total} public notices");
    let cards = |body: &str| body.matches("<li class=\"card").count();
    let (status, first) = app.get_text("/campaigns/2025").await;
    assert_eq!(status, 200);
    assert_eq!(cards(&first), 30, "{first}");
    assert!(first.contains("第 1 页，共 2 页") && first.contains("href=\"?page=2\""), "{first}");
    let (_, second) = app.get_text("/campaigns/2025?page=2").await;
    assert_eq!(cards(&second) as u64, total - 30);
    assert!(second.contains("href=\"?page=1\"") && !second.contains("rel=\"next\""), "{second}");
    let (status, bad) = app.get_text("/campaigns/2025?page=99").await;
    assert_eq!((status, cards(&bad)), (200, 30), "a page out of range shows the first");
});
