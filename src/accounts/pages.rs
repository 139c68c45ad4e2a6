//! Signing in and out, and a staff member's own account page (password, other sessions).
use super::notifications::NotificationSettings;
use super::service;
use crate::access::Actor;
use crate::audit::{self, AuditEntry};
use crate::error::{AppError, AppResult, FieldError, PageResult, labelled};
use crate::web::AppState;
use crate::web::security::{client_ip, client_key, csrf};
use crate::web::session;
use crate::web::shell::{flash, render_with_status, see_other};
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::web::{Data, Form, Query};
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

/// Only a local path may follow a sign-in: no other host, no scheme, no `//host`, read as
/// a browser reads it (`web::security::redirect`).
#[must_use]
pub fn safe_next(next: Option<&str>) -> String {
    crate::web::security::redirect::local_path(next, "/admin")
}

#[derive(Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

#[derive(Serialize)]
struct LoginPage<'a> {
    title: &'static str,
    csrf_token: String,
    next: String,
    username: &'a str,
    error: Option<String>,
}

fn login_page(
    req: &HttpRequest,
    status: StatusCode,
    next: String,
    username: &str,
    error: Option<String>,
) -> PageResult<HttpResponse> {
    let page = LoginPage { title: "工作人员登录", csrf_token: csrf::token(req), next, username, error };
    let body = crate::web::templates::render("auth/login.html", &page)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(body))
}

pub async fn login_form(req: HttpRequest, query: Query<NextQuery>, actor: Option<Actor>) -> PageResult<HttpResponse> {
    let next = safe_next(query.next.as_deref());
    if actor.is_some() {
        return Ok(see_other(&next));
    }
    login_page(&req, StatusCode::OK, next, "", None)
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    next: Option<String>,
}

/// The login page again with 429, `Retry-After` and why.
fn refused(
    req: &HttpRequest,
    next: String,
    username: &str,
    retry_after_secs: u64,
    message: String,
) -> PageResult<HttpResponse> {
    let mut res = login_page(req, StatusCode::TOO_MANY_REQUESTS, next, username, Some(message))?;
    res.headers_mut()
        .insert(actix_web::http::header::RETRY_AFTER, actix_web::http::header::HeaderValue::from(retry_after_secs));
    Ok(res)
}

/// Why a sign-in was not checked: its address is held, or the server has no room for the hash.
fn too_many_message(held: bool, retry_after_secs: u64) -> String {
    if held {
        format!("尝试次数过多，请{}分钟后再试", retry_after_secs.div_ceil(60))
    } else {
        "登录请求较多，请稍后再试".to_owned()
    }
}

pub async fn login(
    req: HttpRequest,
    state: Data<AppState>,
    session: Session,
    form: Form<LoginForm>,
) -> PageResult<HttpResponse> {
    let form = form.into_inner();
    let next = safe_next(form.next.as_deref());
    let ip = client_ip(&req);
    // The attempt is taken from the limits before the password is checked, so a burst of
    // concurrent guesses gets no more checks than the limits allow.
    let attempt = match state.limits.login.begin(&form.username, &client_key(&req)) {
        Ok(attempt) => attempt,
        Err(AppError::Throttled { retry_after_secs }) => {
            return refused(&req, next, &form.username, retry_after_secs, too_many_message(true, retry_after_secs));
        }
        Err(e) => return Err(e.into()),
    };
    let attempt = attempt.wait_turn().await;
    let now = state.now();
    let cheap = state.settings.cheap_password_hashing;
    let checked =
        service::check_credentials(&state.db, &state.limits.password_work, &form.username, &form.password, cheap).await;
    let user = match checked {
        Ok(Some(user)) => {
            attempt.succeeded();
            user
        }
        Ok(None) => {
            let failures = attempt.account_failures_before() + 1;
            attempt.failed();
            if let Some(known) = service::find_by_username(&state.db, &form.username).await? {
                let entry = AuditEntry {
                    user_id: Some(known.id),
                    unit_id: Some(known.unit_id),
                    action: "auth.login_failed",
                    target_type: "user",
                    target_id: Some(known.id.to_string()),
                    detail: Some(format!("15分钟内第{failures}次登录失败")),
                    ip: Some(ip),
                };
                audit::record(&state.db, entry, now).await?;
            }
            let message = "用户名或密码错误，或账号已停用".to_owned();
            return login_page(&req, StatusCode::UNPROCESSABLE_ENTITY, next, &form.username, Some(message));
        }
        Err(AppError::Throttled { retry_after_secs }) => {
            attempt.not_checked();
            return refused(&req, next, &form.username, retry_after_secs, too_many_message(false, retry_after_secs));
        }
        Err(e) => return Err(e.into()),
    };
    session::start(&session, &user, now)?;
    service::record_login(&state.db, &user, now).await?;
    let entry = AuditEntry {
        user_id: Some(user.id),
        unit_id: Some(user.unit_id),
        action: "auth.login",
        target_type: "user",
        target_id: Some(user.id.to_string()),
        detail: None,
        ip: Some(ip),
    };
    audit::record(&state.db, entry, now).await?;
    Ok(see_other(&next))
}

/// Signs out: the sign-in is recorded as ended on the server, so a copy of the cookie kept
/// anywhere else stops working too; the user's other sign-ins go on.
pub async fn logout(state: Data<AppState>, session: Session, actor: Option<Actor>) -> PageResult<HttpResponse> {
    if let (Some(actor), Some(signed_in)) = (actor, session::read(&session)) {
        let now = state.now();
        let txn = crate::db::begin_write(&state.db).await?;
        session::record_end(&txn, &signed_in, now).await?;
        audit::record(&txn, actor.audit("auth.logout", "user", Some(actor.user_id.to_string())), now).await?;
        txn.commit().await?;
    }
    session::end(&session);
    Ok(see_other("/login"))
}

const PASSWORD_LABELS: &[(&str, &str)] =
    &[("current_password", "当前密码"), ("password", "新密码"), ("confirm_password", "确认新密码")];

#[derive(Serialize, Default)]
struct AccountPage {
    title: &'static str,
    errors: Vec<FieldError>,
    notifications: NotificationSettings,
    notification_errors: Vec<FieldError>,
    /// Whether this server sends mail at all.
    mail_enabled: bool,
}

impl AccountPage {
    async fn of(state: &AppState, actor: &Actor) -> AppResult<Self> {
        let user = service::find(&state.db, actor.user_id).await?;
        Ok(Self {
            title: "我的账号",
            notifications: NotificationSettings::of(&user),
            mail_enabled: state.mail.enabled(),
            ..Self::default()
        })
    }
}

pub async fn account_page(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    let page = AccountPage::of(&state, &actor).await?;
    Ok(crate::web::shell::render(&req, &actor, "auth/account.html", &page)?)
}

/// Saves which reminders reach the signed-in person by e-mail.
pub async fn save_notifications(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    form: Form<NotificationSettings>,
) -> PageResult<HttpResponse> {
    match super::notifications::save(&state.db, &actor, &form, state.now()).await {
        Ok(()) => {
            flash(&req, "通知设置已保存");
            Ok(see_other("/admin/account"))
        }
        Err(AppError::Validation(errors)) => {
            let mut page = AccountPage::of(&state, &actor).await?;
            page.notifications = form.into_inner();
            page.notification_errors = errors;
            Ok(render_with_status(&req, &actor, StatusCode::UNPROCESSABLE_ENTITY, "auth/account.html", &page)?)
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
    confirm_password: String,
}

pub async fn change_password(
    req: HttpRequest,
    state: Data<AppState>,
    session: Session,
    actor: Actor,
    form: Form<PasswordForm>,
) -> PageResult<HttpResponse> {
    let now = state.now();
    let cheap = state.settings.cheap_password_hashing;
    let outcome = async {
        if form.new_password != form.confirm_password {
            return Err(AppError::invalid("confirm_password", "两次输入的新密码不一致"));
        }
        // The current password is a secret worth guessing: the same limits as signing in.
        let attempt = state.limits.login.begin(&actor.username, &client_key(&req))?.wait_turn().await;
        let work = &state.limits.password_work;
        let checked = service::check_credentials(&state.db, work, &actor.username, &form.current_password, cheap).await;
        let user = match checked {
            Ok(Some(user)) => {
                attempt.succeeded();
                user
            }
            Ok(None) => {
                attempt.failed();
                return Err(AppError::invalid("current_password", "当前密码不正确"));
            }
            Err(e) => {
                attempt.not_checked();
                return Err(e);
            }
        };
        // The new password, the end of the other sessions and of the API tokens: all or none.
        let txn = crate::db::begin_write(&state.db).await?;
        let user = service::set_password(&txn, &user, &form.new_password, cheap, now).await?;
        txn.commit().await?;
        Ok(user)
    }
    .await;
    match outcome {
        Ok(user) => {
            session::follow_epoch(&session, &user)?;
            audit::record(
                &state.db,
                actor.audit("account.password.change", "user", Some(actor.user_id.to_string())),
                now,
            )
            .await?;
            flash(&req, "密码已修改，其他设备上的登录已全部失效，API令牌已全部吊销");
            Ok(see_other("/admin/account"))
        }
        Err(AppError::Validation(errors)) => {
            let mut page = AccountPage::of(&state, &actor).await?;
            page.errors = labelled(errors, PASSWORD_LABELS);
            Ok(render_with_status(&req, &actor, StatusCode::UNPROCESSABLE_ENTITY, "auth/account.html", &page)?)
        }
        Err(e) => Err(e.into()),
    }
}

pub async fn end_other_sessions(
    req: HttpRequest,
    state: Data<AppState>,
    session: Session,
    actor: Actor,
) -> PageResult<HttpResponse> {
    let now = state.now();
    let txn = crate::db::begin_write(&state.db).await?;
    let user = service::find(&txn, actor.user_id).await?;
    let user = service::end_all_sessions(&txn, &user, now).await?;
    txn.commit().await?;
    session::follow_epoch(&session, &user)?;
    audit::record(&state.db, actor.audit("account.sessions.end", "user", Some(actor.user_id.to_string())), now).await?;
    flash(&req, "其他设备上的登录已全部退出，API令牌已全部吊销");
    Ok(see_other("/admin/account"))
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_follow_a_sign_in() {
        assert_eq!(safe_next(Some("/admin/users?page=2")), "/admin/users?page=2");
        assert_eq!(safe_next(Some("//evil.example/")), "/admin");
        assert_eq!(safe_next(Some("https://evil.example/")), "/admin");
        assert_eq!(safe_next(Some("/\\evil.example")), "/admin");
        assert_eq!(safe_next(None), "/admin");
    }
}
