//! The demo's history: what the units did over the last three weeks, replayed step by step
//! through the same services staff use, each step at the instant it would have happened, in
//! time order, so the ledger reads as it would have. A new user finds notices open now at all
//! three levels; closed notices with and without a 公示结果报告; objections in every state of
//! the workflow (filed on the web and registered from a letter, a phone call and an e-mail;
//! late and anonymous ones recorded and refused); and two projects carried from the applicant
//! through the county and the city to the province's notice, each step through the gate.
use crate::audit::Who;
use crate::china_time::{day_of, instant_on};
use crate::error::{AppError, AppResult};
use crate::mail::Postbox;
use crate::notices::Level;
use crate::notices::generate::{GenerateRequest, generate, start_correction};
use crate::notices::publish::{PublishRequest, publish, withdraw};
use crate::objections::filing::FilingInput;
use crate::objections::service::{NewCase, notice_for_objection, record};
use crate::objections::workflow::{Arrival, TransitionRequest, apply_move, registration_case};
use crate::objections::{Channel, RefusalReason, Status};
use crate::secrets::Secrets;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use entity::{notice_items, notice_revisions, objections, projects, units};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder,
};
use std::collections::HashMap;

use Level::{Applicant, Province, Recommender};

/// One thing a unit did.
#[derive(Clone, Copy)]
enum Step {
    /// The applicant publishes its 申报单位公示 of every project it declared, from day `start`.
    Declare {
        unit: &'static str,
        start: i64,
    },
    /// A unit above publishes its notice of the projects recommended to it, from day `start`.
    Publish {
        unit: &'static str,
        level: Level,
        start: i64,
    },
    Correct {
        unit: &'static str,
    },
    Withdraw {
        unit: &'static str,
    },
    /// An objection against the project whose name starts with `project`, on `unit`'s notice.
    Object {
        tag: &'static str,
        unit: &'static str,
        level: Level,
        project: &'static str,
        by: Objector,
    },
    /// Staff move objection `tag` along the workflow, with a note for the objector.
    Handle {
        tag: &'static str,
        to: Status,
        reason: Option<RefusalReason>,
        note: &'static str,
    },
    Report {
        unit: &'static str,
        level: Level,
    },
    /// The province, after its review, proposes a grade (拟评) for each project it holds: the
    /// demo takes the grade the applicant asked for as the review's conclusion.
    Review,
    /// The unit recommends its notice's projects to the unit above, all but `except`.
    Recommend {
        unit: &'static str,
        level: Level,
        except: &'static [&'static str],
    },
}

/// Who objects, how, and what they say.
#[derive(Clone, Copy)]
struct Objector {
    channel: Channel,
    /// For a registered objection: when it reached the unit (the postmark for a letter), as
    /// (day, minute of the day).
    claimed: Option<(i64, u32)>,
    organization: Option<(&'static str, &'static str)>,
    name: &'static str,
    phone: &'static str,
    email: &'static str,
    category: &'static str,
    content: &'static str,
}

const fn person(name: &'static str, phone: &'static str, category: &'static str, content: &'static str) -> Objector {
    Objector { channel: Channel::Web, claimed: None, organization: None, name, phone, email: "", category, content }
}

/// (day relative to today, China time "HH:MM", step), in time order. Days are calendar days
/// in China; a notice from day `start` runs to the end of day `start + 4`.
const PLAN: &[(i64, &str, Step)] = &[
    // Two enterprises of 凉州区 start first: their projects go all the way to the province.
    (-22, "09:00", Step::Declare { unit: "E-HYH", start: -21 }),
    (-22, "09:30", Step::Declare { unit: "E-RLGS", start: -21 }),
    (
        -20,
        "15:20",
        Step::Object {
            tag: "hyh",
            unit: "E-HYH",
            level: Applicant,
            project: "甜玉米",
            by: person(
                "赵建华",
                "13909351234",
                "personnel",
                "完成人名单中的吴海燕同志2022年已调至集团销售公司，据我了解未参与该生产线的改造，请核实其是否应列为完成人。",
            ),
        },
    ),
    (
        -19,
        "10:00",
        Step::Handle {
            tag: "hyh", to: Status::Accepted, reason: None, note: "异议已受理，我单位正在组织核查。"
        },
    ),
    (
        -19,
        "10:05",
        Step::Handle {
            tag: "hyh",
            to: Status::Investigating,
            reason: None,
            note: "核查组已调阅项目任务书、验收记录并约谈相关人员。",
        },
    ),
    (
        -18,
        "16:00",
        Step::Handle {
            tag: "hyh",
            to: Status::Dismissed,
            reason: None,
            note: "经核查，吴海燕同志2021年至2023年全程参与切粒设备的改造与调试，有项目任务书、试车记录和验收报告佐证，异议不成立。",
        },
    ),
    (
        -16,
        "08:40",
        Step::Object {
            tag: "hyh-late",
            unit: "E-HYH",
            level: Applicant,
            project: "制种玉米",
            by: person(
                "钱永福",
                "13519352468",
                "merit",
                "该项目的去雄机械在我们合作社试用时故障较多，效益数字可能偏高。",
            ),
        },
    ),
    (-16, "10:00", Step::Report { unit: "E-HYH", level: Applicant }),
    (-16, "10:10", Step::Report { unit: "E-RLGS", level: Applicant }),
    (-16, "10:30", Step::Recommend { unit: "E-HYH", level: Applicant, except: &[] }),
    (-16, "10:40", Step::Recommend { unit: "E-RLGS", level: Applicant, except: &[] }),
    (-16, "15:00", Step::Publish { unit: "WW-LZ", level: Recommender, start: -15 }),
    (-10, "09:00", Step::Declare { unit: "E-LZJX", start: -10 }),
    (-10, "10:00", Step::Report { unit: "WW-LZ", level: Recommender }),
    (-10, "10:30", Step::Recommend { unit: "WW-LZ", level: Recommender, except: &[] }),
    (-10, "15:00", Step::Publish { unit: "WW", level: Recommender, start: -9 }),
    (-9, "09:00", Step::Declare { unit: "E-MQSC", start: -8 }),
    (-9, "12:00", Step::Correct { unit: "E-MQSC" }),
    (-7, "09:00", Step::Declare { unit: "E-TZSD", start: -6 }),
    (
        -7,
        "09:30",
        Step::Object {
            tag: "lzjx",
            unit: "E-LZJX",
            level: Applicant,
            project: "老旧折弯机",
            by: Objector {
                channel: Channel::Letter,
                claimed: Some((-8, 0)),
                organization: Some(("武威天马机床维修有限公司", "孙立军")),
                name: "",
                phone: "0935-2261357",
                email: "",
                category: "ip",
                content: "该项目后挡料数控系统的丝杠定位结构与我公司2021年授权的实用新型专利（ZL 2021 2 0345678.9）相同，\
                      我公司未许可他人使用，请予核查。随信附专利证书复印件。",
            },
        },
    ),
    (
        -7,
        "10:00",
        Step::Handle {
            tag: "lzjx",
            to: Status::Accepted,
            reason: None,
            note: "已收到贵公司加盖公章的异议材料，异议已受理。",
        },
    ),
    (
        -6,
        "10:00",
        Step::Handle {
            tag: "lzjx", to: Status::Investigating, reason: None, note: "已请第三方专利代理机构进行比对。"
        },
    ),
    (
        -6,
        "14:10",
        Step::Object {
            tag: "mqsc",
            unit: "E-MQSC",
            level: Applicant,
            project: "梭梭接种",
            by: Objector {
                channel: Channel::Phone,
                claimed: Some((-6, 11 * 60 + 20)),
                organization: None,
                name: "李德胜",
                phone: "13830561122",
                email: "",
                category: "eligibility",
                content: "来电反映该项目的推广面积数据引用的是2019年的试验成果，是否超出本届申报的时间范围，请核实。",
            },
        },
    ),
    (-5, "09:00", Step::Withdraw { unit: "E-TZSD" }),
    (-5, "09:30", Step::Handle { tag: "mqsc", to: Status::Accepted, reason: None, note: "来电反映的问题已受理。" }),
    (
        -5,
        "15:00",
        Step::Handle {
            tag: "lzjx",
            to: Status::Upheld,
            reason: None,
            note: "经比对，项目后挡料定位结构与异议单位的有效专利技术方案实质相同，异议成立，该项目本届不予推荐。",
        },
    ),
    (-4, "10:00", Step::Report { unit: "E-LZJX", level: Applicant }),
    (
        -4,
        "10:00",
        Step::Handle {
            tag: "mqsc", to: Status::Investigating, reason: None, note: "正在调取项目实施期间的推广台账。"
        },
    ),
    (-4, "10:30", Step::Recommend { unit: "E-LZJX", level: Applicant, except: &["老旧折弯机"] }),
    (-4, "11:00", Step::Report { unit: "WW", level: Recommender }),
    // The city sends on only what the province's notice takes: projects proposed for 三等奖 or above.
    (
        -4,
        "11:30",
        Step::Recommend {
            unit: "WW", level: Recommender, except: &["甜玉米", "规模化奶牛场", "燃煤热水锅炉"]
        },
    ),
    (-3, "09:00", Step::Declare { unit: "E-GLGF", start: -3 }),
    (-3, "09:10", Step::Declare { unit: "E-GDGS", start: -2 }),
    (-3, "09:20", Step::Declare { unit: "E-RMYY", start: -2 }),
    (-2, "09:00", Step::Declare { unit: "E-MQJS", start: -1 }),
    (-1, "09:00", Step::Declare { unit: "E-TZMY", start: 0 }),
    (
        -1,
        "10:15",
        Step::Object {
            tag: "rmyy",
            unit: "E-RMYY",
            level: Applicant,
            project: "基于物联网",
            by: person(
                "周海涛",
                "18993521010",
                "merit",
                "公示材料称该系统已在全院推广，但据我所知目前只在两个病区试用。",
            ),
        },
    ),
    (-1, "14:00", Step::Handle { tag: "rmyy", to: Status::Accepted, reason: None, note: "异议已受理。" }),
    (-1, "14:30", Step::Review),
    (-1, "15:00", Step::Publish { unit: "GS", level: Province, start: 0 }),
    (-1, "16:00", Step::Publish { unit: "WW-LZ", level: Recommender, start: 0 }),
    (
        -1,
        "20:15",
        Step::Object {
            tag: "gdgs-anonymous",
            unit: "E-GDGS",
            level: Applicant,
            project: "10千伏",
            by: person("", "", "personnel", "这个项目的第一完成人是挂名的，实际是班组其他人干的。"),
        },
    ),
    (
        0,
        "08:30",
        Step::Object {
            tag: "glgf",
            unit: "E-GLGF",
            level: Applicant,
            project: "荒漠光伏",
            by: Objector {
                channel: Channel::Email,
                claimed: Some((-1, 22 * 60 + 5)),
                organization: None,
                name: "马小军",
                phone: "",
                email: "maxj@example.cn",
                category: "ip",
                content: "清洗机器人的行走机构与某公司已公开的专利相似，请核实是否存在知识产权纠纷。",
            },
        },
    ),
    (
        0,
        "09:00",
        Step::Handle {
            tag: "glgf", to: Status::Accepted, reason: None, note: "已收到您的电子邮件，异议已受理。"
        },
    ),
    (
        0,
        "09:30",
        Step::Handle {
            tag: "rmyy",
            to: Status::Withdrawn,
            reason: None,
            note: "异议人来电说明系对推广范围的误解，申请撤回异议。",
        },
    ),
    (
        0,
        "10:00",
        Step::Object {
            tag: "tzmy",
            unit: "E-TZMY",
            level: Applicant,
            project: "综采工作面",
            by: Objector {
                channel: Channel::Web,
                claimed: None,
                organization: Some(("天祝县华藏煤业设备服务部", "张国栋")),
                name: "",
                phone: "0935-3122456",
                email: "",
                category: "personnel",
                content: "我单位技术人员参与了电液控制系统的现场改造调试，但完成单位中没有列出我单位，请核实完成单位及排序。",
            },
        },
    ),
    (
        0,
        "10:20",
        Step::Object {
            tag: "gdgs",
            unit: "E-GDGS",
            level: Applicant,
            project: "高寒山区输电",
            by: person(
                "韩雪梅",
                "13893512345",
                "merit",
                "公示的经济效益中减少停电损失一项，计算口径是否包含了其他单位的线路，请说明。",
            ),
        },
    ),
];

/// What a step needs from the ones before it.
#[derive(Default)]
struct Done {
    notices: HashMap<(&'static str, i32), i32>,
    objections: HashMap<&'static str, i32>,
}

/// Replays [`PLAN`] for `campaign_id` as of `now` (steps dated later are taken at `now`), the
/// reports' QR codes leading to `base_url`. Then [`later`] schedules one notice for tomorrow.
///
/// # Errors
/// Database failure, or a step the rules refuse (a bug in the plan).
pub async fn replay(
    db: &DatabaseConnection,
    campaign_id: i32,
    base_url: &str,
    keys: &Secrets,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let today = day_of(now);
    let mut done = Done::default();
    for &(day, time, step) in PLAN {
        let at = instant_on(today + Duration::days(day), minutes(time)).min(now);
        let ctx = Ctx { db, campaign_id, today, at, base_url, keys };
        ctx.take(step, &mut done)
            .await
            .map_err(|e| AppError::internal(format!("demo step at {time} day {day}: {e}")))?;
    }
    later(db, campaign_id, today, keys, now).await
}

/// A notice published just now for tomorrow: staff see it, the public not yet.
async fn later(
    db: &DatabaseConnection,
    campaign_id: i32,
    today: NaiveDate,
    keys: &Secrets,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let ctx = Ctx { db, campaign_id, today, at: now, base_url: "", keys };
    ctx.declare("E-GLJZ", today + Duration::days(1)).await?;
    Ok(())
}

fn minutes(hhmm: &str) -> u32 {
    let (h, m) = hhmm.split_once(':').unwrap_or(("9", "0"));
    h.parse::<u32>().unwrap_or(9) * 60 + m.parse::<u32>().unwrap_or(0)
}

struct Ctx<'a> {
    db: &'a DatabaseConnection,
    campaign_id: i32,
    today: NaiveDate,
    at: DateTime<Utc>,
    base_url: &'a str,
    keys: &'a Secrets,
}

impl Ctx<'_> {
    async fn take(&self, step: Step, done: &mut Done) -> AppResult<()> {
        match step {
            Step::Declare { unit, start } => {
                let id = self.declare(unit, self.today + Duration::days(start)).await?;
                done.notices.insert((unit, Applicant.number()), id);
            }
            Step::Publish { unit, level, start } => {
                let id = self.publish_upper(unit, level, self.today + Duration::days(start), done).await?;
                done.notices.insert((unit, level.number()), id);
            }
            Step::Review => self.review("GS").await?,
            Step::Correct { unit } => {
                let id = notice_of(done, unit, Applicant)?;
                start_correction(self.db, id, &Who::default(), self.at).await?;
                let note = "更正正文中的异议受理电话，项目及排序不变。".to_owned();
                publish(self.db, id, &PublishRequest { note: Some(note), ..PublishRequest::default() }, self.at)
                    .await?;
            }
            Step::Withdraw { unit } => {
                let id = notice_of(done, unit, Applicant)?;
                withdraw(self.db, id, "申报单位经研究决定本年度暂缓申报，撤回全部项目。", None, self.at).await?;
            }
            Step::Object { tag, unit, level, project, by } => {
                let id = self.object(notice_of(done, unit, level)?, project, by).await?;
                done.objections.insert(tag, id);
            }
            Step::Handle { tag, to, reason, note } => {
                let id = *done.objections.get(tag).ok_or_else(|| AppError::internal(format!("no objection {tag}")))?;
                self.handle(id, to, reason, note).await?;
            }
            Step::Report { unit, level } => {
                crate::reports::service::issue(
                    self.db,
                    notice_of(done, unit, level)?,
                    &Who::default(),
                    self.base_url,
                    self.at,
                )
                .await?;
            }
            Step::Recommend { unit, level, except } => {
                let from = self.unit(unit).await?;
                for p in self.notice_projects(notice_of(done, unit, level)?).await? {
                    if !except.iter().any(|e| p.name.starts_with(e)) {
                        crate::recommendations::recommend(
                            self.db,
                            &Postbox::closed(""),
                            p.id,
                            from.id,
                            None,
                            &Who::default(),
                            self.at,
                        )
                        .await?;
                    }
                }
            }
        }
        Ok(())
    }

    async fn unit(&self, code: &str) -> AppResult<units::Model> {
        units::Entity::find()
            .filter(units::Column::Code.eq(code))
            .one(self.db)
            .await?
            .ok_or_else(|| AppError::internal(format!("demo unit {code} missing")))
    }

    /// Generates and publishes the level-1 notice of every project `code` declared.
    async fn declare(&self, code: &str, start: NaiveDate) -> AppResult<i32> {
        let unit = self.unit(code).await?;
        let projects = crate::projects::service::list_ids_for_unit(self.db, self.campaign_id, unit.id).await?;
        self.generate_and_publish(&unit, Applicant, projects, start).await
    }

    /// The grades `code` proposes for the projects it holds.
    async fn review(&self, code: &str) -> AppResult<()> {
        use crate::projects::{Grade, review_grade};
        let unit = self.unit(code).await?;
        let held = projects::Entity::find()
            .filter(projects::Column::CampaignId.eq(self.campaign_id))
            .filter(projects::Column::HolderUnitId.eq(unit.id))
            .order_by_asc(projects::Column::Id)
            .all(self.db)
            .await?;
        let txn = crate::db::begin_write(self.db).await?;
        for p in &held {
            let Some(grade) = p.proposed_grade.as_deref().and_then(Grade::parse) else { continue };
            review_grade::record(&txn, p, grade, Some("经省总工会评审"), &Who::default(), unit.id, self.at).await?;
        }
        txn.commit().await?;
        Ok(())
    }

    /// The notice of `unit` at `level` for the projects recommended to it and not yet in one.
    async fn publish_upper(&self, code: &str, level: Level, start: NaiveDate, done: &Done) -> AppResult<i32> {
        let unit = self.unit(code).await?;
        let earlier = match done.notices.get(&(code, level.number())) {
            Some(&id) => self.notice_projects(id).await?.into_iter().map(|p| p.id).collect(),
            None => Vec::new(),
        };
        let held: Vec<i32> = projects::Entity::find()
            .filter(projects::Column::CampaignId.eq(self.campaign_id))
            .filter(projects::Column::HolderUnitId.eq(unit.id))
            .order_by_asc(projects::Column::Id)
            .all(self.db)
            .await?
            .into_iter()
            .map(|p| p.id)
            .filter(|id| !earlier.contains(id))
            .collect();
        self.generate_and_publish(&unit, level, held, start).await
    }

    async fn generate_and_publish(
        &self,
        unit: &units::Model,
        level: Level,
        project_ids: Vec<i32>,
        start: NaiveDate,
    ) -> AppResult<i32> {
        let req = GenerateRequest {
            campaign_id: self.campaign_id,
            unit_id: unit.id,
            level,
            project_ids,
            starts_on: Some(start),
            created_by: None,
        };
        let notice_id = generate(self.db, &req, self.at).await?.notice_id;
        self.set_board(notice_id, &unit.name).await?;
        publish(self.db, notice_id, &PublishRequest::default(), self.at).await?;
        Ok(notice_id)
    }

    /// The board location, as staff would type it before publishing.
    async fn set_board(&self, notice_id: i32, unit_name: &str) -> AppResult<()> {
        let draft = crate::notices::service::draft_revision(self.db, notice_id)
            .await?
            .ok_or_else(|| AppError::internal("demo draft vanished"))?;
        let mut row: notice_revisions::ActiveModel = draft.into();
        row.board_location = Set(Some(format!("{unit_name}办公楼一楼公告栏")));
        row.update(self.db).await?;
        Ok(())
    }

    /// The projects of the notice's latest revision, in order.
    async fn notice_projects(&self, notice_id: i32) -> AppResult<Vec<projects::Model>> {
        let Some(revision) = crate::notices::service::latest_published(self.db, notice_id).await? else {
            return Err(AppError::internal(format!("demo notice {notice_id} unpublished")));
        };
        let ids: Vec<i32> = notice_items::Entity::find()
            .filter(notice_items::Column::RevisionId.eq(revision.revision.id))
            .order_by_asc(notice_items::Column::Position)
            .all(self.db)
            .await?
            .into_iter()
            .map(|i| i.project_id)
            .collect();
        let mut rows = projects::Entity::find().filter(projects::Column::Id.is_in(ids.clone())).all(self.db).await?;
        rows.sort_by_key(|p| ids.iter().position(|id| *id == p.id));
        Ok(rows)
    }

    /// Files (web) or registers (other channels) an objection as the objector or staff would.
    async fn object(&self, notice_id: i32, project: &str, by: Objector) -> AppResult<i32> {
        let notice = notice_for_objection(self.db, notice_id, self.at).await?;
        let project_id = notice
            .projects
            .iter()
            .find(|p| p.name.starts_with(project))
            .map(|p| p.id)
            .ok_or_else(|| AppError::internal(format!("demo project {project} not on notice {notice_id}")))?;
        let (organization, contact_person) = by.organization.unwrap_or(("", ""));
        let input = FilingInput {
            objector_kind: if by.organization.is_some() { "organization" } else { "individual" }.to_owned(),
            name: by.name.to_owned(),
            phone: by.phone.to_owned(),
            email: by.email.to_owned(),
            organization: organization.to_owned(),
            contact_person: contact_person.to_owned(),
            project_id: project_id.to_string(),
            category: by.category.to_owned(),
            content: by.content.to_owned(),
            declaration: true,
            notify_by_email: false,
        };
        let filing = input
            .validate(&notice.project_ids())
            .map_err(|e| AppError::internal(format!("demo objection refused: {e:?}")))?;
        let case = match by.claimed {
            None => NewCase::web(&notice, filing, Vec::new(), crate::objections::codes::new_lookup_key(), self.at),
            Some((day, minute)) => {
                let claimed = instant_on(self.today + Duration::days(day), minute).min(self.at);
                registration_case(
                    &notice,
                    filing,
                    Arrival { channel: by.channel, arrived: claimed, postmark: None },
                    None,
                    self.at,
                )
            }
        };
        let txn = crate::db::begin_write(self.db).await?;
        let recorded = record(&txn, &case, self.keys, &Postbox::closed("")).await?;
        txn.commit().await?;
        Ok(recorded.objection.id)
    }

    async fn handle(&self, id: i32, to: Status, reason: Option<RefusalReason>, note: &str) -> AppResult<()> {
        let txn = crate::db::begin_write(self.db).await?;
        let case = objections::Entity::find_by_id(id).one(&txn).await?.ok_or(AppError::NotFound)?;
        // The demo's conclusions are written to be read by anyone: each is the note to the
        // objector and, on concluding, the report's public handling summary as well.
        let req = TransitionRequest {
            to,
            reason,
            internal_note: None,
            objector_note: Some(note.to_owned()),
            public_summary: to.is_closed().then(|| note.to_owned()),
        };
        // The demo's past is not mailed to anyone.
        apply_move(&txn, &Postbox::closed(""), case, &req, None, self.at).await?;
        txn.commit().await?;
        Ok(())
    }
}

fn notice_of(done: &Done, unit: &'static str, level: Level) -> AppResult<i32> {
    done.notices
        .get(&(unit, level.number()))
        .copied()
        .ok_or_else(|| AppError::internal(format!("demo: no level-{} notice of {unit} yet", level.number())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_plan_is_in_time_order() {
        let keys: Vec<(i64, u32)> = PLAN.iter().map(|(d, t, _)| (*d, minutes(t))).collect();
        assert!(keys.windows(2).all(|w| w[0] <= w[1]), "{keys:?}");
        assert!(keys.iter().all(|(d, m)| *d <= 0 && *m < 24 * 60));
    }
}
