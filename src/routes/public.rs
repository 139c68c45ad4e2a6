//! Public pages: what readers, objectors and receiving units open in a browser.
use crate::{
    accounts, calendar, feeds, notices, objections, projects, public_site, reports, subscriptions, test_clock,
    transparency, web,
};
use actix_web::web::{ServiceConfig, get, post};

pub fn configure(cfg: &mut ServiceConfig) {
    cfg.route("/healthz", get().to(web::health::healthz))
        .route("/metrics", get().to(web::metrics::metrics))
        .route("/static/{file}", get().to(web::assets::serve))
        .route("/", get().to(public_site::home))
        .route("/display", get().to(public_site::display))
        // Notices, their revisions and board posters; units and campaigns with their notices.
        // `{id}.docx` before `{id}`, which would take "3.docx" as an id.
        .route("/notices/{id}.docx", get().to(notices::documents::word))
        .route("/notices/{id}.png", get().to(notices::documents::long_image))
        .route("/notices/{id}", get().to(notices::pages::notice_page))
        .route("/notices/{id}/revisions/{no}.docx", get().to(notices::documents::revision_word))
        .route("/notices/{id}/revisions/{no}.png", get().to(notices::documents::revision_long_image))
        .route("/notices/{id}/revisions/{no}", get().to(notices::pages::revision_page))
        .route("/notices/{id}/poster", get().to(notices::pages::poster_page))
        .route("/notices/{id}/poster.pdf", get().to(notices::documents::poster_pdf))
        .route("/notices/{id}/revisions/{no}/poster.pdf", get().to(notices::documents::revision_poster_pdf))
        // For a unit's own website: a fragment to paste into its CMS, a bundle to upload.
        .route("/notices/{id}/fragment.html", get().to(notices::bundle::fragment))
        .route("/notices/{id}/bundle.zip", get().to(notices::bundle::bundle))
        .route("/notices/{id}/revisions/{no}/fragment.html", get().to(notices::bundle::revision_fragment))
        .route("/notices/{id}/revisions/{no}/bundle.zip", get().to(notices::bundle::revision_bundle))
        .route("/units/{code}", get().to(notices::unit_pages::unit_page))
        .route("/campaigns/{code}", get().to(notices::unit_pages::campaign_page))
        .route("/feeds/notices.rss", get().to(feeds::rss_feed))
        .route("/feeds/notices.atom", get().to(feeds::atom_feed))
        .route("/calendar/notices.ics", get().to(calendar::notices_calendar))
        .route("/calendar/campaigns/{code}.ics", get().to(calendar::campaign_calendar))
        .route("/calendar/staff/{key}.ics", get().to(calendar::staff::feed))
        // Objections: the form, the objector's lookup, receipt verification.
        .route("/notices/{id}/objection", get().to(objections::pages::form))
        .route("/notices/{id}/objection", post().to(objections::pages::file))
        .route("/objections/lookup", get().to(objections::pages::lookup_form))
        .route("/objections/lookup", post().to(objections::pages::lookup_result))
        .route("/receipts/verify", get().to(objections::pages::verify_page))
        .route("/receipts/verify", post().to(objections::pages::verify_posted))
        // E-mail subscriptions: ask, confirm, manage, unsubscribe (one click, RFC 8058).
        .route("/subscribe", get().to(subscriptions::pages::form))
        .route("/subscribe", post().to(subscriptions::pages::submit))
        .route("/subscriptions/confirm", get().to(subscriptions::pages::confirm_page))
        .route("/subscriptions/confirm", post().to(subscriptions::pages::confirm))
        .route("/subscriptions/manage", get().to(subscriptions::pages::manage))
        .route("/subscriptions/manage", post().to(subscriptions::pages::change))
        .route("/subscriptions/unsubscribe", get().to(subscriptions::pages::unsubscribe_page))
        .route("/subscriptions/unsubscribe", post().to(subscriptions::pages::unsubscribe))
        // Result reports: look up a printed copy, the verify page, the print view.
        .route("/reports", get().to(reports::pages::lookup))
        .route("/reports/{file}", get().to(reports::pages::show))
        .route("/reports/{code}/print", get().to(reports::pages::print))
        .route("/transparency", get().to(transparency::page))
        .route("/transparency.json", get().to(transparency::json))
        .route("/templates/projects.xlsx", get().to(projects::pages::template_xlsx))
        // Signing in, and the one-time link that creates the first administrator.
        .route("/login", get().to(accounts::pages::login_form))
        .route("/login", post().to(accounts::pages::login))
        .route("/logout", post().to(accounts::pages::logout))
        .route("/setup/{token}", get().to(accounts::setup_page::form))
        .route("/setup/{token}", post().to(accounts::setup_page::submit))
        // Moves the server's clock; answers only under `--test-clock`, from loopback.
        .route("/api/__test__/clock", post().to(test_clock::set_clock));
}
