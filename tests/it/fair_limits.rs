//! Objection limits that hold back abuse without turning away neighbours: many people behind
//! one address (an office, a school, a mobile network) are all recorded, one sender's repeats
//! are held back, and whoever is held back is told in Chinese when to try again and how else
//! to object in time.
use crate::db_test;
use crate::helpers::{TestApp, csrf_in};
use crate::objections_support::*;
use sea_orm::ConnectionTrait;
use serde_json::Value;

const OFFICE: &str = "10.77.0.1";

async fn post_api(app: &TestApp, notice: i32, body: &Value) -> reqwest::Response {
    app.client
        .post(app.url(&format!("/api/v1/notices/{notice}/objections")))
        .header("x-forwarded-for", OFFICE)
        .json(body)
        .send()
        .await
        .unwrap()
}

async fn give_unit_contacts(app: &TestApp, unit: i32) {
    let sql = format!(
        "UPDATE units SET contact_phone = '0935-2212345 转 801', contact_email = 'yiyi@gdgs.example.cn', \
         contact_address = '武威市凉州区东大街1号' WHERE id = {unit}"
    );
    app.db.execute_unprepared(&sql).await.unwrap();
}

db_test!(thirty_different_objectors_behind_one_address_are_all_recorded, |app| {
    let s = scene(&app).await;
    for i in 0..30 {
        let mut body = objection(s.projects[i % 2]);
        body["name"] = format!("职工{i}").into();
        body["phone"] = format!("1390931{i:04}").into();
        let res = post_api(&app, s.notice, &body).await;
        assert_eq!(res.status().as_u16(), 201, "objector {i}: {}", res.text().await.unwrap());
    }
    assert_eq!(objections(&app).await.len(), 30);
});

db_test!(one_senders_repeats_are_held_back_with_when_to_retry_and_other_channels, |app| {
    let s = scene(&app).await;
    give_unit_contacts(&app, s.unit).await;
    for _ in 0..10 {
        assert_eq!(post_api(&app, s.notice, &objection(s.projects[0])).await.status().as_u16(), 201);
    }
    let res = post_api(&app, s.notice, &objection(s.projects[0])).await;
    assert_eq!(res.status().as_u16(), 429);
    let retry: u64 = res.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!((300..=3600).contains(&retry), "{retry}");
    let problem: Value = res.json().await.unwrap();
    assert!(problem["title"].as_str().unwrap().contains("分钟后"), "{problem}");
    assert_eq!(problem["retry_after_secs"], retry);
    assert_eq!(problem["other_channels"]["phone"], "0935-2212345 转 801");
    assert!(problem["detail"].as_str().unwrap().contains("电话 0935-2212345 转 801"), "{problem}");
    assert!(problem["detail"].as_str().unwrap().contains("国网武威供电公司"), "{problem}");
    assert_eq!(objections(&app).await.len(), 10, "the held-back one is not recorded");

    // Someone else at the same address is not held back by that sender.
    let mut other = objection(s.projects[0]);
    other["name"] = "赵六".into();
    other["phone"] = "0931-8123456".into();
    assert_eq!(post_api(&app, s.notice, &other).await.status().as_u16(), 201);

    // The same sender through the web form gets a page saying the same.
    let (_, page) = form_page(&app, s.notice).await;
    let body = form_body(&csrf_in(&page), &hidden(&page, "idempotency_key"), &form_fields(s.projects[0]), vec![]);
    let res = app
        .client
        .post(app.url(&format!("/notices/{}/objection", s.notice)))
        .header("x-forwarded-for", OFFICE)
        .multipart(body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.headers().contains_key("retry-after"));
    let page = res.text().await.unwrap();
    for text in ["尚未提交", "分钟后", "0935-2212345 转 801", "yiyi@gdgs.example.cn", "武威市凉州区东大街1号"]
    {
        assert!(page.contains(text), "{text}: {page}");
    }
});

db_test!(an_address_sending_without_end_is_still_held_back, |app| {
    let s = scene(&app).await;
    let limit = gongshi::web::security::rate_limit::OBJECTIONS_PER_ADDRESS as usize;
    for i in 0..limit {
        // Malformed bodies cost no record but count against the address.
        let res = post_api(&app, s.notice, &serde_json::json!({ "content": format!("第{i}次") })).await;
        assert_eq!(res.status().as_u16(), 422, "request {i}");
    }
    let res = post_api(&app, s.notice, &objection(s.projects[0])).await;
    assert_eq!(res.status().as_u16(), 429);
    let elsewhere = file_api(&app, s.notice, &objection(s.projects[0])).await;
    assert_eq!(elsewhere.status().as_u16(), 201, "another address is not held back");
});

db_test!(phone_numbers_are_taken_as_people_write_them_and_kept_as_printed, |app| {
    let s = scene(&app).await;
    let user = app.create_user(s.unit, "handler", "chuli").await;
    let token = app.api_token(user).await;
    for (written, kept) in [
        ("+86 139-0931-0000", "139 0931 0000"),
        ("(0935)2212345-801", "0935-2212345 转 801"),
        ("0931 8123456 ext. 12", "0931-8123456 转 12"),
    ] {
        let mut body = objection(s.projects[0]);
        body["phone"] = written.into();
        let res = file_api(&app, s.notice, &body).await;
        assert_eq!(res.status().as_u16(), 201, "{written}");
        let rows = objections(&app).await;
        let id = rows.last().unwrap().id;
        let identity: Value = app
            .client
            .get(app.url(&format!("/api/v1/admin/objections/{id}/identity")))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(identity["phone"], kept, "{written}");
    }
    let mut body = objection(s.projects[0]);
    body["phone"] = "打我电话".into();
    let res = file_api(&app, s.notice, &body).await;
    assert_eq!(res.status().as_u16(), 422);
    let problem: Value = res.json().await.unwrap();
    assert!(problem.to_string().contains("电话号码格式不正确"), "{problem}");
});
