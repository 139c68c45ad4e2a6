//! Reading the delivery log: what was sent, to whom (masked), and how it went, read within what the
//! actor may audit (a unit's admins their unit, the province everything). Neither a message's
//! body nor a full address is ever shown.
use crate::access::{Action, Actor, policy};
use crate::china_time::datetime_zh;
use crate::error::{AppError, AppResult};
use crate::mail::outbox::{FAILED, PENDING, SENDING, SENT};
use chrono::{DateTime, Utc};
use entity::mail_outbox::{self, Column as Col};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder};
use serde::{Deserialize, Serialize};

pub const PAGE_SIZE: u64 = 50;

#[derive(Debug, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Filter {
    /// `pending`, `sending`, `sent` or `failed`; empty or absent: all.
    #[param(pattern = "^(pending|sending|sent|failed)?$")]
    pub state: Option<String>,
    /// From 1; past the last page, the last page.
    #[param(minimum = 1)]
    pub page: Option<i32>,
}

/// One message as the log shows it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Delivery {
    pub id: i32,
    pub kind: String,
    pub kind_zh: &'static str,
    /// z***@example.org
    pub recipient: String,
    pub subject: String,
    pub state: String,
    pub state_zh: &'static str,
    pub attempts: i32,
    pub created_at: DateTime<Utc>,
    pub created_at_zh: String,
    pub sent_at: Option<DateTime<Utc>>,
    pub sent_at_zh: Option<String>,
    /// When a message waiting after a failure is tried again.
    pub next_attempt_at_zh: Option<String>,
    pub last_error: Option<String>,
    pub smtp_reply: Option<String>,
}

#[derive(Debug, Default, Serialize, utoipa::ToSchema)]
pub struct DeliveryCounts {
    pub pending: u64,
    pub sending: u64,
    pub sent: u64,
    pub failed: u64,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DeliveryLog {
    /// Whether this server sends mail at all (`--smtp`).
    pub mail_enabled: bool,
    pub counts: DeliveryCounts,
    pub deliveries: Vec<Delivery>,
    pub page: u64,
    pub pages: u64,
    pub total: u64,
}

/// What a kind of message is, in words.
#[must_use]
pub fn kind_zh(kind: &str) -> &'static str {
    match kind {
        "objection.received" => "异议已接收",
        "objection.accepted" => "异议已受理",
        "objection.refused" => "异议不予受理",
        "objection.investigating" => "异议核查中",
        "objection.upheld" | "objection.dismissed" => "异议处理结论",
        "objection.withdrawn" => "异议已撤回",
        _ => "其他",
    }
}

#[must_use]
pub fn state_zh(state: &str) -> &'static str {
    match state {
        PENDING => "待发送",
        SENDING => "发送中",
        SENT => "已发出",
        FAILED => "发送失败",
        _ => "未知",
    }
}

/// # Errors
/// `Forbidden` for roles without the audit log; validation for a bad page or state; database
/// failure.
pub async fn list(
    db: &DatabaseConnection,
    actor: &Actor,
    filter: &Filter,
    mail_enabled: bool,
) -> AppResult<DeliveryLog> {
    policy::require_role(actor, Action::ViewAudit)?;
    let wanted = u64::try_from(filter.page.unwrap_or(1)).ok().filter(|p| *p >= 1);
    let wanted = wanted.ok_or_else(|| AppError::invalid("page", "页码从1开始"))?;
    let state = filter.state.as_deref().map(str::trim).filter(|s| !s.is_empty());
    if state.is_some_and(|s| ![PENDING, SENDING, SENT, FAILED].contains(&s)) {
        return Err(AppError::invalid("state", "状态只能是 pending、sending、sent 或 failed"));
    }
    let scope = policy::scope(db, actor, Action::ViewAudit).await?;
    let visible = mail_outbox::Entity::find().filter(scope.condition(Col::UnitId));
    let mut counts = DeliveryCounts::default();
    for (name, slot) in [
        (PENDING, &mut counts.pending),
        (SENDING, &mut counts.sending),
        (SENT, &mut counts.sent),
        (FAILED, &mut counts.failed),
    ] {
        *slot = visible.clone().filter(Col::State.eq(name)).count(db).await?;
    }
    let mut query = visible;
    if let Some(state) = state {
        query = query.filter(Col::State.eq(state));
    }
    let paginator = query.order_by_desc(Col::Id).paginate(db, PAGE_SIZE);
    let totals = paginator.num_items_and_pages().await?;
    let page = wanted.min(totals.number_of_pages.max(1));
    let deliveries = paginator.fetch_page(page - 1).await?.into_iter().map(delivery).collect();
    Ok(DeliveryLog {
        mail_enabled,
        counts,
        deliveries,
        page,
        pages: totals.number_of_pages.max(1),
        total: totals.number_of_items,
    })
}

fn delivery(r: mail_outbox::Model) -> Delivery {
    Delivery {
        id: r.id,
        kind_zh: kind_zh(&r.kind),
        kind: r.kind,
        recipient: r.recipient_masked,
        subject: r.subject,
        state_zh: state_zh(&r.state),
        next_attempt_at_zh: (r.state == PENDING && r.attempts > 0).then(|| datetime_zh(r.next_attempt_at)),
        state: r.state,
        attempts: r.attempts,
        created_at_zh: datetime_zh(r.created_at),
        created_at: r.created_at,
        sent_at_zh: r.sent_at.map(datetime_zh),
        sent_at: r.sent_at,
        last_error: r.last_error,
        smtp_reply: r.smtp_reply,
    }
}
