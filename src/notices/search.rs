//! Finding notices by a word: each published revision's searchable text (its title, its unit's
//! name, and per project the name, completing units and completers) with an index from every
//! character and character pair to the revisions holding it. A search then reads the few
//! revisions that can match instead of every notice — at the country's size, 20,000 of them.
use std::collections::{HashMap, HashSet};

/// The searchable text of a listing's published revisions.
#[derive(Debug, Default)]
pub struct SearchIndex {
    entries: Vec<Entry>,
    /// Each key to the entries whose text holds it, ascending.
    postings: HashMap<Key, Vec<u32>>,
}

#[derive(Debug)]
struct Entry {
    notice_index: usize,
    revision_id: i32,
    /// The fields, a line each: no field holds a line break, so a term never spans two.
    text: Box<str>,
}

/// One character (for one-character terms) or two consecutive ones.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    One(char),
    Two(char, char),
}

impl SearchIndex {
    /// Adds a revision; entries must come in the listing's order (newest notice first).
    pub fn add<'a>(&mut self, notice_index: usize, revision_id: i32, fields: impl IntoIterator<Item = &'a str>) {
        let text = fields.into_iter().collect::<Vec<_>>().join("\n");
        let Ok(entry) = u32::try_from(self.entries.len()) else { return };
        let mut keys = HashSet::new();
        for line in text.lines() {
            keys.extend(line.chars().map(Key::One));
            keys.extend(line.chars().zip(line.chars().skip(1)).map(|(a, b)| Key::Two(a, b)));
        }
        for key in keys {
            self.postings.entry(key).or_default().push(entry);
        }
        self.entries.push(Entry { notice_index, revision_id, text: text.into() });
    }

    /// Every revision whose text holds `term`, as (notice index, revision id), newest notice
    /// first.
    pub fn find<'a>(&'a self, term: &'a str) -> impl Iterator<Item = (usize, i32)> + 'a {
        self.candidates(term)
            .iter()
            .filter_map(|&entry| self.entries.get(entry as usize))
            .filter(move |e| e.text.contains(term))
            .map(|e| (e.notice_index, e.revision_id))
    }

    /// The entries holding the rarest key of `term`: a superset of those holding `term`.
    fn candidates(&self, term: &str) -> &[u32] {
        if term.is_empty() || term.contains('\n') {
            return &[];
        }
        let chars: Vec<char> = term.chars().collect();
        let keys: Vec<Key> = match chars.as_slice() {
            [one] => vec![Key::One(*one)],
            _ => chars.windows(2).map(|w| Key::Two(w[0], w[1])).collect(),
        };
        let lists = keys.iter().map(|k| self.postings.get(k).map_or(&[][..], Vec::as_slice));
        lists.min_by_key(|list| list.len()).unwrap_or(&[])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> SearchIndex {
        let mut index = SearchIndex::default();
        index.add(0, 10, ["关于申报项目的公示", "国网武威供电公司", "输电线路覆冰监测\n王旻"]);
        index.add(1, 11, ["关于推荐项目的公示", "凉州区总工会", "智能巡检\n李赟"]);
        index.add(1, 12, ["关于推荐项目的公示（更正）", "凉州区总工会", "智能巡检机器人\n李赟"]);
        index
    }

    #[test]
    fn finds_a_term_in_any_field_newest_first() {
        let index = index();
        assert_eq!(index.find("覆冰").collect::<Vec<_>>(), [(0, 10)]);
        assert_eq!(index.find("李赟").collect::<Vec<_>>(), [(1, 11), (1, 12)]);
        assert_eq!(index.find("机器人").collect::<Vec<_>>(), [(1, 12)]);
        assert_eq!(index.find("公示").count(), 3);
    }

    #[test]
    fn one_character_terms_and_misses() {
        let index = index();
        assert_eq!(index.find("旻").collect::<Vec<_>>(), [(0, 10)]);
        assert_eq!(index.find("赟").count(), 2);
        assert_eq!(index.find("不存在").count(), 0);
        assert_eq!(index.find("").count(), 0);
    }

    #[test]
    fn a_term_never_spans_two_fields() {
        let index = index();
        // "监测" ends one line and "王旻" starts the next: together they are in no field.
        assert_eq!(index.find("监测王").count(), 0);
        assert_eq!(index.find("监测\n王旻").count(), 0);
        // Both pairs occur, but not as one run of text.
        assert_eq!(index.find("覆冰线路").count(), 0);
    }
}
