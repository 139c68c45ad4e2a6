//! An API token lives no longer than the sign-in that stands behind it: a password change, an
//! admin's reset and "退出其他设备上的登录" revoke it, it expires (90 days unless chosen
//! otherwise), and a token cannot make more tokens.
use crate::db_test;
use crate::helpers::{Staff, TEST_PASSWORD, TestApp};
use chrono::Duration;
use serde_json::{Value, json};

const NEW_PASSWORD: &str = "新密码-Gansu-2025";

/// The status a token gets from a harmless staff API call.
async fn token_status(app: &TestApp, token: &str) -> u16 {
    app.client.get(app.url("/api/v1/admin/tokens")).bearer_auth(token).send().await.unwrap().status().as_u16()
}

/// A province with a signed-in admin and a signed-in handler who holds a token.
async fn people(app: &TestApp) -> (Staff, Staff, String) {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let admin = app.sign_in(unit, "admin", "boss").await;
    let clerk = app.sign_in(unit, "handler", "clerk").await;
    let token = app.api_token(clerk.user_id).await;
    assert_eq!(token_status(app, &token).await, 200);
    (admin, clerk, token)
}

db_test!(changing_ones_password_revokes_ones_tokens, |app| {
    let (_, clerk, token) = people(&app).await;
    let fields =
        [("current_password", TEST_PASSWORD), ("new_password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD)];
    assert_eq!(clerk.post_form("/admin/account/password", &fields).await.status().as_u16(), 303);
    assert_eq!(token_status(&app, &token).await, 401, "the token died with the old password");
    let (_, page) = clerk.get_text("/admin/tokens").await;
    assert!(page.contains("已吊销"), "the list says so: {page}");
});

db_test!(an_admins_password_reset_revokes_the_users_tokens, |app| {
    let (admin, clerk, token) = people(&app).await;
    let path = format!("/admin/users/{}/password", clerk.user_id);
    let res = admin.post_form(&path, &[("password", NEW_PASSWORD), ("confirm_password", NEW_PASSWORD)]).await;
    assert_eq!(res.status().as_u16(), 303);
    assert_eq!(token_status(&app, &token).await, 401, "reset on the page");

    // The same through the API: the admin's own token survives resetting someone else.
    let second = app.api_token(clerk.user_id).await;
    let admin_token = app.api_token(admin.user_id).await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/admin/users/{}/password", clerk.user_id)))
        .bearer_auth(&admin_token)
        .json(&json!({ "password": "再一个新密码-2025" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(token_status(&app, &second).await, 401, "reset through the API");
    assert_eq!(token_status(&app, &admin_token).await, 200);
});

db_test!(ending_the_other_sessions_revokes_ones_tokens, |app| {
    let (_, clerk, token) = people(&app).await;
    assert_eq!(clerk.post_form("/admin/account/sessions/end", &[]).await.status().as_u16(), 303);
    assert_eq!(token_status(&app, &token).await, 401);
    assert_eq!(clerk.get("/admin/account").await.status().as_u16(), 200, "this session goes on");
});

db_test!(a_token_expires_after_ninety_days_and_says_when, |app| {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let staff = app.sign_in(unit, "viewer", "reader").await;
    let res = staff.post_form("/admin/tokens", &[("name", "数据同步")]).await;
    assert_eq!(res.status().as_u16(), 200);
    let page = res.text().await.unwrap();
    let secret = page.split("<p class=\"secret\">").nth(1).and_then(|s| s.split('<').next()).unwrap().to_owned();
    // Made 2025年3月9日 10:00 China time: good until 2025年6月7日 10:00.
    assert!(page.contains("有效期至2025年6月7日"), "the page says when it expires: {page}");
    let listed: Value = app
        .client
        .get(app.url("/api/v1/admin/tokens"))
        .bearer_auth(&secret)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(listed[0]["expires_at"], "2025-06-07T02:00:00Z", "{listed}");

    // A shorter life may be chosen; a longer one than a year may not.
    let res = staff.post_form("/admin/tokens", &[("name", "短期"), ("valid_days", "30")]).await;
    assert!(res.text().await.unwrap().contains("有效期至2025年4月8日"));
    let res = staff.post_form("/admin/tokens", &[("name", "太长"), ("valid_days", "366")]).await;
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("有效期应为1至365天"));

    app.clock.advance(Duration::days(90) - Duration::seconds(1));
    assert_eq!(token_status(&app, &secret).await, 200);
    app.clock.advance(Duration::seconds(1));
    assert_eq!(token_status(&app, &secret).await, 401, "expired");
});

db_test!(a_token_cannot_make_tokens, |app| {
    let (_, _, token) = people(&app).await;
    let res = app
        .client
        .post(app.url("/api/v1/admin/tokens"))
        .bearer_auth(&token)
        .json(&json!({ "name": "由令牌生成" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let problem: Value = res.json().await.unwrap();
    let title = problem["title"].as_str().unwrap_or_default();
    assert!(title.contains("令牌") && title.contains("登录"), "a Chinese reason: {problem}");
    let listed: Value =
        app.client.get(app.url("/api/v1/admin/tokens")).bearer_auth(&token).send().await.unwrap().json().await.unwrap();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "nothing was made: {listed}");
});
