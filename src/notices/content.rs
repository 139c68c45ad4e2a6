//! What each level of notice must show (docs/RULES.md#the-three-levels-of-notice), built from a
//! project record into the snapshot stored per item. Phone and ID numbers never enter it: the
//! snapshot types have no field for them.
use super::Level;
use crate::error::FieldError;
use crate::personal_data::Field;
use crate::projects::service::ProjectRecord;
use crate::projects::{Grade, IpKind};
use serde::{Deserialize, Serialize};

/// A completer as the public may see them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicCompleter {
    pub name: String,
    /// Level 1 only, first three completers only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contribution: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workload: Option<String>,
}

/// A paper, monograph or patent as listed on a level-1 notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicIpItem {
    pub kind: String,
    pub kind_label: String,
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference: Option<String>,
}

/// The public fields of one project on one notice, exactly as published.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    pub name: String,
    /// 完成单位, in order.
    pub units: Vec<String>,
    /// 完成人, in order.
    pub completers: Vec<PublicCompleter>,
    /// 关键技术与创新点 (level 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_technology: Option<String>,
    /// 论文专著专利等知识产权 (level 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip_items: Option<Vec<PublicIpItem>>,
    /// 拟评等级 code (level 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<String>,
}

/// What lists keep of a [`Snapshot`], read from its JSON: its other fields (key technology,
/// IP items) are skipped while it is parsed, not allocated.
#[derive(Debug, Deserialize)]
pub struct ListedFields {
    pub name: String,
    pub units: Vec<String>,
    pub completers: Vec<NamedCompleter>,
}

#[derive(Debug, Deserialize)]
pub struct NamedCompleter {
    pub name: String,
}

impl Snapshot {
    /// The Chinese name of the proposed grade, when the snapshot carries one.
    #[must_use]
    pub fn grade_label(&self) -> Option<&'static str> {
        self.grade.as_deref().and_then(Grade::parse).map(Grade::label)
    }

    #[must_use]
    pub fn completer_names(&self) -> Vec<String> {
        self.completers.iter().map(|c| c.name.clone()).collect()
    }

    /// Reads a stored snapshot; a row that does not parse is an internal fault, not user input.
    ///
    /// # Errors
    /// The JSON does not match.
    pub fn from_json(text: &str) -> Result<Self, serde_json::Error> {
        serde_json::from_str(text)
    }

    #[must_use]
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }
}

impl Snapshot {
    /// Every text of the snapshot the public reads, named for the personal-data scan: the key
    /// says which project and field (so a confirmation holds for that place only), the label
    /// says it in Chinese.
    #[must_use]
    pub fn public_fields<'s>(&'s self, project_id: i32) -> Vec<Field<'s>> {
        let project = Some(self.name.as_str());
        let field = |key: String, label: String, text: &'s str| Field {
            key: format!("p{project_id}.{key}"),
            label,
            project,
            text,
        };
        let mut out = vec![field("name".into(), "项目名称".into(), &self.name)];
        for (i, u) in self.units.iter().enumerate() {
            out.push(field(format!("units.{i}"), format!("第{}完成单位", i + 1), u));
        }
        for (i, c) in self.completers.iter().enumerate() {
            out.push(field(format!("completers.{i}.name"), format!("第{}完成人", i + 1), &c.name));
            if let Some(t) = &c.contribution {
                out.push(field(format!("completers.{i}.contribution"), format!("完成人{}的贡献", c.name), t));
            }
            if let Some(t) = &c.workload {
                out.push(field(format!("completers.{i}.workload"), format!("完成人{}的工作量", c.name), t));
            }
        }
        if let Some(t) = &self.key_technology {
            out.push(field("key_technology".into(), "关键技术与创新点".into(), t));
        }
        for (i, ip) in self.ip_items.iter().flatten().enumerate() {
            out.push(field(format!("ip_items.{i}.title"), format!("知识产权第{}项名称", i + 1), &ip.title));
            if let Some(r) = &ip.reference {
                out.push(field(format!("ip_items.{i}.reference"), format!("知识产权第{}项编号", i + 1), r));
            }
        }
        out
    }
}

/// Builds the snapshot a level must show. Level 3 shows the grade the province proposed (the
/// gate decides which grades the campaign lists).
///
/// # Errors
/// A field error naming the project when a level-3 notice is given a project without a
/// proposed grade.
pub fn snapshot(level: Level, record: &ProjectRecord) -> Result<Snapshot, FieldError> {
    let p = &record.project;
    let units = record.unit_names();
    match level {
        Level::Applicant => Ok(Snapshot {
            name: p.name.clone(),
            units,
            completers: record
                .completers
                .iter()
                .enumerate()
                .map(|(i, c)| PublicCompleter {
                    name: c.name.clone(),
                    contribution: if i < 3 { c.contribution.clone() } else { None },
                    workload: if i < 3 { c.workload.clone() } else { None },
                })
                .collect(),
            key_technology: Some(p.key_technology.clone()),
            ip_items: Some(
                record
                    .ip_items
                    .iter()
                    .map(|ip| PublicIpItem {
                        kind: ip.kind.clone(),
                        kind_label: IpKind::parse(&ip.kind).map_or("其他", IpKind::label).to_owned(),
                        title: ip.title.clone(),
                        reference: ip.reference.clone(),
                    })
                    .collect(),
            ),
            grade: None,
        }),
        Level::Recommender => Ok(Snapshot { name: p.name.clone(), units, completers: names_only(record), ..empty() }),
        Level::Province => {
            // The grade the province proposed after its review, never the applicant's own; the
            // gate has already asked whether the campaign lists it.
            match record.review_grade {
                Some(g) => Ok(Snapshot {
                    name: p.name.clone(),
                    units,
                    completers: names_only(record),
                    grade: Some(g.code().to_owned()),
                    ..empty()
                }),
                None => Err(FieldError::new(
                    "projects",
                    format!("项目《{}》尚无省总工会评审后的拟评等级，不能列入省总工会公示", p.name),
                )),
            }
        }
    }
}

fn empty() -> Snapshot {
    Snapshot {
        name: String::new(),
        units: Vec::new(),
        completers: Vec::new(),
        key_technology: None,
        ip_items: None,
        grade: None,
    }
}

fn names_only(record: &ProjectRecord) -> Vec<PublicCompleter> {
    record
        .completers
        .iter()
        .map(|c| PublicCompleter { name: c.name.clone(), contribution: None, workload: None })
        .collect()
}

/// Whether two lists of items differ in anything that restarts the period: the projects,
/// their order, their names, completing units or completers (and their order).
#[must_use]
pub fn listing_changed(before: &[(i32, Snapshot)], after: &[(i32, Snapshot)]) -> bool {
    before.len() != after.len()
        || before.iter().zip(after).any(|((pa, a), (pb, b))| {
            pa != pb || a.name != b.name || a.units != b.units || a.completer_names() != b.completer_names()
        })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use chrono::Utc;
    use entity::{project_completers, project_ip_items, project_units, projects};

    pub(crate) fn record(grade: Option<&str>) -> ProjectRecord {
        let now = Utc::now();
        let completer = |i: i32, name: &str| project_completers::Model {
            id: i,
            project_id: 1,
            position: i,
            name: name.into(),
            work_unit: Some("甲公司".into()),
            job_title: Some("高级工程师".into()),
            contribution: Some(format!("贡献{i}")),
            workload: Some(format!("{}%", 40 - i * 5)),
            phone: Some("13900000000".into()),
            id_number: Some("620102199001011234".into()),
        };
        ProjectRecord {
            project: projects::Model {
                id: 1,
                campaign_id: 1,
                applicant_unit_id: 1,
                holder_unit_id: 1,
                import_key: "A1".into(),
                name: "智能巡检机器人".into(),
                key_technology: "多传感器融合".into(),
                eligibility: 3,
                exclusions_declared: true,
                proposed_grade: grade.map(str::to_owned),
                summary: None,
                created_at: now,
                updated_at: now,
            },
            units: vec![project_units::Model { id: 1, project_id: 1, position: 1, name: "甲公司".into() }],
            completers: vec![completer(1, "张三"), completer(2, "李四"), completer(3, "王五"), completer(4, "赵六")],
            review_grade: grade.and_then(Grade::parse),
            ip_items: vec![project_ip_items::Model {
                id: 1,
                project_id: 1,
                position: 1,
                kind: "patent".into(),
                title: "一种巡检装置".into(),
                reference: Some("ZL202421234567.8".into()),
            }],
        }
    }

    #[test]
    fn level_one_shows_the_contribution_of_the_first_three_only() {
        let s = snapshot(Level::Applicant, &record(None)).unwrap();
        assert_eq!(s.completers[2].contribution.as_deref(), Some("贡献3"));
        assert_eq!(s.completers[3].contribution, None);
        assert_eq!(s.completers[3].workload, None);
        assert_eq!(s.key_technology.as_deref(), Some("多传感器融合"));
        assert_eq!(s.ip_items.as_ref().unwrap()[0].kind_label, "专利");
        assert_eq!(s.grade, None);
    }

    #[test]
    fn no_level_ever_carries_phone_or_id_numbers() {
        for level in [Level::Applicant, Level::Recommender, Level::Province] {
            let json = snapshot(level, &record(Some("first"))).unwrap().to_json();
            assert!(!json.contains("13900000000"), "{json}");
            assert!(!json.contains("620102199001011234"), "{json}");
            assert!(!json.contains("高级工程师"), "{json}");
        }
    }

    #[test]
    fn level_two_shows_no_contribution_fields() {
        let s = snapshot(Level::Recommender, &record(Some("first"))).unwrap();
        let json = s.to_json();
        assert!(!json.contains("contribution") && !json.contains("workload"), "{json}");
        assert!(!json.contains("key_technology") && !json.contains("ip_items"), "{json}");
        assert!(!json.contains("grade"), "{json}");
        assert_eq!(s.completer_names(), ["张三", "李四", "王五", "赵六"]);
    }

    #[test]
    fn level_three_shows_the_grade_and_refuses_an_excellence_award() {
        let s = snapshot(Level::Province, &record(Some("third"))).unwrap();
        assert_eq!(s.grade_label(), Some("三等奖"));
        assert!(!s.to_json().contains("contribution"));
        let merit = snapshot(Level::Province, &record(Some("merit"))).unwrap();
        assert_eq!(merit.grade_label(), Some("优秀奖"), "which grades a campaign lists is the gate's to say");
        let refused = snapshot(Level::Province, &record(None)).unwrap_err();
        assert!(refused.message.contains("智能巡检机器人") && refused.message.contains("尚无省总工会评审后的拟评等级"));
    }

    #[test]
    fn reordering_or_renaming_a_completer_changes_the_listing() {
        let a = snapshot(Level::Recommender, &record(None)).unwrap();
        let mut b = a.clone();
        assert!(!listing_changed(&[(1, a.clone())], &[(1, b.clone())]));
        b.completers.swap(0, 1);
        assert!(listing_changed(&[(1, a.clone())], &[(1, b)]));
        assert!(listing_changed(&[(1, a.clone()), (2, a.clone())], &[(2, a.clone()), (1, a.clone())]));
        assert!(listing_changed(&[(1, a.clone())], &[]));
        let mut c = a.clone();
        c.key_technology = Some("改写".into());
        assert!(!listing_changed(&[(1, a)], &[(1, c)]), "text edits alone do not restart");
    }
}
