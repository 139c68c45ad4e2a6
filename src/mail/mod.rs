//! Mail: what the server tells people by e-mail, and how it gets there without being lost or
//! sent twice.
//!
//! An event that tells someone (an objection moving, …) writes its message into the outbox
//! (`outbox`) in the same transaction as the event itself, so a message exists exactly when the
//! event does. The sender (`sender`) in each instance claims due messages one by one (a
//! conditional UPDATE, so two instances never send the same one), hands them to the SMTP server
//! (`transport`), and records the server's reply; a failure is retried with backoff. Without
//! `--smtp` nothing is written and nothing is sent. Staff read what went out in the delivery log
//! (`mail_log`). Like `audit`, this module sits in the foundation: it knows no HTTP and no
//! business module, so any module can post mail.
pub mod letter;
pub mod outbox;
pub mod sender;
pub mod transport;

use crate::error::AppResult;
use crate::keys::Sealer;
use chrono::{DateTime, Utc};
use sea_orm::ConnectionTrait;
use std::sync::Arc;

pub use letter::Letter;

/// A message to write into the outbox.
#[derive(Debug, Clone)]
pub struct Mail {
    /// What caused it (`objection.accepted`, …): the delivery log groups by it.
    pub kind: &'static str,
    pub to: String,
    pub letter: Letter,
    /// The unit whose staff may read it in the delivery log.
    pub unit_id: Option<i32>,
    pub objection_id: Option<i32>,
    /// A subscription's message: one-click unsubscribe, and suspension on a hard bounce.
    pub list: Option<ListMail>,
}

/// What a message to a subscriber carries besides its words.
#[derive(Debug, Clone)]
pub struct ListMail {
    pub subscription_id: i32,
    /// The absolute HTTPS address that unsubscribes with one POST (RFC 8058).
    pub unsubscribe_url: String,
}

/// Where domain code posts mail: knows whether mail is on, the public address links point to,
/// and how to seal a recipient. Cheap to clone.
#[derive(Clone)]
pub struct Postbox(Arc<Inner>);

struct Inner {
    enabled: bool,
    base_url: String,
    /// The public host, for Message-IDs.
    domain: String,
    sealer: Option<Sealer>,
    wake: tokio::sync::Notify,
}

impl std::fmt::Debug for Postbox {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Postbox").field("enabled", &self.0.enabled).finish_non_exhaustive()
    }
}

impl Postbox {
    /// A postbox that writes messages for the sender to deliver.
    #[must_use]
    pub fn open(base_url: &str, sealer: Sealer) -> Self {
        Self(Arc::new(Inner {
            enabled: true,
            base_url: base_url.trim_end_matches('/').to_owned(),
            domain: host_of(base_url),
            sealer: Some(sealer),
            wake: tokio::sync::Notify::new(),
        }))
    }

    /// A postbox that drops everything: no SMTP server is configured (and the demo's history).
    #[must_use]
    pub fn closed(base_url: &str) -> Self {
        Self(Arc::new(Inner {
            enabled: false,
            base_url: base_url.trim_end_matches('/').to_owned(),
            domain: host_of(base_url),
            sealer: None,
            wake: tokio::sync::Notify::new(),
        }))
    }

    /// Whether mail goes out at all.
    #[must_use]
    pub fn enabled(&self) -> bool {
        self.0.enabled
    }

    /// The absolute address of a page, for a link in a message.
    #[must_use]
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.0.base_url)
    }

    /// Writes `mail` into the outbox in the caller's transaction; nothing when mail is off.
    /// Call [`Postbox::wake`] after the transaction commits to send at once.
    ///
    /// # Errors
    /// Database failure.
    pub async fn post<C: ConnectionTrait>(&self, db: &C, mail: Mail, now: DateTime<Utc>) -> AppResult<()> {
        match &self.0.sealer {
            Some(sealer) if self.0.enabled => outbox::write(db, sealer, &self.0.domain, mail, now).await,
            _ => Ok(()),
        }
    }

    /// The sealer, to open an address stored sealed elsewhere (an objector's identity).
    #[must_use]
    pub fn sealer(&self) -> Option<&Sealer> {
        self.0.sealer.as_ref().filter(|_| self.0.enabled)
    }

    /// Tells this instance's sender that new mail is waiting.
    pub fn wake(&self) {
        self.0.wake.notify_one();
    }

    async fn woken(&self) {
        self.0.wake.notified().await;
    }
}

/// Whether `text` is one e-mail address a message can be sent to (no display name, no second
/// address, no line break).
#[must_use]
pub fn is_address(text: &str) -> bool {
    text.parse::<lettre::Address>().is_ok()
}

fn host_of(base_url: &str) -> String {
    url::Url::parse(base_url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| "localhost".to_owned())
}

#[cfg(test)]
mod tests {
    use super::is_address;

    #[test]
    fn an_address_is_one_plain_address() {
        let long_label = format!("a@{}.cn", "x".repeat(63));
        assert!(!is_address(&format!("a@{}.cn", "x".repeat(64))), "a domain label has at most 63 characters");
        for good in ["a@b.c", "zhang.san@example.cn", "a%b+c-d_e@x-y.z9", "0@0.0", long_label.as_str()] {
            assert!(is_address(good), "{good}");
        }
        for bad in ["", "a@", "@b.c", "a b@c.d", "张三 <a@b.c>", "a@b.c, d@e.f", "a@b.c\r\nBcc: d@e.f", "a..b@c.d"] {
            assert!(!is_address(bad), "{bad}");
        }
    }
}
