//! The authorisation matrix: every staff route (pages and admin API) × every role × where the
//! actor stands from the target unit (own, a sibling, the parent, the province), each asserted
//! to allow or deny (403 / 404) with no trace of the target's data in a refusal.
//!
//! The route list comes from the application's registrar, so a new staff route without an entry
//! in `cases()` fails `every_staff_route_is_in_the_matrix`. To add a route: add a `Case` with how
//! to build its request against the target unit `O` (the `Fixture`) and the expected outcome per
//! role and standpoint (use the helpers `view_chain`, `unit_admin`, … or write a small fn).
use crate::db_test;
use crate::fixtures::CampaignFixture;
use crate::helpers::{Staff, TestApp};
use gongshi::access::Role;
use std::collections::BTreeSet;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Where the actor's unit stands from the target unit `O`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Standpoint {
    /// The actor belongs to `O`.
    Own,
    /// `S`, a sibling of `O` under the same city.
    Other,
    /// `C`, the city above `O` (recommends O's projects upward).
    Parent,
    /// `P`, the province at the root.
    Province,
}

pub const STANDPOINTS: [Standpoint; 4] = [Standpoint::Own, Standpoint::Other, Standpoint::Parent, Standpoint::Province];
pub const ROLES: [Role; 3] = [Role::Admin, Role::Handler, Role::Viewer];

/// What must happen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expect {
    /// Allowed (2xx or 3xx).
    Allow,
    /// Allowed, and the body shows the target's data.
    Sees,
    /// Allowed (a list), and the body shows none of the target's data.
    Blind,
    /// 403, nothing of the target in the body.
    Forbidden,
    /// 404, nothing of the target in the body.
    Hidden,
}

/// The test data every case can point at.
pub struct Fixture {
    pub province: i32,
    pub city: i32,
    pub own: i32,
    pub sibling: i32,
    /// A user of `O` who is never an actor.
    pub target_user: i32,
    /// An API token of the target user.
    pub target_token: i32,
    /// Strings only `O`'s things contain: none may appear in a refusal or a blind list.
    pub canaries: Vec<String>,
    /// O's notices (tests/it/notices_admin.rs).
    pub notices: crate::notices_admin::MatrixNotices,
    /// An objection on a notice of O (tests/it/objections_matrix.rs).
    pub objections: crate::objections_matrix::ObjectionFixture,
    /// O's projects.
    pub projects: MatrixProjects,
    /// O's result reports (tests/it/reports_matrix.rs).
    pub reports: crate::reports_matrix::ReportFixture,
    /// O's webhook endpoints (tests/it/webhooks.rs).
    pub webhooks: crate::webhooks::WebhookFixture,
}

/// A campaign with two projects held by `O`: one kept at home, one recommended to the city.
pub struct MatrixProjects {
    pub campaign: i32,
    /// Held by O, not recommended: the parent does not see it.
    pub home: i32,
    /// Held by O and recommended to the city `C`: the parent sees it.
    pub recommended: i32,
}

/// The actor making a request, with what the request may need of their own.
pub struct Caller {
    pub role: Role,
    pub standpoint: Standpoint,
    pub staff: Staff,
    pub api_token: String,
    /// A token of the caller's own, made fresh for each request that revokes one.
    pub spare_token: i32,
}

pub enum Body {
    None,
    Form(Vec<(String, String)>),
    Json(serde_json::Value),
    /// A multipart form: text fields, then one file `(field, file name, bytes)`.
    Multipart(Vec<(String, String)>, (String, String, Vec<u8>)),
    /// A raw body with its content type (e.g. a file posted to the API).
    Raw(String, Vec<u8>),
}

pub struct Req {
    pub path: String,
    pub body: Body,
}

impl Req {
    /// A request without a body (GET, DELETE).
    pub fn path(path: impl Into<String>) -> Self {
        Self { path: path.into(), body: Body::None }
    }

    pub fn form(path: impl Into<String>, fields: &[(&str, &str)]) -> Self {
        Self { path: path.into(), body: Body::Form(fields.iter().map(|(k, v)| ((*k).into(), (*v).into())).collect()) }
    }

    pub fn json(path: impl Into<String>, value: serde_json::Value) -> Self {
        Self { path: path.into(), body: Body::Json(value) }
    }
}

pub struct Case {
    pub method: &'static str,
    pub pattern: &'static str,
    pub request: fn(&Fixture, &Caller) -> Req,
    pub expect: fn(Role, Standpoint) -> Expect,
}

/// A fresh, unique suffix for things a case creates.
pub fn unique() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    format!("{}", N.fetch_add(1, Ordering::Relaxed))
}

// ---- expectation patterns (the rules of docs/ACCESS.md, written out) ----

/// Seeing a thing of `O`: everyone in O, the parent and the province; nobody elsewhere.
pub fn view_chain(_: Role, s: Standpoint) -> Expect {
    if s == Standpoint::Other { Expect::Hidden } else { Expect::Allow }
}

/// A list of things: those in the chain see O's, a sibling sees none of them.
pub fn list_chain(_: Role, s: Standpoint) -> Expect {
    if s == Standpoint::Other { Expect::Blind } else { Expect::Sees }
}

/// Admin work on O's users/unit: O's admin and the province's admins. The parent sees O but
/// may not act (403); a sibling does not see it (404); other roles are refused where they see.
pub fn unit_admin(r: Role, s: Standpoint) -> Expect {
    match (r, s) {
        (_, Standpoint::Other) => Expect::Hidden,
        (Role::Admin, Standpoint::Own | Standpoint::Province) => Expect::Allow,
        _ => Expect::Forbidden,
    }
}

/// A list only admins may open, showing O's things to O's and the province's admins only.
pub fn admin_list(r: Role, s: Standpoint) -> Expect {
    match (r, s) {
        (Role::Admin, Standpoint::Own | Standpoint::Province) => Expect::Sees,
        (Role::Admin, _) => Expect::Blind,
        _ => Expect::Forbidden,
    }
}

/// Creating a unit below O: the province's admins only.
pub fn province_admin(r: Role, s: Standpoint) -> Expect {
    match (r, s) {
        (_, Standpoint::Other) => Expect::Hidden,
        (Role::Admin, Standpoint::Province) => Expect::Allow,
        _ => Expect::Forbidden,
    }
}

/// Work on no unit's things that only the province's admins may do.
pub fn province_admins(r: Role, s: Standpoint) -> Expect {
    if (r, s) == (Role::Admin, Standpoint::Province) { Expect::Allow } else { Expect::Forbidden }
}

/// One's own things (dashboard, account, tokens): everyone.
pub fn everyone(_: Role, _: Standpoint) -> Expect {
    Expect::Allow
}

/// Only admins (whatever the standpoint), e.g. opening the "new user" form.
pub fn admins(r: Role, _: Standpoint) -> Expect {
    if r == Role::Admin { Expect::Allow } else { Expect::Forbidden }
}

fn unit_fields(name: &str, code: &str) -> Vec<(&'static str, String)> {
    vec![("name", name.to_owned()), ("code", code.to_owned()), ("kind", "county".to_owned())]
}

/// A confirmed subscription to O's notices, for the counts.
async fn subscribe_to(app: &TestApp, unit: i32, now: chrono::DateTime<chrono::Utc>) {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    entity::subscriptions::ActiveModel {
        token_hash: Set("0".repeat(64)),
        state: Set("active".into()),
        scope: Set("unit".into()),
        unit_id: Set(Some(unit)),
        frequency: Set("daily".into()),
        created_at: Set(now),
        confirmed_at: Set(Some(now)),
        digest_through: Set(Some(now)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
}

/// Every staff route's cases. Other modules append theirs here.
pub fn cases() -> Vec<Case> {
    vec![
        // Shell and one's own account.
        Case { method: "GET", pattern: "/admin", request: |_, _| Req::path("/admin"), expect: everyone },
        Case {
            method: "GET",
            pattern: "/admin/account",
            request: |_, _| Req::path("/admin/account"),
            expect: everyone,
        },
        Case {
            method: "POST",
            pattern: "/admin/account/password",
            // A wrong current password: the page answers (422), nobody's password changes.
            request: |_, _| {
                Req::form(
                    "/admin/account/password",
                    &[
                        ("current_password", "not-the-password-1"),
                        ("new_password", "Another-Password-9"),
                        ("confirm_password", "Another-Password-9"),
                    ],
                )
            },
            expect: everyone,
        },
        Case {
            method: "POST",
            pattern: "/admin/account/notifications",
            // One's own settings only: there is no one else's to name.
            request: |_, _| Req::form("/admin/account/notifications", &[("email", "me@example.cn")]),
            expect: everyone,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/account/notifications",
            request: |_, _| Req::path("/api/v1/admin/account/notifications"),
            expect: everyone,
        },
        Case {
            method: "PUT",
            pattern: "/api/v1/admin/account/notifications",
            request: |_, _| {
                Req::json("/api/v1/admin/account/notifications", serde_json::json!({ "email": "me@example.cn" }))
            },
            expect: everyone,
        },
        Case {
            method: "POST",
            pattern: "/admin/account/sessions/end",
            request: |_, _| Req::form("/admin/account/sessions/end", &[]),
            expect: everyone,
        },
        // Units.
        Case { method: "GET", pattern: "/admin/units", request: |_, _| Req::path("/admin/units"), expect: list_chain },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/units",
            request: |_, _| Req::path("/api/v1/admin/units"),
            expect: list_chain,
        },
        Case {
            method: "GET",
            pattern: "/admin/units/{id}",
            request: |f, _| Req::path(format!("/admin/units/{}", f.own)),
            expect: |r, s| if view_chain(r, s) == Expect::Allow { Expect::Sees } else { Expect::Hidden },
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/units/{id}",
            request: |f, _| Req::path(format!("/api/v1/admin/units/{}", f.own)),
            expect: |r, s| if view_chain(r, s) == Expect::Allow { Expect::Sees } else { Expect::Hidden },
        },
        Case {
            method: "GET",
            pattern: "/admin/units/{id}/edit",
            request: |f, _| Req::path(format!("/admin/units/{}/edit", f.own)),
            expect: unit_admin,
        },
        Case {
            method: "POST",
            pattern: "/admin/units/{id}",
            request: |f, _| {
                let fields = unit_fields("金川测试区总工会", "CANARY-O");
                let refs: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
                Req::form(format!("/admin/units/{}", f.own), &refs)
            },
            expect: unit_admin,
        },
        Case {
            method: "PUT",
            pattern: "/api/v1/admin/units/{id}",
            request: |f, _| {
                let body = serde_json::json!({ "name": "金川测试区总工会", "code": "CANARY-O", "kind": "county" });
                Req::json(format!("/api/v1/admin/units/{}", f.own), body)
            },
            expect: unit_admin,
        },
        Case {
            method: "GET",
            pattern: "/admin/units/new",
            request: |f, _| Req::path(format!("/admin/units/new?parent={}", f.own)),
            expect: province_admin,
        },
        Case {
            method: "POST",
            pattern: "/admin/units",
            request: |f, _| {
                let code = format!("NEW-{}", unique());
                let parent = f.own.to_string();
                Req::form(
                    "/admin/units",
                    &[("parent_id", &parent), ("name", "新建测试单位"), ("code", &code), ("kind", "applicant")],
                )
            },
            expect: province_admin,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/units",
            request: |f, _| {
                let code = format!("NEW-{}", unique());
                Req::json(
                    "/api/v1/admin/units",
                    serde_json::json!({ "parent_id": f.own, "name": "新建测试单位", "code": code, "kind": "applicant" }),
                )
            },
            expect: province_admin,
        },
        // Users.
        Case { method: "GET", pattern: "/admin/users", request: |_, _| Req::path("/admin/users"), expect: admin_list },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/users",
            request: |_, _| Req::path("/api/v1/admin/users"),
            expect: admin_list,
        },
        Case {
            method: "GET",
            pattern: "/admin/users/new",
            request: |_, _| Req::path("/admin/users/new"),
            expect: admins,
        },
        Case {
            method: "POST",
            pattern: "/admin/users",
            request: |f, _| {
                let username = format!("new{}", unique());
                let unit = f.own.to_string();
                Req::form(
                    "/admin/users",
                    &[
                        ("unit_id", &unit),
                        ("username", &username),
                        ("display_name", "新用户"),
                        ("role", "viewer"),
                        ("password", "New-User-Password-1"),
                    ],
                )
            },
            expect: unit_admin,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/users",
            request: |f, _| {
                let username = format!("new{}", unique());
                let body = serde_json::json!({ "unit_id": f.own, "username": username, "display_name": "新用户", "role": "viewer", "password": "New-User-Password-1" });
                Req::json("/api/v1/admin/users", body)
            },
            expect: unit_admin,
        },
        Case {
            method: "GET",
            pattern: "/admin/users/{id}",
            request: |f, _| Req::path(format!("/admin/users/{}", f.target_user)),
            expect: unit_admin,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/users/{id}",
            request: |f, _| Req::path(format!("/api/v1/admin/users/{}", f.target_user)),
            expect: unit_admin,
        },
        Case {
            method: "POST",
            pattern: "/admin/users/{id}",
            request: |f, _| {
                Req::form(
                    format!("/admin/users/{}", f.target_user),
                    &[("display_name", "靶子用户甲"), ("role", "viewer"), ("is_active", "on")],
                )
            },
            expect: unit_admin,
        },
        Case {
            method: "PUT",
            pattern: "/api/v1/admin/users/{id}",
            request: |f, _| {
                let body = serde_json::json!({ "display_name": "靶子用户甲", "role": "viewer", "is_active": true });
                Req::json(format!("/api/v1/admin/users/{}", f.target_user), body)
            },
            expect: unit_admin,
        },
        Case {
            method: "POST",
            pattern: "/admin/users/{id}/password",
            request: |f, _| {
                Req::form(
                    format!("/admin/users/{}/password", f.target_user),
                    &[("password", "Reset-Password-77"), ("confirm_password", "Reset-Password-77")],
                )
            },
            expect: unit_admin,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/users/{id}/password",
            request: |f, _| {
                Req::json(
                    format!("/api/v1/admin/users/{}/password", f.target_user),
                    serde_json::json!({ "password": "Reset-Password-78" }),
                )
            },
            expect: unit_admin,
        },
        // The private calendar address: one's own only.
        Case { method: "GET", pattern: "/admin/calendar", request: |_, _| Req::path("/admin/calendar"), expect: everyone },
        Case {
            method: "POST",
            pattern: "/admin/calendar/key",
            request: |_, _| Req::form("/admin/calendar/key", &[]),
            expect: everyone,
        },
        Case {
            method: "POST",
            pattern: "/admin/calendar/key/revoke",
            request: |_, _| Req::form("/admin/calendar/key/revoke", &[]),
            expect: everyone,
        },
        // API tokens: one's own only.
        Case { method: "GET", pattern: "/admin/tokens", request: |_, _| Req::path("/admin/tokens"), expect: everyone },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/tokens",
            request: |_, _| Req::path("/api/v1/admin/tokens"),
            expect: everyone,
        },
        Case {
            method: "POST",
            pattern: "/admin/tokens",
            request: |_, _| Req::form("/admin/tokens", &[("name", "矩阵")]),
            expect: everyone,
        },
        // A token never makes tokens: that takes a signed-in session (the page above).
        Case {
            method: "POST",
            pattern: "/api/v1/admin/tokens",
            request: |_, _| Req::json("/api/v1/admin/tokens", serde_json::json!({ "name": "矩阵" })),
            expect: |_, _| Expect::Forbidden,
        },
        Case {
            method: "POST",
            pattern: "/admin/tokens/{id}/revoke",
            request: |_, c| Req::form(format!("/admin/tokens/{}/revoke", c.spare_token), &[]),
            expect: everyone,
        },
        Case {
            method: "DELETE",
            pattern: "/api/v1/admin/tokens/{id}",
            request: |_, c| Req::path(format!("/api/v1/admin/tokens/{}", c.spare_token)),
            expect: everyone,
        },
        // Someone else's token: nobody, not even an admin of that unit.
        Case {
            method: "POST",
            pattern: "/admin/tokens/{id}/revoke",
            request: |f, _| Req::form(format!("/admin/tokens/{}/revoke", f.target_token), &[]),
            expect: |_, _| Expect::Hidden,
        },
        // Audit log.
        Case { method: "GET", pattern: "/admin/audit", request: |_, _| Req::path("/admin/audit"), expect: admin_list },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/audit",
            request: |_, _| Req::path("/api/v1/admin/audit"),
            expect: admin_list,
        },
        // Delivery log.
        Case { method: "GET", pattern: "/admin/mail", request: |_, _| Req::path("/admin/mail"), expect: admin_list },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/mail",
            request: |_, _| Req::path("/api/v1/admin/mail"),
            expect: admin_list,
        },
        // Subscription counts (O's own scope names O) and the province's suppressions.
        Case {
            method: "GET",
            pattern: "/admin/subscriptions",
            request: |_, _| Req::path("/admin/subscriptions"),
            expect: admin_list,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/subscriptions",
            request: |_, _| Req::path("/api/v1/admin/subscriptions"),
            expect: admin_list,
        },
        Case {
            method: "POST",
            pattern: "/admin/subscriptions/suppressions",
            request: |_, _| {
                Req::form("/admin/subscriptions/suppressions", &[("addresses", "nobody@example.cn"), ("reason", "bounce")])
            },
            expect: province_admins,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/subscriptions/suppressions",
            request: |_, _| {
                Req::json(
                    "/api/v1/admin/subscriptions/suppressions",
                    serde_json::json!({ "addresses": ["nobody@example.cn"], "reason": "bounce" }),
                )
            },
            expect: province_admins,
        },
    ]
    .into_iter()
    .chain(project_cases())
    .chain(crate::notices_admin::matrix_cases())
    .chain(crate::objections_matrix::cases())
    .chain(crate::reports_matrix::cases())
    .chain(crate::offline_records::matrix_cases())
    .chain(crate::webhooks::matrix_cases())
    .collect()
}

const CANARY_UNIT: &str = "金川测试区总工会";
const CANARY_USER: &str = "靶子用户甲";
const CANARY_AUDIT: &str = "靶子审计记录";
const CANARY_MAIL: &str = "金丝雀邮件主题";
const CANARY_PROJECT: &str = "靶子项目甲";

/// A project draft that passes validation.
pub fn project_draft(key: &str, name: &str) -> gongshi::projects::ProjectDraft {
    gongshi::projects::ProjectDraft {
        import_key: key.into(),
        name: name.into(),
        completing_units: vec!["金川测试区某公司".into()],
        completers: vec![gongshi::projects::CompleterDraft {
            name: "靶子完成人".into(),
            contribution: Some("总体设计".into()),
            workload: Some("占项目工作量60%".into()),
            phone: Some("13900000000".into()),
            ..Default::default()
        }],
        key_technology: "多传感器融合巡检".into(),
        ip_items: vec![],
        eligibility: 3,
        exclusions_declared: true,
        proposed_grade: None,
        summary: None,
        over_limit_reason: None,
    }
}

async fn project_fixture(app: &TestApp, own: i32, city: i32) -> MatrixProjects {
    use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    let now = app.clock_now();
    let campaign = CampaignFixture::new("MATRIX-PRJ").title("矩阵项目征集活动").insert(app).await;
    let drafts = vec![project_draft("MX-1", CANARY_PROJECT), project_draft("MX-2", "推荐项目乙")];
    let ids = gongshi::imports::store(&app.db, campaign, own, drafts, now).await.unwrap().project_ids;
    entity::recommendations::ActiveModel {
        project_id: Set(ids[1]),
        from_unit_id: Set(own),
        to_unit_id: Set(city),
        level: Set(1),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .unwrap();
    MatrixProjects { campaign, home: ids[0], recommended: ids[1] }
}

/// A project held at home: O and the province see it; the parent only once it is recommended.
pub fn project_view(_: Role, s: Standpoint) -> Expect {
    match s {
        Standpoint::Own | Standpoint::Province => Expect::Sees,
        Standpoint::Parent | Standpoint::Other => Expect::Hidden,
    }
}

/// Editing O's project: O's admins. The province sees it (403), the rest do not (404).
pub fn project_edit(r: Role, s: Standpoint) -> Expect {
    match (r, s) {
        (Role::Admin, Standpoint::Own) => Expect::Allow,
        (_, Standpoint::Own | Standpoint::Province) => Expect::Forbidden,
        _ => Expect::Hidden,
    }
}

/// The project list: O and the province see O's projects, the parent only the recommended one
/// (checked in projects_admin.rs), a sibling none.
pub fn project_list(_: Role, s: Standpoint) -> Expect {
    match s {
        Standpoint::Own | Standpoint::Province => Expect::Sees,
        Standpoint::Parent => Expect::Allow,
        Standpoint::Other => Expect::Blind,
    }
}

fn import_json(key: &str) -> Vec<u8> {
    serde_json::to_vec(&vec![project_draft(key, "导入测试项目")]).unwrap_or_default()
}

/// The project routes' cases: imports go into the actor's own unit, so they depend on the role.
fn project_cases() -> Vec<Case> {
    vec![
        Case {
            method: "GET",
            pattern: "/admin/projects",
            request: |_, _| Req::path("/admin/projects"),
            expect: project_list,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/projects",
            request: |_, _| Req::path("/api/v1/admin/projects"),
            expect: project_list,
        },
        Case {
            method: "GET",
            pattern: "/admin/projects/{id}",
            request: |f, _| Req::path(format!("/admin/projects/{}", f.projects.home)),
            expect: project_view,
        },
        Case {
            method: "GET",
            pattern: "/admin/projects/{id}",
            request: |f, _| Req::path(format!("/admin/projects/{}", f.projects.recommended)),
            expect: view_chain,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/projects/{id}",
            request: |f, _| Req::path(format!("/api/v1/admin/projects/{}", f.projects.home)),
            expect: project_view,
        },
        Case {
            method: "GET",
            pattern: "/admin/projects/{id}/edit",
            request: |f, _| Req::path(format!("/admin/projects/{}/edit", f.projects.home)),
            expect: project_edit,
        },
        Case {
            method: "POST",
            pattern: "/admin/projects/{id}",
            request: |f, _| {
                Req::form(
                    format!("/admin/projects/{}", f.projects.home),
                    &[
                        ("name", CANARY_PROJECT),
                        ("completing_units", "金川测试区某公司"),
                        ("c0_name", "靶子完成人"),
                        ("c0_contribution", "总体设计"),
                        ("c0_workload", "占项目工作量60%"),
                        ("key_technology", "多传感器融合巡检"),
                        ("eligibility", "3"),
                        ("exclusions_declared", "on"),
                    ],
                )
            },
            expect: project_edit,
        },
        Case {
            method: "PUT",
            pattern: "/api/v1/admin/projects/{id}",
            request: |f, _| {
                let draft = serde_json::to_value(project_draft("MX-1", CANARY_PROJECT)).unwrap_or_default();
                Req::json(format!("/api/v1/admin/projects/{}", f.projects.home), draft)
            },
            expect: project_edit,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/projects",
            request: |f, _| {
                let mut body = serde_json::to_value(project_draft(&format!("NEW-{}", unique()), "新建测试项目"))
                    .unwrap_or_default();
                body["campaign_id"] = f.projects.campaign.into();
                Req::json("/api/v1/admin/projects", body)
            },
            expect: admins,
        },
        Case {
            method: "GET",
            pattern: "/admin/projects/import",
            request: |_, _| Req::path("/admin/projects/import"),
            expect: admins,
        },
        Case {
            method: "POST",
            pattern: "/admin/projects/import",
            request: |f, _| Req {
                path: "/admin/projects/import".into(),
                body: Body::Multipart(
                    vec![("campaign_id".into(), f.projects.campaign.to_string())],
                    ("file".into(), "projects.json".into(), import_json(&format!("IMP-{}", unique()))),
                ),
            },
            expect: admins,
        },
        Case {
            method: "POST",
            pattern: "/admin/projects/import/{preview}",
            // Nobody's preview: admins are told it does not exist, others may not import at all.
            request: |_, _| Req::form("/admin/projects/import/6f1c2d3e4b5a69788796a5b4c3d2e1f0", &[]),
            expect: |r, _| if r == Role::Admin { Expect::Hidden } else { Expect::Forbidden },
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/projects/import",
            request: |f, _| Req {
                path: format!("/api/v1/admin/projects/import?campaign_id={}&dry_run=true", f.projects.campaign),
                body: Body::Raw("application/json".into(), import_json("DRY-1")),
            },
            expect: admins,
        },
    ]
}

fn unit_of(f: &Fixture, s: Standpoint) -> i32 {
    match s {
        Standpoint::Own => f.own,
        Standpoint::Other => f.sibling,
        Standpoint::Parent => f.city,
        Standpoint::Province => f.province,
    }
}

async fn fixture(app: &TestApp) -> (Fixture, Vec<(Caller, String)>) {
    use gongshi::audit::{AuditEntry, record};
    let province = app.create_unit(None, "province", "GS", "甘肃省总工会").await;
    let city = app.create_unit(Some(province), "city", "WW", "武威市总工会").await;
    let own = app.create_unit(Some(city), "county", "CANARY-O", CANARY_UNIT).await;
    let sibling = app.create_unit(Some(city), "county", "WW-GL", "古浪县总工会").await;
    let new = gongshi::accounts::service::NewUser {
        unit_id: own,
        username: "target".into(),
        display_name: CANARY_USER.into(),
        role: Role::Viewer,
        password: crate::helpers::TEST_PASSWORD.into(),
    };
    let now = app.clock_now();
    let target_user = gongshi::accounts::service::create(&app.db, &new, true, now).await.unwrap().id;
    let target_token = gongshi::access::tokens::create(&app.db, target_user, "靶子令牌", now).await.unwrap().id;
    let entry = AuditEntry {
        unit_id: Some(own),
        action: "test.fixture",
        target_type: "unit",
        detail: Some(CANARY_AUDIT.into()),
        ..Default::default()
    };
    record(&app.db, entry, now).await.unwrap();
    let letter = gongshi::mail::Letter { subject: CANARY_MAIL.into(), ..Default::default() };
    let mail = gongshi::mail::Mail {
        kind: "objection.received",
        to: "canary@example.cn".into(),
        letter,
        unit_id: Some(own),
        objection_id: None,
        list: None,
    };
    gongshi::mail::outbox::write(&app.db, &app.state.secrets.sealer, "example.cn", mail, now).await.unwrap();
    subscribe_to(app, own, now).await;
    let notices = crate::notices_admin::matrix_fixture(app, own).await;
    let projects = project_fixture(app, own, city).await;
    let objections = crate::objections_matrix::fixture(app, "MATRIX-OBJ", own).await;
    let reports = crate::reports_matrix::fixture(app, own).await;
    let webhooks = crate::webhooks::matrix_fixture(app, own).await;
    let mut canaries: Vec<String> =
        [CANARY_UNIT, "CANARY-O", CANARY_USER, CANARY_AUDIT, CANARY_MAIL].map(String::from).to_vec();
    canaries.extend(objections.canaries.iter().cloned());
    canaries.push(CANARY_PROJECT.to_owned());
    canaries.extend(crate::webhooks::canaries());
    let fixture = Fixture {
        province,
        city,
        own,
        sibling,
        target_user,
        target_token,
        canaries,
        notices,
        objections,
        projects,
        reports,
        webhooks,
    };
    let mut callers = Vec::new();
    for standpoint in STANDPOINTS {
        for role in ROLES {
            let username = format!("{}-{}", format!("{standpoint:?}").to_lowercase(), role.code());
            let staff = app.sign_in(unit_of(&fixture, standpoint), role.code(), &username).await;
            let api_token = app.api_token(staff.user_id).await;
            let spare_token = gongshi::access::tokens::create(&app.db, staff.user_id, "备用", now).await.unwrap().id;
            let csrf = staff.csrf().await;
            callers.push((Caller { role, standpoint, staff, api_token, spare_token }, csrf));
        }
    }
    (fixture, callers)
}

fn is_api(path: &str) -> bool {
    path.starts_with("/api/")
}

fn build(
    client: &reqwest::Client,
    app: &TestApp,
    method: &str,
    req: &Req,
    csrf: Option<&str>,
) -> reqwest::RequestBuilder {
    let method = reqwest::Method::from_bytes(method.as_bytes()).expect("method");
    let builder = client.request(method, app.url(&req.path));
    match &req.body {
        Body::None if is_api(&req.path) => builder,
        Body::None => builder.form(&[("_csrf", csrf.unwrap_or_default())]),
        Body::Json(v) => builder.json(v),
        Body::Form(fields) => {
            let mut all: Vec<(String, String)> =
                csrf.map(|t| vec![("_csrf".to_owned(), t.to_owned())]).unwrap_or_default();
            all.extend(fields.iter().cloned());
            builder.form(&all)
        }
        Body::Multipart(fields, (field, name, bytes)) => {
            // The token goes first: the CSRF guard reads only the start of an upload.
            let mut form = reqwest::multipart::Form::new();
            if let Some(t) = csrf {
                form = form.text("_csrf", t.to_owned());
            }
            for (k, v) in fields {
                form = form.text(k.clone(), v.clone());
            }
            let part = reqwest::multipart::Part::bytes(bytes.clone()).file_name(name.clone());
            builder.multipart(form.part(field.clone(), part))
        }
        Body::Raw(content_type, bytes) => builder.header("content-type", content_type.as_str()).body(bytes.clone()),
    }
}

fn judge(f: &Fixture, expect: Expect, status: u16, body: &str, location: Option<&str>) -> Result<(), String> {
    let leaks: Vec<&String> = f.canaries.iter().filter(|c| body.contains(c.as_str())).collect();
    let to_login = location.is_some_and(|l| l.starts_with("/login"));
    let allowed = !matches!(status, 401 | 403 | 404) && status < 500 && !to_login;
    match expect {
        Expect::Allow if allowed => Ok(()),
        Expect::Sees if allowed && !leaks.is_empty() => Ok(()),
        Expect::Blind if allowed && leaks.is_empty() => Ok(()),
        Expect::Forbidden if status == 403 && leaks.is_empty() => Ok(()),
        Expect::Hidden if status == 404 && leaks.is_empty() => Ok(()),
        _ => Err(format!(
            "expected {expect:?}, got {status}{}",
            if leaks.is_empty() { String::new() } else { format!(" showing {leaks:?}") }
        )),
    }
}

#[test]
fn every_staff_route_is_in_the_matrix() {
    let registered: BTreeSet<(String, String)> =
        gongshi::routes::staff_routes().all().into_iter().map(|e| (e.method, e.pattern)).collect();
    let covered: BTreeSet<(String, String)> =
        cases().iter().map(|c| (c.method.to_owned(), c.pattern.to_owned())).collect();
    let missing: Vec<_> = registered.difference(&covered).collect();
    assert!(missing.is_empty(), "staff routes without a matrix case (add them to cases()): {missing:#?}");
    let stale: Vec<_> = covered.difference(&registered).collect();
    assert!(stale.is_empty(), "matrix cases for routes that do not exist: {stale:#?}");
}

db_test!(the_authorisation_matrix_holds_for_every_staff_route_role_and_unit, |app| {
    let (f, callers) = fixture(&app).await;
    let (_, login) = app.get_text("/login").await;
    let anon_csrf = crate::helpers::csrf_in(&login);
    let bare = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    // Ending one's other sessions revokes one's API tokens too, so that case goes last.
    let mut all = cases();
    all.sort_by_key(|c| c.pattern == "/admin/account/sessions/end");
    for case in all {
        // Nobody signed in: pages send to the login form, the API answers 401.
        let (probe, _) = &callers[0];
        let req = (case.request)(&f, probe);
        let anon = if is_api(&req.path) {
            build(&bare, &app, case.method, &req, None)
        } else {
            build(&app.client, &app, case.method, &req, Some(&anon_csrf))
        };
        let res = anon.send().await.unwrap();
        let status = res.status().as_u16();
        let location = res.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_owned);
        let ok = if is_api(&req.path) {
            status == 401
        } else {
            status == 303 && location.as_deref().is_some_and(|l| l.starts_with("/login"))
        };
        if !ok {
            failures.push(format!("{} {} anonymous: got {status} {location:?}", case.method, case.pattern));
        }
        for (caller, csrf) in &callers {
            let req = (case.request)(&f, caller);
            let res = if is_api(&req.path) {
                build(&bare, &app, case.method, &req, None).bearer_auth(&caller.api_token).send().await.unwrap()
            } else {
                build(&caller.staff.client, &app, case.method, &req, Some(csrf)).send().await.unwrap()
            };
            let status = res.status().as_u16();
            let location = res.headers().get("location").and_then(|l| l.to_str().ok()).map(str::to_owned);
            let body = res.text().await.unwrap_or_default();
            let expect = (case.expect)(caller.role, caller.standpoint);
            if let Err(why) = judge(&f, expect, status, &body, location.as_deref()) {
                failures.push(format!(
                    "{} {} as {:?} {:?}: {why}",
                    case.method, case.pattern, caller.role, caller.standpoint
                ));
            }
            checked += 1;
        }
    }
    assert!(failures.is_empty(), "{} of {checked} checks failed:\n{}", failures.len(), failures.join("\n"));

    // Refusals changed nothing; allowed writes wrote what they said.
    let target = gongshi::accounts::service::find(&app.db, f.target_user).await.unwrap();
    assert!(target.is_active);
    assert_eq!(target.display_name, CANARY_USER);
    let unit = gongshi::units::service::find(&app.db, f.own).await.unwrap();
    assert_eq!(unit.name, CANARY_UNIT);
});
