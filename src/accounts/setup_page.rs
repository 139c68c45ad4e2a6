//! `/setup/{token}`: the one-time page that creates the first province admin.
use super::setup::{self, FirstAdmin};
use crate::error::{AppError, FieldError, PageResult, labelled};
use crate::web::AppState;
use crate::web::security::{client_ip, csrf};
use crate::web::session;
use crate::web::shell::see_other;
use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::web::{Data, Form, Path};
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

#[derive(Debug, Default, Deserialize, Serialize)]
pub struct SetupForm {
    #[serde(default)]
    unit_name: String,
    #[serde(default)]
    unit_code: String,
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default, skip_serializing)]
    password: String,
    #[serde(default, skip_serializing)]
    confirm_password: String,
}

/// The root unit's fields; the account's are labelled as everywhere.
const LABELS: &[(&str, &str)] = &[("name", "单位名称"), ("code", "单位代码")];

#[derive(Serialize)]
struct Page<'a> {
    title: &'static str,
    csrf_token: String,
    action: String,
    needs_unit: bool,
    province_name: Option<String>,
    input: &'a SetupForm,
    errors: Vec<FieldError>,
}

async fn render_page(
    req: &HttpRequest,
    state: &AppState,
    secret: &str,
    input: &SetupForm,
    errors: Vec<FieldError>,
) -> PageResult<HttpResponse> {
    let province = setup::province(&state.db).await?;
    let status = if errors.is_empty() { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    let errors = labelled(labelled(errors, LABELS), super::FIELD_LABELS);
    let page = Page {
        title: "创建首个管理员",
        csrf_token: csrf::token(req),
        action: format!("/setup/{secret}"),
        needs_unit: province.is_none(),
        province_name: province.map(|p| p.name),
        input,
        errors,
    };
    let body = crate::web::templates::render("auth/setup.html", &page)?;
    Ok(HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .insert_header(("Referrer-Policy", "no-referrer"))
        .body(body))
}

pub async fn form(req: HttpRequest, state: Data<AppState>, secret: Path<String>) -> PageResult<HttpResponse> {
    setup::find_valid(&state.db, &secret, state.now()).await?;
    let input = SetupForm { unit_name: "甘肃省总工会".into(), unit_code: "GS".into(), ..Default::default() };
    render_page(&req, &state, &secret, &input, vec![]).await
}

pub async fn submit(
    req: HttpRequest,
    state: Data<AppState>,
    session: Session,
    secret: Path<String>,
    input: Form<SetupForm>,
) -> PageResult<HttpResponse> {
    let now = state.now();
    setup::find_valid(&state.db, &secret, now).await?;
    if input.password != input.confirm_password {
        let errors = vec![FieldError::new("confirm_password", "两次输入的密码不一致")];
        return render_page(&req, &state, &secret, &input, errors).await;
    }
    let first = FirstAdmin {
        unit_name: input.unit_name.clone(),
        unit_code: input.unit_code.clone(),
        username: input.username.clone(),
        display_name: input.display_name.clone(),
        password: input.password.clone(),
    };
    let cheap = state.settings.cheap_password_hashing;
    match setup::complete(&state.db, &secret, &first, cheap, Some(client_ip(&req)), now).await {
        Ok(user) => {
            session::start(&session, &user, now)?;
            crate::web::shell::flash(&req, "管理员账号已创建。请先完善单位信息，再建立下级单位和账号。");
            Ok(see_other("/admin"))
        }
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            render_page(&req, &state, &secret, &input, errors).await
        }
        Err(e) => Err(e.into()),
    }
}
