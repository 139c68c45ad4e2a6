//! Unit pages: the tree, one unit, creating and editing.
use super::service::{self, TreeRow};
use super::{FIELD_LABELS, KINDS, UnitDetails, UnitInput, kind_label};
use crate::access::{Action, Actor};
use crate::error::{AppError, FieldError, PageResult, labelled};
use crate::web::AppState;
use crate::web::shell::{flash, render, render_with_status, see_other};
use actix_web::http::StatusCode;
use actix_web::web::{Data, Form, Path, Query};
use actix_web::{HttpRequest, HttpResponse};
use entity::units;
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct ListPage {
    title: &'static str,
    rows: Vec<TreeRow>,
    can_create: bool,
}

pub async fn list(req: HttpRequest, state: Data<AppState>, actor: Actor) -> PageResult<HttpResponse> {
    let rows = service::visible_tree(&state.db, &actor).await?;
    let page = ListPage { title: "单位", rows, can_create: actor.is_province_admin() };
    Ok(render(&req, &actor, "admin/units_list.html", &page)?)
}

#[derive(Serialize)]
struct ShowPage {
    title: String,
    kind_label: &'static str,
    #[serde(flatten)]
    overview: service::UnitOverview,
}

pub async fn show(req: HttpRequest, state: Data<AppState>, actor: Actor, id: Path<i32>) -> PageResult<HttpResponse> {
    let overview = service::overview(&state.db, &actor, *id).await?;
    let page = ShowPage { title: overview.unit.name.clone(), kind_label: kind_label(&overview.unit.kind)?, overview };
    Ok(render(&req, &actor, "admin/unit_show.html", &page)?)
}

#[derive(Serialize)]
struct KindOption {
    code: &'static str,
    label: &'static str,
}

#[derive(Serialize)]
struct FormPage {
    title: &'static str,
    action: String,
    input: UnitInput,
    errors: Vec<FieldError>,
    kinds: Vec<KindOption>,
    parents: Vec<units::Model>,
    creating: bool,
}

fn kinds(creating: bool) -> Vec<KindOption> {
    KINDS
        .iter()
        .filter(|(c, _)| !creating || *c != "province")
        .map(|&(code, label)| KindOption { code, label })
        .collect()
}

#[derive(Deserialize)]
pub struct NewQuery {
    parent: Option<i32>,
}

pub async fn new_form(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    query: Query<NewQuery>,
) -> PageResult<HttpResponse> {
    let parent_id = query.parent.unwrap_or(actor.unit_id);
    service::find_for(&state.db, &actor, Action::CreateUnit, parent_id).await?;
    let parents = service::units_for(&state.db, &actor, Action::CreateUnit).await?;
    let input = UnitInput { parent_id: Some(parent_id), kind: "applicant".into(), ..Default::default() };
    let page = FormPage {
        title: "新建单位",
        action: "/admin/units".into(),
        input,
        errors: vec![],
        kinds: kinds(true),
        parents,
        creating: true,
    };
    Ok(render(&req, &actor, "admin/unit_form.html", &page)?)
}

pub async fn create(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    form: Form<UnitInput>,
) -> PageResult<HttpResponse> {
    let input = form.into_inner();
    match service::create(&state.db, &actor, &input, state.now()).await {
        Ok(unit) => {
            flash(&req, format!("已新建单位：{}", unit.name));
            Ok(see_other(&format!("/admin/units/{}", unit.id)))
        }
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            let parents = service::units_for(&state.db, &actor, Action::CreateUnit).await?;
            let page = FormPage {
                title: "新建单位",
                action: "/admin/units".into(),
                input,
                errors: labelled(errors, FIELD_LABELS),
                kinds: kinds(true),
                parents,
                creating: true,
            };
            Ok(render_with_status(&req, &actor, StatusCode::UNPROCESSABLE_ENTITY, "admin/unit_form.html", &page)?)
        }
        Err(e) => Err(e.into()),
    }
}

fn input_of(unit: &units::Model) -> UnitInput {
    UnitInput {
        parent_id: unit.parent_id,
        kind: unit.kind.clone(),
        details: UnitDetails {
            name: unit.name.clone(),
            short_name: unit.short_name.clone(),
            code: unit.code.clone(),
            contact_person: unit.contact_person.clone(),
            contact_phone: unit.contact_phone.clone(),
            contact_email: unit.contact_email.clone(),
            contact_address: unit.contact_address.clone(),
        },
    }
}

pub async fn edit_form(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
) -> PageResult<HttpResponse> {
    let unit = service::find_for(&state.db, &actor, Action::EditUnit, *id).await?;
    let page = FormPage {
        title: "编辑单位",
        action: format!("/admin/units/{}", unit.id),
        input: input_of(&unit),
        errors: vec![],
        kinds: kinds(unit.kind != "province"),
        parents: vec![],
        creating: false,
    };
    Ok(render(&req, &actor, "admin/unit_form.html", &page)?)
}

pub async fn update(
    req: HttpRequest,
    state: Data<AppState>,
    actor: Actor,
    id: Path<i32>,
    form: Form<UnitInput>,
) -> PageResult<HttpResponse> {
    let input = form.into_inner();
    match service::update(&state.db, &actor, *id, &input, state.now()).await {
        Ok(unit) => {
            flash(&req, "单位信息已保存");
            Ok(see_other(&format!("/admin/units/{}", unit.id)))
        }
        Err(AppError::Validation(errors) | AppError::Taken(errors)) => {
            let page = FormPage {
                title: "编辑单位",
                action: format!("/admin/units/{}", *id),
                input,
                errors: labelled(errors, FIELD_LABELS),
                kinds: kinds(false),
                parents: vec![],
                creating: false,
            };
            Ok(render_with_status(&req, &actor, StatusCode::UNPROCESSABLE_ENTITY, "admin/unit_form.html", &page)?)
        }
        Err(e) => Err(e.into()),
    }
}
