//! The staff side's page shell: the admin layout every staff page extends, its navigation and
//! one-shot messages after a redirect. A staff page renders with [`render`], which adds what
//! `templates/admin/base.html` needs (`actor`, `nav`, `csrf_token`, `flash`):
//! ```ignore
//! shell::render(&req, &actor, "notices/admin_list.html", &ctx)
//! ```
use super::AppState;
use super::staff_routes::StaffRoutes;
use crate::access::{Actor, Role};
use crate::error::{AppError, AppResult};
use actix_session::SessionExt;
use actix_web::web::Data;
use actix_web::{HttpRequest, HttpResponse, http::header};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct NavItem {
    pub href: &'static str,
    pub label: &'static str,
    pub active: bool,
}

/// The navigation, in order. An item shows only when its page is registered and the role may use it.
const NAV: [(&str, &str, &[Role]); 15] = [
    ("/admin", "工作台", &[Role::Admin, Role::Handler, Role::Viewer]),
    ("/admin/projects", "项目", &[Role::Admin, Role::Handler, Role::Viewer]),
    ("/admin/notices", "公示", &[Role::Admin, Role::Handler, Role::Viewer]),
    ("/admin/objections", "异议", &[Role::Admin, Role::Handler, Role::Viewer]),
    ("/admin/reports", "结果报告", &[Role::Admin, Role::Handler, Role::Viewer]),
    ("/admin/recommendations", "推荐上报", &[Role::Admin, Role::Handler, Role::Viewer]),
    ("/admin/campaigns", "征集活动", &[Role::Admin, Role::Handler, Role::Viewer]),
    ("/admin/campaign", "征集进度", &[Role::Admin, Role::Handler, Role::Viewer]),
    ("/admin/units", "单位", &[Role::Admin, Role::Handler, Role::Viewer]),
    ("/admin/users", "用户", &[Role::Admin]),
    ("/admin/tokens", "API令牌", &[Role::Admin, Role::Handler, Role::Viewer]),
    ("/admin/audit", "操作日志", &[Role::Admin]),
    ("/admin/mail", "邮件记录", &[Role::Admin]),
    ("/admin/subscriptions", "邮件订阅", &[Role::Admin]),
    ("/admin/webhooks", "Webhook", &[Role::Admin]),
];

fn nav(actor: &Actor, path: &str, staff_routes: &StaffRoutes) -> Vec<NavItem> {
    NAV.iter()
        .filter(|(href, _, roles)| roles.contains(&actor.role) && staff_routes.has_page(href))
        .map(|&(href, label, _)| NavItem {
            href,
            label,
            active: if href == "/admin" {
                path == "/admin"
            } else {
                path == href || path.starts_with(&format!("{href}/"))
            },
        })
        .collect()
}

const FLASH: &str = "flash";

/// Leaves a one-line message for the next staff page this browser renders ("已保存").
pub fn flash(req: &HttpRequest, message: impl Into<String>) {
    let _ = req.get_session().insert(FLASH, message.into());
}

fn take_flash(req: &HttpRequest) -> Option<String> {
    let session = req.get_session();
    let message = session.get::<String>(FLASH).ok().flatten();
    if message.is_some() {
        session.remove(FLASH);
    }
    message
}

/// Renders a staff page: the page's own context plus `actor`, `nav`, `csrf_token` and `flash`.
///
/// # Errors
/// Internal, when the context is not an object or the template fails.
pub fn render<C: Serialize>(req: &HttpRequest, actor: &Actor, template: &str, context: &C) -> AppResult<HttpResponse> {
    let body = render_string(req, actor, template, context)?;
    Ok(HttpResponse::Ok()
        .content_type("text/html; charset=utf-8")
        .insert_header((header::CACHE_CONTROL, "no-store"))
        .body(body))
}

/// As [`render`], with a status (e.g. 422 for a form shown again with its errors).
///
/// # Errors
/// As [`render`].
pub fn render_with_status<C: Serialize>(
    req: &HttpRequest,
    actor: &Actor,
    status: actix_web::http::StatusCode,
    template: &str,
    context: &C,
) -> AppResult<HttpResponse> {
    let mut res = render(req, actor, template, context)?;
    *res.status_mut() = status;
    Ok(res)
}

fn render_string<C: Serialize>(req: &HttpRequest, actor: &Actor, template: &str, context: &C) -> AppResult<String> {
    let mut value = serde_json::to_value(context).map_err(AppError::internal)?;
    let Some(map) = value.as_object_mut() else {
        return Err(AppError::internal(format!("{template}: the page context is not an object")));
    };
    let chrome = serde_json::json!({
        "actor": actor,
        "role_label": actor.role.label(),
        "nav": nav(actor, req.path(), staff_routes_of(req)),
        "csrf_token": super::security::csrf::token(req),
        "flash": take_flash(req),
    });
    if let serde_json::Value::Object(extra) = chrome {
        for (k, v) in extra {
            map.entry(k).or_insert(v);
        }
    }
    super::templates::render(template, &value)
}

/// 303 to `location`: the answer to every successful staff form.
#[must_use]
pub fn see_other(location: &str) -> HttpResponse {
    HttpResponse::SeeOther().insert_header((header::LOCATION, location)).finish()
}

/// The registered staff routes, from the state; empty where a request carries no state.
fn staff_routes_of(req: &HttpRequest) -> &StaffRoutes {
    static NONE: StaffRoutes = StaffRoutes::empty();
    req.app_data::<Data<AppState>>().map_or(&NONE, |state| state.staff_routes)
}

/// The previous and next page links of a paged staff list at `path`, keeping its filters
/// (those with a value): `(None, …)` on the first page, `(…, None)` on the last.
#[must_use]
pub fn pager(
    path: &str,
    filters: &[(&str, Option<String>)],
    page: u64,
    pages: u64,
) -> (Option<String>, Option<String>) {
    let link = |n: u64| {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (name, value) in filters {
            if let Some(value) = value {
                q.append_pair(name, value);
            }
        }
        q.append_pair("page", &n.to_string());
        format!("{path}?{}", q.finish())
    };
    ((page > 1).then(|| link(page - 1)), (page < pages).then(|| link(page + 1)))
}

#[cfg(test)]
mod pager_tests {
    use super::pager;

    #[test]
    fn pages_link_to_their_neighbours_keeping_the_filters() {
        let filters = [("state", Some("failed".to_owned())), ("unit", None)];
        assert_eq!(pager("/admin/mail", &filters, 1, 1), (None, None));
        assert_eq!(
            pager("/admin/mail", &filters, 2, 3),
            (Some("/admin/mail?state=failed&page=1".into()), Some("/admin/mail?state=failed&page=3".into()))
        );
        let odd = [("action", Some("a&b=c".to_owned()))];
        assert_eq!(pager("/admin/audit", &odd, 1, 2).1.as_deref(), Some("/admin/audit?action=a%26b%3Dc&page=2"));
    }
}
