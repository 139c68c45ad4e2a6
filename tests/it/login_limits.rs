//! Guessing passwords: a burst is checked no more often than the limits allow, a guesser
//! cannot lock the owner out from elsewhere, and IPv6 clients count by their /64.
//! Test hashing is cheap, so these count password checks; they do not time them.
use crate::db_test;
use crate::helpers::{TEST_PASSWORD, TestApp, csrf_in};
use entity::audit_log;
use gongshi::web::security::address_key;
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

db_test!(wrong_passwords_from_one_address_do_not_lock_the_owner_out_from_another, |app| {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    app.create_user(unit, "admin", "target").await;
    let token = login_token(&app).await;
    for i in 0..5 {
        let res = attempt(&app, &token, "198.51.100.7", "target", &format!("guess-guess-{i}")).await;
        assert_eq!(res.status().as_u16(), 422);
    }
    let res = attempt(&app, &token, "198.51.100.7", "Target", TEST_PASSWORD).await;
    assert_eq!(res.status().as_u16(), 429, "the guessing address is held for this account");
    let owner = crate::helpers::browser();
    let page = owner.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let form = [("_csrf", csrf_in(&page)), ("username", "target".to_owned()), ("password", TEST_PASSWORD.to_owned())];
    let res = owner.post(app.url("/login")).header("X-Forwarded-For", "203.0.113.9").form(&form).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303, "the owner signs in from another address");
    let failed = failed_sign_ins(&app).await;
    assert_eq!(failed.len(), 5, "each checked guess is in the audit log");
    assert!(failed.iter().all(|row| row.ip.as_deref() == Some("198.51.100.7")));
    let log = owner.get(app.url("/admin/audit?action=auth.login_failed")).send().await.unwrap().text().await.unwrap();
    assert!(log.contains("198.51.100.7") && log.contains("15分钟内第5次登录失败"), "the admin sees the guesses");
});

db_test!(guessing_from_many_addresses_slows_the_account_down_but_never_holds_it, |app| {
    let unit = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    app.create_user(unit, "admin", "target").await;
    let token = login_token(&app).await;
    for i in 0..6 {
        let res = attempt(&app, &token, &format!("198.51.100.{i}"), "target", "guess-guess-1").await;
        assert_eq!(res.status().as_u16(), 422, "attempt {i} is checked, not refused");
    }
    let res = attempt(&app, &token, "203.0.113.9", "target", TEST_PASSWORD).await;
    assert_eq!(res.status().as_u16(), 303, "the owner still gets in, after a short wait");
});

db_test!(ipv6_clients_count_by_their_64, |app| {
    let token = login_token(&app).await;
    for i in 0..20 {
        let address = format!("2001:db8:7:1::{:x}", i + 1);
        let res = attempt(&app, &token, &address, &format!("user{i}"), "guess-guess-1").await;
        assert_eq!(res.status().as_u16(), 422);
    }
    let res = attempt(&app, &token, "2001:db8:7:1:ffff::99", "someone", "guess-guess-1").await;
    assert_eq!(res.status().as_u16(), 429, "another address of the same /64 is the same client");
    let res = attempt(&app, &token, "2001:db8:7:2::1", "someone", "guess-guess-1").await;
    assert_eq!(res.status().as_u16(), 422, "the next /64 is another client");
});

#[test]
fn rate_limits_key_ipv6_by_the_64_and_ipv4_by_the_address() {
    let key = |s: &str| address_key(s.parse().unwrap());
    assert_eq!(key("2001:db8:1:2:aaaa::1"), "2001:db8:1:2::/64");
    assert_eq!(key("2001:db8:1:2:ffff:ffff:ffff:ffff"), "2001:db8:1:2::/64");
    assert_ne!(key("2001:db8:1:3::1"), key("2001:db8:1:2::1"));
    assert_eq!(key("::ffff:192.0.2.7"), "192.0.2.7", "an IPv4 address written as IPv6 is that address");
    assert_eq!(key("192.0.2.7"), "192.0.2.7");
    assert_ne!(key("192.0.2.8"), key("192.0.2.7"));
}
