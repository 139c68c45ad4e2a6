//! Guessing passwords: a burst is checked no more often than the limits allow.
//! Test hashing is cheap, so these count password checks; they do not time them.
use crate::db_test;
use crate::helpers::{TestApp, csrf_in};
use entity::audit_log;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

/// A sign-in attempt from `address` (the app believes `X-Forwarded-For` from loopback).
async fn attempt(app: &TestApp, token: &str, address: &str, username: &str, password: &str) -> reqwest::Response {
    let form = [("_csrf", token), ("username", username), ("password", password)];
    app.client
        .post(app.url("/login"))
        .header("X-Forwarded-For", address)
        .form(&form)
        .send()
        .await
        .expect("login posted")
}

async fn login_token(app: &TestApp) -> String {
    let (_, page) = app.get_text("/login").await;
    csrf_in(&page)
}

fn password_checks(app: &TestApp) -> u64 {
    app.state.limits.password_work.performed()
}

async fn failed_sign_ins(app: &TestApp) -> Vec<audit_log::Model> {
    audit_log::Entity::find().filter(audit_log::Column::Action.eq("auth.login_failed")).all(&app.db).await.unwrap()
}

db_test!(a_burst_of_wrong_passwords_is_checked_no_more_often_than_the_limit, |app| {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    app.create_user(unit, "admin", "target").await;
    let token = login_token(&app).await;
    let before = password_checks(&app);
    let guesses: Vec<String> = (0..50).map(|i| format!("guess-guess-{i}")).collect();
    let burst = guesses.iter().map(|guess| attempt(&app, &token, "198.51.100.7", "target", guess));
    let responses = futures_util::future::join_all(burst).await;
    let checks = password_checks(&app) - before;
    assert!(checks <= 5, "{checks} password checks for 50 concurrent guesses at one account from one address");
    let mut wrong = 0;
    for res in responses {
        match res.status().as_u16() {
            422 => wrong += 1,
            429 => {
                assert!(res.headers().contains_key("retry-after"));
                let body = res.text().await.unwrap();
                assert!(body.contains("尝试次数过多") || body.contains("登录请求较多，请稍后再试"), "{body}");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(wrong, checks, "every answer of 'wrong password' was a check; every other answer was 429");
    assert_eq!(failed_sign_ins(&app).await.len() as u64, checks, "each check is in the audit log");
});
