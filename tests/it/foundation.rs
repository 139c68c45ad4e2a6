//! The foundation a user notices: health, error pages, headers, static assets.
use crate::db_test;

db_test!(health_check_answers_ok_when_the_database_answers, |app| {
    let res = app.get("/healthz").await;
    assert_eq!(res.status().as_u16(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
});

db_test!(an_unknown_page_is_a_chinese_404_page, |app| {
    let res = app.get("/no/such/page").await;
    assert_eq!(res.status().as_u16(), 404);
    assert!(res.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let body = res.text().await.unwrap();
    assert!(body.contains("页面不存在"), "{body}");
    assert!(body.contains("lang=\"zh-CN\""));
});

db_test!(an_unknown_api_path_is_problem_json_404, |app| {
    let res = app.get("/api/v1/no-such-thing").await;
    assert_eq!(res.status().as_u16(), 404);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], 404);
    assert_eq!(body["title"], "页面不存在");
});

db_test!(a_known_api_path_asked_with_another_method_is_405_with_allow, |app| {
    let url = format!("{}/api/v1/notices", app.address);
    for method in ["DELETE", "PUT", "TRACE"] {
        let res =
            app.client.request(reqwest::Method::from_bytes(method.as_bytes()).unwrap(), &url).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 405, "{method}");
        assert_eq!(res.headers()["allow"], "GET");
        assert_eq!(res.headers()["content-type"], "application/problem+json");
    }
    // A parameter in the path is matched too; an unknown path stays 404.
    let res = app.client.delete(format!("{}/api/v1/notices/12", app.address)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 405);
    let res = app.client.delete(format!("{}/api/v1/notices/12/nothing", app.address)).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 404);
});

db_test!(every_response_carries_the_security_headers, |app| {
    for path in ["/", "/healthz", "/nope", "/api/v1/nope"] {
        let res = app.get(path).await;
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
    }
});

db_test!(static_assets_are_fingerprinted_and_cached_for_a_year, |app| {
    let (_, home) = app.get_text("/").await;
    let css = home
        .split("href=\"")
        .find_map(|s| s.split('"').next().filter(|u| u.ends_with(".css")))
        .expect("css link")
        .to_owned();
    assert!(css.starts_with("/static/app."), "{css}");
    let res = app.get(&css).await;
    assert_eq!(res.status().as_u16(), 200);
    assert!(res.headers()["cache-control"].to_str().unwrap().contains("immutable"));
    assert_eq!(app.get("/static/app.00000000.css").await.status().as_u16(), 404);
});

db_test!(sqlite_runs_in_wal_mode_with_durable_commits, |app| {
    use sea_orm::{ConnectionTrait, Statement};
    if app.backend != crate::helpers::Backend::Sqlite {
        continue;
    }
    let be = app.db.get_database_backend();
    let mode = app.db.query_one_raw(Statement::from_string(be, "PRAGMA journal_mode")).await.unwrap().unwrap();
    assert_eq!(mode.try_get_by_index::<String>(0).unwrap(), "wal");
    let sync = app.db.query_one_raw(Statement::from_string(be, "PRAGMA synchronous")).await.unwrap().unwrap();
    assert_eq!(sync.try_get_by_index::<i32>(0).unwrap(), 2, "synchronous=FULL");
    let fk = app.db.query_one_raw(Statement::from_string(be, "PRAGMA foreign_keys")).await.unwrap().unwrap();
    assert_eq!(fk.try_get_by_index::<i32>(0).unwrap(), 1);
});

db_test!(the_test_clock_route_does_not_exist_unless_asked_for, |app| {
    let res = app
        .client
        .post(app.url("/api/__test__/clock"))
        .json(&serde_json::json!({"advance_seconds": 60}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 404);
});

#[actix_web::test]
async fn the_test_clock_moves_when_the_server_runs_with_it() {
    let app = crate::helpers::TestApp::spawn_with(crate::helpers::Backend::Sqlite, |s| s.test_clock = true).await;
    let res = app
        .client
        .post(app.url("/api/__test__/clock"))
        .json(&serde_json::json!({"now": "2025-03-14T15:59:59Z"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let res = app
        .client
        .post(app.url("/api/__test__/clock"))
        .json(&serde_json::json!({"advance_seconds": 1}))
        .send()
        .await
        .unwrap();
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["now"], "2025-03-14T16:00:00+00:00");
}
