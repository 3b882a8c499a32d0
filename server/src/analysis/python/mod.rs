//! Python analysis: functions and methods, optimizability reasons, symbols and imports.
//!
//! One iterative walk over the tree (`scope`) tracks scopes, bindings, name uses and loop
//! nesting, and asks `heuristics` about each node on the way; `imports` reads import statements
//! and resolves module names. Node kinds and fields are resolved to ids once (`grammar`).

mod builtins;
mod frame;
mod grammar;
mod heuristics;
mod imports;
mod incremental;
mod modes;
mod nesting;
mod placement;
mod scope;
mod square;
#[cfg(test)]
mod tests;

pub use incremental::{UnitAnalysis, reanalyze_unit};

use super::{FileAnalysis, Language, ModuleRef};
use std::path::Path;

/// Analyses a parsed Python file.
pub fn analyze(tree: &tree_sitter::Tree, source: &str) -> FileAnalysis {
    let walk = scope::walk(tree, source);
    FileAnalysis {
        language: Language::Python,
        functions: walk.functions,
        symbols: walk.symbols,
        imports: walk.imports,
        child_modules: Vec::new(),
        has_errors: tree.root_node().has_error(),
    }
}

/// The dotted module name of a file, from its path relative to an import root:
/// `pkg/sub/mod.py` is `["pkg", "sub", "mod"]`, `pkg/__init__.py` is `["pkg"]`.
pub fn module_name(relative_path: &Path) -> Option<Vec<String>> {
    imports::module_name(relative_path)
}

/// The absolute module an import refers to, seen from the importing module
/// (`importer_is_package` is true for `__init__.py`, which changes what `.` means).
pub fn resolve_module(importer: &[String], importer_is_package: bool, module: &ModuleRef) -> Option<Vec<String>> {
    imports::resolve_module(importer, importer_is_package, module)
}
