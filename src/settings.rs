//! One typed settings struct, filled from flags, then `GONGSHI_*` variables, then defaults.
use ipnet::IpNet;
use std::net::IpAddr;
use std::path::PathBuf;

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/gongshi.db";
pub const DEFAULT_BIND: &str = "127.0.0.1:8080";
/// Evidence kept for one notice's objections, all files together: 2 GiB.
pub const DEFAULT_EVIDENCE_NOTICE_BYTES: u64 = 2 * 1024 * 1024 * 1024;
/// Evidence kept in all: 50 GiB.
pub const DEFAULT_EVIDENCE_TOTAL_BYTES: u64 = 50 * 1024 * 1024 * 1024;

/// How log lines are written to standard error (`--log-format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum LogFormat {
    /// One readable line per event.
    #[default]
    Text,
    /// One JSON object per line, for log collectors.
    Json,
}

#[derive(Debug, Clone)]
#[expect(clippy::struct_excessive_bools, reason = "independent switches, each a command-line flag of its own")]
pub struct Settings {
    /// Address to listen on; port 0 picks a free one (tests).
    pub bind: String,
    pub database_url: String,
    /// Absolute address the public reaches this server at; QR codes and feeds use it.
    pub base_url: String,
    /// Where evidence files are kept (never under `public/`), and the master key file when
    /// `master_key` is not given.
    pub data_dir: PathBuf,
    /// The most evidence bytes stored for one notice's objections; a file that would pass it
    /// is refused before it is stored.
    pub evidence_notice_bytes: u64,
    /// The most evidence bytes stored in all.
    pub evidence_total_bytes: u64,
    /// The master key as base64 (`GONGSHI_MASTER_KEY`); `None` reads `data_dir/master.key`.
    pub master_key: Option<String>,
    /// Load the demo data into an empty database at start.
    pub demo: bool,
    /// Argon2 parameters: production strength unless a test asks for cheap ones.
    pub cheap_password_hashing: bool,
    /// Log each request (off in tests to keep output readable).
    pub request_log: bool,
    /// Threads answering requests (`--workers`); `None`: one per core.
    pub workers: Option<usize>,
    /// Run on a clock that `POST /api/__test__/clock` can move (end-to-end tests only).
    pub test_clock: bool,
    /// Peers whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed (`--trusted-proxy`);
    /// none by default, so the peer is the client and the scheme is the connection's.
    pub trusted_proxies: Vec<IpNet>,
    /// Clients that may read `GET /metrics` (`--metrics-from`); loopback by default.
    pub metrics_from: Vec<IpNet>,
    /// Run the timed jobs (`jobs`) in this process; tests that move the clock by hand turn
    /// them off and call them when they mean to.
    pub run_jobs: bool,
    /// Where mail goes out (`--smtp`); `None` sends nothing, and the pages say so.
    pub mail: Option<MailSettings>,
    /// Webhook endpoints may use http:// and private or loopback addresses
    /// (`--webhooks-allow-private`).
    pub webhooks_allow_private: bool,
    /// How often the webhook sender looks for new ledger entries and due deliveries.
    pub webhook_poll: std::time::Duration,
}

/// The SMTP server mail is handed to, and who it comes from.
#[derive(Clone)]
pub struct MailSettings {
    /// `smtp://host:25` (plain, for a relay on the same host or network), `smtp://host:587?tls=required`
    /// (STARTTLS), or `smtps://host:465` (TLS from the start); user and password may be in it.
    pub smtp_url: String,
    /// `GONGSHI_SMTP_USER` and `GONGSHI_SMTP_PASSWORD`, kept out of the URL and the process list.
    pub user: Option<String>,
    pub password: Option<String>,
    /// A PEM file of the certificate authority a private relay's certificate is signed by,
    /// trusted besides the public roots.
    pub ca_file: Option<PathBuf>,
    /// The From address, with a display name: `甘肃省总工会公示 <gongshi@example.org>`.
    pub from: String,
    /// How long an instance holds a message it is sending before another may take it over
    /// (longer than the SMTP client's own timeouts).
    pub claim: std::time::Duration,
    /// How often the sender looks for due messages when nothing woke it.
    pub poll: std::time::Duration,
}

impl std::fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The URL may carry a password.
        f.debug_struct("MailSettings").field("from", &self.from).finish_non_exhaustive()
    }
}

impl MailSettings {
    #[must_use]
    pub fn new(smtp_url: impl Into<String>, from: impl Into<String>) -> Self {
        Self {
            smtp_url: smtp_url.into(),
            user: None,
            password: None,
            ca_file: None,
            from: from.into(),
            claim: std::time::Duration::from_mins(3),
            poll: std::time::Duration::from_secs(2),
        }
    }
}

impl Settings {
    #[must_use]
    pub fn new(database_url: impl Into<String>) -> Self {
        Self {
            bind: DEFAULT_BIND.to_owned(),
            database_url: database_url.into(),
            base_url: format!("http://{DEFAULT_BIND}"),
            data_dir: PathBuf::from("data"),
            evidence_notice_bytes: DEFAULT_EVIDENCE_NOTICE_BYTES,
            evidence_total_bytes: DEFAULT_EVIDENCE_TOTAL_BYTES,
            master_key: None,
            demo: false,
            cheap_password_hashing: false,
            request_log: true,
            workers: None,
            test_clock: false,
            run_jobs: true,
            trusted_proxies: Vec::new(),
            metrics_from: default_metrics_from(),
            mail: None,
            webhooks_allow_private: false,
            webhook_poll: std::time::Duration::from_secs(2),
        }
    }

    /// Cookies are marked Secure when the public address is HTTPS.
    #[must_use]
    pub fn secure_cookies(&self) -> bool {
        self.base_url.starts_with("https://")
    }

    /// Whether a peer at `ip` is a reverse proxy whose forwarding headers are believed.
    #[must_use]
    pub fn is_trusted_proxy(&self, ip: IpAddr) -> bool {
        in_ranges(&self.trusted_proxies, ip)
    }

    #[must_use]
    pub fn absolute_url(&self, path: &str) -> String {
        format!("{}{}", self.base_url.trim_end_matches('/'), path)
    }
}

/// Who may read `/metrics` unless told otherwise: this host (127.0.0.0/8 and ::1).
pub const DEFAULT_METRICS_FROM: &str = "127.0.0.0/8,::1/128";

#[must_use]
pub fn default_metrics_from() -> Vec<IpNet> {
    DEFAULT_METRICS_FROM.split(',').filter_map(|range| parse_range(range).ok()).collect()
}

/// Whether `ip` lies in one of `ranges`; an IPv4 address written as IPv6 (`::ffff:a.b.c.d`)
/// is matched as the IPv4 address it is.
#[must_use]
pub fn in_ranges(ranges: &[IpNet], ip: IpAddr) -> bool {
    let ip = match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        IpAddr::V4(_) => ip,
    };
    ranges.iter().any(|range| range.contains(&ip))
}

/// Parses an address range for a flag: `10.0.0.0/8`, `::1/128`, or a single address.
///
/// # Errors
/// A Chinese message naming the text that is not a range.
pub fn parse_range(text: &str) -> Result<IpNet, String> {
    let text = text.trim();
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("“{text}”不是有效的地址段（应如 127.0.0.1/32 或 10.0.0.0/8）"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_accept_cidr_and_single_addresses() {
        let ranges = vec![parse_range("127.0.0.1/32").unwrap(), parse_range(" 10.1.2.3 ").unwrap()];
        assert!(in_ranges(&ranges, "127.0.0.1".parse().unwrap()));
        assert!(in_ranges(&ranges, "::ffff:10.1.2.3".parse().unwrap()));
        assert!(!in_ranges(&ranges, "127.0.0.2".parse().unwrap()));
        assert!(parse_range("10.0.0.0/33").is_err());
        assert!(parse_range("localhost").is_err());
    }
}
