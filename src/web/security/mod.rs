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

/// Whether the peer is a reverse proxy named by `--trusted-proxy`, whose forwarding headers
/// are believed. With none named, no peer is: any client can write those headers.
#[must_use]
pub fn from_trusted_proxy(req: &HttpRequest) -> bool {
    let Some(peer) = req.peer_addr() else { return false };
    req.app_data::<actix_web::web::Data<crate::web::AppState>>()
        .is_some_and(|state| state.settings.is_trusted_proxy(peer.ip()))
}

/// The key a rate limit counts a client under: its IPv4 address, or for IPv6 its /64 — one
/// subscriber's network, from which a client may take any of 2⁶⁴ addresses at will.
/// An IPv4 address written as IPv6 (`::ffff:a.b.c.d`) is the IPv4 address.
#[must_use]
pub fn address_key(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let network = u128::from(v6) & (u128::MAX << 64);
                format!("{}/64", std::net::Ipv6Addr::from(network))
            }
        },
    }
}

/// [`address_key`] of the request's client ([`client_ip`]): what rate limits key on.
#[must_use]
pub fn client_key(req: &HttpRequest) -> String {
    let ip = client_ip(req);
    ip.parse().map_or(ip, address_key)
}

/// The client's address. A trusted proxy's `X-Forwarded-For` is believed — its last entry,
/// which the proxy itself appended; any other peer is taken as the client.
#[must_use]
pub fn client_ip(req: &HttpRequest) -> String {
    let peer = req.peer_addr().map(|a| a.ip());
    if from_trusted_proxy(req) {
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
