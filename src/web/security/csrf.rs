//! CSRF protection for every state-changing form, checked in one middleware ([`guard`]) so no
//! handler can forget it.
//!
//! - Signed-in staff: a token kept in the (encrypted) session, made at sign-in.
//! - Anonymous visitors (the public objection form, the login form): a double-submit token in a
//!   signed, HttpOnly cookie `gongshi_csrf`, set the first time a page asks for a token.
//!
//! A page puts `csrf::token(&req)` into its context as `csrf_token` and the form carries
//! `<input type="hidden" name="_csrf" value="{{ csrf_token }}">` — as the FIRST field of a
//! multipart form, because the guard reads only the start of an upload. Scripts may send the
//! `X-CSRF-Token` header instead. Every POST/PUT/PATCH/DELETE outside `/api/` without the right
//! token is refused with 403 before any handler runs. `/api/` is exempt: it authenticates by
//! bearer token, never by cookie, so a forged cross-site request carries no credentials.
use super::limits;
use crate::error::AppError;
use crate::web::AppState;
use crate::web::is_api_path;
use crate::web::session::CSRF as SESSION_KEY;
use actix_session::SessionExt;
use actix_web::body::{EitherBody, MessageBody};
use actix_web::cookie::{Cookie, CookieJar, Key, SameSite};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::{Method, header};
use actix_web::middleware::Next;
use actix_web::web::{Bytes, BytesMut};
use actix_web::{HttpMessage, HttpRequest, web};
use futures_util::StreamExt;
use rand::RngCore;
use sha2::{Digest, Sha512};

/// The hidden form field.
pub const FIELD: &str = "_csrf";
/// The header scripts may use instead.
pub const HEADER: &str = "x-csrf-token";
/// The anonymous visitor's signed cookie.
pub const ANON_COOKIE: &str = "gongshi_csrf";

/// A fresh random token.
#[must_use]
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// The anonymous token of this request: from a valid cookie, or made on first use.
#[derive(Clone, Debug, Default)]
struct AnonToken {
    token: Option<String>,
    /// Made during this request: the response must carry the cookie.
    fresh: bool,
}

/// The token a form rendered for this request must carry: the session's for signed-in staff,
/// otherwise the visitor's cookie token (created now if the visitor has none).
#[must_use]
pub fn token(req: &HttpRequest) -> String {
    if let Ok(Some(t)) = req.get_session().get::<String>(SESSION_KEY) {
        return t;
    }
    let mut ext = req.extensions_mut();
    let anon = ext.get_mut::<AnonToken>();
    match anon {
        Some(AnonToken { token: Some(t), .. }) => t.clone(),
        Some(slot) => {
            let t = new_token();
            *slot = AnonToken { token: Some(t.clone()), fresh: true };
            t
        }
        None => {
            // Outside the guard (it always runs in the app): a token that will not verify.
            new_token()
        }
    }
}

/// Whether a request to a public API names another site as its sender: an `Origin` that is not
/// this site (`null` included), or, without `Origin`, `Sec-Fetch-Site: cross-site`. This site
/// is `--base-url`'s origin, or the scheme and host the request itself was addressed to (a
/// page of another site cannot make a browser send our host with its own origin). Clients
/// other than browsers send neither header and pass.
#[must_use]
pub fn from_another_site(req: &HttpRequest, base_url: &str) -> bool {
    let headers = req.headers();
    if let Some(origin) = headers.get(header::ORIGIN) {
        let Ok(origin) = origin.to_str() else { return true };
        let origin = origin.trim().trim_end_matches('/').to_ascii_lowercase();
        let info = req.connection_info();
        let own = format!("{}://{}", info.scheme(), info.host()).to_ascii_lowercase();
        return origin != own && Some(origin) != origin_of(base_url);
    }
    headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_some_and(|v| v.eq_ignore_ascii_case("cross-site"))
}

/// `scheme://host[:port]` of an address, as a browser writes it in `Origin`.
fn origin_of(address: &str) -> Option<String> {
    let url = url::Url::parse(address).ok()?;
    Some(url.origin().ascii_serialization().to_ascii_lowercase()).filter(|o| o != "null")
}

/// Whether the body is of a type an HTML form on another site can send without asking first
/// (no CORS preflight): urlencoded or `text/plain`. (`multipart/form-data` is one too; it is
/// left to the `Origin` check so API clients without a browser can still upload evidence.)
#[must_use]
pub fn is_simple_form_body(req: &HttpRequest) -> bool {
    matches!(essence(req).as_str(), "application/x-www-form-urlencoded" | "text/plain")
}

/// Whether the body is urlencoded (its token may be the `_csrf` field).
#[must_use]
pub fn is_urlencoded(req: &HttpRequest) -> bool {
    essence(req) == "application/x-www-form-urlencoded"
}

fn essence(req: &HttpRequest) -> String {
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase()
}

/// Whether the request carries this visitor's token (the `X-CSRF-Token` header, or `field`
/// from its body): the signed-in session's, or the one in the visitor's signed cookie.
#[must_use]
pub fn carries_token(req: &HttpRequest, field: Option<&str>) -> bool {
    let session = req.get_session().get::<String>(SESSION_KEY).ok().flatten();
    let anon = req.extensions().get::<AnonToken>().filter(|a| !a.fresh).and_then(|a| a.token.clone());
    let submitted = req.headers().get(HEADER).and_then(|v| v.to_str().ok()).or(field);
    match submitted {
        Some(s) => [session, anon].iter().flatten().any(|e| same(e, s)),
        None => false,
    }
}

/// The refusal of a filing from another site (403).
#[must_use]
pub fn cross_site_refusal() -> AppError {
    AppError::ForbiddenBecause("不接受来自其他网站的提交：请在本站公示页面上提出异议，或以 JSON 调用接口".to_owned())
}

fn cookie_key(secret: &[u8]) -> Key {
    let mut hasher = Sha512::new();
    hasher.update(b"gongshi anonymous csrf cookie\0");
    hasher.update(secret);
    Key::from(hasher.finalize().as_slice())
}

fn read_anon_cookie(req: &ServiceRequest, key: &Key) -> Option<String> {
    let raw = req.cookie(ANON_COOKIE)?;
    let mut jar = CookieJar::new();
    jar.add_original(raw.into_owned());
    jar.signed(key).get(ANON_COOKIE).map(|c| c.value().to_owned()).filter(|v| v.len() == 64)
}

fn anon_cookie(token: &str, key: &Key, secure: bool) -> Option<Cookie<'static>> {
    let mut jar = CookieJar::new();
    let mut cookie = Cookie::new(ANON_COOKIE, token.to_owned());
    cookie.set_http_only(true);
    cookie.set_same_site(SameSite::Lax);
    cookie.set_secure(secure);
    cookie.set_path("/");
    jar.signed_mut(key).add(cookie);
    jar.get(ANON_COOKIE).cloned()
}

/// The one-click unsubscribe address (RFC 8058): a mail client POSTs to it with no cookie and
/// no token. The token in its query is the credential, and all it can do is unsubscribe.
pub const ONE_CLICK_UNSUBSCRIBE: &str = "/subscriptions/unsubscribe";

fn needs_check(req: &ServiceRequest) -> bool {
    let path = crate::web::routed_path(req.request());
    !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE)
        && !is_api_path(path)
        && path != ONE_CLICK_UNSUBSCRIBE
}

fn same(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// The middleware. Needs the session middleware outside it.
///
/// # Errors
/// Whatever the inner service returns.
pub async fn guard(
    mut req: ServiceRequest,
    next: Next<impl MessageBody>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, actix_web::Error> {
    let Some(state) = req.app_data::<web::Data<AppState>>().cloned() else {
        return Ok(req.into_response(AppError::internal("AppState missing").to_page_response()).map_into_right_body());
    };
    let key = cookie_key(&state.secrets.session_key);
    let anon = read_anon_cookie(&req, &key);
    req.extensions_mut().insert(AnonToken { token: anon.clone(), fresh: false });
    if needs_check(&req) {
        let expected = req.get_session().get::<String>(SESSION_KEY).ok().flatten().or(anon);
        match submitted_token(&mut req).await {
            Err(e) => return Ok(req.into_response(e.to_page_response()).map_into_right_body()),
            Ok(submitted) => {
                let valid = matches!((&expected, &submitted), (Some(e), Some(s)) if same(e, s));
                if !valid {
                    let refusal = AppError::BadRequest("安全校验未通过，请刷新页面后重新提交".into());
                    let mut res = refusal.to_page_response();
                    *res.status_mut() = actix_web::http::StatusCode::FORBIDDEN;
                    return Ok(req.into_response(res).map_into_right_body());
                }
            }
        }
    }
    let mut res = next.call(req).await?;
    let fresh = res.request().extensions().get::<AnonToken>().filter(|a| a.fresh).and_then(|a| a.token.clone());
    if let Some(cookie) = fresh.and_then(|t| anon_cookie(&t, &key, state.settings.secure_cookies())) {
        res.response_mut().add_cookie(&cookie)?;
    }
    Ok(res.map_into_left_body())
}

/// The token the request carries: header, urlencoded field, or the first multipart field. The
/// body read on the way is handed back to the request untouched.
async fn submitted_token(req: &mut ServiceRequest) -> Result<Option<String>, AppError> {
    if let Some(v) = req.headers().get(HEADER).and_then(|v| v.to_str().ok()) {
        return Ok(Some(v.to_owned()));
    }
    let content_type = req.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let mime: mime::Mime = content_type.parse().unwrap_or(mime::APPLICATION_OCTET_STREAM);
    if mime.essence_str() == "application/x-www-form-urlencoded" {
        let body = read_up_to(req, limits::FORM_BYTES, true).await?;
        let token = url::form_urlencoded::parse(&body).find(|(k, _)| k == FIELD).map(|(_, v)| v.into_owned());
        return Ok(token);
    }
    if mime.essence_str() == "multipart/form-data" {
        let Some(boundary) = mime.get_param("boundary").map(|b| b.as_str().to_owned()) else { return Ok(None) };
        let head = read_up_to(req, MULTIPART_HEAD_BYTES, false).await?;
        return Ok(first_multipart_field(&head, &boundary));
    }
    Ok(None)
}

/// How much of a multipart body is read to find the token in its first field.
const MULTIPART_HEAD_BYTES: usize = 4096;

/// Reads the body up to `limit` bytes and puts everything back (what was read, then the rest
/// of the stream). With `whole`, a longer body is refused as too large.
async fn read_up_to(req: &mut ServiceRequest, limit: usize, whole: bool) -> Result<Bytes, AppError> {
    let (_, payload) = req.parts_mut();
    let mut stream = payload.take();
    let mut buf = BytesMut::new();
    while buf.len() < limit {
        match stream.next().await {
            Some(Ok(chunk)) => buf.extend_from_slice(&chunk),
            Some(Err(_)) => return Err(AppError::BadRequest("请求内容不完整".into())),
            None => {
                let bytes = buf.freeze();
                req.set_payload(Payload::from(bytes.clone()));
                return Ok(bytes);
            }
        }
    }
    if whole {
        return Err(AppError::TooLarge);
    }
    let head = buf.freeze();
    let replay = futures_util::stream::once(std::future::ready(Ok(head.clone()))).chain(stream);
    let boxed: Payload = Payload::from(Box::pin(replay) as std::pin::Pin<Box<dyn futures_util::Stream<Item = _>>>);
    req.set_payload(boxed);
    Ok(head)
}

/// The value of the first part of a multipart body when that part is the `_csrf` field.
fn first_multipart_field(head: &[u8], boundary: &str) -> Option<String> {
    let text = String::from_utf8_lossy(head);
    let delimiter = format!("--{boundary}");
    let rest = text.trim_start_matches("\r\n").strip_prefix(&delimiter)?.strip_prefix("\r\n")?;
    let (headers, body) = rest.split_once("\r\n\r\n")?;
    let names_csrf = headers.lines().any(|line| {
        line.to_ascii_lowercase().starts_with("content-disposition:") && line.contains(&format!("name=\"{FIELD}\""))
    });
    if !names_csrf {
        return None;
    }
    let (value, _) = body.split_once(&format!("\r\n{delimiter}"))?;
    Some(value.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_token_is_found_in_the_first_multipart_field_only() {
        let body = "--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc123\r\n--XyZ\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n\r\n…";
        assert_eq!(first_multipart_field(body.as_bytes(), "XyZ").as_deref(), Some("abc123"));
        let later = "--XyZ\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nx\r\n--XyZ\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\nabc\r\n--XyZ--";
        assert_eq!(first_multipart_field(later.as_bytes(), "XyZ"), None);
    }

    #[test]
    fn tokens_compare_whole() {
        assert!(same("abc", "abc"));
        assert!(!same("abc", "abd"));
        assert!(!same("abc", "abcd"));
    }

    #[test]
    fn a_signed_cookie_round_trips_and_a_forged_one_does_not() {
        let key = cookie_key(&[7u8; 64]);
        let token = new_token();
        let cookie = anon_cookie(&token, &key, false).unwrap();
        assert_ne!(cookie.value(), token, "the value carries a signature");
        let mut jar = CookieJar::new();
        jar.add_original(cookie);
        assert_eq!(jar.signed(&key).get(ANON_COOKIE).unwrap().value(), token);
        let other = cookie_key(&[8u8; 64]);
        assert!(jar.signed(&other).get(ANON_COOKIE).is_none());
    }
}
