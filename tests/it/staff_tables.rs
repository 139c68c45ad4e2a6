//! On a phone every staff data table turns into cards (public/app.css, below 40rem): each row a
//! card, each value after its column's name, which CSS takes from the cell's `data-label`. A
//! cell without one would show a bare value, so every `<td>` of a staff template — one that
//! extends admin/base.html, or a part such a template includes — names one of its table's
//! columns. Only a whole-width message row ("没有项目", `colspan`) may go without. The browser
//! test e2e/mobile.test.js measures the result on the demo data.
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

fn templates_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("templates")
}

/// Every template by its name under templates/ (`admin/base.html`).
fn templates() -> BTreeMap<String, String> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, String>) {
        for entry in fs::read_dir(dir).expect("templates/ is readable").flatten() {
            let path = entry.path();
            if path.is_dir() {
                walk(root, &path, out);
            } else if let Ok(text) = fs::read_to_string(&path) {
                let name = path.strip_prefix(root).unwrap().to_string_lossy().replace('\\', "/");
                out.insert(name, text);
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(&templates_dir(), &templates_dir(), &mut out);
    out
}

/// The names in `{% include "…" %}`.
fn includes(text: &str) -> Vec<String> {
    text.split("{% include \"").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_owned).collect()
}

/// The staff templates: those extending admin/base.html and whatever they include.
fn staff_templates(all: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut staff: BTreeSet<String> = all
        .iter()
        .filter(|(_, text)| text.contains(r#"{% extends "admin/base.html" %}"#))
        .map(|(name, _)| name.clone())
        .collect();
    let mut todo: Vec<String> = staff.iter().cloned().collect();
    while let Some(name) = todo.pop() {
        for part in includes(all.get(&name).map_or("", String::as_str)) {
            if staff.insert(part.clone()) {
                todo.push(part);
            }
        }
    }
    staff
}

/// What is wrong with the cells of `source`'s tables, one line each. Tera tags in the source
/// become text to the HTML parser, which leaves tables, rows, cells and attributes readable.
fn unlabelled_cells(name: &str, source: &str) -> Vec<String> {
    let doc = scraper::Html::parse_fragment(source);
    let tables = scraper::Selector::parse("table").unwrap();
    let headers = scraper::Selector::parse("th").unwrap();
    let cells = scraper::Selector::parse("td").unwrap();
    let mut problems = Vec::new();
    for table in doc.select(&tables) {
        let columns: BTreeSet<String> =
            table.select(&headers).map(|th| th.text().collect::<String>().trim().to_owned()).collect();
        for td in table.select(&cells) {
            let label = td.value().attr("data-label").unwrap_or("").trim();
            let spans_the_row = td.value().attr("colspan").is_some();
            if label.is_empty() && !spans_the_row {
                problems.push(format!("{name}: a cell without data-label: {}", td.html()));
            } else if !label.is_empty() && !columns.contains(label) {
                problems.push(format!("{name}: data-label “{label}” is no column of its table {columns:?}"));
            }
        }
    }
    problems
}

#[test]
fn every_staff_table_cell_names_its_column_for_the_phone_layout() {
    let all = templates();
    let staff = staff_templates(&all);
    assert!(
        staff.contains("objections/admin_list.html") && staff.contains("notices/_admin_projects.html"),
        "{staff:?}"
    );
    let with_tables: Vec<&String> = staff.iter().filter(|n| all[*n].contains("<table")).collect();
    assert!(with_tables.len() >= 15, "the staff tables were not found: {with_tables:?}");
    let problems: Vec<String> = with_tables.iter().flat_map(|n| unlabelled_cells(n, &all[*n])).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_cell_without_its_column_name_is_caught() {
    let source = r#"<table><thead><tr><th>回执码</th><th>状态</th></tr></thead>
        <tbody><tr><td data-label="回执码">A</td><td>B</td></tr><tr><td data-label="状 态">C</td></tr>
        <tr><td colspan="2">没有记录</td></tr></tbody></table>"#;
    let problems = unlabelled_cells("t.html", source);
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(problems[0].contains("without data-label") && problems[1].contains("状 态"), "{problems:?}");
}
