//! What staff write when they conclude a case goes to two different readers: the note to the
//! objector (read only with the receipt code and lookup key) and the public handling summary
//! (printed in the 公示结果报告). Each is tested with a canary string of its own.
use crate::db_test;
use crate::helpers::TestApp;
use crate::notices_support::cn;
use crate::objections_support::some_client;
use crate::reports_support::*;
use serde_json::{Value, json};

/// Only for the objector of case A, written on the staff form.
const NOTE_A: &str = "仅告异议人甲说明一";
/// Only for the objector of case B, sent through the staff API.
const NOTE_B: &str = "仅告异议人乙说明二";
/// The public summary of case B: the report prints it.
const SUMMARY_B: &str = "公开处理情况丙三";

/// Files a real-name objection through the public API: (case id, receipt code, lookup key).
async fn file(app: &TestApp, notice: i32, project: i32) -> (i32, String, String) {
    let body = json!({
        "objector_kind": "individual", "name": "异议人王五", "phone": "13909310000", "email": "",
        "project_id": project, "category": "personnel", "content": "第二完成人未实际参与研制。", "declaration": true,
    });
    let res = app
        .client
        .post(app.url(&format!("/api/v1/notices/{notice}/objections")))
        .header("x-forwarded-for", some_client())
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let body: Value = res.json().await.unwrap();
    let code = body["receipt_code"].as_str().unwrap().to_owned();
    let id = crate::objections_support::objections(app).await.into_iter().find(|o| o.receipt_code == code).unwrap().id;
    (id, code, body["lookup_key"].as_str().unwrap().to_owned())
}

/// The `name` of the form field whose label starts with `label` (the field's id is its name).
fn field_labelled(html: &str, label: &str) -> Option<String> {
    html.split("<label for=\"").skip(1).find_map(|rest| {
        let (id, after) = rest.split_once("\">")?;
        after.starts_with(label).then(|| id.to_owned())
    })
}

/// The objector's view through the lookup page (POST, code and key in the body).
async fn lookup(app: &TestApp, code: &str, key: &str) -> String {
    let (_, page) = app.get_text("/objections/lookup").await;
    let form = [("_csrf", crate::helpers::csrf_in(&page)), ("code", code.to_owned()), ("key", key.to_owned())];
    let res = app
        .client
        .post(app.url("/objections/lookup"))
        .header("x-forwarded-for", some_client())
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 200);
    res.text().await.unwrap()
}

db_test!(the_note_to_the_objector_never_reaches_the_public_report_and_the_public_summary_does, |app| {
    let s = crate::reports::scene(&app).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (a, code_a, key_a) = file(&app, s.notice, s.projects[0]).await;
    let (b, code_b, key_b) = file(&app, s.notice, s.projects[1]).await;

    // Case A on the staff form, through the field the form offers for the objector.
    let handler = app.sign_in(s.t.enterprise, "handler", "hyh-handler").await;
    let (_, page) = handler.get_text(&format!("/admin/objections/{a}")).await;
    let note_field = field_labelled(&page, "告知异议人的说明").expect("the form has a note to the objector");
    for to in ["accepted", "investigating", "dismissed"] {
        let note = if to == "dismissed" { NOTE_A } else { "" };
        let res = handler
            .post_form(&format!("/admin/objections/{a}/transition"), &[("to", to), (note_field.as_str(), note)])
            .await;
        assert_eq!(res.status().as_u16(), 303, "{to}");
    }

    // Case B through the API, with a note to the objector and a public summary.
    move_case(&app, &s.token, b, "accepted", None, None).await;
    move_case(&app, &s.token, b, "investigating", None, None).await;
    let body = json!({ "to": "dismissed", "objector_note": NOTE_B, "public_summary": SUMMARY_B });
    let path = format!("/api/v1/admin/objections/{b}/transitions");
    let (status, answer) = api(&app, &s.token, reqwest::Method::POST, &path, Some(body)).await;
    assert_eq!(status, 200, "{answer}");
    // Staff see both, each under its own name.
    let (_, page) = handler.get_text(&format!("/admin/objections/{a}")).await;
    assert!(page.contains(NOTE_A), "staff see the note they wrote to the objector");
    let (_, page) = handler.get_text(&format!("/admin/objections/{b}")).await;
    assert!(page.contains(NOTE_B) && page.contains(SUMMARY_B), "staff see both notes of case B");
    assert_eq!(answer["public_summary"], SUMMARY_B, "{answer}");
    assert_eq!(answer["timeline"][3]["objector_note"], NOTE_B, "{answer}");

    app.clock.set(cn(2025, 4, 8, 9, 0, 0));
    let code = issued(&app, &s.token, s.notice).await;
    let (_, report_page) = app.get_text(&format!("/reports/{code}")).await;
    let (_, print) = app.get_text(&format!("/reports/{code}/print")).await;
    let (_, report_api) = app.get_text(&format!("/api/v1/reports/{code}")).await;
    let (_, _, pdf) = bytes(&app, &format!("/reports/{code}.pdf")).await;
    let pdf = pdf_text(&pdf).split_whitespace().collect::<String>();
    let (_, _, docx) = bytes(&app, &format!("/reports/{code}.docx")).await;
    let docx = docx_xml(&docx);
    for (what, text) in
        [("page", &report_page), ("print", &print), ("API", &report_api), ("PDF", &pdf), ("DOCX", &docx)]
    {
        for note in [NOTE_A, NOTE_B] {
            assert!(!text.contains(note), "the {what} of the report prints a note meant for the objector: {note}");
        }
        assert!(text.contains(SUMMARY_B), "the {what} of the report lacks the public handling summary");
    }

    // Each objector reads their own note with code and key.
    let seen_a = lookup(&app, &code_a, &key_a).await;
    assert!(seen_a.contains(NOTE_A) && !seen_a.contains(NOTE_B), "{seen_a}");
    let seen_b = lookup(&app, &code_b, &key_b).await;
    assert!(seen_b.contains(NOTE_B) && !seen_b.contains(NOTE_A), "{seen_b}");
});

db_test!(the_staff_form_labels_who_reads_each_note, |app| {
    let s = crate::reports::scene(&app).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let (a, _, _) = file(&app, s.notice, s.projects[0]).await;
    let handler = app.sign_in(s.t.enterprise, "handler", "hyh-handler").await;
    let (_, page) = handler.get_text(&format!("/admin/objections/{a}")).await;
    assert_eq!(field_labelled(&page, "告知异议人的说明").as_deref(), Some("objector_note"), "{page}");
    assert_eq!(field_labelled(&page, "公开的处理情况").as_deref(), Some("public_summary"), "{page}");
    assert!(page.contains("不写入公示结果报告") && page.contains("写入公示结果报告，公众可见"), "{page}");

    // The old field name is refused in the API, with the two new ones named.
    move_case(&app, &s.token, a, "accepted", None, None).await;
    let body = json!({ "to": "investigating", "public_note": "旧字段" });
    let path = format!("/api/v1/admin/objections/{a}/transitions");
    let (status, answer) = api(&app, &s.token, reqwest::Method::POST, &path, Some(body)).await;
    assert_eq!(status, 422, "{answer}");
    let text = answer.to_string();
    assert!(text.contains("objector_note") && text.contains("public_summary"), "{text}");
    // A public summary belongs to a conclusion only.
    let body = json!({ "to": "investigating", "public_summary": "过早" });
    let (status, answer) = api(&app, &s.token, reqwest::Method::POST, &path, Some(body)).await;
    assert_eq!(status, 422, "{answer}");
});
