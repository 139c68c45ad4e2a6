//! The project edit form: flat HTML fields (`c0_name`, `ip1_title`, …) to and from a
//! [`ProjectDraft`], with a few blank rows so a completer or a patent can be added without
//! JavaScript.
use super::service::ProjectRecord;
use super::{CompleterDraft, Grade, IpItemDraft, IpKind, ProjectDraft};
use serde::Serialize;
use std::collections::HashMap;

pub const MAX_COMPLETERS: usize = 30;
pub const MAX_IP_ITEMS: usize = 30;

#[derive(Debug, Clone, Default, Serialize)]
pub struct CompleterRow {
    pub index: usize,
    pub name: String,
    pub work_unit: String,
    pub job_title: String,
    pub contribution: String,
    pub workload: String,
    pub phone: String,
    pub id_number: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct IpRow {
    pub index: usize,
    pub kind: String,
    pub title: String,
    pub reference: String,
}

/// What the form shows: the draft's fields as text, lists padded with blank rows.
#[derive(Debug, Clone, Default, Serialize)]
pub struct FormValues {
    pub import_key: String,
    pub name: String,
    pub completing_units: String,
    pub key_technology: String,
    pub eligibility: i32,
    pub exclusions_declared: bool,
    pub proposed_grade: String,
    pub summary: String,
    pub completers: Vec<CompleterRow>,
    pub ip_items: Vec<IpRow>,
}

fn text(s: Option<&String>) -> String {
    s.cloned().unwrap_or_default()
}

impl FormValues {
    #[must_use]
    pub fn from_draft(d: &ProjectDraft) -> Self {
        let mut completers: Vec<CompleterRow> = d
            .completers
            .iter()
            .enumerate()
            .map(|(index, c)| CompleterRow {
                index,
                name: c.name.clone(),
                work_unit: text(c.work_unit.as_ref()),
                job_title: text(c.job_title.as_ref()),
                contribution: text(c.contribution.as_ref()),
                workload: text(c.workload.as_ref()),
                phone: text(c.phone.as_ref()),
                id_number: text(c.id_number.as_ref()),
            })
            .collect();
        let blanks = (completers.len() + 3).clamp(5, MAX_COMPLETERS);
        while completers.len() < blanks {
            completers.push(CompleterRow { index: completers.len(), ..Default::default() });
        }
        let mut ip_items: Vec<IpRow> = d
            .ip_items
            .iter()
            .enumerate()
            .map(|(index, i)| IpRow {
                index,
                kind: i.kind.code().to_owned(),
                title: i.title.clone(),
                reference: text(i.reference.as_ref()),
            })
            .collect();
        let blanks = (ip_items.len() + 2).clamp(3, MAX_IP_ITEMS);
        while ip_items.len() < blanks {
            ip_items.push(IpRow { index: ip_items.len(), kind: "patent".into(), ..Default::default() });
        }
        Self {
            import_key: d.import_key.clone(),
            name: d.name.clone(),
            completing_units: d.completing_units.join("\n"),
            key_technology: d.key_technology.clone(),
            eligibility: d.eligibility,
            exclusions_declared: d.exclusions_declared,
            proposed_grade: d.proposed_grade.map(|g| g.code().to_owned()).unwrap_or_default(),
            summary: text(d.summary.as_ref()),
            completers,
            ip_items,
        }
    }
}

/// The stored project as a draft (what the form starts from).
#[must_use]
pub fn draft_of(record: &ProjectRecord) -> ProjectDraft {
    let p = &record.project;
    ProjectDraft {
        import_key: p.import_key.clone(),
        name: p.name.clone(),
        completing_units: record.unit_names(),
        completers: record
            .completers
            .iter()
            .map(|c| CompleterDraft {
                name: c.name.clone(),
                work_unit: c.work_unit.clone(),
                job_title: c.job_title.clone(),
                contribution: c.contribution.clone(),
                workload: c.workload.clone(),
                phone: c.phone.clone(),
                id_number: c.id_number.clone(),
            })
            .collect(),
        key_technology: p.key_technology.clone(),
        ip_items: record
            .ip_items
            .iter()
            .filter_map(|i| {
                Some(IpItemDraft {
                    kind: IpKind::parse(&i.kind)?,
                    title: i.title.clone(),
                    reference: i.reference.clone(),
                })
            })
            .collect(),
        eligibility: p.eligibility,
        exclusions_declared: p.exclusions_declared,
        proposed_grade: p.proposed_grade.as_deref().and_then(Grade::parse),
        summary: p.summary.clone(),
        over_limit_reason: None,
    }
}

fn some(s: Option<&String>) -> Option<String> {
    s.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// Reads the posted fields into a draft (not yet validated: `ProjectDraft::validate` decides).
#[must_use]
pub fn draft_from_fields(fields: &[(String, String)]) -> ProjectDraft {
    let map: HashMap<&str, &String> = fields.iter().map(|(k, v)| (k.as_str(), v)).collect();
    let get = |k: &str| map.get(k).map(|v| (*v).clone()).unwrap_or_default();
    let completers = (0..MAX_COMPLETERS)
        .filter_map(|i| {
            let name = get(&format!("c{i}_name"));
            if name.trim().is_empty() {
                return None;
            }
            let field = |f: &str| some(map.get(format!("c{i}_{f}").as_str()).copied());
            Some(CompleterDraft {
                name,
                work_unit: field("work_unit"),
                job_title: field("job_title"),
                contribution: field("contribution"),
                workload: field("workload"),
                phone: field("phone"),
                id_number: field("id_number"),
            })
        })
        .collect();
    let ip_items = (0..MAX_IP_ITEMS)
        .filter_map(|i| {
            let title = get(&format!("ip{i}_title"));
            if title.trim().is_empty() {
                return None;
            }
            let kind = IpKind::parse(&get(&format!("ip{i}_kind"))).unwrap_or(IpKind::Other);
            Some(IpItemDraft {
                kind,
                title: title.trim().to_owned(),
                reference: some(map.get(format!("ip{i}_reference").as_str()).copied()),
            })
        })
        .collect();
    ProjectDraft {
        import_key: get("import_key"),
        name: get("name"),
        completing_units: get("completing_units").lines().filter(|l| !l.trim().is_empty()).map(str::to_owned).collect(),
        completers,
        key_technology: get("key_technology"),
        ip_items,
        eligibility: get("eligibility").trim().parse().unwrap_or(0),
        exclusions_declared: map.contains_key("exclusions_declared"),
        proposed_grade: Grade::parse(&get("proposed_grade")),
        summary: some(map.get("summary").copied()),
        over_limit_reason: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_round_trips_a_draft() {
        let fields: Vec<(String, String)> = [
            ("name", "智能巡检机器人"),
            ("completing_units", "甲公司\r\n乙公司"),
            ("c0_name", "张三"),
            ("c0_contribution", "总体设计"),
            ("c0_workload", "60%"),
            ("c1_name", ""),
            ("c2_name", "李四"),
            ("key_technology", "多传感器融合"),
            ("ip0_kind", "patent"),
            ("ip0_title", "一种巡检装置"),
            ("ip0_reference", "ZL202420000000.1"),
            ("eligibility", "3"),
            ("exclusions_declared", "on"),
            ("proposed_grade", "second"),
        ]
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
        let draft = draft_from_fields(&fields);
        assert_eq!(draft.completing_units, ["甲公司", "乙公司"]);
        assert_eq!(draft.completers.iter().map(|c| c.name.as_str()).collect::<Vec<_>>(), ["张三", "李四"]);
        assert_eq!(draft.ip_items[0].reference.as_deref(), Some("ZL202420000000.1"));
        assert_eq!(draft.proposed_grade, Some(Grade::Second));
        let values = FormValues::from_draft(&draft);
        assert_eq!(values.completers.len(), 5);
        assert_eq!(values.completers[1].name, "李四");
        assert_eq!(values.ip_items.len(), 3);
    }
}
