//! Embeds `templates/` and `public/` into the binary, so a release build runs from any folder
//! and static assets are served from memory.
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn files_under(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

fn table(name: &str, root: &Path, macro_name: &str, ty: &str) -> String {
    let mut code = format!("pub static {name}: &[(&str, {ty})] = &[\n");
    for path in files_under(root) {
        let rel = path.strip_prefix(root).expect("under root").to_string_lossy().replace('\\', "/");
        let abs = path.canonicalize().expect("file exists");
        let _ = writeln!(code, "    ({rel:?}, {macro_name}!({:?})),", abs.to_string_lossy());
    }
    code.push_str("];\n");
    code
}

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let mut code = table("TEMPLATES", &manifest.join("templates"), "include_str", "&str");
    code.push_str(&table("ASSETS", &manifest.join("public"), "include_bytes", "&[u8]"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("embedded.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed=templates");
    println!("cargo:rerun-if-changed=public");
}
