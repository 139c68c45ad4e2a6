//! Following a case with receipt code and key, rate limits on filing and lookup, and proving
//! a receipt genuine.
use crate::db_test;
use crate::helpers::csrf_in;
use crate::objections_support::*;
use serde_json::Value;

async fn filed(app: &crate::helpers::TestApp, notice: i32, project: i32) -> (String, String, Value) {
    let body: Value = file_api(app, notice, &objection(project)).await.json().await.unwrap();
    (body["receipt_code"].as_str().unwrap().to_owned(), body["lookup_key"].as_str().unwrap().to_owned(), body)
}

/// The API look-up, the key in its header.
async fn lookup_api(app: &crate::helpers::TestApp, code: &str, key: &str) -> reqwest::Response {
    app.client
        .get(app.url(&format!("/api/v1/objections/{code}")))
        .header("x-lookup-key", key)
        .header("x-forwarded-for", some_client())
        .send()
        .await
        .unwrap()
}

async fn lookup_page(app: &crate::helpers::TestApp, code: &str, key: &str) -> (u16, String) {
    let (_, page) = app.get_text("/objections/lookup").await;
    let form = [("_csrf", csrf_in(&page)), ("code", code.to_owned()), ("key", key.to_owned())];
    let res = app
        .client
        .post(app.url("/objections/lookup"))
        .header("x-forwarded-for", some_client())
        .form(&form)
        .send()
        .await
        .unwrap();
    (res.status().as_u16(), res.text().await.unwrap())
}

db_test!(the_objector_sees_the_state_and_the_notes_meant_for_them, |app| {
    let s = scene(&app).await;
    let (code, key, _) = filed(&app, s.notice, s.projects[0]).await;
    let typed = format!("{}-{} ", code.to_lowercase(), "");
    let (status, page) = lookup_page(&app, typed.trim_end_matches("- "), &key.to_lowercase()).await;
    assert_eq!(status, 200, "codes and keys are read case-insensitively");
    assert!(page.contains("当前状态：<strong>已接收</strong>"), "{page}");
    assert!(page.contains("2025年3月11日 09:30:05"));
    assert!(!page.contains("王五") && !page.contains("139 0931 0000"), "no identity on the lookup page");
    let res = lookup_api(&app, &code, &key).await;
    assert_eq!(res.status().as_u16(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["status"], "received");
    assert_eq!(body["timeline"][0]["status"], "received");
    assert_eq!(body["timeline"][0]["at"], "2025-03-11T09:30:05+08:00");
    assert!(body.get("content").is_none() && body["timeline"][0].get("internal_note").is_none());
});

db_test!(a_wrong_key_answers_exactly_like_an_unknown_code, |app| {
    let s = scene(&app).await;
    let (code, _, _) = filed(&app, s.notice, s.projects[0]).await;
    let wrong_key = lookup_api(&app, &code, "AAAABBBBCCCCDDDD").await;
    let unknown = lookup_api(&app, "ZZZZZZZZ", "AAAABBBBCCCCDDDD").await;
    assert_eq!(wrong_key.status().as_u16(), 404);
    assert_eq!(unknown.status().as_u16(), 404);
    assert_eq!(wrong_key.text().await.unwrap(), unknown.text().await.unwrap());
    let (s1, p1) = lookup_page(&app, &code, "AAAABBBBCCCCDDDD").await;
    let (s2, p2) = lookup_page(&app, "ZZZZZZZZ", "AAAABBBBCCCCDDDD").await;
    assert_eq!((s1, s2), (404, 404));
    let strip = |p: &str, c: &str| {
        let p = p.replace(c, "CODE");
        let token = csrf_in(&p);
        p.replace(&token, "TOKEN")
    };
    assert_eq!(strip(&p1, &code), strip(&p2, "ZZZZZZZZ"), "the same page either way");
});

db_test!(lookups_are_rate_limited_per_client, |app| {
    let s = scene(&app).await;
    let (code, _, _) = filed(&app, s.notice, s.projects[0]).await;
    let mut statuses = Vec::new();
    for _ in 0..31 {
        let res = app
            .client
            .get(app.url(&format!("/api/v1/objections/{code}")))
            .header("x-lookup-key", "AAAABBBBCCCCDDDD")
            .header("x-forwarded-for", "10.9.9.9")
            .send()
            .await
            .unwrap();
        statuses.push(res.status().as_u16());
    }
    assert!(statuses[..30].iter().all(|s| *s == 404));
    assert_eq!(statuses[30], 429);
});

db_test!(filing_is_rate_limited_per_client, |app| {
    let s = scene(&app).await;
    let post = || {
        app.client
            .post(app.url(&format!("/api/v1/notices/{}/objections", s.notice)))
            .header("x-forwarded-for", "10.8.8.8")
            .json(&objection(s.projects[0]))
            .send()
    };
    for _ in 0..10 {
        assert_eq!(post().await.unwrap().status().as_u16(), 201);
    }
    let res = post().await.unwrap();
    assert_eq!(res.status().as_u16(), 429);
    assert!(res.headers().contains_key("retry-after"));
    assert_eq!(objections(&app).await.len(), 10);
});

db_test!(a_receipt_is_proven_genuine_and_a_forged_one_is_not, |app| {
    let s = scene(&app).await;
    let (code, _, body) = filed(&app, s.notice, s.projects[0]).await;
    let token = body["receipt_token"].as_str().unwrap().to_owned();
    let (status, page) = app.get_text(&format!("/receipts/verify?token={token}")).await;
    assert_eq!(status, 200);
    assert!(page.contains("签名有效，与本系统的记录一致"), "{page}");
    assert!(page.contains(&code) && page.contains("2025年3月11日 09:30:05"));
    let res = app
        .client
        .post(app.url("/api/v1/receipts/verify"))
        .json(&serde_json::json!({ "token": token }))
        .send()
        .await
        .unwrap();
    let answer: Value = res.json().await.unwrap();
    assert_eq!((answer["valid"].as_bool(), answer["on_record"].as_bool()), (Some(true), Some(true)));
    assert_eq!(answer["receipt"]["received_at"], "2025-03-11T09:30:05+08:00");
    // A body without the token is a malformed request, as the API document says, not a verdict.
    let res = app.client.post(app.url("/api/v1/receipts/verify")).json(&serde_json::json!({})).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 400);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let (body_b64, sig) = token.split_once('.').unwrap();
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::URL_SAFE_NO_PAD;
    let mut receipt: Value = serde_json::from_slice(&b64.decode(body_b64).unwrap()).unwrap();
    receipt["received_at"] = "2025-03-10T09:30:05+08:00".into();
    let forged = format!("{}.{sig}", b64.encode(receipt.to_string()));
    let res = app
        .client
        .post(app.url("/api/v1/receipts/verify"))
        .json(&serde_json::json!({ "token": forged }))
        .send()
        .await
        .unwrap();
    let answer: Value = res.json().await.unwrap();
    assert_eq!(answer["valid"], false);
    let (_, page) = app.get_text(&format!("/receipts/verify?token={forged}")).await;
    assert!(page.contains("签名无效"));
});
