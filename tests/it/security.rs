//! Web security basics as an attacker would probe them: CSRF, cookies, headers, size limits,
//! error bodies, escaping.
use crate::db_test;
use crate::helpers::{TEST_PASSWORD, TestApp, csrf_in};

async fn province_admin(app: &TestApp) -> crate::helpers::Staff {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    app.sign_in(unit, "admin", "boss").await
}

async fn token_names(staff: &crate::helpers::Staff) -> String {
    staff.get_text("/admin/tokens").await.1
}

db_test!(a_staff_post_without_a_valid_csrf_token_is_refused_before_it_acts, |app| {
    let staff = province_admin(&app).await;
    let res = staff.client.post(staff.url("/admin/tokens")).form(&[("name", "无令牌")]).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert!(res.text().await.unwrap().contains("安全校验未通过"));
    let res = staff
        .client
        .post(staff.url("/admin/tokens"))
        .form(&[("_csrf", "0".repeat(64).as_str()), ("name", "错令牌")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    let page = token_names(&staff).await;
    assert!(!page.contains("无令牌") && !page.contains("错令牌"), "nothing was created");
    assert_eq!(staff.post_form("/admin/tokens", &[("name", "有令牌")]).await.status().as_u16(), 200);
});

db_test!(another_sessions_csrf_token_does_not_work, |app| {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let a = app.sign_in(unit, "admin", "alice").await;
    let b = app.sign_in(unit, "admin", "bob").await;
    let token_of_a = a.csrf().await;
    assert_ne!(token_of_a, b.csrf().await);
    let res = b
        .client
        .post(b.url("/admin/tokens"))
        .form(&[("_csrf", token_of_a.as_str()), ("name", "借来的")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
});

db_test!(the_login_form_is_protected_by_a_signed_double_submit_cookie, |app| {
    let res = app.get("/login").await;
    let cookie = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("gongshi_csrf="))
        .expect("the visitor gets a token cookie");
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"), "{cookie}");
    let token = csrf_in(&res.text().await.unwrap());
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    app.create_user(unit, "viewer", "reader").await;
    let form = [("username", "reader"), ("password", TEST_PASSWORD)];
    let res = app.client.post(app.url("/login")).form(&form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403, "no token");

    // A forged cookie whose token matches the field, but not signed by the server.
    let bare = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let forged = "a".repeat(64);
    let res = bare
        .post(app.url("/login"))
        .header("cookie", format!("gongshi_csrf={forged}"))
        .form(&[("_csrf", forged.as_str()), ("username", "reader"), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);

    let res = app
        .client
        .post(app.url("/login"))
        .form(&[("_csrf", token.as_str()), ("username", "reader"), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let session = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("gongshi_session="))
        .expect("a session cookie");
    assert!(session.contains("HttpOnly") && session.contains("SameSite=Lax"), "{session}");
    assert!(!session.contains("reader") && !session.contains("uid"), "the session content is encrypted: {session}");
});

db_test!(a_multipart_form_needs_the_token_as_its_first_field, |app| {
    let staff = province_admin(&app).await;
    let token = staff.csrf().await;
    let late = reqwest::multipart::Form::new().text("name", "后置").text("_csrf", token.clone());
    let res = staff.client.post(staff.url("/admin/tokens")).multipart(late).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 403);
});

db_test!(cookies_are_secure_when_the_site_is_served_over_https, |app| {
    let backend = app.backend;
    drop(app);
    let app = TestApp::spawn_with(backend, |s| s.base_url = "https://gongshi.example.cn".into()).await;
    let res = app.get("/login").await;
    let cookie = res.headers()["set-cookie"].to_str().unwrap().to_owned();
    assert!(cookie.contains("Secure"), "{cookie}");
    // reqwest keeps Secure cookies for https only, so post the token by hand.
    let token = csrf_in(&res.text().await.unwrap());
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    app.create_user(unit, "viewer", "reader").await;
    let bare = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let value = cookie.split(';').next().unwrap().to_owned();
    let res = bare
        .post(app.url("/login"))
        .header("cookie", value)
        .form(&[("_csrf", token.as_str()), ("username", "reader"), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let session = res
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("gongshi_session="))
        .unwrap();
    assert!(session.contains("Secure") && session.contains("HttpOnly"), "{session}");
});

db_test!(the_security_headers_are_on_staff_pages_refusals_and_api_errors_too, |app| {
    let staff = province_admin(&app).await;
    let forbidden = staff.client.post(staff.url("/admin/tokens")).form(&[("name", "x")]).send().await.unwrap();
    let responses = vec![
        ("login", app.get("/login").await),
        ("admin", staff.get("/admin").await),
        ("redirect", app.get("/admin").await),
        ("csrf refusal", forbidden),
        ("api 401", app.get("/api/v1/admin/units").await),
    ];
    for (what, res) in responses {
        let h = res.headers();
        let csp = h["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("frame-ancestors 'none'") && !csp.contains("unsafe-inline"), "{what}: {csp}");
        assert_eq!(h["x-content-type-options"], "nosniff", "{what}");
        assert_eq!(h["referrer-policy"], "strict-origin-when-cross-origin", "{what}");
    }
});

db_test!(oversized_bodies_are_refused_with_413, |app| {
    let staff = province_admin(&app).await;
    let token = staff.csrf().await;
    let huge = "甲".repeat(200_000);
    let res = staff
        .client
        .post(staff.url("/admin/tokens"))
        .form(&[("_csrf", token.as_str()), ("name", huge.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 413);
    let api = app.api_token(staff.user_id).await;
    let big = serde_json::json!({ "name": "x".repeat(3 * 1024 * 1024) });
    let res = app.client.post(app.url("/api/v1/admin/tokens")).bearer_auth(&api).json(&big).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 413);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
});

db_test!(malformed_requests_get_plain_answers_without_internals, |app| {
    let staff = province_admin(&app).await;
    let api = app.api_token(staff.user_id).await;
    let res = app
        .client
        .post(app.url("/api/v1/admin/units"))
        .bearer_auth(&api)
        .header("content-type", "application/json")
        .body("{\"name\": ")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let body = res.text().await.unwrap();
    let res = app.client.get(app.url("/api/v1/admin/units/not-a-number")).bearer_auth(&api).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 404);
    let page = staff.get_text("/admin/users/99999999999999").await;
    assert_eq!(page.0, 404);
    for text in [body, res.text().await.unwrap(), page.1] {
        for internal in ["SELECT", "sqlx", "sea_orm", "panicked", "backtrace", "src/", "DbErr"] {
            assert!(!text.contains(internal), "{internal} in {text}");
        }
    }
});

db_test!(what_staff_type_comes_back_escaped, |app| {
    let staff = province_admin(&app).await;
    let (_, new_form) = staff.get_text("/admin/units/new").await;
    let parent = new_form.split("<option value=\"").nth(1).and_then(|s| s.split('"').next()).unwrap().to_owned();
    let evil = "<script>alert(1)</script>'; DROP TABLE units; --";
    let res = staff
        .post_form(
            "/admin/units",
            &[
                ("parent_id", &parent),
                ("name", evil),
                ("code", "EVIL"),
                ("kind", "applicant"),
                ("contact_person", "<img src=x onerror=alert(2)>"),
            ],
        )
        .await;
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    for path in ["/admin/units", location.as_str(), &format!("{location}/edit")] {
        let (_, page) = staff.get_text(path).await;
        assert!(!page.contains("<script>alert(1)"), "{path}");
        assert!(!page.contains("<img src=x"), "{path}");
        assert!(page.contains("&lt;script&gt;alert(1)&lt;&#x2F;script&gt;"), "{path}");
    }
    let (_, list) = staff.get_text("/admin/units").await;
    assert!(list.contains("DROP TABLE units"), "stored literally, the table is still there");
});
