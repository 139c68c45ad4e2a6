//! The rows of the authorisation matrix (`access_matrix.rs`) for result reports,
//! recommendations, the summary table and the campaign dashboard: an issued report of the
//! target unit `O`, a closed notice of `O` waiting for its report, and who may see and do what.
//! Those who see `O` see its reports; only `O`'s admin issues them or recommends its projects.
use crate::access_matrix::{Case, Expect, Req, Standpoint, everyone, list_chain, view_chain};
use crate::fixtures::CampaignFixture;
use crate::helpers::TestApp;
use crate::notices_support::{cn, day};
use gongshi::access::Role;
use gongshi::notices::Level;
use gongshi::notices::generate::{GenerateRequest, generate};
use gongshi::notices::publish::{PublishRequest, publish};

/// What the report cases point at.
pub struct ReportFixture {
    /// A closed notice of O with no report yet (another one has its report issued).
    pub waiting: i32,
    /// An offline notice of O (线下公示) waiting for the city's decision, and its scan.
    pub offline: i32,
    pub offline_scan: i32,
}

/// Three level-1 notices of `O` that ran in February (long closed on the matrix clock), one
/// with its report issued, one recorded as offline.
pub async fn fixture(app: &TestApp, own: i32) -> ReportFixture {
    let then = cn(2025, 1, 20, 9, 0, 0);
    let campaign = CampaignFixture::new("MATRIX-REP").title("矩阵报告征集活动").created_at(then).insert(app).await;
    let drafts = vec![crate::reports_support::project("MR-1", "矩阵报告项目", None).validate().unwrap()];
    let ids = gongshi::imports::store(&app.db, campaign, own, drafts, then).await.unwrap().project_ids;
    let mut notices = Vec::new();
    for start in [day(2025, 2, 1), day(2025, 2, 10), day(2025, 2, 20)] {
        let req = GenerateRequest {
            campaign_id: campaign,
            unit_id: own,
            level: Level::Applicant,
            project_ids: ids.clone(),
            starts_on: Some(start),
            created_by: None,
        };
        let g = generate(&app.db, &req, then).await.unwrap();
        publish(&app.db, g.notice_id, &PublishRequest::default(), then).await.unwrap();
        notices.push(g.notice_id);
    }
    let who = gongshi::audit::Who::default();
    gongshi::reports::issue(&app.db, notices[0], &who, "http://127.0.0.1:8080", app.clock_now()).await.unwrap();
    let offline_scan = crate::offline_records::mark_offline(app, notices[2]).await;
    ReportFixture { waiting: notices[1], offline: notices[2], offline_scan }
}

/// Issuing for O: O's admin; those who see O's notice are refused (403); a sibling learns
/// nothing (404). Not even the province issues for another unit.
fn issue(r: Role, s: Standpoint) -> Expect {
    match (r, s) {
        (_, Standpoint::Other) => Expect::Hidden,
        (Role::Admin, Standpoint::Own) => Expect::Allow,
        _ => Expect::Forbidden,
    }
}

/// Recommending O's project kept at home: O's admin (the gate then answers); the province
/// sees every project (403); the parent has not been sent it and a sibling never sees it (404).
fn recommend(r: Role, s: Standpoint) -> Expect {
    match (r, s) {
        (Role::Admin, Standpoint::Own) => Expect::Allow,
        (_, Standpoint::Own | Standpoint::Province) => Expect::Forbidden,
        _ => Expect::Hidden,
    }
}

/// Withdrawing a recommendation of O's project kept at home (none to withdraw: the answer is
/// the 422 that says so): admins who see it; other roles are refused before anything is read;
/// admins who do not see it learn nothing (404).
fn withdraw(r: Role, s: Standpoint) -> Expect {
    match (r, s) {
        (Role::Admin, Standpoint::Own | Standpoint::Province) => Expect::Allow,
        (Role::Admin, _) => Expect::Hidden,
        _ => Expect::Forbidden,
    }
}

/// The province's 拟评等级 for O's project kept at home: the province's admins (then told it is
/// not at the province, 409); O's staff and the province's other roles see it and are refused
/// (403); the parent and a sibling do not see it (404).
fn review_grade(r: Role, s: Standpoint) -> Expect {
    match (r, s) {
        (_, Standpoint::Parent | Standpoint::Other) => Expect::Hidden,
        (Role::Admin, Standpoint::Province) => Expect::Allow,
        _ => Expect::Forbidden,
    }
}

/// Managing campaigns: the province's admins only (the fixture's campaign has notices, so
/// deleting it is refused with 409, and the empty forms with 422: both reached the rule).
fn manage_campaigns(r: Role, s: Standpoint) -> Expect {
    if (r, s) == (Role::Admin, Standpoint::Province) { Expect::Allow } else { Expect::Forbidden }
}

fn campaign_cases() -> Vec<Case> {
    const CODE: &str = "MATRIX-REP";
    vec![
        Case {
            method: "GET",
            pattern: "/admin/campaigns",
            request: |_, _| Req::path("/admin/campaigns"),
            expect: everyone,
        },
        Case {
            method: "GET",
            pattern: "/admin/campaigns/{code}",
            request: |_, _| Req::path(format!("/admin/campaigns/{CODE}")),
            expect: everyone,
        },
        Case {
            method: "GET",
            pattern: "/admin/campaigns/new",
            request: |_, _| Req::path("/admin/campaigns/new"),
            expect: manage_campaigns,
        },
        Case {
            method: "GET",
            pattern: "/admin/campaigns/{code}/edit",
            request: |_, _| Req::path(format!("/admin/campaigns/{CODE}/edit")),
            expect: manage_campaigns,
        },
        Case {
            method: "POST",
            pattern: "/admin/campaigns",
            request: |_, _| Req::form("/admin/campaigns", &[("code", "")]),
            expect: manage_campaigns,
        },
        Case {
            method: "POST",
            pattern: "/admin/campaigns/{code}",
            request: |_, _| Req::form(format!("/admin/campaigns/{CODE}"), &[("code", CODE)]),
            expect: manage_campaigns,
        },
        Case {
            method: "POST",
            pattern: "/admin/campaigns/{code}/copy",
            request: |_, _| Req::form(format!("/admin/campaigns/{CODE}/copy"), &[("code", "")]),
            expect: manage_campaigns,
        },
        Case {
            method: "POST",
            pattern: "/admin/campaigns/{code}/delete",
            request: |_, _| Req::form(format!("/admin/campaigns/{CODE}/delete"), &[]),
            expect: manage_campaigns,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/campaigns",
            request: |_, _| Req::path("/api/v1/admin/campaigns"),
            expect: everyone,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/campaigns/{code}",
            request: |_, _| Req::path(format!("/api/v1/admin/campaigns/{CODE}")),
            expect: everyone,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/campaigns",
            request: |_, _| Req::json("/api/v1/admin/campaigns", serde_json::json!({})),
            expect: manage_campaigns,
        },
        Case {
            method: "PUT",
            pattern: "/api/v1/admin/campaigns/{code}",
            request: |_, _| Req::json(format!("/api/v1/admin/campaigns/{CODE}"), serde_json::json!({})),
            expect: manage_campaigns,
        },
        Case {
            method: "DELETE",
            pattern: "/api/v1/admin/campaigns/{code}",
            request: |_, _| Req::path(format!("/api/v1/admin/campaigns/{CODE}")),
            expect: manage_campaigns,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/campaigns/{code}/copy",
            request: |_, _| {
                Req::json(format!("/api/v1/admin/campaigns/{CODE}/copy"), serde_json::json!({ "code": "" }))
            },
            expect: manage_campaigns,
        },
    ]
}

pub fn cases() -> Vec<Case> {
    campaign_cases().into_iter().chain(report_cases()).collect()
}

fn report_cases() -> Vec<Case> {
    vec![
        Case {
            method: "GET",
            pattern: "/admin/reports",
            request: |_, _| Req::path("/admin/reports"),
            expect: list_chain,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/reports",
            request: |_, _| Req::path("/api/v1/admin/reports"),
            expect: list_chain,
        },
        Case {
            method: "GET",
            pattern: "/admin/reports/issue/{notice_id}",
            request: |f, _| Req::path(format!("/admin/reports/issue/{}", f.reports.waiting)),
            expect: view_chain,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/reports/readiness/{notice_id}",
            request: |f, _| Req::path(format!("/api/v1/admin/reports/readiness/{}", f.reports.waiting)),
            expect: view_chain,
        },
        Case {
            method: "POST",
            pattern: "/admin/reports/issue/{notice_id}",
            request: |f, _| Req::form(format!("/admin/reports/issue/{}", f.reports.waiting), &[]),
            expect: issue,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/reports",
            request: |f, _| Req::json("/api/v1/admin/reports", serde_json::json!({ "notice_id": f.reports.waiting })),
            expect: issue,
        },
        Case {
            method: "GET",
            pattern: "/admin/recommendations",
            request: |_, _| Req::path("/admin/recommendations"),
            expect: everyone,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/recommendations",
            request: |_, _| Req::path("/api/v1/admin/recommendations"),
            expect: everyone,
        },
        Case {
            method: "POST",
            pattern: "/admin/recommendations",
            request: |f, _| Req::form("/admin/recommendations", &[("project_id", &f.projects.home.to_string())]),
            expect: recommend,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/recommendations",
            request: |f, _| {
                Req::json("/api/v1/admin/recommendations", serde_json::json!({ "project_id": f.projects.home }))
            },
            expect: recommend,
        },
        Case {
            method: "POST",
            pattern: "/admin/recommendations/withdraw",
            request: |f, _| {
                let id = f.projects.home.to_string();
                Req::form("/admin/recommendations/withdraw", &[("project_id", &id), ("reason", "矩阵")])
            },
            expect: withdraw,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/recommendations/withdrawals",
            request: |f, _| {
                let body = serde_json::json!({ "project_id": f.projects.home, "reason": "矩阵" });
                Req::json("/api/v1/admin/recommendations/withdrawals", body)
            },
            expect: withdraw,
        },
        Case {
            method: "POST",
            pattern: "/admin/recommendations/review-grade",
            request: |f, _| {
                let id = f.projects.home.to_string();
                Req::form("/admin/recommendations/review-grade", &[("project_id", &id), ("grade", "third")])
            },
            expect: review_grade,
        },
        Case {
            method: "POST",
            pattern: "/api/v1/admin/projects/{id}/review-grade",
            request: |f, _| {
                let path = format!("/api/v1/admin/projects/{}/review-grade", f.projects.home);
                Req::json(path, serde_json::json!({ "grade": "third" }))
            },
            expect: review_grade,
        },
        Case {
            method: "GET",
            pattern: "/admin/recommendations/summary.xlsx",
            request: |f, _| Req::path(format!("/admin/recommendations/summary.xlsx?unit={}", f.own)),
            expect: view_chain,
        },
        Case {
            method: "GET",
            pattern: "/admin/recommendations/summary.csv",
            request: |f, _| Req::path(format!("/admin/recommendations/summary.csv?unit={}", f.own)),
            expect: view_chain,
        },
        Case {
            method: "GET",
            pattern: "/admin/recommendations/package.pdf",
            request: |f, _| Req::path(format!("/admin/recommendations/package.pdf?unit={}", f.own)),
            expect: view_chain,
        },
        Case {
            method: "GET",
            pattern: "/admin/recommendations/package.zip",
            request: |f, _| Req::path(format!("/admin/recommendations/package.zip?unit={}", f.own)),
            expect: view_chain,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/recommendations/package",
            request: |f, _| Req::path(format!("/api/v1/admin/recommendations/package?unit={}", f.own)),
            expect: view_chain,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/recommendations/package.pdf",
            request: |f, _| Req::path(format!("/api/v1/admin/recommendations/package.pdf?unit={}", f.own)),
            expect: view_chain,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/recommendations/package.zip",
            request: |f, _| Req::path(format!("/api/v1/admin/recommendations/package.zip?unit={}", f.own)),
            expect: view_chain,
        },
        Case {
            method: "GET",
            pattern: "/admin/campaign",
            request: |_, _| Req::path("/admin/campaign"),
            expect: everyone,
        },
        Case {
            method: "GET",
            pattern: "/api/v1/admin/campaign",
            request: |_, _| Req::path("/api/v1/admin/campaign"),
            expect: everyone,
        },
    ]
}
