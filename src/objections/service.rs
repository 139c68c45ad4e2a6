//! Recording objections and reading them back for their objector. Every write that the
//! ledger covers appends to it in the same transaction. Functions take any connection so the
//! caller (the group-commit writer, a staff handler) chooses the transaction.
use super::attachments::Stored;
use super::codes::{self, lookup_key_hash};
use super::filing::{Filing, Identity};
use super::ledger::{self as oledger, micros};
use super::{Channel, RefusalReason, SealedLetter, Status};
use crate::china_time::{datetime_zh, rfc3339_china};
use crate::error::{AppError, AppResult};
use crate::ledger::Tail;
use crate::mail::Postbox;
use crate::notices::PublishedNotice;
use crate::receipts::Receipt;
use crate::secrets::Secrets;
use chrono::{DateTime, Duration, Utc};
use entity::{campaigns, objection_attachments, objection_events, objections, objector_identities};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use serde::Serialize;
use sha2::{Digest, Sha256};

/// A project on the notice, as the form offers it.
#[derive(Debug, Clone, Serialize)]
pub struct ProjectChoice {
    pub id: i32,
    pub position: i32,
    pub name: String,
}

/// A notice as objections need it: the revision the public sees, its projects, its campaign.
#[derive(Debug, Clone)]
pub struct NoticeForObjection {
    pub published: PublishedNotice,
    pub campaign: campaigns::Model,
    pub projects: Vec<ProjectChoice>,
}

impl NoticeForObjection {
    #[must_use]
    pub fn id(&self) -> i32 {
        self.published.notice.id
    }

    #[must_use]
    pub fn title(&self) -> &str {
        &self.published.revision.title
    }

    #[must_use]
    pub fn closes_at(&self) -> DateTime<Utc> {
        self.published.period.closes_at
    }

    #[must_use]
    pub fn project_ids(&self) -> Vec<i32> {
        self.projects.iter().map(|p| p.id).collect()
    }

    /// The project's name, or 公示本身 for an objection to the notice as a whole.
    #[must_use]
    pub fn project_name(&self, id: Option<i32>) -> String {
        let Some(id) = id else { return WHOLE_NOTICE_NAME.to_owned() };
        self.projects.iter().find(|p| p.id == id).map(|p| p.name.clone()).unwrap_or_default()
    }

    /// Handling is due `handling_days` after the close (docs/RULES.md#objection-handling: default 10 days).
    #[must_use]
    pub fn handling_due_at(&self) -> DateTime<Utc> {
        self.closes_at() + Duration::days(i64::from(self.rules().handling_days.max(0)))
    }

    /// The objection rules the notice was published under.
    #[must_use]
    pub fn rules(&self) -> crate::campaigns::NoticeRules {
        crate::campaigns::NoticeRules::stored_or(self.published.revision.rules_json.as_deref(), &self.campaign)
    }
}

/// What an objection to the notice as a whole is about, where a project's name would go.
pub const WHOLE_NOTICE_NAME: &str = "公示本身";

/// The notice the public sees at `now`, with what an objection form needs.
///
/// # Errors
/// `NotFound` when the public cannot see it; database failure.
pub async fn notice_for_objection<C: ConnectionTrait>(
    db: &C,
    notice_id: i32,
    now: DateTime<Utc>,
) -> AppResult<NoticeForObjection> {
    let published = crate::notices::service::current_public(db, notice_id, now).await?.ok_or(AppError::NotFound)?;
    let campaign = crate::notices::service::campaign(db, published.notice.campaign_id).await?;
    let projects = crate::notices::service::items(db, published.revision.id)
        .await?
        .into_iter()
        .map(|i| ProjectChoice { id: i.project_id, position: i.position, name: i.snapshot.name })
        .collect();
    Ok(NoticeForObjection { published, campaign, projects })
}

/// Everything needed to record one case, decided before the write transaction starts.
#[derive(Debug)]
pub struct NewCase {
    pub notice_id: i32,
    pub notice_title: String,
    pub project_name: String,
    pub filing: Filing,
    pub channel: Channel,
    /// When the case counts as received: the server's clock on the web, the claimed time
    /// (the postmark for a letter) when staff register it.
    pub received_at: DateTime<Utc>,
    pub claimed_at: Option<DateTime<Utc>>,
    pub registered_at: DateTime<Utc>,
    pub registered_by: Option<i32>,
    pub refusal: Option<RefusalReason>,
    pub closes_at: DateTime<Utc>,
    pub handling_due_at: DateTime<Utc>,
    /// The stored idempotency fingerprint, for web and API submissions.
    pub idempotency_key: Option<String>,
    pub lookup_key: String,
    pub attachments: Vec<Stored>,
    pub sealed_letter: SealedLetter,
    /// A note for the objector on the first event (e.g. how staff registered it).
    pub received_note: Option<String>,
}

impl NewCase {
    /// A case filed on the web form or the API at `now`: the server's clock decides whether it
    /// is in time, and the campaign's rules whether it is taken (real name, evidence).
    #[must_use]
    pub fn web(
        notice: &NoticeForObjection,
        filing: Filing,
        attachments: Vec<Stored>,
        lookup_key: String,
        now: DateTime<Utc>,
    ) -> Self {
        let rules = super::filing::ArrivalRules::of(&notice.rules());
        let refusal =
            super::filing::refusal_on_arrival(&filing, notice.closes_at(), now, rules, !attachments.is_empty());
        Self {
            notice_id: notice.id(),
            notice_title: notice.title().to_owned(),
            project_name: notice.project_name(filing.project_id),
            channel: Channel::Web,
            received_at: now,
            claimed_at: None,
            registered_at: now,
            registered_by: None,
            refusal,
            closes_at: notice.closes_at(),
            handling_due_at: notice.handling_due_at(),
            idempotency_key: None,
            lookup_key,
            sealed_letter: SealedLetter::initial(filing.objector_kind),
            attachments,
            received_note: None,
            filing,
        }
    }
}

/// A recorded case, and the key its objector follows it with.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub objection: objections::Model,
    pub lookup_key: String,
    /// True when this answered a repeated submission with the case recorded the first time.
    pub replayed: bool,
}

impl Recorded {
    #[must_use]
    pub fn status(&self) -> Option<Status> {
        Status::parse(&self.objection.status)
    }

    #[must_use]
    pub fn refusal_reason(&self) -> Option<RefusalReason> {
        self.objection.refusal_reason.as_deref().and_then(RefusalReason::parse)
    }
}

/// Records a case with its identity, evidence, first events and ledger entries. A repeated
/// idempotency key answers with the case already recorded.
///
/// # Errors
/// Database failure.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    case: &NewCase,
    keys: &Secrets,
    postbox: &Postbox,
) -> AppResult<Recorded> {
    record_in(db, &mut Tail::default(), case, keys, postbox).await
}

/// [`record`], continuing the ledger from `tail`: the group-commit writer records a batch in
/// one transaction and reads the chain's head once for all of it.
///
/// # Errors
/// Database failure.
pub async fn record_in<C: ConnectionTrait>(
    db: &C,
    tail: &mut Tail,
    case: &NewCase,
    keys: &Secrets,
    postbox: &Postbox,
) -> AppResult<Recorded> {
    if let Some(existing) = find_by_idempotency(db, case.idempotency_key.as_deref()).await? {
        if existing.lookup_key_hash != lookup_key_hash(&case.lookup_key) {
            return Err(AppError::internal(format!(
                "idempotent replay of {} derived another key",
                existing.receipt_code
            )));
        }
        return Ok(Recorded { objection: existing, lookup_key: case.lookup_key.clone(), replayed: true });
    }
    let code = unused_receipt_code(db).await?;
    let received_at = micros(case.received_at);
    let status = if case.refusal.is_some() { Status::Refused } else { Status::Received };
    let receipt = Receipt {
        code: code.clone(),
        notice_id: case.notice_id,
        notice_title: case.notice_title.clone(),
        project_id: case.filing.project_id,
        project_name: case.project_name.clone(),
        category: case.filing.category.code().to_owned(),
        channel: case.channel.code().to_owned(),
        received_at: rfc3339_china(received_at),
        status: status.code().to_owned(),
        refusal_reason: case.refusal.map(|r| r.code().to_owned()),
        content_sha256: hex::encode(Sha256::digest(case.filing.content.as_bytes())),
        attachments_sha256: case.attachments.iter().map(|a| a.sha256.clone()).collect(),
    };
    let objection = objections::ActiveModel {
        notice_id: Set(case.notice_id),
        project_id: Set(case.filing.project_id),
        receipt_code: Set(code),
        lookup_key_hash: Set(lookup_key_hash(&case.lookup_key)),
        channel: Set(case.channel.code().to_owned()),
        objector_kind: Set(case.filing.objector_kind.code().to_owned()),
        category: Set(case.filing.category.code().to_owned()),
        content: Set(case.filing.content.clone()),
        received_at: Set(received_at),
        claimed_at: Set(case.claimed_at.map(micros)),
        registered_at: Set(micros(case.registered_at)),
        registered_by: Set(case.registered_by),
        status: Set(status.code().to_owned()),
        refusal_reason: Set(case.refusal.map(|r| r.code().to_owned())),
        in_time: Set(case.refusal != Some(RefusalReason::Late)),
        assigned_to: Set(None),
        handling_due_at: Set(micros(case.handling_due_at)),
        sealed_letter: Set(case.sealed_letter.code().to_owned()),
        conclusion_summary: Set(None),
        concluded_at: Set(None),
        idempotency_key: Set(case.idempotency_key.clone()),
        signature: Set(receipt.seal(&keys.signing_seed)),
        notify_by_email: Set(case.filing.notify_by_email),
        ..Default::default()
    }
    .insert(db)
    .await?;
    insert_identity(db, &keys.sealer, objection.id, &case.filing.identity).await?;
    let files = insert_attachments(db, objection.id, &case.attachments).await?;
    let at = micros(case.registered_at);
    tail.append(
        db,
        oledger::RECEIVE,
        oledger::OBJECTION,
        objection.id,
        &oledger::receipt_content(&objection, &files),
        at,
    )
    .await?;
    let objection = first_events(db, tail, objection, case, at).await?;
    super::notify::on_recorded(db, postbox, &objection, case.filing.identity.email.as_deref(), at).await?;
    Ok(Recorded { objection, lookup_key: case.lookup_key.clone(), replayed: false })
}

/// 已接收, then at once 不予受理 for a late or anonymous case, each an event in the ledger.
async fn first_events<C: ConnectionTrait>(
    db: &C,
    tail: &mut Tail,
    objection: objections::Model,
    case: &NewCase,
    at: DateTime<Utc>,
) -> AppResult<objections::Model> {
    let note = case.received_note.clone().unwrap_or_else(|| "异议已接收。".to_owned());
    let by = case.registered_by;
    event_in(db, tail, &objection, None, Status::Received, by, None, Some(note), at).await?;
    let Some(reason) = case.refusal else { return Ok(objection) };
    let note = refusal_note(reason, case.closes_at, objection.received_at);
    let mut row: objections::ActiveModel = objection.into();
    row.conclusion_summary = Set(Some(note.clone()));
    row.concluded_at = Set(Some(at));
    let objection = row.update(db).await?;
    event_in(db, tail, &objection, Some(Status::Received), Status::Refused, by, None, Some(note), at).await?;
    Ok(objection)
}

/// What the objector reads when a case is refused on arrival.
#[must_use]
pub fn refusal_note(reason: RefusalReason, closes_at: DateTime<Utc>, received_at: DateTime<Utc>) -> String {
    match reason {
        RefusalReason::Late => format!(
            "逾期不予受理：本公示已于{}截止，本异议于{}收到。",
            crate::china_time::close_zh(closes_at),
            datetime_zh(received_at)
        ),
        RefusalReason::Anonymous => "匿名不予受理：未提供真实姓名和联系方式（以单位名义提出的，须提供单位名称、\
                                     联系人和电话）。如需实名提出异议，请在公示期内重新提交。"
            .to_owned(),
        RefusalReason::NoEvidence => "不予受理：本次征集活动要求异议附有证据材料，本异议未附任何材料。\
                                      如有证据，请在公示期内附上材料重新提交。"
            .to_owned(),
        RefusalReason::OutOfScope => format!("{}。", RefusalReason::OutOfScope.refusal_label()),
    }
}

/// Inserts an event and its ledger entry.
///
/// # Errors
/// Database failure.
#[expect(clippy::too_many_arguments, reason = "every argument is one column of the event row")]
pub async fn append_event<C: ConnectionTrait>(
    db: &C,
    objection: &objections::Model,
    from: Option<Status>,
    to: Status,
    actor: Option<i32>,
    internal_note: Option<String>,
    public_note: Option<String>,
    at: DateTime<Utc>,
) -> AppResult<objection_events::Model> {
    event_in(db, &mut Tail::default(), objection, from, to, actor, internal_note, public_note, at).await
}

#[expect(clippy::too_many_arguments, reason = "every argument is one column of the event row")]
async fn event_in<C: ConnectionTrait>(
    db: &C,
    tail: &mut Tail,
    objection: &objections::Model,
    from: Option<Status>,
    to: Status,
    actor: Option<i32>,
    internal_note: Option<String>,
    public_note: Option<String>,
    at: DateTime<Utc>,
) -> AppResult<objection_events::Model> {
    let at = micros(at);
    let event = objection_events::ActiveModel {
        objection_id: Set(objection.id),
        from_status: Set(from.map(|s| s.code().to_owned())),
        to_status: Set(to.code().to_owned()),
        actor_user_id: Set(actor),
        at: Set(at),
        internal_note: Set(internal_note),
        public_note: Set(public_note),
        ..Default::default()
    }
    .insert(db)
    .await?;
    let content = oledger::event_content(&event, objection);
    tail.append(db, oledger::EVENT, oledger::OBJECTION_EVENT, event.id, &content, at).await?;
    Ok(event)
}

async fn find_by_idempotency<C: ConnectionTrait>(db: &C, key: Option<&str>) -> AppResult<Option<objections::Model>> {
    let Some(key) = key else { return Ok(None) };
    Ok(objections::Entity::find().filter(objections::Column::IdempotencyKey.eq(key)).one(db).await?)
}

async fn unused_receipt_code<C: ConnectionTrait>(db: &C) -> AppResult<String> {
    for _ in 0..8 {
        let code = codes::new_receipt_code();
        let taken = objections::Entity::find().filter(objections::Column::ReceiptCode.eq(code.clone())).one(db).await?;
        if taken.is_none() {
            return Ok(code);
        }
    }
    Err(AppError::internal("no free receipt code after 8 tries"))
}

async fn insert_identity<C: ConnectionTrait>(
    db: &C,
    sealer: &crate::keys::Sealer,
    objection_id: i32,
    id: &Identity,
) -> AppResult<()> {
    let row = super::identity::sealed_row(sealer, objection_id, id);
    objector_identities::Entity::insert(row).exec_without_returning(db).await?;
    Ok(())
}

async fn insert_attachments<C: ConnectionTrait>(
    db: &C,
    objection_id: i32,
    files: &[Stored],
) -> AppResult<Vec<objection_attachments::Model>> {
    let mut rows = Vec::with_capacity(files.len());
    for f in files {
        let row = objection_attachments::ActiveModel {
            objection_id: Set(objection_id),
            file_name: Set(f.file_name.clone()),
            content_type: Set(f.kind.content_type().to_owned()),
            size_bytes: Set(i64::try_from(f.size).unwrap_or(i64::MAX)),
            sha256: Set(f.sha256.clone()),
            storage_key: Set(f.storage_key.clone()),
            ..Default::default()
        }
        .insert(db)
        .await?;
        rows.push(row);
    }
    Ok(rows)
}

/// Whether a case with this receipt code holds exactly this signed receipt.
///
/// # Errors
/// Database failure.
pub async fn signature_on_record<C: ConnectionTrait>(db: &C, code: &str, token: &str) -> AppResult<bool> {
    let token: String = token.chars().filter(|c| !c.is_whitespace()).collect();
    let found = objections::Entity::find().filter(objections::Column::ReceiptCode.eq(code)).one(db).await?;
    Ok(found.is_some_and(|o| o.signature == token))
}
