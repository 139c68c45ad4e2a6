//! Reading a submission from the wire: `multipart/form-data` (the web form and API uploads,
//! files streamed to disk as they arrive), `application/x-www-form-urlencoded`, or JSON.
//! Whatever the shape, the result is the same [`Submission`].
use super::attachments::{CheckError, Incoming, MAX_FILE_BYTES, MAX_FILES, Refusal, Store};
use super::filing::FilingInput;
use super::quota::Quota;
use crate::error::{AppError, AppResult, FieldError};
use actix_web::HttpRequest;
use actix_web::http::header::CONTENT_TYPE;
use actix_web::web::{self, Bytes};
use futures_util::StreamExt as _;
use std::collections::HashMap;

/// The most text a submission can carry outside files (the content is at most 5,000
/// characters; the rest is small).
const MAX_TEXT_BYTES: usize = 64 * 1024;

/// The whole body, files included: five files of 10 MB and the text around them.
const MAX_BODY_BYTES: u64 = 5 * 10 * 1024 * 1024 + 1024 * 1024;

/// A submission as received.
#[derive(Debug, Default)]
pub struct Submission {
    pub input: FilingInput,
    /// Evidence files, checked and waiting in `incoming/`.
    pub files: Vec<(Incoming, super::attachments::Kind)>,
    /// Problems with the files, reported beside the other fields.
    pub file_errors: Vec<FieldError>,
    /// Any other fields (`csrf_token`, `idempotency_key`).
    pub extra: HashMap<String, String>,
}

impl Submission {
    #[must_use]
    pub fn extra(&self, name: &str) -> Option<&str> {
        self.extra.get(name).map(String::as_str).filter(|s| !s.is_empty())
    }
}

/// Reads the body by its content type. Files are held to `quota` before they are written.
///
/// # Errors
/// `BadRequest` for a body that cannot be read, `TooLarge` past the limits.
pub async fn read(
    req: &HttpRequest,
    payload: web::Payload,
    store: &Store,
    quota: &mut Quota<'_>,
) -> AppResult<Submission> {
    let content_type = req.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    match essence.as_str() {
        "multipart/form-data" => read_multipart(req, payload, store, quota).await,
        "application/x-www-form-urlencoded" => {
            let body = collect(payload, MAX_TEXT_BYTES).await?;
            // form_urlencoded reads any bytes (bad escapes and UTF-8 stay as they are): nothing to refuse here.
            let pairs: Vec<(String, String)> =
                url::form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
            Ok(from_fields(pairs, Vec::new(), Vec::new()))
        }
        "application/json" => {
            let body = collect(payload, MAX_TEXT_BYTES).await?;
            from_json(&body)
        }
        _ => Err(AppError::BadRequest("请以 JSON、表单或 multipart/form-data 提交".into())),
    }
}

async fn collect(mut payload: web::Payload, limit: usize) -> AppResult<Bytes> {
    let mut body = web::BytesMut::new();
    while let Some(chunk) = payload.next().await {
        let chunk = chunk.map_err(|_| AppError::BadRequest("请求内容不完整".into()))?;
        if body.len() + chunk.len() > limit {
            return Err(AppError::TooLarge);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

/// A JSON object; strings, numbers and booleans are read leniently so a wrong type becomes a
/// field error with a Chinese message instead of a bare 400.
fn from_json(body: &[u8]) -> AppResult<Submission> {
    let value: serde_json::Value =
        serde_json::from_slice(body).map_err(|_| AppError::BadRequest("请求体不是有效的 JSON".into()))?;
    let serde_json::Value::Object(map) = value else {
        return Err(AppError::BadRequest("请求体应为 JSON 对象".into()));
    };
    let pairs = map
        .into_iter()
        .map(|(k, v)| {
            let text = match v {
                serde_json::Value::String(s) => s,
                serde_json::Value::Null => String::new(),
                other => other.to_string(),
            };
            (k, text)
        })
        .collect();
    Ok(from_fields(pairs, Vec::new(), Vec::new()))
}

fn from_fields(
    pairs: Vec<(String, String)>,
    files: Vec<(Incoming, super::attachments::Kind)>,
    file_errors: Vec<FieldError>,
) -> Submission {
    let mut input = FilingInput::default();
    let mut extra = HashMap::new();
    for (name, value) in pairs {
        match name.as_str() {
            "objector_kind" => input.objector_kind = value,
            "name" => input.name = value,
            "phone" => input.phone = value,
            "email" => input.email = value,
            "organization" => input.organization = value,
            "contact_person" => input.contact_person = value,
            "project_id" => input.project_id = value,
            "category" => input.category = value,
            "content" => input.content = value,
            "declaration" => input.declaration = matches!(value.trim(), "true" | "on" | "1" | "yes"),
            "notify_by_email" => input.notify_by_email = matches!(value.trim(), "true" | "on" | "1" | "yes"),
            _ => {
                extra.insert(name, value);
            }
        }
    }
    Submission { input, files, file_errors, extra }
}

async fn read_multipart(
    req: &HttpRequest,
    payload: web::Payload,
    store: &Store,
    quota: &mut Quota<'_>,
) -> AppResult<Submission> {
    let mut multipart = actix_multipart::Multipart::new(req.headers(), payload);
    let mut pairs = Vec::new();
    let mut files = Vec::new();
    let mut file_errors = Vec::new();
    let mut total: u64 = 0;
    let mut evidence = Evidence { quota, kept: 0 };
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(|_| AppError::BadRequest("上传内容无法读取".into()))?;
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.content_disposition().and_then(|cd| cd.get_filename()).map(str::to_owned);
        match file_name {
            Some(file_name) => {
                let got = read_file(&mut field, store, &file_name, &mut total, files.len(), &mut evidence).await?;
                match got {
                    Ok(Some(file)) => {
                        evidence.kept += file.0.size;
                        files.push(file);
                    }
                    Ok(None) => {}
                    Err(refusal) => file_errors.push(FieldError::new("attachments", refusal.to_string())),
                }
            }
            None => {
                let mut value = Vec::new();
                while let Some(chunk) = field.next().await {
                    let chunk = chunk.map_err(|_| AppError::BadRequest("上传内容无法读取".into()))?;
                    total += chunk.len() as u64;
                    if value.len() + chunk.len() > MAX_TEXT_BYTES {
                        return Err(AppError::TooLarge);
                    }
                    value.extend_from_slice(&chunk);
                }
                pairs.push((name, String::from_utf8_lossy(&value).into_owned()));
            }
        }
        if total > MAX_BODY_BYTES {
            return Err(AppError::TooLarge);
        }
    }
    Ok(from_fields(pairs, files, file_errors))
}

/// The evidence store's room for this submission, and what its earlier files already take.
struct Evidence<'q, 'db> {
    quota: &'q mut Quota<'db>,
    kept: u64,
}

/// Streams one file to `incoming/`. An empty file input (a form sent with no file chosen)
/// gives `Ok(None)`. A refused file is read to its end, so the rest of the form still
/// arrives and the person sees every problem at once.
async fn read_file(
    field: &mut actix_multipart::Field,
    store: &Store,
    file_name: &str,
    total: &mut u64,
    already: usize,
    evidence: &mut Evidence<'_, '_>,
) -> AppResult<Result<Option<(Incoming, super::attachments::Kind)>, Refusal>> {
    if file_name.is_empty() || file_name.contains('\0') {
        // Read past it, counting toward the body's limit like any other part.
        while let Some(chunk) = field.next().await {
            *total += chunk.map_err(|_| AppError::BadRequest("上传内容无法读取".into()))?.len() as u64;
            if *total > MAX_BODY_BYTES {
                return Err(AppError::TooLarge);
            }
        }
        if file_name.is_empty() {
            return Ok(Ok(None));
        }
        return Ok(Err(Refusal::BadName(super::attachments::clean_file_name(file_name))));
    }
    // What the store can still take, asked before anything is written to disk.
    let room = evidence.quota.room().await?.saturating_sub(evidence.kept);
    let mut receiving =
        (already < MAX_FILES).then(|| store.begin(file_name)).transpose().map_err(AppError::internal)?;
    let mut refusal = if already < MAX_FILES { None } else { Some(Refusal::TooMany) };
    let mut size: u64 = 0;
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(|_| AppError::BadRequest("上传内容无法读取".into()))?;
        *total += chunk.len() as u64;
        if *total > MAX_BODY_BYTES {
            return Err(AppError::TooLarge);
        }
        size += chunk.len() as u64;
        if receiving.is_some() && size > room && size <= MAX_FILE_BYTES {
            let clean = super::attachments::clean_file_name(file_name);
            refusal = Some(Refusal::StoreFull(evidence.quota.full_message(&clean).await?));
            receiving = None;
        }
        if let Some(r) = receiving.as_mut() {
            match r.write(&chunk) {
                Ok(()) => {}
                Err(CheckError::Refused(why)) => {
                    refusal = Some(why);
                    receiving = None;
                }
                Err(CheckError::Io(e)) => return Err(AppError::internal(e)),
            }
        }
    }
    if let Some(why) = refusal {
        return Ok(Err(why));
    }
    let Some(receiving) = receiving else { return Ok(Ok(None)) };
    let store = store.clone();
    let checked = web::block(move || -> Result<_, CheckError> {
        let incoming = receiving.finish().map_err(CheckError::Io)?;
        let kind = store.check(&incoming)?;
        Ok((incoming, kind))
    })
    .await
    .map_err(AppError::internal)?;
    match checked {
        Ok(file) => Ok(Ok(Some(file))),
        Err(CheckError::Refused(why)) => Ok(Err(why)),
        Err(CheckError::Io(e)) => Err(AppError::internal(e)),
    }
}
