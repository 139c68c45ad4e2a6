//! Turning objection data into what the public templates show: the form, the receipt, the
//! lookup result. No identity ever enters these contexts except the form's own values, shown
//! back to the person who typed them.
use super::codes::grouped;
use super::filing::{FilingInput, MAX_CONTENT_CHARS};
use super::lookup::PublicCase;
use super::service::{NoticeForObjection, ProjectChoice, Recorded};
use super::{Category, Channel, ObjectorKind, RefusalReason, Status};
use crate::china_time::{close_zh, datetime_zh};
use crate::error::{AppResult, FieldError};
use crate::receipts::Receipt;
use chrono::{DateTime, Utc};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub code: &'static str,
    pub label: &'static str,
}

fn choices<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str) -> Vec<Choice> {
    all.iter().map(|v| Choice { code: code(*v), label: label(*v) }).collect()
}

/// The notice as a heading.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeHeading {
    pub id: i32,
    pub title: String,
    pub period_text: String,
    pub closes_at_text: String,
    pub closed: bool,
}

impl NoticeHeading {
    #[must_use]
    pub fn of(notice: &NoticeForObjection, now: DateTime<Utc>) -> Self {
        Self {
            id: notice.id(),
            title: notice.title().to_owned(),
            period_text: notice.published.period.text(),
            closes_at_text: close_zh(notice.closes_at()),
            closed: now >= notice.closes_at(),
        }
    }
}

/// The objection form, empty or shown again with what was typed and what is wrong.
#[derive(Debug, Serialize)]
pub struct FormPage<'a> {
    pub title: &'static str,
    pub notice: NoticeHeading,
    pub projects: &'a [ProjectChoice],
    pub categories: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub values: &'a FilingInput,
    /// Field name → its messages, for showing beside the field.
    pub errors: BTreeMap<String, String>,
    pub error_list: &'a [FieldError],
    pub idempotency_key: String,
    pub csrf_token: String,
    pub max_content: usize,
    /// Who may object and how, as the notice's rules say.
    pub rules_hint: String,
    /// Whether the server sends mail, so the form offers to tell the objector by e-mail.
    pub mail_enabled: bool,
}

impl<'a> FormPage<'a> {
    #[must_use]
    pub fn new(
        notice: &'a NoticeForObjection,
        now: DateTime<Utc>,
        values: &'a FilingInput,
        errors: &'a [FieldError],
        idempotency_key: String,
        csrf_token: String,
    ) -> Self {
        let mut by_field: BTreeMap<String, String> = BTreeMap::new();
        for e in errors {
            by_field.entry(e.field.clone()).and_modify(|m| m.push('；')).or_default().push_str(&e.message);
        }
        Self {
            title: "提出异议",
            notice: NoticeHeading::of(notice, now),
            projects: &notice.projects,
            categories: choices(Category::ALL, Category::code, Category::label),
            kinds: choices(ObjectorKind::ALL, ObjectorKind::code, ObjectorKind::label),
            values,
            errors: by_field,
            error_list: errors,
            idempotency_key,
            csrf_token,
            max_content: MAX_CONTENT_CHARS,
            rules_hint: form_hint(&notice.rules()),
            mail_enabled: false,
        }
    }
}

/// The form's opening words, from the rules the notice was published under: whether names are
/// required and whether evidence must be attached.
#[must_use]
pub fn form_hint(rules: &crate::campaigns::NoticeRules) -> String {
    let who = if rules.require_real_name {
        "异议须实名提出：个人须填写真实姓名和电话或电子邮箱；以单位名义提出的，须填写单位名称、联系人和电话，\
         并在提交后寄送加盖公章的书面材料。匿名异议和逾期异议不予受理。"
    } else {
        "本公示接受不署名的异议，但请尽量留下电话或电子邮箱，以便核实和答复；以单位名义提出的，\
         须在提交后寄送加盖公章的书面材料。逾期异议不予受理。"
    };
    let evidence = if rules.refuse_without_evidence {
        "异议须附证据材料（可上传文件），未附证据的不予受理。"
    } else {
        "请写明具体事实，并尽量附上证据或可核查的线索。"
    };
    format!("公示期内，任何单位和个人均可对公示项目提出异议。{who}{evidence}")
}

/// The receipt, shown once after filing (with the lookup key) and printable.
#[derive(Debug, Serialize)]
pub struct ReceiptPage {
    pub title: &'static str,
    pub receipt_code: String,
    pub lookup_key: String,
    pub received_at_text: String,
    pub notice_title: String,
    pub notice_id: i32,
    pub project_name: String,
    pub category_label: &'static str,
    pub channel_label: &'static str,
    pub status_label: &'static str,
    pub refused: bool,
    pub refusal_label: Option<String>,
    pub refusal_note: Option<String>,
    pub content_excerpt: String,
    pub attachment_count: usize,
    pub token: String,
    pub verify_url: String,
    pub qr_svg: String,
    pub replayed: bool,
    /// The objector asked to be told by e-mail, and this server sends mail.
    pub email_updates: bool,
}

impl ReceiptPage {
    /// # Errors
    /// `Internal` when the receipt names a status this version does not know.
    pub fn new(recorded: &Recorded, receipt: &Receipt, verify_url: String, qr_svg: String) -> AppResult<Self> {
        let o = &recorded.objection;
        let status = Status::stored(&receipt.status)?;
        let reason = receipt.refusal_reason.as_deref().map(RefusalReason::stored).transpose()?;
        Ok(Self {
            title: "异议回执",
            receipt_code: grouped(&o.receipt_code),
            lookup_key: grouped(&recorded.lookup_key),
            received_at_text: datetime_zh(o.received_at),
            notice_title: receipt.notice_title.clone(),
            notice_id: receipt.notice_id,
            project_name: receipt.project_name.clone(),
            category_label: Category::stored(&receipt.category)?.label(),
            channel_label: Channel::stored(&receipt.channel)?.label(),
            status_label: status.label(),
            refused: status == Status::Refused,
            refusal_label: reason.map(RefusalReason::refusal_label),
            refusal_note: o.conclusion_summary.clone().filter(|_| reason.is_some()),
            content_excerpt: excerpt(&o.content, 200),
            attachment_count: receipt.attachments_sha256.len(),
            token: o.signature.clone(),
            verify_url,
            qr_svg,
            replayed: recorded.replayed,
            email_updates: false,
        })
    }
}

fn excerpt(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    out
}

/// The lookup form and, once asked, the case.
#[derive(Debug, Serialize)]
pub struct LookupPage<'a> {
    pub title: &'static str,
    pub csrf_token: String,
    pub code: &'a str,
    pub asked: bool,
    pub case: Option<LookupCase<'a>>,
}

#[derive(Debug, Serialize)]
pub struct LookupCase<'a> {
    pub receipt_code: String,
    pub status_label: &'static str,
    pub received_at_text: &'a str,
    pub timeline: Vec<LookupStep<'a>>,
}

#[derive(Debug, Serialize)]
pub struct LookupStep<'a> {
    pub at_text: &'a str,
    pub status_label: &'static str,
    pub note: Option<&'a str>,
}

impl<'a> LookupCase<'a> {
    #[must_use]
    pub fn of(case: &'a PublicCase) -> Self {
        Self {
            receipt_code: grouped(&case.receipt_code),
            status_label: case.status_label,
            received_at_text: &case.received_at_text,
            timeline: case
                .timeline
                .iter()
                .map(|s| LookupStep { at_text: &s.at_text, status_label: s.status_label, note: s.note.as_deref() })
                .collect(),
        }
    }
}

/// A QR code as inline SVG (no XML declaration, so it can sit inside HTML).
#[must_use]
pub fn qr_svg(text: &str) -> String {
    let Ok(code) = qrcode::QrCode::new(text.as_bytes()) else { return String::new() };
    let svg = code.render::<qrcode::render::svg::Color<'_>>().min_dimensions(200, 200).quiet_zone(true).build();
    svg.find("<svg").map_or(svg.clone(), |at| svg[at..].to_owned())
}
