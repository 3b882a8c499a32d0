//! `weco-lsp analyze PATH... [--json] [--profile FILE]... [--changed [--base HEAD|index|merge-base]]`: the analysis
//! for scripts and CI, ranked by measured time when profiles are given, limited to what a change touched with
//! `--changed`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use ropey::Rope;
use serde_json::json;

use super::fail;
use crate::analysis::index::DEFAULT_DEPTH;
use crate::analysis::{self, Language};
use crate::engine::local::rewrites::offline_rewrites;
use crate::profile::{self, Measured, Target, Unit};
use crate::workspace::{self, ProjectLayout};

struct Row {
    file: PathBuf,
    function: analysis::FunctionInfo,
    language: Language,
    range: serde_json::Value,
    /// The function's reasons for `--json`, identical ones merged, each with where it occurs.
    reasons: Vec<serde_json::Value>,
    dependencies: Vec<(PathBuf, String)>,
    /// The offline engine's rewrites that match the function (flagged functions only).
    offline: Vec<&'static str>,
    /// Measured time from `--profile` files, summed over them.
    measured: Option<Measured>,
}

pub fn run(args: super::args::AnalyzeArgs, out: &mut impl Write) -> ExitCode {
    let super::args::AnalyzeArgs { paths, json: json_output, profile: profile_files, changed: only_changed, base } = args;
    let mut profiles = Vec::new();
    for file in &profile_files {
        match profile::load(file) {
            Ok(p) => profiles.push(p),
            Err(e) => return fail(&e),
        }
    }
    let mut rows = Vec::new();
    let mut indexes = std::collections::HashMap::new();
    for path in &paths {
        let Ok(path) = std::path::absolute(path) else { return fail(&format!("bad path {}", path.display())) };
        if !path.exists() {
            return fail(&format!("{} does not exist", path.display()));
        }
        let changes = if only_changed {
            let folder = if path.is_dir() { path.clone() } else { path.parent().map(Path::to_path_buf).unwrap_or_default() };
            match super::changed::changes(&folder, base) {
                Ok((changes, note)) => {
                    if let Some(note) = note {
                        eprintln!("weco-lsp: {note}");
                    }
                    Some(changes)
                }
                Err(e) => return fail(&e),
            }
        } else {
            None
        };
        let root = workspace::project_root_for(&path);
        let index = indexes.entry(root.clone()).or_insert_with(|| workspace::build_index(&[ProjectLayout::new(&root)], available_threads()));
        let files = if path.is_dir() { workspace::source_files(&path) } else { vec![path.clone()] };
        for file in files {
            // git names files by their real path; only `--changed` needs it.
            let canonical = changes.as_ref().map(|_| std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone())).unwrap_or_default();
            if changes.as_ref().is_some_and(|c| !c.contains_key(&canonical)) {
                continue;
            }
            let Some(language) = Language::from_path(&file) else {
                return fail(&format!("{} is not a Python or Rust file", file.display()));
            };
            let text = match workspace::read_source(&file, workspace::MAX_FILE_BYTES) {
                Ok(t) => t,
                Err(e) => {
                    tracing::warn!("skipping {}: {e}", file.display());
                    continue;
                }
            };
            let rope = Rope::from_str(&text);
            let analysis = analysis::analyze_source(language, &text);
            // Tests, benchmarks and fuzz targets below what was asked for: their findings are hints.
            let support_code = workspace::is_support_code(if path.is_dir() { &path } else { &root }, &file);
            for mut function in analysis.functions {
                if support_code {
                    function.reasons.iter_mut().for_each(|reason| reason.hint = true);
                }
                if let Some(changes) = &changes {
                    let line = |offset: usize| rope.byte_to_line(offset.min(rope.len_bytes())) as u32 + 1;
                    if !super::changed::touches(changes, &canonical, line(function.range.start), line(function.range.end)) {
                        continue;
                    }
                }
                let dependencies = index.dependencies(&file, &function.qualified_name, DEFAULT_DEPTH).into_iter().map(|d| (d.file, d.symbol)).collect();
                let offline = if function.is_flagged() { offline_rewrites(language, &text, function.range.clone()) } else { Vec::new() };
                rows.push(Row {
                    offline,
                    reasons: reasons_json(&rope, &function.reasons),
                    range: json!({"start": line_column(&rope, function.range.start), "end": line_column(&rope, function.range.end)}),
                    file: file.clone(),
                    function,
                    language,
                    dependencies,
                    measured: None,
                });
            }
        }
    }
    let unit = attach_profiles(&mut rows, &profiles);
    // Measured self time first (most first: where the time is spent, not the entry points that reach it), then
    // flagged functions by score.
    let measured_time = |row: &Row| row.measured.map_or(-1.0, |m| m.self_time);
    rows.sort_by(|a, b| {
        measured_time(b).total_cmp(&measured_time(a)).then(b.function.is_flagged().cmp(&a.function.is_flagged())).then(b.function.score.cmp(&a.function.score))
    });
    let result = if json_output { write_json(&rows, unit, out) } else { write_table(&rows, unit, out) };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&e.to_string()),
    }
}

/// One entry per distinct reason (kind, message, hint), at its first occurrence, with how often it occurs: a loop
/// that tests membership in the same list at eight places is one reason seen eight times, not eight reasons.
fn reasons_json(rope: &Rope, reasons: &[analysis::Reason]) -> Vec<serde_json::Value> {
    let mut merged: Vec<(&analysis::Reason, usize)> = Vec::new();
    for reason in reasons {
        match merged.iter_mut().find(|(seen, _)| seen.kind == reason.kind && seen.message == reason.message && seen.hint == reason.hint) {
            Some((_, count)) => *count += 1,
            None => merged.push((reason, 1)),
        }
    }
    merged
        .into_iter()
        .map(|(r, count)| {
            let range = json!({"start": line_column(rope, r.range.start), "end": line_column(rope, r.range.end)});
            json!({"kind": r.kind.id(), "message": r.message, "hint": r.hint, "range": range, "count": count})
        })
        .collect()
}

/// Adds each profile's measured time to the rows its frames land in; returns the unit when every profile has the same
/// one (seconds and sample counts do not add up).
fn attach_profiles(rows: &mut [Row], profiles: &[profile::Profile]) -> Option<Unit> {
    let targets: Vec<Target> = rows
        .iter()
        .map(|row| Target {
            file: row.file.clone(),
            function: row.function.qualified_name.clone(),
            first_line: row.range["start"]["line"].as_u64().unwrap_or(0) as u32,
            last_line: row.range["end"]["line"].as_u64().unwrap_or(0) as u32,
        })
        .collect();
    let cwd = std::env::current_dir().unwrap_or_default();
    let unit = profiles.first().map(|p| p.unit).filter(|u| profiles.iter().all(|p| p.unit == *u));
    for p in profiles {
        for (index, m) in profile::attribute(p, &targets, &cwd) {
            let sum = rows[index].measured.get_or_insert_with(Measured::default);
            sum.self_time += m.self_time;
            sum.total_time += m.total_time;
            // Shares of several profiles: the mean share.
            sum.share += m.share / profiles.len() as f64;
            sum.self_share += m.self_share / profiles.len() as f64;
        }
    }
    unit
}

fn available_threads() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2)
}

/// 1-based line and column (in characters), as compilers print them.
fn line_column(rope: &Rope, offset: usize) -> serde_json::Value {
    let char_index = rope.byte_to_char(offset.min(rope.len_bytes()));
    let line = rope.char_to_line(char_index);
    json!({"line": line + 1, "column": char_index - rope.line_to_char(line) + 1})
}

fn display(path: &Path) -> String {
    let cwd = std::env::current_dir().unwrap_or_default();
    path.strip_prefix(&cwd).unwrap_or(path).to_string_lossy().into_owned()
}

fn write_json(rows: &[Row], unit: Option<Unit>, out: &mut impl Write) -> std::io::Result<()> {
    for row in rows {
        let f = &row.function;
        let measured = row.measured.map(|m| {
            let unit = match unit {
                Some(Unit::Seconds) => "seconds",
                Some(Unit::Samples) => "samples",
                None => "mixed",
            };
            json!({"share": m.share, "self_share": m.self_share, "self": m.self_time, "total": m.total_time, "unit": unit})
        });
        let object = json!({
            "file": display(&row.file),
            "function": f.qualified_name,
            "language": row.language.name(),
            "range": row.range,
            "score": f.score,
            "flagged": f.is_flagged(),
            "trivial": f.trivial,
            "reasons": row.reasons,
            "dependencies": row.dependencies.iter().map(|(file, function)| json!({"file": display(file), "function": function})).collect::<Vec<_>>(),
            "offline_rewrites": row.offline,
            "profile": measured,
        });
        writeln!(out, "{object}")?;
    }
    Ok(())
}

fn write_table(rows: &[Row], unit: Option<Unit>, out: &mut impl Write) -> std::io::Result<()> {
    let flagged = rows.iter().filter(|r| r.function.is_flagged()).count();
    writeln!(out, "{} functions, {} worth optimizing\n", rows.len(), flagged)?;
    writeln!(out, "{:>5}  {:<40}  {:<32}  reasons", "score", "function", "location")?;
    for row in rows {
        let f = &row.function;
        let location = format!("{}:{}", display(&row.file), row.range["start"]["line"]);
        let reasons: Vec<&str> = f.reasons.iter().map(|r| r.kind.id()).collect();
        let reasons = match (f.is_flagged(), reasons.is_empty() || f.trivial) {
            (true, _) => reasons.join(", "),
            (false, false) => format!("(hints only: {})", reasons.join(", ")),
            (false, true) => "-".into(),
        };
        writeln!(out, "{:>5}  {:<40}  {:<32}  {}", f.score, f.qualified_name, location, reasons)?;
        if let Some(measured) = &row.measured {
            let text = match unit {
                Some(unit) => profile::describe(measured, unit),
                None => format!("{:.0}% of the profiled time (mean of the profiles)", measured.share * 100.0),
            };
            writeln!(out, "{:>5}  measured: {text}", "")?;
        }
        if !row.dependencies.is_empty() && f.is_flagged() {
            let deps: Vec<String> = row.dependencies.iter().map(|(file, s)| format!("{s} ({})", display(file))).collect();
            writeln!(out, "{:>5}  depends on: {}", "", deps.join(", "))?;
        }
        if f.is_flagged() {
            let engine = if row.offline.is_empty() { "no rewrite matches (needs an LLM or weco)".to_string() } else { row.offline.join(", ") };
            writeln!(out, "{:>5}  offline engine: {engine}", "")?;
        }
    }
    Ok(())
}
