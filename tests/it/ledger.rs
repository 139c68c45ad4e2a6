//! The tamper-evident record: `verify` passes when chain and rows agree and names the first
//! break when a row is edited, deleted or slipped in behind the ledger's back; two instances
//! on one database keep a single chain; the head is public at /transparency.
use crate::db_test;
use crate::helpers::{Backend, TestApp};
use crate::objections_support::*;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

async fn verified(app: &TestApp) -> Result<gongshi::ledger::Head, String> {
    gongshi::verify::verify(&app.db).await.expect("database answers").map_err(|f| f.reason)
}

/// Runs the real binary: `gongshi verify --database URL`.
fn verify_cli(app: &TestApp) -> (bool, String) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_gongshi"))
        .args(["verify", "--database", &app.database_url])
        .env("GONGSHI_LOG", "error")
        .output()
        .expect("gongshi runs");
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// A notice with two filed objections, one of them handled to a conclusion.
async fn history(app: &TestApp) -> (Scene, Vec<entity::objections::Model>) {
    let s = scene(app).await;
    file_api(app, s.notice, &objection(s.projects[0])).await;
    file_form(app, s.notice, &form_fields(s.projects[1]), vec![("证据.pdf", pdf())]).await;
    let user = app.create_user(s.unit, "handler", "chuli").await;
    let token = app.api_token(user).await;
    let id = objections(app).await[0].id;
    for to in ["accepted", "investigating", "upheld"] {
        let res = app
            .client
            .post(app.url(&format!("/api/v1/admin/objections/{id}/transitions")))
            .bearer_auth(&token)
            .json(&json!({
                "to": to,
                "objector_note": "核查属实",
                "public_summary": (to == "upheld").then_some("经核查，异议成立。"),
            }))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status().as_u16(), 200);
    }
    let rows = objections(app).await;
    (s, rows)
}

async fn sql(app: &TestApp, statement: &str) {
    app.db.execute_unprepared(statement).await.expect("statement runs");
}

db_test!(verify_passes_when_the_chain_and_every_row_agree, |app| {
    history(&app).await;
    let head = verified(&app).await.expect("sound");
    // 1 publication, 2 receipts, 2 first events, 3 transitions.
    assert_eq!(head.count, 8);
    let (ok, text) = verify_cli(&app);
    assert!(ok, "{text}");
    assert!(text.contains("账本完好：共 8 条记录"), "{text}");
    assert!(text.contains(&head.head_hash));
});

db_test!(editing_an_objection_row_in_the_database_is_caught, |app| {
    let (_, rows) = history(&app).await;
    sql(&app, &format!("UPDATE objections SET content = '第二完成人确实参与了' WHERE id = {}", rows[1].id)).await;
    let reason = verified(&app).await.unwrap_err();
    assert!(reason.contains(&format!("异议 #{}", rows[1].id)) && reason.contains("改动"), "{reason}");
    let (ok, text) = verify_cli(&app);
    assert!(!ok, "exits non-zero");
    assert!(text.contains(&format!("异议 #{}", rows[1].id)), "{text}");
});

db_test!(deleting_an_objection_row_is_caught, |app| {
    let (_, rows) = history(&app).await;
    sql(&app, &format!("DELETE FROM objection_attachments WHERE objection_id = {}", rows[1].id)).await;
    sql(&app, &format!("DELETE FROM objection_events WHERE objection_id = {}", rows[1].id)).await;
    sql(&app, &format!("DELETE FROM objector_identities WHERE objection_id = {}", rows[1].id)).await;
    sql(&app, &format!("DELETE FROM objections WHERE id = {}", rows[1].id)).await;
    let reason = verified(&app).await.unwrap_err();
    assert!(reason.contains("已不存在"), "{reason}");
    assert!(!verify_cli(&app).0);
});

db_test!(rewriting_a_case_status_or_an_event_note_is_caught, |app| {
    let (_, rows) = history(&app).await;
    sql(&app, &format!("UPDATE objections SET status = 'dismissed' WHERE id = {}", rows[0].id)).await;
    let reason = verified(&app).await.unwrap_err();
    assert!(reason.contains("状态") && reason.contains(&rows[0].receipt_code), "{reason}");
    sql(&app, &format!("UPDATE objections SET status = 'upheld' WHERE id = {}", rows[0].id)).await;
    assert!(verified(&app).await.is_ok(), "put back, it verifies again");
    sql(&app, "UPDATE objection_events SET public_note = '异议不成立' WHERE to_status = 'upheld'").await;
    let reason = verified(&app).await.unwrap_err();
    assert!(reason.contains("异议处理记录"), "{reason}");
    sql(&app, "UPDATE objection_events SET public_note = '核查属实' WHERE to_status = 'upheld'").await;
    assert!(verified(&app).await.is_ok(), "put back, it verifies again");
    // The public handling summary, which the result report prints, is covered as well.
    sql(&app, &format!("UPDATE objections SET public_summary = '经核查，异议不成立。' WHERE id = {}", rows[0].id))
        .await;
    let reason = verified(&app).await.unwrap_err();
    assert!(reason.contains("异议处理记录"), "{reason}");
});

db_test!(editing_the_ledger_itself_breaks_the_chain_from_that_entry, |app| {
    history(&app).await;
    sql(&app, "UPDATE ledger SET content_hash = 'x' WHERE seq = 3").await;
    let reason = verified(&app).await.unwrap_err();
    assert!(reason.starts_with("第3条记录"), "{reason}");
});

db_test!(two_instances_on_one_database_filing_at_once_keep_one_chain, |app| {
    let s = scene(&app).await;
    let url = app.database_url.clone();
    let key = app.master_key();
    let other = TestApp::spawn_with(app.backend, |settings| {
        settings.database_url = url;
        settings.master_key = Some(key);
    })
    .await;
    other.clock.set(during());
    let bodies: Vec<Value> = (0..24).map(|i| objection(s.projects[i % 2])).collect();
    let mut filings = Vec::new();
    for (i, body) in bodies.iter().enumerate() {
        let target = if i % 2 == 0 { &app } else { &other };
        filings.push(file_api(target, s.notice, body));
    }
    let answers = futures_util::future::join_all(filings).await;
    assert!(answers.iter().all(|r| r.status().as_u16() == 201));
    let head = verified(&app).await.expect("one unbroken chain");
    assert_eq!(head.count, 1 + 24 * 2);
    assert_eq!(objections(&app).await.len(), 24);
    if app.backend == Backend::Postgres {
        assert!(verify_cli(&app).0);
    }
});

db_test!(the_head_of_the_ledger_is_public_at_transparency, |app| {
    history(&app).await;
    let head = verified(&app).await.unwrap();
    let (status, page) = app.get_text("/transparency").await;
    assert_eq!(status, 200);
    assert!(page.contains(&head.head_hash) && page.contains("收到异议"), "{page}");
    let json: Value = app.get("/transparency.json").await.json().await.unwrap();
    assert_eq!(json["count"], 8);
    assert_eq!(json["head_hash"], head.head_hash.as_str());
    assert_eq!(json["receipt_public_key"].as_str().unwrap().len(), 64);
});
