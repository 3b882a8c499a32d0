//! Checks instead of reviewers: every module says what it is (`//!`), no source file grows past
//! 600 lines, layers import one way, and the handlers form no import circle.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn files_under(dir: &Path, extensions: &[&str], out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        if path.is_dir() {
            if !["node_modules", "target", "out", ".vscode-test", "fixtures", "fixture", "work"].contains(&name.as_str()) && !name.starts_with('.') {
                files_under(&path, extensions, out);
            }
        } else if extensions.iter().any(|e| name.ends_with(e)) {
            out.push(path);
        }
    }
}

#[test]
fn every_rust_module_starts_with_a_module_doc_line() {
    let mut files = Vec::new();
    for dir in ["server/src", "server/tests", "server/benches", "tests/src", "tests/tests"] {
        files_under(&repo().join(dir), &[".rs"], &mut files);
    }
    assert!(files.len() > 100, "the walk found the sources ({})", files.len());
    let missing: Vec<String> = files
        .iter()
        .filter(|f| {
            let text = std::fs::read_to_string(f).unwrap_or_default();
            !text.lines().find(|l| !l.trim().is_empty()).is_some_and(|l| l.starts_with("//!"))
        })
        .map(|f| f.strip_prefix(repo()).unwrap().display().to_string())
        .collect();
    assert!(missing.is_empty(), "modules without a `//!` first line: {missing:#?}");
}

#[test]
fn no_source_file_passes_600_lines() {
    let mut files = Vec::new();
    for dir in ["server", "tests", "editors/vscode/src", "editors/vscode/test", "editors/neovim", "bench", "scripts", "rules"] {
        files_under(&repo().join(dir), &[".rs", ".ts", ".lua", ".py", ".sh", ".mjs"], &mut files);
    }
    let long: Vec<String> = files
        .iter()
        .filter_map(|f| {
            let lines = std::fs::read_to_string(f).ok()?.lines().count();
            (lines > 600).then(|| format!("{} ({lines} lines)", f.strip_prefix(repo()).unwrap().display()))
        })
        .collect();
    assert!(long.is_empty(), "split these files: {long:#?}");
}

/// The top-level modules from the bottom up; a module may import only modules of lower layers.
const LAYERS: &[&[&str]] = &[
    &["config", "fsio", "redact", "child"],
    &["analysis", "profile"],
    &["workspace", "sandbox"],
    &["consolidate", "rules", "engine"],
    &["results", "task"],
    &["optimize"],
    &["lsp"],
    &["cli"],
];

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|layer| layer.contains(&module))
}

/// `crate::name` references in code (comments and string literals left out, roughly: whole
/// lines that are comments, and text between double quotes).
fn crate_references(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        let code: String = line.split('"').step_by(2).collect::<Vec<_>>().join(" ");
        let mut rest = code.as_str();
        while let Some(at) = rest.find("crate::") {
            rest = &rest[at + "crate::".len()..];
            let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            out.insert(name);
        }
    }
    out
}

#[test]
fn every_top_level_module_has_a_layer() {
    let lib = std::fs::read_to_string(repo().join("server/src/lib.rs")).unwrap();
    let modules: Vec<&str> =
        lib.lines().filter_map(|l| l.trim().strip_prefix("pub mod ").or_else(|| l.trim().strip_prefix("mod "))).map(|m| m.trim_end_matches(';')).collect();
    assert!(modules.len() > 5, "{modules:?}");
    let missing: Vec<&&str> = modules.iter().filter(|m| layer_of(m).is_none()).collect();
    assert!(missing.is_empty(), "modules without a layer in LAYERS: {missing:?}");
}

#[test]
fn layers_import_one_way() {
    let src = repo().join("server/src");
    let mut violations = Vec::new();
    let mut checked = 0;
    for layer in LAYERS {
        for module in *layer {
            let mut files = Vec::new();
            let dir = src.join(module);
            if dir.is_dir() {
                files_under(&dir, &[".rs"], &mut files);
            }
            let single = src.join(format!("{module}.rs"));
            if single.is_file() {
                files.push(single);
            }
            assert!(!files.is_empty(), "module {module} exists");
            let own = layer_of(module).unwrap();
            for file in files {
                checked += 1;
                for used in crate_references(&std::fs::read_to_string(&file).unwrap()) {
                    if let Some(layer) = layer_of(&used)
                        && used != *module
                        && layer >= own
                    {
                        violations.push(format!("{} uses crate::{used}", file.strip_prefix(&src).unwrap().display()));
                    }
                }
            }
        }
    }
    assert!(checked > 100);
    assert!(violations.is_empty(), "imports against the layers (low to high: {LAYERS:?}): {violations:#?}");
}

#[test]
fn analysis_stays_pure() {
    let mut files = Vec::new();
    files_under(&repo().join("server/src/analysis"), &[".rs"], &mut files);
    // Test modules may read fixtures from disk; the analysis itself may not.
    files.retain(|f| !f.components().any(|c| c.as_os_str() == "tests") && f.file_name().is_some_and(|n| n != "tests.rs"));
    assert!(files.len() > 20);
    for file in files {
        let text: String = std::fs::read_to_string(&file).unwrap().lines().filter(|l| !l.trim_start().starts_with("//")).collect::<Vec<_>>().join("\n");
        for banned in ["tower_lsp_server", "tokio", "std::fs", "std::process"] {
            assert!(!text.contains(banned), "{} uses {banned}: analysis/ is pure", file.display());
        }
    }
}

#[test]
fn handlers_import_each_other_without_a_circle() {
    let dir = repo().join("server/src/lsp/handlers");
    let mut files = Vec::new();
    files_under(&dir, &[".rs"], &mut files);
    let names: BTreeSet<String> = files.iter().map(|f| f.file_stem().unwrap().to_string_lossy().into_owned()).filter(|n| n != "mod").collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for file in &files {
        let name = file.file_stem().unwrap().to_string_lossy().into_owned();
        if name == "mod" {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let mut uses = BTreeSet::new();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("super::") {
            rest = &rest[at + "super::".len()..];
            let used: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if names.contains(&used) && used != name {
                uses.insert(used);
            }
        }
        graph.insert(name, uses);
    }
    // Kahn's algorithm: what cannot be ordered sits on a circle.
    let mut remaining = graph.clone();
    while let Some(leaf) = remaining.iter().find(|(_, uses)| uses.iter().all(|u| !remaining.contains_key(u))).map(|(n, _)| n.clone()) {
        remaining.remove(&leaf);
    }
    assert!(remaining.is_empty(), "handler modules importing each other in a circle: {remaining:#?}");
    assert!(graph["ui"].is_empty(), "ui is below every handler: {:?}", graph["ui"]);
}
