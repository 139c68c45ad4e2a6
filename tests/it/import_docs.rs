//! docs/IMPORT.md is what units fill their files from: its column table must say exactly what
//! the importer reads, so a column added to or made optional in `COLUMNS` cannot go unnoticed.
use gongshi::projects::import::COLUMNS;

/// (列名, 必填) from the table under "## 三、每一列".
fn documented_columns() -> Vec<(String, bool)> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/IMPORT.md");
    let text = std::fs::read_to_string(path).expect("docs/IMPORT.md exists");
    let section =
        text.split("## 三、每一列").nth(1).expect("the column section").split("\n## ").next().unwrap_or_default();
    section
        .lines()
        .filter_map(|line| {
            let cells: Vec<&str> = line.trim().strip_prefix('|')?.split('|').map(str::trim).collect();
            let required = match *cells.get(1)? {
                "是" => true,
                "否" => false,
                _ => return None,
            };
            Some((cells[0].to_owned(), required))
        })
        .collect()
}

#[test]
fn the_import_guide_lists_every_column_in_template_order_with_its_required_flag() {
    let expected: Vec<(String, bool)> = COLUMNS.iter().map(|c| (c.header.to_owned(), c.required)).collect();
    assert_eq!(documented_columns(), expected);
}
