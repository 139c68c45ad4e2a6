//! The staff API under `/api/v1/admin` (bearer tokens, no cookies): the same services as the
//! staff pages, as JSON. Documented in `/api/openapi.json` (`crate::openapi::admin`).
use super::AdminRoutes;
use crate::{
    accounts, audit_log, campaigns, imports, mail_log, notices, objections, offline, progress, projects,
    recommendations, reports, subscriptions, tokens, units, users, webhooks,
};

pub fn register(r: &mut AdminRoutes) {
    r.get("/api/v1/admin/units", units::api::list)
        .post("/api/v1/admin/units", units::api::create)
        .get("/api/v1/admin/units/{id}", units::api::get)
        .put("/api/v1/admin/units/{id}", units::api::update);
    r.get("/api/v1/admin/users", users::api::list)
        .post("/api/v1/admin/users", users::api::create)
        .get("/api/v1/admin/users/{id}", users::api::get)
        .put("/api/v1/admin/users/{id}", users::api::update)
        .post("/api/v1/admin/users/{id}/password", users::api::reset_password);
    r.get("/api/v1/admin/tokens", tokens::api::api_list)
        .post("/api/v1/admin/tokens", tokens::api::api_create)
        .delete("/api/v1/admin/tokens/{id}", tokens::api::api_revoke);
    r.get("/api/v1/admin/audit", audit_log::api::list);
    r.get("/api/v1/admin/mail", mail_log::api::list);
    r.get("/api/v1/admin/subscriptions", subscriptions::api::counts)
        .post("/api/v1/admin/subscriptions/suppressions", subscriptions::api::suppress);
    r.get("/api/v1/admin/webhooks", webhooks::api::list)
        .post("/api/v1/admin/webhooks", webhooks::api::create)
        .post("/api/v1/admin/webhooks/deliveries/{id}/replay", webhooks::api::replay)
        .get("/api/v1/admin/webhooks/{id}", webhooks::api::detail)
        .put("/api/v1/admin/webhooks/{id}", webhooks::api::update)
        .delete("/api/v1/admin/webhooks/{id}", webhooks::api::delete)
        .post("/api/v1/admin/webhooks/{id}/secret", webhooks::api::rotate);
    r.get("/api/v1/admin/account/notifications", accounts::api::get)
        .put("/api/v1/admin/account/notifications", accounts::api::put);
    r.get("/api/v1/admin/projects", projects::staff_api::list)
        .post("/api/v1/admin/projects", projects::staff_api::create)
        .post("/api/v1/admin/projects/import", imports::api::import_file)
        .get("/api/v1/admin/projects/{id}", projects::staff_api::get)
        .put("/api/v1/admin/projects/{id}", projects::staff_api::update)
        .post("/api/v1/admin/projects/{id}/review-grade", projects::staff_api::review_grade);
    r.get("/api/v1/admin/notices", notices::staff_api::list)
        .post("/api/v1/admin/notices", notices::staff_api::create)
        .get("/api/v1/admin/notices/{id}", notices::staff_api::get)
        .put("/api/v1/admin/notices/{id}/draft", notices::staff_api::save_draft)
        .delete("/api/v1/admin/notices/{id}/draft", notices::staff_api::discard)
        .post("/api/v1/admin/notices/{id}/publish", notices::staff_api::publish)
        .post("/api/v1/admin/notices/{id}/correction", notices::staff_api::correction)
        .post("/api/v1/admin/notices/{id}/withdraw", notices::staff_api::withdraw)
        .post("/api/v1/admin/notices/{id}/objections", objections::staff_api::register);
    r.get("/api/v1/admin/objections", objections::staff_api::list)
        .get("/api/v1/admin/objections/{id}", objections::staff_api::show)
        .post("/api/v1/admin/objections/{id}/transitions", objections::staff_api::transition)
        .post("/api/v1/admin/objections/{id}/assignment", objections::staff_api::assign)
        .post("/api/v1/admin/objections/{id}/sealed-letter", objections::staff_api::sealed_letter)
        .get("/api/v1/admin/objections/{id}/identity", objections::staff_api::identity);
    r.get("/api/v1/admin/reports", reports::staff_api::list_api)
        .post("/api/v1/admin/reports", reports::staff_api::issue_api)
        .get("/api/v1/admin/reports/readiness/{notice_id}", reports::staff_api::readiness_api);
    r.get("/api/v1/admin/recommendations", recommendations::staff_api::list_api)
        .post("/api/v1/admin/recommendations", recommendations::staff_api::recommend_api)
        .post("/api/v1/admin/recommendations/withdrawals", recommendations::staff_api::withdraw_api)
        .get("/api/v1/admin/recommendations/package", recommendations::staff_api::package_api)
        .get("/api/v1/admin/recommendations/package.pdf", recommendations::staff_api::package_pdf_api)
        .get("/api/v1/admin/recommendations/package.zip", recommendations::staff_api::package_zip_api);
    r.get("/api/v1/admin/offline", offline::api::list)
        .post("/api/v1/admin/offline/notices", offline::api::record)
        .get("/api/v1/admin/offline/notices/{id}", offline::api::get)
        .post("/api/v1/admin/offline/notices/{id}/report", offline::api::upload_report)
        .post("/api/v1/admin/offline/notices/{id}/review", offline::api::review);
    r.get("/api/v1/admin/campaign", progress::api::dashboard);
    r.get("/api/v1/admin/campaigns", campaigns::staff_api::list)
        .post("/api/v1/admin/campaigns", campaigns::staff_api::create)
        .get("/api/v1/admin/campaigns/{code}", campaigns::staff_api::get)
        .put("/api/v1/admin/campaigns/{code}", campaigns::staff_api::update)
        .delete("/api/v1/admin/campaigns/{code}", campaigns::staff_api::delete)
        .post("/api/v1/admin/campaigns/{code}/copy", campaigns::staff_api::copy);
}
