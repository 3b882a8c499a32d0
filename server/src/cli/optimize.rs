//! `weco-lsp optimize FILE::FUNCTION`: the whole pipeline in a terminal, with progress as lines.
//!
//! The user's file is only written with `--apply` (explicit consent), atomically; otherwise the
//! diff is printed and the file is left as it was.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use tokio_util::sync::CancellationToken;

use super::fail;
use crate::analysis::Language;
use crate::config::{Backend, Settings};
use crate::engine::OptimizerEvent;
use crate::optimize::{self, PipelineError, PipelineEvent};
use crate::task::{MetricKind, Placement, TaskRequest};

#[derive(Debug)]
pub struct Options {
    pub file: PathBuf,
    pub function: String,
    pub settings: Settings,
    pub apply: bool,
}

pub const USAGE: &str = "weco-lsp optimize FILE::FUNCTION [--backend auto|weco|local] [--steps N] [--metric speedup|latency_ms|peak_memory_mb] [--eval-timeout SECONDS] [--llm-base-url URL --llm-model NAME [--llm-key-env VAR]] [--apply]";

/// Splits `path/to/file.py::Class.method`.
pub fn parse_target(target: &str) -> Option<(PathBuf, String)> {
    let (file, function) = target.rsplit_once("::").filter(|(_, f)| !f.is_empty() && !f.contains('/'))?;
    // Rust targets contain `::` themselves (`lib.rs::Type::method`): split after the file name.
    if let Some(position) = target.find(".rs::") {
        let (file, rest) = target.split_at(position + 3);
        return Some((PathBuf::from(file), rest.trim_start_matches("::").to_string()));
    }
    Some((PathBuf::from(file), function.to_string()))
}

pub fn parse_args(args: &[String]) -> Result<Options, String> {
    let mut settings = Settings::default();
    let mut target = None;
    let mut apply = false;
    let mut iter = args.iter();
    while let Some(arg) = iter.next() {
        let mut value = |name: &str| iter.next().cloned().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--backend" => {
                settings.backend = match value("--backend")?.as_str() {
                    "auto" => Backend::Auto,
                    "weco" => Backend::Weco,
                    "local" => Backend::Local,
                    other => return Err(format!("unknown backend `{other}` (auto, weco or local)")),
                }
            }
            "--steps" | "-n" => settings.steps = value("--steps")?.parse().map_err(|_| "--steps needs a number".to_string())?,
            "--metric" => settings.metric = value("--metric")?,
            "--eval-timeout" => settings.eval_timeout = value("--eval-timeout")?.parse().map_err(|_| "--eval-timeout needs seconds".to_string())?,
            "--apply" => apply = true,
            "--llm-base-url" => settings.llm.base_url = Some(value("--llm-base-url")?),
            "--llm-model" => settings.llm.model = Some(value("--llm-model")?),
            "--llm-key-env" => settings.llm.api_key_env = value("--llm-key-env")?,
            other if other.starts_with("--") => return Err(format!("unknown option {other}")),
            other => target = Some(other.to_string()),
        }
    }
    let target = target.ok_or("which function? FILE::FUNCTION")?;
    let (file, function) = parse_target(&target).ok_or_else(|| format!("`{target}` is not FILE::FUNCTION"))?;
    Ok(Options { file, function, settings, apply })
}

pub fn run(args: &[String], out: &mut impl Write) -> ExitCode {
    let options = match parse_args(args) {
        Ok(o) => o,
        Err(e) => return fail(&format!("{e}\nusage: {USAGE}")),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the async runtime: {e}")),
    };
    let code = runtime.block_on(run_async(options, out));
    runtime.shutdown_background();
    code
}

async fn run_async(options: Options, out: &mut impl Write) -> ExitCode {
    let Ok(file) = std::path::absolute(&options.file) else { return fail("bad file path") };
    if !file.is_file() {
        return fail(&format!("{} does not exist", file.display()));
    }
    let Some(language) = Language::from_path(&file) else { return fail(&format!("{} is not a Python or Rust file", file.display())) };
    let root = crate::workspace::project_root_for(&file);
    let settings = options.settings.clone();
    let metric = match settings.metric.as_str() {
        "speedup" => MetricKind::Speedup,
        "latency_ms" => MetricKind::LatencyMs,
        "peak_memory_mb" => MetricKind::PeakMemoryMb,
        other => return fail(&format!("unknown metric `{other}`")),
    };
    let request = TaskRequest {
        workspace_root: root.clone(),
        source_path: file.clone(),
        function: options.function.clone(),
        language,
        metric,
        placement: Placement::Isolated,
    };
    let _ = writeln!(out, "weco: setting up .weco/ for `{}` in {}", options.function, root.display());
    let task = match optimize::prepare(request).await {
        Ok(task) => task,
        Err(PipelineError::NeedsInputs { evaluate_py, .. }) => {
            return fail(&format!("no example inputs were found for `{}`: fill in make_inputs() in {} and run again", options.function, evaluate_py.display()));
        }
        Err(e) => return fail(&e.to_string()),
    };
    let _ = writeln!(out, "weco: task folder {} (inputs: {})", task.harness_dir.display(), task.inputs.id().replace('_', " "));
    let _ = writeln!(out, "weco: measuring the baseline");
    let (baseline, presentation) = match optimize::measure_baseline(&task, &settings, &root).await {
        Ok(b) => b,
        Err(e) => return fail(&format!("the baseline evaluation failed: {e}")),
    };
    let _ = writeln!(out, "weco: baseline {} = {:.4}. {presentation}", task.metric, baseline.metric_value);

    let cancel = CancellationToken::new();
    let ctrl_c = cancel.clone();
    // Ctrl-C stops the run gracefully; the best so far is still verified and reported.
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let handle = tokio::spawn(optimize::optimize(task.clone(), baseline, settings.clone(), root.clone(), tx, cancel.clone()));
    while let Some(event) = rx.recv().await {
        match event {
            PipelineEvent::BackendChosen { reason, .. } => {
                let _ = writeln!(out, "weco: optimizing with {reason}");
            }
            PipelineEvent::Optimizer { event, status, .. } => match event {
                OptimizerEvent::Candidate { step, plan: Some(plan) } => {
                    let _ = writeln!(out, "weco: step {step}: {}", plan.lines().next().unwrap_or_default());
                }
                OptimizerEvent::Metric { .. } | OptimizerEvent::StepFailed { .. } => {
                    let _ = writeln!(out, "weco: {status}");
                }
                OptimizerEvent::Message { text, .. } => {
                    let _ = writeln!(out, "weco: {text}");
                }
                _ => {}
            },
            PipelineEvent::Problems { problems, .. } => {
                for problem in problems {
                    let _ = writeln!(out, "weco: problem in the evaluation: {problem:?}");
                }
            }
            PipelineEvent::RepeatedFailure { error, count } => {
                let _ = writeln!(out, "weco: the last {count} candidates failed the same way ({}); stopping.", error.lines().next().unwrap_or_default());
                cancel.cancel();
            }
            PipelineEvent::Stage(text) => {
                let _ = writeln!(out, "weco: {text}");
            }
            PipelineEvent::TaskReady(_) | PipelineEvent::Baseline { .. } => {}
        }
    }
    let Ok(result) = handle.await else { return fail("the optimization stopped unexpectedly; see run.log") };
    let _ = writeln!(out, "weco: report written to {}", result.report_path.display());
    let Some(proposed) = result.proposed_text.as_deref() else {
        let _ = writeln!(out, "weco: no verified improvement ({}). Your file is unchanged.", result.summary.outcome);
        return ExitCode::SUCCESS;
    };
    let v = result.summary.verification.clone().unwrap_or_default();
    let per_call = match (v.baseline_seconds_per_call, v.best_seconds_per_call) {
        (Some(b), Some(a)) => format!(" ({} → {} per call)", crate::results::report::format_seconds(b), crate::results::report::format_seconds(a)),
        _ => String::new(),
    };
    let best = result.summary.best_metric.map(|m| crate::optimize::status::format_metric(&task.metric, m)).unwrap_or_default();
    let _ = writeln!(out, "weco: verified {} {best}{per_call}", task.metric);
    let _ = writeln!(out, "{}", result.summary.diff);
    if !options.apply {
        let _ = writeln!(out, "weco: {} was left as it was; run again with --apply to write the change.", file.display());
        return ExitCode::SUCCESS;
    }
    let now = std::fs::read_to_string(&file).unwrap_or_default();
    let target = match crate::results::diff::rebase(&result.original_text, &now, proposed) {
        crate::results::diff::Rebased::Unchanged => proposed.to_string(),
        crate::results::diff::Rebased::Merged(text) => text,
        crate::results::diff::Rebased::Conflict { .. } => {
            return fail(&format!("{} was edited on the same lines during the run; nothing applied (the change is in the report)", file.display()));
        }
    };
    match crate::task::layout::write_atomic(&file, target.as_bytes()) {
        Ok(()) => {
            let _ = writeln!(out, "weco: applied to {}. Run your tests to confirm.", file.display());
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("could not write {}: {e}", file.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_split_at_the_file_for_python_and_rust() {
        assert_eq!(parse_target("a/b.py::Class.method"), Some(("a/b.py".into(), "Class.method".into())));
        assert_eq!(parse_target("src/lib.rs::Type::method"), Some(("src/lib.rs".into(), "Type::method".into())));
        assert_eq!(parse_target("src/lib.rs::free"), Some(("src/lib.rs".into(), "free".into())));
        assert_eq!(parse_target("nofunction.py"), None);
    }

    #[test]
    fn options_are_parsed_and_bad_ones_explained() {
        let args: Vec<String> = ["x.py::f", "--backend", "local", "--steps", "3", "--apply"].iter().map(|s| s.to_string()).collect();
        let o = parse_args(&args).unwrap();
        assert_eq!((o.settings.backend, o.settings.steps, o.apply), (Backend::Local, 3, true));
        assert!(parse_args(&["x.py::f".into(), "--backend".into(), "cloud".into()]).unwrap_err().contains("unknown backend"));
    }
}
