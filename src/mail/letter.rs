//! A message's words, written once and rendered twice: as plain text and as simple HTML
//! (every value escaped), the two parts of a `multipart/alternative` message.
use std::fmt::Write as _;

/// What a message says, in the order it says it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Letter {
    pub subject: String,
    pub paragraphs: Vec<String>,
    /// Labelled facts shown as a table: 回执编号, 当前状态, …
    pub facts: Vec<(String, String)>,
    /// Text after the facts (a public summary, a reason).
    pub after: Vec<String>,
    /// The one page the message points to: its label and absolute address.
    pub link: Option<(String, String)>,
    /// Why the reader gets this, and how to stop it.
    pub footer: Vec<String>,
}

impl Letter {
    /// The subject on one line: control characters (CR and LF above all) become spaces, so
    /// no text reaching a subject can start a header of its own.
    #[must_use]
    pub fn subject_line(&self) -> String {
        one_line(&self.subject)
    }

    #[must_use]
    pub fn text(&self) -> String {
        let mut out = String::new();
        for p in &self.paragraphs {
            let _ = writeln!(out, "{p}\n");
        }
        for (label, value) in &self.facts {
            let _ = writeln!(out, "{label}：{value}");
        }
        if !self.facts.is_empty() {
            out.push('\n');
        }
        for p in &self.after {
            let _ = writeln!(out, "{p}\n");
        }
        if let Some((label, url)) = &self.link {
            let _ = writeln!(out, "{label}：\n{url}\n");
        }
        if !self.footer.is_empty() {
            out.push_str("——\n");
            for p in &self.footer {
                let _ = writeln!(out, "{p}");
            }
        }
        out
    }

    #[must_use]
    pub fn html(&self) -> String {
        let mut out = String::from(
            "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"></head>\
             <body style=\"font-family:sans-serif;line-height:1.6;color:#222\">",
        );
        for p in &self.paragraphs {
            let _ = write!(out, "<p>{}</p>", escape(p));
        }
        if !self.facts.is_empty() {
            out.push_str("<table style=\"border-collapse:collapse\">");
            for (label, value) in &self.facts {
                let _ = write!(
                    out,
                    "<tr><th style=\"text-align:left;padding:2px 12px 2px 0;color:#555\">{}</th><td>{}</td></tr>",
                    escape(label),
                    escape(value)
                );
            }
            out.push_str("</table>");
        }
        for p in &self.after {
            let _ = write!(out, "<p>{}</p>", escape(p).replace('\n', "<br>"));
        }
        if let Some((label, url)) = &self.link {
            let _ = write!(out, "<p><a href=\"{}\">{}</a></p>", escape(url), escape(label));
        }
        if !self.footer.is_empty() {
            out.push_str("<hr><p style=\"font-size:small;color:#666\">");
            out.push_str(&self.footer.iter().map(|p| escape(p)).collect::<Vec<_>>().join("<br>"));
            out.push_str("</p>");
        }
        out.push_str("</body></html>");
        out
    }
}

/// `text` with every control character (CR, LF, tab, …) turned into a space.
#[must_use]
pub fn one_line(text: &str) -> String {
    text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect::<String>().trim().to_owned()
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_subject_never_spans_lines() {
        let letter = Letter { subject: "异议\r\nBcc: x@example.com\n已受理".into(), ..Letter::default() };
        assert_eq!(letter.subject_line(), "异议  Bcc: x@example.com 已受理");
    }

    #[test]
    fn html_escapes_every_value() {
        let letter = Letter {
            paragraphs: vec!["<script>alert(1)</script>".into()],
            facts: vec![("项目".into(), "A&B \"x\"".into())],
            link: Some(("查看".into(), "https://example.org/?a=1&b=\"2\"".into())),
            ..Letter::default()
        };
        let html = letter.html();
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
        assert!(html.contains("A&amp;B &quot;x&quot;"));
        assert!(html.contains("href=\"https://example.org/?a=1&amp;b=&quot;2&quot;\""));
        assert!(!html.contains("<script>"));
    }
}
