//! Fixtures for the notice tests: a small unit tree (province → city → enterprise), the 2025
//! campaign, projects, clean result reports, and a published notice in one call.
use crate::fixtures::CampaignFixture;
use crate::helpers::TestApp;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use entity::{project_completers, report_outcomes, result_reports, units};
use gongshi::audit::Who;
use gongshi::notices::Level;
use gongshi::notices::generate::{DraftEdit, GenerateRequest, Generated, generate, start_correction, update_draft};
use gongshi::notices::publish::{PublishRequest, Published, publish};
use gongshi::projects::{CompleterDraft, Grade, IpItemDraft, IpKind, ProjectDraft};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

pub struct World {
    pub campaign: i32,
    pub province: i32,
    pub city: i32,
    pub enterprise: i32,
}

/// An instant written in China time.
pub fn cn(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32) -> DateTime<Utc> {
    Shanghai.with_ymd_and_hms(y, mo, d, h, mi, s).single().expect("valid China time").with_timezone(&Utc)
}

/// The test clock's current instant.
pub fn now(app: &TestApp) -> DateTime<Utc> {
    use gongshi::clock::Clock;
    app.clock.now()
}

pub fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid day")
}

async fn unit(app: &TestApp, code: &str, parent: Option<i32>, kind: &str, name: &str) -> i32 {
    units::ActiveModel {
        parent_id: Set(parent),
        kind: Set(kind.into()),
        name: Set(name.into()),
        code: Set(code.into()),
        contact_person: Set(Some("王宝龙".into())),
        contact_phone: Set(Some("0935-5810529".into())),
        contact_email: Set(Some("wwghfbb@163.com".into())),
        contact_address: Set(Some("甘肃省武威市凉州区".into())),
        created_at: Set(now(app)),
        ..Default::default()
    }
    .insert(&app.db)
    .await
    .expect("unit inserted")
    .id
}

pub async fn world(app: &TestApp) -> World {
    let province = unit(app, "GS", None, "province", "甘肃省总工会").await;
    let city = unit(app, "WW", Some(province), "city", "武威市总工会").await;
    let enterprise = unit(app, "E-GDGS", Some(city), "applicant", "国网武威供电公司").await;
    let campaign =
        CampaignFixture::new("2025").doc_number("甘总工办发〔2025〕8号").organizer(province).insert(app).await;
    World { campaign, province, city, enterprise }
}

pub fn draft(key: &str, name: &str, grade: Option<Grade>) -> ProjectDraft {
    let completer = |n: &str, c: &str, w: &str, phone: &str| CompleterDraft {
        name: n.into(),
        work_unit: Some("国网武威供电公司".into()),
        job_title: Some("高级工程师".into()),
        contribution: Some(c.into()),
        workload: Some(w.into()),
        phone: Some(phone.into()),
        id_number: Some("620102199001011234".into()),
    };
    ProjectDraft {
        import_key: key.into(),
        name: name.into(),
        completing_units: vec!["国网武威供电公司".into(), "武威市电力设计院".into()],
        completers: vec![
            completer("李明", "提出总体方案", "占项目工作量40%", "13900000001"),
            completer("王芳", "传感器选型", "占项目工作量30%", "13900000002"),
            completer("赵赟", "现场试验", "占项目工作量20%", "13900000003"),
            completer("钱伟", "", "", "13900000004"),
        ],
        key_technology: "拉力与倾角融合，实时计算覆冰厚度".into(),
        ip_items: vec![IpItemDraft {
            kind: IpKind::Patent,
            title: "一种输电线路覆冰监测装置".into(),
            reference: Some("ZL202420123456.7".into()),
        }],
        eligibility: 2,
        exclusions_declared: true,
        proposed_grade: grade,
        summary: None,
        over_limit_reason: None,
    }
}

/// Stores projects for the enterprise; returns their ids in order.
pub async fn projects(app: &TestApp, w: &World, drafts: Vec<ProjectDraft>) -> Vec<i32> {
    let drafts = drafts.into_iter().map(|d| d.validate().expect("valid draft")).collect();
    gongshi::imports::store(&app.db, w.campaign, w.enterprise, drafts, now(app))
        .await
        .expect("projects stored")
        .project_ids
}

/// Records that each project went up to `unit` (a recommendation row from its present holder,
/// and `unit` now holds it), as the recommendation module would once the gate let it through;
/// the fixture for notices at levels 2 and 3, which list only projects recommended to their unit.
pub async fn carried_to(app: &TestApp, unit: i32, ids: &[i32]) {
    use entity::{projects, recommendations};
    use sea_orm::EntityTrait;
    for id in ids {
        let project = projects::Entity::find_by_id(*id).one(&app.db).await.unwrap().expect("a project");
        if project.holder_unit_id == unit {
            continue;
        }
        recommendations::ActiveModel {
            project_id: Set(*id),
            from_unit_id: Set(project.holder_unit_id),
            to_unit_id: Set(unit),
            level: Set(1),
            report_id: Set(None),
            over_limit_reason: Set(None),
            created_by: Set(None),
            created_at: Set(now(app)),
            ..Default::default()
        }
        .insert(&app.db)
        .await
        .unwrap();
        let mut row: projects::ActiveModel = project.into();
        row.holder_unit_id = Set(unit);
        row.update(&app.db).await.unwrap();
    }
    let target = units::Entity::find_by_id(unit).one(&app.db).await.unwrap();
    if target.is_some_and(|u| u.parent_id.is_none()) {
        reviewed(app, ids).await;
    }
}

/// The province's review, as its admins would record it: each project's 拟评等级 is the grade
/// its applicant asked for.
pub async fn reviewed(app: &TestApp, ids: &[i32]) {
    use entity::projects;
    use sea_orm::EntityTrait;
    for id in ids {
        let project = projects::Entity::find_by_id(*id).one(&app.db).await.unwrap().expect("a project");
        let Some(grade) = project.proposed_grade.as_deref().and_then(Grade::parse) else { continue };
        let who = Who::default();
        gongshi::projects::review_grade::record(&app.db, &project, grade, None, &who, project.holder_unit_id, now(app))
            .await
            .expect("grade recorded");
    }
}

/// Generates and publishes a notice starting on `start`; returns the notice id. Projects of a
/// level-2 or level-3 notice are first carried up to `unit`.
pub async fn published(app: &TestApp, w: &World, unit: i32, level: Level, ids: &[i32], start: NaiveDate) -> i32 {
    if level != Level::Applicant {
        carried_to(app, unit, ids).await;
    }
    let g = drafted(app, w, unit, level, ids, start).await;
    publish(&app.db, g.notice_id, &PublishRequest::default(), now(app)).await.expect("published");
    g.notice_id
}

/// `n` projects named 输电线路覆冰在线监测装置研制第{i}号, noticed by the enterprise with a clean
/// report and then by the city (level 2), both from 2025-03-10; returns the city's notice.
pub async fn city_notice_of(app: &TestApp, w: &World, n: usize) -> i32 {
    let drafts =
        (1..=n).map(|i| draft(&format!("P{i}"), &format!("输电线路覆冰在线监测装置研制第{i}号"), None)).collect();
    let ids = projects(app, w, drafts).await;
    let n1 = published(app, w, w.enterprise, Level::Applicant, &ids, day(2025, 3, 10)).await;
    let clean: Vec<(i32, &str)> = ids.iter().map(|p| (*p, "no_objection")).collect();
    result(app, n1, Level::Applicant, &clean).await;
    published(app, w, w.city, Level::Recommender, &ids, day(2025, 3, 10)).await
}

/// Generates a draft notice of `ids` by `unit` starting on `start`, not yet published.
pub async fn drafted(app: &TestApp, w: &World, unit: i32, level: Level, ids: &[i32], start: NaiveDate) -> Generated {
    let req = GenerateRequest {
        campaign_id: w.campaign,
        unit_id: unit,
        level,
        project_ids: ids.to_vec(),
        starts_on: Some(start),
        created_by: None,
    };
    generate(&app.db, &req, now(app)).await.expect("generated")
}

/// Records a result report for `notice_id` with one outcome per project, as the result-report
/// module will.
pub async fn result(app: &TestApp, notice_id: i32, level: Level, outcomes: &[(i32, &str)]) -> i32 {
    let latest = gongshi::notices::service::latest_published(&app.db, notice_id).await.unwrap().unwrap();
    // In one write transaction, as the result-report module writes: public pages follow its commit.
    let txn = gongshi::db::begin_write(&app.db).await.unwrap();
    let report = result_reports::ActiveModel {
        notice_id: Set(notice_id),
        revision_id: Set(latest.revision.id),
        code: Set(format!("R{notice_id}-{}", uuid::Uuid::new_v4().simple())),
        issued_on: Set(latest.period.ends_on()),
        issued_at: Set(now(app)),
        content: Set("{}".into()),
        sha256: Set(String::new()),
        ..Default::default()
    }
    .insert(&txn)
    .await
    .unwrap();
    for (project_id, outcome) in outcomes {
        report_outcomes::ActiveModel {
            report_id: Set(report.id),
            project_id: Set(*project_id),
            level: Set(level.number()),
            outcome: Set((*outcome).into()),
            ..Default::default()
        }
        .insert(&txn)
        .await
        .unwrap();
    }
    txn.commit().await.unwrap();
    report.id
}

/// GET a page; Tera writes `/` as `&#x2F;` inside text and attributes, which browsers read as
/// `/`, so the body is returned with that one entity decoded for readable assertions.
pub async fn page(app: &TestApp, path: &str) -> (u16, String) {
    let (status, body) = app.get_text(path).await;
    (status, body.replace("&#x2F;", "/"))
}

/// A project with `payload` typed after the name of every text field, as someone hostile would.
pub fn with_text_in_every_field(key: &str, payload: &str) -> ProjectDraft {
    let text = |what: &str| format!("{what}{payload}");
    ProjectDraft {
        import_key: key.into(),
        name: text("名称"),
        completing_units: vec![text("单位")],
        completers: vec![
            CompleterDraft {
                name: text("完成人"),
                work_unit: Some(text("工作单位")),
                job_title: Some(text("职称")),
                contribution: Some(text("贡献")),
                workload: Some(text("工作量")),
                phone: None,
                id_number: None,
            };
            3
        ],
        key_technology: text("关键技术"),
        ip_items: vec![IpItemDraft { kind: IpKind::Patent, title: text("专利"), reference: Some(text("ZL")) }],
        eligibility: 1,
        exclusions_declared: true,
        proposed_grade: Some(Grade::First),
        summary: Some(text("简介")),
        over_limit_reason: None,
    }
}

/// Swaps the first two completers of `project` in its record, then corrects the published notice
/// `notice_id` to list them so: a change of the listing, which restarts the period.
pub async fn correct_completer_order(app: &TestApp, notice_id: i32, project: i32, note: &str) -> Published {
    let rows = project_completers::Entity::find()
        .filter(project_completers::Column::ProjectId.eq(project))
        .order_by_asc(project_completers::Column::Position)
        .all(&app.db)
        .await
        .unwrap();
    // Through positions no one holds, as the unique (project, position) index asks.
    for step in [100, 0] {
        for (c, pos) in rows.iter().zip([2, 1]) {
            let mut row: project_completers::ActiveModel = c.clone().into();
            row.position = Set(pos + step);
            row.update(&app.db).await.unwrap();
        }
    }
    start_correction(&app.db, notice_id, &Who::default(), now(app)).await.unwrap();
    let draft = gongshi::notices::service::draft_revision(&app.db, notice_id).await.unwrap().unwrap();
    let project_ids =
        gongshi::notices::service::items(&app.db, draft.id).await.unwrap().iter().map(|i| i.project_id).collect();
    let edit = DraftEdit {
        title: draft.title.clone(),
        body_md: draft.body_md.clone(),
        starts_on: draft.starts_on,
        doc_number: None,
        board_location: Some("公司一楼公告栏".into()),
        media: None,
        web: true,
        project_ids,
    };
    update_draft(&app.db, notice_id, edit, &Who::default(), now(app)).await.unwrap();
    let request = PublishRequest { note: Some(note.into()), ..PublishRequest::default() };
    publish(&app.db, notice_id, &request, now(app)).await.unwrap()
}
