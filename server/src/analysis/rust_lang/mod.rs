//! Rust analysis: functions and methods, optimizability reasons, items, `use` declarations and `mod` children.

mod functions;
mod grammar;
mod heuristics;
mod holds;
mod imports;
mod items;
mod messages;
mod names;
mod walk;

#[cfg(test)]
mod tests;

use super::{FileAnalysis, Language, ModuleRef};
use std::path::{Component, Path};

/// Analyses a parsed Rust file.
pub fn analyze(tree: &tree_sitter::Tree, source: &str) -> FileAnalysis {
    let root = tree.root_node();
    let struct_fields = items::struct_fields(root, source);
    let mut walker = items::FileWalker::new(source, &struct_fields);
    walk::walk(root, &mut walker);
    FileAnalysis {
        language: Language::Rust,
        functions: walker.functions.into_iter().flatten().collect(),
        symbols: walker.symbols,
        imports: walker.imports,
        child_modules: walker.child_modules,
        has_errors: root.has_error(),
    }
}

/// The module path of a file, from its path relative to the crate's `src/`:
/// `lib.rs`/`main.rs` are `["crate"]`, `a.rs` and `a/mod.rs` are `["crate", "a"]`, `a/b.rs` is `["crate", "a", "b"]`.
/// `None` for non-Rust files, binaries under `bin/`, and names that are not identifiers.
pub fn module_path(relative_to_src: &Path) -> Option<Vec<String>> {
    if relative_to_src.extension().and_then(|e| e.to_str()) != Some("rs") {
        return None;
    }
    let mut segments = Vec::new();
    for component in relative_to_src.components() {
        match component {
            Component::Normal(part) => segments.push(part.to_str()?.to_string()),
            Component::CurDir => {}
            Component::RootDir | Component::Prefix(_) | Component::ParentDir => return None,
        }
    }
    let file = segments.pop()?;
    let stem = file.strip_suffix(".rs")?;
    if segments.first().is_some_and(|s| s == "bin") {
        return None;
    }
    let crate_root = segments.is_empty() && matches!(stem, "lib" | "main");
    if !crate_root && stem != "mod" {
        segments.push(stem.to_string());
    }
    if !segments.iter().all(|s| is_identifier(s)) {
        return None;
    }
    let mut path = vec!["crate".to_string()];
    path.extend(segments);
    Some(path)
}

fn is_identifier(segment: &str) -> bool {
    let mut chars = segment.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic()) && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// The absolute module path (starting with `crate`) a `use` path's module part refers to,
/// seen from the importing module; `None` for external crates and `std`.
pub fn resolve_module(importer: &[String], module: &ModuleRef) -> Option<Vec<String>> {
    let ModuleRef::Rust { path } = module else {
        return None;
    };
    let first = path.first()?;
    match first.as_str() {
        "crate" => Some(path.clone()),
        "self" => {
            if importer.first().is_none_or(|s| s != "crate") {
                return None;
            }
            let mut resolved = importer.to_vec();
            resolved.extend(path[1..].iter().cloned());
            Some(resolved)
        }
        "super" => {
            if importer.first().is_none_or(|s| s != "crate") {
                return None;
            }
            let supers = path.iter().take_while(|s| *s == "super").count();
            // `importer` minus one segment per `super`; the crate root has no parent.
            let keep = importer.len().checked_sub(supers).filter(|&k| k >= 1)?;
            let mut resolved = importer[..keep].to_vec();
            resolved.extend(path[supers..].iter().cloned());
            Some(resolved)
        }
        _ => None,
    }
}
