//! Tera, loaded once from the templates embedded at build time. Names end in `.html` or `.xml`
//! so autoescaping stays on; only sanitised Markdown is ever marked safe.
use crate::error::{AppError, FieldError};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::LazyLock;
use tera::{Context, Tera, Value};

static TERA: LazyLock<Tera> = LazyLock::new(|| match build() {
    Ok(tera) => tera,
    Err(e) => panic!("templates do not parse: {e:?}"),
});

fn build() -> tera::Result<Tera> {
    let mut tera = Tera::default();
    tera.add_raw_templates(super::embedded::TEMPLATES.iter().copied())?;
    tera.autoescape_on(vec![".html", ".xml"]);
    tera.register_function("asset", asset_fn);
    tera.register_filter("markdown", markdown_filter);
    Ok(tera)
}

/// Parses every template now, so a broken one stops the server at start, not at first use.
pub fn check() -> Result<(), String> {
    build().map(|_| ()).map_err(|e| format!("{e:?}"))
}

/// Renders a page from a serialisable context.
///
/// # Errors
/// A template error, logged as internal.
pub fn render<C: Serialize>(name: &str, context: &C) -> Result<String, AppError> {
    let ctx = Context::from_serialize(context)?;
    Ok(TERA.render(name, &ctx)?)
}

#[derive(Serialize)]
struct ErrorPage<'a> {
    status: u16,
    title: &'a str,
    errors: &'a [FieldError],
    error_id: Option<&'a str>,
}

/// An HTML page that shows a secret (a lookup key, a case, a subscriber's link): kept by no
/// cache, nor by the browser's back-forward history on a shared computer.
#[must_use]
pub fn private_html(status: actix_web::http::StatusCode, body: String) -> actix_web::HttpResponse {
    actix_web::HttpResponse::build(status)
        .content_type("text/html; charset=utf-8")
        .insert_header((actix_web::http::header::CACHE_CONTROL, "no-store"))
        .body(body)
}

/// The body of an error page. Never fails: if the template itself breaks, plain text does.
#[must_use]
pub fn render_error_page(status: u16, title: &str, errors: &[FieldError], error_id: Option<&str>) -> String {
    render("error.html", &ErrorPage { status, title, errors, error_id })
        .unwrap_or_else(|_| format!("<!doctype html><meta charset=utf-8><title>{status}</title><p>{status}</p>"))
}

fn asset_fn(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let name = args.get("name").and_then(Value::as_str).ok_or("asset() needs name=")?;
    super::assets::url_for(name).map(Value::from).ok_or_else(|| format!("no asset {name}").into())
}

#[expect(clippy::unnecessary_wraps, reason = "the signature tera asks of a filter")]
fn markdown_filter(value: &Value, _: &HashMap<String, Value>) -> tera::Result<Value> {
    let source = value.as_str().unwrap_or_default();
    Ok(Value::from(crate::markdown::to_safe_html(source)))
}
