//! The reader's display options (large type, high contrast), kept in a cookie so they work
//! without JavaScript; public pages read them to pick their `<body>` classes.
use actix_web::HttpRequest;

pub const DISPLAY_COOKIE: &str = "gongshi_display";

/// The reader's display options.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Display {
    pub large: bool,
    pub contrast: bool,
}

impl Display {
    #[must_use]
    pub fn of(req: &HttpRequest) -> Self {
        let value = req.cookie(DISPLAY_COOKIE).map(|c| c.value().to_owned()).unwrap_or_default();
        Self { large: value.contains("large"), contrast: value.contains("contrast") }
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
