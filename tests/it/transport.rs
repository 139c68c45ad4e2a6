//! What travels between browser, proxy and server: HSTS over HTTPS, a signed-out cookie that
//! stays dead wherever it was copied to, and the objection lookup key kept out of addresses.
use crate::db_test;
use crate::helpers::TestApp;

const HSTS: &str = "max-age=31536000";

db_test!(hsts_is_sent_when_the_site_is_served_over_https, |app| {
    // Plain HTTP, straight to the server: no HSTS (browsers ignore it over HTTP anyway).
    let res = app.get("/").await;
    assert!(res.headers().get("strict-transport-security").is_none());
    // Behind the local reverse proxy that terminated TLS and says so.
    let res = app.client.get(app.url("/")).header("x-forwarded-proto", "https").send().await.unwrap();
    assert_eq!(res.headers().get("strict-transport-security").map(|v| v.to_str().unwrap()), Some(HSTS));
    let res = app.client.get(app.url("/")).header("x-forwarded-proto", "http").send().await.unwrap();
    assert!(res.headers().get("strict-transport-security").is_none());

    // A server whose public address is HTTPS sends it on every answer, errors included.
    let secure = TestApp::spawn_with(app.backend, |s| s.base_url = "https://gongshi.example.cn".into()).await;
    for path in ["/", "/login", "/api/v1/notices", "/no-such-page"] {
        let res = secure.get(path).await;
        let hsts = res.headers().get("strict-transport-security").map(|v| v.to_str().unwrap().to_owned());
        assert_eq!(hsts.as_deref(), Some(HSTS), "{path}");
    }
});
