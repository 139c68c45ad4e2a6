//! The delivery log page, `/admin/mail`.
use super::service::{self, DeliveryLog, Filter};
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
    listing: DeliveryLog,
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
    let listing = service::list(&state.db, &actor, &filter, state.mail.enabled()).await?;
    let (prev, next) = pager("/admin/mail", &[("state", filter.state.clone())], listing.page, listing.pages);
    let page = Page { title: "邮件发送记录", listing, filter, prev, next };
    Ok(render(&req, &actor, "admin/mail.html", &page)?)
}
