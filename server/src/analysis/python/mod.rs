//! Python analysis: functions and methods, optimizability reasons, symbols and imports.

use super::{FileAnalysis, Language, ModuleRef};
use std::path::Path;

/// Analyses a parsed Python file.
pub fn analyze(_tree: &tree_sitter::Tree, _source: &str) -> FileAnalysis {
    FileAnalysis {
        language: Language::Python,
        functions: Vec::new(),
        symbols: Vec::new(),
        imports: Vec::new(),
        child_modules: Vec::new(),
        has_errors: false,
    }
}

/// The dotted module name of a file, from its path relative to an import root:
/// `pkg/sub/mod.py` is `["pkg", "sub", "mod"]`, `pkg/__init__.py` is `["pkg"]`.
pub fn module_name(_relative_path: &Path) -> Option<Vec<String>> {
    None
}

/// The absolute module an import refers to, seen from the importing module
/// (`importer_is_package` is true for `__init__.py`, which changes what `.` means).
pub fn resolve_module(_importer: &[String], _importer_is_package: bool, _module: &ModuleRef) -> Option<Vec<String>> {
    None
}
