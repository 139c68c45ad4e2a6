//! Every public answer served from stored bytes: identity, gzip and brotli that decode to the
//! same body, an ETag per encoding, `Vary: Accept-Encoding`, 304 on a matching
//! `If-None-Match`; the status and time left changing at the exact instant (injected clock)
//! though the answer was stored a second before; and a write seen on the next request.
use crate::helpers::{TestApp, backends};
use crate::notices_support::{cn, day, draft, now, page, projects, published, world};
use crate::objections_support::{file_api, objection, scene};
use gongshi::notices::Level;
use gongshi::notices::publish::withdraw;
use sea_orm::EntityTrait;
use std::io::Read;
use std::time::Duration;

/// GET `path` with `Accept-Encoding: encoding` (none when empty).
async fn fetch(app: &TestApp, path: &str, encoding: &str, etag: Option<&str>) -> reqwest::Response {
    let mut req = app.client.get(app.url(path));
    if !encoding.is_empty() {
        req = req.header("Accept-Encoding", encoding);
    }
    if let Some(etag) = etag {
        req = req.header("If-None-Match", etag);
    }
    req.send().await.unwrap()
}

fn header(res: &reqwest::Response, name: &str) -> String {
    res.headers().get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
}

fn decoded(coding: &str, bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        "gzip" => {
            flate2::read::GzDecoder::new(bytes).read_to_end(&mut out).unwrap();
        }
        "br" => {
            brotli::BrotliDecompress(&mut &bytes[..], &mut out).unwrap();
        }
        "" => out = bytes.to_vec(),
        other => panic!("unexpected encoding {other}"),
    }
    out
}

/// One answer in every encoding: each decodes to the identity body, has its own ETag and
/// `Vary: Accept-Encoding`, and a revalidation with its ETag is a 304.
async fn check_encodings(app: &TestApp, path: &str) {
    let plain = fetch(app, path, "", None).await;
    assert_eq!(plain.status().as_u16(), 200, "{path}");
    assert_eq!(header(&plain, "content-encoding"), "", "{path}: identity carries no encoding");
    assert!(header(&plain, "vary").contains("Accept-Encoding"), "{path}: {:?}", plain.headers());
    let identity_tag = header(&plain, "etag");
    let body = plain.bytes().await.unwrap().to_vec();
    assert!(!body.is_empty(), "{path}");

    let gz = fetch(app, path, "gzip", None).await;
    assert_eq!(header(&gz, "content-encoding"), "gzip", "{path}");
    assert!(header(&gz, "vary").contains("Accept-Encoding"), "{path}");
    let gzip_tag = header(&gz, "etag");
    assert_eq!(decoded("gzip", &gz.bytes().await.unwrap()), body, "{path}: gzip decodes to the same body");

    // Brotli is made once, in the background; gzip is served to brotli readers meanwhile.
    let mut br = fetch(app, path, "gzip, deflate, br", None).await;
    for _ in 0..100 {
        if header(&br, "content-encoding") == "br" {
            break;
        }
        assert_eq!(header(&br, "content-encoding"), "gzip", "{path}");
        tokio::time::sleep(Duration::from_millis(50)).await;
        br = fetch(app, path, "gzip, deflate, br", None).await;
    }
    assert_eq!(header(&br, "content-encoding"), "br", "{path}");
    let brotli_tag = header(&br, "etag");
    assert_eq!(decoded("br", &br.bytes().await.unwrap()), body, "{path}: brotli decodes to the same body");

    assert!(
        identity_tag != gzip_tag && gzip_tag != brotli_tag && identity_tag != brotli_tag,
        "{path}: one ETag per encoding: {identity_tag} {gzip_tag} {brotli_tag}"
    );
    for (encoding, tag) in [("", &identity_tag), ("gzip", &gzip_tag), ("br", &brotli_tag)] {
        let again = fetch(app, path, encoding, Some(tag)).await;
        assert_eq!(again.status().as_u16(), 304, "{path} {encoding}");
        assert_eq!(&header(&again, "etag"), tag, "{path} {encoding}");
        assert!(header(&again, "vary").contains("Accept-Encoding"), "{path} {encoding}");
    }
    // The gzip copy's tag does not stand for the identity body.
    let other = fetch(app, path, "", Some(&gzip_tag)).await;
    assert_eq!(other.status().as_u16(), 200, "{path}");
    assert_eq!(other.bytes().await.unwrap().to_vec(), body, "{path}");
}

#[actix_web::test]
async fn every_public_answer_comes_in_three_encodings_each_with_its_own_etag() {
    for backend in backends() {
        let app = TestApp::spawn_with(backend, |s| s.demo = true).await;
        let (_, list) = app.get_text("/api/v1/notices?status=open&per_page=1").await;
        let list: serde_json::Value = serde_json::from_str(&list).unwrap();
        let id = list["items"][0]["id"].as_i64().unwrap();
        let unit = list["items"][0]["unit"]["code"].as_str().unwrap().to_owned();
        let report =
            entity::result_reports::Entity::find().one(&app.db).await.unwrap().expect("the demo issued reports");
        let paths = [
            "/".to_owned(),
            "/?page=2".to_owned(),
            format!("/notices/{id}"),
            format!("/notices/{id}/revisions/1"),
            format!("/notices/{id}/poster"),
            format!("/units/{unit}"),
            "/campaigns/2025".to_owned(),
            "/feeds/notices.rss".to_owned(),
            "/feeds/notices.atom".to_owned(),
            "/feeds/notices.rss?level=1".to_owned(),
            format!("/feeds/notices.atom?unit={unit}"),
            "/api/v1/notices".to_owned(),
            "/api/v1/notices?status=open&per_page=5".to_owned(),
            format!("/api/v1/notices/{id}"),
            format!("/reports/{}", report.code),
            format!("/api/v1/reports/{}", report.code),
            "/transparency".to_owned(),
        ];
        for path in &paths {
            check_encodings(&app, path).await;
        }
        // Answers made per request are still compressed on the fly, as before.
        let search = fetch(&app, "/?q=覆冰", "gzip", None).await;
        assert_eq!(search.status().as_u16(), 200);
        assert_eq!(header(&search, "content-encoding"), "gzip", "{backend:?}");
    }
}

/// The answer's headers, but the date, which moves.
fn headers_but_date(res: &reqwest::Response) -> Vec<(String, String)> {
    let mut headers: Vec<_> = res
        .headers()
        .iter()
        .filter(|(name, _)| *name != "date")
        .map(|(name, value)| (name.to_string(), value.to_str().unwrap().to_owned()))
        .collect();
    headers.sort();
    headers
}

/// A stored answer sent again skips the middleware that adds the security headers; it still
/// carries every header its first sending did, HSTS included on an HTTPS site.
#[actix_web::test]
async fn a_stored_answer_sent_again_carries_the_same_headers() {
    for backend in backends() {
        let app =
            TestApp::spawn_with(backend, |s| (s.demo, s.base_url) = (true, "https://gongshi.example.cn".into())).await;
        for (path, encoding, cookie) in [
            ("/notices/1", "", ""),
            ("/api/v1/notices", "gzip", ""),
            ("/feeds/notices.rss", "", ""),
            ("/", "gzip", "gongshi_display=large"),
        ] {
            let send = || app.client.get(app.url(path)).header("Accept-Encoding", encoding).header("Cookie", cookie);
            let first = send().send().await.unwrap();
            let again = send().send().await.unwrap();
            assert_eq!(first.status().as_u16(), 200, "{path}");
            let (first_headers, again_headers) = (headers_but_date(&first), headers_but_date(&again));
            assert_eq!(first_headers, again_headers, "{backend:?} {path} {encoding}");
            for name in ["content-security-policy", "x-content-type-options", "strict-transport-security", "etag"] {
                assert!(again_headers.iter().any(|(n, _)| n == name), "{path}: no {name} in {again_headers:?}");
            }
            assert_eq!(first.bytes().await.unwrap(), again.bytes().await.unwrap(), "{path}");
        }
    }
}

crate::db_test!(the_display_options_get_their_own_bytes, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let path = format!("/notices/{id}");
    let (_, plain) = page(&app, &path).await;
    let large = app.client.get(app.url(&path)).header("Cookie", "gongshi_display=large").send().await.unwrap();
    assert!(header(&large, "vary").contains("Cookie"), "the display cookie changes the page");
    let large = large.text().await.unwrap();
    assert!(large.contains("large-type") && !plain.contains("large-type"), "{large}");
});

crate::db_test!(status_and_time_left_change_at_the_exact_instant_on_every_answer, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    let notice = format!("/notices/{id}");
    let api = format!("/api/v1/notices/{id}");
    let status_in = |json: &str| serde_json::from_str::<serde_json::Value>(json).unwrap()["status"].clone();

    // The feed and the API list take the notice in at its open instant, not a second before.
    app.clock.set(cn(2025, 3, 9, 23, 59, 59));
    let (_, feed) = page(&app, "/feeds/notices.rss").await;
    assert!(!feed.contains("<item>"), "{feed}");
    let (_, list) = page(&app, "/api/v1/notices").await;
    assert!(list.contains("\"total\":0"), "{list}");
    assert_eq!(page(&app, &api).await.0, 404);
    app.clock.set(cn(2025, 3, 10, 0, 0, 0));
    let (_, feed) = page(&app, "/feeds/notices.rss").await;
    assert!(feed.contains("<item>") && feed.contains("申报项目的公示"), "{feed}");
    let (_, list) = page(&app, "/api/v1/notices").await;
    assert!(list.contains("\"total\":1"), "{list}");

    // A countdown changes a moment past the whole minute it shows, as asked a second apart.
    app.clock.set(cn(2025, 3, 14, 23, 59, 0));
    for path in [notice.as_str(), "/"] {
        let (_, body) = page(&app, path).await;
        assert!(body.contains("剩余1分钟"), "{path}: {body}");
    }
    app.clock.set(cn(2025, 3, 14, 23, 59, 1));
    for path in [notice.as_str(), "/"] {
        let (_, body) = page(&app, path).await;
        assert!(body.contains("剩余不到1分钟") && !body.contains("剩余1分钟"), "{path}: {body}");
    }

    // One second before the close every answer says open; at the close every one says closed.
    app.clock.set(cn(2025, 3, 14, 23, 59, 59));
    let (_, body) = page(&app, &notice).await;
    assert!(body.contains("公示中") && body.contains("剩余不到1分钟"), "{body}");
    let (_, home) = page(&app, "/").await;
    assert!(home.contains("正在公示（1）"), "{home}");
    assert_eq!(status_in(&page(&app, &api).await.1), "open");
    let (_, list) = page(&app, "/api/v1/notices?status=open").await;
    assert!(list.contains("\"total\":1"), "{list}");
    let (_, feed_before) = page(&app, "/feeds/notices.atom").await;

    app.clock.set(cn(2025, 3, 15, 0, 0, 0));
    let (_, body) = page(&app, &notice).await;
    assert!(body.contains("已结束") && !body.contains("剩余"), "{body}");
    let (_, home) = page(&app, "/").await;
    assert!(home.contains("正在公示（0）"), "{home}");
    assert_eq!(status_in(&page(&app, &api).await.1), "closed");
    let (_, list) = page(&app, "/api/v1/notices?status=open").await;
    assert!(list.contains("\"total\":0"), "{list}");
    let (_, feed_after) = page(&app, "/feeds/notices.atom").await;
    assert_eq!(feed_before, feed_after, "a close is no feed event: the same bytes");

    // A clock set back is answered as of then, not from what was stored later.
    app.clock.set(cn(2025, 3, 14, 23, 59, 59));
    let (_, body) = page(&app, &notice).await;
    assert!(body.contains("公示中"), "{body}");
    assert_eq!(status_in(&page(&app, &api).await.1), "open");
});

crate::db_test!(a_write_is_seen_on_the_next_request, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None), draft("A2", "智能巡检", None)]).await;
    let first = published(&app, &w, w.enterprise, Level::Applicant, &ids[..1], day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (_, home) = page(&app, "/").await;
    assert!(home.contains("正在公示（1）"), "{home}");
    let (_, list) = page(&app, "/api/v1/notices").await;
    assert!(list.contains("\"total\":1"), "{list}");
    let (_, feed) = page(&app, "/feeds/notices.rss").await;

    // Publishing another notice: on the home page, the list and the feed at once.
    published(&app, &w, w.enterprise, Level::Applicant, &ids[1..], day(2025, 3, 11)).await;
    let (_, home) = page(&app, "/").await;
    assert!(home.contains("正在公示（2）"), "{home}");
    let (_, list) = page(&app, "/api/v1/notices").await;
    assert!(list.contains("\"total\":2"), "{list}");
    let (_, feed_now) = page(&app, "/feeds/notices.rss").await;
    assert!(feed_now.matches("<item>").count() > feed.matches("<item>").count(), "{feed_now}");

    // Withdrawing: the page, the API and the home page say so at once.
    let (_, before) = page(&app, &format!("/notices/{first}")).await;
    assert!(before.contains("公示中"), "{before}");
    withdraw(&app.db, first, "项目已并入其他申报", None, now(&app)).await.unwrap();
    let (_, after) = page(&app, &format!("/notices/{first}")).await;
    assert!(after.contains("已撤销") && after.contains("项目已并入其他申报"), "{after}");
    let (_, api) = page(&app, &format!("/api/v1/notices/{first}")).await;
    assert!(api.contains("\"status\":\"withdrawn\""), "{api}");
    let (_, home) = page(&app, "/").await;
    assert!(home.contains("正在公示（1）"), "{home}");
});

crate::db_test!(an_objection_filed_is_on_the_ledger_pages_at_once, |app| {
    let s = scene(&app).await;
    let count = |html: &str| {
        let at = html.find("记录条数").unwrap();
        let rest = &html[at..];
        let start = rest.find("class=\"code\">").unwrap() + "class=\"code\">".len();
        rest[start..start + rest[start..].find('<').unwrap()].parse::<i64>().unwrap()
    };
    let (_, before) = page(&app, "/transparency").await;
    let (_, feed_before) = page(&app, "/feeds/notices.rss").await;
    let res = file_api(&app, s.notice, &objection(s.projects[0])).await;
    assert_eq!(res.status().as_u16(), 201, "{}", res.text().await.unwrap());
    let (_, after) = page(&app, "/transparency").await;
    assert!(count(&after) > count(&before), "receiving it is on the ledger at once: {after}");
    let (_, feed_after) = page(&app, "/feeds/notices.rss").await;
    assert_ne!(feed_before, feed_after, "the feed states the ledger's head");
    assert!(feed_after.contains(&format!("公示账本共{}条", count(&after))), "{feed_after}");
});
