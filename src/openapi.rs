//! `/api/openapi.json`: one OpenAPI document generated from the code. Each module describes its
//! own API with `#[derive(utoipa::OpenApi)]` and adds one line to [`PARTS`]; they are merged
//! here under the document's title and version.
use actix_web::web::{ServiceConfig, get};
use actix_web::{HttpResponse, http::header};
use std::sync::LazyLock;
use utoipa::openapi::{InfoBuilder, OpenApi, OpenApiBuilder};

/// Every module's API description. Add yours here.
pub const PARTS: &[fn() -> OpenApi] = &[
    crate::notices::api::openapi,
    crate::objections::openapi::openapi,
    crate::reports::api::openapi,
    crate::admin::openapi::openapi,
];

pub fn routes(cfg: &mut ServiceConfig) {
    cfg.route("/api/openapi.json", get().to(serve));
}

/// The merged document.
#[must_use]
pub fn document() -> OpenApi {
    let info = InfoBuilder::new()
        .title("gongshi 公示与异议 API")
        .version(env!("CARGO_PKG_VERSION"))
        .description(Some("职工技术成果三级公示：公示、异议与公示结果。错误以 application/problem+json 返回。"))
        .build();
    let mut doc = OpenApiBuilder::new().info(info).build();
    for part in PARTS {
        doc.merge(part());
    }
    doc
}

static JSON: LazyLock<String> = LazyLock::new(|| document().to_json().unwrap_or_else(|_| "{}".to_owned()));

async fn serve() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(JSON.as_str())
}
