//! `/admin/webhooks`: the endpoints, registering one (its secret shown once), an endpoint's page
//! with its settings, secret rotation, deletion, and its delivery log with replays.
use super::service::{self, EndpointDetail, EndpointInput, EndpointView, TypeView};
use crate::access::Actor;
use crate::error::{AppError, FieldError, PageResult, labelled};
use crate::web::AppState;
use crate::web::shell::{flash, pager, render, render_with_status, see_other};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Form, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use serde::Serialize;

const LABELS: &[(&str, &str)] = &[("url", "接收地址"), ("description", "用途"), ("event_types", "事件类型")];

/// What the registration form shows again after a refusal.
#[derive(Debug, Default, Serialize)]
struct Values {
    url: String,
    description: String,
    event_types: Vec<String>,
}

impl From<&EndpointInput> for Values {
    fn from(i: &EndpointInput) -> Self {
        Self { url: i.url.clone(), description: i.description.clone(), event_types: i.event_types.clone() }
    }
}

#[derive(Serialize)]
struct ListPage {
    title: &'static str,
    endpoints: Vec<EndpointView>,
    event_types: Vec<TypeView>,
    values: Values,
    errors: Vec<FieldError>,
    new_secret: Option<String>,
    /// Whether http:// and private addresses are allowed on this server.
    allow_private: bool,
}

async fn list_page_of(state: &AppState, actor: &Actor) -> crate::error::AppResult<ListPage> {
    Ok(ListPage {
        title: "Webhook",
        endpoints: service::list(&state.db, actor).await?,
        event_types: service::all_types(),
        values: Values::default(),
        errors: Vec::new(),
        new_secret: None,
        allow_private: state.settings.webhooks_allow_private,
    })
}

pub async fn list_page(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    let page = list_page_of(&state, &actor).await?;
    Ok(render(&req, &actor, "admin/webhooks.html", &page)?)
}

/// Registers an endpoint and shows its secret on this very response (never in a redirect).
pub async fn create(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    form: Form<Vec<(String, String)>>,
) -> PageResult<HttpResponse> {
    let input = EndpointInput::from_pairs(&form);
    let reach = super::target::Reach::of(&state.settings);
    match service::create(&state.db, &actor, &input, reach, &state.secrets.sealer, state.now()).await {
        Ok(made) => {
            let page = ListPage { new_secret: Some(made.secret), ..list_page_of(&state, &actor).await? };
            Ok(render(&req, &actor, "admin/webhooks.html", &page)?)
        }
        Err(AppError::Validation(errors)) => {
            let page = ListPage {
                errors: labelled(errors, LABELS),
                values: Values::from(&input),
                ..list_page_of(&state, &actor).await?
            };
            Ok(render_with_status(&req, &actor, StatusCode::UNPROCESSABLE_ENTITY, "admin/webhooks.html", &page)?)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Serialize)]
struct ShowPage {
    title: String,
    detail: EndpointDetail,
    event_types: Vec<TypeView>,
    /// The codes ticked in the form.
    chosen: Vec<String>,
    errors: Vec<FieldError>,
    new_secret: Option<String>,
    prev: Option<String>,
    next: Option<String>,
}

#[derive(Debug, serde::Deserialize)]
pub struct PageQuery {
    pub page: Option<i32>,
}

async fn show_page_of(
    state: &AppState,
    actor: &Actor,
    id: i32,
    page: Option<i32>,
) -> crate::error::AppResult<ShowPage> {
    let detail = service::detail(&state.db, actor, id, page).await?;
    let path = format!("/admin/webhooks/{id}");
    let (prev, next) = pager(&path, &[], detail.page, detail.pages);
    Ok(ShowPage {
        title: format!("Webhook：{}", detail.endpoint.description),
        chosen: detail.endpoint.event_types.iter().map(|t| t.code.to_owned()).collect(),
        detail,
        event_types: service::all_types(),
        errors: Vec::new(),
        new_secret: None,
        prev,
        next,
    })
}

pub async fn show(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    query: Query<PageQuery>,
) -> PageResult<HttpResponse> {
    let page = show_page_of(&state, &actor, *id, query.page).await?;
    Ok(render(&req, &actor, "admin/webhook.html", &page)?)
}

/// Saves the settings form (the checkbox `enabled` absent means off).
pub async fn update(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    form: Form<Vec<(String, String)>>,
) -> PageResult<HttpResponse> {
    let mut input = EndpointInput::from_pairs(&form);
    input.enabled = Some(input.enabled.unwrap_or(false));
    let reach = super::target::Reach::of(&state.settings);
    match service::update(&state.db, &actor, *id, &input, reach, state.now()).await {
        Ok(endpoint) => {
            flash(&req, if endpoint.enabled { "已保存" } else { "已保存，端点已停用" });
            Ok(see_other(&format!("/admin/webhooks/{}", endpoint.id)))
        }
        Err(AppError::Validation(errors)) => {
            let mut page = show_page_of(&state, &actor, *id, None).await?;
            page.errors = labelled(errors, LABELS);
            page.chosen.clone_from(&input.event_types);
            page.detail.endpoint.url.clone_from(&input.url);
            page.detail.endpoint.description.clone_from(&input.description);
            Ok(render_with_status(&req, &actor, StatusCode::UNPROCESSABLE_ENTITY, "admin/webhook.html", &page)?)
        }
        Err(e) => Err(e.into()),
    }
}

/// A new secret, shown on this response only.
pub async fn rotate(req: HttpRequest, state: Data<AppState>, actor: Actor, id: Path<i32>) -> PageResult<HttpResponse> {
    let made = service::rotate(&state.db, &actor, *id, &state.secrets.sealer, state.now()).await?;
    let mut page = show_page_of(&state, &actor, *id, None).await?;
    page.new_secret = Some(made.secret);
    Ok(render(&req, &actor, "admin/webhook.html", &page)?)
}

pub async fn delete(req: HttpRequest, state: Data<AppState>, actor: Actor, id: Path<i32>) -> PageResult<HttpResponse> {
    let gone = service::delete(&state.db, &actor, *id, state.now()).await?;
    flash(&req, format!("已删除端点：{}", gone.description));
    Ok(see_other("/admin/webhooks"))
}

pub async fn replay(req: HttpRequest, state: Data<AppState>, actor: Actor, id: Path<i32>) -> PageResult<HttpResponse> {
    let delivery = service::replay(&state.db, &actor, *id, state.now()).await?;
    flash(&req, format!("已安排重放 {}，将在几秒内投递", delivery.event_id));
    Ok(see_other(&format!("/admin/webhooks/{}", delivery.endpoint_id)))
}
