//! What travels between browser, proxy and server: HSTS over HTTPS, a signed-out cookie that
//! stays dead wherever it was copied to, and the objection lookup key kept out of addresses.
use crate::db_test;
use crate::helpers::{TEST_PASSWORD, TestApp, csrf_in};
use crate::objections_support::*;
use serde_json::Value;

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

/// Signs in with a client that keeps no cookies; returns the session cookie as sent back.
async fn signed_in_cookie(app: &TestApp, username: &str) -> String {
    let bare = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = bare.get(app.url("/login")).send().await.unwrap();
    let anon = cookies_of(&res);
    let page = res.text().await.unwrap();
    let form = [("_csrf", csrf_in(&page)), ("username", username.to_owned()), ("password", TEST_PASSWORD.to_owned())];
    let res = bare.post(app.url("/login")).header("cookie", &anon).form(&form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let session = cookies_of(&res);
    assert!(session.contains("gongshi_session="), "{session}");
    session
}

/// The `name=value` pairs a response sets, as one Cookie header.
fn cookies_of(res: &reqwest::Response) -> String {
    res.headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect::<Vec<_>>()
        .join("; ")
}

/// A request carrying exactly `cookie`, as a second browser holding a copy would send it.
async fn with_cookie(app: &TestApp, path: &str, cookie: &str) -> reqwest::Response {
    let bare = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    bare.get(app.url(path)).header("cookie", cookie).send().await.unwrap()
}

db_test!(a_signed_out_session_cookie_is_refused_even_as_a_copy, |app| {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    app.create_user(unit, "viewer", "liming").await;
    let cookie = signed_in_cookie(&app, "liming").await;
    let other_device = signed_in_cookie(&app, "liming").await;
    assert_eq!(with_cookie(&app, "/admin", &cookie).await.status().as_u16(), 200);

    // The owner signs out; someone kept a copy of the cookie.
    let (_, account) = {
        let res = with_cookie(&app, "/admin/account", &cookie).await;
        (res.status().as_u16(), res.text().await.unwrap())
    };
    let bare = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let res = bare
        .post(app.url("/logout"))
        .header("cookie", &cookie)
        .form(&[("_csrf", csrf_in(&account))])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let res = with_cookie(&app, "/admin", &cookie).await;
    assert_eq!(res.status().as_u16(), 303, "the copied cookie is dead");
    assert!(res.headers()["location"].to_str().unwrap().starts_with("/login"));
    // Only that sign-in ended: the same person's other device is still signed in.
    assert_eq!(with_cookie(&app, "/admin", &other_device).await.status().as_u16(), 200);
    // A sign-in after it works as ever.
    let again = signed_in_cookie(&app, "liming").await;
    assert_eq!(with_cookie(&app, "/admin", &again).await.status().as_u16(), 200);
});

db_test!(the_lookup_key_never_travels_in_an_address, |app| {
    let s = scene(&app).await;
    let body: Value = file_api(&app, s.notice, &objection(s.projects[0])).await.json().await.unwrap();
    let code = body["receipt_code"].as_str().unwrap();
    let key = body["lookup_key"].as_str().unwrap();

    // The key in a header: the case.
    let ask = |key: Option<&str>, path: String| {
        let mut req = app.client.get(app.url(&path)).header("x-forwarded-for", some_client());
        if let Some(k) = key {
            req = req.header("x-lookup-key", k);
        }
        req.send()
    };
    let res = ask(Some(key), format!("/api/v1/objections/{code}")).await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["cache-control"], "no-store");
    let case: Value = res.json().await.unwrap();
    assert_eq!(case["status"], "received");

    // The key in the address: refused, saying how to ask instead, and nothing about the case.
    let res = ask(None, format!("/api/v1/objections/{code}?key={key}")).await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let problem: Value = res.json().await.unwrap();
    let title = problem["title"].as_str().unwrap_or_default();
    assert!(title.contains("X-Lookup-Key") && title.contains("网址"), "{problem}");
    assert!(problem.get("status").is_some() && problem.get("timeline").is_none(), "{problem}");
    // Even with the header as well: the address already carried the key.
    let res = ask(Some(key), format!("/api/v1/objections/{code}?key={key}")).await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
    // No key at all.
    let res = ask(None, format!("/api/v1/objections/{code}")).await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
    // A wrong key in the header answers like an unknown code.
    let wrong = ask(Some("AAAABBBBCCCCDDDD"), format!("/api/v1/objections/{code}")).await.unwrap();
    let unknown = ask(Some("AAAABBBBCCCCDDDD"), "/api/v1/objections/ZZZZZZZZ".into()).await.unwrap();
    assert_eq!((wrong.status().as_u16(), unknown.status().as_u16()), (404, 404));
    assert_eq!(wrong.text().await.unwrap(), unknown.text().await.unwrap());

    // The API document says the same.
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let params = doc["paths"]["/api/v1/objections/{receipt_code}"]["get"]["parameters"].as_array().unwrap().clone();
    let header = params.iter().find(|p| p["name"] == "X-Lookup-Key").expect("the header is documented");
    assert_eq!((header["in"].as_str(), header["required"].as_bool()), (Some("header"), Some(true)));
    assert!(params.iter().all(|p| p["in"] != "query"), "no key in the query: {params:?}");
});

/// Signs `username` in with `X-Forwarded-For: forwarded`; returns the address the audit log
/// recorded for that sign-in.
async fn login_ip_recorded(app: &TestApp, username: &str, forwarded: &str) -> Option<String> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};
    let client = crate::helpers::browser();
    let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let form = [("_csrf", csrf_in(&page)), ("username", username.to_owned()), ("password", TEST_PASSWORD.to_owned())];
    let res = client.post(app.url("/login")).header("x-forwarded-for", forwarded).form(&form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303, "signed in");
    let login = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("auth.login"))
        .order_by_desc(entity::audit_log::Column::Id)
        .one(&app.db)
        .await
        .unwrap()
        .expect("the sign-in is audited");
    login.ip
}

db_test!(forwarded_headers_are_believed_only_from_a_trusted_proxy, |app| {
    // The test app trusts 127.0.0.1/32 as its reverse proxy: the forwarded client is recorded.
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    app.create_user(unit, "admin", "wangyj").await;
    let ip = login_ip_recorded(&app, "wangyj", "203.0.113.7").await;
    assert_eq!(ip.as_deref(), Some("203.0.113.7"));

    // With no trusted proxy (the default), a loopback peer is just a client: its headers are
    // ignored, the peer address is recorded, and a claimed HTTPS earns no HSTS.
    let direct = TestApp::spawn_with(app.backend, |s| s.trusted_proxies.clear()).await;
    let unit = direct.create_unit(None, "province", "GS", "甘肃省总工会").await;
    direct.create_user(unit, "admin", "wangyj").await;
    let ip = login_ip_recorded(&direct, "wangyj", "203.0.113.7").await;
    assert_eq!(ip.as_deref(), Some("127.0.0.1"));
    let res = direct.client.get(direct.url("/")).header("x-forwarded-proto", "https").send().await.unwrap();
    assert!(res.headers().get("strict-transport-security").is_none());
});
