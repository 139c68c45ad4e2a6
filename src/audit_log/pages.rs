//! The audit log page, `/admin/audit`.
use super::service;
use super::{Filter, Listing};
use crate::access::Actor;
use crate::error::PageResult;
use crate::web::AppState;
use crate::web::shell::render;
use actix_web::web::{Data, Query};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

#[derive(Serialize)]
struct Page {
    title: &'static str,
    listing: Listing,
    filter: Filter,
    prev: Option<String>,
    next: Option<String>,
}

fn page_link(filter: &Filter, page: u64) -> String {
    let mut q = url::form_urlencoded::Serializer::new(String::new());
    if let Some(unit) = filter.unit {
        q.append_pair("unit", &unit.to_string());
    }
    if let Some(action) = &filter.action {
        q.append_pair("action", action);
    }
    q.append_pair("page", &page.to_string());
    format!("/admin/audit?{}", q.finish())
}

pub async fn page(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    filter: Query<Filter>,
) -> PageResult<HttpResponse> {
    let filter = filter.into_inner();
    let listing = service::list(&state.db, &actor, &filter).await?;
    let prev = (listing.page > 1).then(|| page_link(&filter, listing.page - 1));
    let next = (listing.page < listing.pages).then(|| page_link(&filter, listing.page + 1));
    let page = Page { title: "操作日志", listing, filter, prev, next };
    Ok(render(&req, &actor, "admin/audit.html", &page)?)
}
