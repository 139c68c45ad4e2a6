//! The demo unit tree: 甘肃省总工会 → 市州总工会 and peers → 县区总工会 / 市直基层工会 → 申报单位.
use crate::error::AppError;
use chrono::{DateTime, Utc};
use entity::units;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, DatabaseConnection};
use std::collections::HashMap;

struct Unit {
    code: &'static str,
    parent: Option<&'static str>,
    kind: &'static str,
    name: &'static str,
    contact: Option<(&'static str, &'static str, &'static str, &'static str)>,
}

const fn u(code: &'static str, parent: Option<&'static str>, kind: &'static str, name: &'static str) -> Unit {
    Unit { code, parent, kind, name, contact: None }
}

const fn uc(
    code: &'static str,
    parent: Option<&'static str>,
    kind: &'static str,
    name: &'static str,
    contact: (&'static str, &'static str, &'static str, &'static str),
) -> Unit {
    Unit { code, parent, kind, name, contact: Some(contact) }
}

/// Parents before children. Contacts: (person, phone, e-mail, address).
const TREE: &[Unit] = &[
    uc(
        "GS",
        None,
        "province",
        "甘肃省总工会",
        ("徐俊 王颖娟", "0931-8822152", "gzgzb@qq.com", "甘肃省兰州市城关区东郊巷26号 省总工会办公楼1303室 邮编730000"),
    ),
    uc(
        "WW",
        Some("GS"),
        "city",
        "武威市总工会",
        ("王宝龙", "0935-5810529", "wwghfbb@163.com", "甘肃省武威市凉州区 武威市总工会"),
    ),
    u("LZ", Some("GS"), "city", "兰州市总工会"),
    u("LZXQ", Some("GS"), "new_area", "兰州新区工会"),
    u("SZJG", Some("GS"), "organs", "省直机关工会工委"),
    u("JSJC", Some("GS"), "industry", "甘肃省建设建材工会"),
    uc(
        "JG",
        Some("GS"),
        "enterprise",
        "酒钢集团公司工会",
        ("刘晓东", "0937-6712345", "ghjg@example.cn", "甘肃省嘉峪关市雄关东路12号"),
    ),
    uc(
        "WW-LZ",
        Some("WW"),
        "county",
        "凉州区总工会",
        ("陈文静", "0935-2212001", "lzqzgh@example.cn", "武威市凉州区东大街36号"),
    ),
    uc(
        "WW-MQ",
        Some("WW"),
        "county",
        "民勤县总工会",
        ("马建国", "0935-4121002", "mqxzgh@example.cn", "武威市民勤县城北路8号"),
    ),
    uc(
        "WW-GL",
        Some("WW"),
        "county",
        "古浪县总工会",
        ("杨丽", "0935-5121003", "glxzgh@example.cn", "武威市古浪县昌灵路22号"),
    ),
    uc(
        "WW-TZ",
        Some("WW"),
        "county",
        "天祝藏族自治县总工会",
        ("才让东智", "0935-3121004", "tzxzgh@example.cn", "武威市天祝县华藏寺镇延禧路5号"),
    ),
    uc(
        "WW-SZ",
        Some("WW"),
        "grassroots_group",
        "武威市市直基层工会",
        ("赵敏", "0935-5810530", "wwszgh@example.cn", "武威市凉州区 武威市总工会"),
    ),
    uc(
        "E-GDGS",
        Some("WW-SZ"),
        "applicant",
        "国网武威供电公司",
        ("孙涛", "0935-6621100", "ghb@ww-power.example.cn", "武威市凉州区南大街88号"),
    ),
    uc(
        "E-RMYY",
        Some("WW-SZ"),
        "applicant",
        "武威市人民医院",
        ("周红", "0935-2251200", "gh@wwrmyy.example.cn", "武威市凉州区海藏路31号"),
    ),
    uc(
        "E-HYH",
        Some("WW-LZ"),
        "applicant",
        "甘肃农垦黄羊河集团有限责任公司",
        ("郭军", "0935-2711300", "gh@hyh.example.cn", "武威市凉州区黄羊镇"),
    ),
    uc(
        "E-RLGS",
        Some("WW-LZ"),
        "applicant",
        "武威市凉州区热力有限公司",
        ("何平", "0935-2211400", "gh@lzrl.example.cn", "武威市凉州区西关街16号"),
    ),
    uc(
        "E-LZJX",
        Some("WW-LZ"),
        "applicant",
        "武威凉州工业园区机械制造有限公司",
        ("冯刚", "0935-2661500", "gh@lzjx.example.cn", "武威市凉州区工业园区纬三路"),
    ),
    uc(
        "E-MQJS",
        Some("WW-MQ"),
        "applicant",
        "民勤县润泽节水灌溉有限公司",
        ("韩梅", "0935-4161600", "gh@mqrz.example.cn", "武威市民勤县红沙岗镇"),
    ),
    uc(
        "E-MQSC",
        Some("WW-MQ"),
        "applicant",
        "甘肃民勤沙产业开发有限公司",
        ("邓伟", "0935-4131700", "gh@mqsc.example.cn", "武威市民勤县苏武镇"),
    ),
    uc(
        "E-GLGF",
        Some("WW-GL"),
        "applicant",
        "古浪县光伏电力有限公司",
        ("吴静", "0935-5161800", "gh@glgf.example.cn", "武威市古浪县黄花滩镇"),
    ),
    uc(
        "E-GLJZ",
        Some("WW-GL"),
        "applicant",
        "古浪县建筑安装工程有限公司",
        ("许亮", "0935-5131900", "gh@gljz.example.cn", "武威市古浪县古浪镇"),
    ),
    uc(
        "E-TZMY",
        Some("WW-TZ"),
        "applicant",
        "天祝煤业有限责任公司",
        ("扎西", "0935-3152000", "gh@tzmy.example.cn", "武威市天祝县炭山岭镇"),
    ),
    uc(
        "E-TZSD",
        Some("WW-TZ"),
        "applicant",
        "天祝县水电开发有限公司",
        ("卓玛", "0935-3112100", "gh@tzsd.example.cn", "武威市天祝县华藏寺镇"),
    ),
];

/// Inserts the tree and returns code → id.
///
/// # Errors
/// Database failure.
pub async fn seed(db: &DatabaseConnection, now: DateTime<Utc>) -> Result<HashMap<&'static str, i32>, AppError> {
    let mut ids = HashMap::new();
    for unit in TREE {
        let (person, phone, email, address) = unit.contact.unzip4();
        let row = units::ActiveModel {
            parent_id: Set(unit.parent.map(|p| ids[p])),
            kind: Set(unit.kind.into()),
            name: Set(unit.name.into()),
            short_name: Set(None),
            code: Set(unit.code.into()),
            contact_person: Set(person.map(Into::into)),
            contact_phone: Set(phone.map(Into::into)),
            contact_email: Set(email.map(Into::into)),
            contact_address: Set(address.map(Into::into)),
            created_at: Set(now),
            ..Default::default()
        }
        .insert(db)
        .await?;
        ids.insert(unit.code, row.id);
    }
    Ok(ids)
}

trait Unzip4<A, B, C, D> {
    fn unzip4(self) -> (Option<A>, Option<B>, Option<C>, Option<D>);
}

impl<A, B, C, D> Unzip4<A, B, C, D> for Option<(A, B, C, D)> {
    fn unzip4(self) -> (Option<A>, Option<B>, Option<C>, Option<D>) {
        match self {
            Some((a, b, c, d)) => (Some(a), Some(b), Some(c), Some(d)),
            None => (None, None, None, None),
        }
    }
}
