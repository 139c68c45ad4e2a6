//! Issuing the 公示结果报告: only after the close and once every objection is concluded; the
//! outcomes derived from the conclusions; the report immutable and verifiable by its code, hash
//! and QR code; PDF, Word and print; the API, the feed and the notice's `report_code`.
use crate::db_test;
use crate::helpers::TestApp;
use crate::notices_support::{cn, day};
use crate::reports_support::*;
use entity::{report_outcomes, result_reports};
use gongshi::notices::Level;
use gongshi::projects::Grade;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

pub struct Scene {
    pub t: Tree,
    pub projects: Vec<i32>,
    pub notice: i32,
    /// An admin of the enterprise (the publishing unit).
    pub token: String,
}

pub const NAMES: [&str; 3] =
    ["河西走廊日光温室智能水肥一体化系统", "玉米制种田精准播种机改进", "高寒牧区太阳能供暖装置"];

/// The enterprise's level-1 notice of three projects, 公示期 2025年3月10日至14日 (closes 3月15日
/// 00:00), published the day before; the clock stays on 3月9日.
pub async fn scene(app: &TestApp) -> Scene {
    let t = tree(app).await;
    let drafts = vec![
        project("HYH-01", NAMES[0], Some(Grade::Second)),
        project("HYH-02", NAMES[1], Some(Grade::Third)),
        project("HYH-03", NAMES[2], None),
    ];
    let projects = declare(app, &t, t.enterprise, drafts).await;
    let notice = notice_at(app, &t, t.enterprise, Level::Applicant, &projects, day(2025, 3, 10), app.clock_now()).await;
    let token = admin_token(app, t.enterprise, "hyh-admin").await;
    Scene { t, projects, notice, token }
}

async fn outcomes(app: &TestApp, report_code: &str) -> Vec<(i32, String)> {
    let report = result_reports::Entity::find()
        .filter(result_reports::Column::Code.eq(report_code))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    let mut rows: Vec<(i32, String)> = report_outcomes::Entity::find()
        .filter(report_outcomes::Column::ReportId.eq(report.id))
        .all(&app.db)
        .await
        .unwrap()
        .into_iter()
        .map(|o| (o.project_id, o.outcome))
        .collect();
    rows.sort();
    rows
}

db_test!(a_report_is_refused_until_the_last_second_of_the_period_has_passed, |app| {
    let s = scene(&app).await;
    app.clock.set(cn(2025, 3, 14, 23, 59, 59));
    let (status, body) = issue(&app, &s.token, s.notice).await;
    assert_eq!(status, 409, "{body}");
    assert_eq!(body["blockers"][0]["kind"], "not_closed");
    assert!(body["title"].as_str().unwrap().contains("公示期尚未结束（2025年3月14日24时结束）"), "{body}");
    assert_eq!(result_reports::Entity::find().all(&app.db).await.unwrap().len(), 0);

    app.clock.set(cn(2025, 3, 15, 0, 0, 0));
    let (status, body) = issue(&app, &s.token, s.notice).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["issued_on"], "2025-03-15");
    assert_eq!(body["content"]["issued_on_text"], "2025年3月15日");
    let code = body["code"].as_str().unwrap();
    assert_eq!(code.len(), 8);
    let all_clean: Vec<(i32, String)> = s.projects.iter().map(|p| (*p, "no_objection".to_owned())).collect();
    assert_eq!(outcomes(&app, code).await, all_clean);
});

db_test!(an_objection_still_in_handling_blocks_the_report_and_is_named, |app| {
    let s = scene(&app).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let case = object(&app, s.notice, s.projects[0], "personnel").await;
    move_case(&app, &s.token, case, "accepted", None, None).await;
    move_case(&app, &s.token, case, "investigating", None, None).await;
    app.clock.set(cn(2025, 3, 16, 10, 0, 0));
    let receipt = crate::objections_support::objections(&app).await[0].receipt_code.clone();

    let (status, body) = issue(&app, &s.token, s.notice).await;
    assert_eq!(status, 409);
    let blocker = &body["blockers"][0];
    assert_eq!(blocker["kind"], "open_objection");
    assert_eq!(blocker["objection_id"], case);
    let message = blocker["message"].as_str().unwrap();
    assert!(message.contains(&receipt) && message.contains(NAMES[0]) && message.contains("核查中"), "{message}");

    // The staff page shows the same, with a link to the case; no button yet.
    let admin = app.sign_in(s.t.enterprise, "admin", "hyh-page").await;
    let (status, page) = admin.get_text(&format!("/admin/reports/issue/{}", s.notice)).await;
    assert_eq!(status, 200);
    assert!(page.contains("尚不能出具公示结果报告") && page.contains(&format!("/admin/objections/{case}")), "{page}");
    assert!(!page.contains("action=\"/admin/reports/issue/"), "no issue button while blocked");

    conclude_rest(&app, &s.token, case, "dismissed", "经核查，第二完成人负责田间试验，异议不成立。").await;
    let code = issued(&app, &s.token, s.notice).await;
    let rows = outcomes(&app, &code).await;
    assert_eq!(rows[0], (s.projects[0], "dismissed".to_owned()));
});

/// Concludes a case already under investigation.
async fn conclude_rest(app: &TestApp, token: &str, id: i32, to: &str, summary: &str) {
    move_case(app, token, id, to, None, Some(summary)).await;
}

db_test!(outcomes_counts_and_handling_come_from_the_conclusions_without_any_objector_identity, |app| {
    let s = scene(&app).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let upheld = object(&app, s.notice, s.projects[0], "personnel").await;
    let dismissed = object(&app, s.notice, s.projects[1], "ip").await;
    let withdrawn = object(&app, s.notice, s.projects[1], "merit").await;
    conclude(&app, &s.token, upheld, "upheld", "经核查，第三完成人未参与研制，异议成立，该项目不予推荐。").await;
    conclude(&app, &s.token, dismissed, "dismissed", "经核查，专利权属清楚，异议不成立。").await;
    move_case(&app, &s.token, withdrawn, "withdrawn", None, None).await;
    // One arrives after the close: recorded, refused as late.
    app.clock.set(cn(2025, 3, 15, 8, 0, 0));
    let late = object(&app, s.notice, s.projects[2], "other").await;
    let row = entity::objections::Entity::find_by_id(late).one(&app.db).await.unwrap().unwrap();
    assert_eq!((row.status.as_str(), row.refusal_reason.as_deref()), ("refused", Some("late")));

    let (status, body) = issue(&app, &s.token, s.notice).await;
    assert_eq!(status, 201, "{body}");
    let c = &body["content"];
    assert_eq!(c["title"], "关于《关于2025年度甘肃省职工技术成果申报项目的公示》公示结果的报告");
    assert_eq!(c["notice"]["period_text"], "2025年3月10日至2025年3月14日");
    assert_eq!(c["notice"]["level_label"], "申报单位公示");
    assert_eq!(c["unit"]["name"], "甘肃农垦黄羊河集团有限责任公司");
    let o = &c["objections"];
    assert_eq!((o["received"].as_u64(), o["accepted"].as_u64()), (Some(4), Some(2)));
    assert_eq!((o["upheld"].as_u64(), o["dismissed"].as_u64(), o["withdrawn"].as_u64()), (Some(1), Some(1), Some(1)));
    assert_eq!(o["refused"][0]["reason"], "逾期");
    let outcome = |i: usize| c["projects"][i]["outcome_label"].as_str().unwrap().to_owned();
    assert_eq!(outcome(0), "异议成立，不予推荐");
    assert_eq!(outcome(1), "有异议，经核查不成立");
    assert_eq!(outcome(2), "公示无异议");
    assert_eq!(c["projects"][0]["handling"][0], "经核查，第三完成人未参与研制，异议成立，该项目不予推荐。");
    assert!(c["conclusion"].as_str().unwrap().contains("异议成立的项目不予推荐"), "{c}");
    let text = body.to_string();
    assert!(!text.contains("异议人王五") && !text.contains("0931 0000"), "no objector identity: {text}");
    let code = body["code"].as_str().unwrap();
    let rows = outcomes(&app, code).await;
    assert_eq!(
        rows,
        vec![
            (s.projects[0], "upheld".into()),
            (s.projects[1], "dismissed".into()),
            (s.projects[2], "no_objection".into())
        ]
    );

    // The ledger covers the report and still verifies end to end.
    let entries = entity::ledger::Entity::find()
        .filter(entity::ledger::Column::Kind.eq("report.issue"))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(entries.len(), 1);
    let verified = gongshi::verify::verify(&app.db).await.unwrap();
    assert!(verified.is_ok(), "{verified:?}");
});

db_test!(an_issued_report_never_changes_and_is_not_issued_twice, |app| {
    let s = scene(&app).await;
    app.clock.set(cn(2025, 3, 20, 9, 0, 0));
    let code = issued(&app, &s.token, s.notice).await;
    let before = result_reports::Entity::find().one(&app.db).await.unwrap().unwrap();
    app.clock.set(cn(2025, 3, 21, 9, 0, 0));
    let (status, body) = issue(&app, &s.token, s.notice).await;
    assert_eq!(status, 409);
    assert_eq!(body["blockers"][0]["kind"], "already_issued");
    assert!(body["blockers"][0]["message"].as_str().unwrap().contains(&code));
    assert_eq!(result_reports::Entity::find().all(&app.db).await.unwrap(), vec![before.clone()]);

    // Editing the stored content is detected: the page says so and the ledger breaks.
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let mut row: result_reports::ActiveModel = before.clone().into();
    row.content = Set(before.content.replace("公示无异议", "异议成立，不予推荐"));
    row.update(&app.db).await.unwrap();
    let (_, page) = app.get_text(&format!("/reports/{code}")).await;
    assert!(page.contains("核验未通过"), "{page}");
    assert!(gongshi::verify::verify(&app.db).await.unwrap().is_err());
    assert_eq!(app.get(&format!("/reports/{code}.pdf")).await.status().as_u16(), 500, "no copy of altered content");
});

db_test!(the_verify_page_shows_the_report_as_issued_with_its_hash, |app| {
    let s = scene(&app).await;
    app.clock.set(cn(2025, 4, 8, 9, 0, 0));
    let code = issued(&app, &s.token, s.notice).await;
    let row = result_reports::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(row.sha256, gongshi::ledger::sha256_hex(row.content.as_bytes()));

    let (status, page) = app.get_text(&format!("/reports/{code}")).await;
    assert_eq!(status, 200);
    for expected in [
        "核验通过",
        row.sha256.as_str(),
        code.as_str(),
        "关于《关于2025年度甘肃省职工技术成果申报项目的公示》公示结果的报告",
        "2025年3月10日至2025年3月14日",
        "甘肃农垦黄羊河集团有限责任公司",
        "2025年4月8日",
        "（盖章）",
        NAMES[0],
        "公示期间未收到异议",
    ] {
        assert!(page.contains(expected), "verify page lacks {expected}");
    }
    assert!(!page.contains("13909350001"), "no completer phone");
    // Typed codes are read generously and answered at one address.
    let res = app.get(&format!("/reports/{}-{}", code[..4].to_lowercase(), &code[4..])).await;
    assert_eq!(res.status().as_u16(), 308);
    assert_eq!(res.headers()["location"], format!("/reports/{code}").as_str());
    let res = app.get(&format!("/reports?code={}", code.to_lowercase())).await;
    assert_eq!(
        (res.status().as_u16(), res.headers()["location"].to_str().unwrap()),
        (303, format!("/reports/{code}").as_str())
    );
    let (status, form) = app.get_text("/reports?code=123").await;
    assert_eq!(status, 200);
    assert!(form.contains("验证码应为8位"), "{form}");
    assert_eq!(app.get("/reports/ZZZZZZZZ").await.status().as_u16(), 404);
    assert_eq!(app.get("/reports/..%2Fetc").await.status().as_u16(), 404);
    assert_eq!(app.get(&format!("/reports/{code}.exe")).await.status().as_u16(), 404);

    // The notice page links its result.
    let (_, notice) = crate::notices_support::page(&app, &format!("/notices/{}", s.notice)).await;
    assert!(notice.contains(&format!("/reports/{code}")), "notice links the report");
});

db_test!(the_pdf_carries_real_text_and_a_qr_code_that_leads_to_the_same_report, |app| {
    let s = scene(&app).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let case = object(&app, s.notice, s.projects[1], "ip").await;
    conclude(&app, &s.token, case, "dismissed", "经核查，专利权属清楚，异议不成立。").await;
    app.clock.set(cn(2025, 4, 8, 9, 0, 0));
    let code = issued(&app, &s.token, s.notice).await;

    let (status, ct, pdf) = bytes(&app, &format!("/reports/{code}.pdf")).await;
    assert_eq!((status, ct.as_str()), (200, "application/pdf"));
    assert!(pdf.starts_with(b"%PDF"));
    let sizes = pdf_page_sizes(&pdf);
    let a4 = |(w, h): &(f32, f32)| (w - 595.28).abs() < 0.5 && (h - 841.89).abs() < 0.5;
    assert!(!sizes.is_empty() && sizes.iter().all(a4), "A4 pages: {sizes:?}");
    let text = pdf_text(&pdf).split_whitespace().collect::<String>();
    for expected in [
        NAMES[0],
        NAMES[1],
        NAMES[2],
        "甘肃农垦黄羊河集团有限责任公司",
        code.as_str(),
        "有异议，经核查不成立",
        "2025年4月8日",
    ] {
        assert!(text.contains(expected), "PDF text lacks {expected}");
    }
    // A reader scans the printed code and lands on the verify page with the same hash.
    let codes = pdf_qr_codes(&pdf);
    assert_eq!(codes.len(), 1, "{codes:?}");
    let path = codes[0].split_once("://").and_then(|(_, rest)| rest.find('/').map(|i| rest[i..].to_owned())).unwrap();
    assert_eq!(path, format!("/reports/{code}"));
    let (status, page) = app.get_text(&path).await;
    let sha = result_reports::Entity::find().one(&app.db).await.unwrap().unwrap().sha256;
    assert_eq!(status, 200);
    assert!(page.contains(&sha) && text.contains(&sha[..16]), "the printed hash and the page's agree");

    // The same bytes the second time (kept once made), the same document as the CLI writes.
    let (_, _, again) = bytes(&app, &format!("/reports/{code}.pdf")).await;
    assert_eq!(again, pdf);
    // A client that holds it already is told so, without the bytes.
    let url = format!("{}/reports/{code}.pdf", app.address);
    let etag = app.client.get(&url).send().await.unwrap().headers()["etag"].to_str().unwrap().to_owned();
    let res = app.client.get(&url).header("If-None-Match", &etag).send().await.unwrap();
    assert_eq!((res.status().as_u16(), res.headers()["etag"].to_str().unwrap()), (304, etag.as_str()));
    assert!(res.bytes().await.unwrap().is_empty());
    let res = app.client.get(&url).header("If-None-Match", "\"other\"").send().await.unwrap();
    assert_eq!(res.status().as_u16(), 200);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.pdf");
    let (ok, said) = cli(&app, &["report", "export", &code, "--out", out.to_str().unwrap()]);
    assert!(ok, "{said}");
    assert_eq!(std::fs::read(&out).unwrap(), pdf, "the PDF is deterministic");
});

db_test!(the_word_file_and_the_print_view_say_the_same, |app| {
    let s = scene(&app).await;
    app.clock.set(cn(2025, 4, 8, 9, 0, 0));
    let code = issued(&app, &s.token, s.notice).await;

    let (status, ct, docx) = bytes(&app, &format!("/reports/{code}.docx")).await;
    assert_eq!(status, 200);
    assert!(ct.starts_with("application/vnd.openxmlformats-officedocument.wordprocessingml"), "{ct}");
    let text = docx_text(&docx_xml(&docx));
    for expected in [NAMES[0], NAMES[2], code.as_str(), "甘肃农垦黄羊河集团有限责任公司", "公示无异议"]
    {
        assert!(text.contains(expected), "Word text lacks {expected}: {text}");
    }

    let (status, print) = app.get_text(&format!("/reports/{code}/print")).await;
    assert_eq!(status, 200);
    assert!(print.contains("svg class=\"qr\"") && print.contains(NAMES[1]) && print.contains("（盖章）"));
    let start = print.find("<svg").unwrap();
    let svg = &print[start..start + print[start..].find("</svg>").unwrap() + 6];
    let decoded = svg_qr_codes(svg);
    assert_eq!(decoded.len(), 1);
    assert!(decoded[0].ends_with(&format!("/reports/{code}")), "{decoded:?}");
});

db_test!(the_long_image_leads_to_the_verify_page_and_the_cli_writes_it_too, |app| {
    let s = scene(&app).await;
    app.clock.set(cn(2025, 4, 8, 9, 0, 0));
    let code = issued(&app, &s.token, s.notice).await;
    let res = app.get(&format!("/reports/{code}.png")).await;
    assert_eq!(res.status().as_u16(), 200);
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(res.headers()["content-disposition"].to_str().unwrap().starts_with("inline;"));
    let png = res.bytes().await.unwrap().to_vec();
    let mut reader = png::Decoder::new(std::io::Cursor::new(&png)).read_info().unwrap();
    let mut buf = vec![0; reader.output_buffer_size().unwrap()];
    let info = reader.next_frame(&mut buf).unwrap();
    let (w, h) = (info.width as usize, info.height as usize);
    assert_eq!(w, 1080, "the width WeChat shows full-screen");
    assert!(h > 2 * w, "one tall image: {w}×{h}");
    let codes = decode_gray(w, h, |x, y| buf[y * w + x]);
    assert_eq!(codes.len(), 1, "{codes:?}");
    assert!(codes[0].ends_with(&format!("/reports/{code}")), "{codes:?}");
    let (_, page) = app.get_text(&format!("/reports/{code}")).await;
    assert!(page.contains(&format!("/reports/{code}.png\"")), "the verify page links it");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("r.png");
    let (ok, said) = cli(&app, &["report", "export", &code, "--out", out.to_str().unwrap()]);
    assert!(ok, "{said}");
    assert_eq!(std::fs::read(&out).unwrap(), png, "the CLI writes the same image");
});

db_test!(the_api_the_feed_and_the_notice_answer_carry_the_issued_report, |app| {
    let s = scene(&app).await;
    app.clock.set(cn(2025, 3, 16, 9, 0, 0));
    let (_, before) = app.get_text(&format!("/api/v1/notices/{}", s.notice)).await;
    let before: serde_json::Value = serde_json::from_str(&before).unwrap();
    assert_eq!(before["report_code"], serde_json::Value::Null);
    let code = issued(&app, &s.token, s.notice).await;

    let (status, body) = app.get_text(&format!("/api/v1/reports/{code}")).await;
    assert_eq!(status, 200);
    let body: serde_json::Value = serde_json::from_str(&body).unwrap();
    let row = result_reports::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert_eq!(body["sha256"], row.sha256.as_str());
    assert_eq!(body["intact"], true);
    assert_eq!(body["content"]["projects"][0]["name"], NAMES[0]);
    // The content as answered hashes to the published SHA-256.
    let canonical = gongshi::ledger::canonical(&body["content"]);
    assert_eq!(gongshi::ledger::sha256_hex(canonical.as_bytes()), row.sha256);
    let (status, missing) = app.get_text("/api/v1/reports/ABCDEFGH").await;
    assert_eq!(status, 404);
    assert!(missing.contains("\"status\":404"), "{missing}");

    let (_, notice) = app.get_text(&format!("/api/v1/notices/{}", s.notice)).await;
    let notice: serde_json::Value = serde_json::from_str(&notice).unwrap();
    assert_eq!(notice["report_code"], code.as_str());
    let (_, feed) = app.get_text("/feeds/notices.atom").await;
    assert!(feed.contains(&format!("/reports/{code}")) && feed.contains("公示结果"), "{feed}");
    let (_, openapi) = app.get_text("/api/openapi.json").await;
    assert!(openapi.contains("/api/v1/reports/{code}") && openapi.contains("ReportAnswer"));
});

db_test!(staff_issue_from_the_report_page_and_only_the_unit_admin_may, |app| {
    let s = scene(&app).await;
    app.clock.set(cn(2025, 3, 16, 9, 0, 0));
    let viewer = app.sign_in(s.t.enterprise, "viewer", "hyh-viewer").await;
    let (status, page) = viewer.get_text(&format!("/admin/reports/issue/{}", s.notice)).await;
    assert_eq!(status, 200);
    assert!(page.contains("可以出具") && page.contains("只有本单位管理员"), "{page}");
    let res = viewer.post_form(&format!("/admin/reports/issue/{}", s.notice), &[]).await;
    assert_eq!(res.status().as_u16(), 403);
    let county = app.sign_in(s.t.county, "admin", "lz-admin").await;
    let res = county.post_form(&format!("/admin/reports/issue/{}", s.notice), &[]).await;
    assert_eq!(res.status().as_u16(), 403, "the county sees the notice but does not issue for it");
    assert_eq!(result_reports::Entity::find().all(&app.db).await.unwrap().len(), 0);

    let admin = app.sign_in(s.t.enterprise, "admin", "hyh-admin2").await;
    let (_, list) = admin.get_text("/admin/reports").await;
    assert!(list.contains("待出具报告的公示") && list.contains("可以出具"), "{list}");
    let res = admin.post_form(&format!("/admin/reports/issue/{}", s.notice), &[]).await;
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with("/reports/"));
    let code = location.trim_start_matches("/reports/");
    let (_, list) = admin.get_text("/admin/reports").await;
    let list = list.replace("&#x2F;", "/");
    assert!(list.contains(code) && list.contains(&format!("{location}.pdf")), "{list}");
    // The county above sees the report in its list too.
    let (_, list) = county.get_text("/admin/reports").await;
    assert!(list.contains(code), "{list}");
    let audit = entity::audit_log::Entity::find()
        .filter(entity::audit_log::Column::Action.eq("report.issue"))
        .one(&app.db)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(audit.user_id, Some(admin.user_id));
});

db_test!(the_command_line_issues_a_report_and_lists_what_blocks_one, |app| {
    let s = scene(&app).await;
    app.clock.set(cn(2025, 3, 11, 9, 0, 0));
    let case = object(&app, s.notice, s.projects[0], "personnel").await;
    move_case(&app, &s.token, case, "accepted", None, None).await;
    let notice = s.notice.to_string();
    // The command line runs on the real clock, long after the 2025 period.
    let (ok, said) = cli(&app, &["report", "issue", &notice]);
    assert!(!ok);
    assert!(said.contains("尚不能出具公示结果报告") && said.contains("已受理"), "{said}");
    move_case(&app, &s.token, case, "investigating", None, None).await;
    move_case(&app, &s.token, case, "dismissed", None, Some("经核查，异议不成立。")).await;
    let (ok, said) = cli(&app, &["report", "issue", &notice, "--base-url", "https://gongshi.example.cn"]);
    assert!(ok, "{said}");
    let row = result_reports::Entity::find().one(&app.db).await.unwrap().unwrap();
    assert!(said.contains(&row.code) && said.contains(&row.sha256), "{said}");
    assert!(said.contains(&format!("https://gongshi.example.cn/reports/{}", row.code)));
    assert!(said.contains(&format!("{}：有异议，经核查不成立", NAMES[0])), "{said}");
});
