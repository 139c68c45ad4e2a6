//! `GET /metrics`: Prometheus text that a real parser reads, counters that move with traffic,
//! and a 404 for clients outside `--metrics-from`.
use crate::db_test;
use crate::helpers::TestApp;
use crate::objections_support::{file_api, objection, scene};
use std::collections::HashMap;

/// One sample line: metric name, labels, value (as written; checked to be a number).
#[derive(Debug)]
struct Sample {
    metric: String,
    labels: HashMap<String, String>,
    value: String,
}

/// A strict reader of the Prometheus text format 0.0.4: every sample belongs to a family
/// declared by `# TYPE` (histograms by their `_bucket`, `_sum` and `_count` series), label
/// values are quoted with `\\`, `\"` and `\n` escapes, and values are numbers. Anything else
/// fails the test. (Route patterns such as `/notices/{id}` put braces inside label values,
/// which lenient regex-based parsers drop.)
fn parse(text: &str) -> Vec<Sample> {
    let mut families: HashMap<String, String> = HashMap::new();
    let mut samples = Vec::new();
    for line in text.lines().filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("# TYPE ") {
            let (name, kind) = rest.split_once(' ').expect("# TYPE name kind");
            assert!(["counter", "gauge", "histogram"].contains(&kind), "{line}");
            families.insert(name.to_owned(), kind.to_owned());
            continue;
        }
        if line.starts_with("# HELP ") || line == "# EOF" {
            continue;
        }
        assert!(!line.starts_with('#'), "unknown comment: {line}");
        let sample = sample(line);
        let family = ["_bucket", "_sum", "_count"]
            .iter()
            .find_map(|suffix| {
                sample.metric.strip_suffix(suffix).filter(|f| families.get(*f).is_some_and(|k| k == "histogram"))
            })
            .unwrap_or(&sample.metric);
        assert!(families.contains_key(family), "sample without # TYPE: {line}");
        samples.push(sample);
    }
    samples
}

fn sample(line: &str) -> Sample {
    let name_end = line.find(['{', ' ']).expect("a value after the name");
    let metric = &line[..name_end];
    assert!(
        metric.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            && !metric.starts_with(|c: char| c.is_ascii_digit()),
        "bad metric name: {line}"
    );
    let mut labels = HashMap::new();
    let mut rest = &line[name_end..];
    if let Some(mut inside) = rest.strip_prefix('{') {
        loop {
            if let Some(after) = inside.strip_prefix('}') {
                rest = after;
                break;
            }
            let (key, after_key) = inside.split_once("=\"").expect("label=\"value\"");
            let mut value = String::new();
            let mut chars = after_key.char_indices();
            let end = loop {
                match chars.next().expect("closing quote") {
                    (i, '"') => break i,
                    (_, '\\') => match chars.next().expect("escaped character").1 {
                        'n' => value.push('\n'),
                        c @ ('\\' | '"') => value.push(c),
                        other => panic!("bad escape \\{other}: {line}"),
                    },
                    (_, c) => value.push(c),
                }
            };
            labels.insert(key.to_owned(), value);
            inside = &after_key[end + 1..];
            inside = inside.strip_prefix(',').unwrap_or(inside);
        }
    }
    let value = rest.trim().split(' ').next().expect("a value");
    assert!(["+Inf", "-Inf", "NaN"].contains(&value) || value.parse::<f64>().is_ok(), "bad value: {line}");
    Sample { metric: metric.to_owned(), labels, value: value.to_owned() }
}

async fn scrape(app: &TestApp) -> Vec<Sample> {
    let res = app.get("/metrics").await;
    assert_eq!(res.status().as_u16(), 200, "metrics answer this host");
    let content_type = res.headers()["content-type"].to_str().unwrap().to_owned();
    assert!(content_type.starts_with("text/plain; version=0.0.4"), "{content_type}");
    parse(&res.text().await.unwrap())
}

fn find<'a>(scrape: &'a [Sample], metric: &str, labels: &[(&str, &str)]) -> Option<&'a Sample> {
    scrape
        .iter()
        .find(|s| s.metric == metric && labels.iter().all(|(k, v)| s.labels.get(*k).map(String::as_str) == Some(*v)))
}

/// A counter's, bucket's or gauge's whole-number value; 0 for a series not yet written.
fn number(scrape: &[Sample], metric: &str, labels: &[(&str, &str)]) -> u64 {
    find(scrape, metric, labels)
        .map_or(0, |s| s.value.parse().unwrap_or_else(|_| panic!("{metric} {:?} is not a count", s.value)))
}

/// How many requests the route's latency histogram has seen.
fn observations(scrape: &[Sample], route: &str) -> u64 {
    number(scrape, &format!("{LATENCY}_count"), &[("route", route)])
}

const REQUESTS: &str = "gongshi_http_requests_total";
const LATENCY: &str = "gongshi_http_request_duration_seconds";
const FILED: &str = "gongshi_objections_filed_total";
const BATCH: &str = "gongshi_objection_commit_batch_size";

db_test!(metrics_count_requests_latency_and_objections, |app| {
    let s = scene(&app).await;
    let healthz = [("method", "GET"), ("route", "/healthz"), ("status", "200")];
    let before = scrape(&app).await;
    for _ in 0..3 {
        assert_eq!(app.get("/healthz").await.status().as_u16(), 200);
    }
    app.get("/no/such/page/anywhere").await;
    assert_eq!(file_api(&app, s.notice, &objection(s.projects[0])).await.status().as_u16(), 201);

    let after = scrape(&app).await;
    assert_eq!(number(&after, REQUESTS, &healthz) - number(&before, REQUESTS, &healthz), 3);
    assert!(observations(&after, "/healthz") >= observations(&before, "/healthz") + 3);
    let le_inf = [("route", "/healthz"), ("le", "+Inf")];
    assert_eq!(number(&after, &format!("{LATENCY}_bucket"), &le_inf), observations(&after, "/healthz"));
    // A path matching no route is counted once under one name, not as a series of its own.
    assert!(number(&after, REQUESTS, &[("route", "unmatched"), ("status", "404")]) >= 1);
    assert!(find(&after, REQUESTS, &[("route", "/no/such/page/anywhere")]).is_none());
    let filing = [("method", "POST"), ("route", "/api/v1/notices/{id}/objections"), ("status", "201")];
    assert_eq!(number(&after, REQUESTS, &filing), 1);
    let public = [("by", "public")];
    assert_eq!(number(&after, FILED, &public) - number(&before, FILED, &public), 1);
    let batches = number(&after, &format!("{BATCH}_count"), &[]) - number(&before, &format!("{BATCH}_count"), &[]);
    assert_eq!(batches, 1, "one group-commit transaction took the one submission");
    let batches_of_one = after
        .iter()
        .find(|s| {
            s.metric == format!("{BATCH}_bucket") && s.labels.get("le").and_then(|l| l.parse::<f64>().ok()) == Some(1.0)
        })
        .map(|s| s.value.parse::<u64>().unwrap());
    assert_eq!(batches_of_one, Some(number(&after, &format!("{BATCH}_count"), &[])), "every batch held one submission");

    // An objection staff register from a letter is counted too, apart from the public's.
    let user = app.create_user(s.unit, "handler", "dengji").await;
    let token = app.api_token(user).await;
    let letter = serde_json::json!({ "channel": "letter", "claimed_at": "2025-03-11", "objector_kind": "individual",
        "name": "赵六", "phone": "0935-2212345", "project_id": s.projects[0], "category": "ip", "content": "专利权属有争议。" });
    let res = app
        .client
        .post(app.url(&format!("/api/v1/admin/notices/{}/objections", s.notice)))
        .bearer_auth(&token)
        .json(&letter)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let last = scrape(&app).await;
    let staff = [("by", "staff")];
    assert_eq!(number(&last, FILED, &staff) - number(&after, FILED, &staff), 1);
    assert_eq!(number(&last, FILED, &public), number(&after, FILED, &public));
    assert!(number(&after, "gongshi_db_pool_connections", &[]) >= 1);
    assert!(find(&after, "gongshi_db_pool_idle_connections", &[]).is_some());

    // What the public answers kept in memory weigh is there for an operator to watch.
    assert_eq!(app.get("/").await.status().as_u16(), 200);
    let stored = scrape(&app).await;
    assert!(number(&stored, "gongshi_stored_answer_bytes", &[]) > 1000, "the home page is kept");
    assert!(find(&stored, "gongshi_brotli_builds_pending", &[]).is_some());

    // A stored answer sent again, without passing the router, is counted under its route.
    let notice = [("method", "GET"), ("route", "/notices/{id}"), ("status", "200")];
    for _ in 0..3 {
        assert_eq!(app.get(&format!("/notices/{}", s.notice)).await.status().as_u16(), 200);
    }
    let sent_again = scrape(&app).await;
    assert_eq!(number(&sent_again, REQUESTS, &notice) - number(&stored, REQUESTS, &notice), 3);
    assert_eq!(number(&sent_again, REQUESTS, &[("route", "unmatched"), ("status", "200")]), 0);
});

db_test!(metrics_are_hidden_from_clients_outside_metrics_from, |app| {
    // Through the (trusted) proxy, the client is the forwarded address: not this host.
    let res = app.client.get(app.url("/metrics")).header("x-forwarded-for", "203.0.113.9").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 404);
    assert!(!res.text().await.unwrap().contains("gongshi_http_requests"));

    // A server that lets only its monitoring network read them answers this host 404 too.
    let fenced = TestApp::spawn_with(app.backend, |s| s.metrics_from = vec!["10.20.0.0/16".parse().unwrap()]).await;
    assert_eq!(fenced.get("/metrics").await.status().as_u16(), 404);
    let res = fenced.client.get(fenced.url("/metrics")).header("x-forwarded-for", "10.20.3.4").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
});
