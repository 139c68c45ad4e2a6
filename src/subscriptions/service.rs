//! Asking for, confirming, changing and ending subscriptions; suspending addresses that bounce
//! or complain; erasing what ended; the counts staff see.
//!
//! An answer to "subscribe" never depends on what the address already has: the page and the API
//! say the same whether the address is new, waiting, subscribed or held back by its limit.
use super::contact::{self, address_digest, token_hash};
use super::letters::{self, Reader};
use super::{Frequency, ScopeKind, state};
use crate::access::Actor;
use crate::error::{AppError, AppResult, FieldError};
use crate::mail::{Postbox, is_address};
use crate::notices::Level;
use chrono::{DateTime, Duration, Utc};
use entity::{campaigns, subscriptions, units};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    QuerySelect,
};
use serde::{Deserialize, Serialize};

/// How long an unsubscribed address is kept (so the subscriber can change their mind) before
/// it is erased.
pub const GRACE: Duration = Duration::days(30);
/// How long an unconfirmed request is kept.
pub const UNCONFIRMED_KEPT: Duration = Duration::days(7);
/// How long a suspended (bounced) subscription is kept for its subscriber to resume.
pub const SUSPENDED_KEPT: Duration = Duration::days(90);

/// What a reader asks for, as typed (form or API).
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = SubscriptionRequest)]
pub struct Ask {
    /// The address to write to: one plain address, no display name.
    #[serde(default)]
    #[schema(
        max_length = 254,
        pattern = r"^[A-Za-z0-9_%+-]{1,30}(\.[A-Za-z0-9_%+-]{1,15}){0,2}@[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?){1,2}$"
    )]
    pub email: String,
    /// `unit` | `unit_tree` | `level` | `campaign` | `all` | `closing`
    #[serde(default)]
    #[schema(pattern = "^(unit|unit_tree|level|campaign|all|closing)$")]
    pub scope: String,
    /// The unit's code, for `unit` and `unit_tree`.
    #[serde(default)]
    pub unit: Option<String>,
    /// 1 (申报单位公示), 2 (推荐单位公示) or 3 (省总工会公示), for `level`.
    #[serde(default)]
    #[schema(value_type = Option<String>, pattern = "^[123]$")]
    pub level: Option<String>,
    /// The campaign's code, for `campaign`.
    #[serde(default)]
    pub campaign: Option<String>,
    /// `immediate` | `daily` | `weekly`; `closing` takes only `immediate`.
    #[serde(default)]
    #[schema(pattern = "^(immediate|daily|weekly)$")]
    pub frequency: String,
}

/// What a subscription follows, with the ids it is stored under.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chosen {
    pub scope: ScopeKind,
    pub unit_id: Option<i32>,
    pub level: Option<i32>,
    pub campaign_id: Option<i32>,
    pub frequency: Frequency,
}

fn blank(value: Option<&String>) -> Option<&str> {
    value.map(|v| v.trim()).filter(|v| !v.is_empty())
}

/// Checks what was asked for against the units and campaigns there are.
///
/// # Errors
/// `Validation` naming each wrong field in Chinese; database failure.
pub async fn check<C: ConnectionTrait>(db: &C, ask: &Ask) -> AppResult<Chosen> {
    let mut errors = Vec::new();
    if !is_address(ask.email.trim()) {
        errors.push(FieldError::new("email", "电子邮箱格式不正确"));
    }
    let scope = ScopeKind::from_code(ask.scope.trim());
    if scope.is_none() {
        errors.push(FieldError::new("scope", "请选择订阅范围"));
    }
    let frequency = Frequency::from_code(ask.frequency.trim());
    if frequency.is_none() {
        errors.push(FieldError::new("frequency", "请选择发送频率"));
    }
    let (mut unit_id, mut level, mut campaign_id) = (None, None, None);
    match scope {
        Some(ScopeKind::Unit | ScopeKind::UnitTree) => match blank(ask.unit.as_ref()) {
            None => errors.push(FieldError::new("unit", "请选择单位")),
            Some(code) => {
                let unit = units::Entity::find().filter(units::Column::Code.eq(code)).one(db).await?;
                match unit {
                    Some(u) => unit_id = Some(u.id),
                    None => errors.push(FieldError::new("unit", "没有这个单位")),
                }
            }
        },
        Some(ScopeKind::Level) => {
            level =
                blank(ask.level.as_ref()).and_then(|l| l.parse().ok()).and_then(Level::from_number).map(Level::number);
            if level.is_none() {
                errors.push(FieldError::new("level", "请选择公示层级"));
            }
        }
        Some(ScopeKind::Campaign) => match blank(ask.campaign.as_ref()) {
            None => errors.push(FieldError::new("campaign", "请选择征集活动")),
            Some(code) => {
                let found = campaigns::Entity::find().filter(campaigns::Column::Code.eq(code)).one(db).await?;
                match found {
                    Some(c) => campaign_id = Some(c.id),
                    None => errors.push(FieldError::new("campaign", "没有这个征集活动")),
                }
            }
        },
        Some(ScopeKind::Closing) if frequency.is_some_and(|f| f != Frequency::Immediate) => {
            errors.push(FieldError::new("frequency", "“24小时内截止”的提醒只能有动态即发送"));
        }
        _ => {}
    }
    match (scope, frequency) {
        (Some(scope), Some(frequency)) if errors.is_empty() => {
            Ok(Chosen { scope, unit_id, level, campaign_id, frequency })
        }
        _ => Err(AppError::Validation(errors)),
    }
}

/// Handles a checked request: a new subscription waits for confirmation and its address gets
/// the confirmation; a waiting one gets its confirmation again; a confirmed address asking for
/// what it has gets the way back to its page. With `may_mail` false (the address is over its
/// limit) nothing is written or sent. The caller answers the same in every case.
///
/// # Errors
/// Mail is off; database failure.
pub async fn ask(
    db: &DatabaseConnection,
    postbox: &Postbox,
    server_key: &[u8],
    address: &str,
    chosen: Chosen,
    may_mail: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(sealer) = postbox.sealer() else { return Err(mail_off()) };
    if !may_mail {
        return Ok(());
    }
    let digest = address_digest(server_key, address);
    let txn = crate::db::begin_write(db).await?;
    let same = same_scope(&txn, &digest, chosen).await?;
    let scope_text = describe(&txn, chosen).await?;
    let existing =
        same.iter().find(|s| s.state == state::ACTIVE).or_else(|| same.iter().find(|s| s.state == state::PENDING));
    match existing {
        Some(sub) => {
            let envelope =
                sub.contact_sealed.as_deref().ok_or_else(|| AppError::internal("live subscription without contact"))?;
            let contact = contact::open(sealer, &sub.token_hash, envelope)?;
            let frequency = Frequency::stored(&sub.frequency)?;
            let reader =
                Reader { subscription_id: sub.id, address, token: &contact.token, scope: &scope_text, frequency };
            let mail = if sub.state == state::ACTIVE {
                letters::already_subscribed(postbox, &reader)
            } else {
                letters::confirmation(postbox, &Reader { frequency: chosen.frequency, ..reader })
            };
            if sub.state == state::PENDING && sub.frequency != chosen.frequency.code() {
                let mut row: subscriptions::ActiveModel = sub.clone().into();
                row.frequency = Set(chosen.frequency.code().to_owned());
                row.update(&txn).await?;
            }
            postbox.post(&txn, mail, now).await?;
        }
        None => {
            let token = contact::new_token();
            let hash = token_hash(&token);
            let row = subscriptions::ActiveModel {
                contact_sealed: Set(Some(contact::seal(sealer, &hash, &token, address))),
                token_hash: Set(hash),
                address_digest: Set(Some(digest)),
                state: Set(state::PENDING.to_owned()),
                scope: Set(chosen.scope.code().to_owned()),
                unit_id: Set(chosen.unit_id),
                level: Set(chosen.level),
                campaign_id: Set(chosen.campaign_id),
                frequency: Set(chosen.frequency.code().to_owned()),
                created_at: Set(now),
                ..Default::default()
            }
            .insert(&txn)
            .await?;
            let reader = Reader {
                subscription_id: row.id,
                address,
                token: &token,
                scope: &scope_text,
                frequency: chosen.frequency,
            };
            postbox.post(&txn, letters::confirmation(postbox, &reader), now).await?;
        }
    }
    txn.commit().await?;
    postbox.wake();
    Ok(())
}

fn mail_off() -> AppError {
    AppError::conflict("本站未开通邮件通知，暂不能订阅；可以订阅 RSS/Atom 或日历")
}

async fn same_scope<C: ConnectionTrait>(db: &C, digest: &str, c: Chosen) -> AppResult<Vec<subscriptions::Model>> {
    let opt = |col: subscriptions::Column, v: Option<i32>| v.map_or(col.is_null(), |v| col.eq(v));
    Ok(subscriptions::Entity::find()
        .filter(subscriptions::Column::AddressDigest.eq(digest))
        .filter(subscriptions::Column::Scope.eq(c.scope.code()))
        .filter(opt(subscriptions::Column::UnitId, c.unit_id))
        .filter(opt(subscriptions::Column::Level, c.level))
        .filter(opt(subscriptions::Column::CampaignId, c.campaign_id))
        .filter(subscriptions::Column::State.is_in([state::PENDING, state::ACTIVE]))
        .all(db)
        .await?)
}

/// "国网武威供电公司及下级单位的公示", "全部公示", …
///
/// # Errors
/// Database failure.
pub async fn describe<C: ConnectionTrait>(db: &C, c: Chosen) -> AppResult<String> {
    let unit_name = async |id: Option<i32>| -> AppResult<String> {
        Ok(match id {
            Some(id) => units::Entity::find_by_id(id).one(db).await?.map(|u| u.name).unwrap_or_default(),
            None => String::new(),
        })
    };
    Ok(match c.scope {
        ScopeKind::Unit => format!("{}的公示", unit_name(c.unit_id).await?),
        ScopeKind::UnitTree => format!("{}及下级单位的公示", unit_name(c.unit_id).await?),
        ScopeKind::Level => {
            format!("全部{}", c.level.and_then(Level::from_number).map_or("公示", Level::label))
        }
        ScopeKind::Campaign => {
            let title = match c.campaign_id {
                Some(id) => campaigns::Entity::find_by_id(id).one(db).await?.map(|x| x.title).unwrap_or_default(),
                None => String::new(),
            };
            format!("“{title}”的公示")
        }
        ScopeKind::All => "全部公示".to_owned(),
        ScopeKind::Closing => "24小时内截止的公示".to_owned(),
    })
}

/// What a stored subscription follows.
///
/// # Errors
/// A stored code no version wrote.
pub fn chosen_of(sub: &subscriptions::Model) -> AppResult<Chosen> {
    Ok(Chosen {
        scope: ScopeKind::stored(&sub.scope)?,
        unit_id: sub.unit_id,
        level: sub.level,
        campaign_id: sub.campaign_id,
        frequency: Frequency::stored(&sub.frequency)?,
    })
}

/// A subscription as its subscriber sees it (page and API).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = SubscriptionView)]
pub struct View {
    /// 国网武威供电公司及下级单位的公示
    pub scope: String,
    /// `immediate` | `daily` | `weekly`
    pub frequency: &'static str,
    pub frequency_label: &'static str,
    /// `pending` | `active` | `suspended` | `ended`
    pub state: String,
    /// 待确认 / 有效 / 已暂停（投递失败） / 已退订
    pub state_label: &'static str,
    /// For an ended subscription: the day its address is erased (China time).
    pub erased_on: Option<String>,
}

fn state_label(sub: &subscriptions::Model) -> &'static str {
    match (sub.state.as_str(), sub.end_reason.as_deref()) {
        (state::PENDING, _) => "待确认",
        (state::ACTIVE, _) => "有效",
        (state::SUSPENDED, Some("complaint")) => "已暂停（被标记为垃圾邮件）",
        (state::SUSPENDED, _) => "已暂停（邮件无法投递）",
        _ => "已退订",
    }
}

/// The subscription behind `token`, unless erased or unknown.
///
/// # Errors
/// Database failure.
pub async fn find<C: ConnectionTrait>(db: &C, token: &str) -> AppResult<Option<subscriptions::Model>> {
    if !contact::is_token(token.trim()) {
        return Ok(None);
    }
    let found = subscriptions::Entity::find()
        .filter(subscriptions::Column::TokenHash.eq(token_hash(token)))
        .filter(subscriptions::Column::State.ne(state::ERASED))
        .one(db)
        .await?;
    Ok(found)
}

/// The subscriber's view of `sub`.
///
/// # Errors
/// Database failure; a stored code no version wrote.
pub async fn view<C: ConnectionTrait>(db: &C, sub: &subscriptions::Model) -> AppResult<View> {
    let chosen = chosen_of(sub)?;
    let erased_on = (sub.state == state::ENDED)
        .then_some(sub.ended_at)
        .flatten()
        .map(|at| crate::china_time::date_zh(crate::china_time::day_of(at + GRACE)));
    Ok(View {
        scope: describe(db, chosen).await?,
        frequency: chosen.frequency.code(),
        frequency_label: chosen.frequency.label(),
        state: sub.state.clone(),
        state_label: state_label(sub),
        erased_on,
    })
}

/// What a subscriber does with their link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Confirm,
    Frequency(Frequency),
    Unsubscribe,
    Resume,
}

/// Applies `change` to the subscription behind `token`; `None` when the link is unknown or
/// erased. Each change is idempotent: confirming twice, or unsubscribing twice, is one change.
///
/// # Errors
/// `Conflict` for a change that does not apply (a new frequency for the closing reminder, a
/// frequency on an unconfirmed subscription); database failure.
pub async fn apply(
    db: &DatabaseConnection,
    token: &str,
    change: Change,
    now: DateTime<Utc>,
) -> AppResult<Option<subscriptions::Model>> {
    let txn = crate::db::begin_write(db).await?;
    let Some(sub) = find(&txn, token).await? else { return Ok(None) };
    let mut row: subscriptions::ActiveModel = sub.clone().into();
    let live = [state::ACTIVE, state::SUSPENDED].contains(&sub.state.as_str());
    match change {
        Change::Confirm if sub.state == state::PENDING => {
            row.state = Set(state::ACTIVE.to_owned());
            row.confirmed_at = Set(Some(now));
            row.digest_through = Set(Some(now));
        }
        Change::Frequency(f) if live || sub.state == state::ENDED => {
            if sub.scope == ScopeKind::Closing.code() && f != Frequency::Immediate {
                return Err(AppError::conflict("“24小时内截止”的提醒只能有动态即发送"));
            }
            row.frequency = Set(f.code().to_owned());
            row.digest_through = Set(Some(now));
        }
        Change::Frequency(_) => return Err(AppError::conflict("请先确认订阅")),
        Change::Unsubscribe if sub.state != state::ENDED => {
            row.state = Set(state::ENDED.to_owned());
            row.ended_at = Set(Some(now));
            row.end_reason = Set(Some("unsubscribed".to_owned()));
        }
        Change::Resume
            if (sub.state == state::ENDED && sub.confirmed_at.is_some()) || sub.state == state::SUSPENDED =>
        {
            row.state = Set(state::ACTIVE.to_owned());
            row.ended_at = Set(None);
            row.end_reason = Set(None);
            row.digest_through = Set(Some(now));
        }
        _ => return Ok(Some(sub)),
    }
    let sub = row.update(&txn).await?;
    txn.commit().await?;
    Ok(Some(sub))
}

/// Why an address is held back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Suppression {
    /// The address bounced (reported by the relay after it accepted the message).
    Bounce,
    /// The recipient marked a message as spam (a feedback loop report).
    Complaint,
}

/// Suspends every live subscription of `addresses`; returns how many.
///
/// # Errors
/// Database failure.
pub async fn suppress(
    db: &DatabaseConnection,
    server_key: &[u8],
    addresses: &[String],
    why: Suppression,
    now: DateTime<Utc>,
) -> AppResult<u64> {
    let digests: Vec<String> = addresses.iter().map(|a| address_digest(server_key, a)).collect();
    let reason = match why {
        Suppression::Bounce => "bounce",
        Suppression::Complaint => "complaint",
    };
    let txn = crate::db::begin_write(db).await?;
    let done = subscriptions::Entity::update_many()
        .col_expr(subscriptions::Column::State, Expr::value(state::SUSPENDED))
        .col_expr(subscriptions::Column::EndedAt, Expr::value(now))
        .col_expr(subscriptions::Column::EndReason, Expr::value(reason))
        .filter(subscriptions::Column::AddressDigest.is_in(digests))
        .filter(subscriptions::Column::State.is_in([state::ACTIVE, state::PENDING]))
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(done.rows_affected)
}

/// Erases the address and token of every subscription whose time is up: unsubscribed
/// [`GRACE`] ago, unconfirmed [`UNCONFIRMED_KEPT`] ago, suspended [`SUSPENDED_KEPT`] ago.
/// Returns how many.
///
/// # Errors
/// Database failure.
pub async fn erase_due(db: &DatabaseConnection, now: DateTime<Utc>) -> AppResult<u64> {
    use sea_orm::Condition;
    use subscriptions::Column as C;
    let due = Condition::any()
        .add(Condition::all().add(C::State.eq(state::ENDED)).add(C::EndedAt.lte(now - GRACE)))
        .add(Condition::all().add(C::State.eq(state::PENDING)).add(C::CreatedAt.lte(now - UNCONFIRMED_KEPT)))
        .add(Condition::all().add(C::State.eq(state::SUSPENDED)).add(C::EndedAt.lte(now - SUSPENDED_KEPT)));
    let txn = crate::db::begin_write(db).await?;
    let done = subscriptions::Entity::update_many()
        .col_expr(C::State, Expr::value(state::ERASED))
        .col_expr(C::ContactSealed, Expr::value(Option::<String>::None))
        .col_expr(C::AddressDigest, Expr::value(Option::<String>::None))
        .col_expr(C::ErasedAt, Expr::value(now))
        .filter(due)
        .exec(&txn)
        .await?;
    txn.commit().await?;
    Ok(done.rows_affected)
}

/// Reseals every live contact under `new` instead of `old` (key rotation); returns how many.
///
/// # Errors
/// A contact `old` cannot open; database failure.
pub async fn reseal<C: ConnectionTrait>(
    db: &C,
    old: &crate::keys::Sealer,
    new: &crate::keys::Sealer,
) -> AppResult<usize> {
    let rows = subscriptions::Entity::find().filter(subscriptions::Column::ContactSealed.is_not_null()).all(db).await?;
    for sub in &rows {
        let sealed = sub.contact_sealed.as_deref().unwrap_or_default();
        let c = contact::open(old, &sub.token_hash, sealed)?;
        let mut row: subscriptions::ActiveModel = sub.clone().into();
        row.contact_sealed = Set(Some(contact::seal(new, &sub.token_hash, &c.token, &c.address)));
        row.update(db).await?;
    }
    Ok(rows.len())
}

/// How many subscriptions of one scope stand where: what staff see (never an address).
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
#[schema(as = SubscriptionCountRow)]
pub struct CountRow {
    /// 国网武威供电公司及下级单位的公示
    pub scope: String,
    pub pending: u64,
    pub immediate: u64,
    pub daily: u64,
    pub weekly: u64,
    pub suspended: u64,
    /// Unsubscribed, within the grace period.
    pub ended: u64,
}

/// One GROUP BY row: scope, unit, level, campaign, state, frequency, count.
type CountGroup = (String, Option<i32>, Option<i32>, Option<i32>, String, String, i64);

/// The counts of the subscriptions staff may see: those following the actor's unit (alone or
/// with the units below); the province's admins see every scope.
///
/// # Errors
/// Database failure.
pub async fn counts<C: ConnectionTrait>(db: &C, actor: &Actor) -> AppResult<Vec<CountRow>> {
    use std::collections::BTreeMap;
    crate::access::policy::require_role(actor, crate::access::Action::ViewAudit)?;
    let mut query = subscriptions::Entity::find().filter(subscriptions::Column::State.ne(state::ERASED));
    if !actor.is_province_admin() {
        query = query.filter(subscriptions::Column::UnitId.eq(actor.unit_id));
    }
    use subscriptions::Column as C;
    let groups: Vec<CountGroup> = query
        .select_only()
        .columns([C::Scope, C::UnitId, C::Level, C::CampaignId, C::State, C::Frequency])
        .column_as(Expr::col(C::Id).count(), "n")
        .group_by(C::Scope)
        .group_by(C::UnitId)
        .group_by(C::Level)
        .group_by(C::CampaignId)
        .group_by(C::State)
        .group_by(C::Frequency)
        .into_tuple()
        .all(db)
        .await?;
    let mut rows: BTreeMap<String, CountRow> = BTreeMap::new();
    for (scope, unit_id, level, campaign_id, state, frequency, n) in groups {
        let chosen = Chosen {
            scope: ScopeKind::stored(&scope)?,
            unit_id,
            level,
            campaign_id,
            frequency: Frequency::stored(&frequency)?,
        };
        let scope = describe(db, chosen).await?;
        let row = rows.entry(scope.clone()).or_insert_with(|| CountRow { scope, ..CountRow::default() });
        let slot = match (state.as_str(), chosen.frequency) {
            (state::PENDING, _) => &mut row.pending,
            (state::SUSPENDED, _) => &mut row.suspended,
            (state::ENDED, _) => &mut row.ended,
            (_, Frequency::Daily) => &mut row.daily,
            (_, Frequency::Weekly) => &mut row.weekly,
            _ => &mut row.immediate,
        };
        *slot += u64::try_from(n).unwrap_or_default();
    }
    Ok(rows.into_values().collect())
}
