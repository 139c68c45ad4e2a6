//! The reader's pages: subscribe, confirm, manage, unsubscribe (the one-click address of
//! RFC 8058 among them), and the staff page of counts. Every answer to a subscription request
//! is the same page, whatever the address already has.
use super::service::{self, Ask, Change, CountRow, Suppression, View};
use super::{Frequency, contact};
use crate::access::Actor;
use crate::error::{AppError, AppResult, FieldError, PageResult};
use crate::web::AppState;
use crate::web::security::{client_key, csrf, rate_limit};
use crate::web::templates::{private_html, render};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Form, Query};
use actix_web::{HttpRequest, HttpResponse};
use entity::{campaigns, units};
use sea_orm::{EntityTrait, QueryOrder};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Serialize)]
struct Choice {
    code: String,
    name: String,
}

#[derive(Serialize)]
struct FormPage<'a> {
    title: &'static str,
    csrf_token: String,
    mail_enabled: bool,
    values: &'a Ask,
    errors: BTreeMap<String, String>,
    units: Vec<Choice>,
    campaigns: Vec<Choice>,
    scopes: [(&'static str, &'static str); 6],
    frequencies: [(&'static str, &'static str); 3],
    sent: bool,
}

const SCOPES: [(&str, &str); 6] = [
    ("all", "全部公示"),
    ("unit", "某单位的公示"),
    ("unit_tree", "某单位及其下级单位的公示"),
    ("level", "某一层级的公示"),
    ("campaign", "某次征集活动的公示"),
    ("closing", "24小时内截止的公示（截止前一天提醒）"),
];

const FREQUENCIES: [(&str, &str); 3] =
    [("immediate", "有动态即发送"), ("daily", "每日摘要（北京时间每天0时）"), ("weekly", "每周摘要（每周一0时）")];

async fn form_page(
    state: &AppState,
    req: &HttpRequest,
    values: &Ask,
    errors: &[FieldError],
    sent: bool,
) -> AppResult<String> {
    let units = units::Entity::find()
        .order_by_asc(units::Column::Id)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|u| Choice { code: u.code, name: u.name })
        .collect();
    let campaigns = campaigns::Entity::find()
        .order_by_desc(campaigns::Column::Id)
        .all(&state.db)
        .await?
        .into_iter()
        .map(|c| Choice { code: c.code, name: c.title })
        .collect();
    let page = FormPage {
        title: "邮件订阅",
        csrf_token: csrf::token(req),
        mail_enabled: state.mail.enabled(),
        values,
        errors: errors.iter().map(|e| (e.field.clone(), e.message.clone())).collect(),
        units,
        campaigns,
        scopes: SCOPES,
        frequencies: FREQUENCIES,
        sent,
    };
    render("subscriptions/form.html", &page)
}

/// `/subscribe?scope=unit_tree&unit=GSDW`: the form, filled in from the page that links to it.
pub async fn form(state: Data<AppState>, req: HttpRequest, query: Query<Ask>) -> PageResult<HttpResponse> {
    let mut values = query.into_inner();
    values.email.clear();
    if values.frequency.is_empty() {
        Frequency::Immediate.code().clone_into(&mut values.frequency);
    }
    if values.scope.is_empty() {
        "all".clone_into(&mut values.scope);
    }
    Ok(private_html(StatusCode::OK, form_page(&state, &req, &values, &[], false).await?))
}

/// Takes a request; answers "check your mail" whatever the address already has.
pub async fn submit(state: Data<AppState>, req: HttpRequest, form: Form<Ask>) -> PageResult<HttpResponse> {
    rate_limit::check(&state.limits.subscribe, &client_key(&req))?;
    let ask = form.into_inner();
    let chosen = match service::check(&state.db, &ask).await {
        Ok(chosen) => chosen,
        Err(AppError::Validation(errors)) => {
            let body = form_page(&state, &req, &ask, &errors, false).await?;
            return Ok(private_html(StatusCode::UNPROCESSABLE_ENTITY, body));
        }
        Err(e) => return Err(e.into()),
    };
    request(&state, &ask.email, chosen).await?;
    Ok(private_html(StatusCode::OK, form_page(&state, &req, &Ask::default(), &[], true).await?))
}

/// Hands a checked request to the service, with the per-address limit decided here: an
/// address over it gets nothing, and its asker is not told so.
///
/// # Errors
/// Mail is off; database failure.
pub async fn request(state: &AppState, email: &str, chosen: service::Chosen) -> AppResult<()> {
    let key = contact::address_digest(&state.secrets.session_key, email);
    let may_mail = rate_limit::check(&state.limits.subscribe_address, &key).is_ok();
    service::ask(&state.db, &state.mail, &state.secrets.session_key, email.trim(), chosen, may_mail, state.now()).await
}

#[derive(Deserialize)]
pub struct TokenQuery {
    #[serde(default)]
    token: String,
}

#[derive(Serialize)]
struct ManagePage {
    title: &'static str,
    csrf_token: String,
    token: String,
    /// `confirm`, `manage` or `unsubscribe`: which of the three pages.
    step: &'static str,
    said: Option<&'static str>,
    subscription: Option<View>,
    frequencies: Vec<(&'static str, &'static str)>,
}

async fn manage_page(
    state: &AppState,
    req: &HttpRequest,
    token: &str,
    step: &'static str,
    said: Option<&'static str>,
    sub: Option<entity::subscriptions::Model>,
) -> PageResult<HttpResponse> {
    let subscription = match &sub {
        Some(s) => Some(service::view(&state.db, s).await?),
        None => None,
    };
    let status = if subscription.is_some() { StatusCode::OK } else { StatusCode::NOT_FOUND };
    let page = ManagePage {
        title: "管理订阅",
        csrf_token: csrf::token(req),
        token: if sub.is_some() { token.trim().to_owned() } else { String::new() },
        step,
        said,
        subscription,
        frequencies: Frequency::ALL.iter().map(|f| (f.code(), f.label())).collect(),
    };
    Ok(private_html(status, render("subscriptions/manage.html", &page)?))
}

/// The confirmation link's page: a button, so a mail scanner following the link confirms
/// nothing.
pub async fn confirm_page(state: Data<AppState>, req: HttpRequest, q: Query<TokenQuery>) -> PageResult<HttpResponse> {
    let sub = service::find(&state.db, &q.token).await?;
    manage_page(&state, &req, &q.token, "confirm", None, sub).await
}

#[derive(Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    token: String,
    /// `frequency`, `resume` or `unsubscribe` on the manage page.
    #[serde(default)]
    action: String,
    #[serde(default)]
    frequency: String,
}

pub async fn confirm(state: Data<AppState>, req: HttpRequest, form: Form<TokenForm>) -> PageResult<HttpResponse> {
    let sub = service::apply(&state.db, &form.token, Change::Confirm, state.now()).await?;
    manage_page(&state, &req, &form.token, "manage", Some("订阅已确认。"), sub).await
}

pub async fn manage(state: Data<AppState>, req: HttpRequest, q: Query<TokenQuery>) -> PageResult<HttpResponse> {
    let sub = service::find(&state.db, &q.token).await?;
    manage_page(&state, &req, &q.token, "manage", None, sub).await
}

/// A change on the manage page: a new frequency, resuming, or unsubscribing.
pub async fn change(state: Data<AppState>, req: HttpRequest, form: Form<TokenForm>) -> PageResult<HttpResponse> {
    let (change, said) = match form.action.as_str() {
        "frequency" => match Frequency::from_code(&form.frequency) {
            Some(f) => (Change::Frequency(f), "发送频率已更改。"),
            None => return Err(AppError::invalid("frequency", "请选择发送频率").into()),
        },
        "resume" => (Change::Resume, "订阅已恢复。"),
        "unsubscribe" => (Change::Unsubscribe, "已退订。"),
        _ => return Err(AppError::BadRequest("未知的操作".into()).into()),
    };
    let sub = service::apply(&state.db, &form.token, change, state.now()).await?;
    manage_page(&state, &req, &form.token, "manage", Some(said), sub).await
}

/// The unsubscribe link's page: one button.
pub async fn unsubscribe_page(
    state: Data<AppState>,
    req: HttpRequest,
    q: Query<TokenQuery>,
) -> PageResult<HttpResponse> {
    let sub = service::find(&state.db, &q.token).await?;
    manage_page(&state, &req, &q.token, "unsubscribe", None, sub).await
}

/// One-click unsubscribe (RFC 8058): the mail client POSTs `List-Unsubscribe=One-Click` to the
/// address in the header, with no cookie and no CSRF token — the token in the address is the
/// only credential, and it can do nothing but this. The page's own button posts here too.
pub async fn unsubscribe(state: Data<AppState>, req: HttpRequest, q: Query<TokenQuery>) -> PageResult<HttpResponse> {
    let sub = service::apply(&state.db, &q.token, Change::Unsubscribe, state.now()).await?;
    manage_page(&state, &req, &q.token, "manage", Some("已退订。"), sub).await
}

#[derive(Serialize)]
struct CountsPage {
    title: &'static str,
    rows: Vec<CountRow>,
    province: bool,
    mail_enabled: bool,
    said: Option<String>,
}

/// `/admin/subscriptions`: how many follow the unit's notices (the province: every scope).
pub async fn counts_page(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    counts_answer(&req, &state, &actor, None).await
}

async fn counts_answer(
    req: &HttpRequest,
    state: &AppState,
    actor: &Actor,
    said: Option<String>,
) -> PageResult<HttpResponse> {
    let page = CountsPage {
        title: "邮件订阅",
        rows: service::counts(&state.db, actor).await?,
        province: actor.is_province_admin(),
        mail_enabled: state.mail.enabled(),
        said,
    };
    Ok(crate::web::shell::render(req, actor, "admin/subscriptions.html", &page)?)
}

#[derive(Deserialize)]
pub struct SuppressForm {
    #[serde(default)]
    addresses: String,
    #[serde(default)]
    reason: String,
}

/// The province's admins suspend the addresses the relay reported as bounced or complaining.
pub async fn suppress(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    form: Form<SuppressForm>,
) -> PageResult<HttpResponse> {
    let (addresses, why) = suppression_input(&actor, &form.addresses, &form.reason)?;
    let n = service::suppress(&state.db, &state.secrets.session_key, &addresses, why, state.now()).await?;
    counts_answer(&req, &state, &actor, Some(format!("已暂停 {n} 个订阅。"))).await
}

/// Checks a suppression: only the province's admins, one address per line, a known reason.
///
/// # Errors
/// `Forbidden`, or `Validation` naming the wrong field.
pub fn suppression_input(actor: &Actor, addresses: &str, reason: &str) -> AppResult<(Vec<String>, Suppression)> {
    if !actor.is_province_admin() {
        return Err(AppError::Forbidden);
    }
    let why = match reason {
        "bounce" => Suppression::Bounce,
        "complaint" => Suppression::Complaint,
        _ => return Err(AppError::invalid("reason", "请选择原因")),
    };
    let list: Vec<String> = addresses.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect();
    if list.is_empty() || list.len() > 10_000 {
        return Err(AppError::invalid("addresses", "请填写 1 至 10000 个邮箱，每行一个"));
    }
    if let Some(bad) = list.iter().find(|a| !crate::mail::is_address(a)) {
        return Err(AppError::invalid("addresses", format!("邮箱格式不正确：{}", crate::mail::letter::one_line(bad))));
    }
    Ok((list, why))
}
