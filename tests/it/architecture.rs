//! The documents that describe the code stay true: every top-level module is in
//! docs/ARCHITECTURE.md, every route is in docs/ROUTES.md, and routes are registered in the
//! route table (`src/routes/`) only.
use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(rel: &str) -> String {
    fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).expect("src is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn top_level_modules() -> Vec<String> {
    read("src/lib.rs")
        .lines()
        .filter_map(|l| l.strip_prefix("pub mod ").and_then(|rest| rest.strip_suffix(';')))
        .map(str::to_owned)
        .collect()
}

/// `(METHOD, path, handler)` for each registration in a route table file, one per line:
/// `.route("/p", get().to(h))` on the public side, `.get("/p", h)` through the staff registrar.
fn table_routes(text: &str) -> Vec<(String, String, String)> {
    text.lines().filter_map(|line| route_of(line.trim())).collect()
}

fn route_of(line: &str) -> Option<(String, String, String)> {
    let line = line.strip_prefix("r.").or_else(|| line.strip_prefix("cfg.")).or_else(|| line.strip_prefix('.'))?;
    let (head, rest) = line.split_once("(\"")?;
    let (path, after) = rest.split_once("\", ")?;
    let (method, handler) = if head == "route" {
        let (method, to) = after.split_once("().to(")?;
        (method, to.split(')').next()?)
    } else {
        (head, after.split(')').next()?)
    };
    ["get", "post", "put", "delete"]
        .contains(&method)
        .then(|| (method.to_uppercase(), path.to_owned(), handler.to_owned()))
}

#[test]
fn every_top_level_module_is_described_in_the_architecture_guide() {
    let guide = read("docs/ARCHITECTURE.md");
    let missing: Vec<String> = top_level_modules().into_iter().filter(|m| !guide.contains(&format!("`{m}`"))).collect();
    assert!(missing.is_empty(), "docs/ARCHITECTURE.md does not describe: {missing:?}");
}

#[test]
fn the_routes_document_lists_exactly_the_route_table() {
    let doc = read("docs/ROUTES.md");
    let mut count = 0;
    for file in ["public.rs", "public_api.rs", "staff_pages.rs", "staff_api.rs"] {
        for (method, path, handler) in table_routes(&read(&format!("src/routes/{file}"))) {
            let row = format!("| {method} | `{path}` | `{handler}` |");
            assert!(doc.contains(&row), "docs/ROUTES.md lacks {row} (python3 scripts/routes-doc.py > docs/ROUTES.md)");
            count += 1;
        }
    }
    let rows = doc
        .lines()
        .filter(|l| {
            l.starts_with("| GET") || l.starts_with("| POST") || l.starts_with("| PUT") || l.starts_with("| DELETE")
        })
        .count();
    assert_eq!(rows, count, "docs/ROUTES.md lists routes the table does not have");
    assert!(count > 100, "the route table was not read: {count} routes");
}

#[test]
fn every_registered_staff_route_is_in_the_routes_document() {
    let doc = read("docs/ROUTES.md");
    for route in gongshi::routes::staff_routes().all() {
        let row = format!("| {} | `{}` |", route.method, route.pattern);
        assert!(doc.contains(&row), "docs/ROUTES.md lacks {row}");
    }
}

#[test]
fn routes_are_registered_in_the_route_table_only() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    let table = root().join("src/routes");
    let outside: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(&table))
        .filter(|f| {
            let text = fs::read_to_string(f).unwrap_or_default();
            text.contains(".route(\"/") || text.contains("AdminRoutes") || text.contains(".service(")
        })
        .map(|f| f.strip_prefix(root()).unwrap_or(f).display().to_string())
        .collect();
    assert!(outside.is_empty(), "routes registered outside src/routes/: {outside:?}");
}

#[test]
fn the_rules_are_cited_from_the_repository() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    rust_files(&root().join("migration"), &mut files);
    let stale: Vec<String> = files
        .iter()
        .filter(|f| fs::read_to_string(f).unwrap_or_default().contains("DOMAIN.md"))
        .map(|f| f.display().to_string())
        .collect();
    assert!(stale.is_empty(), "cite docs/RULES.md instead of DOMAIN.md in {stale:?}");
    assert!(read("docs/RULES.md").contains("## The gate"));
}

/// The name a type takes in the API document, when it derives `ToSchema`: its `schema(as = …)`
/// name or its own. `attributes` are the lines above the item, `item` the `struct`/`enum` line.
fn schema_name(attributes: &[&str], item: &str) -> Option<String> {
    if !attributes.iter().any(|a| a.contains("ToSchema")) {
        return None;
    }
    let renamed = attributes.iter().find_map(|a| {
        let rest = &a[a.find("schema(as = ")? + "schema(as = ".len()..];
        rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().map(str::to_owned)
    });
    let item = item.trim_start().trim_start_matches("pub(crate) ").trim_start_matches("pub ");
    let own = item.strip_prefix("struct ").or_else(|| item.strip_prefix("enum "))?;
    let own = own.split(|c: char| !(c.is_alphanumeric() || c == '_')).next()?.to_owned();
    Some(renamed.unwrap_or(own))
}

/// utoipa merges the document's components by name, the last one winning: two types of one
/// name would make one endpoint document the other's answer (the audit log was once described
/// as the mail log's listing).
#[test]
fn every_type_in_the_api_document_has_a_name_of_its_own() {
    let mut files = Vec::new();
    rust_files(&root().join("src"), &mut files);
    rust_files(&root().join("entity/src"), &mut files);
    let mut owners: std::collections::HashMap<String, Vec<String>> = std::collections::HashMap::new();
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let t = line.trim_start();
            let is_item =
                ["pub struct ", "pub enum ", "pub(crate) struct ", "struct ", "enum "].iter().any(|p| t.starts_with(p));
            if !is_item {
                continue;
            }
            let start = lines[..i]
                .iter()
                .rposition(|l| {
                    let l = l.trim_start();
                    !(l.starts_with("#[") || l.starts_with("///") || l.starts_with(')') || l.starts_with("  "))
                })
                .map_or(0, |p| p + 1);
            if let Some(name) = schema_name(&lines[start..i], line) {
                owners.entry(name).or_default().push(format!("{}:{}", file.display(), i + 1));
            }
        }
    }
    assert!(owners.len() > 40, "the schemas were found: {}", owners.len());
    let clashes: Vec<_> = owners.into_iter().filter(|(_, at)| at.len() > 1).collect();
    assert!(clashes.is_empty(), "types sharing a schema name (rename one with #[schema(as = …)]): {clashes:#?}");
}
