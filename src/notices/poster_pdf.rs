//! The board poster as a typeset PDF (`/notices/{id}/poster.pdf`, and per revision): the same
//! notice as the HTML poster, laid out by `report-docs` on A4, A4 landscape or A3, with the QR
//! code to the live notice on every page. Visible exactly when the notice page is.
use super::pages::{load_changes, load_items, parse_id, visible};
use super::public_read::PublicState;
use super::views::{self, ItemView, NoticePage};
use crate::error::{AppError, AppResult, PageResult};
use crate::web::AppState;
use crate::web::display::Display;
use actix_web::http::header;
use actix_web::web::{Data, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use chrono::{DateTime, Utc};
use chrono_tz::Asia::Shanghai;
use entity::notice_revisions;
use report_docs::{Contribution, HowToObject, Paper, PosterDocument, PosterProject};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub struct PaperQuery {
    paper: Option<String>,
}

impl PaperQuery {
    /// The paper asked for (A4 when none); an unknown name is the reader's mistake, said in Chinese.
    fn paper(&self) -> AppResult<Paper> {
        match self.paper.as_deref() {
            None | Some("") => Ok(Paper::A4),
            Some(code) => Paper::from_code(code).ok_or_else(|| {
                AppError::BadRequest("纸张规格只能是 a4（A4纵向）、a4l（A4横向）或 a3（A3）".to_owned())
            }),
        }
    }
}

/// The current revision's poster.
pub async fn current(
    req: HttpRequest,
    state: Data<AppState>,
    id: Path<String>,
    query: Query<PaperQuery>,
) -> PageResult<HttpResponse> {
    let paper = query.paper()?;
    let now = state.now();
    let id = parse_id(&id)?;
    let (ps, _, current) = visible(&state, id, now).await?;
    Ok(respond(&req, &state, &ps, &current, paper, now).await?)
}

/// A published revision's poster, under the same rules as its page.
pub async fn revision(
    req: HttpRequest,
    state: Data<AppState>,
    path: Path<(String, String)>,
    query: Query<PaperQuery>,
) -> PageResult<HttpResponse> {
    let paper = query.paper()?;
    let now = state.now();
    let (id, no) = (parse_id(&path.0)?, parse_id(&path.1)?);
    let (ps, _, _) = visible(&state, id, now).await?;
    let shown =
        ps.public_revisions(now).into_iter().find(|r| r.revision_no == no).cloned().ok_or(AppError::NotFound)?;
    Ok(respond(&req, &state, &ps, &shown, paper, now).await?)
}

async fn respond(
    req: &HttpRequest,
    state: &AppState,
    ps: &PublicState,
    shown: &notice_revisions::Model,
    paper: Paper,
    now: DateTime<Utc>,
) -> AppResult<HttpResponse> {
    let live = views::live(ps, shown, now, Display::of(req).class());
    let items = load_items(state, shown.id).await?;
    let changes = load_changes(state, ps, shown, &items).await?;
    let page = views::notice_page(ps, shown, &items, &changes, &live, &state.settings);
    let doc = document(&page, shown, &state.settings.absolute_url(&page.current_url));
    // typst takes tens of milliseconds: off the async workers.
    let pdf = tokio::task::spawn_blocking(move || report_docs::render_poster_pdf(&doc, paper))
        .await
        .map_err(|e| AppError::internal(format!("poster rendering stopped: {e}")))?
        .map_err(|e| AppError::internal(format!("poster of notice {}: {e}", ps.notice.id)))?;
    let name = format!("公示张榜-{}-{}.pdf", ps.notice.id, paper.label());
    let disposition = format!(
        "inline; filename=\"notice-{}-{}.pdf\"; filename*=UTF-8''{}",
        ps.notice.id,
        paper.code(),
        url::form_urlencoded::byte_serialize(name.as_bytes()).collect::<String>().replace('+', "%20")
    );
    Ok(HttpResponse::Ok()
        .content_type("application/pdf")
        .insert_header((header::CONTENT_DISPOSITION, disposition))
        .insert_header((header::CACHE_CONTROL, "public, no-cache"))
        .body(pdf))
}

/// The notice as the poster prints it: the page's own wording, so the two never disagree.
#[must_use]
pub fn document(page: &NoticePage<'_>, shown: &notice_revisions::Model, url: &str) -> PosterDocument {
    let mut notes = Vec::new();
    if page.live.withdrawn {
        notes.push(format!("本公示已撤销。撤销理由：{}", page.live.withdraw_reason.clone().unwrap_or_default()));
    }
    if let Some(note) = &page.correction_note
        && (page.revision_no > 1 || page.has_changes)
    {
        notes.push(format!("{}：{note}", if page.revision_no > 1 { "更正说明" } else { "说明" }));
    }
    PosterDocument {
        title: page.title.clone(),
        doc_number: page.doc_number.clone(),
        unit_name: page.unit.name.clone(),
        level: report_docs::Level { number: u8::try_from(page.level).unwrap_or(1), name: page.level_label.to_owned() },
        period: format!("{}{}", page.period_text, page.days_text),
        notes,
        projects: page.items.iter().map(project).collect(),
        objection: HowToObject {
            rules: page.objection_rules.clone(),
            contact_person: page.unit.contact_person.clone(),
            phone: page.unit.contact_phone.clone(),
            email: page.unit.contact_email.clone(),
            address: page.unit.contact_address.clone(),
        },
        url: url.to_owned(),
        date: shown
            .published_at
            .map(|at| report_docs::chinese_date(at.with_timezone(&Shanghai).date_naive()))
            .unwrap_or_default(),
    }
}

fn project(item: &ItemView) -> PosterProject {
    PosterProject {
        position: u32::try_from(item.position).unwrap_or(0),
        name: item.name.clone(),
        units: item.units.clone(),
        completers: item.completers.iter().map(|c| c.name.clone()).collect(),
        grade: item.grade_label.map(str::to_owned),
        contributions: item
            .contributions
            .iter()
            .map(|c| Contribution {
                name: c.name.clone(),
                contribution: c.contribution.clone(),
                workload: c.workload.clone(),
            })
            .collect(),
        key_technology: item.key_technology.clone(),
        ip: item
            .ip_items
            .iter()
            .flatten()
            .map(|ip| match &ip.reference {
                Some(r) => format!("{}：{}（{r}）", ip.kind_label, ip.title),
                None => format!("{}：{}", ip.kind_label, ip.title),
            })
            .collect(),
    }
}
