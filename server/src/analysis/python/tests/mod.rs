//! Tests for Python analysis, on small snippets parsed for real.

mod lens_worthy;
mod placement;
mod quiet;
mod reasons;
mod robustness;
mod structure;

use crate::analysis::{FileAnalysis, FunctionInfo, Language, ReasonKind, analyze_source};

fn analyze(source: &str) -> FileAnalysis {
    analyze_source(Language::Python, source)
}

fn function<'a>(analysis: &'a FileAnalysis, qualified_name: &str) -> &'a FunctionInfo {
    analysis.functions.iter().find(|f| f.qualified_name == qualified_name).unwrap_or_else(|| panic!("no function {qualified_name} in {:?}", names(analysis)))
}

fn names(analysis: &FileAnalysis) -> Vec<&str> {
    analysis.functions.iter().map(|f| f.qualified_name.as_str()).collect()
}

fn kinds(function: &FunctionInfo) -> Vec<ReasonKind> {
    function.reasons.iter().map(|r| r.kind).collect()
}

/// Analyses `source`, which must define exactly one top-level function `f`, and returns it.
fn only_f(source: &str) -> FunctionInfo {
    let analysis = analyze(source);
    function(&analysis, "f").clone()
}

fn uses(function: &FunctionInfo) -> Vec<String> {
    function.uses.iter().map(|u| u.path.join(".")).collect()
}
