//! `gongshi backup` / `gongshi restore`, run as the real binary against a live test server that
//! keeps taking objections during the backup: every objection acknowledged before the backup
//! began is in the restored database, whose ledger verifies and whose evidence files exist.
use crate::db_test;
use crate::helpers::{Backend, TestApp};
use crate::objections_support::{form_fields, pdf, scene, some_client};
use sea_orm::EntityTrait;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const FILERS: usize = 4;
const EACH: usize = 50;

fn gongshi(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(args)
        .env_remove("GONGSHI_MASTER_KEY")
        .output()
        .expect("gongshi runs")
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

/// Files `EACH` objections, one in five with a PDF, recording each acknowledged receipt code.
async fn file_many(app: &TestApp, notice: i32, project: i32, acked: &Mutex<Vec<String>>) {
    for n in 0..EACH {
        let mut form = reqwest::multipart::Form::new();
        for (k, v) in form_fields(project) {
            form = form.text(k, v);
        }
        if n % 5 == 0 {
            form = form.part("attachments", reqwest::multipart::Part::bytes(pdf()).file_name("证据.pdf"));
        }
        let res = app
            .client
            .post(app.url(&format!("/api/v1/notices/{notice}/objections")))
            .header("x-forwarded-for", some_client())
            .multipart(form)
            .send()
            .await
            .expect("an answer");
        assert_eq!(res.status().as_u16(), 201, "filed during the backup");
        let body: serde_json::Value = res.json().await.expect("JSON");
        acked.lock().unwrap().push(body["receipt_code"].as_str().expect("a receipt code").to_owned());
    }
}

/// Waits until some objections are in, then backs up; returns those acknowledged before.
async fn back_up_midway(app: &TestApp, acked: &Mutex<Vec<String>>, out: &std::path::Path) -> Vec<String> {
    while acked.lock().unwrap().len() < 40 {
        actix_web::rt::time::sleep(Duration::from_millis(5)).await;
    }
    let before = acked.lock().unwrap().clone();
    let args = [
        "backup".to_owned(),
        "--database".to_owned(),
        app.database_url.clone(),
        "--data-dir".to_owned(),
        app.data_dir().display().to_string(),
        "--out".to_owned(),
        out.display().to_string(),
    ];
    let output = tokio::task::spawn_blocking(move || gongshi(&args.iter().map(String::as_str).collect::<Vec<_>>()))
        .await
        .unwrap();
    assert!(output.status.success(), "backup: {}", text(&output));
    assert!(text(&output).contains("备份完成"), "{}", text(&output));
    before
}

db_test!(a_backup_taken_under_load_restores_every_acknowledged_objection, |app| {
    let target = tempfile::tempdir().unwrap();
    let archive = target.path().join("gongshi-backup.zip");
    if app.backend == Backend::Postgres {
        let output = gongshi(&["backup", "--database", &app.database_url, "--out", &archive.display().to_string()]);
        assert!(!output.status.success());
        assert!(text(&output).contains("pg_dump"), "points to pg_dump: {}", text(&output));
        assert!(!archive.exists());
    } else {
        let s = scene(&app).await;
        let acked = Arc::new(Mutex::new(Vec::new()));
        let flood =
            futures_util::future::join_all((0..FILERS).map(|_| file_many(&app, s.notice, s.projects[0], &acked)));
        let (_, before_backup) = futures_util::future::join(flood, back_up_midway(&app, &acked, &archive)).await;
        assert_eq!(acked.lock().unwrap().len(), FILERS * EACH, "the server kept taking objections");
        assert!(before_backup.len() < FILERS * EACH, "the backup ran while objections were still coming in");

        let restored_db = format!("sqlite://{}/restored/gongshi.db", target.path().display());
        let restored_data = target.path().join("restored-data");
        let data = restored_data.display().to_string();
        let output = gongshi(&[
            "restore",
            "--from",
            &archive.display().to_string(),
            "--database",
            &restored_db,
            "--data-dir",
            &data,
        ]);
        assert!(output.status.success(), "restore: {}", text(&output));
        // Restoring over what exists is refused.
        let again = gongshi(&[
            "restore",
            "--from",
            &archive.display().to_string(),
            "--database",
            &restored_db,
            "--data-dir",
            &data,
        ]);
        assert!(!again.status.success() && text(&again).contains("已存在"), "{}", text(&again));
        let output = gongshi(&["verify", "--database", &restored_db]);
        assert!(output.status.success(), "verify: {}", text(&output));

        let db = gongshi::db::connect(&restored_db).await.unwrap();
        let restored: std::collections::HashSet<String> =
            entity::objections::Entity::find().all(&db).await.unwrap().into_iter().map(|o| o.receipt_code).collect();
        let missing: Vec<&String> = before_backup.iter().filter(|code| !restored.contains(*code)).collect();
        assert!(missing.is_empty(), "acknowledged before the backup but not restored: {missing:?}");
        let attachments = entity::objection_attachments::Entity::find().all(&db).await.unwrap();
        assert!(!attachments.is_empty(), "evidence was filed before the backup");
        for a in &attachments {
            let file = restored_data.join("attachments").join(&a.storage_key);
            assert_eq!(
                std::fs::metadata(&file).map(|m| m.len()).ok(),
                u64::try_from(a.size_bytes).ok(),
                "{}",
                file.display()
            );
        }
        let key = std::fs::read(restored_data.join("master.key")).expect("the master key is restored");
        assert_eq!(key, std::fs::read(app.data_dir().join("master.key")).unwrap());
        db.close().await.ok();
    }
});
