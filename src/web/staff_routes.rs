//! The staff routes the router registered, as data: the navigation shows only pages that exist,
//! and a request under a staff prefix that no registered route matches answers 404. The router
//! (in `src/routes/`) fills this list; the web layer only reads it.
use std::collections::BTreeSet;

/// One registered staff route.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RouteEntry {
    pub method: String,
    pub pattern: String,
}

/// Path prefixes reserved for staff routes.
pub const ADMIN_PREFIXES: [&str; 2] = ["/admin", "/api/v1/admin"];

#[must_use]
pub fn is_admin_path(path: &str) -> bool {
    ADMIN_PREFIXES.iter().any(|p| path == *p || path.strip_prefix(p).is_some_and(|rest| rest.starts_with('/')))
}

/// Every staff route, sorted.
#[derive(Debug, Clone, Default)]
pub struct StaffRoutes {
    entries: BTreeSet<RouteEntry>,
}

impl StaffRoutes {
    #[must_use]
    pub const fn empty() -> Self {
        Self { entries: BTreeSet::new() }
    }

    #[must_use]
    pub fn new(entries: impl IntoIterator<Item = RouteEntry>) -> Self {
        Self { entries: entries.into_iter().collect() }
    }

    /// Every route, sorted by method and pattern.
    #[must_use]
    pub fn all(&self) -> Vec<RouteEntry> {
        self.entries.iter().cloned().collect()
    }

    /// Whether a GET page at exactly `path` is registered.
    #[must_use]
    pub fn has_page(&self, path: &str) -> bool {
        self.entries.iter().any(|e| e.method == "GET" && e.pattern == path)
    }

    /// Whether `method` on the route `pattern` is registered (HEAD goes with GET).
    #[must_use]
    pub fn knows(&self, method: &str, pattern: &str) -> bool {
        self.entries.iter().any(|e| e.pattern == pattern && (e.method == method || method == "HEAD"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn staff_prefixes_match_whole_segments() {
        assert!(is_admin_path("/admin"));
        assert!(is_admin_path("/admin/users/3"));
        assert!(is_admin_path("/api/v1/admin/units"));
        assert!(!is_admin_path("/administrator"));
        assert!(!is_admin_path("/api/v1/notices"));
    }
}
