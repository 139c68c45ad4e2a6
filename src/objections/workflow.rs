//! Staff handling of a case: moving it along the workflow, assigning a handler, tracking an
//! organisation's sealed letter, looking at who objected, and registering objections that
//! came by phone, letter, e-mail or in person. Each function checks the actor's right on the
//! case's unit first (the notice's publishing unit), so pages and the API share one rule.
use super::filing::{ArrivalRules, Filing, FilingInput, refusal_on_arrival};
use super::service::{self, NewCase, NoticeForObjection, Recorded, notice_for_objection};
use super::{Channel, Move, MoveError, ObjectorKind, RefusalReason, SealedLetter, Status};
use crate::access::{Action, Actor, policy};
use crate::audit;
use crate::campaigns::{LettersBy, NoticeRules};
use crate::china_time::datetime_zh;
use crate::error::{AppError, AppResult, FieldError};
use crate::mail::Postbox;
use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use entity::{notices, objections, objector_identities, users};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, DatabaseConnection, EntityTrait};
use serde::Serialize;

pub const MAX_NOTE_CHARS: usize = 2000;

/// A case and its notice, after checking that the actor may do `action` on it.
///
/// # Errors
/// `NotFound` for a missing case or one the actor may not see; `Forbidden` for one they see
/// but may not act on; database failure.
pub async fn case_for<C: ConnectionTrait>(
    db: &C,
    actor: &Actor,
    action: Action,
    id: i32,
) -> AppResult<(objections::Model, notices::Model)> {
    let case = objections::Entity::find_by_id(id).one(db).await?.ok_or(AppError::NotFound)?;
    let notice = notices::Entity::find_by_id(case.notice_id).one(db).await?.ok_or(AppError::NotFound)?;
    policy::require(db, actor, action, notice.unit_id).await?;
    Ok((case, notice))
}

/// A move as staff ask for it, checked. Three notes, three readers: `internal_note` for staff
/// only, `objector_note` for the objector (read with receipt code and lookup key, never
/// published), and `public_summary`, the handling summary the 公示结果报告 prints (a concluding
/// move only).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransitionRequest {
    pub to: Status,
    pub reason: Option<RefusalReason>,
    pub internal_note: Option<String>,
    pub objector_note: Option<String>,
    pub public_summary: Option<String>,
}

/// The notes of a move as typed, before checking.
#[derive(Debug, Clone, Copy, Default)]
pub struct Notes<'a> {
    pub internal: &'a str,
    pub objector: &'a str,
    pub public_summary: &'a str,
}

impl TransitionRequest {
    /// Reads the form or API fields.
    ///
    /// # Errors
    /// Each problem under its field.
    pub fn parse(to: &str, reason: &str, notes: Notes<'_>) -> Result<Self, Vec<FieldError>> {
        let mut errors = Vec::new();
        let to_status = Status::parse(to);
        if to_status.is_none() {
            errors.push(FieldError::new("to", "请选择处理结果"));
        }
        let reason = reason.trim();
        let parsed_reason = if reason.is_empty() { None } else { RefusalReason::parse(reason) };
        if !reason.is_empty() && parsed_reason.is_none() {
            errors.push(FieldError::new("reason", "不予受理的理由无效"));
        }
        let note = |s: &str, field: &str, errors: &mut Vec<FieldError>| {
            let s = s.trim();
            if s.chars().count() > MAX_NOTE_CHARS {
                errors.push(FieldError::new(field, format!("说明不能超过{MAX_NOTE_CHARS}个字")));
            }
            (!s.is_empty()).then(|| s.to_owned())
        };
        let internal_note = note(notes.internal, "internal_note", &mut errors);
        let objector_note = note(notes.objector, "objector_note", &mut errors);
        let public_summary = note(notes.public_summary, "public_summary", &mut errors);
        if public_summary.is_some() && to_status.is_some_and(|s| !s.is_closed()) {
            errors.push(FieldError::new(
                "public_summary",
                "公开的处理情况只在作出处理结论（不予受理、异议成立、异议不成立、已撤回）时填写",
            ));
        }
        match to_status {
            Some(to) if errors.is_empty() => {
                Ok(Self { to, reason: parsed_reason, internal_note, objector_note, public_summary })
            }
            _ => Err(errors),
        }
    }
}

fn move_error(e: &MoveError) -> AppError {
    match e {
        MoveError::NotAllowed { .. } => AppError::conflict(e.to_string()),
        MoveError::ReasonMissing | MoveError::ReasonNotExpected => AppError::invalid("reason", e.to_string()),
    }
}

/// Moves a case one step, as an event in the ledger, and records the action in the audit log.
///
/// # Errors
/// `Conflict` for a move the workflow does not allow from where the case stands now;
/// `Validation` for a missing or unexpected reason; access refusals; database failure.
pub async fn transition(
    db: &DatabaseConnection,
    postbox: &Postbox,
    actor: &Actor,
    id: i32,
    req: &TransitionRequest,
    now: DateTime<Utc>,
) -> AppResult<objections::Model> {
    let now = super::ledger::micros(now);
    let txn = crate::db::begin_write(db).await?;
    let (case, _) = case_for(&txn, actor, Action::HandleObjection, id).await?;
    let from = Status::parse(&case.status).map_or_else(|| case.status.clone(), |s| s.label().to_owned());
    let case = apply_move(&txn, postbox, case, req, Some(actor.user_id), now).await?;
    let detail = format!("{from} → {}", req.to.label());
    let mut entry = actor.audit("objection.transition", "objection", Some(case.id.to_string()));
    entry.detail = Some(detail);
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    postbox.wake();
    Ok(case)
}

/// Moves `case` one step inside the caller's write transaction: the row and its ledgered
/// event. [`transition`] calls it after the access check; the demo history calls it as the
/// handlers it plays.
///
/// # Errors
/// As [`transition`], without the access refusals.
pub async fn apply_move<C: ConnectionTrait>(
    txn: &C,
    postbox: &Postbox,
    case: objections::Model,
    req: &TransitionRequest,
    by: Option<i32>,
    now: DateTime<Utc>,
) -> AppResult<objections::Model> {
    let now = super::ledger::micros(now);
    let id = case.id;
    let from = Status::parse(&case.status)
        .ok_or_else(|| AppError::internal(format!("case {id} has status {}", case.status)))?;
    Move { to: req.to, reason: req.reason }.check(from).map_err(|e| move_error(&e))?;
    let objector_note = req.objector_note.clone().or_else(|| req.reason.map(RefusalReason::refusal_label));
    let mut row: objections::ActiveModel = case.into();
    row.status = Set(req.to.code().to_owned());
    if let Some(reason) = req.reason {
        row.refusal_reason = Set(Some(reason.code().to_owned()));
    }
    if req.to.is_closed() {
        row.conclusion_summary = Set(Some(objector_note.clone().unwrap_or_else(|| req.to.label().to_owned())));
        row.public_summary = Set(req.public_summary.clone());
        row.concluded_at = Set(Some(now));
    }
    let case = row.update(txn).await?;
    service::append_event(txn, &case, Some(from), req.to, by, req.internal_note.clone(), objector_note, now).await?;
    super::notify::on_move(txn, postbox, &case, now).await?;
    Ok(case)
}

/// Assigns the case to a handler of its unit (an admin or handler account), or clears it.
///
/// # Errors
/// `Validation` when the account cannot handle this unit's cases; access refusals; database
/// failure.
pub async fn assign(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    handler: Option<i32>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let (case, notice) = case_for(&txn, actor, Action::HandleObjection, id).await?;
    if let Some(user_id) = handler {
        let fits = users::Entity::find_by_id(user_id).one(&txn).await?.is_some_and(|u| {
            u.unit_id == notice.unit_id && u.is_active && matches!(u.role.as_str(), "admin" | "handler")
        });
        if !fits {
            return Err(AppError::invalid("user_id", "只能指派给本单位的异议处理人员或管理员"));
        }
    }
    let mut row: objections::ActiveModel = case.into();
    row.assigned_to = Set(handler);
    row.update(&txn).await?;
    let mut entry = actor.audit("objection.assign", "objection", Some(id.to_string()));
    entry.detail = Some(handler.map_or_else(|| "取消指派".to_owned(), |u| format!("指派给用户 #{u}")));
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Records that an organisation's sealed letter (加盖公章的书面材料) has arrived.
///
/// # Errors
/// `Conflict` when no letter is awaited; access refusals; database failure.
pub async fn receive_sealed_letter(
    db: &DatabaseConnection,
    actor: &Actor,
    id: i32,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let txn = crate::db::begin_write(db).await?;
    let (case, _) = case_for(&txn, actor, Action::HandleObjection, id).await?;
    if SealedLetter::parse(&case.sealed_letter) != Some(SealedLetter::Pending) {
        return Err(AppError::conflict("该异议没有待收的书面材料"));
    }
    let mut row: objections::ActiveModel = case.into();
    row.sealed_letter = Set(SealedLetter::Received.code().to_owned());
    row.update(&txn).await?;
    let mut entry = actor.audit("objection.sealed_letter", "objection", Some(id.to_string()));
    entry.detail = Some(format!("书面材料于{}收到", datetime_zh(now)));
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    Ok(())
}

/// Who objected, as the handling staff may see it. `erased` once the retention has passed.
#[derive(Debug, Clone, Serialize)]
pub struct IdentityView {
    pub objector_kind: &'static str,
    pub name: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub organization: Option<String>,
    pub contact_person: Option<String>,
    pub erased: bool,
}

/// The objector's identity, for staff handling the case. Each look is written to the audit
/// log ("objection.identity.view") before the identity is returned.
///
/// # Errors
/// Access refusals (only admins and handlers of the notice's unit); database failure.
pub async fn view_identity(
    db: &DatabaseConnection,
    sealer: &crate::keys::Sealer,
    actor: &Actor,
    id: i32,
    now: DateTime<Utc>,
) -> AppResult<IdentityView> {
    let txn = crate::db::begin_write(db).await?;
    let (case, _) = case_for(&txn, actor, Action::ViewObjectorIdentity, id).await?;
    let row = objector_identities::Entity::find_by_id(id).one(&txn).await?;
    let identity = row.as_ref().map(|r| super::identity::open(sealer, r)).transpose()?.unwrap_or_default();
    let erased = row.is_some_and(|r| r.erased_at.is_some());
    audit::record(&txn, actor.audit("objection.identity.view", "objection", Some(id.to_string())), now).await?;
    txn.commit().await?;
    Ok(IdentityView {
        objector_kind: ObjectorKind::parse(&case.objector_kind).map_or("", ObjectorKind::label),
        erased,
        name: identity.name,
        phone: identity.phone,
        email: identity.email,
        organization: identity.organization,
        contact_person: identity.contact_person,
    })
}

/// An objection that reached the unit by phone, letter, e-mail or in person, as staff enter it.
#[derive(Debug, Clone, Default, Serialize)]
pub struct RegistrationInput {
    pub filing: FilingInput,
    pub channel: String,
    /// When it reached the unit, China time: `2025-03-14`, `2025-03-14 18:30` or
    /// `2025-03-14T18:30[:ss]`. For a letter without `postmarked_on` under postmark rules, it is
    /// taken as the postmark (how letters were always entered).
    pub claimed_at: String,
    /// A letter's postmark date, same forms; optional.
    pub postmarked_on: String,
}

/// When a registered objection reached the unit and, for a letter, its postmark.
#[derive(Debug, Clone, Copy)]
pub struct Arrival {
    pub channel: Channel,
    pub arrived: DateTime<Utc>,
    pub postmark: Option<DateTime<Utc>>,
}

impl Arrival {
    /// The instant that decides lateness under the notice's rules (campaign setting
    /// `letters_by`): a letter's postmark when letters count by postmark, else its arrival.
    #[must_use]
    pub fn counting(&self, rules: NoticeRules) -> DateTime<Utc> {
        match (self.channel, rules.letters_by) {
            (Channel::Letter, LettersBy::Postmark) => self.postmark.unwrap_or(self.arrived),
            _ => self.arrived,
        }
    }

    /// What the counting instant is called.
    #[must_use]
    pub fn counting_label(&self, rules: NoticeRules) -> &'static str {
        counting_label(self.channel, rules)
    }
}

/// What the instant deciding a registered objection's lateness is called.
#[must_use]
pub fn counting_label(channel: Channel, rules: NoticeRules) -> &'static str {
    match (channel, rules.letters_by) {
        (Channel::Letter, LettersBy::Postmark) => "邮戳日期",
        (Channel::Letter, LettersBy::Arrival) => "收到日期",
        _ => "收到时间",
    }
}

/// Reads a China-time date or date-time. A date alone means its first instant, which is how a
/// postmark dated the last day of the period counts as in time.
#[must_use]
pub fn parse_china_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim().replace('T', " ");
    let local = ["%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&s, f).ok())
        .or_else(|| NaiveDate::parse_from_str(&s, "%Y-%m-%d").ok().map(|d| d.and_time(chrono::NaiveTime::MIN)))?;
    Shanghai.from_local_datetime(&local).single().map(|t| t.with_timezone(&Utc))
}

/// Registers an objection received through another channel. Its arrival decides whether it is
/// in time, or for a letter its postmark when the notice's rules count letters by postmark;
/// the time of registering is kept apart.
///
/// # Errors
/// `Validation` for a malformed entry; access refusals; database failure.
pub async fn register(
    db: &DatabaseConnection,
    keys: &crate::secrets::Secrets,
    postbox: &Postbox,
    actor: &Actor,
    notice_id: i32,
    input: &RegistrationInput,
    now: DateTime<Utc>,
) -> AppResult<Recorded> {
    let notice = notice_for_objection(db, notice_id, now).await?;
    policy::require(db, actor, Action::HandleObjection, notice.published.notice.unit_id).await?;
    let mut errors = Vec::new();
    let channel = Channel::parse(&input.channel).filter(|c| *c != Channel::Web);
    if channel.is_none() {
        errors.push(FieldError::new("channel", "请选择收到异议的方式（电话、信函、电子邮件或当面）"));
    }
    let arrival = arrival_of(channel, input, now, &mut errors);
    // Staff enter what the objector said; the web form's truthfulness declaration is theirs.
    let filing_input = FilingInput { declaration: true, ..input.filing.clone() };
    let filing = match filing_input.validate(&notice.project_ids()) {
        Ok(f) if errors.is_empty() => f,
        Ok(_) => return Err(AppError::Validation(errors)),
        Err(mut more) => {
            errors.append(&mut more);
            return Err(AppError::Validation(errors));
        }
    };
    let Some(arrival) = arrival else { return Err(AppError::Validation(errors)) };
    let rules = notice.rules();
    let case = registration_case(&notice, filing, arrival, Some(actor.user_id), now);
    let txn = crate::db::begin_write(db).await?;
    let recorded = service::record(&txn, &case, keys, postbox).await?;
    let mut entry = actor.audit("objection.register", "objection", Some(recorded.objection.id.to_string()));
    entry.detail = Some(arrival_text(&arrival, rules));
    audit::record(&txn, entry, now).await?;
    txn.commit().await?;
    postbox.wake();
    Ok(recorded)
}

/// Reads the arrival and postmark of a registration, pushing a message per bad field.
fn arrival_of(
    channel: Option<Channel>,
    input: &RegistrationInput,
    now: DateTime<Utc>,
    errors: &mut Vec<FieldError>,
) -> Option<Arrival> {
    let arrived = parse_china_time(&input.claimed_at);
    match arrived {
        None => errors.push(FieldError::new("claimed_at", "请填写收到时间，如 2025-03-14 或 2025-03-14 18:30")),
        Some(t) if t > now => errors.push(FieldError::new("claimed_at", "收到时间不能晚于现在")),
        Some(_) => {}
    }
    let postmark = match input.postmarked_on.trim() {
        "" => None,
        _ if channel != Some(Channel::Letter) => {
            errors.push(FieldError::new("postmarked_on", "只有信函才有邮戳日期"));
            None
        }
        text => {
            let parsed = parse_china_time(text);
            match (parsed, arrived) {
                (None, _) => errors.push(FieldError::new("postmarked_on", "邮戳日期格式不对，如 2025-03-14")),
                (Some(p), Some(a)) if p > a => {
                    errors.push(FieldError::new("postmarked_on", "邮戳日期不能晚于收到时间"));
                }
                _ => {}
            }
            parsed
        }
    };
    Some(Arrival { channel: channel?, arrived: arrived?, postmark })
}

/// "信函，邮戳日期2025年3月14日 00:00（收到时间2025年3月17日 09:00）": how it came, the
/// instant that counts and, when different, the other.
fn arrival_text(arrival: &Arrival, rules: NoticeRules) -> String {
    let counting = arrival.counting(rules);
    let mut text = format!("{}，{}{}", arrival.channel.label(), arrival.counting_label(rules), datetime_zh(counting));
    if counting != arrival.arrived {
        text.push_str(&format!("（收到时间{}）", datetime_zh(arrival.arrived)));
    } else if let Some(p) = arrival.postmark.filter(|p| *p != counting) {
        text.push_str(&format!("（邮戳日期{}）", datetime_zh(p)));
    }
    text
}

/// The case for an objection staff register: the counting instant of its arrival decides
/// lateness, the time of registering is kept apart, and an organisation's letter is its sealed letter.
#[must_use]
pub fn registration_case(
    notice: &NoticeForObjection,
    filing: Filing,
    arrival: Arrival,
    registered_by: Option<i32>,
    now: DateTime<Utc>,
) -> NewCase {
    let rules = notice.rules();
    let channel = arrival.channel;
    let counting = arrival.counting(rules);
    let sealed_letter = match (filing.objector_kind, channel) {
        (ObjectorKind::Organization, Channel::Letter) => SealedLetter::Received,
        (kind, _) => SealedLetter::initial(kind),
    };
    NewCase {
        notice_id: notice.id(),
        notice_title: notice.title().to_owned(),
        project_name: notice.project_name(filing.project_id),
        channel,
        received_at: counting,
        claimed_at: Some(counting),
        registered_at: now,
        registered_by,
        // Staff registering a letter, a call or an e-mail judge its evidence themselves.
        refusal: refusal_on_arrival(&filing, notice.closes_at(), counting, ArrivalRules::of(&rules), true),
        closes_at: notice.closes_at(),
        handling_due_at: notice.handling_due_at(),
        idempotency_key: None,
        lookup_key: super::codes::new_lookup_key(),
        attachments: Vec::new(),
        sealed_letter,
        received_note: Some(format!("异议已接收（{}），由工作人员登记。", arrival_text(&arrival, rules))),
        filing,
    }
}

/// An evidence file of a case the actor handles.
///
/// # Errors
/// `NotFound`/`Forbidden` by the policy, or when the file is not this case's; database failure.
pub async fn attachment_of_case(
    db: &DatabaseConnection,
    actor: &Actor,
    objection_id: i32,
    attachment_id: i32,
) -> AppResult<entity::objection_attachments::Model> {
    case_for(db, actor, Action::HandleObjection, objection_id).await?;
    entity::objection_attachments::Entity::find_by_id(attachment_id)
        .one(db)
        .await?
        .filter(|a| a.objection_id == objection_id)
        .ok_or(AppError::NotFound)
}

/// An evidence file for download, with the download written to the audit log: evidence can
/// carry the objector's name and handwriting, so each download is recorded like a look at the
/// identity. The bytes are read before the record is written, so only a file actually sent is
/// logged, and a download whose record cannot be written is not sent.
///
/// # Errors
/// As [`attachment_of_case`]; `NotFound` for a key that is not one of the store's; I/O or
/// database failure.
pub async fn download_attachment(
    db: &DatabaseConnection,
    store: &super::attachments::Store,
    actor: &Actor,
    objection_id: i32,
    attachment_id: i32,
    now: DateTime<Utc>,
) -> AppResult<(entity::objection_attachments::Model, Vec<u8>)> {
    let file = attachment_of_case(db, actor, objection_id, attachment_id).await?;
    let path = store.path_of(&file.storage_key).ok_or(AppError::NotFound)?;
    let bytes = tokio::fs::read(&path).await.map_err(|e| AppError::internal(format!("{}: {e}", path.display())))?;
    let entry = audit::AuditEntry {
        detail: Some(format!("证据文件 #{}「{}」", file.id, file.file_name)),
        ..actor.audit("objection.attachment.download", "objection", Some(objection_id.to_string()))
    };
    audit::record(db, entry, now).await?;
    Ok((file, bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn china_times_are_read_as_staff_type_them() {
        let at = |s| parse_china_time(s).map(|t| t.to_rfc3339());
        assert_eq!(at("2025-03-14").as_deref(), Some("2025-03-13T16:00:00+00:00"));
        assert_eq!(at("2025-03-14 18:30").as_deref(), Some("2025-03-14T10:30:00+00:00"));
        assert_eq!(at("2025-03-14T18:30:15").as_deref(), Some("2025-03-14T10:30:15+00:00"));
        assert_eq!(at("14/03/2025"), None);
    }

    #[test]
    fn a_transition_request_is_checked_field_by_field() {
        let notes = Notes {
            internal: " 对等级有不同意见 ", public_summary: "不属于异议范围", ..Notes::default()
        };
        let ok = TransitionRequest::parse("refused", "out_of_scope", notes).unwrap();
        assert_eq!(ok.reason, Some(RefusalReason::OutOfScope));
        assert_eq!(ok.internal_note.as_deref(), Some("对等级有不同意见"));
        assert_eq!((ok.objector_note, ok.public_summary.as_deref()), (None, Some("不属于异议范围")));
        let long = "字".repeat(2001);
        let errors =
            TransitionRequest::parse("done", "bogus", Notes { objector: &long, ..Notes::default() }).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["to", "reason", "objector_note"]);
        let early = Notes { public_summary: "尚未核查", ..Notes::default() };
        let errors = TransitionRequest::parse("investigating", "", early).unwrap_err();
        assert_eq!(errors[0].field, "public_summary", "a public summary belongs to a conclusion");
    }
}
