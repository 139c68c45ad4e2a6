//! Chinese phone numbers as people write them — `+86 139-0931-0000`, `(0931)8123456`,
//! `0931-8123456转801`, `400 800 1234` — read into one form and written back the way a notice
//! prints them: `139 0931 0000`, `0931-8123456 转 801`, `400-800-1234`.

/// A phone number that reads as one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneNumber {
    kind: Kind,
    extension: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Kind {
    /// 11 digits starting with 1.
    Mobile(String),
    /// Area code with its leading 0, and the local number.
    Landline { area: String, local: String },
    /// A local number given without its area code.
    Local(String),
    /// 400 and 800 service numbers.
    Service(String),
}

/// Words and signs people put before an extension.
const EXTENSION_MARKS: &[&str] = &["转", "分机", "ext.", "ext", "x", "#"];

impl PhoneNumber {
    /// Reads a number; `None` when it is not one.
    #[must_use]
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if text.is_empty() || text.chars().count() > 40 {
            return None;
        }
        let (number, extension) = split_extension(text)?;
        let (international, groups) = digit_groups(number)?;
        let mut digits: String = groups.concat();
        if international && !digits.starts_with('0') && Kind::of(&digits).is_none() {
            digits.insert(0, '0'); // +86 931 8123456: the trunk 0 comes back
        }
        if let Some(kind) = Kind::of(&digits) {
            return Some(Self { kind, extension });
        }
        // 0931-8123456-801: a last group after a whole landline is its extension.
        let (last, rest) = groups.split_last()?;
        if extension.is_some() || rest.len() < 2 || last.len() > 6 {
            return None;
        }
        let mut digits = rest.concat();
        if international && !digits.starts_with('0') {
            digits.insert(0, '0');
        }
        match Kind::of(&digits)? {
            kind @ Kind::Landline { .. } => Some(Self { kind, extension: Some(last.clone()) }),
            _ => None,
        }
    }

    /// The number as a notice prints it.
    #[must_use]
    pub fn display(&self) -> String {
        let number = match &self.kind {
            Kind::Mobile(d) => format!("{} {} {}", &d[..3], &d[3..7], &d[7..]),
            Kind::Landline { area, local } => format!("{area}-{local}"),
            Kind::Local(d) => d.clone(),
            Kind::Service(d) => format!("{}-{}-{}", &d[..3], &d[3..6], &d[6..]),
        };
        match &self.extension {
            Some(ext) => format!("{number} 转 {ext}"),
            None => number,
        }
    }
}

/// A unit's phone line, which may hold several numbers (`0935-2212345、0935-2212346`): each
/// read and printed back, joined by 、; `None` when any is not a number.
#[must_use]
pub fn normalise_list(text: &str) -> Option<String> {
    let numbers: Option<Vec<String>> = text
        .split(['、', ',', '，', ';', '；', '/'])
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(|t| PhoneNumber::parse(t).map(|p| p.display()))
        .collect();
    numbers.filter(|n| !n.is_empty()).map(|n| n.join("、"))
}

impl Kind {
    fn of(digits: &str) -> Option<Self> {
        let len = digits.len();
        if len == 11 && digits.starts_with('1') && !digits.starts_with("10") && !digits.starts_with("11") {
            return Some(Self::Mobile(digits.to_owned()));
        }
        if len == 10 && (digits.starts_with("400") || digits.starts_with("800")) {
            return Some(Self::Service(digits.to_owned()));
        }
        if digits.starts_with('0') && !digits.starts_with("00") {
            // 010 and 02x are the three-digit area codes; every other one has four.
            let area_len = if digits.starts_with("010") || digits.starts_with("02") { 3 } else { 4 };
            let local = digits.get(area_len..)?;
            return (7..=8)
                .contains(&local.len())
                .then(|| Self::Landline { area: digits[..area_len].to_owned(), local: local.to_owned() });
        }
        ((7..=8).contains(&len) && !digits.starts_with('0')).then(|| Self::Local(digits.to_owned()))
    }
}

/// The number and the extension's digits, split at a mark like 转 or ext.
fn split_extension(text: &str) -> Option<(&str, Option<String>)> {
    let lower = text.to_lowercase();
    let Some((at, mark)) = EXTENSION_MARKS.iter().filter_map(|m| lower.find(m).map(|at| (at, *m))).min() else {
        return Some((text, None));
    };
    // `to_lowercase` keeps byte offsets for the ASCII marks and for 转/分机.
    let (number, tail) = (text.get(..at)?, lower.get(at + mark.len()..)?);
    let extension = tail.trim().trim_start_matches([':', '：', '.']).trim();
    let valid = !extension.is_empty() && extension.len() <= 6 && extension.chars().all(|c| c.is_ascii_digit());
    valid.then(|| (number.trim_end_matches([' ', '-', ',', '，']), Some(extension.to_owned())))
}

/// The digit groups of a number (split at spaces, hyphens and brackets) and whether it began
/// with the country code 86.
fn digit_groups(number: &str) -> Option<(bool, Vec<String>)> {
    let number = number.trim();
    let (international, rest) = if let Some(r) = number.strip_prefix("+86").or_else(|| number.strip_prefix("0086")) {
        (true, r)
    } else if let Some(r) = number.strip_prefix('+') {
        (false, r) // another country: read as written
    } else {
        (false, number)
    };
    let mut groups = Vec::new();
    let mut current = String::new();
    for c in rest.chars() {
        match c {
            '0'..='9' => current.push(c),
            ' ' | '-' | '(' | ')' | '（' | '）' | '—' | '－' => {
                if !current.is_empty() {
                    groups.push(std::mem::take(&mut current));
                }
            }
            _ => return None,
        }
    }
    if !current.is_empty() {
        groups.push(current);
    }
    (!groups.is_empty()).then_some((international, groups))
}

#[cfg(test)]
mod tests {
    use super::PhoneNumber;

    fn shown(text: &str) -> Option<String> {
        PhoneNumber::parse(text).map(|p| p.display())
    }

    #[test]
    fn mobiles_with_or_without_the_country_code() {
        for text in
            ["13909310000", "139-0931-0000", "139 0931 0000", "+86 139 0931 0000", "+8613909310000", "0086 13909310000"]
        {
            assert_eq!(shown(text).as_deref(), Some("139 0931 0000"), "{text}");
        }
    }

    #[test]
    fn landlines_with_area_codes_brackets_and_extensions() {
        for (text, want) in [
            ("0931-8123456", "0931-8123456"),
            ("(0931)8123456", "0931-8123456"),
            ("（0931）8123456", "0931-8123456"),
            ("09318123456", "0931-8123456"),
            ("010-12345678", "010-12345678"),
            ("+86 931 8123456", "0931-8123456"),
            ("+86 10 12345678", "010-12345678"),
            ("0931-8123456转801", "0931-8123456 转 801"),
            ("0931-8123456 转 801", "0931-8123456 转 801"),
            ("0931-8123456-801", "0931-8123456 转 801"),
            ("0931-8123456 ext. 801", "0931-8123456 转 801"),
            ("0931-8123456 EXT 801", "0931-8123456 转 801"),
            ("0931 8123456 分机801", "0931-8123456 转 801"),
            ("8123456", "8123456"),
            ("400-800-1234", "400-800-1234"),
        ] {
            assert_eq!(shown(text).as_deref(), Some(want), "{text}");
        }
    }

    #[test]
    fn a_units_line_of_several_numbers() {
        assert_eq!(super::normalise_list("0935-2212345，13909310000").as_deref(), Some("0935-2212345、139 0931 0000"));
        assert_eq!(super::normalise_list("0935-2212345、办公室"), None);
    }

    #[test]
    fn garbage_is_not_a_number() {
        for text in [
            "",
            "12345",
            "139O9310000",
            "tel:139",
            "call me",
            "0931-8123456转",
            "0931-8123456转abc",
            "1390931000",
            "00000000000",
            "0931-12",
            "139-0931-0000-801-9",
        ] {
            assert_eq!(shown(text), None, "{text}");
        }
    }
}
