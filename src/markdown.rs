//! Markdown for notice bodies: pulldown-cmark renders, ammonia sanitises. pulldown-cmark passes
//! raw HTML through, so nothing it produces reaches a page without the sanitiser.
use pulldown_cmark::{Options, Parser, html};

#[must_use]
pub fn to_safe_html(source: &str) -> String {
    let parser = Parser::new_ext(source, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH);
    let mut raw = String::with_capacity(source.len() * 3 / 2);
    html::push_html(&mut raw, parser);
    ammonia::Builder::default()
        .link_rel(Some("noopener noreferrer nofollow"))
        .url_schemes(["http", "https", "mailto", "tel"].into_iter().collect())
        .clean(&raw)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::to_safe_html;

    #[test]
    fn scripts_and_handlers_are_removed() {
        let out =
            to_safe_html("# 标题\n\n<script>alert(1)</script><img src=x onerror=alert(2)>\n\n[a](javascript:alert(3))");
        assert!(out.contains("<h1>标题</h1>"));
        assert!(!out.contains("<script"), "{out}");
        assert!(!out.contains("onerror"), "{out}");
        assert!(!out.contains("href=\"javascript"), "{out}");
        assert!(out.contains("<a rel=\"noopener noreferrer nofollow\">a</a>"), "{out}");
    }

    #[test]
    fn ordinary_markdown_survives() {
        let out = to_safe_html("联系电话：**0935-5810529**\n\n- 实名\n- 有据");
        assert!(out.contains("<strong>0935-5810529</strong>"));
        assert!(out.contains("<li>实名</li>"));
    }
}
