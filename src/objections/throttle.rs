//! What someone held back by the objection limits is told (page and API): when to try again,
//! and the publishing unit's phone, e-mail and address, so an objection near the close can
//! still be made in time another way.
use crate::china_time::{close_zh, datetime_zh, rfc3339_china};
use crate::web::AppState;
use chrono::{DateTime, Duration, Utc};
use sea_orm::EntityTrait;
use serde::Serialize;

#[derive(Debug, Serialize)]
pub struct Busy {
    pub title: &'static str,
    pub notice_id: i32,
    pub notice_title: Option<String>,
    /// "约12分钟后" / "约30秒后".
    pub retry_in: String,
    /// China time of the retry, "2025年3月14日 17:52".
    pub retry_at_text: String,
    #[serde(skip)]
    retry_at: DateTime<Utc>,
    /// The notice closes before the retry: say so plainly.
    pub closes_first: bool,
    pub closes_at_text: Option<String>,
    pub channels: Channels,
}

/// The publishing unit's other channels.
#[derive(Debug, Default, Serialize)]
pub struct Channels {
    pub unit: Option<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub address: Option<String>,
}

impl Busy {
    /// The answer for `notice_id`; a notice that cannot be read leaves the channels empty
    /// rather than failing the answer.
    pub async fn of(state: &AppState, notice_id: i32, retry_after_secs: u64) -> Self {
        let now = state.now();
        let retry_at = now + Duration::seconds(i64::try_from(retry_after_secs).unwrap_or(i64::MAX / 1000));
        let notice = super::submit::notice_for_filing(state, notice_id, now).await.ok();
        let unit = match &notice {
            Some(n) => {
                entity::units::Entity::find_by_id(n.published.notice.unit_id).one(&state.db).await.ok().flatten()
            }
            None => None,
        };
        let closes_at = notice.as_ref().map(super::service::NoticeForObjection::closes_at);
        Self {
            title: "提交过于频繁，请稍后再试",
            notice_id,
            notice_title: notice.as_ref().map(|n| n.title().to_owned()),
            retry_in: retry_in(retry_after_secs),
            retry_at_text: datetime_zh(retry_at),
            retry_at,
            closes_first: closes_at.is_some_and(|c| now < c && c <= retry_at),
            closes_at_text: closes_at.map(close_zh),
            channels: Channels {
                unit: unit.as_ref().map(|u| u.name.clone()),
                phone: unit.as_ref().and_then(|u| u.contact_phone.clone()),
                email: unit.as_ref().and_then(|u| u.contact_email.clone()),
                address: unit.as_ref().and_then(|u| u.contact_address.clone()),
            },
        }
    }

    #[must_use]
    pub fn title(&self) -> String {
        format!("提交过于频繁，请{}（{}）再提交", self.retry_in, self.retry_at_text)
    }

    #[must_use]
    pub fn retry_at_rfc3339(&self) -> String {
        rfc3339_china(self.retry_at)
    }

    /// "也可以直接向国网武威供电公司提出异议：电话 0935-2212345；电子邮箱 …；信函寄至 …。"
    #[must_use]
    pub fn channels_text(&self) -> String {
        let c = &self.channels;
        let ways: Vec<String> = [("电话", &c.phone), ("电子邮箱", &c.email), ("信函寄至", &c.address)]
            .into_iter()
            .filter_map(|(label, v)| v.as_deref().map(|v| format!("{label} {v}")))
            .collect();
        let mut text = String::new();
        if self.closes_first
            && let Some(closes) = &self.closes_at_text
        {
            text.push_str(&format!("本公示于{closes}截止，早于可再次提交的时间。"));
        }
        match (&c.unit, ways.is_empty()) {
            (Some(unit), false) => text.push_str(&format!("也可以直接向{unit}提出异议：{}。", ways.join("；"))),
            _ => text.push_str("也可以通过公示所列的电话、电子邮箱或信函提出异议。"),
        }
        text
    }
}

/// "约12分钟后", rounded up so nobody is sent back too early.
fn retry_in(secs: u64) -> String {
    if secs < 60 { format!("{secs}秒后") } else { format!("{}分钟后", secs.div_ceil(60)) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn retry_is_said_in_whole_minutes_rounded_up() {
        assert_eq!(super::retry_in(30), "30秒后");
        assert_eq!(super::retry_in(60), "1分钟后");
        assert_eq!(super::retry_in(61), "2分钟后");
    }
}
