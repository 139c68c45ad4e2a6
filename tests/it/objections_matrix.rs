//! The objection routes' rows of the authorisation matrix (`access_matrix.rs`): an objection
//! on a notice of the target unit `O`, and who may list, read, handle and look at it.
//! Objections stay with their unit: the parent unit does not see them, the province sees them
//! but neither handles them nor sees who objected.
use crate::access_matrix::{Case, Expect, Fixture, Req, Standpoint};
use crate::fixtures::CampaignFixture;
use crate::helpers::TestApp;
use crate::objections_support::{form_fields, pdf};
use gongshi::access::Role;
use gongshi::notices::Level;
use sea_orm::EntityTrait;

/// What the objection cases point at.
pub struct ObjectionFixture {
    pub notice: i32,
    pub project: i32,
    pub objection: i32,
    pub attachment: i32,
    /// Strings only this objection's pages contain (its receipt code, as stored and as printed
    /// in groups).
    pub canaries: Vec<String>,
}

/// A notice of `unit` public now, with one objection carrying one evidence file.
pub async fn fixture(app: &TestApp, campaign_code: &str, unit: i32) -> ObjectionFixture {
    let now = app.clock_now();
    let campaign = CampaignFixture::new(campaign_code).title("矩阵测试征集活动").insert(app).await;
    let draft = gongshi::projects::ProjectDraft {
        import_key: "M1".into(),
        name: "矩阵测试项目".into(),
        completing_units: vec!["矩阵测试单位".into()],
        completers: vec![gongshi::projects::CompleterDraft {
            name: "甲".into(),
            contribution: Some("设计".into()),
            workload: Some("100%".into()),
            ..Default::default()
        }],
        key_technology: "测试".into(),
        ip_items: vec![],
        eligibility: 1,
        exclusions_declared: true,
        proposed_grade: None,
        summary: None,
        over_limit_reason: None,
    };
    let drafts = vec![draft.validate().expect("valid")];
    let project = gongshi::imports::store(&app.db, campaign, unit, drafts, now).await.expect("stored").project_ids[0];
    let req = gongshi::notices::generate::GenerateRequest {
        campaign_id: campaign,
        unit_id: unit,
        level: Level::Applicant,
        project_ids: vec![project],
        starts_on: Some(gongshi::china_time::day_of(now)),
        created_by: None,
    };
    let notice = gongshi::notices::generate::generate(&app.db, &req, now).await.expect("generated").notice_id;
    let publish = gongshi::notices::publish::PublishRequest::default();
    gongshi::notices::publish::publish(&app.db, notice, &publish, now).await.expect("published");
    let (_, page) = app.get_text(&format!("/notices/{notice}/objection")).await;
    let body = crate::objections_support::form_body(
        &crate::helpers::csrf_in(&page),
        "matrix",
        &form_fields(project),
        vec![("证据.pdf", pdf())],
    );
    let res = crate::objections_support::post_form(app, notice, body).await;
    assert_eq!(res.status().as_u16(), 200, "objection filed");
    let filed = entity::objections::Entity::find().all(&app.db).await.expect("rows");
    let case = filed.into_iter().find(|o| o.notice_id == notice).expect("the objection");
    let attachment = entity::objection_attachments::Entity::find().all(&app.db).await.expect("rows");
    let attachment = attachment.into_iter().find(|a| a.objection_id == case.id).expect("its evidence").id;
    ObjectionFixture {
        notice,
        project,
        objection: case.id,
        attachment,
        canaries: vec![gongshi::objections::codes::grouped(&case.receipt_code), case.receipt_code],
    }
}

/// The objection list: O's own staff and the province see O's cases; the parent and a
/// sibling see a list without them.
fn list(_: Role, s: Standpoint) -> Expect {
    match s {
        Standpoint::Own | Standpoint::Province => Expect::Sees,
        Standpoint::Parent | Standpoint::Other => Expect::Blind,
    }
}

/// One case: O's staff and the province.
fn view(_: Role, s: Standpoint) -> Expect {
    match s {
        Standpoint::Own | Standpoint::Province => Expect::Sees,
        Standpoint::Parent | Standpoint::Other => Expect::Hidden,
    }
}

/// Handling a case, and seeing who objected: O's admins and handlers only. Those who see
/// the case but may not act get 403; the rest 404.
fn handle(r: Role, s: Standpoint) -> Expect {
    match (r, s) {
        (Role::Admin | Role::Handler, Standpoint::Own) => Expect::Allow,
        (_, Standpoint::Own | Standpoint::Province) => Expect::Forbidden,
        _ => Expect::Hidden,
    }
}

/// Opening the registration form: any admin or handler (it lists their own notices).
fn handlers(r: Role, _: Standpoint) -> Expect {
    if r == Role::Viewer { Expect::Forbidden } else { Expect::Allow }
}

fn registration_fields(f: &Fixture) -> Vec<(String, String)> {
    vec![
        ("notice_id".into(), f.objections.notice.to_string()),
        ("channel".into(), "phone".into()),
        ("claimed_at".into(), "2025-03-09 09:00".into()),
        ("objector_kind".into(), "individual".into()),
        ("name".into(), "矩阵来电人".into()),
        ("phone".into(), "13800000000".into()),
        ("project_id".into(), f.objections.project.to_string()),
        ("category".into(), "other".into()),
        ("content".into(), "电话反映的问题。".into()),
    ]
}

fn form(path: String, fields: &[(String, String)]) -> Req {
    let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    Req::form(path, &refs)
}

pub fn cases() -> Vec<Case> {
    vec![
        Case {
            method: "GET",
            pattern: "/admin/objections",
            request: |_, _| Req::path("/admin/objections"),
            expect: list,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/objections",
            request: |_, _| Req::path("/api/v1/admin/objections"),
            expect: list,
        },
        Case {
            method: "GET",
            pattern: "/admin/objections/{id}",
            request: |f, _| Req::path(format!("/admin/objections/{}", f.objections.objection)),
            expect: view,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/objections/{id}",
            request: |f, _| Req::path(format!("/api/v1/admin/objections/{}", f.objections.objection)),
            expect: view,
        },
        Case {
            method: "POST",
            pattern: "/admin/objections/{id}/transition",
            // The first allowed caller accepts the case; later ones are told it moved on (409).
            request: |f, _| {
                Req::form(format!("/admin/objections/{}/transition", f.objections.objection), &[("to", "accepted")])
            },
            expect: handle,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/objections/{id}/transitions",
            request: |f, _| {
                Req::json(
                    format!("/api/v1/admin/objections/{}/transitions", f.objections.objection),
                    serde_json::json!({ "to": "accepted" }),
                )
            },
            expect: handle,
        },
        Case {
            method: "POST",
            pattern: "/admin/objections/{id}/assign",
            request: |f, _| {
                Req::form(format!("/admin/objections/{}/assign", f.objections.objection), &[("user_id", "")])
            },
            expect: handle,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/objections/{id}/assignment",
            request: |f, _| {
                Req::json(
                    format!("/api/v1/admin/objections/{}/assignment", f.objections.objection),
                    serde_json::json!({ "user_id": null }),
                )
            },
            expect: handle,
        },
        Case {
            method: "POST",
            pattern: "/admin/objections/{id}/sealed-letter",
            // An individual's case awaits no letter: allowed callers get 409, others 403/404.
            request: |f, _| Req::form(format!("/admin/objections/{}/sealed-letter", f.objections.objection), &[]),
            expect: handle,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/objections/{id}/sealed-letter",
            request: |f, _| {
                Req::json(
                    format!("/api/v1/admin/objections/{}/sealed-letter", f.objections.objection),
                    serde_json::json!({}),
                )
            },
            expect: handle,
        },
        Case {
            method: "GET",
            pattern: "/admin/objections/{id}/identity",
            request: |f, _| Req::path(format!("/admin/objections/{}/identity", f.objections.objection)),
            expect: handle,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/objections/{id}/identity",
            request: |f, _| Req::path(format!("/api/v1/admin/objections/{}/identity", f.objections.objection)),
            expect: handle,
        },
        Case {
            method: "GET",
            pattern: "/admin/objections/{id}/attachments/{attachment}",
            request: |f, _| {
                Req::path(format!(
                    "/admin/objections/{}/attachments/{}",
                    f.objections.objection, f.objections.attachment
                ))
            },
            expect: handle,
        },
        Case {
            method: "GET",
            pattern: "/admin/objections/register",
            request: |_, _| Req::path("/admin/objections/register"),
            expect: handlers,
        },
        Case {
            method: "POST",
            pattern: "/admin/objections/register",
            request: |f, _| form("/admin/objections/register".into(), &registration_fields(f)),
            expect: handle,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/notices/{id}/objections",
            request: |f, _| {
                let body: serde_json::Map<String, serde_json::Value> =
                    registration_fields(f).into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect();
                let mut body = serde_json::Value::Object(body);
                body["project_id"] = f.objections.project.into();
                Req::json(format!("/api/v1/admin/notices/{}/objections", f.objections.notice), body)
            },
            expect: handle,
        },
    ]
}
