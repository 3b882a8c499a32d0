//! Rust analysis: functions and methods, optimizability reasons, items, `use` declarations and `mod` children.

use super::{FileAnalysis, Language, ModuleRef};
use std::path::Path;

/// Analyses a parsed Rust file.
pub fn analyze(_tree: &tree_sitter::Tree, _source: &str) -> FileAnalysis {
    FileAnalysis {
        language: Language::Rust,
        functions: Vec::new(),
        symbols: Vec::new(),
        imports: Vec::new(),
        child_modules: Vec::new(),
        has_errors: false,
    }
}

/// The module path of a file, from its path relative to the crate's `src/`:
/// `lib.rs`/`main.rs` are `["crate"]`, `a.rs` and `a/mod.rs` are `["crate", "a"]`, `a/b.rs` is `["crate", "a", "b"]`.
pub fn module_path(_relative_to_src: &Path) -> Option<Vec<String>> {
    None
}

/// The absolute module path (starting with `crate`) a `use` path's module part refers to,
/// seen from the importing module; `None` for external crates and `std`.
pub fn resolve_module(_importer: &[String], _module: &ModuleRef) -> Option<Vec<String>> {
    None
}
