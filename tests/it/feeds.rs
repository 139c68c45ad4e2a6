//! The RSS and Atom feeds, read back with a feed parser: an item per publication, correction,
//! withdrawal and result, stable guids, China-time dates, filters, and nothing before it opens.
use crate::db_test;
use crate::notices_support::{cn, day, draft, drafted, now, projects, published, result, world};
use gongshi::audit::Who;
use gongshi::notices::Level;
use gongshi::notices::generate::start_correction;
use gongshi::notices::publish::{PublishRequest, publish, withdraw};

async fn parsed(app: &crate::helpers::TestApp, path: &str) -> (String, feed_rs::model::Feed) {
    let res = app.get(path).await;
    assert_eq!(res.status().as_u16(), 200, "{path}");
    let text = res.text().await.unwrap();
    let feed = feed_rs::parser::parse(text.as_bytes()).unwrap_or_else(|e| panic!("{path} does not parse: {e}\n{text}"));
    (text, feed)
}

fn titles(feed: &feed_rs::model::Feed) -> Vec<String> {
    feed.entries.iter().map(|e| e.title.as_ref().map(|t| t.content.clone()).unwrap_or_default()).collect()
}

db_test!(feeds_carry_publications_corrections_withdrawals_and_results, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    let (_, before) = parsed(&app, "/feeds/notices.rss").await;
    assert!(before.entries.is_empty(), "nothing before the notice opens");

    app.clock.set(cn(2025, 3, 11, 9, 30, 0));
    start_correction(&app.db, id, &Who::default(), now(&app)).await.unwrap();
    publish(&app.db, id, &PublishRequest { note: Some("更正联系电话".into()), ..PublishRequest::default() }, now(&app))
        .await
        .unwrap();
    app.clock.set(cn(2025, 3, 16, 10, 0, 0));
    result(&app, id, Level::Applicant, &[(ids[0], "no_objection")]).await;
    app.clock.set(cn(2025, 3, 17, 10, 0, 0));
    withdraw(&app.db, id, "项目已并入其他申报", None, now(&app)).await.unwrap();

    for path in ["/feeds/notices.rss", "/feeds/notices.atom"] {
        let (text, feed) = parsed(&app, path).await;
        let titles = titles(&feed);
        assert_eq!(titles.len(), 4, "{path}: {titles:?}");
        assert!(titles[0].starts_with("【撤销】"), "{titles:?}");
        assert!(titles[1].starts_with("【公示结果】"), "{titles:?}");
        assert!(titles[2].starts_with("【更正】"), "{titles:?}");
        assert_eq!(titles[3], "关于2025年度甘肃省职工技术成果申报项目的公示");
        let ids: Vec<&str> = feed.entries.iter().map(|e| e.id.as_str()).collect();
        assert!(ids.contains(&format!("urn:gongshi:notice:{id}:revision:1").as_str()), "{ids:?}");
        assert!(ids.contains(&format!("urn:gongshi:notice:{id}:withdrawal").as_str()), "{ids:?}");
        let first_published = feed.entries.last().unwrap().published.or(feed.entries.last().unwrap().updated).unwrap();
        assert_eq!(first_published, cn(2025, 3, 10, 0, 0, 0), "a scheduled notice enters the feed at its opening");
        let link = &feed.entries[2].links[0].href;
        assert!(link.ends_with(&format!("/notices/{id}/revisions/2")), "{link}");
        if path.ends_with(".rss") {
            assert!(text.contains("+0800"), "{text}");
        } else {
            assert!(text.contains("+08:00"), "{text}");
        }
        assert!(text.contains("头哈希"), "the ledger head is in the feed: {text}");
    }
    // Same content, same guids: a reader that polls again sees the same ids and a 304.
    let first = app.get("/feeds/notices.atom").await;
    let etag = first.headers()["etag"].to_str().unwrap().to_owned();
    let again = app.client.get(app.url("/feeds/notices.atom")).header("If-None-Match", etag).send().await.unwrap();
    assert_eq!(again.status().as_u16(), 304);
});

db_test!(feeds_filter_by_level_unit_and_campaign, |app| {
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let n1 = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    result(&app, n1, Level::Applicant, &[(ids[0], "no_objection")]).await;
    published(&app, &w, w.city, Level::Recommender, &ids, day(2025, 3, 10)).await;
    app.clock.set(cn(2025, 3, 10, 9, 0, 0));
    let count = |f: feed_rs::model::Feed| f.entries.iter().filter(|e| !e.id.contains("report")).count();
    assert_eq!(count(parsed(&app, "/feeds/notices.rss").await.1), 2);
    assert_eq!(count(parsed(&app, "/feeds/notices.rss?level=2").await.1), 1);
    assert_eq!(count(parsed(&app, "/feeds/notices.atom?unit=E-GDGS").await.1), 1);
    assert_eq!(count(parsed(&app, "/feeds/notices.atom?campaign=2025&level=1").await.1), 1);
    assert_eq!(app.get("/feeds/notices.rss?unit=NOPE").await.status().as_u16(), 404);
    assert_eq!(app.get("/feeds/notices.rss?level=9").await.status().as_u16(), 404);
    let (_, page) = app.get_text(&format!("/notices/{n1}")).await;
    assert!(page.contains("application/atom+xml") && page.contains("application/rss+xml"), "autodiscovery links");
});

/// Undoes one layer of HTML escaping, as a reader rendering an RSS description does.
fn html_text(html: &str) -> String {
    html.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'").replace("&amp;", "&")
}

db_test!(a_title_and_a_project_name_with_markup_come_out_of_a_feed_parser_exactly_as_typed, |app| {
    use entity::notice_revisions;
    use sea_orm::{ActiveModelTrait, ActiveValue::Set, EntityTrait};
    let title = r#"关于<b>"甲&乙"</b>与'A&amp;B'项目的公示"#;
    let name = r#"覆冰<i>监测</i> & "装置" 'X&lt;Y'"#;
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", name, None)]).await;
    let g = drafted(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    let rev = notice_revisions::Entity::find_by_id(g.revision_id).one(&app.db).await.unwrap().unwrap();
    let mut rev: notice_revisions::ActiveModel = rev.into();
    rev.title = Set(title.to_owned());
    rev.update(&app.db).await.unwrap();
    publish(&app.db, g.notice_id, &PublishRequest::default(), now(&app)).await.unwrap();
    app.clock.set(cn(2025, 3, 10, 9, 0, 0));

    for path in ["/feeds/notices.rss", "/feeds/notices.atom"] {
        let (text, feed) = parsed(&app, path).await;
        let entry = &feed.entries[0];
        assert_eq!(entry.title.as_ref().unwrap().content, title, "{path}: the title is escaped exactly once\n{text}");
        let summary = entry.summary.as_ref().expect("a description");
        let shown = if summary.content_type.essence().to_string() == "text/html" {
            assert!(!summary.content.contains("<i>"), "{path}: the name's markup is not HTML: {}", summary.content);
            html_text(&summary.content)
        } else {
            summary.content.clone()
        };
        assert!(shown.contains(&format!("1.{name}")), "{path}: the reader shows the name as typed: {shown}");
    }
});

db_test!(the_home_page_points_feed_readers_at_both_feeds, |app| {
    // Feed readers discover the feeds from the page's <link rel="alternate">, decoding its href once.
    let html = app.get("/").await.text().await.unwrap();
    for (kind, path) in [("rss", "/feeds/notices.rss"), ("atom", "/feeds/notices.atom")] {
        let link = html
            .lines()
            .find(|l| l.contains("rel=\"alternate\"") && l.contains(&format!("application/{kind}+xml")))
            .unwrap_or_else(|| panic!("no {kind} link"));
        let href = link.split("href=\"").nth(1).and_then(|h| h.split('"').next()).unwrap_or_default();
        assert_eq!(href.replace("&#x2F;", "/"), path, "{link}");
        assert_eq!(app.get(path).await.status().as_u16(), 200);
    }
});
