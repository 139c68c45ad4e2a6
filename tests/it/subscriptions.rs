//! Readers' subscriptions, end to end: asking, the confirmation (the only mail an unconfirmed
//! address gets), events as they happen with one-click unsubscribe, digests cut at 00:00 China
//! time, the weekly line to quiet subscriptions, bounces, erasure, and the counts staff see.
//! The app hands its mail to a real SMTP server started by the test. SQLite and PostgreSQL.
use crate::helpers::{TestApp, backends};
use crate::mail::{app_with_mail, nth};
use crate::objections_support::{cn, during, hidden, scene};
use crate::smtp_server::{Received, SmtpServer};
use chrono::{DateTime, Duration, Utc};
use entity::subscriptions;
use gongshi::audit::Who;
use gongshi::notices::generate::start_correction;
use gongshi::notices::publish::{PublishRequest, publish, withdraw};
use gongshi::subscriptions::{delivery, journal, service};
use sea_orm::EntityTrait;
use serde_json::{Value, json};
use std::time::Duration as Wait;

const READER: &str = "reader@example.cn";

async fn ask(app: &TestApp, body: Value) -> reqwest::Response {
    app.client.post(app.url("/api/v1/subscriptions")).json(&body).send().await.unwrap()
}

fn asking(email: &str, scope: &str, frequency: &str) -> Value {
    let mut body = json!({ "email": email, "scope": scope, "frequency": frequency });
    if scope.starts_with("unit") {
        body["unit"] = json!("WW");
    }
    body
}

async fn manage(app: &TestApp, token: &str, action: &str) -> (u16, Value) {
    let res = app
        .client
        .post(app.url("/api/v1/subscriptions/manage"))
        .json(&json!({ "token": token, "action": action }))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    (status, res.json().await.unwrap_or(Value::Null))
}

/// The token in a confirmation message's link.
fn token_in(message: &Received) -> String {
    let text = message.text();
    let start = text.find("token=").expect("a link with a token") + "token=".len();
    text[start..start + 48].to_owned()
}

/// Asks, reads the confirmation, confirms; returns the token.
async fn subscribed(app: &TestApp, smtp: &SmtpServer, body: Value) -> String {
    let before = smtp.received().len();
    assert_eq!(ask(app, body).await.status().as_u16(), 202);
    let token = token_in(&nth(smtp, before + 1).await);
    let (status, view) = manage(app, &token, "confirm").await;
    assert_eq!((status, view["state"].as_str()), (200, Some("active")), "{view}");
    token
}

/// Runs the two subscription jobs at `now`, looking back from `since`.
async fn tick(app: &TestApp, since: DateTime<Utc>, now: DateTime<Utc>) -> delivery::Delivered {
    app.clock.set(now);
    journal::record(&app.db, &app.database_url, Some(since), now).await.unwrap();
    delivery::run(&app.db, &app.state.mail, now).await.unwrap()
}

/// Runs the delivery job alone at `at`.
async fn run(app: &TestApp, at: DateTime<Utc>) -> delivery::Delivered {
    app.clock.set(at);
    delivery::run(&app.db, &app.state.mail, at).await.unwrap()
}

/// No further message arrives within a moment.
async fn quiet(smtp: &SmtpServer, count: usize) {
    let got = smtp.wait_for(count + 1, Wait::from_millis(600)).await;
    assert_eq!(got.len(), count, "no further mail: {:?}", got.iter().map(Received::subject).collect::<Vec<_>>());
}

async fn correct(app: &TestApp, notice: i32, note: &str) {
    let now = app.clock_now();
    start_correction(&app.db, notice, &Who::default(), now).await.unwrap();
    publish(&app.db, notice, &PublishRequest { note: Some(note.into()), ..PublishRequest::default() }, now)
        .await
        .unwrap();
}

#[actix_web::test]
async fn a_confirmed_reader_is_told_as_it_happens_and_leaves_with_one_click() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let s = scene(&app).await;
        assert_eq!(ask(&app, asking(READER, "unit_tree", "immediate")).await.status().as_u16(), 202);
        let confirmation = nth(&smtp, 1).await;
        assert_eq!(confirmation.to, [READER]);
        assert_eq!(confirmation.subject(), "请确认订阅：武威市总工会及下级单位的公示");
        assert!(!confirmation.raw_headers().contains("List-Unsubscribe"), "{}", confirmation.raw_headers());
        let token = token_in(&confirmation);
        assert!(
            confirmation.text().contains(&format!("https://gongshi.example.org/subscriptions/confirm?token={token}"))
        );

        // Unconfirmed, a correction reaches nobody; the confirmation link's page does not
        // confirm by being opened (mail scanners open links).
        app.clock.set(during() + Duration::minutes(1));
        correct(&app, s.notice, "更正联系电话为0935-1234567").await;
        tick(&app, during(), during() + Duration::minutes(2)).await;
        quiet(&smtp, 1).await;
        let page = app.get(&format!("/subscriptions/confirm?token={token}")).await;
        assert_eq!(page.status().as_u16(), 200);
        let page = page.text().await.unwrap();
        assert!(page.contains("确认订阅") && page.contains("待确认"), "{page}");

        // Confirmed by the page's button (the visitor's CSRF cookie and token).
        let form = [("_csrf", hidden(&page, "_csrf")), ("token", token.clone())];
        let res = app.client.post(app.url("/subscriptions/confirm")).form(&form).send().await.unwrap();
        assert_eq!(res.status().as_u16(), 200);
        assert!(res.text().await.unwrap().contains("订阅已确认"));

        app.clock.set(during() + Duration::minutes(10));
        correct(&app, s.notice, "更正第二完成人姓名").await;
        tick(&app, during() + Duration::minutes(2), during() + Duration::minutes(11)).await;
        let told = nth(&smtp, 2).await;
        assert!(told.subject().starts_with("【更正】"), "{}", told.subject());
        let text = told.text();
        assert!(
            text.contains("更正第二完成人姓名") && !text.contains("0935-1234567"),
            "only what happened after: {text}"
        );
        let unsubscribe = format!("https://gongshi.example.org/subscriptions/unsubscribe?token={token}");
        let headers = told.raw_headers();
        assert!(headers.contains(&format!("List-Unsubscribe: <{unsubscribe}>")), "{headers}");
        assert!(headers.contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"), "{headers}");
        assert!(text.contains(&format!("/subscriptions/manage?token={token}")) && text.contains(&unsubscribe));
        assert!(told.html().contains(&format!("/notices/{}/revisions/3", s.notice)), "{}", told.html());
        // Seen again, the same event is not told twice.
        tick(&app, during() + Duration::minutes(2), during() + Duration::minutes(12)).await;
        quiet(&smtp, 2).await;

        // One click, as a mail client does it: no cookie, no CSRF token.
        let path = unsubscribe.replace("https://gongshi.example.org", "");
        let res = reqwest::Client::new()
            .post(app.url(&path))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .body("List-Unsubscribe=One-Click")
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
        assert!(res.text().await.unwrap().contains("已退订"));
        assert_eq!(manage(&app, &token, "view").await.1["state"], "ended");
        app.clock.set(during() + Duration::minutes(20));
        withdraw(&app.db, s.notice, "项目已并入其他申报", None, app.clock_now()).await.unwrap();
        tick(&app, during() + Duration::minutes(12), during() + Duration::minutes(21)).await;
        quiet(&smtp, 2).await;
        // A token that was never issued, or malformed, is a 404 that says so.
        assert_eq!(manage(&app, &"a".repeat(48), "view").await.0, 404);
        let res = app.get("/subscriptions/manage?token=../../etc").await;
        assert_eq!(res.status().as_u16(), 404);
        assert!(res.text().await.unwrap().contains("链接无效"));
    }
}

#[actix_web::test]
async fn digests_are_cut_at_midnight_china_time_and_a_quiet_week_gets_one_line() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let s = scene(&app).await; // Tuesday 11 March 2025, 09:30 China time
        subscribed(&app, &smtp, asking("daily@example.cn", "all", "daily")).await;
        subscribed(&app, &smtp, asking("weekly@example.cn", "all", "weekly")).await;
        app.clock.set(cn(2025, 3, 11, 10, 0, 0));
        correct(&app, s.notice, "更正联系电话").await;
        tick(&app, cn(2025, 3, 11, 9, 59, 0), cn(2025, 3, 11, 10, 1, 0)).await;

        assert_eq!(run(&app, cn(2025, 3, 11, 23, 59, 59)).await.digests, 0, "the day has not ended");
        assert_eq!(run(&app, cn(2025, 3, 12, 0, 0, 0)).await.digests, 1, "the daily digest at 00:00 China time");
        let daily = nth(&smtp, 3).await;
        assert_eq!(daily.to, ["daily@example.cn"]);
        assert_eq!(daily.subject(), "全部公示：2025年3月11日共1条动态");
        assert!(daily.text().contains("更正联系电话"), "{}", daily.text());
        assert!(daily.raw_headers().contains("List-Unsubscribe-Post: List-Unsubscribe=One-Click"));
        assert_eq!(run(&app, cn(2025, 3, 12, 0, 5, 0)).await, delivery::Delivered::default(), "once a day");
        assert_eq!(run(&app, cn(2025, 3, 13, 0, 0, 0)).await.digests, 0, "nothing new: no digest");

        assert_eq!(run(&app, cn(2025, 3, 16, 23, 59, 59)).await.digests, 0, "the week has not ended");
        let monday = run(&app, cn(2025, 3, 17, 0, 0, 0)).await;
        assert_eq!((monday.digests, monday.quiet), (1, 0), "the daily reader had mail this week");
        let weekly = nth(&smtp, 4).await;
        assert_eq!(weekly.to, ["weekly@example.cn"]);
        assert_eq!(weekly.subject(), "全部公示：2025年3月11日至2025年3月16日共1条动态");

        // A week with nothing: one line to each, once.
        let next = run(&app, cn(2025, 3, 24, 0, 0, 0)).await;
        assert_eq!((next.digests, next.quiet), (1, 1), "{next:?}");
        let mut lines: Vec<(String, String)> =
            [nth(&smtp, 5).await, nth(&smtp, 6).await].iter().map(|m| (m.to[0].clone(), m.subject())).collect();
        lines.sort();
        assert_eq!(
            lines,
            [
                ("daily@example.cn".to_owned(), "全部公示：本周没有新动态，订阅仍然有效".to_owned()),
                ("weekly@example.cn".to_owned(), "全部公示：本周没有新动态，订阅仍然有效".to_owned()),
            ]
        );
        assert_eq!(run(&app, cn(2025, 3, 24, 0, 10, 0)).await, delivery::Delivered::default());
        quiet(&smtp, 6).await;
    }
}

#[actix_web::test]
async fn a_notice_closing_within_a_day_is_told_to_its_scope_alone_at_the_exact_instant() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let s = scene(&app).await; // closes 15 March 00:00 China time
        subscribed(&app, &smtp, asking("closing@example.cn", "closing", "immediate")).await;
        subscribed(&app, &smtp, asking("all@example.cn", "all", "immediate")).await;
        let last_day = cn(2025, 3, 14, 0, 0, 0);
        let before = tick(&app, last_day - Duration::minutes(2), last_day - Duration::seconds(1)).await;
        assert_eq!(before.events, 0);
        let at = tick(&app, last_day - Duration::seconds(1), last_day).await;
        assert_eq!(at.events, 1, "24 hours before the close, to the closing scope only");
        let closing = nth(&smtp, 3).await;
        assert_eq!(closing.to, ["closing@example.cn"]);
        assert!(closing.subject().starts_with("【即将截止】"), "{}", closing.subject());
        assert!(closing.text().contains("将于2025年3月14日24时截止"), "{}", closing.text());
        let closed = tick(&app, last_day, cn(2025, 3, 15, 0, 0, 0)).await;
        assert_eq!(closed.events, 1);
        let end = nth(&smtp, 4).await;
        assert_eq!(end.to, ["all@example.cn"]);
        assert!(end.subject().starts_with("【公示结束】"), "{}", end.subject());
        assert!(end.html().contains(&format!("/notices/{}", s.notice)));
        quiet(&smtp, 4).await;
    }
}

#[actix_web::test]
async fn asking_reveals_nothing_and_an_address_gets_at_most_three_confirmations_a_day() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        scene(&app).await;
        for (body, field) in [
            (json!({ "email": "不是邮箱", "scope": "all", "frequency": "daily" }), "email"),
            (
                json!({ "email": "a@example.cn\r\nBcc: victim@example.cn", "scope": "all", "frequency": "daily" }),
                "email",
            ),
            (json!({ "email": "a@example.cn", "scope": "unit", "unit": "NOPE", "frequency": "daily" }), "unit"),
            (json!({ "email": "a@example.cn", "scope": "closing", "frequency": "weekly" }), "frequency"),
            (json!({ "email": "a@example.cn", "scope": "level", "level": "7", "frequency": "daily" }), "level"),
        ] {
            let res = ask(&app, body.clone()).await;
            assert_eq!(res.status().as_u16(), 422, "{body}");
            let problem: Value = res.json().await.unwrap();
            assert_eq!(problem["errors"][0]["field"], field, "{problem}");
            assert!(problem["errors"][0]["message"].as_str().unwrap().chars().any(|c| c > '\u{2e80}'), "{problem}");
        }
        // New, waiting, waiting, over the limit: the same answer each time; three confirmations.
        let mut answers = Vec::new();
        for _ in 0..4 {
            let res = ask(&app, asking(READER, "all", "immediate")).await;
            answers.push((res.status().as_u16(), res.text().await.unwrap()));
        }
        assert!(answers.windows(2).all(|w| w[0] == w[1]), "{answers:?}");
        assert_eq!(answers[0].0, 202);
        let got = smtp.wait_for(3, Wait::from_secs(10)).await;
        quiet(&smtp, 3).await;
        assert!(got.iter().all(|m| m.subject() == "请确认订阅：全部公示"));
        let tokens: Vec<String> = got.iter().map(token_in).collect();
        assert!(tokens.windows(2).all(|w| w[0] == w[1]), "a repeat sends the same link again");
        assert_eq!(subscriptions::Entity::find().all(&app.db).await.unwrap().len(), 1);

        // Confirmed, a day later: asking again answers the same and mails the way back.
        manage(&app, &tokens[0], "confirm").await;
        app.clock.set(app.clock_now() + Duration::days(1));
        let res = ask(&app, asking(READER, "all", "immediate")).await;
        assert_eq!((res.status().as_u16(), res.text().await.unwrap()), answers[0].clone());
        let reminder = nth(&smtp, 4).await;
        assert_eq!(reminder.subject(), "您已订阅：全部公示");
        assert!(reminder.text().contains(&format!("/subscriptions/manage?token={}", tokens[0])));

        // The page: the same words whatever the address, and never the address itself.
        let form = app.get("/subscribe?scope=unit_tree&unit=WW").await.text().await.unwrap();
        assert!(form.contains("value=\"WW\" selected"), "prefilled from the link");
        let post = |email: &'static str| {
            let csrf = hidden(&form, "_csrf");
            let app = &app;
            async move {
                let fields = [("_csrf", csrf.as_str()), ("email", email), ("scope", "all"), ("frequency", "daily")];
                let res = app.client.post(app.url("/subscribe")).form(&fields).send().await.unwrap();
                (res.status().as_u16(), res.text().await.unwrap())
            }
        };
        let (known, fresh) = (post(READER).await, post("someone.else@example.cn").await);
        assert_eq!(known.0, 200);
        assert!(known.1.contains("请查收确认邮件") && !known.1.contains(READER));
        assert_eq!(known, fresh, "the same page whatever the address has");
        let bad = post("two@example.cn, three@example.cn").await;
        assert_eq!(bad.0, 422);
        assert!(bad.1.contains("电子邮箱格式不正确"));

        // Per client: 20 an hour.
        let mut last = 0;
        for n in 0..30 {
            last = ask(&app, asking(&format!("r{n}@example.cn"), "all", "daily")).await.status().as_u16();
            if last == 429 {
                break;
            }
        }
        assert_eq!(last, 429);
    }
}

#[actix_web::test]
async fn a_hard_bounce_suspends_and_staff_see_counts_never_addresses() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let s = scene(&app).await;
        let own_unit = json!({ "email": READER, "scope": "unit", "unit": "E-GDGS", "frequency": "immediate" });
        let token = subscribed(&app, &smtp, own_unit).await;
        subscribed(&app, &smtp, asking("daily.reader@example.cn", "unit_tree", "daily")).await;
        smtp.refuse_next(1, mailin_embedded::response::NO_MAILBOX);
        app.clock.set(during() + Duration::minutes(5));
        correct(&app, s.notice, "更正").await;
        tick(&app, during(), during() + Duration::minutes(6)).await;
        let mut suspended = false;
        for _ in 0..100 {
            if manage(&app, &token, "view").await.1["state"] == "suspended" {
                suspended = true;
                break;
            }
            tokio::time::sleep(Wait::from_millis(100)).await;
        }
        assert!(suspended, "a 550 suspends the subscription");
        assert!(manage(&app, &token, "view").await.1["state_label"].as_str().unwrap().contains("无法投递"));

        let admin = app.sign_in(s.city, "admin", "city.admin").await;
        let (status, page) = admin.get_text("/admin/subscriptions").await;
        assert_eq!(status, 200);
        assert!(page.contains("武威市总工会及下级单位的公示"), "{page}");
        assert!(!page.contains("reader@") && !page.contains("daily.reader"), "never an address");
        assert!(!page.contains("国网武威供电公司的公示"), "another unit's scope is not this unit's count");
        let enterprise = app.sign_in(s.unit, "admin", "e.admin").await;
        let (_, page) = enterprise.get_text("/admin/subscriptions").await;
        assert!(page.contains("国网武威供电公司的公示") && page.contains(">1</td>"), "{page}");
        let viewer = app.sign_in(s.unit, "viewer", "e.viewer").await;
        assert_eq!(viewer.get("/admin/subscriptions").await.status().as_u16(), 403);

        // The relay's complaint report, by the province's admins only.
        let city_token = app.api_token(admin.user_id).await;
        let report = json!({ "addresses": ["DAILY.reader@example.cn"], "reason": "complaint" });
        let post = |token: String| {
            let report = report.clone();
            let app = &app;
            async move {
                app.client
                    .post(app.url("/api/v1/admin/subscriptions/suppressions"))
                    .bearer_auth(token)
                    .json(&report)
                    .send()
                    .await
                    .unwrap()
            }
        };
        assert_eq!(post(city_token).await.status().as_u16(), 403);
        let province = app.create_user(s.province, "admin", "gs.admin").await;
        let res = post(app.api_token(province).await).await;
        assert_eq!(res.status().as_u16(), 200);
        assert_eq!(res.json::<Value>().await.unwrap()["suspended"], 1, "matched whatever the case");
        let res = app
            .client
            .get(app.url("/api/v1/admin/subscriptions"))
            .bearer_auth(app.api_token(province).await)
            .send()
            .await
            .unwrap();
        let counts: Value = res.json().await.unwrap();
        let suspended: u64 = counts["rows"].as_array().unwrap().iter().map(|r| r["suspended"].as_u64().unwrap()).sum();
        assert_eq!(suspended, 2, "{counts}");
        assert!(!counts.to_string().contains('@'), "{counts}");
    }
}

#[actix_web::test]
async fn an_ended_subscription_is_erased_after_thirty_days_and_can_be_resumed_until_then() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        scene(&app).await;
        let token = subscribed(&app, &smtp, asking(READER, "all", "weekly")).await;
        let ended_at = app.clock_now();
        assert_eq!(manage(&app, &token, "unsubscribe").await.1["state"], "ended");
        let page = app.get(&format!("/subscriptions/manage?token={token}")).await.text().await.unwrap();
        assert!(page.contains("已退订") && page.contains("恢复订阅") && page.contains("2025年4月10日"), "{page}");
        assert_eq!(manage(&app, &token, "resume").await.1["state"], "active");
        assert_eq!(manage(&app, &token, "unsubscribe").await.1["state"], "ended");

        let grace = ended_at + service::GRACE;
        assert_eq!(service::erase_due(&app.db, grace - Duration::seconds(1)).await.unwrap(), 0);
        assert_eq!(service::erase_due(&app.db, grace).await.unwrap(), 1);
        let row = subscriptions::Entity::find().one(&app.db).await.unwrap().unwrap();
        assert_eq!((row.state.as_str(), row.contact_sealed, row.address_digest), ("erased", None, None));
        assert_eq!(manage(&app, &token, "view").await.0, 404);
        assert_eq!(app.get(&format!("/subscriptions/manage?token={token}")).await.status().as_u16(), 404);

        // Unconfirmed requests go after seven days.
        ask(&app, asking("never@example.cn", "all", "daily")).await;
        let asked = app.clock_now();
        assert_eq!(service::erase_due(&app.db, asked + Duration::days(7) - Duration::seconds(1)).await.unwrap(), 0);
        assert_eq!(service::erase_due(&app.db, asked + Duration::days(7)).await.unwrap(), 1);
    }
}

#[actix_web::test]
async fn without_smtp_nobody_can_subscribe_and_the_page_says_so() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        scene(&app).await;
        let res = ask(&app, asking(READER, "all", "daily")).await;
        assert_eq!(res.status().as_u16(), 409);
        let page = app.get("/subscribe").await.text().await.unwrap();
        assert!(page.contains("本站未开通邮件通知"), "{page}");
        assert!(subscriptions::Entity::find().all(&app.db).await.unwrap().is_empty());
    }
}

#[actix_web::test]
async fn the_server_jobs_record_and_deliver_an_event_on_their_next_tick() {
    use gongshi::jobs::{Job, run_due};
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let s = scene(&app).await;
        subscribed(&app, &smtp, asking(READER, "all", "immediate")).await;
        app.clock.set(during() + Duration::minutes(1));
        correct(&app, s.notice, "更正联系电话").await;
        app.clock.set(during() + Duration::minutes(2));
        let ran = run_due(app.jobs_on(), "instance", app.clock_now()).await.unwrap();
        let said = |job| ran.iter().find(|(j, _)| *j == job).map(|(_, r)| r.as_str());
        assert_eq!(said(Job::SubscriptionEvents), Some("recorded 1"), "{ran:?}");
        assert_eq!(said(Job::SubscriptionMail), Some("events 1 digests 0 quiet 0"), "{ran:?}");
        assert!(nth(&smtp, 2).await.subject().starts_with("【更正】"));
    }
}

#[actix_web::test]
async fn a_result_report_issued_and_then_void_is_told_with_its_reason() {
    use crate::notices_support::{day, draft, projects, published, result, world};
    use gongshi::notices::Level;
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = app_with_mail(backend, &smtp).await;
        let w = world(&app).await;
        let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
        let id = published(&app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
        app.clock.set(cn(2025, 3, 12, 9, 0, 0));
        subscribed(&app, &smtp, asking(READER, "unit_tree", "immediate")).await;

        app.clock.set(cn(2025, 3, 16, 10, 0, 0));
        let report = result(&app, id, Level::Applicant, &[(ids[0], "no_objection")]).await;
        let code: String = entity::result_reports::Entity::find_by_id(report).one(&app.db).await.unwrap().unwrap().code;
        let issued = tick(&app, cn(2025, 3, 16, 9, 59, 0), cn(2025, 3, 16, 10, 1, 0)).await;
        assert_eq!(issued.events, 1, "{issued:?}");
        let told = nth(&smtp, 2).await;
        assert!(told.subject().starts_with("【公示结果】"), "{}", told.subject());
        assert!(told.html().contains(&format!("/reports/{code}")));

        app.clock.set(cn(2025, 3, 17, 10, 0, 0));
        withdraw(&app.db, id, "项目已并入其他申报", None, app.clock_now()).await.unwrap();
        let stopped = tick(&app, cn(2025, 3, 17, 9, 59, 0), cn(2025, 3, 17, 10, 1, 0)).await;
        assert_eq!(stopped.events, 2, "the withdrawal and the report it voids: {stopped:?}");
        let mut subjects = [nth(&smtp, 3).await, nth(&smtp, 4).await];
        subjects.sort_by_key(Received::subject);
        assert!(subjects[0].subject().starts_with("【公示结果报告已失效】"), "{}", subjects[0].subject());
        assert!(subjects[0].text().contains("该公示已被撤销"), "{}", subjects[0].text());
        assert!(subjects[1].subject().starts_with("【撤销】"), "{}", subjects[1].subject());
        assert!(subjects[1].text().contains("项目已并入其他申报"), "{}", subjects[1].text());
        quiet(&smtp, 4).await;
    }
}
