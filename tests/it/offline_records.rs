//! Offline notices and paper reports (线下公示): a unit records a notice it posted on a board,
//! with past dates and a scan; uploads its paper 公示结果报告; and the unit above accepts or
//! rejects the record. Until accepted, the gate does not let the project go up.
use crate::access_matrix::{Body, Case, Expect, Req, Standpoint, admins, everyone, view_chain};
use crate::db_test;
use crate::helpers::TestApp;
use crate::notices_support::cn;
use crate::reports_support::*;
use base64::Engine as _;
use entity::{audit_log, notices};
use gongshi::access::Role;
use gongshi::projects::Grade;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};
use serde_json::{Value, json};

/// The smallest bytes the scan check takes for a PNG and a PDF.
fn png() -> String {
    let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    bytes.extend_from_slice(&[0; 17]);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn pdf() -> String {
    base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
}

fn record_body(t: &Tree, projects: &[i32], start: &str, end: &str, scan: &str) -> Value {
    json!({
        "campaign_id": t.campaign,
        "level": 1,
        "title": "关于2025年度职工技术创新成果申报项目的公示",
        "posted_where": "单位公示栏（办公楼一层）",
        "starts_on": start,
        "ends_on": end,
        "project_ids": projects,
        "scan_base64": scan,
    })
}

async fn record(app: &TestApp, token: &str, body: Value) -> (u16, Value) {
    api(app, token, reqwest::Method::POST, "/api/v1/admin/offline/notices", Some(body)).await
}

async fn upload(app: &TestApp, token: &str, notice: i32, project: i32) -> (u16, Value) {
    let body = json!({ "outcomes": [{ "project_id": project, "outcome": "no_objection" }], "scan_base64": pdf() });
    api(app, token, reqwest::Method::POST, &format!("/api/v1/admin/offline/notices/{notice}/report"), Some(body)).await
}

async fn review(app: &TestApp, token: &str, notice: i32, decision: &str, reason: &str) -> (u16, Value) {
    let body = json!({ "decision": decision, "reason": reason });
    api(app, token, reqwest::Method::POST, &format!("/api/v1/admin/offline/notices/{notice}/review"), Some(body)).await
}

fn message(body: &Value) -> String {
    body["errors"]
        .as_array()
        .map(|e| e.iter().map(|x| x["message"].as_str().unwrap_or_default()).collect::<Vec<_>>().join("\n"))
        .unwrap_or_default()
}

db_test!(an_offline_notice_counts_for_the_gate_only_once_the_receiving_unit_accepts_it, |app| {
    let t = tree(&app).await;
    let ids = declare(&app, &t, t.enterprise, vec![project("OFF-1", "线下公示测试项目", Some(Grade::Third))]).await;
    let unit = admin_token(&app, t.enterprise, "off-e").await;
    let county = admin_token(&app, t.county, "off-county").await;
    app.clock.set(cn(2025, 3, 20, 9, 0, 0));

    // Posted on the board 3月10日–14日, recorded on 3月20日 with a photo.
    let (status, row) = record(&app, &unit, record_body(&t, &ids, "2025-03-10", "2025-03-14", &png())).await;
    assert_eq!(status, 201, "{row}");
    assert_eq!(row["channel"], "offline");
    assert_eq!(row["posted_where"], "单位公示栏（办公楼一层）");
    assert_eq!(row["review"], "pending");
    assert_eq!(row["receiver"], "凉州区总工会");
    let notice = i32::try_from(row["notice_id"].as_i64().unwrap()).unwrap();

    // The same past start on an online notice is still refused.
    let body = json!({ "campaign_id": t.campaign, "level": 1, "project_ids": ids, "starts_on": "2025-03-10" });
    let (status, refused) = api(&app, &unit, reqwest::Method::POST, "/api/v1/admin/notices", Some(body)).await;
    assert_eq!(status, 422, "{refused}");
    assert!(message(&refused).contains("已过"), "{refused}");

    // Not without a report, and not on a paper report the county has not accepted.
    let (status, refused) = recommend(&app, &unit, ids[0], None).await;
    assert_eq!(status, 422, "{refused}");
    let (status, report) = upload(&app, &unit, notice, ids[0]).await;
    assert_eq!(status, 201, "{report}");
    assert_eq!(report["channel"], "offline");
    let (status, refused) = recommend(&app, &unit, ids[0], None).await;
    assert_eq!(status, 422, "{refused}");
    assert!(message(&refused).contains("线下公示结果报告尚待凉州区总工会确认"), "{refused}");
    // Its verify page says so too, and the API states it does not clear.
    let code = report["code"].as_str().unwrap().to_owned();
    let (_, verify) = app.get_text(&format!("/reports/{code}")).await;
    assert!(verify.contains("待确认") && verify.contains("尚待凉州区总工会确认"), "{verify}");
    let answer: Value = app.get(&format!("/api/v1/reports/{code}")).await.json().await.unwrap();
    assert_eq!(
        (answer["standing"]["code"].as_str(), answer["standing"]["clears"].as_bool()),
        (Some("unconfirmed"), Some(false))
    );

    // Only the county decides: not the unit itself, not the city above, not a sibling.
    let city = admin_token(&app, t.city, "off-city").await;
    let sibling = admin_token(&app, t.sibling, "off-sibling").await;
    assert_eq!(review(&app, &unit, notice, "accept", "自行确认").await.0, 403);
    assert_eq!(review(&app, &city, notice, "accept", "越级确认").await.0, 403);
    assert_eq!(review(&app, &sibling, notice, "accept", "无关单位").await.0, 404);
    let (status, refused) = review(&app, &county, notice, "reject", " ").await;
    assert_eq!((status, message(&refused)), (422, "请填写退回理由".to_owned()));

    // Rejected: the reason reaches the recording unit and the gate.
    let (status, row) = review(&app, &county, notice, "reject", "扫描件未见单位公章").await;
    assert_eq!(status, 200, "{row}");
    let path = format!("/api/v1/admin/offline/notices/{notice}");
    let (_, seen) = api(&app, &unit, reqwest::Method::GET, &path, None).await;
    assert_eq!(seen["review"], "rejected");
    assert_eq!(seen["review_reason"], "扫描件未见单位公章");
    let (status, refused) = recommend(&app, &unit, ids[0], None).await;
    assert_eq!(status, 422);
    assert!(message(&refused).contains("已被凉州区总工会退回（理由：扫描件未见单位公章）"), "{refused}");

    // A stamped scan is uploaded again and accepted: now it counts.
    assert_eq!(upload(&app, &unit, notice, ids[0]).await.0, 201);
    let (_, pending) = api(&app, &county, reqwest::Method::GET, "/api/v1/admin/offline", None).await;
    let listed = &pending["records"][0];
    assert_eq!((listed["notice_id"].as_i64(), listed["review"].as_str()), (Some(i64::from(notice)), Some("pending")));
    assert_eq!(listed["can_review"], true);
    let (status, row) = review(&app, &county, notice, "accept", "已核对盖章的纸质报告").await;
    assert_eq!((status, row["review"].as_str()), (200, Some("accepted")), "{row}");
    let (status, body) = recommend(&app, &unit, ids[0], None).await;
    assert_eq!(status, 201, "{body}");
    assert!(gongshi::verify::verify(&app.db).await.unwrap().is_ok(), "the ledger covers the offline records");
    let logged = audit_log::Entity::find()
        .filter(audit_log::Column::Action.is_in(["notice.offline.accept", "notice.offline.reject"]))
        .all(&app.db)
        .await
        .unwrap();
    assert_eq!(logged.len(), 2, "both decisions are in the audit log");

    // The public page and API say it was posted offline, and where.
    let (_, page) = app.get_text(&format!("/notices/{notice}")).await;
    assert!(page.contains("线下公示") && page.contains("单位公示栏（办公楼一层）"), "{page}");
    let public: Value = app.get(&format!("/api/v1/notices/{notice}")).await.json().await.unwrap();
    assert_eq!(public["channel"], "offline");
    assert_eq!(public["posted_where"], "单位公示栏（办公楼一层）");
    let (_, feed) = app.get_text("/feeds/notices.rss").await;
    assert!(feed.contains("【线下公示】") && feed.contains("单位公示栏（办公楼一层）"), "{feed}");
    let (_, staff) = api(&app, &unit, reqwest::Method::GET, &format!("/api/v1/admin/notices/{notice}"), None).await;
    assert_eq!(
        (staff["channel"].as_str(), staff["posted_where"].as_str()),
        (Some("offline"), Some("单位公示栏（办公楼一层）"))
    );
});

db_test!(objections_received_on_paper_are_registered_against_an_offline_notice, |app| {
    let t = tree(&app).await;
    let ids = declare(&app, &t, t.enterprise, vec![project("OFF-4", "线下异议测试项目", None)]).await;
    let unit = admin_token(&app, t.enterprise, "off-objection").await;
    app.clock.set(cn(2025, 3, 20, 9, 0, 0));
    let (status, row) = record(&app, &unit, record_body(&t, &ids, "2025-03-10", "2025-03-14", &png())).await;
    assert_eq!(status, 201, "{row}");
    let notice = row["notice_id"].as_i64().unwrap();
    let letter = json!({ "channel": "letter", "claimed_at": "2025-03-13", "objector_kind": "individual", "name": "赵六",
        "phone": "0935-2212345", "project_id": ids[0], "category": "ip", "content": "该专利权属存在争议。" });
    let path = format!("/api/v1/admin/notices/{notice}/objections");
    let (status, body) = api(&app, &unit, reqwest::Method::POST, &path, Some(letter)).await;
    assert_eq!(status, 201, "{body}");
    assert_eq!(body["in_time"], true, "postmarked inside the posted period");
    // The paper report waits until the objection is concluded, as an issued one would.
    let (status, body) = upload(&app, &unit, i32::try_from(notice).unwrap(), ids[0]).await;
    assert_eq!(status, 409, "{body}");
    assert!(body.to_string().contains("异议"), "{body}");
});

db_test!(an_offline_record_needs_a_real_scan_and_the_campaign_period, |app| {
    let t = tree(&app).await;
    let ids = declare(&app, &t, t.enterprise, vec![project("OFF-2", "线下扫描件测试项目", None)]).await;
    let unit = admin_token(&app, t.enterprise, "off-scan").await;
    app.clock.set(cn(2025, 3, 20, 9, 0, 0));
    let text = base64::engine::general_purpose::STANDARD.encode("这不是扫描件");
    let (status, body) = record(&app, &unit, record_body(&t, &ids, "2025-03-10", "2025-03-14", &text)).await;
    assert_eq!(status, 422);
    assert_eq!(message(&body), "扫描件只能是PDF、JPEG或PNG文件（按文件内容识别）");
    let (status, body) = record(&app, &unit, record_body(&t, &ids, "2025-03-10", "2025-03-12", &png())).await;
    assert_eq!(status, 422);
    assert_eq!(message(&body), "公示期应为5个自然日：自2025年3月10日起应至2025年3月14日");
    let (status, body) = record(&app, &unit, record_body(&t, &ids, "2025-03-25", "2025-03-29", &png())).await;
    assert_eq!(status, 422);
    assert!(message(&body).contains("不能晚于今天"), "{body}");
    // The gate's entry rules apply: a sibling's project is not this unit's to list.
    let other = admin_token(&app, t.sibling, "off-other").await;
    let (status, body) = record(&app, &other, record_body(&t, &ids, "2025-03-10", "2025-03-14", &png())).await;
    assert_eq!(status, 422);
    assert!(message(&body).contains("不是本单位申报的项目"), "{body}");
    let n = notices::Entity::find().filter(notices::Column::Channel.eq("offline")).all(&app.db).await.unwrap();
    assert!(n.is_empty(), "nothing refused was recorded");
});

/// Turns a published notice into an offline record waiting for the receiving unit, with a
/// scan (for the authorisation matrix); returns the scan's id.
pub async fn mark_offline(app: &TestApp, notice: i32) -> i32 {
    let row = notices::Entity::find_by_id(notice).one(&app.db).await.unwrap().unwrap();
    let unit = row.unit_id;
    let mut n: notices::ActiveModel = row.into();
    n.channel = Set("offline".into());
    n.posted_where = Set(Some("矩阵公示栏".into()));
    n.offline_review = Set(Some("pending".into()));
    let scan = gongshi::offline::scan::check("scan", base64::engine::general_purpose::STANDARD.decode(png()).unwrap());
    let stored = gongshi::offline::scan::store(&app.db, scan.unwrap(), unit, "notice", None, app.clock_now()).await;
    let scan_id = stored.unwrap().id;
    n.offline_scan_id = Set(Some(scan_id));
    n.update(&app.db).await.unwrap();
    scan_id
}

/// Admins of the receiving unit (the parent of O) decide; O's own and the province see the
/// record but may not (403); a sibling does not see it (404).
fn decide(r: Role, s: Standpoint) -> Expect {
    match (r, s) {
        (_, Standpoint::Other) => Expect::Hidden,
        (Role::Admin, Standpoint::Parent) => Expect::Allow,
        _ => Expect::Forbidden,
    }
}

/// Uploading O's paper report: O's admins only.
fn upload_rule(r: Role, s: Standpoint) -> Expect {
    match (r, s) {
        (_, Standpoint::Other) => Expect::Hidden,
        (Role::Admin, Standpoint::Own) => Expect::Allow,
        _ => Expect::Forbidden,
    }
}

fn junk_scan() -> (String, String, Vec<u8>) {
    ("scan".into(), "scan.txt".into(), b"not a scan".to_vec())
}

pub fn matrix_cases() -> Vec<Case> {
    vec![
        Case {
            method: "GET",
            pattern: "/admin/offline",
            request: |_, _| Req::path("/admin/offline"),
            expect: everyone,
        },
        Case {
            method: "GET",
            pattern: "/admin/offline/scans/{id}",
            request: |f, _| Req::path(format!("/admin/offline/scans/{}", f.reports.offline_scan)),
            expect: view_chain,
        },
        Case {
            method: "POST",
            pattern: "/admin/offline/notices",
            request: |_, _| Req {
                path: "/admin/offline/notices".into(),
                body: Body::Multipart(vec![("campaign_id".into(), "0".into())], junk_scan()),
            },
            expect: admins,
        },
        Case {
            method: "POST",
            pattern: "/admin/offline/notices/{id}/report",
            request: |f, _| Req {
                path: format!("/admin/offline/notices/{}/report", f.reports.offline),
                body: Body::Multipart(Vec::new(), junk_scan()),
            },
            expect: upload_rule,
        },
        Case {
            method: "POST",
            pattern: "/admin/offline/notices/{id}/review",
            request: |f, _| {
                Req::form(format!("/admin/offline/notices/{}/review", f.reports.offline), &[("decision", "accept")])
            },
            expect: decide,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/offline",
            request: |_, _| Req::path("/api/v1/admin/offline"),
            expect: everyone,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/offline/notices",
            request: |_, _| {
                let body = json!({ "campaign_id": 0, "level": 1, "title": "矩阵", "posted_where": "矩阵",
                    "starts_on": "2025-02-01", "ends_on": "2025-02-05", "project_ids": [], "scan_base64": "" });
                Req::json("/api/v1/admin/offline/notices", body)
            },
            expect: admins,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/offline/notices/{id}",
            request: |f, _| Req::path(format!("/api/v1/admin/offline/notices/{}", f.reports.offline)),
            expect: view_chain,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/offline/notices/{id}/report",
            request: |f, _| {
                let body = json!({ "outcomes": [], "scan_base64": "" });
                Req::json(format!("/api/v1/admin/offline/notices/{}/report", f.reports.offline), body)
            },
            expect: upload_rule,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/offline/notices/{id}/review",
            request: |f, _| {
                let body = json!({ "decision": "accept", "reason": "" });
                Req::json(format!("/api/v1/admin/offline/notices/{}/review", f.reports.offline), body)
            },
            expect: decide,
        },
    ]
}

db_test!(the_receiving_unit_rejects_and_accepts_on_the_staff_page, |app| {
    let t = tree(&app).await;
    let ids = declare(&app, &t, t.enterprise, vec![project("OFF-3", "线下页面测试项目", None)]).await;
    app.clock.set(cn(2025, 3, 20, 9, 0, 0));
    let unit = app.sign_in(t.enterprise, "admin", "off-page-e").await;
    let token = unit.csrf().await;
    let scan = |bytes: Vec<u8>, name: &str| reqwest::multipart::Part::bytes(bytes).file_name(name.to_owned());
    let form = |scan_part| {
        reqwest::multipart::Form::new()
            .text("_csrf", token.clone())
            .text("campaign_id", t.campaign.to_string())
            .text("level", "1")
            .text("title", "关于职工技术创新成果申报项目的公示")
            .text("posted_where", "《甘肃工人报》")
            .text("starts_on", "2025-03-10")
            .text("ends_on", "2025-03-14")
            .text("project_ids", ids[0].to_string())
            .part("scan", scan_part)
    };
    // A file that is not a scan is refused with the reason, and nothing is recorded.
    let res = unit
        .client
        .post(unit.url("/admin/offline/notices"))
        .multipart(form(scan(b"hello".to_vec(), "a.png")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    assert!(res.text().await.unwrap().contains("扫描件只能是PDF、JPEG或PNG文件"));
    let png = base64::engine::general_purpose::STANDARD.decode(png()).unwrap();
    let res = unit
        .client
        .post(unit.url("/admin/offline/notices"))
        .multipart(form(scan(png, "board.png")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let (_, page) = unit.get_text("/admin/offline").await;
    assert!(page.contains("已登记线下公示") && page.contains("《甘肃工人报》") && page.contains("待确认"), "{page}");
    let notice =
        notices::Entity::find().filter(notices::Column::Channel.eq("offline")).one(&app.db).await.unwrap().unwrap().id;
    let (_, list) = unit.get_text("/admin/notices").await;
    assert!(list.contains("线下公示") && list.contains("《甘肃工人报》"), "{list}");

    let county = app.sign_in(t.county, "admin", "off-page-county").await;
    let (_, page) = county.get_text("/admin/offline").await;
    let scan_id = notices::Entity::find_by_id(notice).one(&app.db).await.unwrap().unwrap().offline_scan_id.unwrap();
    assert!(page.contains(&format!("/admin/offline/scans/{scan_id}")), "the receiving unit sees the photo: {page}");
    let res = county.get(&format!("/admin/offline/scans/{scan_id}")).await;
    assert_eq!(res.headers()["content-type"], "image/png");
    assert!(res.bytes().await.unwrap().starts_with(b"\x89PNG"));
    let path = format!("/admin/offline/notices/{notice}/review");
    let res = county.post_form(&path, &[("decision", "reject"), ("reason", "照片看不清公示期")]).await;
    assert_eq!(res.status().as_u16(), 303);
    let (_, page) = unit.get_text("/admin/offline").await;
    assert!(page.contains("已退回") && page.contains("照片看不清公示期"), "{page}");
    let res = unit.post_form(&path, &[("decision", "accept"), ("reason", "自己确认")]).await;
    assert_eq!(res.status().as_u16(), 403, "the recording unit does not decide");
    let res = county.post_form(&path, &[("decision", "accept"), ("reason", "已核对报纸原件")]).await;
    assert_eq!(res.status().as_u16(), 303);
    let (_, page) = county.get_text("/admin/offline").await;
    assert!(page.contains("已确认") && page.contains("已核对报纸原件"), "{page}");
});

db_test!(the_offline_api_is_in_the_openapi_document, |app| {
    let doc: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let paths = &doc["paths"];
    for (path, method) in [
        ("/api/v1/admin/offline", "get"),
        ("/api/v1/admin/offline/notices", "post"),
        ("/api/v1/admin/offline/notices/{id}", "get"),
        ("/api/v1/admin/offline/notices/{id}/report", "post"),
        ("/api/v1/admin/offline/notices/{id}/review", "post"),
    ] {
        assert!(paths[path][method].is_object(), "{method} {path} is documented");
    }
    let row = &doc["components"]["schemas"]["OfflineRow"]["properties"];
    assert!(row["channel"].is_object() && row["posted_where"].is_object() && row["review_reason"].is_object(), "{row}");
    let summary = &doc["components"]["schemas"]["NoticeSummary"]["properties"];
    assert!(summary["channel"].is_object() && summary["posted_where"].is_object(), "{summary}");
});
