//! Telling an objector by e-mail of each step of their case, when they asked on the form:
//! received, accepted or refused (with the reason), in verification, concluded (with the public
//! handling summary), withdrawn. Each message is posted in the transaction of the step itself.
//!
//! A message carries the receipt code and a link to the lookup page, never the lookup key (a
//! forwarded mail must not open the case), and of what staff wrote only the public summary:
//! the note for the objector stays behind the lookup key.
use super::service::WHOLE_NOTICE_NAME;
use super::{RefusalReason, Status};
use crate::china_time::datetime_zh;
use crate::error::AppResult;
use crate::mail::{Letter, Mail, Postbox};
use chrono::{DateTime, Utc};
use entity::{objections, objector_identities, projects};
use sea_orm::{ConnectionTrait, EntityTrait};

/// The case as a message speaks of it.
pub(super) struct About {
    pub notice_title: String,
    pub unit_id: i32,
    pub project_name: String,
}

pub(super) async fn about<C: ConnectionTrait>(db: &C, case: &objections::Model) -> AppResult<About> {
    let published = crate::notices::service::latest_published(db, case.notice_id).await?;
    let (notice_title, unit_id) = match published {
        Some(p) => (p.revision.title, p.notice.unit_id),
        None => {
            let notice = crate::notices::service::notice(db, case.notice_id).await?;
            (String::new(), notice.unit_id)
        }
    };
    let project_name = match case.project_id {
        Some(id) => projects::Entity::find_by_id(id).one(db).await?.map(|p| p.name).unwrap_or_default(),
        None => WHOLE_NOTICE_NAME.to_owned(),
    };
    Ok(About { notice_title, unit_id, project_name })
}

/// The first message, when a case is recorded: received, or received and refused at once (late,
/// anonymous, no evidence). `email` is the address the objector typed.
///
/// # Errors
/// Database failure.
pub async fn on_recorded<C: ConnectionTrait>(
    db: &C,
    postbox: &Postbox,
    case: &objections::Model,
    email: Option<&str>,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let Some(email) = email.filter(|_| case.notify_by_email && postbox.enabled()) else { return Ok(()) };
    let about = about(db, case).await?;
    let status = Status::stored(&case.status)?;
    post(db, postbox, case, &about, status, email, now).await
}

/// The message for the step `case` has just taken, to the address the objector gave (none once
/// their identity has been erased).
///
/// # Errors
/// Database failure; an identity the master key cannot open.
pub async fn on_move<C: ConnectionTrait>(
    db: &C,
    postbox: &Postbox,
    case: &objections::Model,
    now: DateTime<Utc>,
) -> AppResult<()> {
    if !case.notify_by_email || !postbox.enabled() {
        return Ok(());
    }
    let Some(sealer) = postbox.sealer() else { return Ok(()) };
    let Some(row) = objector_identities::Entity::find_by_id(case.id).one(db).await? else { return Ok(()) };
    let Some(email) = super::identity::open(sealer, &row)?.email else { return Ok(()) };
    let about = about(db, case).await?;
    let status = Status::stored(&case.status)?;
    post(db, postbox, case, &about, status, &email, now).await
}

async fn post<C: ConnectionTrait>(
    db: &C,
    postbox: &Postbox,
    case: &objections::Model,
    about: &About,
    status: Status,
    email: &str,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let letter = letter(postbox, case, about, status);
    let mail = Mail {
        kind: kind(status),
        to: email.to_owned(),
        letter,
        unit_id: Some(about.unit_id),
        objection_id: Some(case.id),
        list: None,
    };
    postbox.post(db, mail, now).await
}

fn kind(status: Status) -> &'static str {
    match status {
        Status::Received => "objection.received",
        Status::Accepted => "objection.accepted",
        Status::Refused => "objection.refused",
        Status::Investigating => "objection.investigating",
        Status::Upheld => "objection.upheld",
        Status::Dismissed => "objection.dismissed",
        Status::Withdrawn => "objection.withdrawn",
    }
}

/// The subject's first words: 异议已受理, 异议处理结论（异议不成立）, …
fn headline(status: Status) -> String {
    match status {
        Status::Upheld | Status::Dismissed => format!("异议处理结论（{}）", status.label()),
        Status::Investigating => "异议进入核查".to_owned(),
        other => format!("异议{}", other.label()),
    }
}

/// What the objector reads at each step.
fn letter(postbox: &Postbox, case: &objections::Model, about: &About, status: Status) -> Letter {
    let code = super::codes::grouped(&case.receipt_code);
    let opening = match status {
        Status::Received => {
            format!("您对“{}”提出的异议已于{}收到。", about.notice_title, datetime_zh(case.received_at))
        }
        Status::Accepted => "您提出的异议已受理，处理单位将进行核查。".to_owned(),
        Status::Refused => "您提出的异议不予受理。".to_owned(),
        Status::Investigating => "您提出的异议已进入核查。".to_owned(),
        Status::Upheld | Status::Dismissed => format!("您提出的异议已有处理结论：{}。", status.label()),
        Status::Withdrawn => "您提出的异议已撤回。".to_owned(),
    };
    let mut facts = vec![
        ("回执码".to_owned(), code.clone()),
        ("公示".to_owned(), about.notice_title.clone()),
        ("异议对象".to_owned(), about.project_name.clone()),
        ("当前状态".to_owned(), status.label().to_owned()),
    ];
    let reason = case.refusal_reason.as_deref().and_then(RefusalReason::parse);
    if let (Status::Refused, Some(reason)) = (status, reason) {
        facts.push(("不予受理理由".to_owned(), reason.refusal_label()));
    }
    if status == Status::Received {
        facts.push(("处理期限".to_owned(), datetime_zh(case.handling_due_at)));
    }
    let mut after = Vec::new();
    if let Some(summary) = case.public_summary.as_deref().filter(|_| status.is_closed()) {
        after.push(format!("处理情况：\n{summary}"));
    }
    Letter {
        subject: format!("{}：回执码 {code}", headline(status)),
        paragraphs: vec![opening],
        facts,
        after,
        link: Some((
            "查询处理进展（需输入提交时获得的查询密钥）".to_owned(),
            postbox.link(&format!("/objections/lookup?code={}", case.receipt_code)),
        )),
        footer: vec![
            "您在提出异议时选择了用电子邮件接收处理进展，因此收到本邮件。本邮件由系统自动发送，请勿回复。".to_owned(),
            "为保护您的隐私，邮件中不含查询密钥和处理单位写给您的说明；请凭回执码和查询密钥在查询页面查看。".to_owned(),
        ],
    }
}
