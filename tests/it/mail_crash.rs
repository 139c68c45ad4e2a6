//! The outbox across a crash: the real binary is killed (SIGKILL) while the SMTP server holds
//! its messages at DATA, then started again. Every message reaches the SMTP server exactly once:
//! those it had taken are not sent again, those in flight or still waiting in its claim are sent
//! once more.
use crate::helpers::{TestApp, backends};
use crate::smtp_server::SmtpServer;
use entity::mail_outbox;
use gongshi::mail::{Letter, Mail, Postbox};
use sea_orm::{EntityTrait, QueryOrder};
use std::collections::HashSet;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const MESSAGES: usize = 12;
const BEFORE_THE_KILL: usize = 5;

fn sender(app: &TestApp, smtp: &SmtpServer) -> Child {
    Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(["serve", "--bind", "127.0.0.1:0", "--mail-from", "公示 <gongshi@example.org>"])
        .args(["--database", &app.database_url, "--smtp", &smtp.url(), "--mail-claim-seconds", "2"])
        .arg("--data-dir")
        .arg(app.data_dir())
        .env("GONGSHI_MASTER_KEY", app.master_key())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the gongshi binary starts")
}

async fn rows(app: &TestApp) -> Vec<mail_outbox::Model> {
    mail_outbox::Entity::find().order_by_asc(mail_outbox::Column::Id).all(&app.db).await.unwrap()
}

async fn eventually(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let start = Instant::now();
    while !done().await {
        assert!(start.elapsed() < Duration::from_secs(90), "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[actix_web::test]
async fn a_sender_killed_mid_message_delivers_each_message_exactly_once_after_restart() {
    for backend in backends() {
        let smtp = SmtpServer::start();
        let app = TestApp::spawn(backend).await;
        let postbox = Postbox::open("https://gongshi.example.org", app.state.secrets.sealer.clone());
        for n in 1..=MESSAGES {
            let letter =
                Letter { subject: format!("第{n}封"), paragraphs: vec![format!("正文{n}")], ..Letter::default() };
            let mail = Mail {
                kind: "objection.received",
                to: format!("reader{n}@example.cn"),
                letter,
                unit_id: None,
                objection_id: None,
                list: None,
            };
            postbox.post(&app.db, mail, app.clock_now()).await.unwrap();
        }
        smtp.hold_after(BEFORE_THE_KILL);
        let mut first = sender(&app, &smtp);
        eventually("the SMTP server holds a message at DATA", async || smtp.holding()).await;
        let recorded = async || rows(&app).await.iter().filter(|r| r.state == "sent").count() == BEFORE_THE_KILL;
        eventually("the messages taken are recorded", recorded).await;
        first.kill().expect("SIGKILL");
        first.wait().ok();
        smtp.release();
        assert_eq!(smtp.received().len(), BEFORE_THE_KILL);
        let after_kill = rows(&app).await;
        let count = |state: &str| after_kill.iter().filter(|r| r.state == state).count();
        let in_flight = MESSAGES - BEFORE_THE_KILL;
        assert_eq!((count("sent"), count("sending")), (BEFORE_THE_KILL, in_flight), "{after_kill:?}");

        let mut second = sender(&app, &smtp);
        eventually("every message is sent", async || rows(&app).await.iter().all(|r| r.state == "sent")).await;
        // Longer than a claim and a poll: a duplicate would have come by now.
        tokio::time::sleep(Duration::from_secs(4)).await;
        second.kill().ok();
        second.wait().ok();

        let received = smtp.received();
        assert_eq!(received.len(), MESSAGES, "each message once, none twice");
        let ids: HashSet<String> = received.iter().map(crate::smtp_server::Received::message_id).collect();
        assert_eq!(ids.len(), MESSAGES);
        let recipients: HashSet<String> = received.iter().flat_map(|m| m.to.clone()).collect();
        assert_eq!(recipients.len(), MESSAGES);
        let stored = rows(&app).await;
        assert!(stored.iter().all(|r| ids.contains(r.message_id.trim_matches(|c| c == '<' || c == '>'))));
        let sent_first: HashSet<i32> = after_kill.iter().filter(|r| r.state == "sent").map(|r| r.id).collect();
        for row in &stored {
            let expected = if sent_first.contains(&row.id) { 1 } else { 2 };
            assert_eq!(row.attempts, expected, "the messages in flight or waiting were claimed again once: {row:?}");
        }
        assert!(stored.iter().all(|r| r.recipient_sealed.is_none()));
    }
}
