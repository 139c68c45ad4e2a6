//! The public JSON API and its OpenAPI document.
use crate::db_test;
use crate::notices_support::{cn, day, draft, projects, published, result, world};
use gongshi::notices::Level;
use serde_json::Value;

db_test!(the_notice_api_gives_the_period_status_items_and_revisions, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None), draft("A2", "智能巡检", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    let res = app.get(&format!("/api/v1/notices/{id}")).await;
    assert_eq!(res.status().as_u16(), 404, "not before it opens");
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let list: Value = app.get("/api/v1/notices").await.json().await.unwrap();
    assert_eq!(list["total"], 0);

    app.clock.set(cn(2025, 3, 12, 9, 0, 0));
    let body: Value = app.get(&format!("/api/v1/notices/{id}")).await.json().await.unwrap();
    assert_eq!(body["level"], 1);
    assert_eq!(body["unit"]["code"], "E-GDGS");
    assert_eq!(body["title"], "关于2025年度甘肃省职工技术成果申报项目的公示");
    assert_eq!(body["starts_on"], "2025-03-10");
    assert_eq!(body["ends_on"], "2025-03-14");
    assert_eq!(body["opens_at"], "2025-03-10T00:00:00+08:00");
    assert_eq!(body["closes_at"], "2025-03-15T00:00:00+08:00");
    assert_eq!(body["status"], "open");
    assert_eq!(body["report_code"], Value::Null);
    let items = body["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["position"], 1);
    assert_eq!(items[0]["name"], "覆冰监测");
    assert_eq!(items[0]["completers"][0]["contribution"], "提出总体方案");
    assert_eq!(items[0]["ip_items"][0]["reference"], "ZL202420123456.7");
    assert_eq!(body["revisions"].as_array().unwrap().len(), 1);
    let text = body.to_string();
    assert!(!text.contains("13900000001") && !text.contains("620102"), "{text}");

    app.clock.set(cn(2025, 3, 16, 9, 0, 0));
    let code = result(&app, id, Level::Applicant, &[(ids[0], "no_objection"), (ids[1], "no_objection")]).await;
    assert!(code > 0);
    let body: Value = app.get(&format!("/api/v1/notices/{id}")).await.json().await.unwrap();
    assert_eq!(body["status"], "closed");
    assert!(body["report_code"].as_str().unwrap().starts_with(&format!("R{id}-")), "{body}");
});

db_test!(the_notice_list_filters_searches_and_pages, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None), draft("A2", "智能巡检", None)]).await;
    let n1 = published(&app, &w, w.enterprise, Level::Applicant, &ids[..1], day(2025, 3, 10)).await;
    published(&app, &w, w.enterprise, Level::Applicant, &ids[1..], day(2025, 3, 10)).await;
    result(&app, n1, Level::Applicant, &[(ids[0], "no_objection")]).await;
    published(&app, &w, w.city, Level::Recommender, &ids[..1], day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 10, 9, 0, 0));
    let get = |q: &'static str| {
        let app = &app;
        async move { app.get(&format!("/api/v1/notices{q}")).await.json::<Value>().await.unwrap() }
    };
    assert_eq!(get("").await["total"], 3);
    assert_eq!(get("?level=2").await["total"], 1);
    assert_eq!(get("?unit=WW").await["items"][0]["unit"]["name"], "武威市总工会");
    assert_eq!(get("?campaign=2025&level=1").await["total"], 2);
    assert_eq!(get("?campaign=1999").await["total"], 0);
    assert_eq!(get("?status=open").await["total"], 3);
    assert_eq!(get("?status=closed").await["total"], 0);
    let page = get("?per_page=2&page=2").await;
    assert_eq!((page["total"].as_u64(), page["items"].as_array().unwrap().len()), (Some(3), 1));
    assert_eq!(get("?q=%E6%99%BA%E8%83%BD").await["total"], 1, "search by project name");
    let bad = app.get("/api/v1/notices?per_page=500&level=x").await;
    assert_eq!(bad.status().as_u16(), 422);
    let problem: Value = bad.json().await.unwrap();
    let fields: Vec<&str> =
        problem["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["level", "per_page"]);
});

db_test!(the_openapi_document_describes_the_notice_routes, |app| {
    let res = app.get("/api/openapi.json").await;
    assert_eq!(res.status().as_u16(), 200);
    let doc: Value = res.json().await.unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    assert!(doc["paths"]["/api/v1/notices"]["get"].is_object());
    assert!(doc["paths"]["/api/v1/notices/{id}"]["get"].is_object());
    assert!(doc["components"]["schemas"]["NoticeDetail"].is_object());
});
