//! Registering, changing, rotating and deleting endpoints; the delivery log; replays. A unit's
//! admins manage their unit's endpoints, the province's admins every unit's (as they read
//! every unit's audit log). Each change goes into the audit log. The secret is shown once,
//! when made or rotated, and kept sealed under the master key.
use super::events::new_delivery;
use super::target::{self, Reach};
use super::{EventType, disabled, signing, state};
use crate::access::{Action, Actor, policy};
use crate::audit;
use crate::china_time::datetime_zh;
use crate::error::{AppError, AppResult, FieldError};
use crate::keys::Sealer;
use chrono::{DateTime, Duration, Utc};
use entity::{units, webhook_attempts, webhook_deliveries, webhook_endpoints};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Endpoints one unit may have.
pub const MAX_PER_UNIT: u64 = 10;
const MAX_DESCRIPTION_CHARS: usize = 60;
pub const PAGE_SIZE: u64 = 50;
/// How long the secret before a rotation still signs beside the new one.
pub const ROTATION_OVERLAP: Duration = Duration::hours(24);

/// What a form or the API sends to register or change an endpoint.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EndpointInput {
    /// The receiver: https:// (http:// and private addresses only where the server allows them).
    #[schema(max_length = 500, example = "https://hooks.example.cn/gongshi")]
    pub url: String,
    /// What it is for, 1–60 characters.
    #[schema(min_length = 1, max_length = 60, example = "市总工会数据同步")]
    pub description: String,
    /// Event type codes; at least one.
    #[schema(min_items = 1, value_type = Vec<EventType>)]
    pub event_types: Vec<String>,
    /// On a change: whether it receives events. Absent: unchanged (on when registered).
    #[serde(default)]
    pub enabled: Option<bool>,
}

impl EndpointInput {
    /// From a form's pairs: `url`, `description`, `enabled`, and one `event_types` per ticked box.
    #[must_use]
    pub fn from_pairs(pairs: &[(String, String)]) -> Self {
        let mut input = Self::default();
        for (name, value) in pairs {
            match name.as_str() {
                "url" => input.url.clone_from(value),
                "description" => input.description.clone_from(value),
                "event_types" => input.event_types.push(value.clone()),
                "enabled" => input.enabled = Some(!value.is_empty() && value != "false"),
                _ => {}
            }
        }
        input
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TypeView {
    pub code: &'static str,
    pub label: &'static str,
}

impl From<EventType> for TypeView {
    fn from(t: EventType) -> Self {
        Self { code: t.code(), label: t.label() }
    }
}

/// Every event type, for the form and the API.
#[must_use]
pub fn all_types() -> Vec<TypeView> {
    EventType::ALL.into_iter().map(TypeView::from).collect()
}

/// An endpoint as staff see it (never its secret).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EndpointView {
    pub id: i32,
    pub unit_id: i32,
    pub unit_name: String,
    pub url: String,
    pub description: String,
    pub event_types: Vec<TypeView>,
    pub enabled: bool,
    /// `manual` or `failing` when off.
    pub disabled_reason: Option<String>,
    /// Why it is off, in words.
    pub disabled_note: Option<String>,
    pub disabled_at: Option<DateTime<Utc>>,
    pub disabled_at_zh: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_at_zh: String,
    pub last_success_at: Option<DateTime<Utc>>,
    pub last_success_at_zh: Option<String>,
    /// Failing since then, with no success.
    pub failing_since_zh: Option<String>,
}

/// A new endpoint, or a rotated one, with its secret: shown this once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WithSecret {
    pub endpoint: EndpointView,
    /// `whsec_…`: the HMAC key is the base64 after the prefix (docs/WEBHOOKS.md).
    pub secret: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AttemptView {
    pub at: DateTime<Utc>,
    pub at_zh: String,
    /// The receiver's HTTP status; none when it could not be reached.
    pub status: Option<i32>,
    pub error: Option<String>,
    pub duration_ms: i32,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DeliveryView {
    pub id: i32,
    pub endpoint_id: i32,
    /// The `webhook-id` header.
    pub event_id: String,
    pub event_type: String,
    pub event_label: &'static str,
    pub ledger_seq: i64,
    /// 0 for the first delivery, 1, 2, … for replays.
    pub round: i32,
    pub state: String,
    pub state_label: &'static str,
    pub attempts: i32,
    pub last_status: Option<i32>,
    pub last_error: Option<String>,
    pub created_at: DateTime<Utc>,
    pub created_at_zh: String,
    pub delivered_at_zh: Option<String>,
    /// When a delivery waiting after a failure is tried again.
    pub next_attempt_at_zh: Option<String>,
    /// Every attempt, newest first.
    pub log: Vec<AttemptView>,
}

/// An endpoint and a page of its deliveries, newest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct EndpointDetail {
    pub endpoint: EndpointView,
    pub deliveries: Vec<DeliveryView>,
    pub page: u64,
    pub pages: u64,
    pub total: u64,
}

fn place(id: i32) -> String {
    format!("webhook_endpoints.secret#{id}")
}

fn previous_place(id: i32) -> String {
    format!("webhook_endpoints.previous_secret#{id}")
}

/// The secrets that sign a message now: the current one, and the one before a rotation for a
/// day after it.
///
/// # Errors
/// `Internal` when a secret cannot be opened (another master key).
pub fn signing_secrets(sealer: &Sealer, e: &webhook_endpoints::Model, now: DateTime<Utc>) -> AppResult<Vec<String>> {
    let open = |place: String, sealed: &str| {
        sealer.open_text(&place, sealed).map_err(|err| AppError::internal(format!("webhook secret: {err}")))
    };
    let mut secrets = vec![open(place(e.id), &e.secret_sealed)?];
    if let (Some(previous), Some(until)) = (&e.previous_secret_sealed, e.previous_until)
        && until > now
    {
        secrets.push(open(previous_place(e.id), previous)?);
    }
    Ok(secrets)
}

fn view(e: webhook_endpoints::Model, unit_name: String) -> EndpointView {
    let disabled_note = (!e.enabled).then(|| match e.disabled_reason.as_deref() {
        Some(disabled::FAILING) => "连续一天投递失败，已自动停用".to_owned(),
        _ => "已停用".to_owned(),
    });
    EndpointView {
        id: e.id,
        unit_id: e.unit_id,
        unit_name,
        url: e.url,
        description: e.description,
        event_types: super::split_types(&e.event_types).into_iter().map(TypeView::from).collect(),
        enabled: e.enabled,
        disabled_reason: if e.enabled { None } else { e.disabled_reason },
        disabled_note,
        disabled_at_zh: e.disabled_at.map(datetime_zh),
        disabled_at: e.disabled_at,
        created_at_zh: datetime_zh(e.created_at),
        created_at: e.created_at,
        last_success_at_zh: e.last_success_at.map(datetime_zh),
        last_success_at: e.last_success_at,
        failing_since_zh: e.failing_since.map(datetime_zh),
    }
}

async fn unit_names<C: ConnectionTrait>(db: &C, ids: Vec<i32>) -> AppResult<HashMap<i32, String>> {
    Ok(units::Entity::find()
        .filter(units::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|u| (u.id, u.name))
        .collect())
}

async fn view_one<C: ConnectionTrait>(db: &C, e: webhook_endpoints::Model) -> AppResult<EndpointView> {
    let name = unit_names(db, vec![e.unit_id]).await?.remove(&e.unit_id).unwrap_or_default();
    Ok(view(e, name))
}

/// Loads an endpoint the actor may manage; one they may not see answers as missing.
async fn find<C: ConnectionTrait>(db: &C, actor: &Actor, id: i32) -> AppResult<webhook_endpoints::Model> {
    let endpoint = webhook_endpoints::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    policy::require(db, actor, Action::ManageWebhooks, endpoint.unit_id).await?;
    Ok(endpoint)
}

/// The endpoints the actor manages: their unit's, or for the province's admins every unit's.
///
/// # Errors
/// `Forbidden` for roles other than admin; database failure.
pub async fn list(db: &DatabaseConnection, actor: &Actor) -> AppResult<Vec<EndpointView>> {
    policy::require_role(actor, Action::ManageWebhooks)?;
    let scope = policy::scope(db, actor, Action::ManageWebhooks).await?;
    let rows = webhook_endpoints::Entity::find()
        .filter(scope.condition(webhook_endpoints::Column::UnitId))
        .order_by_asc(webhook_endpoints::Column::UnitId)
        .order_by_asc(webhook_endpoints::Column::Id)
        .all(db)
        .await?;
    let names = unit_names(db, rows.iter().map(|e| e.unit_id).collect()).await?;
    Ok(rows
        .into_iter()
        .map(|e| {
            let name = names.get(&e.unit_id).cloned().unwrap_or_default();
            view(e, name)
        })
        .collect())
}

/// The unit's endpoints disabled for failing, for its staff home page.
///
/// # Errors
/// Database failure.
pub async fn failed_of_unit<C: ConnectionTrait>(db: &C, unit_id: i32) -> AppResult<Vec<EndpointView>> {
    let rows = webhook_endpoints::Entity::find()
        .filter(webhook_endpoints::Column::UnitId.eq(unit_id))
        .filter(webhook_endpoints::Column::Enabled.eq(false))
        .filter(webhook_endpoints::Column::DisabledReason.eq(disabled::FAILING))
        .all(db)
        .await?;
    Ok(rows.into_iter().map(|e| view(e, String::new())).collect())
}

struct Checked {
    url: String,
    description: String,
    types: Vec<EventType>,
}

/// Checks every field and says what is wrong with each, in Chinese.
async fn check(input: &EndpointInput, reach: Reach) -> AppResult<Checked> {
    let mut errors = Vec::new();
    let url = match target::parse(&input.url, reach) {
        Ok(url) => match target::check_destination(&url, reach).await {
            Ok(()) => Some(url),
            Err(reason) => {
                errors.push(FieldError::new("url", reason));
                None
            }
        },
        Err(reason) => {
            errors.push(FieldError::new("url", reason));
            None
        }
    };
    let description = input.description.trim();
    if description.is_empty()
        || description.chars().count() > MAX_DESCRIPTION_CHARS
        || description.chars().any(char::is_control)
    {
        errors.push(FieldError::new("description", "用途须为1至60个字符，不含换行"));
    }
    let mut types = Vec::new();
    for code in &input.event_types {
        match EventType::from_code(code) {
            Some(t) if !types.contains(&t) => types.push(t),
            Some(_) => {}
            None => errors.push(FieldError::new(
                "event_types",
                format!("没有这种事件类型：{}", code.chars().take(40).collect::<String>()),
            )),
        }
    }
    if input.event_types.is_empty() {
        errors.push(FieldError::new("event_types", "请至少选择一种事件"));
    }
    match url {
        Some(url) if errors.is_empty() => {
            types.sort_by_key(|t| EventType::ALL.iter().position(|a| a == t));
            Ok(Checked { url: url.to_string(), description: description.to_owned(), types })
        }
        _ => Err(AppError::Validation(errors)),
    }
}

/// Registers an endpoint of the actor's unit; it hears of ledger entries from now on.
///
/// # Errors
/// `Forbidden` for non-admins; `Validation` for bad fields or too many endpoints; database
/// failure.
pub async fn create(
    db: &DatabaseConnection,
    actor: &Actor,
    input: &EndpointInput,
    reach: Reach,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> AppResult<WithSecret> {
    policy::require(db, actor, Action::ManageWebhooks, actor.unit_id).await?;
    let checked = check(input, reach).await?;
    let txn = crate::db::begin_write(db).await?;
    let count = webhook_endpoints::Entity::find()
        .filter(webhook_endpoints::Column::UnitId.eq(actor.unit_id))
        .count(&txn)
        .await?;
    if count >= MAX_PER_UNIT {
        return Err(AppError::invalid("url", format!("每个单位最多登记{MAX_PER_UNIT}个端点，请先删除不用的")));
    }
    let head = crate::ledger::head(&txn).await?.count;
    let row = webhook_endpoints::ActiveModel {
        unit_id: Set(actor.unit_id),
        url: Set(checked.url),
        description: Set(checked.description),
        event_types: Set(super::join_types(&checked.types)),
        secret_sealed: Set(String::new()),
        previous_secret_sealed: Set(None),
        previous_until: Set(None),
        enabled: Set(true),
        disabled_at: Set(None),
        disabled_reason: Set(None),
        from_seq: Set(head),
        failing_since: Set(None),
        last_success_at: Set(None),
        created_by: Set(Some(actor.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let secret = signing::new_secret();
    let mut with_secret: webhook_endpoints::ActiveModel = row.into();
    with_secret.secret_sealed = Set(sealer.seal_text(&place(*with_secret.id.as_ref()), &secret));
    let row = with_secret.update(&txn).await?;
    let entry = audit::AuditEntry {
        detail: Some(format!("{}（{}）", row.description, row.url)),
        ..actor.audit("webhook.create", "webhook_endpoint", Some(row.id.to_string()))
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(WithSecret { endpoint: view_one(db, row).await?, secret })
}

/// Changes an endpoint's address, purpose, events, and whether it is on. Turning it back on
/// clears the failure record; events while it was off were not queued for it.
///
/// # Errors
/// `NotFound`/`Forbidden` as the access rules say; `Validation`; database failure.
pub async fn update(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    input: &EndpointInput,
    reach: Reach,
    now: DateTime<Utc>,
) -> AppResult<EndpointView> {
    let endpoint = find(db, actor, id).await?;
    let checked = check(input, reach).await?;
    let txn = crate::db::begin_write(db).await?;
    let was_enabled = endpoint.enabled;
    let mut row: webhook_endpoints::ActiveModel = endpoint.into();
    row.url = Set(checked.url);
    row.description = Set(checked.description);
    row.event_types = Set(super::join_types(&checked.types));
    row.updated_at = Set(now);
    match input.enabled {
        Some(true) if !was_enabled => {
            row.enabled = Set(true);
            row.disabled_at = Set(None);
            row.disabled_reason = Set(None);
            row.failing_since = Set(None);
            // Hears of entries from now on, not of those while it was off.
            row.from_seq = Set(crate::ledger::head(&txn).await?.count);
        }
        Some(false) if was_enabled => {
            row.enabled = Set(false);
            row.disabled_at = Set(Some(now));
            row.disabled_reason = Set(Some(disabled::MANUAL.to_owned()));
        }
        _ => {}
    }
    let row = row.update(&txn).await?;
    let entry = audit::AuditEntry {
        detail: Some(format!("{}（{}）{}", row.description, row.url, if row.enabled { "启用" } else { "停用" })),
        ..actor.audit("webhook.update", "webhook_endpoint", Some(row.id.to_string()))
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    view_one(db, row).await
}

/// A new secret; the old one still signs beside it for [`ROTATION_OVERLAP`], so the receiver
/// can switch without losing a delivery.
///
/// # Errors
/// `NotFound`/`Forbidden`; database failure.
pub async fn rotate(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    sealer: &Sealer,
    now: DateTime<Utc>,
) -> AppResult<WithSecret> {
    let endpoint = find(db, actor, id).await?;
    let current = sealer
        .open_text(&place(id), &endpoint.secret_sealed)
        .map_err(|e| AppError::internal(format!("webhook secret: {e}")))?;
    let secret = signing::new_secret();
    let txn = crate::db::begin_write(db).await?;
    let mut row: webhook_endpoints::ActiveModel = endpoint.into();
    row.previous_secret_sealed = Set(Some(sealer.seal_text(&previous_place(id), &current)));
    row.previous_until = Set(Some(now + ROTATION_OVERLAP));
    row.secret_sealed = Set(sealer.seal_text(&place(id), &secret));
    row.updated_at = Set(now);
    let row = row.update(&txn).await?;
    audit::record(&txn, actor.audit("webhook.rotate_secret", "webhook_endpoint", Some(id.to_string())), now).await?;
    txn.commit().await?;
    Ok(WithSecret { endpoint: view_one(db, row).await?, secret })
}

/// Deletes an endpoint with its delivery log.
///
/// # Errors
/// `NotFound`/`Forbidden`; database failure.
pub async fn delete(db: &DatabaseConnection, actor: &Actor, id: i32, now: DateTime<Utc>) -> AppResult<EndpointView> {
    let endpoint = find(db, actor, id).await?;
    let txn = crate::db::begin_write(db).await?;
    let deliveries: Vec<i32> = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::EndpointId.eq(id))
        .all(&txn)
        .await?
        .into_iter()
        .map(|d| d.id)
        .collect();
    for chunk in deliveries.chunks(500) {
        webhook_attempts::Entity::delete_many()
            .filter(webhook_attempts::Column::DeliveryId.is_in(chunk.to_vec()))
            .exec(&txn)
            .await?;
    }
    webhook_deliveries::Entity::delete_many().filter(webhook_deliveries::Column::EndpointId.eq(id)).exec(&txn).await?;
    webhook_endpoints::Entity::delete_by_id(id).exec(&txn).await?;
    let entry = audit::AuditEntry {
        detail: Some(format!("{}（{}）", endpoint.description, endpoint.url)),
        ..actor.audit("webhook.delete", "webhook_endpoint", Some(id.to_string()))
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    view_one(db, endpoint).await
}

/// An endpoint with a page of its deliveries and each one's attempts.
///
/// # Errors
/// `NotFound`/`Forbidden`; `Validation` for a page below 1; database failure.
pub async fn detail(db: &DatabaseConnection, actor: &Actor, id: i32, page: Option<i32>) -> AppResult<EndpointDetail> {
    let wanted = u64::try_from(page.unwrap_or(1)).ok().filter(|p| *p >= 1);
    let wanted = wanted.ok_or_else(|| AppError::invalid("page", "页码从1开始"))?;
    let endpoint = find(db, actor, id).await?;
    let paginator = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::EndpointId.eq(id))
        .order_by_desc(webhook_deliveries::Column::Id)
        .paginate(db, PAGE_SIZE);
    let totals = paginator.num_items_and_pages().await?;
    let page = wanted.min(totals.number_of_pages.max(1));
    let rows = paginator.fetch_page(page - 1).await?;
    let mut logs: HashMap<i32, Vec<AttemptView>> = HashMap::new();
    let attempts = webhook_attempts::Entity::find()
        .filter(webhook_attempts::Column::DeliveryId.is_in(rows.iter().map(|d| d.id).collect::<Vec<_>>()))
        .order_by_desc(webhook_attempts::Column::Id)
        .all(db)
        .await?;
    for a in attempts {
        logs.entry(a.delivery_id).or_default().push(AttemptView {
            at_zh: datetime_zh(a.at),
            at: a.at,
            status: a.status,
            error: a.error,
            duration_ms: a.duration_ms,
        });
    }
    let deliveries = rows
        .into_iter()
        .map(|d| {
            let log = logs.remove(&d.id).unwrap_or_default();
            delivery_view(d, log)
        })
        .collect();
    Ok(EndpointDetail {
        endpoint: view_one(db, endpoint).await?,
        deliveries,
        page,
        pages: totals.number_of_pages.max(1),
        total: totals.number_of_items,
    })
}

fn delivery_view(d: webhook_deliveries::Model, log: Vec<AttemptView>) -> DeliveryView {
    DeliveryView {
        id: d.id,
        endpoint_id: d.endpoint_id,
        event_label: EventType::from_code(&d.event_type).map_or("其他", EventType::label),
        event_id: d.event_id,
        event_type: d.event_type,
        ledger_seq: d.ledger_seq,
        round: d.round,
        state_label: state::label(&d.state),
        next_attempt_at_zh: (d.state == state::PENDING && d.attempts > 0).then(|| datetime_zh(d.next_attempt_at)),
        state: d.state,
        attempts: d.attempts,
        last_status: d.last_status,
        last_error: d.last_error,
        created_at_zh: datetime_zh(d.created_at),
        created_at: d.created_at,
        delivered_at_zh: d.delivered_at.map(datetime_zh),
        log,
    }
}

/// Sends a delivery again, as a new delivery of the same body and `webhook-id` (a receiver that
/// already has it can drop it), signed afresh and due at once.
///
/// # Errors
/// `NotFound`/`Forbidden`; `Conflict` while the endpoint is off; database failure.
pub async fn replay(
    db: &DatabaseConnection,
    actor: &Actor,
    delivery_id: i32,
    now: DateTime<Utc>,
) -> AppResult<DeliveryView> {
    let original = webhook_deliveries::Entity::find_by_id(delivery_id).one(db).await?.ok_or(AppError::NotFound)?;
    let endpoint = find(db, actor, original.endpoint_id).await?;
    if !endpoint.enabled {
        return Err(AppError::conflict("端点已停用，请先启用再重放"));
    }
    let event_type = EventType::from_code(&original.event_type)
        .ok_or_else(|| AppError::unknown_stored("webhook event type", &original.event_type))?;
    let txn = crate::db::begin_write(db).await?;
    let last_round = webhook_deliveries::Entity::find()
        .filter(webhook_deliveries::Column::EndpointId.eq(endpoint.id))
        .filter(webhook_deliveries::Column::LedgerSeq.eq(original.ledger_seq))
        .order_by_desc(webhook_deliveries::Column::Round)
        .one(&txn)
        .await?
        .map_or(0, |d| d.round);
    let row = new_delivery(
        endpoint.id,
        original.ledger_seq,
        last_round + 1,
        event_type,
        original.body.clone(),
        now,
        Some(actor.user_id),
    )
    .insert(&txn)
    .await?;
    let entry = audit::AuditEntry {
        detail: Some(format!("重放 {}（{}）至 {}", original.event_id, original.event_type, endpoint.url)),
        ..actor.audit("webhook.replay", "webhook_delivery", Some(row.id.to_string()))
    };
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(delivery_view(row, Vec::new()))
}

/// Seals every endpoint's secrets under `new` instead of `old` (key rotation); returns how many.
///
/// # Errors
/// A secret `old` cannot open; database failure.
pub async fn reseal<C: ConnectionTrait>(db: &C, old: &Sealer, new: &Sealer) -> AppResult<usize> {
    let rows = webhook_endpoints::Entity::find().all(db).await?;
    let open = |place: String, sealed: &str| {
        old.open_text(&place, sealed).map_err(|e| AppError::internal(format!("webhook secret: {e}")))
    };
    for row in &rows {
        let secret = open(place(row.id), &row.secret_sealed)?;
        let mut active: webhook_endpoints::ActiveModel = row.clone().into();
        active.secret_sealed = Set(new.seal_text(&place(row.id), &secret));
        if let Some(previous) = &row.previous_secret_sealed {
            let previous = open(previous_place(row.id), previous)?;
            active.previous_secret_sealed = Set(Some(new.seal_text(&previous_place(row.id), &previous)));
        }
        active.update(db).await?;
    }
    Ok(rows.len())
}
