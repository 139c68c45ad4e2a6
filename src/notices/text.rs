//! The default title and standard Markdown body of a notice: purpose, period, how to object
//! (the unit's contacts) and the objection rules. Staff may edit both before publishing.
use super::{Level, Period};
use entity::{campaigns, units};

/// "关于2025年度甘肃省职工技术成果推荐项目的公示"
#[must_use]
pub fn default_title(campaign: &campaigns::Model, level: Level) -> String {
    format!("关于{}{}项目的公示", subject(campaign), level.project_word())
}

/// "2025年度甘肃省职工技术成果" from "2025年度甘肃省职工技术成果征集活动".
fn subject(campaign: &campaigns::Model) -> String {
    let title = campaign.title.trim();
    let trimmed = title.strip_suffix("征集活动").unwrap_or(title).trim();
    if trimmed.is_empty() { format!("{}年度职工技术成果", campaign.year) } else { trimmed.to_owned() }
}

/// The standard body.
#[must_use]
pub fn default_body(
    campaign: &campaigns::Model,
    unit: &units::Model,
    level: Level,
    project_count: usize,
    period: &Period,
) -> String {
    let basis = campaign.doc_number.as_deref().map_or_else(String::new, |n| format!("（{n}）"));
    let what = match level {
        Level::Applicant => format!("本单位拟申报的{project_count}项职工技术成果"),
        Level::Recommender => format!("本单位拟推荐的{project_count}项职工技术成果"),
        Level::Province => format!("拟评为三等奖以上的{project_count}项职工技术成果"),
    };
    let rule = "根据推荐申报职工技术成果实行三级公示制度的要求";
    let mut body = format!(
        "{rule}，按照{}{basis}，现将{what}予以公示，接受社会监督。\n\n\
         **{}{}**\n\n## 异议方式\n\n\
         公示期间，任何单位和个人对公示项目有异议的，可通过本页“提出异议”在线提交，\
         也可通过以下方式向{}提出：\n\n",
        campaign_call(campaign),
        period.text(),
        period.days_text(),
        unit.name,
    );
    for (label, value) in [
        ("联系人", &unit.contact_person),
        ("联系电话", &unit.contact_phone),
        ("电子邮箱", &unit.contact_email),
        ("通信地址", &unit.contact_address),
    ] {
        if let Some(v) = value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
            body.push_str(&format!("- {label}：{}\n", escape_md(v)));
        }
    }
    body.push_str(&rules_text(campaign));
    body
}

/// "《2025年度甘肃省职工技术成果征集活动》通知" — the call the notice rests on.
fn campaign_call(campaign: &campaigns::Model) -> String {
    format!("《关于开展{}的通知》", campaign.title.trim())
}

/// 异议须知, as the campaign's rules stand when the notice is written.
fn rules_text(campaign: &campaigns::Model) -> String {
    let rules = crate::campaigns::NoticeRules::of(campaign);
    let letters = match rules.letters_by {
        crate::campaigns::LettersBy::Postmark => "信函以邮戳日期为准",
        crate::campaigns::LettersBy::Arrival => "信函以收到日期为准",
    };
    let name = if rules.require_real_name {
        "异议须实名提出：个人须写明真实姓名和联系电话或电子邮箱；单位须写明单位名称、联系人和电话，\
         并寄送加盖公章的书面材料。匿名异议不予受理。"
    } else {
        "异议可以不署名提出，但请尽量留下联系方式，以便核实和答复；以单位名义提出的，须寄送加盖公章的书面材料。"
    };
    let evidence = if rules.refuse_without_evidence {
        "异议应写明具体事实，并须附证据材料或可核查的线索，未附的不予受理。"
    } else {
        "异议应写明具体事实，并附证据或可核查的线索。"
    };
    format!(
        "\n## 异议须知\n\n\
         1. 异议须在公示期内提出，以本系统收到的时间为准（{letters}），逾期不予受理。\n\
         2. {name}\n\
         3. {evidence}\n\
         4. 对评审结果、奖励等级的不同意见，对已有定论的学术观点的争议，以及与项目无关的内容，\
         不属于异议范围，不予受理。\n\
         5. 对异议人的身份予以保护。\n"
    )
}

/// Contact data comes from unit records: keep Markdown syntax in it from turning into markup.
fn escape_md(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '!' | '|') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// After the start day of a draft changes, the period written in its body follows, as long as
/// staff left that line as generated.
#[must_use]
pub fn replace_period(body: &str, old: &Period, new: &Period) -> String {
    body.replace(&old.text(), &new.text()).replace(&old.days_text(), &new.days_text())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::campaigns::CampaignSettings;
    use crate::notices::PeriodRules;
    use chrono::{NaiveDate, Utc};
    use sea_orm::{ActiveValue::Set, TryIntoModel};

    fn campaign() -> campaigns::Model {
        campaigns::ActiveModel {
            id: Set(1),
            code: Set("2025".into()),
            year: Set(2025),
            edition: Set("第十八届".into()),
            title: Set("2025年度甘肃省职工技术成果征集活动".into()),
            doc_number: Set(Some("甘总工办发〔2025〕8号".into())),
            organizer_unit_id: Set(None),
            award_grades: Set("[]".into()),
            created_at: Set(Utc::now()),
            ..CampaignSettings::DEFAULT.row()
        }
        .try_into_model()
        .expect("every column set")
    }

    fn unit() -> units::Model {
        units::Model {
            id: 1,
            parent_id: None,
            kind: "city".into(),
            name: "武威市总工会".into(),
            short_name: None,
            code: "WW".into(),
            contact_person: Some("王宝龙".into()),
            contact_phone: Some("0935-5810529".into()),
            contact_email: Some("wwghfbb@163.com".into()),
            contact_address: None,
            created_at: Utc::now(),
        }
    }

    #[test]
    fn the_default_title_names_the_campaign_and_level() {
        assert_eq!(default_title(&campaign(), Level::Recommender), "关于2025年度甘肃省职工技术成果推荐项目的公示");
        assert_eq!(default_title(&campaign(), Level::Applicant), "关于2025年度甘肃省职工技术成果申报项目的公示");
    }

    #[test]
    fn the_standard_body_has_period_contacts_and_rules() {
        let p = PeriodRules::default().period(NaiveDate::from_ymd_opt(2025, 3, 10).unwrap());
        let body = default_body(&campaign(), &unit(), Level::Recommender, 3, &p);
        for needle in [
            "公示期：2025年3月10日至2025年3月14日（5个自然日）",
            "0935-5810529",
            "wwghfbb@163.com",
            "王宝龙",
            "实名",
            "证据",
            "不属于异议范围",
            "身份予以保护",
            "甘总工办发〔2025〕8号",
            "拟推荐的3项",
        ] {
            assert!(body.contains(needle), "missing {needle}: {body}");
        }
        assert!(!body.contains("通信地址"), "empty contacts are left out");
    }

    #[test]
    fn a_new_start_day_rewrites_the_generated_period_line() {
        let rules = PeriodRules::default();
        let old = rules.period(NaiveDate::from_ymd_opt(2025, 3, 10).unwrap());
        let new = rules.period(NaiveDate::from_ymd_opt(2025, 3, 12).unwrap());
        let body = default_body(&campaign(), &unit(), Level::Applicant, 1, &old);
        assert!(replace_period(&body, &old, &new).contains("2025年3月12日至2025年3月16日"));
    }

    #[test]
    fn markdown_in_contact_data_stays_text() {
        assert_eq!(escape_md("a*b_[c]"), "a\\*b\\_\\[c\\]");
    }
}
