//! Web security basics shared by every module: CSRF ([`csrf`]), rate limits ([`rate_limit`];
//! for guessing passwords [`login_limit`]), the bound on password hashes in flight
//! ([`password_work`]), same-site redirects after `next=` ([`redirect`]), CSV cells that cannot
//! start a formula ([`csv_cell`]), request size limits ([`limits`]), the check of an XLSX file
//! before it is parsed ([`xlsx_guard`]) and the client address they key on. The security
//! headers live in `crate::web::headers`.
pub mod csrf;
pub mod csv_cell;
pub mod limits;
pub mod login_limit;
pub mod password_work;
pub mod rate_limit;
pub mod redirect;

pub use rate_limit::Limits;

use actix_web::HttpRequest;

/// The client's address. A loopback peer is a reverse proxy on the same host (the documented
/// deployment), so its `X-Forwarded-For` is believed — its last entry, which the proxy itself
/// appended; any other peer is taken as the client.
#[must_use]
pub fn client_ip(req: &HttpRequest) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    if peer.is_some_and(|ip| ip.is_loopback()) {
        let forwarded = req
            .headers()
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .map(str::trim)
            .and_then(|v| v.parse::<std::net::IpAddr>().ok());
        if let Some(ip) = forwarded {
            return ip.to_string();
        }
    }
    peer.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string())
}
