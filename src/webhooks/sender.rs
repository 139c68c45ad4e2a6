//! The webhook sender: in every instance, a task that fans new ledger entries out into
//! deliveries, claims the due ones (a conditional UPDATE, so two instances never post the same
//! one at once), posts them, and records each attempt. A failed delivery is tried again after
//! 30 s, 2 min, 10 min, 30 min, 1, 2, 4 and 8 hours, and a last time a day after it was made;
//! then it is given up. An endpoint with no success for a whole day of failures is disabled,
//! and its unit's admins are told by e-mail and on the staff home page.
use super::target::{GuardedResolver, Reach};
use super::{disabled, signing, state};
use crate::clock::SharedClock;
use crate::error::{AppError, AppResult};
use crate::keys::Sealer;
use crate::mail::{Letter, Mail, Postbox};
use chrono::{DateTime, Duration, Utc};
use entity::webhook_deliveries::{self, Column as Col};
use entity::{webhook_attempts, webhook_endpoints};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use std::collections::HashMap;

/// Waits after the 1st, 2nd, … failure; the last repeats until the day is up.
const RETRY_AFTER_SECONDS: [i64; 8] = [30, 120, 600, 1800, 3600, 7200, 14_400, 28_800];

/// How long a delivery is tried, and how long an endpoint may fail before it is disabled.
pub const RETRY_FOR: Duration = Duration::hours(24);

/// A receiver gets this long to answer; longer counts as a failure.
const TIMEOUT: std::time::Duration = std::time::Duration::from_secs(10);

/// How long an instance holds a claimed delivery (longer than [`TIMEOUT`]).
const LEASE: Duration = Duration::minutes(2);

const BATCH: u64 = 32;
const AT_ONCE: usize = 8;

/// When a delivery made at `created_at` that has just failed for the `attempts`-th time is
/// tried next, or `None` when its day is up.
#[must_use]
pub fn next_attempt(created_at: DateTime<Utc>, attempts: i32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let deadline = created_at + RETRY_FOR;
    if now >= deadline {
        return None;
    }
    let index = usize::try_from(Ord::max(attempts, 1) - 1).unwrap_or(0).min(RETRY_AFTER_SECONDS.len() - 1);
    Some(Ord::min(now + Duration::seconds(RETRY_AFTER_SECONDS[index]), deadline))
}

/// The HTTP client deliveries go out through: rustls over ring with the Mozilla roots, no
/// proxy from the environment, no redirects (a 3xx is a failure: the receiver names its
/// address), and the guarded resolver.
///
/// # Errors
/// When the TLS configuration cannot be built.
pub fn client(reach: Reach) -> AppResult<reqwest::Client> {
    let provider = std::sync::Arc::new(rustls::crypto::ring::default_provider());
    let roots = rustls::RootCertStore { roots: webpki_roots::TLS_SERVER_ROOTS.to_vec() };
    let tls = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| AppError::internal(format!("webhook TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth();
    reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .timeout(TIMEOUT)
        .connect_timeout(std::time::Duration::from_secs(5))
        .redirect(reqwest::redirect::Policy::none())
        .no_proxy()
        .dns_resolver(GuardedResolver(reach))
        .user_agent(concat!("gongshi-webhooks/", env!("CARGO_PKG_VERSION")))
        .build()
        .map_err(|e| AppError::internal(format!("webhook client: {e}")))
}

/// What the sender needs.
#[derive(Clone)]
pub struct Sender {
    pub db: DatabaseConnection,
    pub client: reqwest::Client,
    pub sealer: Sealer,
    pub clock: SharedClock,
    pub postbox: Postbox,
    pub reach: Reach,
    pub base_url: String,
    /// How often it looks for new entries and due deliveries.
    pub poll: std::time::Duration,
}

/// How one attempt went.
#[derive(Debug)]
struct Outcome {
    status: Option<u16>,
    error: Option<String>,
    duration_ms: i32,
}

impl Outcome {
    fn succeeded(&self) -> bool {
        self.status.is_some_and(|s| (200..300).contains(&s))
    }
}

impl Sender {
    /// Runs until the process ends.
    pub fn spawn(self) {
        let instance = uuid::Uuid::new_v4().simple().to_string();
        tokio::spawn(async move {
            loop {
                let more = match self.pass(&instance).await {
                    Ok(taken) => taken as u64 == BATCH,
                    Err(e) => {
                        tracing::warn!("webhook sender: {e}");
                        false
                    }
                };
                if !more {
                    tokio::time::sleep(self.poll).await;
                }
            }
        });
    }

    /// Fans out new entries, then posts up to [`BATCH`] due deliveries, [`AT_ONCE`] at a time.
    /// Returns how many it posted.
    ///
    /// # Errors
    /// Database failure.
    pub async fn pass(&self, instance: &str) -> AppResult<usize> {
        use futures_util::StreamExt;
        super::events::fan_out(&self.db, &self.base_url, self.clock.now()).await?;
        let claimed = claim(&self.db, instance, self.clock.now()).await?;
        let taken = claimed.len();
        let ids: Vec<i32> = claimed.iter().map(|d| d.endpoint_id).collect();
        let endpoints: HashMap<i32, webhook_endpoints::Model> = webhook_endpoints::Entity::find()
            .filter(webhook_endpoints::Column::Id.is_in(ids))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|e| (e.id, e))
            .collect();
        let outcomes: Vec<(webhook_deliveries::Model, Outcome)> = futures_util::stream::iter(claimed)
            .map(|d| {
                let endpoint = endpoints.get(&d.endpoint_id);
                async move {
                    let outcome = match endpoint {
                        Some(e) => self.post(e, &d).await,
                        None => Outcome { status: None, error: Some("端点已删除".to_owned()), duration_ms: 0 },
                    };
                    (d, outcome)
                }
            })
            .buffer_unordered(AT_ONCE)
            .collect()
            .await;
        for (delivery, outcome) in outcomes {
            self.record(instance, &delivery, &outcome).await?;
        }
        Ok(taken)
    }

    /// Signs and posts one delivery.
    async fn post(&self, endpoint: &webhook_endpoints::Model, d: &webhook_deliveries::Model) -> Outcome {
        let started = std::time::Instant::now();
        let elapsed = || i32::try_from(started.elapsed().as_millis()).unwrap_or(i32::MAX);
        let secrets = match super::service::signing_secrets(&self.sealer, endpoint, self.clock.now()) {
            Ok(s) => s,
            Err(e) => return Outcome { status: None, error: Some(e.to_string()), duration_ms: 0 },
        };
        if let Err(reason) = literal_address_allowed(&endpoint.url, self.reach) {
            return Outcome { status: None, error: Some(reason.to_owned()), duration_ms: 0 };
        }
        let timestamp = self.clock.now().timestamp();
        let signature = signing::header(&secrets, &d.event_id, timestamp, &d.body);
        let sent = self
            .client
            .post(&endpoint.url)
            .header("content-type", "application/json")
            .header("webhook-id", &d.event_id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", signature)
            .body(d.body.clone())
            .send()
            .await;
        match sent {
            Ok(response) => {
                let status = response.status().as_u16();
                // Only the status counts; the answer's body is neither read nor kept.
                drop(response);
                let error = (!(200..300).contains(&status)).then(|| format!("HTTP {status}"));
                Outcome { status: Some(status), error, duration_ms: elapsed() }
            }
            Err(e) => Outcome { status: None, error: Some(describe_error(&e)), duration_ms: elapsed() },
        }
    }

    /// Records one attempt, the delivery's new state and the endpoint's health, in one
    /// transaction; disables a failing endpoint and tells its unit.
    async fn record(&self, instance: &str, d: &webhook_deliveries::Model, outcome: &Outcome) -> AppResult<()> {
        let now = self.clock.now();
        let txn = crate::db::begin_write(&self.db).await?;
        webhook_attempts::ActiveModel {
            delivery_id: Set(d.id),
            at: Set(now),
            status: Set(outcome.status.map(i32::from)),
            error: Set(outcome.error.clone()),
            duration_ms: Set(outcome.duration_ms),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
        let mut update = webhook_deliveries::Entity::update_many()
            .col_expr(Col::LastStatus, Expr::value(outcome.status.map(i32::from)))
            .col_expr(Col::LastError, Expr::value(outcome.error.clone()))
            .col_expr(Col::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
            .filter(Col::Id.eq(d.id))
            .filter(Col::ClaimedBy.eq(instance));
        update = if outcome.succeeded() {
            update.col_expr(Col::State, Expr::value(state::DELIVERED)).col_expr(Col::DeliveredAt, Expr::value(now))
        } else {
            match next_attempt(d.created_at, d.attempts, now) {
                Some(at) => update
                    .col_expr(Col::State, Expr::value(state::PENDING))
                    .col_expr(Col::NextAttemptAt, Expr::value(at)),
                None => update.col_expr(Col::State, Expr::value(state::FAILED)),
            }
        };
        update.exec(&txn).await?;
        if let Some(endpoint) = webhook_endpoints::Entity::find_by_id(d.endpoint_id).one(&txn).await? {
            self.note_health(&txn, endpoint, outcome.succeeded(), now).await?;
        }
        txn.commit().await?;
        self.postbox.wake();
        Ok(())
    }

    async fn note_health<C: ConnectionTrait>(
        &self,
        db: &C,
        endpoint: webhook_endpoints::Model,
        succeeded: bool,
        now: DateTime<Utc>,
    ) -> AppResult<()> {
        let mut row: webhook_endpoints::ActiveModel = endpoint.clone().into();
        if succeeded {
            row.last_success_at = Set(Some(now));
            row.failing_since = Set(None);
            row.update(db).await?;
            return Ok(());
        }
        let since = endpoint.failing_since.unwrap_or(now);
        row.failing_since = Set(Some(since));
        let give_up = endpoint.enabled && now - since >= RETRY_FOR;
        if give_up {
            row.enabled = Set(false);
            row.disabled_at = Set(Some(now));
            row.disabled_reason = Set(Some(disabled::FAILING.to_owned()));
        }
        row.update(db).await?;
        if give_up {
            tracing::warn!(endpoint = endpoint.id, "webhook endpoint disabled after a day of failures");
            tell_unit(db, &self.postbox, &endpoint, now).await?;
        }
        Ok(())
    }
}

/// A literal address in the URL never goes through the resolver: check it here.
fn literal_address_allowed(url: &str, reach: Reach) -> Result<(), &'static str> {
    let Ok(url) = url::Url::parse(url) else { return Err("接收地址格式不正确") };
    let ip = match url.host() {
        Some(url::Host::Ipv4(ip)) => std::net::IpAddr::V4(ip),
        Some(url::Host::Ipv6(ip)) => std::net::IpAddr::V6(ip),
        _ => return Ok(()),
    };
    if super::target::allowed(ip, reach) {
        Ok(())
    } else {
        Err("接收地址指向本机、内网或保留地址，已拒绝")
    }
}

/// A failure in words for the log: the cause, without the URL (it is on the page already).
fn describe_error(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "超时未响应"
    } else if e.is_connect() {
        "无法连接"
    } else {
        "请求失败"
    };
    let mut cause = String::new();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        cause = s.to_string();
        source = s.source();
    }
    if cause.is_empty() { what.to_owned() } else { format!("{what}：{cause}") }
}

/// Due now: pending and its time has come, or claimed by an instance whose lease ran out; and
/// its endpoint enabled.
fn due(now: DateTime<Utc>, enabled: Vec<i32>) -> Condition {
    Condition::all().add(Col::EndpointId.is_in(enabled)).add(
        Condition::any()
            .add(Condition::all().add(Col::State.eq(state::PENDING)).add(Col::NextAttemptAt.lte(now)))
            .add(Condition::all().add(Col::State.eq(state::SENDING)).add(Col::ClaimedUntil.lt(now))),
    )
}

async fn claim(
    db: &DatabaseConnection,
    instance: &str,
    now: DateTime<Utc>,
) -> AppResult<Vec<webhook_deliveries::Model>> {
    let enabled: Vec<i32> = webhook_endpoints::Entity::find()
        .select_only()
        .column(webhook_endpoints::Column::Id)
        .filter(webhook_endpoints::Column::Enabled.eq(true))
        .into_tuple()
        .all(db)
        .await?;
    if enabled.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i32> = webhook_deliveries::Entity::find()
        .select_only()
        .column(Col::Id)
        .filter(due(now, enabled.clone()))
        .order_by_asc(Col::Id)
        .limit(BATCH)
        .into_tuple()
        .all(db)
        .await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let until = now + LEASE;
    webhook_deliveries::Entity::update_many()
        .col_expr(Col::State, Expr::value(state::SENDING))
        .col_expr(Col::ClaimedBy, Expr::value(instance))
        .col_expr(Col::ClaimedUntil, Expr::value(until))
        .col_expr(Col::Attempts, Expr::col(Col::Attempts).add(1))
        .filter(Col::Id.is_in(ids.clone()))
        .filter(due(now, enabled))
        .exec(db)
        .await?;
    Ok(webhook_deliveries::Entity::find()
        .filter(Col::Id.is_in(ids))
        .filter(Col::State.eq(state::SENDING))
        .filter(Col::ClaimedBy.eq(instance))
        .filter(Col::ClaimedUntil.eq(until))
        .order_by_asc(Col::Id)
        .all(db)
        .await?)
}

/// Tells the unit's admins that an endpoint was disabled (the staff home page shows it too).
async fn tell_unit<C: ConnectionTrait>(
    db: &C,
    postbox: &Postbox,
    endpoint: &webhook_endpoints::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    use crate::accounts::notifications::{Topic, addresses};
    for to in addresses(db, endpoint.unit_id, Topic::Webhooks).await? {
        let letter = Letter {
            subject: format!("Webhook 端点已停用：{}", endpoint.description),
            paragraphs: vec![format!(
                "本单位登记的 Webhook 端点“{}”连续一天投递失败，已自动停用，此后的事件不再向它投递。请检查接收方后在端点页面重新启用，并可重放失败的投递。",
                endpoint.description
            )],
            facts: vec![
                ("接收地址".to_owned(), endpoint.url.clone()),
                ("停用时间".to_owned(), crate::china_time::datetime_zh(now)),
            ],
            link: Some(("查看端点与投递记录".to_owned(), postbox.link(&format!("/admin/webhooks/{}", endpoint.id)))),
            footer: vec![format!(
                "您在“我的账号”中选择了用电子邮件接收本单位事务通知，可随时更改：{}",
                postbox.link("/admin/account#notifications")
            )],
            ..Letter::default()
        };
        let mail = Mail {
            kind: "unit.webhook_disabled",
            to,
            letter,
            unit_id: Some(endpoint.unit_id),
            objection_id: None,
            list: None,
        };
        postbox.post(db, mail, now).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_and_end_exactly_a_day_after_the_delivery_was_made() {
        let made = DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let mut now = made;
        let mut waits = Vec::new();
        let mut attempts = 1;
        while let Some(next) = next_attempt(made, attempts, now) {
            waits.push((next - now).num_seconds());
            now = next;
            attempts += 1;
        }
        assert_eq!(now, made + RETRY_FOR, "the last attempt is at the end of the day");
        assert_eq!(&waits[..8], &RETRY_AFTER_SECONDS);
        assert_eq!(attempts, 11, "the first attempt, nine retries and the last at the day's end, then given up");
        assert_eq!(next_attempt(made, 1, made + RETRY_FOR - Duration::seconds(10)), Some(made + RETRY_FOR));
    }
}
