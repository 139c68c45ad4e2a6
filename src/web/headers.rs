//! Security headers on every response. The CSP allows no inline script or style: templates
//! keep all CSS and JS in `public/`. HSTS goes on every answer to a request that came over
//! HTTPS ([`strict_transport`]).
use super::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderValue, STRICT_TRANSPORT_SECURITY};
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::{HttpRequest, web::Data};

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

#[must_use]
pub fn security_headers() -> DefaultHeaders {
    DefaultHeaders::new()
        .add(("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .add(("X-Content-Type-Options", "nosniff"))
        .add(("Referrer-Policy", "strict-origin-when-cross-origin"))
        .add(("X-Frame-Options", "DENY"))
        .add(("Permissions-Policy", "camera=(), microphone=(), geolocation=()"))
}

/// A year: browsers then refuse plain HTTP to this host for that long.
pub const HSTS: &str = "max-age=31536000";

/// Whether the request reached the site over HTTPS: the site's public address is `https://…`
/// (TLS ends at the proxy in front of it), or a trusted reverse proxy says so in
/// `X-Forwarded-Proto`. The header is believed only from a `--trusted-proxy` peer, as
/// `X-Forwarded-For` is (`security::client_ip`).
#[must_use]
pub fn came_over_https(req: &HttpRequest) -> bool {
    let public_https = req.app_data::<Data<AppState>>().is_some_and(|s| s.settings.secure_cookies());
    public_https
        || (super::security::from_trusted_proxy(req)
            && req
                .headers()
                .get("x-forwarded-proto")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.rsplit(',').next())
                .is_some_and(|v| v.trim().eq_ignore_ascii_case("https")))
}

/// Adds `Strict-Transport-Security` to every answer to a request that came over HTTPS.
///
/// # Errors
/// Whatever the inner service returns.
pub async fn strict_transport(
    req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let https = came_over_https(req.request());
    let mut res = next.call(req).await?;
    if https {
        res.headers_mut().insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
    Ok(res)
}
