//! Re-measures the winner against the baseline in a scratch copy of the task folder, so every
//! result the user sees was verified the same way whichever backend produced it.

use std::path::Path;
use std::time::Duration;

use crate::results::report::Verification;
use crate::task::PreparedTask;
use crate::task::preflight::{parse_metric, run_with_timeout};

/// Files of a task folder that are not part of the harness (`target`: the cargo build folder of Rust
/// tasks, shared by path instead of copied).
const NOT_COPIED: &[&str] = &[".runs", "run.log", "report.md", "last_eval.json", "target"];

fn copy_harness(from: &Path, to: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let name = entry.file_name();
        if NOT_COPIED.iter().any(|n| name == *n) {
            continue;
        }
        let target = to.join(&name);
        if entry.file_type()?.is_dir() {
            std::fs::create_dir_all(&target)?;
            copy_harness(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), &target)?;
        }
    }
    Ok(())
}

/// Evaluates `code` as the task's optimized file in a scratch copy of the harness.
pub fn verify(task: &PreparedTask, code: &str, timeout: Duration) -> Verification {
    let failed = |checks: String| Verification { checks, passed: false, ..Default::default() };
    let Ok(scratch_root) = tempfile::tempdir() else { return failed("no scratch folder could be created".into()) };
    // In place, the harness finds the candidate at the project's path relative to itself
    // (`../../<file>`): the scratch copy keeps that layout. Isolated, the harness folder is enough.
    let (harness, candidate) = match task.placement {
        crate::task::Placement::InPlace => {
            let relative_harness = task.harness_dir.strip_prefix(&task.dir).unwrap_or(Path::new(".weco/task"));
            (scratch_root.path().join(relative_harness), scratch_root.path().join(&task.source_file))
        }
        crate::task::Placement::Isolated => {
            let optimized_name = format!("optimize.{}", task.original_path.extension().and_then(|e| e.to_str()).unwrap_or("py"));
            (scratch_root.path().to_path_buf(), scratch_root.path().join(optimized_name))
        }
    };
    if let Err(e) = std::fs::create_dir_all(&harness).and_then(|_| copy_harness(&task.harness_dir, &harness)) {
        return failed(format!("the harness could not be copied: {e}"));
    }
    if let Err(e) = candidate.parent().map_or(Ok(()), std::fs::create_dir_all).and_then(|_| std::fs::write(&candidate, code)) {
        return failed(format!("the candidate could not be written: {e}"));
    }
    let mut writable = vec![scratch_root.path().to_path_buf()];
    writable.extend(crate::task::preflight::cargo_home(task));
    let jail = crate::sandbox::Jail { workspace: crate::sandbox::workspace_of(&task.harness_dir), writable };
    let prepared = crate::sandbox::prepare(&jail, harness.as_path(), "bash evaluate.sh 2>&1");
    let mut command = prepared.std_command();
    // The verification times the winner on inputs the search never saw (see `harness_core.py`).
    command.env("WECO_INPUTS", "holdout");
    let run = run_with_timeout(command, timeout);
    crate::task::preflight::wrote_in_project(&prepared);
    let output = match run {
        Ok(o) => o,
        Err(e) => return failed(format!("the verification run failed: {e}")),
    };
    let metric = parse_metric(&output.text, &task.metric);
    let violated = output.text.lines().find(|l| l.trim_start().starts_with("Constraint violated")).map(str::to_string);
    let details: Option<serde_json::Value> = std::fs::read_to_string(harness.as_path().join("last_eval.json")).ok().and_then(|t| serde_json::from_str(&t).ok());
    let field = |name: &str| details.as_ref().and_then(|d| d.get(name)).and_then(|v| v.as_f64());
    let passed = violated.is_none() && metric.is_some();
    let timed_all = details.as_ref().and_then(|d| d.get("timed_inputs")).and_then(|v| v.as_str()) == Some("all");
    let cache = details.as_ref().and_then(|d| d.get("cache")).filter(|c| !c.is_null()).map(|c| {
        let names: Vec<&str> = c["names"].as_array().map(|a| a.iter().filter_map(|n| n.as_str()).collect()).unwrap_or_default();
        format!(
            "the winner keeps results across calls ({}); it was timed on {} distinct inputs with its caches emptied before every batch, and held {} entries after one batch. Its memory grows with the number of distinct inputs it sees unless the cache is bounded.",
            names.join(", "),
            c["distinct_inputs"].as_u64().unwrap_or(0),
            c["entries_after_one_unit"].as_u64().unwrap_or(0)
        )
    });
    Verification {
        baseline_seconds_per_call: field("baseline_seconds_per_call"),
        best_seconds_per_call: field("candidate_seconds_per_call"),
        cv: field("cv"),
        metric,
        checks: match violated {
            Some(v) => v.trim().to_string(),
            None if timed_all => "outputs, argument mutation and raised exceptions equal to the baseline's on every input, with type-aware float tolerance; timed on every recorded input, because the held-out ones (every fourth) take under a tenth of the others' time per call and would measure a different workload".into(),
            None => "outputs, argument mutation and raised exceptions equal to the baseline's on every input, with type-aware float tolerance; timed on inputs the search never saw (every fourth recorded input, or new synthesized ones)".into(),
        },
        passed,
        cache,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::Language;
    use crate::task::{MetricKind, Placement, TaskRequest, prepare_task};

    #[test]
    fn a_winner_that_caches_across_calls_is_named_with_its_entries() {
        let root = tempfile::tempdir().unwrap();
        let file = root.path().join("numbers.py");
        let source = "def digit_sum(n: int) -> int:\n    \"\"\"Digits.\n\n    >>> digit_sum(987654321987654321)\n    81\n    \"\"\"\n    if n < 10:\n        return n\n    return digit_sum(n // 10) + n % 10\n";
        std::fs::write(&file, source).unwrap();
        let task = prepare_task(&TaskRequest {
            workspace_root: root.path().into(),
            source_path: file.clone(),
            function: "digit_sum".into(),
            language: Language::Python,
            metric: MetricKind::Speedup,
            placement: Placement::Isolated,
            source_text: source.into(),
            consolidated_from: None,
            cancel: Default::default(),
            progress: None,
        })
        .unwrap();
        let cached = source.replace("def digit_sum", "import functools\n\n\n@functools.lru_cache(maxsize=None)\ndef digit_sum");
        let verification = verify(&task, &cached, Duration::from_secs(120));
        let note = verification.cache.unwrap_or_else(|| panic!("the cache is named: {}", verification.checks));
        assert!(note.contains("digit_sum") && note.contains("distinct inputs"), "{note}");
    }
}
