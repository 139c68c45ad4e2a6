//! Publication, correction (更正) and withdrawal (撤销). A published revision is never edited:
//! a correction is a new published revision with a public note, and when it changes the
//! projects, units, completers or any order it restarts the period from a new start day.
//! Each step appends to the ledger in the same transaction.
use super::consistency::{self, Difference};
use super::content::listing_changed;
use super::generate::stamp;
use super::period::check_start;
use super::{NoticeState, Period, PeriodRules, ledger, service};
use crate::audit::Who;
use crate::error::{AppError, AppResult, FieldError};
use crate::personal_data::{self, Field, Finding};
use chrono::{DateTime, Utc};
use entity::{notice_revisions, notices, units};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection};

pub const MAX_NOTE_CHARS: usize = 2000;

/// Who publishes, and the note: required for a correction (public), and for a first
/// publication that differs from the record or the level below (recorded and public).
#[derive(Debug, Clone, Default)]
pub struct PublishRequest {
    pub note: Option<String>,
    pub by: Option<i32>,
    /// The client address, for the audit log.
    pub ip: Option<String>,
    /// Ids of personal-data findings staff confirmed are not personal data.
    pub confirmed: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Published {
    pub notice_id: i32,
    pub revision_id: i32,
    pub revision_no: i32,
    pub is_correction: bool,
    pub restarted: bool,
    pub period: Period,
    pub differences: Vec<Difference>,
}

/// The objection rules the revision is published under: a correction keeps the notice's, a
/// first publication takes the campaign's as they are now.
async fn rules_in_force<C: ConnectionTrait>(
    db: &C,
    notice: &notices::Model,
    previous: Option<&service::PublishedNotice>,
) -> AppResult<String> {
    let campaign = service::campaign(db, notice.campaign_id).await?;
    let stored = previous.and_then(|p| p.revision.rules_json.as_deref());
    Ok(crate::campaigns::NoticeRules::stored_or(stored, &campaign).to_json())
}

/// Publishes the notice's draft revision: the first publication, or a correction.
///
/// # Errors
/// `Conflict` when there is no draft or the notice is withdrawn; `Validation` when a note is
/// required and missing, or the start day has passed.
pub async fn publish(
    db: &DatabaseConnection,
    notice_id: i32,
    req: &PublishRequest,
    now: DateTime<Utc>,
) -> AppResult<Published> {
    let now = stamp(now);
    let txn = crate::db::begin_write(db).await?;
    let (notice, draft, items) = load_draft(&txn, notice_id).await?;
    check_can_list(&txn, &notice, &items, now).await?;
    let note = clean_note(req.note.as_deref())?;
    let unit = service::unit(&txn, notice.unit_id).await?;
    // Scanned here, inside the transaction, on exactly what is about to be published.
    let found = findings(&notice, &unit, &draft, &items, note.as_deref());
    let unconfirmed = personal_data::unconfirmed(&found, &req.confirmed);
    if !unconfirmed.is_empty() {
        return Err(personal_data::refusal(&unconfirmed, "公示内容", "发布"));
    }
    let differences = consistency::differences(&txn, &notice, &items).await?;
    let previous = service::latest_published(&txn, notice_id).await?;
    if previous.is_none() {
        super::gate::check_renotice(&txn, &notice, &items, note.is_some()).await?;
    }
    let (period, restarted) =
        period_of(&txn, &notice, &draft, &items, previous.as_ref(), &differences, note.is_some(), now).await?;
    let is_correction = previous.is_some();
    let mut row: notice_revisions::ActiveModel = draft.clone().into();
    row.starts_on = Set(period.starts_on);
    row.opens_at = Set(period.opens_at);
    row.closes_at = Set(period.closes_at);
    row.correction_note = Set(note);
    row.restarts_period = Set(restarted);
    row.published_at = Set(Some(now));
    row.published_by = Set(req.by);
    row.rules_json = Set(Some(rules_in_force(&txn, &notice, previous.as_ref()).await?));
    row.update(&txn).await?;
    if !is_correction {
        let mut n: notices::ActiveModel = notice.clone().into();
        n.state = Set(NoticeState::Published.code().to_owned());
        n.update(&txn).await?;
    }
    let kind = if is_correction { "notice.correct" } else { "notice.publish" };
    seal_revision(&txn, draft.id, kind, now).await?;
    audit_publication(&txn, req, &notice, &draft, &found, kind, now).await?;
    txn.commit().await?;
    Ok(Published {
        notice_id,
        revision_id: draft.id,
        revision_no: draft.revision_no,
        is_correction,
        restarted,
        period,
        differences,
    })
}

/// The notice, its draft and the draft's projects, refusing what cannot be published.
async fn load_draft<C: ConnectionTrait>(
    txn: &C,
    notice_id: i32,
) -> AppResult<(notices::Model, notice_revisions::Model, Vec<service::Item>)> {
    let notice = service::notice(txn, notice_id).await?;
    if NoticeState::try_from(&notice)? == NoticeState::Withdrawn {
        return Err(AppError::conflict("公示已撤销，不能再发布"));
    }
    let draft =
        service::draft_revision(txn, notice_id).await?.ok_or_else(|| AppError::conflict("这则公示没有待发布的草稿"))?;
    let items = service::items(txn, draft.id).await?;
    if items.is_empty() {
        return Err(AppError::invalid("projects", "公示至少要有一个项目"));
    }
    Ok((notice, draft, items))
}

/// The gate again, on the day of publishing (a report the draft rested on may have been voided
/// or suspended, or a recommendation withdrawn, since the draft was made), and the rule that
/// completers are added or removed at the lower level first (a lower notice may have been
/// corrected meanwhile). Every refusal is reported together.
async fn check_can_list<C: ConnectionTrait>(
    txn: &C,
    notice: &notices::Model,
    items: &[service::Item],
    now: DateTime<Utc>,
) -> AppResult<()> {
    let level = super::Level::try_from(notice)?;
    let mut errors = Vec::new();
    for item in items {
        match super::gate::check_can_enter(txn, item.project_id, level, notice.unit_id).await {
            Ok(()) => {}
            Err(AppError::Validation(mut list)) => errors.append(&mut list),
            Err(other) => return Err(other),
        }
    }
    let listed: Vec<_> = items.iter().map(|i| (i.project_id, &i.snapshot)).collect();
    errors.extend(consistency::completer_refusals(txn, level, notice.unit_id, &listed, now).await?);
    if errors.is_empty() { Ok(()) } else { Err(AppError::Validation(errors)) }
}

/// The public note (更正说明 / 说明), trimmed; blank is none.
fn clean_note(note: Option<&str>) -> AppResult<Option<String>> {
    let note = note.map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
    if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
        return Err(AppError::invalid("note", format!("说明不能超过{MAX_NOTE_CHARS}个字")));
    }
    Ok(note)
}

/// The period the publication runs, and whether a correction restarted it: a first
/// publication starts on the draft's day; a correction keeps the period unless it changes the
/// listing (projects, units, completers or any order), which restarts it.
#[expect(clippy::too_many_arguments, reason = "one step of publish, reading what it has already loaded")]
async fn period_of<C: ConnectionTrait>(
    txn: &C,
    notice: &notices::Model,
    draft: &notice_revisions::Model,
    items: &[service::Item],
    previous: Option<&service::PublishedNotice>,
    differences: &[Difference],
    has_note: bool,
    now: DateTime<Utc>,
) -> AppResult<(Period, bool)> {
    let campaign = service::campaign(txn, notice.campaign_id).await?;
    let Some(prev) = previous else {
        if !differences.is_empty() && !has_note {
            return Err(needs_note(differences));
        }
        check_start(draft.starts_on, now)?;
        return Ok((PeriodRules::of(&campaign).period(draft.starts_on), false));
    };
    if !has_note {
        return Err(AppError::invalid("note", "更正须填写更正说明（将向公众公开）"));
    }
    let before: Vec<_> =
        service::items(txn, prev.revision.id).await?.into_iter().map(|i| (i.project_id, i.snapshot)).collect();
    let after: Vec<_> = items.iter().map(|i| (i.project_id, i.snapshot.clone())).collect();
    if listing_changed(&before, &after) {
        check_start(draft.starts_on, now)?;
        return Ok((PeriodRules::of(&campaign).period(draft.starts_on), true));
    }
    Ok((prev.period, false))
}

/// The audit entries of a publication: each personal-data finding staff confirmed, then the
/// publication itself.
async fn audit_publication<C: ConnectionTrait>(
    txn: &C,
    req: &PublishRequest,
    notice: &notices::Model,
    draft: &notice_revisions::Model,
    found: &[Finding],
    kind: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let who = Who { user_id: req.by, ip: req.ip.clone() };
    for f in found {
        let detail = Some(personal_data::confirmation_detail(f));
        who.record(txn, "notice.personal_data.confirm", ledger::REVISION, draft.id, notice.unit_id, detail, now)
            .await?;
    }
    let detail = Some(format!("公示{}第{}版", notice.id, draft.revision_no));
    who.record(txn, kind, ledger::REVISION, draft.id, notice.unit_id, detail, now).await
}

/// The personal-data findings in a draft's public fields: title, 文号, body, channels, the
/// note, and every project's snapshot. The unit's own contact phone and e-mail are published on
/// purpose (the standard body lists them for objections) and are not findings.
#[must_use]
pub fn findings(
    notice: &notices::Model,
    unit: &units::Model,
    draft: &notice_revisions::Model,
    items: &[service::Item],
    note: Option<&str>,
) -> Vec<Finding> {
    let contacts = [unit.contact_phone.as_deref(), unit.contact_email.as_deref()];
    let allowed: Vec<_> = contacts.into_iter().flatten().flat_map(personal_data::find).collect();
    let mut fields = vec![plain("title", "标题", &draft.title), plain("body", "正文", &draft.body_md)];
    for (key, label, text) in [
        ("doc_number", "文号", notice.doc_number.as_deref()),
        ("board_location", "张榜地点", draft.board_location.as_deref()),
        ("media", "媒体", draft.media.as_deref()),
        ("note", "说明", note),
    ] {
        fields.extend(text.map(|t| plain(key, label, t)));
    }
    for i in items {
        fields.extend(i.snapshot.public_fields(i.project_id));
    }
    personal_data::scan(fields, &allowed)
}

fn plain<'a>(key: &str, label: &str, text: &'a str) -> Field<'a> {
    Field { key: key.to_owned(), label: label.to_owned(), project: None, text }
}

fn needs_note(differences: &[Difference]) -> AppError {
    let mut errors = vec![FieldError::new(
        "note",
        format!("发现{}处与项目登记信息或其他层级公示不一致，须填写更正说明后才能发布", differences.len()),
    )];
    errors.extend(differences.iter().map(|d| {
        FieldError::new(
            "note",
            format!("《{}》{}：本公示为“{}”，{}为“{}”", d.project_name, d.field, d.here, d.against_text, d.there),
        )
    }));
    AppError::Validation(errors)
}

/// Hashes the published revision as the ledger will see it, stores the hash on the row and
/// appends the ledger entry.
pub(crate) async fn seal_revision<C: ConnectionTrait>(
    db: &C,
    revision_id: i32,
    kind: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let content = ledger::revision_content(db, revision_id)
        .await?
        .ok_or_else(|| AppError::internal("published revision vanished inside its transaction"))?;
    let rev = service::revision(db, revision_id).await?;
    let mut row: notice_revisions::ActiveModel = rev.into();
    row.content_hash = Set(Some(crate::ledger::content_hash(&content)));
    row.update(db).await?;
    crate::ledger::append(db, kind, ledger::REVISION, revision_id, &content, now).await?;
    Ok(())
}

/// Withdraws (撤销) a published notice with a public reason. Final.
///
/// # Errors
/// `Validation` without a reason; `Conflict` unless the notice is published.
pub async fn withdraw(
    db: &DatabaseConnection,
    notice_id: i32,
    reason: &str,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    withdraw_with(db, notice_id, reason, &Who::user(by), now).await
}

/// As [`withdraw`], recording who did it and from where.
///
/// # Errors
/// As [`withdraw`].
pub async fn withdraw_with(
    db: &DatabaseConnection,
    notice_id: i32,
    reason: &str,
    who: &Who,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let now = stamp(now);
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::invalid("reason", "撤销须填写公开的撤销理由"));
    }
    if reason.chars().count() > MAX_NOTE_CHARS {
        return Err(AppError::invalid("reason", format!("撤销理由不能超过{MAX_NOTE_CHARS}个字")));
    }
    let txn = crate::db::begin_write(db).await?;
    let notice = service::notice(&txn, notice_id).await?;
    match NoticeState::try_from(&notice)? {
        NoticeState::Published => {}
        NoticeState::Draft => return Err(AppError::conflict("公示尚未发布，不需要撤销，可直接删除草稿")),
        NoticeState::Withdrawn => return Err(AppError::conflict("公示已经撤销")),
    }
    let unit_id = notice.unit_id;
    let mut row: notices::ActiveModel = notice.into();
    row.state = Set(NoticeState::Withdrawn.code().to_owned());
    row.withdrawn_at = Set(Some(now));
    row.withdraw_reason = Set(Some(reason.to_owned()));
    row.update(&txn).await?;
    let content = ledger::withdrawal_content(&txn, notice_id)
        .await?
        .ok_or_else(|| AppError::internal("withdrawn notice vanished inside its transaction"))?;
    crate::ledger::append(&txn, "notice.withdraw", ledger::NOTICE, notice_id, &content, now).await?;
    who.record(&txn, "notice.withdraw", ledger::NOTICE, notice_id, unit_id, Some(reason.to_owned()), now).await?;
    txn.commit().await?;
    Ok(())
}
