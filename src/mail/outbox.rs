//! The outbox table: writing a message, claiming it for sending, and recording how it went.
//!
//! A message is `pending` until an instance claims it (`sending`, with a lease), then `sent`
//! once the SMTP server has accepted it, or back to `pending` with a later attempt time after a
//! failure, or `failed` once it has failed for good. A claim whose lease ran out (its instance
//! died mid-send) is taken again: the SMTP server never accepted a message whose sender died
//! before the end of its data, so sending it again delivers it once.
use super::Mail;
use crate::error::{AppError, AppResult};
use crate::keys::Sealer;
use chrono::{DateTime, Duration, Utc};
use entity::mail_outbox::{self, Column as Col};
use sea_orm::sea_query::{Expr, ExprTrait};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder,
    QuerySelect,
};

pub const PENDING: &str = "pending";
pub const SENDING: &str = "sending";
pub const SENT: &str = "sent";
pub const FAILED: &str = "failed";

/// After this many attempts a message is given up (about a day with [`backoff`]).
pub const MAX_ATTEMPTS: i32 = 12;

/// How long after the `attempts`-th failure the next attempt is: 1, 2, 4, … minutes, at most
/// six hours.
#[must_use]
pub fn backoff(attempts: i32) -> Duration {
    let minutes = 1i64 << attempts.clamp(1, 10).saturating_sub(1);
    Duration::minutes(Ord::min(minutes, 360))
}

fn place(message_id: &str) -> String {
    format!("mail_outbox.recipient#{message_id}")
}

/// `zhang@example.org` as the delivery log shows it: `z***@example.org`.
#[must_use]
pub fn masked(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// A new Message-ID: unique, and kept for every attempt so a receiver sees one message.
fn new_message_id(from_domain: &str) -> String {
    format!("<{}@{from_domain}>", uuid::Uuid::now_v7().simple())
}

/// Writes `mail` as a pending message, due at once; its Message-ID names `domain` (the
/// server's public host).
///
/// # Errors
/// Database failure.
pub async fn write<C: ConnectionTrait>(
    db: &C,
    sealer: &Sealer,
    domain: &str,
    mail: Mail,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let message_id = new_message_id(domain);
    mail_outbox::ActiveModel {
        recipient_sealed: Set(Some(sealer.seal_text(&place(&message_id), &mail.to))),
        recipient_masked: Set(masked(&mail.to)),
        message_id: Set(message_id),
        kind: Set(mail.kind.to_owned()),
        unit_id: Set(mail.unit_id),
        objection_id: Set(mail.objection_id),
        subject: Set(mail.letter.subject_line()),
        body_text: Set(mail.letter.text()),
        body_html: Set(mail.letter.html()),
        state: Set(PENDING.to_owned()),
        attempts: Set(0),
        next_attempt_at: Set(now),
        claimed_by: Set(None),
        claimed_until: Set(None),
        created_at: Set(now),
        sent_at: Set(None),
        last_error: Set(None),
        smtp_reply: Set(None),
        list_unsubscribe: Set(mail.list.as_ref().map(|l| l.unsubscribe_url.clone())),
        subscription_id: Set(mail.list.as_ref().map(|l| l.subscription_id)),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(())
}

/// Due now: pending and its time has come, or claimed by an instance whose lease ran out.
fn due(now: DateTime<Utc>) -> Condition {
    Condition::any()
        .add(Condition::all().add(Col::State.eq(PENDING)).add(Col::NextAttemptAt.lte(now)))
        .add(Condition::all().add(Col::State.eq(SENDING)).add(Col::ClaimedUntil.lt(now)))
}

/// The ids of up to `max` messages matching `filter`, by `order` then id. Each of the two
/// kinds of due message is its own query: one with an OR over both, ordered by id, made the
/// database gather and sort every pending message for each batch of 32 (about 100,000 when a
/// notice's subscribers are told); ordered as the `(state, next_attempt_at)` index is, the
/// pending query reads only the rows it returns.
async fn due_ids_of<C: ConnectionTrait>(
    db: &C,
    filter: sea_orm::sea_query::SimpleExpr,
    order: Col,
    max: u64,
) -> AppResult<Vec<i32>> {
    Ok(mail_outbox::Entity::find()
        .select_only()
        .column(Col::Id)
        .filter(filter)
        .order_by_asc(order)
        .order_by_asc(Col::Id)
        .limit(max)
        .into_tuple()
        .all(db)
        .await?)
}

/// Claims up to `max` due messages for `instance`: those whose claim ran out first (an instance
/// died holding them), then the pending ones in the order they fell due. The claim is one
/// conditional UPDATE, so of two instances reaching for the same messages each gets only those
/// the other did not take. The claim is a lease: a message whose instance dies is taken again
/// once it runs out.
///
/// # Errors
/// Database failure.
pub async fn claim_batch<C: ConnectionTrait>(
    db: &C,
    instance: &str,
    now: DateTime<Utc>,
    lease: Duration,
    max: u64,
) -> AppResult<Vec<mail_outbox::Model>> {
    let mut due_ids =
        due_ids_of(db, Col::State.eq(SENDING).and(Col::ClaimedUntil.lt(now)), Col::ClaimedUntil, max).await?;
    let room = max.saturating_sub(due_ids.len() as u64);
    if room > 0 {
        let pending = Col::State.eq(PENDING).and(Col::NextAttemptAt.lte(now));
        due_ids.extend(due_ids_of(db, pending, Col::NextAttemptAt, room).await?);
    }
    if due_ids.is_empty() {
        return Ok(Vec::new());
    }
    let until = now + lease;
    mail_outbox::Entity::update_many()
        .col_expr(Col::State, Expr::value(SENDING))
        .col_expr(Col::ClaimedBy, Expr::value(instance))
        .col_expr(Col::ClaimedUntil, Expr::value(until))
        .col_expr(Col::Attempts, Expr::col(Col::Attempts).add(1))
        .filter(Col::Id.is_in(due_ids.clone()))
        .filter(due(now))
        .exec(db)
        .await?;
    Ok(mail_outbox::Entity::find()
        .filter(Col::Id.is_in(due_ids))
        .filter(Col::State.eq(SENDING))
        .filter(Col::ClaimedBy.eq(instance))
        .filter(Col::ClaimedUntil.eq(until))
        .order_by_asc(Col::Id)
        .all(db)
        .await?)
}

/// The recipient of a claimed message.
///
/// # Errors
/// `Internal` when the address was erased or sealed under another key.
pub fn recipient(sealer: &Sealer, row: &mail_outbox::Model) -> AppResult<String> {
    let envelope = row.recipient_sealed.as_deref().ok_or_else(|| AppError::internal("recipient already erased"))?;
    sealer.open_text(&place(&row.message_id), envelope).map_err(|e| AppError::internal(format!("mail recipient: {e}")))
}

/// Records that the SMTP server took the message: sent, and the address erased. Only the
/// instance holding the claim records it.
///
/// # Errors
/// Database failure.
pub async fn mark_sent<C: ConnectionTrait>(
    db: &C,
    id: i32,
    instance: &str,
    reply: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    mail_outbox::Entity::update_many()
        .col_expr(Col::State, Expr::value(SENT))
        .col_expr(Col::SentAt, Expr::value(now))
        .col_expr(Col::SmtpReply, Expr::value(reply))
        .col_expr(Col::RecipientSealed, Expr::value(Option::<String>::None))
        .col_expr(Col::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .col_expr(Col::LastError, Expr::value(Option::<String>::None))
        .filter(Col::Id.eq(id))
        .filter(Col::ClaimedBy.eq(instance))
        .exec(db)
        .await?;
    Ok(())
}

/// Records a failed attempt: tried again after [`backoff`], or given up (address erased) when
/// the failure is permanent or the attempts are spent.
///
/// # Errors
/// Database failure.
pub async fn mark_failed<C: ConnectionTrait>(
    db: &C,
    row: &mail_outbox::Model,
    instance: &str,
    error: &str,
    permanent: bool,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let give_up = permanent || row.attempts >= MAX_ATTEMPTS;
    let mut update = mail_outbox::Entity::update_many()
        .col_expr(Col::LastError, Expr::value(error))
        .col_expr(Col::ClaimedUntil, Expr::value(Option::<DateTime<Utc>>::None))
        .filter(Col::Id.eq(row.id))
        .filter(Col::ClaimedBy.eq(instance));
    update = if give_up {
        if permanent && let Some(subscription_id) = row.subscription_id {
            suspend_bounced(db, subscription_id, now).await?;
        }
        update
            .col_expr(Col::State, Expr::value(FAILED))
            .col_expr(Col::RecipientSealed, Expr::value(Option::<String>::None))
    } else {
        update
            .col_expr(Col::State, Expr::value(PENDING))
            .col_expr(Col::NextAttemptAt, Expr::value(now + backoff(row.attempts)))
    };
    update.exec(db).await?;
    Ok(())
}

/// A subscription whose message the server refused for good (a hard bounce) is suspended:
/// no more mail goes to an address that does not take it.
async fn suspend_bounced<C: ConnectionTrait>(db: &C, subscription_id: i32, now: DateTime<Utc>) -> AppResult<()> {
    use entity::subscriptions::{self, Column as Sub};
    subscriptions::Entity::update_many()
        .col_expr(Sub::State, Expr::value("suspended"))
        .col_expr(Sub::EndedAt, Expr::value(now))
        .col_expr(Sub::EndReason, Expr::value("bounce"))
        .filter(Sub::Id.eq(subscription_id))
        .filter(Sub::State.eq("active"))
        .exec(db)
        .await?;
    Ok(())
}

/// Seals every waiting recipient under `new` instead of `old` (key rotation); returns how many.
///
/// # Errors
/// An address `old` cannot open; database failure.
pub async fn reseal<C: ConnectionTrait>(db: &C, old: &Sealer, new: &Sealer) -> AppResult<usize> {
    let rows = mail_outbox::Entity::find().filter(Col::RecipientSealed.is_not_null()).all(db).await?;
    for row in &rows {
        let address = recipient(old, row)?;
        let mut active: mail_outbox::ActiveModel = row.clone().into();
        active.recipient_sealed = Set(Some(new.seal_text(&place(&row.message_id), &address)));
        active.update(db).await?;
    }
    Ok(rows.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_to_six_hours() {
        let minutes: Vec<i64> = (1..=12).map(|n| backoff(n).num_minutes()).collect();
        assert_eq!(minutes, [1, 2, 4, 8, 16, 32, 64, 128, 256, 360, 360, 360]);
    }

    #[test]
    fn the_log_shows_only_the_first_letter_and_the_domain() {
        assert_eq!(masked("zhangsan@example.org"), "z***@example.org");
        assert_eq!(masked("张三@例子.中国"), "张***@例子.中国");
        assert_eq!(masked("nonsense"), "***");
    }
}
