//! Synthetic but plausible Chinese text for the large data set: unit, person and project names
//! and the 关键技术与创新点 paragraph, drawn from a seeded generator so a size always produces the
//! same data.
use crate::projects::{CompleterDraft, Grade, IpItemDraft, IpKind, ProjectDraft};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "赵", "黄", "周", "吴", "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林",
    "罗", "梁", "宋", "郑", "谢", "韩", "唐", "冯", "于", "董", "萧", "程", "曹", "袁", "邓", "许", "傅", "沈", "曾",
    "彭", "吕",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "娜", "敏", "静", "强", "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚", "桂英",
    "建华", "文博", "志强", "海燕", "晓东", "国栋", "玉兰", "立新", "春梅", "建国", "红霞", "赟", "喆", "玥", "旻",
    "昊天", "子涵",
];
const FIELDS: &[&str] = &[
    "输电线路",
    "配电网",
    "供热管网",
    "滴灌系统",
    "光伏电站",
    "煤矿综采",
    "瓦斯抽采",
    "铸造工艺",
    "数控机床",
    "智慧病区",
    "农机装备",
    "水电机组",
    "装配式建筑",
    "沙化治理",
    "冷链物流",
    "轨道交通",
    "油气管道",
    "化工装置",
    "风电机组",
    "污水处理",
];
const WORKS: &[&str] = &[
    "在线监测装置研制",
    "智能诊断方法",
    "节能技术改造",
    "关键工艺改进",
    "自动化控制系统",
    "安全防护装置研制",
    "集成应用",
    "状态评估平台",
    "快速检修工具研制",
    "远程运维系统",
];
const ORGS: &[&str] =
    &["有限责任公司", "股份有限公司", "集团有限公司", "研究院", "工程有限公司", "供电公司", "职业技术学院"];
const PLACES: &[&str] = &[
    "陇原",
    "河西",
    "祁连",
    "陇南",
    "定西",
    "天水",
    "平凉",
    "庆阳",
    "白银",
    "金昌",
    "张掖",
    "酒泉",
    "临夏",
    "甘南",
    "嘉峪关",
];

/// A seeded source of names and text.
pub struct Words(StdRng);

impl Words {
    #[must_use]
    pub fn new(seed: u64) -> Self {
        Self(StdRng::seed_from_u64(seed))
    }

    fn pick<'a>(&mut self, list: &[&'a str]) -> &'a str {
        list[self.0.random_range(0..list.len())]
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.0.random_range(0..n.max(1))
    }

    pub fn person(&mut self) -> String {
        format!("{}{}", self.pick(SURNAMES), self.pick(GIVEN))
    }

    /// An employer's name, unique by `n`.
    pub fn company(&mut self, n: usize) -> String {
        format!("{}{}{}第{}分公司", self.pick(PLACES), self.pick(FIELDS), self.pick(ORGS), n + 1)
    }

    /// A project name, unique within its unit by `n`.
    pub fn project_name(&mut self, n: usize) -> String {
        format!("{}{}（{}号课题）", self.pick(FIELDS), self.pick(WORKS), n + 1)
    }

    /// 关键技术与创新点 of 200–400 characters.
    pub fn key_technology(&mut self) -> String {
        let field = self.pick(FIELDS);
        let mut text = format!("针对{field}运行中故障发现滞后、人工巡检效率低的问题，");
        while text.chars().count() < 200 + self.below(200) {
            let sentence = match self.below(4) {
                0 => format!("研制了{}，实现数据实时采集与远程传输；", self.pick(WORKS)),
                1 => format!("提出基于多源数据融合的{}方法，准确率提高{}%；", self.pick(WORKS), 10 + self.below(30)),
                2 => format!(
                    "在{}等{}个单位推广应用，年节约成本{}万元；",
                    self.pick(PLACES),
                    2 + self.below(8),
                    30 + self.below(500)
                ),
                _ => format!("形成企业标准{}项，培训一线职工{}人次；", 1 + self.below(3), 50 + self.below(400)),
            };
            text.push_str(&sentence);
        }
        text.pop();
        text.push('。');
        text
    }

    /// A whole, valid 登记表 project declared by `company` (the first completing unit).
    pub fn project(&mut self, company: &str, n: usize) -> ProjectDraft {
        let partner = format!("{}{}研究所", self.pick(PLACES), self.pick(FIELDS));
        let people = 2 + self.below(4);
        let completers = (0..people)
            .map(|i| CompleterDraft {
                name: self.person(),
                work_unit: Some(if i == people - 1 { partner.clone() } else { company.to_owned() }),
                job_title: Some(["高级工程师", "工程师", "技师", "高级技师", "助理工程师"][self.below(5)].to_owned()),
                contribution: (i < 3).then(|| format!("负责{}的方案设计与试验", self.pick(WORKS))),
                workload: (i < 3).then(|| format!("占项目工作量{}%", 40 - i * 10)),
                phone: Some(format!("139{:08}", self.below(100_000_000))),
                id_number: None,
            })
            .collect();
        ProjectDraft {
            import_key: format!("LG-{n:07}"),
            name: self.project_name(n),
            completing_units: vec![company.to_owned(), partner],
            completers,
            key_technology: self.key_technology(),
            ip_items: vec![IpItemDraft {
                kind: IpKind::Patent,
                title: format!("一种{}装置", self.pick(FIELDS)),
                reference: Some(format!("ZL2024{:07}.{}", self.below(10_000_000), self.below(10))),
            }],
            eligibility: 1 + i32::try_from(self.below(5)).unwrap_or(0),
            exclusions_declared: true,
            proposed_grade: Some([Grade::First, Grade::Second, Grade::Third, Grade::Merit][self.below(4)]),
            summary: None,
            over_limit_reason: None,
        }
    }

    /// An objection's content (the facts and reasons, as people write them).
    pub fn objection(&mut self) -> String {
        format!(
            "该项目第{}完成人{}未实际参与{}，其贡献描述与事实不符，请核查项目组分工记录和现场试验记录。",
            1 + self.below(3),
            self.person(),
            self.pick(WORKS)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The generator feeds the real importer: every project must pass its rules.
    #[test]
    fn every_generated_project_passes_the_import_rules() {
        let mut words = Words::new(7);
        for n in 0..500 {
            let draft = words.project("武威测试有限责任公司", n);
            let checked = draft.clone().validate().unwrap_or_else(|e| panic!("project {n}: {e:?}"));
            assert_eq!(checked.completing_units[0], "武威测试有限责任公司");
        }
    }

    #[test]
    fn the_same_seed_gives_the_same_text() {
        assert_eq!(Words::new(1).key_technology(), Words::new(1).key_technology());
        assert_eq!(Words::new(1).objection(), Words::new(1).objection());
    }
}
