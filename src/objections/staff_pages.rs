//! The staff pages for objections: the queue, one case with its timeline and the forms that
//! move it, the objector's identity (each look logged), evidence downloads, and registering
//! an objection that came by phone, letter, e-mail or in person.
use super::filing::FilingInput;
use super::queue::{self, QueueFilter};
use super::workflow::{self, RegistrationInput, TransitionRequest};
use super::{Category, Channel, ObjectorKind, RefusalReason, views};
use crate::access::{Action, Actor, policy};
use crate::error::{AppError, AppResult, FieldError, PageResult};
use crate::web::AppState;
use crate::web::shell::{flash, render, render_with_status, see_other};
use actix_web::http::StatusCode;
use actix_web::http::header::{CACHE_CONTROL, CONTENT_DISPOSITION};
use actix_web::web::{Data, Form, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct ListPage<'a> {
    title: &'static str,
    rows: Vec<queue::QueueRow>,
    filter: &'a QueueFilter,
    statuses: Vec<views::Choice>,
    overdue_count: usize,
}

pub async fn list(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    filter: Query<QueueFilter>,
) -> PageResult<HttpResponse> {
    let rows = queue::queue(&state.db, &actor, &filter, state.now()).await?;
    let page = ListPage {
        title: "异议处理",
        overdue_count: rows.iter().filter(|r| r.overdue).count(),
        rows,
        filter: &filter,
        statuses: super::Status::ALL.iter().map(|s| views::Choice { code: s.code(), label: s.label() }).collect(),
    };
    Ok(render(&req, &actor, "objections/admin_list.html", &page)?)
}

#[derive(Serialize)]
struct CasePage<'a> {
    title: &'static str,
    case: queue::CaseDetail,
    can_handle: bool,
    can_see_identity: bool,
    handlers: Vec<Handler>,
    reasons: Vec<views::Choice>,
    errors: &'a [FieldError],
}

#[derive(Serialize)]
struct Handler {
    id: i32,
    name: String,
}

async fn case_page(
    state: &AppState,
    req: &HttpRequest,
    actor: &Actor,
    id: i32,
    status: StatusCode,
    errors: &[FieldError],
) -> AppResult<HttpResponse> {
    let case = queue::detail(&state.db, actor, id, state.now()).await?;
    let allowed = |action| policy::allows(actor.role, actor.is_province, action, policy::Relation::Own);
    let own = case.unit_id == actor.unit_id;
    let handlers = queue::handlers_of(&state.db, case.unit_id).await?;
    let page = CasePage {
        title: "异议详情",
        can_handle: own && allowed(Action::HandleObjection),
        can_see_identity: own && allowed(Action::ViewObjectorIdentity),
        handlers: handlers.into_iter().map(|(id, name)| Handler { id, name }).collect(),
        reasons: RefusalReason::ALL.iter().map(|r| views::Choice { code: r.code(), label: r.label() }).collect(),
        case,
        errors,
    };
    render_with_status(req, actor, status, "objections/admin_case.html", &page)
}

pub async fn show(state: Data<AppState>, req: HttpRequest, actor: Actor, id: Path<i32>) -> PageResult<HttpResponse> {
    Ok(case_page(&state, &req, &actor, *id, StatusCode::OK, &[]).await?)
}

#[derive(Deserialize)]
pub struct TransitionForm {
    #[serde(default)]
    to: String,
    #[serde(default)]
    reason: String,
    #[serde(default)]
    internal_note: String,
    #[serde(default)]
    objector_note: String,
    #[serde(default)]
    public_summary: String,
}

pub async fn transition(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    id: Path<i32>,
    form: Form<TransitionForm>,
) -> PageResult<HttpResponse> {
    // The right to act comes first: someone who may not handle the case learns nothing from
    // how their form would have been judged.
    workflow::case_for(&state.db, &actor, Action::HandleObjection, *id).await?;
    let notes = workflow::Notes {
        internal: &form.internal_note,
        objector: &form.objector_note,
        public_summary: &form.public_summary,
    };
    let parsed = TransitionRequest::parse(&form.to, &form.reason, notes);
    let outcome = match parsed {
        Ok(request) => {
            workflow::transition(&state.db, &state.mail, &actor, *id, &request, state.now()).await.map(|_| ())
        }
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match outcome {
        Ok(()) => {
            flash(&req, "已记录处理结果");
            Ok(see_other(&format!("/admin/objections/{id}")))
        }
        Err(AppError::Validation(errors)) => {
            Ok(case_page(&state, &req, &actor, *id, StatusCode::UNPROCESSABLE_ENTITY, &errors).await?)
        }
        Err(AppError::Conflict { message, .. }) => {
            let errors = [FieldError::new("to", message)];
            Ok(case_page(&state, &req, &actor, *id, StatusCode::CONFLICT, &errors).await?)
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Deserialize)]
pub struct AssignForm {
    #[serde(default)]
    user_id: String,
}

pub async fn assign(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    id: Path<i32>,
    form: Form<AssignForm>,
) -> PageResult<HttpResponse> {
    let handler = form.user_id.trim().parse::<i32>().ok();
    match workflow::assign(&state.db, &actor, *id, handler, state.now()).await {
        Ok(()) => {
            flash(&req, if handler.is_some() { "已指派处理人" } else { "已取消指派" });
            Ok(see_other(&format!("/admin/objections/{id}")))
        }
        Err(AppError::Validation(errors)) => {
            Ok(case_page(&state, &req, &actor, *id, StatusCode::UNPROCESSABLE_ENTITY, &errors).await?)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn sealed_letter(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    id: Path<i32>,
) -> PageResult<HttpResponse> {
    workflow::receive_sealed_letter(&state.db, &actor, *id, state.now()).await?;
    flash(&req, "已记录收到书面材料");
    Ok(see_other(&format!("/admin/objections/{id}")))
}

#[derive(Serialize)]
struct IdentityPage {
    title: &'static str,
    id: i32,
    identity: workflow::IdentityView,
}

pub async fn identity(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    id: Path<i32>,
) -> PageResult<HttpResponse> {
    let identity = workflow::view_identity(&state.db, &state.secrets.sealer, &actor, *id, state.now()).await?;
    let page = IdentityPage { title: "异议人身份", id: *id, identity };
    Ok(render(&req, &actor, "objections/admin_identity.html", &page)?)
}

pub async fn attachment(state: Data<AppState>, actor: Actor, path: Path<(i32, i32)>) -> PageResult<HttpResponse> {
    let (id, attachment_id) = *path;
    let store = super::attachments::Store::new(&state.settings.data_dir);
    let (file, bytes) =
        workflow::download_attachment(&state.db, &store, &actor, id, attachment_id, state.now()).await?;
    let encoded: String = url::form_urlencoded::byte_serialize(file.file_name.as_bytes()).collect();
    Ok(HttpResponse::Ok()
        .content_type(file.content_type)
        .insert_header((CONTENT_DISPOSITION, format!("attachment; filename*=UTF-8''{}", encoded.replace('+', "%20"))))
        .insert_header((CACHE_CONTROL, "no-store"))
        .body(bytes))
}

#[derive(Deserialize, Default)]
pub struct RegisterQuery {
    notice_id: Option<i32>,
}

#[derive(Serialize)]
struct RegisterPage<'a> {
    title: &'static str,
    notices: Vec<NoticeChoice>,
    notice_id: Option<i32>,
    projects: Vec<super::service::ProjectChoice>,
    channels: Vec<views::Choice>,
    categories: Vec<views::Choice>,
    kinds: Vec<views::Choice>,
    values: &'a RegistrationInput,
    errors: std::collections::BTreeMap<String, String>,
    error_list: &'a [FieldError],
    registered: Option<Registered>,
    /// How the chosen notice's rules judge a letter: 邮戳日期 or 收到日期.
    letters_by: Option<&'static str>,
    /// Whether the server sends mail, so staff can note that the objector wants e-mail updates.
    mail_enabled: bool,
}

#[derive(Serialize)]
struct NoticeChoice {
    id: i32,
    title: String,
}

#[derive(Serialize)]
struct Registered {
    receipt_code: String,
    lookup_key: String,
    status_label: &'static str,
    refusal_note: Option<String>,
}

async fn register_page(
    state: &AppState,
    req: &HttpRequest,
    actor: &Actor,
    values: &RegistrationInput,
    notice_id: Option<i32>,
    errors: &[FieldError],
    registered: Option<Registered>,
) -> AppResult<HttpResponse> {
    policy::require_role(actor, Action::HandleObjection)?;
    let notices: Vec<NoticeChoice> = crate::notices::service::published_titles_of_unit(&state.db, actor.unit_id)
        .await?
        .into_iter()
        .map(|(id, title)| NoticeChoice { id, title })
        .collect();
    let notice_id = notice_id.filter(|id| notices.iter().any(|n| n.id == *id));
    let chosen = match notice_id {
        Some(id) => Some(super::service::notice_for_objection(&state.db, id, state.now()).await?),
        None => None,
    };
    let letters_by = chosen.as_ref().map(|n| workflow::counting_label(Channel::Letter, n.rules()));
    let projects = chosen.map(|n| n.projects).unwrap_or_default();
    let mut by_field = std::collections::BTreeMap::new();
    for e in errors {
        by_field
            .entry(e.field.clone())
            .and_modify(|m: &mut String| m.push('；'))
            .or_insert_with(String::new)
            .push_str(&e.message);
    }
    let page = RegisterPage {
        title: "登记异议",
        notices,
        notice_id,
        projects,
        channels: Channel::ALL
            .iter()
            .filter(|c| **c != Channel::Web)
            .map(|c| views::Choice { code: c.code(), label: c.label() })
            .collect(),
        categories: Category::ALL.iter().map(|c| views::Choice { code: c.code(), label: c.label() }).collect(),
        kinds: ObjectorKind::ALL.iter().map(|k| views::Choice { code: k.code(), label: k.label() }).collect(),
        values,
        errors: by_field,
        error_list: errors,
        registered,
        letters_by,
        mail_enabled: state.mail.enabled(),
    };
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    render_with_status(req, actor, status, "objections/admin_register.html", &page)
}

pub async fn register_form(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    query: Query<RegisterQuery>,
) -> PageResult<HttpResponse> {
    let values = RegistrationInput {
        filing: FilingInput { objector_kind: "individual".into(), ..Default::default() },
        ..Default::default()
    };
    Ok(register_page(&state, &req, &actor, &values, query.notice_id, &[], None).await?)
}

#[derive(Deserialize)]
pub struct RegisterForm {
    notice_id: Option<i32>,
    #[serde(default)]
    channel: String,
    #[serde(default)]
    claimed_at: String,
    #[serde(default)]
    postmarked_on: String,
    /// A checkbox: present when ticked. Read here, not in the flattened filing, because a form
    /// value reaches a flattened field as text.
    notify_by_email: Option<String>,
    #[serde(flatten)]
    filing: FilingInput,
}

pub async fn register(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    form: Form<RegisterForm>,
) -> PageResult<HttpResponse> {
    let form = form.into_inner();
    let input = RegistrationInput {
        filing: FilingInput { notify_by_email: form.notify_by_email.is_some(), ..form.filing },
        channel: form.channel,
        claimed_at: form.claimed_at,
        postmarked_on: form.postmarked_on,
    };
    let Some(notice_id) = form.notice_id else {
        let errors = [FieldError::new("notice_id", "请选择公示")];
        return Ok(register_page(&state, &req, &actor, &input, None, &errors, None).await?);
    };
    match workflow::register(&state.db, &state.secrets, &state.mail, &actor, notice_id, &input, state.now()).await {
        Ok(recorded) => {
            state.metrics.objection_filed(crate::web::metrics::FiledBy::Staff);
            let registered = Registered {
                receipt_code: super::codes::grouped(&recorded.objection.receipt_code),
                lookup_key: super::codes::grouped(&recorded.lookup_key),
                status_label: recorded.status().map_or("", super::Status::label),
                refusal_note: recorded.objection.conclusion_summary.clone(),
            };
            let fresh = RegistrationInput {
                filing: FilingInput { objector_kind: "individual".into(), ..Default::default() },
                ..Default::default()
            };
            Ok(register_page(&state, &req, &actor, &fresh, Some(notice_id), &[], Some(registered)).await?)
        }
        Err(AppError::Validation(errors)) => {
            Ok(register_page(&state, &req, &actor, &input, Some(notice_id), &errors, None).await?)
        }
        Err(other) => Err(other.into()),
    }
}
