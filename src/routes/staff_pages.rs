//! Staff pages under `/admin` (session cookie + CSRF token). Fixed segments come before `{id}`.
use super::AdminRoutes;
use crate::{
    accounts, audit_log, campaigns, imports, notices, objections, offline, progress, projects, recommendations,
    reports, tokens, units, users,
};

pub fn register(r: &mut AdminRoutes) {
    r.get("/admin", units::workbench::dashboard)
        .get("/admin/account", accounts::pages::account_page)
        .post("/admin/account/password", accounts::pages::change_password)
        .post("/admin/account/sessions/end", accounts::pages::end_other_sessions);
    r.get("/admin/units", units::pages::list)
        .get("/admin/units/new", units::pages::new_form)
        .post("/admin/units", units::pages::create)
        .get("/admin/units/{id}", units::pages::show)
        .get("/admin/units/{id}/edit", units::pages::edit_form)
        .post("/admin/units/{id}", units::pages::update);
    r.get("/admin/users", users::pages::list)
        .get("/admin/users/new", users::pages::new_form)
        .post("/admin/users", users::pages::create)
        .get("/admin/users/{id}", users::pages::edit_form)
        .post("/admin/users/{id}", users::pages::update)
        .post("/admin/users/{id}/password", users::pages::reset_password);
    r.get("/admin/tokens", tokens::pages::list_page)
        .post("/admin/tokens", tokens::pages::create_page)
        .post("/admin/tokens/{id}/revoke", tokens::pages::revoke_page);
    r.get("/admin/audit", audit_log::pages::page);
    r.get("/admin/campaigns", campaigns::staff_pages::list)
        .get("/admin/campaigns/new", campaigns::staff_pages::new_form)
        .post("/admin/campaigns", campaigns::staff_pages::create)
        .get("/admin/campaigns/{code}", campaigns::staff_pages::show)
        .get("/admin/campaigns/{code}/edit", campaigns::staff_pages::edit_form)
        .post("/admin/campaigns/{code}", campaigns::staff_pages::update)
        .post("/admin/campaigns/{code}/copy", campaigns::staff_pages::copy)
        .post("/admin/campaigns/{code}/delete", campaigns::staff_pages::delete);
    r.get("/admin/projects", projects::staff_pages::list)
        .get("/admin/projects/import", imports::pages::import_form)
        .post("/admin/projects/import", imports::pages::import_preview)
        .post("/admin/projects/import/{preview}", imports::pages::import_confirm)
        .get("/admin/projects/{id}", projects::staff_pages::show)
        .get("/admin/projects/{id}/edit", projects::staff_pages::edit_form)
        .post("/admin/projects/{id}", projects::staff_pages::update);
    r.get("/admin/notices", notices::staff_pages::list_page)
        .get("/admin/notices/new", notices::staff_new_page::new_page)
        .post("/admin/notices", notices::staff_new_page::create)
        .get("/admin/notices/{id}", notices::staff_pages::show_page)
        .get("/admin/notices/{id}/preview", notices::staff_pages::preview)
        .post("/admin/notices/{id}/draft", notices::staff_pages::save_draft)
        .post("/admin/notices/{id}/publish", notices::staff_pages::publish)
        .post("/admin/notices/{id}/correction", notices::staff_pages::correction)
        .post("/admin/notices/{id}/discard", notices::staff_pages::discard)
        .post("/admin/notices/{id}/withdraw", notices::staff_pages::withdraw);
    r.get("/admin/objections", objections::staff_pages::list)
        .get("/admin/objections/register", objections::staff_pages::register_form)
        .post("/admin/objections/register", objections::staff_pages::register)
        .get("/admin/objections/{id}", objections::staff_pages::show)
        .post("/admin/objections/{id}/transition", objections::staff_pages::transition)
        .post("/admin/objections/{id}/assign", objections::staff_pages::assign)
        .post("/admin/objections/{id}/sealed-letter", objections::staff_pages::sealed_letter)
        .get("/admin/objections/{id}/identity", objections::staff_pages::identity)
        .get("/admin/objections/{id}/attachments/{attachment}", objections::staff_pages::attachment);
    r.get("/admin/reports", reports::staff_pages::list_page)
        .get("/admin/reports/issue/{notice_id}", reports::staff_pages::issue_page)
        .post("/admin/reports/issue/{notice_id}", reports::staff_pages::issue_form);
    r.get("/admin/recommendations", recommendations::staff_pages::page)
        .post("/admin/recommendations", recommendations::staff_pages::recommend_form)
        .post("/admin/recommendations/withdraw", recommendations::staff_pages::withdraw_form)
        .post("/admin/recommendations/review-grade", recommendations::staff_pages::review_grade_form)
        .get("/admin/recommendations/summary.xlsx", recommendations::staff_pages::summary_xlsx)
        .get("/admin/recommendations/summary.csv", recommendations::staff_pages::summary_csv);
    r.get("/admin/offline", offline::pages::list_page)
        .post("/admin/offline/notices", offline::pages::record_form)
        .post("/admin/offline/notices/{id}/report", offline::pages::report_form)
        .post("/admin/offline/notices/{id}/review", offline::pages::review_form)
        .get("/admin/offline/scans/{id}", offline::pages::scan_file);
    r.get("/admin/campaign", progress::pages::dashboard);
}
