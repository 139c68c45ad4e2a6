//! Where a `next=` parameter may send the browser: only to a path on this site.
//!
//! A browser reads a `Location` leniently, by the URL standard: it drops ASCII tab, line feed
//! and carriage return anywhere, trims C0 control characters and spaces at both ends, and
//! takes `\` for `/`. So `/\tevil.example` and `/%09/evil.example` (decoded to `/<tab>/evil…`)
//! become `//evil.example` — another site. [`local_path`] reads the value the same way first,
//! and accepts it only if it is then a path starting with exactly one `/`.
//!
//! The value it returns is the cleaned path with anything a header may not carry (control
//! characters, spaces, non-ASCII) percent-encoded, so a `Location` built from it is always
//! valid.

/// `next` as a same-site path, or `fallback` when it is missing or could lead elsewhere.
#[must_use]
pub fn local_path(next: Option<&str>, fallback: &str) -> String {
    next.and_then(clean).unwrap_or_else(|| fallback.to_owned())
}

fn clean(raw: &str) -> Option<String> {
    let trimmed = raw.trim_matches(|c: char| c <= ' ');
    let path: String =
        trimmed.chars().filter(|c| !matches!(c, '\t' | '\n' | '\r')).map(|c| if c == '\\' { '/' } else { c }).collect();
    let mut chars = path.chars();
    if chars.next() != Some('/') || chars.next() == Some('/') {
        return None;
    }
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        if c.is_ascii_graphic() && !matches!(c, '"' | '<' | '>' | '`' | '{' | '}' | '|' | '^') {
            out.push(c);
        } else {
            let mut utf8 = [0u8; 4];
            for b in c.encode_utf8(&mut utf8).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::local_path;

    #[test]
    fn local_paths_pass() {
        for (input, expected) in [
            ("/admin", "/admin"),
            ("/admin/users?page=2", "/admin/users?page=2"),
            ("/notices/12#objection", "/notices/12#objection"),
            ("/", "/"),
            ("/%2F%2Fevil.example", "/%2F%2Fevil.example"),
            ("/units/兰州", "/units/%E5%85%B0%E5%B7%9E"),
            ("/a b", "/a%20b"),
            ("  /admin  ", "/admin"),
            ("/a\\b", "/a/b"),
            ("/a/./b", "/a/./b"),
            // A browser percent-encodes a NUL in a path too: still this site.
            ("/\u{0}/evil.example", "/%00/evil.example"),
        ] {
            assert_eq!(local_path(Some(input), "/fallback"), expected, "{input:?}");
        }
    }

    #[test]
    fn anything_that_could_leave_the_site_falls_back() {
        for input in [
            "",
            " ",
            "//evil.example",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "\\/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "\t//evil.example",
            "\u{1f}//evil.example",
            " //evil.example",
            "/\t\\evil.example",
            "https://evil.example/",
            "http:/evil.example",
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            "data:text/html,x",
            "evil.example",
            "admin",
            "?next=//evil",
            "#top",
        ] {
            assert_eq!(local_path(Some(input), "/fallback"), "/fallback", "{input:?}");
        }
        assert_eq!(local_path(None, "/admin"), "/admin");
    }

    #[test]
    fn what_passes_is_a_valid_header_value() {
        for input in ["/a\u{7f}b", "/a\u{0}b", "/\u{85}x", "/x\u{2028}y", "/\"><script>"] {
            let out = local_path(Some(input), "/fallback");
            assert!(out.starts_with('/') && !out.starts_with("//"), "{input:?} → {out}");
            assert!(actix_web::http::header::HeaderValue::from_str(&out).is_ok(), "{input:?} → {out}");
            assert!(out.bytes().all(|b| b.is_ascii_graphic()), "{input:?} → {out}");
        }
    }
}
