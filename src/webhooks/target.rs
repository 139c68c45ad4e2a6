//! Where an endpoint may point. A webhook makes the server send requests where staff say, so an
//! address on loopback, in a private or link-local range (a cloud's metadata service), or
//! otherwise not on the public internet is refused: registering one would let a unit's admin
//! probe the server's own network. The server flag `--webhooks-allow-private` lifts this (and
//! the HTTPS rule) for installations whose receivers sit on the same network.
//!
//! The check runs twice: when the address is saved, and when connecting, through a resolver
//! that drops refused addresses, so a name that later resolves to a private address (DNS
//! rebinding) reaches nothing.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use url::{Host, Url};

pub const MAX_URL_CHARS: usize = 500;

/// Whether requests may go to any address (`--webhooks-allow-private`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Reach {
    pub allow_private: bool,
}

impl Reach {
    /// As the server was started.
    #[must_use]
    pub fn of(settings: &crate::settings::Settings) -> Self {
        Self { allow_private: settings.webhooks_allow_private }
    }
}

/// Checks the address's form: http(s), a host, no credentials, not too long. Chinese reason on
/// refusal.
///
/// # Errors
/// The reason, for the `url` field.
pub fn parse(raw: &str, reach: Reach) -> Result<Url, &'static str> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Err("请填写接收地址");
    }
    if raw.chars().count() > MAX_URL_CHARS {
        return Err("接收地址不能超过500个字符");
    }
    let url = Url::parse(raw).map_err(|_| "接收地址格式不正确，应以 https:// 开头")?;
    match url.scheme() {
        "https" => {}
        "http" if reach.allow_private => {}
        "http" => return Err("接收地址须使用 https://"),
        _ => return Err("接收地址格式不正确，应以 https:// 开头"),
    }
    if url.host().is_none() {
        return Err("接收地址缺少主机名");
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err("接收地址不能包含用户名或密码，验证请使用签名");
    }
    if url.fragment().is_some() {
        return Err("接收地址不能包含 # 片段");
    }
    Ok(url)
}

/// Checks where the address leads: a literal address directly, a name by resolving it now.
///
/// # Errors
/// The reason, for the `url` field.
pub async fn check_destination(url: &Url, reach: Reach) -> Result<(), &'static str> {
    if reach.allow_private {
        return Ok(());
    }
    match url.host() {
        Some(Host::Ipv4(ip)) => allowed(IpAddr::V4(ip), reach).then_some(()).ok_or(PRIVATE),
        Some(Host::Ipv6(ip)) => allowed(IpAddr::V6(ip), reach).then_some(()).ok_or(PRIVATE),
        Some(Host::Domain(name)) => {
            let port = url.port_or_known_default().unwrap_or(443);
            let found: Vec<SocketAddr> =
                tokio::net::lookup_host((name, port)).await.map_err(|_| "无法解析接收地址的域名")?.collect();
            if found.is_empty() {
                return Err("无法解析接收地址的域名");
            }
            if found.iter().any(|a| !allowed(a.ip(), reach)) {
                return Err(PRIVATE);
            }
            Ok(())
        }
        None => Err("接收地址缺少主机名"),
    }
}

const PRIVATE: &str = "接收地址不能指向本机、内网或保留地址";

/// Whether a request may go to `ip`.
#[must_use]
pub fn allowed(ip: IpAddr, reach: Reach) -> bool {
    reach.allow_private || is_public(ip)
}

/// True for an address on the public internet.
#[must_use]
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(v6),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_private()
        || ip.is_link_local()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        // Shared address space (carrier-grade NAT), 100.64.0.0/10.
        || (a == 100 && (64..128).contains(&b))
        // IETF protocol assignments, 192.0.0.0/24.
        || (a == 192 && b == 0 && c == 0)
        // Benchmarking, 198.18.0.0/15.
        || (a == 198 && (18..20).contains(&b))
        // Reserved, 240.0.0.0/4.
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let first = ip.segments()[0];
    !(ip.is_unspecified()
        || ip.is_loopback()
        || ip.is_multicast()
        // Unique local, fc00::/7.
        || (first & 0xfe00) == 0xfc00
        // Link-local, fe80::/10.
        || (first & 0xffc0) == 0xfe80
        // Documentation, 2001:db8::/32.
        || (first == 0x2001 && ip.segments()[1] == 0x0db8)
        // NAT64 and IPv4-compatible forms could reach IPv4 private ranges.
        || first == 0x0064
        || ip.segments()[..6].iter().all(|s| *s == 0))
}

/// The resolver the sender's HTTP client connects through: a name resolving to a refused
/// address reaches nothing.
#[derive(Debug, Clone, Copy)]
pub struct GuardedResolver(pub Reach);

impl reqwest::dns::Resolve for GuardedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let reach = self.0;
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let kept: Vec<SocketAddr> = found.filter(|a| allowed(a.ip(), reach)).collect();
            if kept.is_empty() {
                return Err("refused: the name resolves only to private or loopback addresses".into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(kept.into_iter());
            Ok(addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_loopback_and_reserved_addresses_are_not_public() {
        for ip in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
        ] {
            assert!(!is_public(ip.parse().unwrap()), "{ip}");
        }
        for ip in ["8.8.8.8", "202.100.64.1", "2400:3200::1"] {
            assert!(is_public(ip.parse().unwrap()), "{ip}");
        }
    }

    #[test]
    fn https_is_required_unless_private_addresses_are_allowed() {
        let strict = Reach::default();
        let open = Reach { allow_private: true };
        assert!(parse("https://hooks.example.cn/in", strict).is_ok());
        assert_eq!(parse("http://hooks.example.cn/in", strict).unwrap_err(), "接收地址须使用 https://");
        assert!(parse("http://127.0.0.1:9000/in", open).is_ok());
        assert!(parse("ftp://example.cn/", open).is_err());
        assert!(parse("https://user:pw@example.cn/", strict).is_err());
        assert!(parse("not a url", strict).is_err());
        assert!(parse(&format!("https://example.cn/{}", "a".repeat(600)), strict).is_err());
    }

    #[tokio::test]
    async fn a_literal_or_named_private_destination_is_refused() {
        let strict = Reach::default();
        for url in ["https://127.0.0.1/", "https://[::1]:8443/", "https://169.254.169.254/latest", "https://localhost/"]
        {
            let url = Url::parse(url).unwrap();
            assert!(check_destination(&url, strict).await.is_err(), "{url}");
            assert!(check_destination(&url, Reach { allow_private: true }).await.is_ok(), "{url}");
        }
    }
}
