//! Text cells for CSV files that people open in a spreadsheet program.
//!
//! Excel, WPS and LibreOffice read a CSV cell starting with `=`, `+`, `-` or `@` as a formula
//! (a tab or carriage return at the start can smuggle one past a quick look), so a project
//! named `=HYPERLINK("http://…","点此核对")` would become a live link in the 推荐汇总表 of
//! whoever opens it. [`neutralise`] puts a `'` before such a cell, as OWASP advises: the
//! spreadsheet then shows the text as it is, and a reader still sees what was entered.
use std::borrow::Cow;

/// The characters that make a spreadsheet read a CSV cell as a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `cell` as plain text for a CSV file: prefixed with `'` when it could start a formula.
#[must_use]
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if cell.starts_with(TRIGGERS) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

#[cfg(test)]
mod tests {
    use super::neutralise;

    #[test]
    fn formulas_become_text() {
        for (cell, expected) in [
            ("=HYPERLINK(\"http://x\",\"y\")", "'=HYPERLINK(\"http://x\",\"y\")"),
            ("+1+1", "'+1+1"),
            ("-2+3", "'-2+3"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\r=1", "'\r=1"),
        ] {
            assert_eq!(neutralise(cell), expected);
        }
    }

    #[test]
    fn ordinary_text_is_left_alone() {
        for cell in ["", "覆冰监测装置", "1", "二等奖", "2025年3月10日—3月14日", "a=b", " =1"] {
            assert_eq!(neutralise(cell), cell);
        }
    }
}
