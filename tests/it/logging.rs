//! `--log-format json`: the real binary writes one JSON object per log line, for collectors.
use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

#[test]
fn serve_with_json_log_format_writes_one_json_object_per_line() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(["--log-format", "json", "serve", "--bind", "127.0.0.1:0"])
        .arg("--database")
        .arg(format!("sqlite://{}/gongshi.db", dir.path().display()))
        .arg("--data-dir")
        .arg(dir.path().join("data"))
        .env_remove("GONGSHI_LOG")
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
    let mut seen = Vec::new();
    let started = loop {
        let Ok(line) = received.recv_timeout(Duration::from_mins(1)) else { break None };
        let event: serde_json::Value =
            serde_json::from_str(&line).unwrap_or_else(|e| panic!("not JSON ({e}): {line}\nbefore: {seen:?}"));
        seen.push(line);
        if event["message"].as_str().is_some_and(|m| m.contains("listening")) {
            break Some(event);
        }
    };
    server.kill().ok();
    server.wait().ok();
    let event = started.unwrap_or_else(|| panic!("no start line logged: {seen:?}"));
    assert_eq!(event["level"], "INFO");
    assert!(event["timestamp"].is_string(), "{event}");
    assert!(event["target"].as_str().is_some_and(|t| t.starts_with("gongshi")), "{event}");
}
