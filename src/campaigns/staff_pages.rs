//! Staff pages for campaigns: the list (with "start from this campaign"), one campaign's
//! settings, and the form that creates or changes one. Deadlines and quotas are written one per
//! line in the form (单位代码 日期 说明 / 单位代码 最少 最多), then checked like the API's JSON.
use super::input::{CampaignInput, DeadlineInput, QuotaInput};
use super::{Grade, LettersBy, service};
use crate::access::Actor;
use crate::error::{AppError, AppResult, FieldError, PageResult};
use crate::web::AppState;
use crate::web::shell::{flash, render, render_with_status, see_other};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Form, Path};
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct ListPage {
    title: &'static str,
    campaigns: Vec<service::CampaignSummary>,
    can_manage: bool,
    errors: Vec<FieldError>,
}

fn can_manage(actor: &Actor) -> bool {
    actor.is_province && actor.role == crate::access::Role::Admin
}

pub async fn list(state: Data<AppState>, req: HttpRequest, actor: Actor) -> PageResult<HttpResponse> {
    let page = ListPage {
        title: "征集活动",
        campaigns: service::list(&state.db).await?,
        can_manage: can_manage(&actor),
        errors: Vec::new(),
    };
    Ok(render(&req, &actor, "campaigns/admin_list.html", &page)?)
}

#[derive(Serialize)]
struct FormPage<'a> {
    title: String,
    action: String,
    creating: bool,
    form: &'a CampaignForm,
    errors: &'a [FieldError],
    /// (code, label, ticked)
    grades: Vec<(&'static str, &'static str, bool)>,
}

/// The form's fields as text, as the browser sends them.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct CampaignForm {
    code: String,
    title: String,
    year: String,
    edition: String,
    doc_number: String,
    doc_title: String,
    starts_on: String,
    open: Option<String>,
    notice_days: String,
    closing_time: String,
    recommend_limit: String,
    handling_days: String,
    deadline_margin_days: String,
    retention_days: String,
    require_real_name: Option<String>,
    refuse_without_evidence: Option<String>,
    letters_by: String,
    grade_special: Option<String>,
    grade_first: Option<String>,
    grade_second: Option<String>,
    grade_third: Option<String>,
    grade_merit: Option<String>,
    province_min_grade: String,
    deadlines: String,
    quotas: String,
}

impl CampaignForm {
    fn of(i: &CampaignInput) -> Self {
        let on = |b: bool| b.then(|| "on".to_owned());
        Self {
            code: i.code.clone(),
            title: i.title.clone(),
            year: i.year.to_string(),
            edition: i.edition.clone(),
            doc_number: i.doc_number.clone().unwrap_or_default(),
            doc_title: i.doc_title.clone().unwrap_or_default(),
            starts_on: i.starts_on.map(|d| d.to_string()).unwrap_or_default(),
            open: on(i.open),
            notice_days: i.notice_days.to_string(),
            closing_time: i.closing_time.clone(),
            recommend_limit: i.recommend_limit.to_string(),
            handling_days: i.handling_days.to_string(),
            deadline_margin_days: i.deadline_margin_days.to_string(),
            retention_days: i.retention_days.to_string(),
            require_real_name: on(i.require_real_name),
            refuse_without_evidence: on(i.refuse_without_evidence),
            letters_by: i.letters_by.code().to_owned(),
            grade_special: on(i.award_grades.contains(&Grade::Special)),
            grade_first: on(i.award_grades.contains(&Grade::First)),
            grade_second: on(i.award_grades.contains(&Grade::Second)),
            grade_third: on(i.award_grades.contains(&Grade::Third)),
            grade_merit: on(i.award_grades.contains(&Grade::Merit)),
            province_min_grade: i.province_min_grade.code().to_owned(),
            deadlines: i
                .deadlines
                .iter()
                .map(|d| {
                    format!("{} {} {}", d.unit, d.due_on, d.description.clone().unwrap_or_default())
                        .trim_end()
                        .to_owned()
                })
                .collect::<Vec<_>>()
                .join("\n"),
            quotas: i
                .quotas
                .iter()
                .map(|q| format!("{} {} {}", q.unit, num(q.min), num(q.max)))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// The input the form describes, or every field that cannot be read.
    fn input(&self) -> Result<CampaignInput, Vec<FieldError>> {
        let mut errors = Vec::new();
        let mut int = |field: &str, text: &str, what: &str| {
            text.trim().parse::<i32>().unwrap_or_else(|_| {
                errors.push(FieldError::new(field, format!("{what}应为整数")));
                0
            })
        };
        let year = int("year", &self.year, "年度");
        let notice_days = int("notice_days", &self.notice_days, "公示天数");
        let recommend_limit = int("recommend_limit", &self.recommend_limit, "推荐限额");
        let handling_days = int("handling_days", &self.handling_days, "异议处理天数");
        let deadline_margin_days = int("deadline_margin_days", &self.deadline_margin_days, "报送期限前预留天数");
        let retention_days = int("retention_days", &self.retention_days, "身份信息保存天数");
        let starts_on = match self.starts_on.trim() {
            "" => None,
            s => s.parse().map_err(|_| errors.push(FieldError::new("starts_on", "开始日期应写作2026-03-01"))).ok(),
        };
        let deadlines = parse_deadlines(&self.deadlines, &mut errors);
        let quotas = parse_quotas(&self.quotas, &mut errors);
        if !errors.is_empty() {
            return Err(errors);
        }
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(CampaignInput {
            code: self.code.trim().to_owned(),
            title: self.title.trim().to_owned(),
            year,
            edition: self.edition.trim().to_owned(),
            doc_number: text(&self.doc_number),
            doc_title: text(&self.doc_title),
            starts_on,
            open: self.open.is_some(),
            notice_days,
            closing_time: self.closing_time.clone(),
            recommend_limit,
            handling_days,
            deadline_margin_days,
            retention_days,
            require_real_name: self.require_real_name.is_some(),
            refuse_without_evidence: self.refuse_without_evidence.is_some(),
            letters_by: LettersBy::parse(&self.letters_by).unwrap_or(LettersBy::Postmark),
            award_grades: self.grades(),
            province_min_grade: Grade::parse(&self.province_min_grade).unwrap_or(Grade::Third),
            deadlines,
            quotas,
        })
    }
}

impl CampaignForm {
    /// The ticked grades, highest first.
    fn grades(&self) -> Vec<Grade> {
        let ticked = [&self.grade_special, &self.grade_first, &self.grade_second, &self.grade_third, &self.grade_merit];
        Grade::ALL.into_iter().zip(ticked).filter(|(_, on)| on.is_some()).map(|(g, _)| g).collect()
    }
}

fn num(n: Option<i32>) -> String {
    n.map_or_else(|| "-".to_owned(), |n| n.to_string())
}

/// `单位代码 日期 说明`, one deadline per line.
fn parse_deadlines(text: &str, errors: &mut Vec<FieldError>) -> Vec<DeadlineInput> {
    let mut out = Vec::new();
    for (i, line) in text.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        let mut parts = line.splitn(3, char::is_whitespace);
        let (unit, day, description) = (parts.next(), parts.next(), parts.next());
        match (unit, day.and_then(|d| d.parse().ok())) {
            (Some(unit), Some(due_on)) => out.push(DeadlineInput {
                unit: unit.to_owned(),
                due_on,
                description: description.map(|d| d.trim().to_owned()),
            }),
            _ => errors.push(FieldError::new(
                "deadlines",
                format!("报送期限第{}行应写作“单位代码 日期 说明”，如“WW 2026-04-08 书面材料报市总工会”", i + 1),
            )),
        }
    }
    out
}

/// `单位代码 最少 最多` (`-` for none), one quota per line.
fn parse_quotas(text: &str, errors: &mut Vec<FieldError>) -> Vec<QuotaInput> {
    let bound = |s: Option<&str>| match s {
        None | Some("-" | "—") => Some(None),
        Some(n) => n.parse().ok().map(Some),
    };
    let mut out = Vec::new();
    for (i, line) in text.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
        let mut parts = line.split_whitespace();
        let unit = parts.next();
        match (unit, bound(parts.next()), bound(parts.next())) {
            (Some(unit), Some(min), Some(max)) => out.push(QuotaInput { unit: unit.to_owned(), min, max }),
            _ => errors.push(FieldError::new(
                "quotas",
                format!("推荐数量第{}行应写作“单位代码 最少 最多”（不限写“-”），如“WW-LZ 10 -”", i + 1),
            )),
        }
    }
    out
}

fn form_page(
    req: &HttpRequest,
    actor: &Actor,
    code: Option<&str>,
    form: &CampaignForm,
    errors: &[FieldError],
    status: StatusCode,
) -> AppResult<HttpResponse> {
    let page = FormPage {
        title: code.map_or_else(|| "新建征集活动".to_owned(), |c| format!("修改征集活动 {c}")),
        action: code.map_or_else(|| "/admin/campaigns".to_owned(), |c| format!("/admin/campaigns/{c}")),
        creating: code.is_none(),
        form,
        errors,
        grades: Grade::ALL.iter().map(|g| (g.code(), g.label(), form.grades().contains(g))).collect(),
    };
    render_with_status(req, actor, status, "campaigns/admin_form.html", &page)
}

pub async fn new_form(state: Data<AppState>, req: HttpRequest, actor: Actor) -> PageResult<HttpResponse> {
    service::require_manager(&actor)?;
    // A new campaign is most often this year's (China time).
    let year = chrono::Datelike::year(&crate::china_time::day_of(state.now()));
    let defaults = super::input::from_json(serde_json::json!({ "code": "", "title": "", "year": year }))?;
    Ok(form_page(&req, &actor, None, &CampaignForm::of(&defaults), &[], StatusCode::OK)?)
}

pub async fn edit_form(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    code: Path<String>,
) -> PageResult<HttpResponse> {
    service::require_manager(&actor)?;
    let input = service::record(&state.db, &code).await?;
    Ok(form_page(&req, &actor, Some(&code), &CampaignForm::of(&input), &[], StatusCode::OK)?)
}

pub async fn create(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    form: Form<CampaignForm>,
) -> PageResult<HttpResponse> {
    service::require_manager(&actor)?;
    let saved = match form.input() {
        Ok(input) => service::create_as(&state.db, &actor, input, state.now()).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match saved {
        Ok(row) => {
            flash(&req, format!("已新建征集活动《{}》", row.title));
            Ok(see_other(&format!("/admin/campaigns/{}", row.code)))
        }
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            Ok(form_page(&req, &actor, None, &form, &errors, StatusCode::UNPROCESSABLE_ENTITY)?)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn update(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    code: Path<String>,
    form: Form<CampaignForm>,
) -> PageResult<HttpResponse> {
    service::require_manager(&actor)?;
    let saved = match form.input() {
        Ok(input) => service::update_as(&state.db, &actor, &code, input, state.now()).await,
        Err(errors) => Err(AppError::Validation(errors)),
    };
    match saved {
        Ok(row) => {
            flash(&req, format!("已保存征集活动《{}》", row.title));
            Ok(see_other(&format!("/admin/campaigns/{}", row.code)))
        }
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            Ok(form_page(&req, &actor, Some(&code), &form, &errors, StatusCode::UNPROCESSABLE_ENTITY)?)
        }
        Err(other) => Err(other.into()),
    }
}

#[derive(Serialize)]
struct ShowPage {
    title: String,
    c: CampaignInput,
    closing_text: String,
    grades: Vec<&'static str>,
    min_grade: &'static str,
    letters: &'static str,
    can_manage: bool,
}

pub async fn show(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    code: Path<String>,
) -> PageResult<HttpResponse> {
    let c = service::record(&state.db, &code).await?;
    let page = ShowPage {
        title: c.title.clone(),
        closing_text: if c.closing_time == "24:00" {
            "最后一日24时".to_owned()
        } else {
            format!("最后一日{}", c.closing_time)
        },
        grades: c.award_grades.iter().map(|g| g.label()).collect(),
        min_grade: c.province_min_grade.label(),
        letters: c.letters_by.label(),
        can_manage: can_manage(&actor),
        c,
    };
    Ok(render(&req, &actor, "campaigns/admin_show.html", &page)?)
}

#[derive(Deserialize)]
pub struct CopyForm {
    #[serde(default)]
    code: String,
}

pub async fn copy(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    from: Path<String>,
    form: Form<CopyForm>,
) -> PageResult<HttpResponse> {
    match service::copy_as(&state.db, &actor, &from, &form.code, state.now()).await {
        Ok(row) => {
            flash(&req, format!("已从{from}复制为新的征集活动，请核对日期和文号"));
            Ok(see_other(&format!("/admin/campaigns/{}/edit", row.code)))
        }
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            let page = ListPage {
                title: "征集活动",
                campaigns: service::list(&state.db).await?,
                can_manage: can_manage(&actor),
                errors,
            };
            Ok(render_with_status(&req, &actor, StatusCode::UNPROCESSABLE_ENTITY, "campaigns/admin_list.html", &page)?)
        }
        Err(other) => Err(other.into()),
    }
}

pub async fn delete(
    state: Data<AppState>,
    req: HttpRequest,
    actor: Actor,
    code: Path<String>,
) -> PageResult<HttpResponse> {
    service::delete_as(&state.db, &actor, &code, state.now()).await?;
    flash(&req, format!("已删除征集活动 {code}"));
    Ok(see_other("/admin/campaigns"))
}
