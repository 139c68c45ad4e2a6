//! Static files from `public/`, embedded and served from memory under a content-hashed name
//! (`/static/app.3f2a9c1d.css`) so browsers may cache them for a year.
use actix_web::http::header;
use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::LazyLock;

struct Asset {
    bytes: &'static [u8],
    content_type: &'static str,
}

struct Catalogue {
    /// "app.css" → "/static/app.3f2a9c1d.css"
    urls: HashMap<&'static str, String>,
    /// "app.3f2a9c1d.css" → the file
    by_hashed_name: HashMap<String, Asset>,
}

static CATALOGUE: LazyLock<Catalogue> = LazyLock::new(|| {
    let mut urls = HashMap::new();
    let mut by_hashed_name = HashMap::new();
    for (name, bytes) in super::embedded::ASSETS {
        let digest = hex::encode(&Sha256::digest(bytes)[..4]);
        let hashed = match name.rsplit_once('.') {
            Some((stem, ext)) => format!("{stem}.{digest}.{ext}"),
            None => format!("{name}.{digest}"),
        };
        urls.insert(*name, format!("/static/{hashed}"));
        by_hashed_name.insert(hashed, Asset { bytes, content_type: content_type_of(name) });
    }
    Catalogue { urls, by_hashed_name }
});

fn content_type_of(name: &str) -> &'static str {
    match name.rsplit('.').next().unwrap_or_default() {
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// The fingerprinted URL of a file in `public/`.
#[must_use]
pub fn url_for(name: &str) -> Option<String> {
    CATALOGUE.urls.get(name).cloned()
}

pub async fn serve(path: web::Path<String>) -> HttpResponse {
    let Some(asset) = CATALOGUE.by_hashed_name.get(path.as_str()) else {
        return crate::error::AppError::NotFound.to_page_response();
    };
    HttpResponse::Ok()
        .content_type(asset.content_type)
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .body(asset.bytes)
}
