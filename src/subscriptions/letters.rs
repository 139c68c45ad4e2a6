//! What subscribers are written: the confirmation (the only message an unconfirmed address
//! ever gets), the reminder of an existing subscription, one event, a digest, and the weekly
//! line to a quiet subscription. Every message after the confirmation carries the links to
//! manage the subscription and to unsubscribe; the outbox adds the one-click headers.
use super::Frequency;
use crate::china_time::datetime_zh;
use crate::mail::{Letter, ListMail, Mail, Postbox};
use entity::subscription_events;

/// The subscriber's two pages.
#[must_use]
pub fn manage_url(postbox: &Postbox, token: &str) -> String {
    postbox.link(&format!("/subscriptions/manage?token={token}"))
}

#[must_use]
pub fn unsubscribe_url(postbox: &Postbox, token: &str) -> String {
    postbox.link(&format!("/subscriptions/unsubscribe?token={token}"))
}

/// Who the message is for and what they follow.
pub struct Reader<'a> {
    pub subscription_id: i32,
    pub address: &'a str,
    pub token: &'a str,
    /// "国网武威供电公司及下级单位的公示"
    pub scope: &'a str,
    pub frequency: Frequency,
}

fn footer(postbox: &Postbox, reader: &Reader) -> Vec<String> {
    vec![
        format!("您订阅了{}（{}）。", reader.scope, reader.frequency.label()),
        format!("管理订阅（更改频率、退订）：{}", manage_url(postbox, reader.token)),
        format!("一键退订：{}", unsubscribe_url(postbox, reader.token)),
    ]
}

fn list_mail(kind: &'static str, postbox: &Postbox, reader: &Reader, letter: Letter) -> Mail {
    Mail {
        kind,
        to: reader.address.to_owned(),
        letter,
        unit_id: None,
        objection_id: None,
        list: Some(ListMail {
            subscription_id: reader.subscription_id,
            unsubscribe_url: unsubscribe_url(postbox, reader.token),
        }),
    }
}

/// The confirmation of a new subscription: a link to a page with a button (a link alone
/// would be followed by the mail scanners that open every link).
#[must_use]
pub fn confirmation(postbox: &Postbox, reader: &Reader) -> Mail {
    let letter = Letter {
        subject: format!("请确认订阅：{}", reader.scope),
        paragraphs: vec![
            format!("有人（可能是您本人）请求用本邮箱订阅{}（{}）。", reader.scope, reader.frequency.label()),
            "如是您本人，请打开下面的链接，点击“确认订阅”。确认之前，本邮箱不会收到任何公示动态。".to_owned(),
            "如不是您本人，请忽略本邮件：不确认，就不会再收到任何邮件，七天后这一请求连同邮箱地址一并删除。".to_owned(),
        ],
        link: Some(("确认订阅".to_owned(), postbox.link(&format!("/subscriptions/confirm?token={}", reader.token)))),
        ..Letter::default()
    };
    Mail {
        kind: "subscription.confirm",
        to: reader.address.to_owned(),
        letter,
        unit_id: None,
        objection_id: None,
        list: None,
    }
}

/// To a confirmed address asking again for what it already has: the way back to its page.
#[must_use]
pub fn already_subscribed(postbox: &Postbox, reader: &Reader) -> Mail {
    let letter = Letter {
        subject: format!("您已订阅：{}", reader.scope),
        paragraphs: vec![format!(
            "有人（可能是您本人）再次请求用本邮箱订阅{}。本邮箱已订阅，无需再次确认。",
            reader.scope
        )],
        link: Some(("管理订阅".to_owned(), manage_url(postbox, reader.token))),
        footer: footer(postbox, reader),
        ..Letter::default()
    };
    list_mail("subscription.reminder", postbox, reader, letter)
}

/// One event, as it happens.
#[must_use]
pub fn event(postbox: &Postbox, reader: &Reader, event: &subscription_events::Model) -> Mail {
    let letter = Letter {
        subject: event.title.clone(),
        paragraphs: vec![event.summary.clone()],
        facts: vec![("时间".to_owned(), format!("{}（北京时间）", datetime_zh(event.occurred_at)))],
        link: Some(("查看".to_owned(), postbox.link(&event.path))),
        footer: footer(postbox, reader),
        ..Letter::default()
    };
    list_mail("subscription.event", postbox, reader, letter)
}

/// A digest of the events of a day or a week; `period` is "2025年3月10日" or "2025年3月10日至16日".
#[must_use]
pub fn digest(postbox: &Postbox, reader: &Reader, period: &str, events: &[&subscription_events::Model]) -> Mail {
    let after = events
        .iter()
        .map(|e| format!("{}　{}\n{}\n{}", datetime_zh(e.occurred_at), e.title, e.summary, postbox.link(&e.path)))
        .collect();
    let letter = Letter {
        subject: format!("{}：{period}共{}条动态", reader.scope, events.len()),
        paragraphs: vec![format!("{period}（北京时间），您订阅的{}有以下动态：", reader.scope)],
        after,
        footer: footer(postbox, reader),
        ..Letter::default()
    };
    list_mail("subscription.digest", postbox, reader, letter)
}

/// The weekly line that keeps a quiet subscription alive.
#[must_use]
pub fn still_subscribed(postbox: &Postbox, reader: &Reader, period: &str) -> Mail {
    let letter = Letter {
        subject: format!("{}：本周没有新动态，订阅仍然有效", reader.scope),
        paragraphs: vec![format!("{period}（北京时间），您订阅的{}没有新的动态。您的订阅仍然有效。", reader.scope)],
        footer: footer(postbox, reader),
        ..Letter::default()
    };
    list_mail("subscription.quiet_week", postbox, reader, letter)
}
