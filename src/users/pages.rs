//! User pages: the list, a new account, editing one, resetting a password.
use super::service;
use super::{NewUserInput, UserUpdateInput, UserView};
use crate::access::{Action, Actor, Role};
use crate::accounts::FIELD_LABELS;
use crate::error::{AppError, FieldError, PageResult, labelled};
use crate::units::service::units_for;
use crate::web::AppState;
use crate::web::shell::{flash, render, render_with_status, see_other};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Form, Path};
use actix_web::{HttpRequest, HttpResponse};
use entity::units;
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct RoleOption {
    code: &'static str,
    label: &'static str,
}

fn roles() -> Vec<RoleOption> {
    Role::ALL.iter().map(|r| RoleOption { code: r.code(), label: r.label() }).collect()
}

#[derive(Serialize)]
struct ListPage {
    title: &'static str,
    users: Vec<UserView>,
}

pub async fn list(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    let users = service::list(&state.db, &actor).await?;
    Ok(render(&req, &actor, "admin/users_list.html", &ListPage { title: "用户", users })?)
}

#[derive(Serialize)]
struct NewPage {
    title: &'static str,
    input: NewUserInput,
    errors: Vec<FieldError>,
    units: Vec<units::Model>,
    roles: Vec<RoleOption>,
}

async fn new_page(
    state: &AppState,
    actor: &Actor,
    input: NewUserInput,
    errors: Vec<FieldError>,
) -> Result<NewPage, AppError> {
    crate::access::policy::require_role(actor, Action::ManageUsers)?;
    let units = units_for(&state.db, actor, Action::ManageUsers).await?;
    // The password is never echoed back into the form.
    let input = NewUserInput { password: String::new(), ..input };
    Ok(NewPage { title: "新建用户", input, errors: labelled(errors, FIELD_LABELS), units, roles: roles() })
}

pub async fn new_form(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    let input = NewUserInput { unit_id: actor.unit_id, role: "viewer".into(), ..Default::default() };
    let page = new_page(&state, &actor, input, vec![]).await?;
    Ok(render(&req, &actor, "admin/user_new.html", &page)?)
}

pub async fn create(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    form: Form<NewUserInput>,
) -> PageResult<HttpResponse> {
    let input = form.into_inner();
    match service::create(&state.db, &actor, &input, state.settings.cheap_password_hashing, state.now()).await {
        Ok(user) => {
            flash(&req, format!("已新建用户：{}（{}）", user.display_name, user.username));
            Ok(see_other("/admin/users"))
        }
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            let page = new_page(&state, &actor, input, errors).await?;
            Ok(render_with_status(&req, &actor, StatusCode::UNPROCESSABLE_ENTITY, "admin/user_new.html", &page)?)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Serialize)]
struct EditPage {
    title: &'static str,
    user: UserView,
    errors: Vec<FieldError>,
    roles: Vec<RoleOption>,
    is_self: bool,
}

pub async fn edit_form(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
) -> PageResult<HttpResponse> {
    let user = service::get(&state.db, &actor, *id).await?;
    let page =
        EditPage { title: "编辑用户", is_self: user.id == actor.user_id, user, errors: vec![], roles: roles() };
    Ok(render(&req, &actor, "admin/user_edit.html", &page)?)
}

/// An HTML checkbox is absent when unticked.
#[derive(Deserialize)]
pub struct UpdateForm {
    display_name: String,
    role: String,
    is_active: Option<String>,
}

async fn show_errors(
    req: &HttpRequest,
    state: &AppState,
    actor: &Actor,
    id: i32,
    errors: Vec<FieldError>,
) -> PageResult<HttpResponse> {
    let user = service::get(&state.db, actor, id).await?;
    let errors = labelled(errors, FIELD_LABELS);
    let page = EditPage { title: "编辑用户", is_self: user.id == actor.user_id, user, errors, roles: roles() };
    Ok(render_with_status(req, actor, StatusCode::UNPROCESSABLE_ENTITY, "admin/user_edit.html", &page)?)
}

pub async fn update(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    form: Form<UpdateForm>,
) -> PageResult<HttpResponse> {
    let form = form.into_inner();
    let input =
        UserUpdateInput { display_name: form.display_name, role: form.role, is_active: form.is_active.is_some() };
    match service::update(&state.db, &actor, *id, &input, state.now()).await {
        Ok(user) => {
            flash(&req, format!("已保存：{}", user.display_name));
            Ok(see_other(&format!("/admin/users/{}", user.id)))
        }
        Err(AppError::Validation(errors)) => show_errors(&req, &state, &actor, *id, errors).await,
        Err(AppError::Conflict { message, .. }) => {
            show_errors(&req, &state, &actor, *id, vec![FieldError::new("role", message)]).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct ResetForm {
    password: String,
    confirm_password: String,
}

pub async fn reset_password(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    form: Form<ResetForm>,
) -> PageResult<HttpResponse> {
    let outcome = if form.password == form.confirm_password {
        service::reset_password(
            &state.db,
            &actor,
            *id,
            &form.password,
            state.settings.cheap_password_hashing,
            state.now(),
        )
        .await
    } else {
        // Still check access first, so a mismatch does not reveal that the user exists.
        service::get(&state.db, &actor, *id)
            .await
            .and(Err(AppError::invalid("confirm_password", "两次输入的密码不一致")))
    };
    match outcome {
        Ok(user) => {
            flash(&req, format!("已重置 {} 的密码，其登录已全部失效，API令牌已全部吊销", user.display_name));
            Ok(see_other(&format!("/admin/users/{}", user.id)))
        }
        Err(AppError::Validation(errors)) => show_errors(&req, &state, &actor, *id, errors).await,
        Err(e) => Err(e.into()),
    }
}
