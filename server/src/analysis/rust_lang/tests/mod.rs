//! Tests for the Rust analysis, on small snippets parsed for real.

mod imports;
mod names;
mod precision;
mod reasons;
mod robustness;

use crate::analysis::{FileAnalysis, FunctionInfo, Language, ReasonKind, analyze_source};

fn analyze(source: &str) -> FileAnalysis {
    analyze_source(Language::Rust, source)
}

/// The function with this qualified name; panics with the names found otherwise.
fn function<'a>(analysis: &'a FileAnalysis, qualified_name: &str) -> &'a FunctionInfo {
    analysis.functions.iter().find(|f| f.qualified_name == qualified_name).unwrap_or_else(|| {
        let found: Vec<&str> = analysis.functions.iter().map(|f| f.qualified_name.as_str()).collect();
        panic!("no function {qualified_name}; found {found:?}")
    })
}

/// Reason kinds of the only function in `source`.
fn kinds_of(source: &str) -> Vec<ReasonKind> {
    let analysis = analyze(source);
    assert_eq!(analysis.functions.len(), 1, "expected one function in {source}");
    analysis.functions[0].reasons.iter().map(|r| r.kind).collect()
}

fn has_reason(source: &str, kind: ReasonKind) -> bool {
    kinds_of(source).contains(&kind)
}

/// `uses` of a function as `a::b` strings.
fn uses_of(analysis: &FileAnalysis, qualified_name: &str) -> Vec<String> {
    function(analysis, qualified_name).uses.iter().map(|u| u.path.join("::")).collect()
}
