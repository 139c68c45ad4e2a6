//! `--log-format json`: the real binary writes one JSON object per log line, for collectors.
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Starts the real binary with `serve_args` and JSON logs; returns the lines logged until it
/// says it is listening (a minute at most), then stops it.
fn lines_until_listening(serve_args: &[&str]) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(["--log-format", "json", "serve", "--bind", "127.0.0.1:0"])
        .args(serve_args)
        .arg("--database")
        .arg(format!("sqlite://{}/gongshi.db", dir.path().display()))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env_remove("GONGSHI_LOG")
        .env_remove("GONGSHI_WORKERS")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the gongshi binary starts");
    let stderr = server.stderr.take().unwrap();
    let (lines, received) = mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if lines.send(line).is_err() {
                break;
            }
        }
    });
    let mut seen: Vec<serde_json::Value> = Vec::new();
    while let Ok(line) = received.recv_timeout(Duration::from_mins(1)) {
        let event = serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}\nbefore: {seen:?}"));
        seen.push(event);
        if seen.last().and_then(|e| e["message"].as_str()).is_some_and(|m| m.contains("listening")) {
            break;
        }
    }
    server.kill().ok();
    server.wait().ok();
    seen
}

fn message(event: &serde_json::Value) -> &str {
    event["message"].as_str().unwrap_or_default()
}

#[test]
fn serve_with_json_log_format_writes_one_json_object_per_line() {
    let seen = lines_until_listening(&[]);
    let event = seen.iter().find(|e| message(e).contains("listening"));
    let event = event.unwrap_or_else(|| panic!("no start line logged: {seen:?}"));
    assert_eq!(event["level"], "INFO");
    assert!(event["timestamp"].is_string(), "{event}");
    assert!(event["target"].as_str().is_some_and(|t| t.starts_with("gongshi")), "{event}");
}

#[test]
fn serve_starts_as_many_workers_as_asked() {
    let started = |args: &[&str]| {
        let seen = lines_until_listening(args);
        let line = seen.iter().map(message).find(|m| m.starts_with("starting") && m.ends_with("workers"));
        line.unwrap_or_else(|| panic!("no workers line: {seen:?}")).to_owned()
    };
    assert_eq!(started(&["--workers", "1"]), "starting 1 workers");
    assert_eq!(started(&["--workers", "3"]), "starting 3 workers");
    let cores = std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get);
    assert_eq!(started(&[]), format!("starting {cores} workers"));
}
