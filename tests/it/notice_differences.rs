//! What the public reads when a level-2 notice lists a project differently from the level-1
//! notice it rests on (原为 … 现为 …, on the page, the poster and the API), and the refusal to
//! add or remove a completer above a lower-level notice that was not corrected first.
use crate::db_test;
use crate::notices_support::{World, carried_to, cn, day, draft, now, page, projects, published, result, world};
use gongshi::audit::Who;
use gongshi::error::AppError;
use gongshi::notices::Level;
use gongshi::notices::generate::{DraftEdit, GenerateRequest, generate, start_correction, update_draft};
use gongshi::notices::publish::{PublishRequest, publish};
use gongshi::notices::service;
use gongshi::projects::ProjectDraft;
use serde_json::{Value, json};

const LEVEL_ONE_TITLE: &str = "关于2025年度甘肃省职工技术成果申报项目的公示";

fn messages(e: AppError) -> String {
    match e {
        AppError::Validation(list) => list.into_iter().map(|f| f.message).collect::<Vec<_>>().join("\n"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// The enterprise's level-1 notice of one project, closed with no objection.
async fn noticed_at_level_one(app: &crate::helpers::TestApp) -> (World, Vec<i32>, i32) {
    let w = world(app).await;
    let ids = projects(app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let n1 = published(app, &w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    result(app, n1, Level::Applicant, &[(ids[0], "no_objection")]).await;
    (w, ids, n1)
}

/// The city's level-2 draft of the projects, as generated from their records now.
async fn city_draft(app: &crate::helpers::TestApp, w: &World, ids: &[i32]) -> Result<i32, AppError> {
    carried_to(app, w.city, ids).await;
    let req = GenerateRequest {
        campaign_id: w.campaign,
        unit_id: w.city,
        level: Level::Recommender,
        project_ids: ids.to_vec(),
        starts_on: Some(day(2025, 3, 20)),
        created_by: None,
    };
    generate(&app.db, &req, now(app)).await.map(|g| g.notice_id)
}

/// Publishes with a public note.
async fn publish_with_note(app: &crate::helpers::TestApp, id: i32, note: &str) {
    let req = PublishRequest { note: Some(note.into()), ..PublishRequest::default() };
    publish(&app.db, id, &req, now(app)).await.expect("published");
}

/// Changes the project record as the applicant would, by importing it again.
async fn record_now_reads(app: &crate::helpers::TestApp, w: &World, project: ProjectDraft) {
    projects(app, w, vec![project]).await;
}

/// Corrects (更正) the level-1 notice from the project records as they are now.
async fn correct_from_records(app: &crate::helpers::TestApp, n1: i32, ids: &[i32], note: &str) {
    let who = Who::default();
    start_correction(&app.db, n1, &who, now(app)).await.unwrap();
    let rev = service::draft_revision(&app.db, n1).await.unwrap().unwrap();
    let edit = DraftEdit {
        title: rev.title.clone(),
        body_md: rev.body_md.clone(),
        starts_on: rev.starts_on,
        doc_number: None,
        board_location: rev.board_location.clone(),
        media: rev.media.clone(),
        web: rev.web,
        project_ids: ids.to_vec(),
    };
    update_draft(&app.db, n1, edit, &who, now(app)).await.unwrap();
    publish_with_note(app, n1, note).await;
}

async fn api_json(app: &crate::helpers::TestApp, path: &str) -> Value {
    let (status, body) = app.get_text(path).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_str(&body).expect("JSON")
}

db_test!(a_renamed_project_reads_was_and_now_on_the_level_two_page_poster_and_api, |app| {
    let (w, ids, n1) = noticed_at_level_one(&app).await;
    record_now_reads(&app, &w, draft("A1", "输电线路覆冰在线监测", None)).await;
    let n2 = city_draft(&app, &w, &ids).await.expect("a new name is a wording change, not refused");
    let note = "项目名称按专家意见规范";
    publish_with_note(&app, n2, note).await;
    // The level-1 notice is corrected to the new name afterwards: the level-2 notice, published
    // before, still reads as it did (computed from the snapshots as they stood then).
    app.clock.set(cn(2025, 3, 12, 9, 0, 0));
    correct_from_records(&app, n1, &ids, "项目名称更正").await;
    app.clock.set(cn(2025, 3, 21, 9, 0, 0));

    let was_now = "项目《输电线路覆冰在线监测》项目名称：原为“覆冰监测”，现为“输电线路覆冰在线监测”";
    let link = format!("<a href=\"/notices/{n1}/revisions/1\">《{LEVEL_ONE_TITLE}》</a>");
    let (status, html) = page(&app, &format!("/notices/{n2}")).await;
    assert_eq!(status, 200);
    assert!(html.contains("与下级公示不一致之处"), "{html}");
    assert!(html.contains(was_now), "{html}");
    assert!(html.contains(&format!("见国网武威供电公司申报单位公示{link}")), "{html}");
    assert!(html.contains(note), "beside the note");
    let (_, poster) = page(&app, &format!("/notices/{n2}/poster")).await;
    assert!(poster.contains(was_now) && poster.contains(&format!("<strong>说明</strong>：{note}")), "{poster}");

    let detail = api_json(&app, &format!("/api/v1/notices/{n2}")).await;
    let changes = &detail["items"][0]["changes_from_lower"];
    assert_eq!(changes.as_array().map(Vec::len), Some(1), "{detail}");
    assert_eq!(changes[0]["field"], "name");
    assert_eq!(changes[0]["label"], "项目名称");
    assert_eq!(changes[0]["was"], "覆冰监测");
    assert_eq!(changes[0]["now"], "输电线路覆冰在线监测");
    assert_eq!(changes[0]["lower_notice"]["id"], n1);
    assert_eq!(changes[0]["lower_notice"]["title"], LEVEL_ONE_TITLE);
    assert_eq!(changes[0]["lower_notice"]["level"], 1);
    assert_eq!(detail["correction_note"], note);

    // The level-1 notice itself rests on nothing below it.
    let (_, lower) = page(&app, &format!("/notices/{n1}")).await;
    assert!(!lower.contains("与下级公示不一致之处"));
    let lower = api_json(&app, &format!("/api/v1/notices/{n1}")).await;
    assert_eq!(lower["items"][0]["changes_from_lower"], json!([]));
});

db_test!(a_completer_added_at_level_two_is_refused_until_the_lower_notice_is_corrected, |app| {
    let (w, ids, n1) = noticed_at_level_one(&app).await;
    // Generating: the record gained a completer the level-1 notice never showed.
    let mut added = draft("A1", "覆冰监测", None);
    let mut extra = added.completers[3].clone();
    extra.name = "孙丽".into();
    added.completers.push(extra);
    record_now_reads(&app, &w, added).await;
    let refused = messages(city_draft(&app, &w, &ids).await.unwrap_err());
    assert!(
        refused.contains(&format!(
            "项目《覆冰监测》的完成人与所依据的国网武威供电公司申报单位公示《{LEVEL_ONE_TITLE}》不一致（增加孙丽）。增加或减少完成人，须先由国网武威供电公司对该公示作出更正并公示，再列入本公示"
        )),
        "{refused}"
    );

    // Publishing: a draft made while both agreed, then the level-1 notice corrected to drop a
    // completer, so the draft now lists one the lower notice no longer does.
    record_now_reads(&app, &w, draft("A1", "覆冰监测", None)).await;
    let n2 = city_draft(&app, &w, &ids).await.expect("the same completers");
    let mut fewer = draft("A1", "覆冰监测", None);
    fewer.completers.truncate(3);
    record_now_reads(&app, &w, fewer).await;
    correct_from_records(&app, n1, &ids, "经核实，钱伟未参与研制，删除").await;

    let user = app.create_user(w.city, "admin", "city-admin").await;
    let token = app.api_token(user).await;
    let res = app
        .client
        .post(app.url(&format!("/api/v1/admin/notices/{n2}/publish")))
        .bearer_auth(&token)
        .json(&json!({ "note": "完成人有调整" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 422);
    let body: Value = res.json().await.unwrap();
    let said: Vec<&str> = body["errors"].as_array().unwrap().iter().filter_map(|e| e["message"].as_str()).collect();
    assert!(
        said.iter().any(|m| m.contains("《覆冰监测》的完成人与所依据的国网武威供电公司申报单位公示")
            && m.contains("（增加钱伟）")
            && m.contains("须先由国网武威供电公司对该公示作出更正并公示")),
        "{body}"
    );
    assert!(service::latest_published(&app.db, n2).await.unwrap().is_none(), "still a draft");
});

db_test!(a_reordered_completer_list_with_a_note_publishes_and_shows_the_old_order, |app| {
    let (w, ids, _) = noticed_at_level_one(&app).await;
    let mut reordered = draft("A1", "覆冰监测", None);
    reordered.completers.swap(0, 1);
    record_now_reads(&app, &w, reordered).await;
    let n2 = city_draft(&app, &w, &ids).await.expect("a reorder is not refused");
    let refused = messages(publish(&app.db, n2, &PublishRequest::default(), now(&app)).await.unwrap_err());
    assert!(refused.contains("须填写更正说明"), "a reorder still needs the note: {refused}");
    publish_with_note(&app, n2, "完成人排序按贡献大小调整").await;
    app.clock.set(cn(2025, 3, 21, 9, 0, 0));

    let (_, html) = page(&app, &format!("/notices/{n2}")).await;
    assert!(html.contains("完成人及排序：原为“李明、王芳、赵赟、钱伟”，现为“王芳、李明、赵赟、钱伟”"), "{html}");
    assert!(html.contains("完成人排序按贡献大小调整"));
    let detail = api_json(&app, &format!("/api/v1/notices/{n2}")).await;
    let change = &detail["items"][0]["changes_from_lower"][0];
    assert_eq!(
        (change["field"].as_str(), change["was"].as_str()),
        (Some("completers"), Some("李明、王芳、赵赟、钱伟"))
    );
    assert_eq!(change["now"], "王芳、李明、赵赟、钱伟");
});

db_test!(html_in_a_changed_project_name_is_escaped_on_the_page_poster_and_api, |app| {
    let (w, ids, _) = noticed_at_level_one(&app).await;
    let evil = "<script>alert(1)</script>覆冰";
    record_now_reads(&app, &w, draft("A1", evil, None)).await;
    let n2 = city_draft(&app, &w, &ids).await.unwrap();
    publish_with_note(&app, n2, "<b>名称</b>调整").await;
    app.clock.set(cn(2025, 3, 21, 9, 0, 0));

    for path in [format!("/notices/{n2}"), format!("/notices/{n2}/poster")] {
        let (_, html) = page(&app, &path).await;
        assert!(html.contains("现为“&lt;script&gt;alert(1)&lt;/script&gt;覆冰”"), "{path}: {html}");
        assert!(!html.contains("<script>alert") && !html.contains("<b>名称"), "{path}");
    }
    let (_, body) = app.get_text(&format!("/api/v1/notices/{n2}")).await;
    assert!(!body.contains("<script>") && body.contains("\\u003cscript\\u003e"), "{body}");
    let detail: Value = serde_json::from_str(&body).unwrap();
    assert_eq!(detail["items"][0]["changes_from_lower"][0]["now"], evil);
});
