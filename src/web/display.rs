//! The reader's display options (large type, high contrast), kept in a cookie so they work
//! without JavaScript; public pages read them to pick their `<body>` classes.
use actix_web::HttpRequest;
use actix_web::http::header::COOKIE;

pub const DISPLAY_COOKIE: &str = "gongshi_display";

/// The reader's display options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Display {
    pub large: bool,
    pub contrast: bool,
}

impl Display {
    /// How many combinations [`Display::variant`] names.
    pub const VARIANTS: usize = 4;

    /// The options the request's cookie asks for. Read straight from the `Cookie` header: every
    /// stored public answer asks, and parsing all cookies for one would cost more than the answer.
    #[must_use]
    pub fn of(req: &HttpRequest) -> Self {
        let mut pairs = req.headers().get_all(COOKIE).filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';'));
        let value = pairs.find_map(|pair| pair.split_once('=').filter(|(name, _)| name.trim() == DISPLAY_COOKIE));
        value.map_or_else(Self::default, |(_, value)| Self {
            large: value.contains("large"),
            contrast: value.contains("contrast"),
        })
    }

    /// A small number naming the combination, for cache keys.
    #[must_use]
    pub fn variant(self) -> u8 {
        u8::from(self.large) | (u8::from(self.contrast) << 1)
    }

    /// The `<body>` classes.
    #[must_use]
    pub fn class(self) -> &'static str {
        match (self.large, self.contrast) {
            (false, false) => "",
            (true, false) => "large-type",
            (false, true) => "high-contrast",
            (true, true) => "large-type high-contrast",
        }
    }

    /// The cookie's value for these options.
    #[must_use]
    pub fn cookie_value(self) -> String {
        let mut parts = Vec::new();
        if self.large {
            parts.push("large");
        }
        if self.contrast {
            parts.push("contrast");
        }
        parts.join("-")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use actix_web::test::TestRequest;

    fn with_cookie(header: &str) -> Display {
        Display::of(&TestRequest::default().insert_header((COOKIE, header)).to_http_request())
    }

    #[test]
    fn the_options_are_read_from_among_the_other_cookies() {
        assert_eq!(Display::of(&TestRequest::default().to_http_request()), Display::default());
        assert_eq!(with_cookie("gongshi_display=large"), Display { large: true, contrast: false });
        let both = Display { large: true, contrast: true };
        assert_eq!(with_cookie("gongshi_session=abc; gongshi_display=large-contrast"), both);
        assert_eq!(with_cookie("a=1;gongshi_display=contrast; b=2"), Display { large: false, contrast: true });
        // Another cookie whose value names an option is not the display cookie.
        assert_eq!(with_cookie("x_gongshi_display=large; note=contrast"), Display::default());
    }
}
