//! Security headers on every response. The CSP allows no inline script or style: templates
//! keep all CSS and JS in `public/`. HSTS goes on every answer to a request that came over
//! HTTPS ([`strict_transport`]).
use super::AppState;
use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue, STRICT_TRANSPORT_SECURITY};
use actix_web::middleware::{DefaultHeaders, Next};
use actix_web::{HttpRequest, web::Data};

pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/// The headers every answer carries.
const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("content-security-policy", CONTENT_SECURITY_POLICY),
    ("x-content-type-options", "nosniff"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    ("x-frame-options", "DENY"),
    ("permissions-policy", "camera=(), microphone=(), geolocation=()"),
];

#[must_use]
pub fn security_headers() -> DefaultHeaders {
    SECURITY_HEADERS.iter().fold(DefaultHeaders::new(), |headers, &header| headers.add(header))
}

/// Adds what [`security_headers`] and [`strict_transport`] add, to an answer that does not pass
/// through them (a stored public answer, see `precomputed::fast_path`).
pub fn add_security_headers(req: &HttpRequest, headers: &mut HeaderMap) {
    for (name, value) in SECURITY_HEADERS {
        headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    }
    if came_over_https(req) {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static(HSTS));
    }
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
