//! The public filing API refuses what another site's page can make a visitor's browser send:
//! a request naming another origin, and a form-encoded or text/plain body without the visitor's
//! CSRF token. Our own pages and API clients without a browser still file.
use crate::db_test;
use crate::helpers::{TestApp, csrf_in};
use crate::objections_support::{file_api, form_fields, form_page, objection, objections, scene, some_client};
use serde_json::Value;

fn filing(app: &TestApp, notice: i32) -> reqwest::RequestBuilder {
    app.client.post(app.url(&format!("/api/v1/notices/{notice}/objections"))).header("x-forwarded-for", some_client())
}

async fn refused(res: reqwest::Response) {
    assert_eq!(res.status().as_u16(), 403);
    assert_eq!(res.headers()["content-type"], "application/problem+json");
    let problem: Value = res.json().await.unwrap();
    assert!(problem["title"].as_str().unwrap().contains("其他网站"), "{problem}");
}

db_test!(a_cross_site_form_post_to_the_filing_api_is_refused_and_nothing_is_recorded, |app| {
    let s = scene(&app).await;
    let fields = form_fields(s.projects[0]);
    // What <form action=".../api/v1/notices/N/objections" method=post> on another site sends.
    let res = filing(&app, s.notice).header("origin", "https://evil.example").form(&fields).send().await.unwrap();
    refused(res).await;
    // The same with the origin hidden (Referrer-Policy, privacy settings): no token, refused.
    refused(filing(&app, s.notice).form(&fields).send().await.unwrap()).await;
    // text/plain, the other content type a form can send without asking first.
    let res = filing(&app, s.notice).header("content-type", "text/plain").body(objection(s.projects[0]).to_string());
    refused(res.send().await.unwrap()).await;
    // JSON sent from another origin (fetch with no-cors cannot, but a browser says where from).
    let res = filing(&app, s.notice).header("origin", "null").json(&objection(s.projects[0])).send().await.unwrap();
    refused(res).await;
    let res = filing(&app, s.notice).header("sec-fetch-site", "cross-site").json(&objection(s.projects[0]));
    refused(res.send().await.unwrap()).await;
    assert!(objections(&app).await.is_empty(), "nothing recorded");
});

db_test!(same_origin_posts_and_api_clients_without_a_browser_still_file, |app| {
    let s = scene(&app).await;
    // A plain API client: JSON, no Origin.
    assert_eq!(file_api(&app, s.notice, &objection(s.projects[0])).await.status().as_u16(), 201);
    // A script on our own pages: JSON with our Origin and Sec-Fetch-Site.
    let own = app.url("");
    let res = filing(&app, s.notice)
        .header("origin", own.trim_end_matches('/'))
        .header("sec-fetch-site", "same-origin")
        .json(&objection(s.projects[1]))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    // A form-encoded post that carries the visitor's token from our own form page.
    let (_, page) = form_page(&app, s.notice).await;
    let mut fields = form_fields(s.projects[0]);
    fields.push(("_csrf", csrf_in(&page)));
    let res = filing(&app, s.notice).header("origin", own.trim_end_matches('/')).form(&fields).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 201, "{}", res.text().await.unwrap());
    assert_eq!(objections(&app).await.len(), 3);
});
