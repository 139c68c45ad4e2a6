//! One error type for the whole application. It knows nothing of HTTP: `web::errors` maps it to
//! responses in exactly one place (a Chinese HTML page for pages, problem+json for `/api/`).
use serde::Serialize;
use std::fmt;

/// A message about one input field: `field` as the request names it (the JSON field `code`, a
/// form field, or a file's column 项目名称), `label` as people see it beside the input (单位代码),
/// `message` in Chinese (`第7行 项目名称：不能为空`).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, utoipa::ToSchema)]
#[schema(as = FieldErrorSchema)]
pub struct FieldError {
    /// The field as the request names it, e.g. `project_id`
    pub field: String,
    /// The field as a person reads it, e.g. 项目
    pub label: String,
    pub message: String,
}

impl FieldError {
    /// An error labelled from [`FIELD_LABELS`]; a domain whose words differ relabels with
    /// [`labelled`].
    pub fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        let field = field.into();
        Self { label: label_of(&field), field, message: message.into() }
    }

    /// One line for a terminal or a summary: `活动代码：应为…`, or the message alone when it
    /// already begins with the label (标题不能为空).
    #[must_use]
    pub fn sentence(&self) -> String {
        if self.label.is_empty() || self.message.starts_with(&self.label) {
            self.message.clone()
        } else {
            format!("{}：{}", self.label, self.message)
        }
    }
}

/// The errors relabelled with a domain's own words (a campaign's `code` is 活动代码, a unit's
/// 单位代码). The field keeps the name the request used.
#[must_use]
pub fn labelled(errors: Vec<FieldError>, labels: &[(&str, &str)]) -> Vec<FieldError> {
    errors
        .into_iter()
        .map(|e| match labels.iter().find(|(field, _)| *field == base_name(&e.field)) {
            Some((_, label)) => FieldError { label: (*label).to_owned(), ..e },
            None => e,
        })
        .collect()
}

/// The Chinese label of every field name an input error can carry, as the forms show it.
/// Domains where a name means something narrower relabel with [`labelled`]. A test reads the
/// sources and fails on a field name missing here.
pub const FIELD_LABELS: &[(&str, &str)] = &[
    ("action", "操作"),
    ("addresses", "邮箱列表"),
    ("attachments", "证明材料"),
    ("award_grades", "奖励等级"),
    ("body_md", "正文"),
    ("campaign", "征集活动"),
    ("campaign_id", "征集活动"),
    ("category", "异议类别"),
    ("channel", "收到方式"),
    ("claimed_at", "收到时间"),
    ("closing_time", "截止时间"),
    ("code", "代码"),
    ("completers", "完成人"),
    ("completing_units", "完成单位"),
    ("confirm_password", "确认密码"),
    ("description", "用途"),
    ("contact_address", "通信地址"),
    ("contact_email", "电子邮箱"),
    ("contact_person", "联系人"),
    ("contact_phone", "联系电话"),
    ("content", "异议内容"),
    ("current_password", "当前密码"),
    ("deadline_margin_days", "报送期限前预留天数"),
    ("deadlines", "报送期限"),
    ("decision", "确认结果"),
    ("declaration", "声明"),
    ("display_name", "姓名"),
    ("doc_number", "文号"),
    ("doc_title", "文件标题"),
    ("edition", "届次"),
    ("eligibility", "申报条件"),
    ("email", "电子邮箱"),
    ("ends_on", "结束日期"),
    ("event_types", "事件类型"),
    ("exclusions_declared", "排除情形声明"),
    ("frequency", "发送频率"),
    ("grade", "等级"),
    ("handling_days", "异议处理天数"),
    ("idempotency_key", "Idempotency-Key"),
    ("import_key", "申报编号"),
    ("ip_items", "知识产权"),
    ("is_active", "启用"),
    ("json", "请求内容"),
    ("key_technology", "关键技术"),
    ("kind", "类别"),
    ("level", "公示层级"),
    ("name", "名称"),
    ("note", "说明"),
    ("notice", "公示"),
    ("notice_days", "公示天数"),
    ("notice_id", "公示"),
    ("notify_by_email", "邮件通知"),
    ("objector_kind", "异议人类别"),
    ("organization", "单位名称"),
    ("outcomes", "公示结果"),
    ("over_limit_reason", "超额说明"),
    ("page", "页码"),
    ("parent_id", "上级单位"),
    ("password", "密码"),
    ("per_page", "每页条数"),
    ("phone", "电话"),
    ("postmarked_on", "邮戳日期"),
    ("project_id", "项目"),
    ("projects", "项目"),
    ("public_note", "公开说明"),
    ("public_summary", "公开的处理情况"),
    ("quotas", "推荐名额"),
    ("reason", "理由"),
    ("recommend_limit", "推荐限额"),
    ("retention_days", "异议人身份信息保存天数"),
    ("role", "角色"),
    ("scan", "扫描件"),
    ("scope", "订阅范围"),
    ("short_name", "简称"),
    ("starts_on", "开始日期"),
    ("state", "发送状态"),
    ("status", "状态"),
    ("title", "标题"),
    ("to", "处理结果"),
    ("token", "链接令牌"),
    ("unit", "单位"),
    ("unit_id", "单位"),
    ("url", "接收地址"),
    ("user_id", "用户"),
    ("username", "用户名"),
    ("valid_days", "有效天数"),
    ("year", "年度"),
];

/// `deadlines[2]` and `completers[0].name` are labelled as their list is.
fn base_name(field: &str) -> &str {
    field.split(['[', '.']).next().unwrap_or(field)
}

/// A field's label: from [`FIELD_LABELS`], or the name itself when it is already in Chinese
/// (a file's column) or unknown.
fn label_of(field: &str) -> String {
    let base = base_name(field);
    FIELD_LABELS
        .iter()
        .find(|(name, _)| *name == base)
        .map_or_else(|| field.to_owned(), |(_, label)| (*label).to_owned())
}

#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error("页面不存在")]
    NotFound,
    #[error("请先登录")]
    Unauthenticated,
    #[error("没有权限")]
    Forbidden,
    /// Refused whoever asks in this way, with the reason said (403).
    #[error("{0}")]
    ForbiddenBecause(String),
    #[error("输入有误")]
    Validation(Vec<FieldError>),
    /// Well-formed input naming what another record already has (a unit code, a username).
    #[error("已被使用")]
    Taken(Vec<FieldError>),
    #[error("{0}")]
    BadRequest(String),
    /// The request conflicts with the state of things (e.g. the notice has closed).
    #[error("{message}")]
    Conflict { message: String, detail: Option<serde_json::Value> },
    /// Refused for now by a limit on how often (sign-ins, filings); may try again later.
    #[error("请求过于频繁，请{retry_after_secs}秒后再试")]
    Throttled { retry_after_secs: u64 },
    /// Over a size limit (an upload, a body, a workbook).
    #[error("请求内容过大")]
    TooLarge,
    /// Something broke inside. The cause is logged under `error_id`; the user sees only the id.
    #[error("服务器内部错误")]
    Internal { error_id: String },
}

impl AppError {
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict { message: message.into(), detail: None }
    }

    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation(vec![FieldError::new(field, message)])
    }

    pub fn taken(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Taken(vec![FieldError::new(field, message)])
    }

    /// The same error with its fields relabelled in a domain's words (see [`labelled`]).
    #[must_use]
    pub fn relabelled(self, labels: &[(&str, &str)]) -> Self {
        match self {
            Self::Validation(errors) => Self::Validation(labelled(errors, labels)),
            Self::Taken(errors) => Self::Taken(labelled(errors, labels)),
            other => other,
        }
    }

    /// A code read from the database that this version does not know (a corrupt row, or one
    /// written by a newer version): logged and refused, never guessed at.
    pub fn unknown_stored(what: &str, value: impl fmt::Display) -> Self {
        Self::internal(format!("unknown stored {what}: «{value}»"))
    }

    /// Logs the cause with a fresh id and hides it from the response.
    pub fn internal(cause: impl fmt::Display) -> Self {
        let error_id = uuid::Uuid::new_v4().simple().to_string()[..12].to_owned();
        tracing::error!(error_id = %error_id, "internal error: {cause}");
        Self::Internal { error_id }
    }
}

impl From<sea_orm::DbErr> for AppError {
    fn from(e: sea_orm::DbErr) -> Self {
        if let sea_orm::DbErr::RecordNotFound(_) = e {
            return Self::NotFound;
        }
        // PostgreSQL refuses text longer than a column holds (SQLSTATE 22001); the fields are
        // checked before they get here, so this is the net under one that was missed.
        if e.to_string().contains("value too long for type") {
            tracing::warn!(error = %e, "input longer than its column");
            return Self::invalid("", "有一项内容过长，请缩短后重试");
        }
        // PostgreSQL cannot store a NUL in text (SQLSTATE 22021); the forms refuse control
        // characters, and this is the net under any field that does not.
        if e.to_string().contains("invalid byte sequence for encoding") {
            tracing::warn!(error = %e, "input the database cannot store");
            return Self::invalid("", "内容中含有无法保存的字符（如 NUL），请删除后重试");
        }
        Self::internal(e)
    }
}

impl From<sea_orm::TransactionError<AppError>> for AppError {
    fn from(e: sea_orm::TransactionError<AppError>) -> Self {
        match e {
            sea_orm::TransactionError::Connection(db) => db.into(),
            sea_orm::TransactionError::Transaction(app) => app,
        }
    }
}

/// Pages return this: an [`AppError`] rendered as HTML.
#[derive(Debug)]
pub struct PageError(pub AppError);

/// API handlers return this: an [`AppError`] rendered as problem+json.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl<E: Into<AppError>> From<E> for PageError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}
impl<E: Into<AppError>> From<E> for ApiError {
    fn from(e: E) -> Self {
        Self(e.into())
    }
}
impl fmt::Display for PageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}
pub type AppResult<T> = Result<T, AppError>;
pub type PageResult<T> = Result<T, PageError>;
pub type ApiResult<T> = Result<T, ApiError>;

#[cfg(test)]
mod tests {
    use super::{FieldError, label_of, labelled};
    use std::path::{Path, PathBuf};

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                rust_files(&path, out);
            } else if path.extension().is_some_and(|e| e == "rs") {
                out.push(path);
            }
        }
    }

    /// The field names written as the first argument of an error in the sources.
    fn field_names_in(text: &str) -> Vec<&str> {
        let mut names = Vec::new();
        for call in ["FieldError::new(", "invalid(", "taken(", "fail("] {
            for (at, _) in text.match_indices(call) {
                let rest = text[at + call.len()..].trim_start();
                if let Some((name, _)) = rest.strip_prefix('"').and_then(|r| r.split_once('"')) {
                    names.push(name);
                }
            }
        }
        names
    }

    #[test]
    fn every_field_an_error_names_in_the_sources_has_a_chinese_label() {
        let mut files = Vec::new();
        rust_files(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let mut unlabelled = Vec::new();
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap();
            for name in field_names_in(&text) {
                let is_name = !name.is_empty() && name.chars().all(|c| c.is_ascii_lowercase() || c == '_');
                if is_name && label_of(name) == name {
                    unlabelled.push(format!("{}: {name}", file.display()));
                }
            }
        }
        assert!(files.len() > 100, "the sources were read");
        assert!(unlabelled.is_empty(), "fields with no label in FIELD_LABELS: {unlabelled:#?}");
    }

    #[test]
    fn a_sentence_names_the_label_once() {
        assert_eq!(FieldError::new("project_id", "请选择项目").sentence(), "项目：请选择项目");
        assert_eq!(FieldError::new("title", "标题不能为空").sentence(), "标题不能为空");
        assert_eq!(FieldError::new("deadlines[2]", "单位不存在").label, "报送期限");
        assert_eq!(FieldError::new("", "有一项内容过长").sentence(), "有一项内容过长");
        let campaign = labelled(vec![FieldError::new("code", "应为字母或数字")], &[("code", "活动代码")]);
        assert_eq!(
            (campaign[0].field.as_str(), campaign[0].sentence()),
            ("code", "活动代码：应为字母或数字".to_owned())
        );
    }
}
