//! `weco-lsp optimize FILE::FUNCTION`: the whole pipeline in a terminal, with progress as lines.
//!
//! The user's file is only written with `--apply` (explicit consent), atomically; otherwise the
//! diff is printed and the file is left as it was.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Mutex;

use tokio_util::sync::CancellationToken;

use crate::analysis::Language;
#[cfg(test)]
use crate::config::Backend;
use crate::config::Settings;
use crate::engine::OptimizerEvent;
use crate::optimize::RunResult;
use crate::optimize::frontend::{FailedAt, Frontend, PipelineEvent, Question, RunEnd};
use crate::optimize::pipeline;
use crate::optimize::run::{ConsolidatedSource, Run};
use crate::optimize::source::{self, CaptureError};
use crate::results::diff;
use crate::task::Placement;

#[derive(Debug)]
pub struct Options {
    pub file: PathBuf,
    pub function: String,
    pub settings: Settings,
    pub apply: bool,
    /// `--fail-if-no-win`: exit 1 when the run finds no verified improvement.
    pub fail_if_no_win: bool,
    /// Set up a new task folder even when an earlier one for this function exists.
    pub fresh: bool,
    /// `--workspace`: isolated (the default) or in place (the user's file is rewritten during
    /// evaluations, after a backup; the flag is the explicit consent).
    pub placement: Placement,
    /// `--mode scientist`: a 1-step validation run first (Vibe, the default, goes straight on).
    pub scientist: bool,
    /// `weco-lsp init`: set up and measure the baseline, no search.
    pub set_up_only: bool,
    /// `--json`: one JSON object per line on stdout (messages and the run's facts), for scripts and CI.
    pub json: bool,
}

/// The exit code of a run that found no verified improvement when `--fail-if-no-win` asks for one.
const NO_WIN: u8 = 1;

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

/// The options of a run from the parsed command line; the target must be `FILE::FUNCTION`.
pub fn options_of(task: super::args::TaskArgs, optimize: Option<super::args::SearchArgs>) -> Result<Options, String> {
    let mut settings = Settings { metric: task.metric.into(), sandbox: task.sandbox.into(), ..Settings::default() };
    if let Some(seconds) = task.eval_timeout {
        settings.eval_timeout = seconds;
    }
    let (file, function) = parse_target(&task.target).ok_or_else(|| format!("`{}` is not FILE::FUNCTION", task.target))?;
    let mut options = Options {
        file,
        function,
        settings,
        apply: false,
        fail_if_no_win: false,
        fresh: task.fresh,
        placement: task.workspace.into(),
        scientist: task.mode == super::args::ModeArg::Scientist,
        set_up_only: optimize.is_none(),
        json: task.json,
    };
    if let Some(optimize) = optimize {
        let settings = &mut options.settings;
        settings.backend = optimize.backend.into();
        if let Some(steps) = optimize.steps {
            settings.steps = steps;
        }
        settings.additional_instructions = optimize.additional_instructions;
        settings.llm.base_url = optimize.llm_base_url;
        settings.llm.model = optimize.llm_model;
        if let Some(variable) = optimize.llm_key_env {
            settings.llm.api_key_env = variable;
        }
        options.apply = optimize.apply;
        options.fail_if_no_win = optimize.fail_if_no_win;
    }
    Ok(options)
}

/// `weco-lsp init`: the task folder and an accepted baseline, no search.
pub fn run_init(args: super::args::InitArgs, out: &mut (impl Write + Send)) -> ExitCode {
    match options_of(args.task, None) {
        Ok(options) => run_options(options, out),
        Err(e) => super::could_not_run(&e),
    }
}

/// `weco-lsp optimize`.
pub fn run(args: super::args::OptimizeArgs, out: &mut (impl Write + Send)) -> ExitCode {
    match options_of(args.task, Some(args.search)) {
        Ok(options) => run_options(options, out),
        Err(e) => super::could_not_run(&e),
    }
}

fn run_options(options: Options, out: &mut (impl Write + Send)) -> ExitCode {
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => rt,
        Err(e) => return super::could_not_run(&format!("cannot start the async runtime: {e}")),
    };
    let code = runtime.block_on(run_async(options, out));
    runtime.shutdown_background();
    code
}

async fn run_async(options: Options, out: &mut (impl Write + Send)) -> ExitCode {
    let Ok(file) = std::path::absolute(&options.file) else { return super::could_not_run("bad file path") };
    if !file.is_file() {
        return super::could_not_run(&format!("{} does not exist", file.display()));
    }
    let Some(language) = Language::from_path(&file) else { return super::could_not_run(&format!("{} is not a Python or Rust file", file.display())) };
    let root = crate::workspace::project_root_for(&file);
    if let Some(why) = crate::workspace::unsuitable_root(&root) {
        return super::could_not_run(&format!("no project folder for {}: {why}", file.display()));
    }
    let start = match source::capture(&file, None) {
        Ok(start) => start,
        Err(CaptureError::Unreadable(why)) => return super::could_not_run(&format!("cannot read {why}")),
        Err(CaptureError::Unsaved) => unreachable!("no editor buffer headless"),
    };
    // A consolidated file given on the command line is known by its piece table next to it.
    let consolidated = match crate::optimize::consolidated::table_for(&file) {
        Some(table) => match pipeline::consolidation_bases(&table) {
            Ok(bases) => Some(ConsolidatedSource { table, bases, versions: Default::default() }),
            Err(why) => return super::could_not_run(&why),
        },
        None => None,
    };
    let cancel = CancellationToken::new();
    let ctrl_c = cancel.clone();
    // Ctrl-C stops the run gracefully; the best so far is still verified and reported.
    tokio::spawn(async move {
        if tokio::signal::ctrl_c().await.is_ok() {
            ctrl_c.cancel();
        }
    });
    let run = Run {
        function: options.function.clone(),
        language,
        file: consolidated.as_ref().map(|c| c.table.target_file.clone()).unwrap_or_else(|| file.clone()),
        source_path: file.clone(),
        start,
        consolidated,
        root: root.clone(),
        metric: options.settings.metric.into(),
        settings: options.settings.clone(),
        placement: options.placement,
        cancel: cancel.clone(),
        resume: None,
    };
    let setting_up = format!("setting up .weco/ for `{}` in {}", options.function, root.display());
    let _ = if options.json {
        writeln!(out, "{}", serde_json::json!({"event": "message", "text": setting_up, "root": root}))
    } else {
        writeln!(out, "weco: {setting_up}")
    };
    let front = CliFront {
        out: Mutex::new(out),
        root: root.clone(),
        fresh: options.fresh,
        scientist: options.scientist,
        set_up_only: options.set_up_only,
        json: options.json,
        apply: options.apply,
        fail_if_no_win: options.fail_if_no_win,
        cancel,
        code: Mutex::new(ExitCode::SUCCESS),
        last_progress: Mutex::new((None, None)),
    };
    pipeline::execute(run, &front).await;
    front.code.into_inner().unwrap_or_else(|e| e.into_inner())
}

/// The terminal as a frontend: progress as lines, no questions (the flags answered them).
struct CliFront<W> {
    out: Mutex<W>,
    /// The workspace: `--apply` writes nothing outside it.
    root: PathBuf,
    fresh: bool,
    scientist: bool,
    set_up_only: bool,
    json: bool,
    apply: bool,
    fail_if_no_win: bool,
    cancel: CancellationToken,
    code: Mutex<ExitCode>,
    /// When the last progress line of a long step was printed, and the newest one held back since.
    last_progress: Mutex<(Option<std::time::Instant>, Option<String>)>,
}

impl<W: Write + Send> CliFront<W> {
    fn line(&self, text: impl std::fmt::Display) {
        if self.json {
            let text = text.to_string();
            return self.emit(serde_json::json!({"event": "message", "text": text.strip_prefix("weco: ").unwrap_or(&text)}));
        }
        let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
        let _ = writeln!(out, "{text}");
    }

    /// The newest progress line held back, if any (the final count of a step).
    fn flush_progress(&self) {
        let pending = self.last_progress.lock().unwrap_or_else(|e| e.into_inner()).1.take();
        if let Some(message) = pending {
            self.line(format_args!("weco: {message}"));
        }
    }

    /// One of the run's facts as a JSON line (`--json` only).
    fn emit(&self, value: serde_json::Value) {
        if self.json {
            let mut out = self.out.lock().unwrap_or_else(|e| e.into_inner());
            let _ = writeln!(out, "{value}");
        }
    }

    fn fail(&self, message: &str) {
        self.emit(serde_json::json!({"event": "error", "message": message, "exitCode": super::COULD_NOT_RUN}));
        *self.code.lock().unwrap_or_else(|e| e.into_inner()) = super::could_not_run(message);
    }

    fn offer(&self, result: &RunResult) {
        self.emit(serde_json::json!({
            "event": "finished",
            "outcome": result.summary.outcome,
            "improved": !result.changes.is_empty(),
            "win": (!result.changes.is_empty()).then(|| result.win.clone()),
            "files": result.changes.files.iter().map(|f| &f.path).collect::<Vec<_>>(),
            "report": result.report_path,
            "applied": self.apply && !result.changes.is_empty(),
        }));
        self.line(format_args!("weco: report written to {}", result.report_path.display()));
        if result.changes.is_empty() {
            let why = if result.proposed_text.is_some() {
                "the improvement changes nothing that maps back to your files".to_string()
            } else {
                format!("{}: {}", result.summary.outcome, result.summary.why_no_win())
            };
            self.line(format_args!("weco: no verified improvement ({why}). Your file is unchanged."));
            if self.fail_if_no_win {
                *self.code.lock().unwrap_or_else(|e| e.into_inner()) = ExitCode::from(NO_WIN);
            }
            return;
        }
        self.line(format_args!("weco: verified {}", result.win));
        self.line(&result.summary.diff);
        for item in &result.unmapped {
            self.line(format_args!("weco: not mapped back (see the report): {}", item.explanation));
        }
        if !self.apply {
            let names: Vec<String> = result.changes.files.iter().map(|f| f.path.display().to_string()).collect();
            self.line(format_args!("weco: {} was left as it was; run again with --apply to write the change.", names.join(", ")));
            return;
        }
        for change in &result.changes.files {
            let now = std::fs::read_to_string(&change.path).unwrap_or_default();
            let target = match diff::rebase(&change.original, &now, &change.proposed) {
                diff::Rebased::Unchanged => change.proposed.clone(),
                diff::Rebased::Merged(text) => text,
                diff::Rebased::Conflict { .. } => {
                    return self.fail(&format!(
                        "{} was edited on the same lines during the run; nothing applied (the change is in the report)",
                        change.path.display()
                    ));
                }
            };
            match crate::fsio::write_in_workspace(&self.root, &change.path, target.as_bytes()) {
                Ok(()) => self.line(format_args!("weco: applied to {}. Run your tests to confirm.", change.path.display())),
                Err(e) => return self.fail(&format!("could not write {}: {e}", change.path.display())),
            }
        }
    }
}

impl<W: Write + Send> Frontend for CliFront<W> {
    fn set_up_only(&self) -> bool {
        self.set_up_only
    }

    async fn ask(&self, question: Question) -> Option<bool> {
        match question {
            // The harness of an earlier run is reused (with a make_inputs() the user filled in), unless --fresh.
            Question::ReuseHarness { previous } => {
                if !self.fresh {
                    self.line(format_args!("weco: reusing the harness in {} (--fresh sets up a new one)", previous.display()));
                }
                Some(!self.fresh)
            }
            Question::Validate => Some(self.scientist),
            Question::UseLocalEngine { .. } => Some(false),
            Question::RunAfterValidation { .. } => Some(true),
        }
    }

    async fn event(&self, event: PipelineEvent) {
        match event {
            PipelineEvent::TaskReady(task) => {
                self.flush_progress();
                self.emit(serde_json::json!({"event": "task", "folder": task.harness_dir, "inputs": task.inputs.id(), "metric": task.metric, "inPlace": task.backup.is_some()}));
                self.line(format_args!("weco: task folder {} (inputs: {})", task.harness_dir.display(), task.inputs.id().replace('_', " ")));
                if let Some(backup) = &task.backup {
                    self.line(format_args!(
                        "weco: in place: {} is rewritten during evaluations and restored after; the original is also in {}",
                        task.original_path.display(),
                        backup.display()
                    ));
                }
                // Inputs that stand in for recorded ones: say why none were recorded (a make_inputs()
                // the user wrote needs no explanation; a missing one is explained when the run stops).
                if matches!(task.inputs, crate::task::InputOrigin::TypeHints | crate::task::InputOrigin::Doctest)
                    && let Some(report) = crate::task::inputs::recording_report(&task.harness_dir)
                {
                    self.line(format_args!("weco: no calls were recorded from the tests:\n{report}"));
                }
            }
            PipelineEvent::Stage { message, .. } if message == "measuring the baseline" => self.line("weco: measuring the baseline"),
            PipelineEvent::Stage { message, .. } if message.starts_with("Verifying") => self.line(format_args!("weco: {message}")),
            PipelineEvent::Stage { message, .. } if message.starts_with("recording inputs") => {
                // A line every few seconds: enough to see the tests run, not a flood.
                let mut last = self.last_progress.lock().unwrap_or_else(|e| e.into_inner());
                if last.0.is_none_or(|at| at.elapsed() >= std::time::Duration::from_secs(5)) {
                    *last = (Some(std::time::Instant::now()), None);
                    drop(last);
                    self.line(format_args!("weco: {message}"));
                } else {
                    last.1 = Some(message);
                }
            }
            PipelineEvent::Stage { .. } => {}
            PipelineEvent::Baseline { baseline, presentation } => {
                self.emit(serde_json::json!({"event": "baseline", "value": baseline.metric_value, "secondsPerCall": baseline.per_call_seconds, "cv": baseline.cv, "evalSeconds": baseline.eval_seconds}));
                self.line(format_args!("weco: baseline = {:.4}. {presentation}", baseline.metric_value))
            }
            PipelineEvent::BackendChosen { reason, .. } => self.line(format_args!("weco: optimizing with {reason}")),
            PipelineEvent::Optimizer { event, status, .. } => match event {
                OptimizerEvent::Candidate { step, plan: Some(plan) } => {
                    self.line(format_args!("weco: step {step}: {}", plan.lines().next().unwrap_or_default()))
                }
                OptimizerEvent::Metric { step, value, best, .. } => {
                    self.emit(serde_json::json!({"event": "step", "step": step, "value": value, "best": best}));
                    self.line(format_args!("weco: {status}"))
                }
                OptimizerEvent::StepFailed { step, error } => {
                    self.emit(serde_json::json!({"event": "step", "step": step, "error": error}));
                    self.line(format_args!("weco: {status}"))
                }
                OptimizerEvent::StepNotScored { step, reason } => self.line(format_args!("weco: step {step} was not scored ({reason}); {status}")),
                OptimizerEvent::Message { text, .. } => self.line(format_args!("weco: {text}")),
                _ => {}
            },
            PipelineEvent::Problems { problems, .. } => {
                for problem in problems {
                    self.line(format_args!("weco: problem in the evaluation: {problem:?}"));
                }
            }
            PipelineEvent::RepeatedFailure { error, count } => {
                self.line(format_args!("weco: the last {count} candidates failed the same way ({}); stopping.", error.lines().next().unwrap_or_default()));
                self.cancel.cancel();
            }
        }
    }

    async fn finish(&self, end: RunEnd) {
        // A setup that stops (no inputs, a failure) still shows how far recording got.
        self.flush_progress();
        match end {
            RunEnd::NeedsInputs { evaluate_py } => self.fail(&format!(
                "no example inputs were found: fill in make_inputs() in {} and run again{}",
                evaluate_py.display(),
                crate::optimize::why_not_recorded(&evaluate_py)
            )),
            RunEnd::Cancelled { stage, .. } => self.fail(&format!("optimization {stage}")),
            RunEnd::Failed { at: FailedAt::Baseline, error } => self.fail(&format!("the baseline evaluation failed: {error}")),
            RunEnd::Failed { at: FailedAt::Setup, error } => self.fail(&error),
            RunEnd::Finished(result) => self.offer(&result),
            RunEnd::Ready(ready) => {
                let (task, _) = *ready;
                self.line(format_args!(
                    "weco: task ready in {}: run `bash {}/evaluate.sh` to evaluate it, or `weco-lsp optimize` to optimize (it reuses this harness)",
                    task.harness_dir.display(),
                    task.harness_dir.display()
                ));
            }
        }
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
        use clap::Parser;
        let parse = |line: &[&str]| super::super::args::Cli::try_parse_from(std::iter::once("weco-lsp").chain(line.iter().copied()));
        let Some(super::super::args::Command::Optimize(args)) =
            parse(&["optimize", "x.py::f", "--backend", "local", "--steps", "3", "--apply"]).unwrap().command
        else {
            panic!("optimize")
        };
        let o = options_of(args.task, Some(args.search)).unwrap();
        assert_eq!((o.settings.backend, o.settings.steps, o.apply, o.set_up_only), (Backend::Local, 3, true, false));
        let bad = parse(&["optimize", "x.py::f", "--backend", "cloud"]).unwrap_err().to_string();
        assert!(bad.contains("invalid value 'cloud'") && bad.contains("auto, weco, local"), "{bad}");
        assert!(parse(&["init", "x.py::f", "--apply"]).is_err(), "init has no --apply");
    }
}
