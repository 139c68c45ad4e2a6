//! The audit log page, `/admin/audit`.
use super::service;
use super::{Filter, Listing};
use crate::access::Actor;
use crate::error::PageResult;
use crate::web::AppState;
use crate::web::shell::{pager, render};
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

pub async fn page(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    filter: Query<Filter>,
) -> PageResult<HttpResponse> {
    let filter = filter.into_inner();
    let listing = service::list(&state.db, &actor, &filter).await?;
    let filters = [("unit", filter.unit.map(|u| u.to_string())), ("action", filter.action.clone())];
    let (prev, next) = pager("/admin/audit", &filters, listing.page, listing.pages);
    let page = Page { title: "操作日志", listing, filter, prev, next };
    Ok(render(&req, &actor, "admin/audit.html", &page)?)
}
