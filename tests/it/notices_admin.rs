//! Staff generate, edit, preview, publish, correct and withdraw notices in the browser and
//! through the admin API; the public sees a notice at its open instant. Also this module's
//! rows of the authorisation matrix.
use crate::access_matrix::{Case, Expect, Fixture, Req, Standpoint, list_chain, view_chain};
use crate::db_test;
use crate::fixtures::CampaignFixture;
use crate::helpers::{TestApp, csrf_in};
use crate::notices_support::{cn, day, draft, now, page, projects, world};
use gongshi::access::Role;
use gongshi::notices::Level;
use gongshi::notices::generate::{GenerateRequest, generate, start_correction};
use gongshi::notices::publish::{PublishRequest, publish};
use serde_json::{Value, json};

db_test!(a_unit_admin_generates_previews_and_publishes_a_notice_in_the_browser, |app| {
    use sea_orm::EntityTrait;
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "输电线路覆冰监测", None), draft("A2", "智能巡检", None)]).await;
    let admin = app.sign_in(w.enterprise, "admin", "gdgs-admin").await;
    let (status, form) = admin.get_text(&format!("/admin/notices/new?campaign_id={}&level=1", w.campaign)).await;
    assert_eq!(status, 200);
    assert!(form.contains("输电线路覆冰监测") && form.contains("智能巡检"), "{form}");
    let csrf = csrf_in(&form);
    let (p1, p2) = (format!("p_{}", ids[0]), format!("p_{}", ids[1]));
    let campaign = w.campaign.to_string();
    let fields = [
        ("_csrf", csrf.as_str()),
        ("campaign_id", campaign.as_str()),
        ("level", "1"),
        (p2.as_str(), "1"),
        (p1.as_str(), "2"),
        ("starts_on", "2025-03-10"),
    ];
    let res = admin.client.post(admin.url("/admin/notices")).form(&fields).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let location = res.headers()["location"].to_str().unwrap().to_owned();
    let id: i32 = location.rsplit('/').next().unwrap().parse().unwrap();
    let (_, show) = admin.get_text(&location).await;
    assert!(show.contains("草稿") && show.contains("关于2025年度甘肃省职工技术成果申报项目的公示"), "{show}");

    // The preview is the public page, draft and all; the public sees nothing yet.
    let (status, preview) = admin.get_text(&format!("/admin/notices/{id}/preview")).await;
    assert_eq!(status, 200);
    assert!(preview.contains("预览") && preview.contains("前三位完成人的贡献和工作量"), "{preview}");
    assert!(preview.find("智能巡检").unwrap() < preview.find("输电线路覆冰监测").unwrap(), "order as entered");
    assert_eq!(app.get(&format!("/notices/{id}")).await.status().as_u16(), 404);

    // Edit the title and board location, then publish.
    let (_, show) = admin.get_text(&location).await;
    let body_md = gongshi::notices::service::draft_revision(&app.db, id).await.unwrap().unwrap().body_md;
    let fields = [
        ("_csrf", csrf_in(&show)),
        ("title", "国网武威供电公司2025年度职工技术成果申报项目公示".to_owned()),
        ("body_md", body_md),
        ("starts_on", "2025-03-10".to_owned()),
        ("board_location", "公司办公楼一楼公告栏".to_owned()),
        ("web", "on".to_owned()),
        (p2.as_str(), "1".to_owned()),
        (p1.as_str(), "2".to_owned()),
    ];
    let res = admin.client.post(admin.url(&format!("/admin/notices/{id}/draft"))).form(&fields).send().await.unwrap();
    assert_eq!(res.status().as_u16(), 303);
    let res = admin.post_form(&format!("/admin/notices/{id}/publish"), &[("note", "")]).await;
    assert_eq!(res.status().as_u16(), 303);
    let (_, show) = admin.get_text(&location).await;
    assert!(show.contains("公示已发布") && show.contains("已发布"), "{show}");

    app.clock.set(cn(2025, 3, 9, 23, 59, 59));
    assert_eq!(app.get(&format!("/notices/{id}")).await.status().as_u16(), 404);
    app.clock.set(cn(2025, 3, 10, 0, 0, 0));
    let (status, public) = page(&app, &format!("/notices/{id}")).await;
    assert_eq!(status, 200);
    assert!(
        public.contains("国网武威供电公司2025年度职工技术成果申报项目公示") && public.contains("公司办公楼一楼公告栏")
    );

    // A correction that changes the order restarts the period; withdrawal needs a reason.
    app.clock.set(cn(2025, 3, 11, 10, 0, 0));
    admin.login(&admin.password).await; // a sign-in lasts 12 hours
    assert_eq!(admin.post_form(&format!("/admin/notices/{id}/correction"), &[]).await.status().as_u16(), 303);
    let (_, show) = admin.get_text(&location).await;
    let rev = gongshi::notices::service::draft_revision(&app.db, id).await.unwrap().unwrap();
    let fields = [
        ("_csrf", csrf_in(&show)),
        ("title", rev.title.clone()),
        ("body_md", rev.body_md.clone()),
        ("starts_on", "2025-03-12".to_owned()),
        ("web", "on".to_owned()),
        (p1.as_str(), "1".to_owned()),
        (p2.as_str(), "2".to_owned()),
    ];
    admin.client.post(admin.url(&format!("/admin/notices/{id}/draft"))).form(&fields).send().await.unwrap();
    let refused = admin.post_form(&format!("/admin/notices/{id}/publish"), &[("note", "")]).await;
    assert_eq!(refused.status().as_u16(), 422);
    assert!(refused.text().await.unwrap().contains("更正须填写更正说明"));
    admin.post_form(&format!("/admin/notices/{id}/publish"), &[("note", "推荐排序调整")]).await;
    let (_, show) = admin.get_text(&location).await;
    assert!(show.contains("公示期重新计算") && show.contains("2025年3月12日至2025年3月16日"), "{show}");
    let refused = admin.post_form(&format!("/admin/notices/{id}/withdraw"), &[("reason", " ")]).await;
    assert_eq!(refused.status().as_u16(), 422);
    admin.post_form(&format!("/admin/notices/{id}/withdraw"), &[("reason", "申报单位决定暂缓申报")]).await;
    let (_, public) = page(&app, &format!("/notices/{id}")).await;
    assert!(public.contains("本公示已撤销") && public.contains("申报单位决定暂缓申报"));
    let audit = entity::audit_log::Entity::find().all(&app.db).await.unwrap();
    let actions: Vec<&str> =
        audit.iter().filter(|a| a.user_id == Some(admin.user_id)).map(|a| a.action.as_str()).collect();
    for a in [
        "notice.generate",
        "notice.draft.update",
        "notice.publish",
        "notice.correction.start",
        "notice.correct",
        "notice.withdraw",
    ] {
        assert!(actions.contains(&a), "{a} audited: {actions:?}");
    }
    assert!(audit.iter().any(|a| a.action == "notice.publish" && a.ip.is_some()), "with the client address");
});

db_test!(the_admin_api_generates_publishes_and_withdraws_with_a_token, |app| {
    use sea_orm::EntityTrait;
    let w = world(&app).await;
    let ids = projects(&app, &w, vec![draft("A1", "覆冰监测", None)]).await;
    let user = app.create_user(w.enterprise, "admin", "api-admin").await;
    let token = app.api_token(user).await;
    let api = |method: reqwest::Method, path: &str| app.client.request(method, app.url(path)).bearer_auth(&token);
    let res = api(reqwest::Method::POST, "/api/v1/admin/notices")
        .json(&json!({ "campaign_id": w.campaign, "level": 1, "project_ids": ids, "starts_on": "2025-03-10" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 201);
    let id = res.json::<Value>().await.unwrap()["notice_id"].as_i64().unwrap();
    let detail: Value =
        api(reqwest::Method::GET, &format!("/api/v1/admin/notices/{id}")).send().await.unwrap().json().await.unwrap();
    assert_eq!(detail["state"], "draft");
    assert_eq!(detail["draft"]["starts_on"], "2025-03-10");
    assert_eq!(detail["draft_items"][0]["snapshot"]["name"], "覆冰监测");
    let bad = api(reqwest::Method::POST, "/api/v1/admin/notices")
        .json(&json!({ "campaign_id": w.campaign, "level": 2, "project_ids": ids }))
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status().as_u16(), 422);
    assert!(bad.text().await.unwrap().contains("不在本单位的推荐范围内"));
    let published: Value = api(reqwest::Method::POST, &format!("/api/v1/admin/notices/{id}/publish"))
        .json(&json!({}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(published["closes_at"], "2025-03-15T00:00:00+08:00");
    let again = api(reqwest::Method::POST, &format!("/api/v1/admin/notices/{id}/publish"))
        .json(&json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(again.status().as_u16(), 409);
    let res = api(reqwest::Method::POST, &format!("/api/v1/admin/notices/{id}/withdraw"))
        .json(&json!({ "reason": "材料不全" }))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 204);
    let n = entity::notices::Entity::find_by_id(i32::try_from(id).unwrap()).one(&app.db).await.unwrap().unwrap();
    assert_eq!(n.state, "withdrawn");
});

// ---- the authorisation matrix ----

/// The notices of the matrix's target unit `O`.
pub struct MatrixNotices {
    pub campaign: i32,
    pub project: i32,
    /// A draft, never published.
    pub draft: i32,
    /// A draft the own admin publishes.
    pub to_publish: i32,
    /// Published: corrected and withdrawn by the own admin.
    pub published: i32,
    /// Published with a correction draft, which the own admin discards.
    pub corrected: i32,
}

/// Builds `O`'s campaign, project and notices.
pub async fn matrix_fixture(app: &TestApp, own: i32) -> MatrixNotices {
    let campaign = CampaignFixture::new("MATRIX-2025").insert(app).await;
    let d = draft("M1", "矩阵测试项目", None).validate().unwrap();
    let project = gongshi::imports::store(&app.db, campaign, own, vec![d], now(app)).await.unwrap().project_ids[0];
    let new = || GenerateRequest {
        campaign_id: campaign,
        unit_id: own,
        level: Level::Applicant,
        project_ids: vec![project],
        starts_on: Some(day(2025, 3, 10)),
        created_by: None,
    };
    let mut ids = Vec::new();
    for _ in 0..4 {
        ids.push(generate(&app.db, &new(), now(app)).await.unwrap().notice_id);
    }
    for &id in &ids[2..] {
        publish(&app.db, id, &PublishRequest::default(), now(app)).await.unwrap();
    }
    start_correction(&app.db, ids[3], &gongshi::audit::Who::default(), now(app)).await.unwrap();
    MatrixNotices { campaign, project, draft: ids[0], to_publish: ids[1], published: ids[2], corrected: ids[3] }
}

/// Acting on `O`'s notice: `O`'s admins only; those who see it are refused (403), the rest
/// do not learn it exists (404). Not even the province acts for another unit.
fn notice_admin(r: Role, s: Standpoint) -> Expect {
    match (r, s) {
        (_, Standpoint::Other) => Expect::Hidden,
        (Role::Admin, Standpoint::Own) => Expect::Allow,
        _ => Expect::Forbidden,
    }
}

/// Generating with `O`'s project: admins only; the project must be within sight (the
/// province sees it, and then the gate refuses with 422); elsewhere it stays hidden.
fn generate_with_o(r: Role, s: Standpoint) -> Expect {
    match (r, s) {
        (Role::Admin, Standpoint::Own | Standpoint::Province) => Expect::Allow,
        (Role::Admin, _) => Expect::Hidden,
        _ => Expect::Forbidden,
    }
}

fn sees(r: Role, s: Standpoint) -> Expect {
    if view_chain(r, s) == Expect::Allow { Expect::Sees } else { Expect::Hidden }
}

fn admins(r: Role, _: Standpoint) -> Expect {
    if r == Role::Admin { Expect::Allow } else { Expect::Forbidden }
}

fn draft_fields(f: &Fixture) -> Vec<(String, String)> {
    vec![
        ("title".into(), "矩阵草稿".into()),
        ("body_md".into(), "正文".into()),
        ("starts_on".into(), "2025-03-10".into()),
        (format!("p_{}", f.notices.project), "1".into()),
    ]
}

fn form(path: String, fields: &[(String, String)]) -> Req {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Req::form(path, &refs)
}

pub fn matrix_cases() -> Vec<Case> {
    vec![
        Case {
            method: "GET",
            pattern: "/admin/notices",
            request: |_, _| Req::path("/admin/notices"),
            expect: list_chain,
        },
        Case {
            method: "GET",
            pattern: "/admin/notices/new",
            request: |_, _| Req::path("/admin/notices/new"),
            expect: admins,
        },
        Case {
            method: "POST",
            pattern: "/admin/notices",
            request: |f, _| {
                let p = format!("p_{}", f.notices.project);
                let c = f.notices.campaign.to_string();
                Req::form(
                    "/admin/notices",
                    &[("campaign_id", &c), ("level", "1"), (p.as_str(), "1"), ("starts_on", "2025-03-10")],
                )
            },
            expect: generate_with_o,
        },
        Case {
            method: "GET",
            pattern: "/admin/notices/{id}",
            request: |f, _| Req::path(format!("/admin/notices/{}", f.notices.draft)),
            expect: sees,
        },
        Case {
            method: "GET",
            pattern: "/admin/notices/{id}/preview",
            request: |f, _| Req::path(format!("/admin/notices/{}/preview", f.notices.draft)),
            expect: sees,
        },
        Case {
            method: "POST",
            pattern: "/admin/notices/{id}/draft",
            request: |f, _| form(format!("/admin/notices/{}/draft", f.notices.draft), &draft_fields(f)),
            expect: notice_admin,
        },
        Case {
            method: "POST",
            pattern: "/admin/notices/{id}/publish",
            request: |f, _| Req::form(format!("/admin/notices/{}/publish", f.notices.to_publish), &[("note", "")]),
            expect: notice_admin,
        },
        Case {
            method: "POST",
            pattern: "/admin/notices/{id}/correction",
            request: |f, _| Req::form(format!("/admin/notices/{}/correction", f.notices.published), &[]),
            expect: notice_admin,
        },
        Case {
            method: "POST",
            pattern: "/admin/notices/{id}/discard",
            request: |f, _| Req::form(format!("/admin/notices/{}/discard", f.notices.corrected), &[]),
            expect: notice_admin,
        },
        Case {
            method: "POST",
            pattern: "/admin/notices/{id}/withdraw",
            request: |f, _| {
                Req::form(format!("/admin/notices/{}/withdraw", f.notices.published), &[("reason", "矩阵撤销")])
            },
            expect: notice_admin,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/notices",
            request: |_, _| Req::path("/api/v1/admin/notices"),
            expect: list_chain,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/notices",
            request: |f, _| {
                Req::json(
                    "/api/v1/admin/notices",
                    json!({ "campaign_id": f.notices.campaign, "level": 1, "project_ids": [f.notices.project], "starts_on": "2025-03-10" }),
                )
            },
            expect: generate_with_o,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/notices/{id}",
            request: |f, _| Req::path(format!("/api/v1/admin/notices/{}", f.notices.draft)),
            expect: sees,
        },
        Case {
            method: "PUT",
            pattern: "/api/v1/admin/notices/{id}/draft",
            request: |f, _| {
                Req::json(
                    format!("/api/v1/admin/notices/{}/draft", f.notices.draft),
                    json!({ "title": "矩阵草稿", "body_md": "正文", "starts_on": "2025-03-10", "project_ids": [f.notices.project] }),
                )
            },
            expect: notice_admin,
        },
        Case {
            method: "DELETE",
            pattern: "/api/v1/admin/notices/{id}/draft",
            request: |f, _| Req::path(format!("/api/v1/admin/notices/{}/draft", f.notices.corrected)),
            expect: notice_admin,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/notices/{id}/publish",
            request: |f, _| Req::json(format!("/api/v1/admin/notices/{}/publish", f.notices.to_publish), json!({})),
            expect: notice_admin,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/notices/{id}/correction",
            request: |f, _| Req::json(format!("/api/v1/admin/notices/{}/correction", f.notices.published), json!({})),
            expect: notice_admin,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/notices/{id}/withdraw",
            request: |f, _| {
                Req::json(
                    format!("/api/v1/admin/notices/{}/withdraw", f.notices.published),
                    json!({ "reason": "矩阵撤销" }),
                )
            },
            expect: notice_admin,
        },
    ]
}
