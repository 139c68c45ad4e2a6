//! `/api/openapi.json`: one OpenAPI document generated from the code. Each module describes its
//! own API with `#[derive(utoipa::OpenApi)]` and adds one line to [`PARTS`]; they are merged
//! here under the document's title and version.
pub mod admin;

use actix_web::{HttpResponse, http::header};
use std::sync::LazyLock;
use utoipa::openapi::{Content, InfoBuilder, OpenApi, OpenApiBuilder, Ref, RefOr, Response};

/// Every module's API description. Add yours here.
pub const PARTS: &[fn() -> OpenApi] = &[
    crate::notices::api::openapi,
    crate::objections::openapi::openapi,
    crate::reports::api::openapi,
    crate::offline::api::openapi,
    crate::subscriptions::api::openapi,
    crate::webhooks::api::openapi,
    admin::openapi,
];

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
    document_errors(&mut doc);
    doc
}

/// Every error answer is problem+json with the `Problem` schema, and every operation lists the
/// errors the shared layers give whatever the handler: 400 for a malformed path or query, 404
/// for an unknown path or a referenced thing that does not exist, 422
/// for input that fails validation, 413 for an oversized body, 401 and 403 where a token is
/// required. Done once here so no module can forget one.
fn document_errors(doc: &mut OpenApi) {
    for item in doc.paths.paths.values_mut() {
        let operations = [&mut item.get, &mut item.post, &mut item.put, &mut item.patch, &mut item.delete];
        for op in operations.into_iter().flatten() {
            let mut wanted =
                vec![("400", "请求格式有误（problem+json）"), ("404", "不存在，或所引用的对象不存在（problem+json）")];
            if op.parameters.as_ref().is_some_and(|p| !p.is_empty()) || op.request_body.is_some() {
                wanted.push(("422", "输入有误，errors 列出各字段（problem+json）"));
            }
            if op.request_body.is_some() {
                wanted.push(("413", "请求内容过大（problem+json）"));
            }
            if op.security.as_ref().is_some_and(|s| !s.is_empty()) {
                wanted.push(("401", "缺少或无效的令牌（problem+json）"));
                wanted.push(("403", "令牌的账号无权进行此操作（problem+json）"));
            }
            for (code, description) in wanted {
                op.responses.responses.entry(code.to_owned()).or_insert_with(|| RefOr::T(Response::new(description)));
            }
            for (code, response) in &mut op.responses.responses {
                if let (true, RefOr::T(response)) = (code.starts_with('4') || code.starts_with('5'), response) {
                    response.content.clear();
                    let schema = Ref::from_schema_name("Problem");
                    response.content.insert("application/problem+json".to_owned(), Content::new(Some(schema)).into());
                }
            }
        }
    }
}

/// Each documented path as segments (`None` for a `{parameter}`), with its methods.
type Route = (Vec<Option<String>>, Vec<&'static str>);

static ROUTES: LazyLock<Vec<Route>> = LazyLock::new(|| {
    document()
        .paths
        .paths
        .iter()
        .map(|(path, item)| {
            let segments =
                path.split('/').map(|s| (!(s.starts_with('{') && s.ends_with('}'))).then(|| s.to_owned())).collect();
            let methods = [
                ("GET", item.get.is_some()),
                ("POST", item.post.is_some()),
                ("PUT", item.put.is_some()),
                ("PATCH", item.patch.is_some()),
                ("DELETE", item.delete.is_some()),
            ];
            (segments, methods.into_iter().filter(|(_, has)| *has).map(|(m, _)| m).collect())
        })
        .collect()
});

/// The methods the document lists for the path a request names; `None` for a path it does
/// not describe.
#[must_use]
pub fn methods_of(path: &str) -> Option<Vec<&'static str>> {
    let parts: Vec<&str> = path.split('/').collect();
    // Where two paths fit (`/x/{id}` and `/x/new`), the one with more fixed segments wins.
    ROUTES
        .iter()
        .filter(|(segments, _)| {
            segments.len() == parts.len()
                && segments.iter().zip(&parts).all(|(s, p)| s.as_deref().map_or(!p.is_empty(), |s| s == *p))
        })
        .max_by_key(|(segments, _)| segments.iter().filter(|s| s.is_some()).count())
        .map(|(_, methods)| methods.clone())
}

static JSON: LazyLock<String> = LazyLock::new(|| document().to_json().unwrap_or_else(|_| "{}".to_owned()));

pub async fn serve() -> HttpResponse {
    HttpResponse::Ok()
        .content_type("application/json")
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .body(JSON.as_str())
}
