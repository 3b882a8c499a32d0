//! Conversions from analysis results to LSP values: diagnostics, code lenses, hovers and code actions.
//!
//! The only module besides `server.rs` that builds LSP types from domain data.

use std::path::Path;

use serde_json::json;
use tower_lsp_server::ls_types::{
    CodeAction, CodeActionKind, CodeLens, Command, Diagnostic, DiagnosticSeverity, Hover, HoverContents, MarkupContent, MarkupKind, NumberOrString, Uri,
};

use std::collections::HashMap;

use super::documents::DocumentSnapshot;
use super::ext::{CMD_CONSOLIDATE, CMD_OPTIMIZE, FunctionTarget, LENS_OPTIMIZE, TITLE_CONSOLIDATE, TITLE_OPTIMIZE};
use super::position::{PositionEncoding, range_of};
use super::session::MeasuredIn;
use crate::analysis::FunctionInfo;
use crate::analysis::index::Dependency;
use crate::engine::local::rewrites::offline_rewrites;

/// The lens's note when the offline engine has a rewrite for the function, and when it has none.
pub const LENS_OFFLINE: &str = "offline rewrite ready";
pub const LENS_NEEDS_LLM: &str = "needs an LLM or weco";

pub const SOURCE: &str = "weco";

/// One Hint diagnostic per reason of every flagged function, hints left out: they stay in the hover, so that the
/// Problems list holds the findings only.
/// `support_code`: the document is tests, benchmarks or fuzzing code ([`crate::workspace::is_support_code`]), whose
/// findings are hints.
pub fn diagnostics(doc: &DocumentSnapshot, encoding: PositionEncoding, support_code: bool) -> Vec<Diagnostic> {
    doc.analysis
        .functions
        .iter()
        .filter(|f| f.is_flagged() && !support_code)
        .flat_map(|f| {
            f.reasons.iter().filter(|reason| !reason.hint).map(move |reason| Diagnostic {
                range: range_of(&doc.rope, &reason.range, encoding),
                severity: Some(DiagnosticSeverity::HINT),
                code: Some(NumberOrString::String(reason.kind.id().to_string())),
                source: Some(SOURCE.to_string()),
                message: format!("{} (in `{}`, score {}/100)", reason.message, f.qualified_name, f.score),
                ..Default::default()
            })
        })
        .collect()
}

pub fn optimize_command(uri: &Uri, function: &str, title: &str) -> Command {
    let target = FunctionTarget { uri: uri.clone(), function: function.to_string() };
    Command::new(title.to_string(), CMD_OPTIMIZE.to_string(), Some(vec![json!(target)]))
}

/// A share of the profiled time spent in a function's own body from which it gets a lens even without a flagged
/// pattern: it is where the time goes (inclusive time would put every entry point first).
pub const HOT_SELF_SHARE: f64 = 0.05;

/// A "⚡ Optimize with Weco" lens on the name of every flagged function, and of every function a profile measured at
/// `HOT_SELF_SHARE` or more (in its own body); it gives the measured share when there is one, and says whether the offline engine has a
/// rewrite for the function's shape or a candidate needs an LLM endpoint or weco.
/// In `support_code` (tests, benchmarks, fuzzing) only a measured hot spot gets a lens.
pub fn code_lenses(doc: &DocumentSnapshot, encoding: PositionEncoding, measured: &HashMap<String, MeasuredIn>, support_code: bool) -> Vec<CodeLens> {
    doc.analysis
        .functions
        .iter()
        .filter_map(|f| {
            let share = measured.get(&f.qualified_name).map(|m| m.measured.share);
            let hot = measured.get(&f.qualified_name).is_some_and(|m| m.measured.self_share >= HOT_SELF_SHARE);
            let flagged = f.is_flagged() && !support_code;
            if !flagged && !hot {
                return None;
            }
            let offline = offline_rewrites(doc.language, &doc.text, f.range.clone());
            let engine = if offline.is_empty() { LENS_NEEDS_LLM } else { LENS_OFFLINE };
            let profiled = share.map(|s| format!("{:.0}% of profiled time · ", s * 100.0)).unwrap_or_default();
            let found = if flagged { format!("{}: {} · ", f.score, short_reasons(f)) } else { String::new() };
            Some(CodeLens {
                range: range_of(&doc.rope, &f.name_range, encoding),
                command: Some(optimize_command(&doc.uri, &f.qualified_name, &format!("{LENS_OPTIMIZE} ({profiled}{found}{engine})"))),
                data: None,
            })
        })
        .collect()
}

/// The hover's line on measured time: the share, the times and the profile it comes from.
pub fn measured_note(measured: Option<&MeasuredIn>, root: Option<&Path>) -> String {
    match measured {
        Some(m) => format!("\n**Measured:** {} in `{}`.\n", crate::profile::describe(&m.measured, m.unit), display_path(&m.source, root)),
        None => String::new(),
    }
}

/// What the hover says about the offline engine for one function.
pub fn offline_note(offline: &[&str]) -> String {
    if offline.is_empty() {
        "\nOffline engine: no rewrite matches this function's shape; a candidate needs an LLM endpoint or weco.\n".to_string()
    } else {
        let ids: Vec<String> = offline.iter().map(|id| format!("`{id}`")).collect();
        format!("\nOffline engine: will try {} (no LLM needed; each is measured before it is offered).\n", ids.join(", "))
    }
}

/// The kinds of the reasons that earned the lens (hints stay in the hover).
fn short_reasons(function: &FunctionInfo) -> String {
    let mut kinds: Vec<&str> = function.reasons.iter().filter(|r| !r.hint).map(|r| r.kind.id()).collect();
    kinds.dedup();
    kinds.join(", ")
}

/// The innermost function whose range contains `offset`.
pub fn function_at(doc: &DocumentSnapshot, offset: usize) -> Option<&FunctionInfo> {
    doc.analysis.functions.iter().filter(|f| f.range.start <= offset && offset <= f.range.end).min_by_key(|f| f.range.end - f.range.start)
}

/// The function whose header line (the line of its name) holds `offset`.
pub fn function_header_at(doc: &DocumentSnapshot, offset: usize) -> Option<&FunctionInfo> {
    let line = doc.rope.byte_to_line(offset.min(doc.rope.len_bytes()));
    function_at(doc, offset).filter(|f| doc.rope.byte_to_line(f.name_range.start) == line)
}

fn display_path(path: &Path, root: Option<&Path>) -> String {
    root.and_then(|r| path.strip_prefix(r).ok()).unwrap_or(path).to_string_lossy().into_owned()
}

pub fn hover(
    function: &FunctionInfo,
    language: crate::analysis::Language,
    dependencies: &[Dependency],
    root: Option<&Path>,
    offline: &[&str],
    measured: Option<&MeasuredIn>,
) -> Hover {
    let mut text = format!("**weco** · `{}`", function.qualified_name);
    if function.is_flagged() {
        text.push_str(&format!(" · optimization score **{}/100**\n\n", function.score));
        for reason in &function.reasons {
            text.push_str(&format!("- {} (`{}`)\n", reason.message, reason.kind.id()));
        }
    } else if !function.trivial && !function.reasons.is_empty() {
        text.push_str(" · hints only, no lens: these patterns are linear or the algorithm itself on realistic data\n\n");
        for reason in &function.reasons {
            text.push_str(&format!("- {} (`{}`, hint)\n", reason.message, reason.kind.id()));
        }
    } else if function.trivial {
        text.push_str(" · trivial: nothing worth optimizing here\n");
    } else {
        text.push_str(" · no known slow pattern found (it can still be optimized with a measured run)\n");
    }
    text.push_str(&measured_note(measured, root));
    if dependencies.is_empty() {
        text.push_str("\nNo project-local dependencies.\n");
    } else {
        text.push_str("\n**Depends on**\n");
        for dep in dependencies.iter().take(20) {
            let indent = "  ".repeat(dep.depth.saturating_sub(1));
            text.push_str(&format!("{indent}- `{}` in `{}`\n", dep.symbol, display_path(&dep.file, root)));
        }
        if dependencies.len() > 20 {
            text.push_str(&format!("- … and {} more\n", dependencies.len() - 20));
        }
    }
    if function.is_flagged() {
        text.push_str(&offline_note(offline));
    }
    text.push_str(&guidance_links(function, language, root));
    Hover { contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value: text }), range: None }
}

/// Links to the guidance documents: the rewrite that fixes each flagged pattern, and how weco
/// measures. They point at `.weco/rules/` once a task has written them there; before that the
/// text names `weco-lsp rules NAME`, which prints the same document.
fn guidance_links(function: &FunctionInfo, language: crate::analysis::Language, root: Option<&Path>) -> String {
    let rules_dir = root.map(|r| crate::task::layout::weco_dir(r).join("rules"));
    let link = |name: &str, label: &str| -> String {
        match rules_dir.as_ref().map(|d| d.join(format!("{name}.md"))).filter(|p| p.exists()).and_then(|p| Uri::from_file_path(&p)) {
            Some(uri) => format!("[{label}]({})", uri.as_str()),
            None => format!("{label} (`weco-lsp rules {name}`)"),
        }
    };
    let mut names: Vec<&str> = function.reasons.iter().filter_map(|r| crate::rules::rewrite_for(r.kind, language)).collect();
    names.dedup();
    let mut text = String::from("\n");
    if !names.is_empty() {
        let fixes: Vec<String> = names.iter().map(|n| link(n, n.trim_start_matches("rewrites/"))).collect();
        text.push_str(&format!("Known fixes: {}.\n\n", fixes.join(", ")));
    }
    text.push_str(&format!(
        "How weco measures: correctness against the baseline first, then interleaved timing; see {}.",
        link("benchmarking", "benchmarking")
    ));
    text
}

/// "Optimize with Weco" for the function under the cursor, and "Consolidate for optimization"
/// when it depends on code in other files.
pub fn code_actions(uri: &Uri, function: &FunctionInfo, depends_on_other_files: bool) -> Vec<CodeAction> {
    let mut actions = vec![CodeAction {
        title: TITLE_OPTIMIZE.to_string(),
        kind: Some(CodeActionKind::new("refactor.rewrite.weco.optimize")),
        command: Some(optimize_command(uri, &function.qualified_name, TITLE_OPTIMIZE)),
        ..Default::default()
    }];
    if depends_on_other_files {
        let target = FunctionTarget { uri: uri.clone(), function: function.qualified_name.clone() };
        actions.push(CodeAction {
            title: TITLE_CONSOLIDATE.to_string(),
            kind: Some(CodeActionKind::new("refactor.rewrite.weco.consolidate")),
            command: Some(Command::new(TITLE_CONSOLIDATE.to_string(), CMD_CONSOLIDATE.to_string(), Some(vec![json!(target)]))),
            ..Default::default()
        });
    }
    actions
}
