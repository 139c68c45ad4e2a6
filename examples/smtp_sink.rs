//! An SMTP server that takes every message and counts them, for scripts/bench-subscribers.sh:
//! `smtp_sink PORT COUNT_FILE` listens on 127.0.0.1:PORT and rewrites COUNT_FILE with the number
//! of messages taken (and the distinct recipients) every 100 ms.
use mailin_embedded::response::{self, Response};
use mailin_embedded::{Handler, Server, SslConfig};
use std::collections::HashSet;
use std::net::TcpListener;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

#[derive(Default)]
struct Tally {
    messages: AtomicUsize,
    recipients: Mutex<HashSet<String>>,
}

#[derive(Clone)]
struct Sink {
    tally: Arc<Tally>,
    to: Vec<String>,
}

impl Handler for Sink {
    fn rcpt(&mut self, to: &str) -> Response {
        self.to.push(to.to_owned());
        response::OK
    }

    fn data_end(&mut self) -> Response {
        self.tally.messages.fetch_add(1, Ordering::Relaxed);
        self.tally.recipients.lock().unwrap_or_else(std::sync::PoisonError::into_inner).extend(self.to.drain(..));
        response::OK
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let port: u16 = args.next().and_then(|p| p.parse().ok()).expect("usage: smtp_sink PORT COUNT_FILE");
    let file = args.next().expect("usage: smtp_sink PORT COUNT_FILE");
    let tally = Arc::new(Tally::default());
    let counter = tally.clone();
    std::thread::spawn(move || {
        loop {
            let messages = counter.messages.load(Ordering::Relaxed);
            let recipients = counter.recipients.lock().unwrap_or_else(std::sync::PoisonError::into_inner).len();
            let _ = std::fs::write(&file, format!("{messages} {recipients}\n"));
            std::thread::sleep(Duration::from_millis(100));
        }
    });
    let listener = TcpListener::bind(("127.0.0.1", port)).expect("the port is free");
    let mut server = Server::new(Sink { tally, to: Vec::new() });
    server.with_name("sink.bench").with_ssl(SslConfig::None).expect("no TLS").with_tcp_listener(listener);
    // A thread per connection: more than the sender's pool ever opens, idle ones included.
    server.with_num_threads(64);
    server.serve().expect("SMTP sink runs");
}
