//! Fixtures for the notice tests: a small unit tree (province → city → enterprise), the 2025
//! campaign, projects, clean result reports, and a published notice in one call.
use crate::fixtures::CampaignFixture;
use crate::helpers::TestApp;
use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use chrono_tz::Asia::Shanghai;
use entity::{report_outcomes, result_reports, units};
use gongshi::notices::Level;
use gongshi::notices::generate::{GenerateRequest, generate};
use gongshi::notices::publish::{PublishRequest, publish};
use gongshi::projects::{CompleterDraft, Grade, IpItemDraft, IpKind, ProjectDraft};
use sea_orm::{ActiveModelTrait, ActiveValue::Set};

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
        let who = gongshi::audit::Who::default();
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
    let req = GenerateRequest {
        campaign_id: w.campaign,
        unit_id: unit,
        level,
        project_ids: ids.to_vec(),
        starts_on: Some(start),
        created_by: None,
    };
    let g = generate(&app.db, &req, now(app)).await.expect("generated");
    publish(&app.db, g.notice_id, &PublishRequest::default(), now(app)).await.expect("published");
    g.notice_id
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
