//! The optimization pipeline shared by the language server and the headless CLI: set up the
//! task, measure the baseline, run a backend, verify the winner, write the report, compute the
//! result set. [`pipeline::execute`] drives the stages below in order for one [`run::Run`]; the
//! two frontends differ only in their [`frontend::Frontend`].

pub mod consolidated;
pub mod frontend;
pub mod pipeline;
#[cfg(test)]
mod pipeline_tests;
pub mod resume;
pub mod run;
pub mod source;
pub mod status;
pub mod verify;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::unbounded_channel;
use tokio_util::sync::CancellationToken;

use self::frontend::{Frontend, PipelineEvent};
use self::status::RunTracker;
use crate::config::{Backend, Settings};
use crate::engine::local::{LlmSettings, ProposerKind, run_local};
use crate::engine::weco::{self as weco_backend, scan_eval_output};
use crate::engine::{BestResult, OptimizerEvent, RunOutcome};
use crate::results::diff;
use crate::results::metric::format_metric;
use crate::results::report::{self, ImpactAssumptions, RunSummary};
use crate::results::set::ResultSet;
use crate::task::profile::HistoryEntry;
use crate::task::{self, Baseline, PreparedTask, Profile, TaskError, TaskRequest};

/// Identical failures in a row after which the frontend is told (the skill's "stop a run that
/// fails the same way again and again").
pub const REPEATED_FAILURE_LIMIT: u32 = 3;

/// Calls per day and cost per hour assumed for the impact table until the user gives theirs.
const ASSUMED_CALLS_PER_DAY: f64 = 10_000.0;
const ASSUMED_COST_PER_HOUR: f64 = 0.50;

#[derive(Debug)]
pub enum PipelineError {
    Task(TaskError),
    /// The harness needs inputs the user writes in `evaluate_py` (`make_inputs()`).
    NeedsInputs {
        evaluate_py: PathBuf,
    },
    Backend(String),
}

/// "\nRecording from the tests: …" when the recorder said why it found nothing.
pub fn why_not_recorded(evaluate_py: &Path) -> String {
    evaluate_py.parent().and_then(task::inputs::recording_report).map(|r| format!("\nRecording from the tests:\n{r}")).unwrap_or_default()
}

impl std::fmt::Display for PipelineError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PipelineError::Task(e) => write!(f, "{e}"),
            PipelineError::NeedsInputs { evaluate_py } => write!(
                f,
                "No inputs could be recorded, found in doctests or synthesized from type hints. Fill in `make_inputs()` in {} and run the optimization again.{}",
                evaluate_py.display(),
                why_not_recorded(evaluate_py)
            ),
            PipelineError::Backend(e) => f.write_str(e),
        }
    }
}

/// What a finished run offers: the run's facts, its verified result and the result set.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub task: PreparedTask,
    /// The optimized file's text as the run started (the run's [`source::StartText`]).
    pub original_text: String,
    /// The optimized file with the best candidate, when there is a verified improvement.
    pub proposed_text: Option<String>,
    pub summary: RunSummary,
    pub report_path: PathBuf,
    pub outcome: RunOutcome,
    pub backend: &'static str,
    /// The change per user file, computed once (empty without a verified improvement).
    pub changes: ResultSet,
    /// Changes of a consolidated file that could not be mapped back (listed in the report).
    pub unmapped: Vec<crate::consolidate::Unmapped>,
    /// "speedup 3.40x: 12.1 ms → 3.56 ms per call".
    pub win: String,
}

/// Earlier harnesses (`.weco/*/evaluate.py`) for the same function of the same module, newest
/// first: reusing one keeps the inputs the user wrote into its `make_inputs()`.
pub fn reusable_harnesses(root: &std::path::Path, function: &str, source: &std::path::Path) -> Vec<PathBuf> {
    let module = source.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let weco = task::layout::weco_dir(root);
    let mut found: Vec<(std::time::SystemTime, PathBuf)> = task::find_existing_evals(root)
        .into_iter()
        .filter(|p| p.starts_with(&weco))
        .filter(|p| {
            let config = task::harness::config_of(&std::fs::read_to_string(p).unwrap_or_default()).unwrap_or_default();
            config["function"] == function && config["module"] == module.as_str()
        })
        .filter_map(|p| Some((std::fs::metadata(&p).ok()?.modified().ok()?, p)))
        .collect();
    found.sort_by_key(|(modified, _)| std::cmp::Reverse(*modified));
    found.into_iter().map(|(_, p)| p).collect()
}

/// Step 1: the task folder (blocking work on a worker thread). With `reuse`, the earlier
/// harness replaces the generated `evaluate.py` (same function, same module: same configuration),
/// inputs the user wrote included.
pub async fn prepare(request: TaskRequest, reuse: Option<PathBuf>) -> Result<PreparedTask, PipelineError> {
    if let Err(e) = task::layout::ensure_weco_dir(&request.workspace_root) {
        return Err(PipelineError::Backend(format!("cannot create {}: {e}", task::layout::weco_dir(&request.workspace_root).display())));
    }
    // The guidance documents next to the task, for hovers, messages and the user to read.
    if let Err(e) = crate::rules::materialize(&task::layout::weco_dir(&request.workspace_root)) {
        tracing::warn!("could not write the guidance documents: {e}");
    }
    let task = tokio::task::spawn_blocking(move || task::prepare_task(&request))
        .await
        .map_err(|e| PipelineError::Backend(format!("task setup panicked: {e}")))?
        .map_err(PipelineError::Task)?;
    if let Some(previous) = reuse {
        let text = std::fs::read_to_string(&previous).map_err(|e| PipelineError::Backend(format!("cannot read {}: {e}", previous.display())))?;
        crate::fsio::write_atomic(&task.evaluate_py, text.as_bytes())
            .map_err(|e| PipelineError::Backend(format!("cannot write {}: {e}", task.evaluate_py.display())))?;
        return Ok(task);
    }
    if task.needs_manual_inputs() {
        return Err(PipelineError::NeedsInputs { evaluate_py: task.evaluate_py.clone() });
    }
    Ok(task)
}

/// Step 2: runs the harness on the baseline.
pub async fn measure_baseline(
    task: &PreparedTask,
    settings: &Settings,
    root: &std::path::Path,
    cancel: &CancellationToken,
) -> Result<(Baseline, String), PipelineError> {
    let timeout = Duration::from_secs(settings.eval_timeout);
    let for_thread = task.clone();
    let cancel = cancel.clone();
    let baseline = tokio::task::spawn_blocking(move || task::preflight::preflight_cancellable(&for_thread, timeout, Some(&cancel)))
        .await
        .map_err(|e| PipelineError::Backend(format!("baseline measurement panicked: {e}")))?
        .map_err(PipelineError::Task)?;
    let profile = Profile::load_or_create(root);
    let mut presentation = task::profile::present_baseline_for_steps(&baseline, &profile, settings.steps);
    for note in &baseline.isolation {
        presentation.push(' ');
        presentation.push_str(note);
    }
    Ok((baseline, presentation))
}

/// The backend of a run, chosen once with its preflight: weco (with what its preflight found) or
/// the local engine, and why (said to the user).
#[derive(Debug, Clone)]
pub struct BackendChoice {
    pub weco: Option<weco_backend::WecoInfo>,
    pub reason: String,
}

impl BackendChoice {
    pub fn name(&self) -> &'static str {
        if self.weco.is_some() { "weco" } else { "local" }
    }

    pub fn local(reason: impl Into<String>) -> BackendChoice {
        BackendChoice { weco: None, reason: reason.into() }
    }
}

/// Task folders whose backend was chosen, once per choice (tests check a run chooses once).
static BACKEND_CHOICES: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

/// How often the backend was chosen for the task in `harness_dir`.
pub fn backend_choices_for(harness_dir: &Path) -> usize {
    BACKEND_CHOICES.lock().unwrap_or_else(|e| e.into_inner()).iter().filter(|d| d.as_path() == harness_dir).count()
}

/// Which backend `auto` means here, and why. An error (prose) when weco was asked for and cannot run.
pub fn choose_backend(settings: &Settings, task: &PreparedTask) -> Result<BackendChoice, String> {
    BACKEND_CHOICES.lock().unwrap_or_else(|e| e.into_inner()).push(task.harness_dir.clone());
    let source = task.dir.join(&task.source_file);
    match settings.backend {
        Backend::Local => Ok(BackendChoice::local("the local engine (as configured)")),
        Backend::Weco => weco_backend::preflight(&task.dir, &source).map(|info| weco_choice(info, "weco (as configured)")).map_err(|e| e.to_string()),
        Backend::Auto => match weco_backend::preflight(&task.dir, &source) {
            Ok(info) => Ok(weco_choice(info, "weco (installed and logged in)")),
            Err(e) => Ok(BackendChoice::local(format!("the local engine, because weco is not usable here: {e}"))),
        },
    }
}

/// weco as the backend; a version other than the tested one is said with the choice (not a failure).
fn weco_choice(info: weco_backend::WecoInfo, reason: &str) -> BackendChoice {
    let reason = match info.version_warning() {
        Some(warning) => format!("{reason} (warning: {warning})"),
        None => reason.to_string(),
    };
    BackendChoice { weco: Some(info), reason }
}

fn proposer(settings: &Settings) -> ProposerKind {
    match (&settings.llm.base_url, &settings.llm.model) {
        (Some(base_url), Some(model)) => {
            ProposerKind::Llm(LlmSettings { base_url: base_url.clone(), model: model.clone(), api_key_env: Some(settings.llm.api_key_env.clone()) })
        }
        _ => ProposerKind::Rules,
    }
}

/// Whether a run leaves a report and a profile history entry (every real optimization does;
/// the Assistant Scientist's 1-step validation run does not).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recording {
    Full,
    Validation,
}

/// How the backend run begins: a new run, or `weco resume <run id>` of an interrupted one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Start {
    New,
    Resume(String),
}

/// What a search stage ended with: the backend's final event and what the tracker saw.
pub struct SearchEnd {
    pub tracker: RunTracker,
    pub finished: OptimizerEvent,
}

/// Step 3: runs the chosen backend on the task with `steps` steps, telling the frontend about
/// every event (progress, problems in evaluations, repeated failures).
#[allow(clippy::too_many_arguments)]
pub async fn search(
    task: &PreparedTask,
    settings: &Settings,
    steps: u32,
    backend: &BackendChoice,
    start: Start,
    consolidated: bool,
    cancel: CancellationToken,
    front: &impl Frontend,
) -> SearchEnd {
    let mut engine_task = task.engine_task(steps, Duration::from_secs(settings.eval_timeout));
    engine_task.function = Some(task.function.clone());
    // In a consolidated file the slow code may sit in any piece: let rewrites look at every function.
    if consolidated {
        engine_task.function = None;
    }
    engine_task.additional_instructions = settings.additional_instructions.clone();
    engine_task.model = settings.model.clone();
    let backend_name = backend.name();
    let (tx, mut rx) = unbounded_channel();
    let run_log = task.harness_dir.join("run.log");
    let runner = {
        let engine_task = engine_task.clone();
        let cancel = cancel.clone();
        let settings = settings.clone();
        let weco = backend.weco.clone();
        let record_dir = task.harness_dir.clone();
        tokio::spawn(async move {
            // weco-run.json sits with the task record, in `.weco/<task>/`, whatever the placement.
            let options = weco_backend::WecoRunOptions { record_dir: Some(record_dir), ..Default::default() };
            match (weco, start) {
                (Some(info), Start::New) => weco_backend::run_weco_with(engine_task, &info, &options, tx, cancel, &run_log).await,
                (Some(info), Start::Resume(run_id)) => weco_backend::resume_weco(engine_task, &run_id, None, &info, &options, tx, cancel, &run_log).await,
                (None, Start::New) => run_local(engine_task, proposer(&settings), tx, cancel).await,
                (None, Start::Resume(_)) => {
                    let message = "only weco runs can be resumed, and weco is not usable here".to_string();
                    let _ = tx.send(OptimizerEvent::Finished { outcome: RunOutcome::Failed, best: None, message: Some(message) });
                    RunOutcome::Failed
                }
            }
        })
    };
    let mut tracker = RunTracker::new(&task.metric, task.goal, steps);
    let mut log = RunLog::open(&task.harness_dir.join("run.log"), backend_name == "local");
    let mut finished = None;
    while let Some(event) = rx.recv().await {
        tracker.apply(&event);
        log.write(&event);
        if let OptimizerEvent::EvalOutput { step, output } = &event {
            let problems = scan_eval_output(output);
            if !problems.is_empty() {
                front.event(PipelineEvent::Problems { step: *step, problems }).await;
            }
        }
        if let OptimizerEvent::StepFailed { error, .. } = &event
            && tracker.same_failure_streak == REPEATED_FAILURE_LIMIT
        {
            front.event(PipelineEvent::RepeatedFailure { error: error.clone(), count: tracker.same_failure_streak }).await;
        }
        let is_finished = matches!(event, OptimizerEvent::Finished { .. });
        front.event(PipelineEvent::Optimizer { event: event.clone(), status: tracker.line(), percentage: tracker.percentage() }).await;
        if is_finished {
            finished = Some(event);
            break;
        }
    }
    let _ = runner.await;
    let finished = finished.unwrap_or(OptimizerEvent::Finished {
        outcome: RunOutcome::Failed,
        best: None,
        message: Some("the optimizer stopped without reporting an end".into()),
    });
    SearchEnd { tracker, finished }
}

/// Step 4: verifies the winner in a scratch copy, writes the report and the profile's history
/// (not for a validation run). The result set is left for the pipeline to compute.
#[allow(clippy::too_many_arguments)]
pub async fn finish(
    task: PreparedTask,
    baseline: &Baseline,
    settings: &Settings,
    root: &Path,
    original_text: &str,
    search: SearchEnd,
    backend: &'static str,
    started: Instant,
    recording: Recording,
) -> RunResult {
    let SearchEnd { tracker, finished } = search;
    let (outcome, best, message) = match finished {
        OptimizerEvent::Finished { outcome, best, message } => (outcome, best, message),
        other => (RunOutcome::Failed, None, Some(format!("the optimizer ended without its final event (last: {other:?})"))),
    };
    let best: Option<BestResult> = best.filter(|b| b.code != original_text || task.placement == task::Placement::InPlace);
    let verification = match &best {
        Some(b) => {
            let task_for_thread = task.clone();
            let code = b.code.clone();
            let timeout = Duration::from_secs(settings.eval_timeout);
            tokio::task::spawn_blocking(move || verify::verify(&task_for_thread, &code, timeout)).await.ok()
        }
        None => None,
    };
    let verified_better = verification.as_ref().is_some_and(|v| v.passed && v.metric.is_some_and(|m| task.goal.is_better(m, baseline.metric_value)));
    let proposed_text = best.as_ref().filter(|_| verified_better).map(|b| b.code.clone());
    let diff_text = proposed_text
        .as_deref()
        .map(|p| {
            let name = task.original_path.strip_prefix(root).unwrap_or(&task.original_path).display().to_string();
            diff::unified(original_text, p, &format!("a/{name}"), &format!("b/{name}"))
        })
        .unwrap_or_default();
    let display_file = task.original_path.strip_prefix(root).unwrap_or(&task.original_path).display().to_string();
    let outcome_text = match (outcome, &message) {
        (RunOutcome::Completed, _) => "completed".to_string(),
        (RunOutcome::Cancelled, _) => "stopped by the user; best so far shown".to_string(),
        (RunOutcome::Failed, Some(m)) => format!("failed: {m}"),
        (RunOutcome::Failed, None) => "failed".to_string(),
    };
    let summary = RunSummary {
        title: format!("Optimization of `{}` ({})", task.function, task.metric),
        date: report::today(),
        file: display_file.clone(),
        function: task.function.clone(),
        metric: task.metric.clone(),
        goal: task.goal,
        backend: if backend == "local" { format!("local engine ({})", proposer_name(settings)) } else { "weco".into() },
        outcome: outcome_text,
        baseline_metric: Some(baseline.metric_value),
        best_metric: if verified_better { verification.as_ref().and_then(|v| v.metric) } else { Some(baseline.metric_value) },
        best_step: best.as_ref().filter(|_| verified_better).map(|b| b.step),
        steps: tracker.steps.clone(),
        verification: verification.clone(),
        diff: diff_text,
        inputs: task.inputs.id().replace('_', " "),
        duration_seconds: started.elapsed().as_secs_f64(),
    };
    let mut profile = Profile::load_or_create(root);
    let impact = ImpactAssumptions {
        calls_per_day: profile.usage.calls_per_day.unwrap_or(ASSUMED_CALLS_PER_DAY),
        cost_per_hour: profile.usage.compute_cost_per_hour.unwrap_or(ASSUMED_COST_PER_HOUR),
        inferred: profile.usage.calls_per_day.is_none() || profile.usage.compute_cost_per_hour.is_none(),
    };
    let report_path = task.harness_dir.join("report.md");
    let win = describe_win(&task.metric, &summary);
    let result = |task, summary| RunResult {
        task,
        original_text: original_text.to_string(),
        proposed_text,
        summary,
        report_path: report_path.clone(),
        outcome,
        backend,
        changes: ResultSet::default(),
        unmapped: Vec::new(),
        win,
    };
    if recording == Recording::Validation {
        return result(task, summary);
    }
    if let Err(e) = crate::fsio::write_atomic(&report_path, report::render(&summary, &impact).as_bytes()) {
        tracing::error!("could not write {}: {e}", report_path.display());
    }
    let achieved = summary.best_metric.unwrap_or(baseline.metric_value);
    profile.optimization_history.push(HistoryEntry {
        task: task.name.clone(),
        file: display_file,
        metric: task.metric.clone(),
        baseline_value: baseline.metric_value,
        achieved_value: achieved,
        improvement: task::profile::improvement_phrase(task.goal, baseline.metric_value, achieved),
        monthly_savings: report::monthly_savings(&summary, &impact).filter(|_| summary.improved()).map(|s| format!("${s:.2}")),
        date: summary.date.clone(),
        approach: best
            .as_ref()
            .filter(|_| verified_better)
            .and_then(|b| b.plan.clone())
            .map(|p| p.lines().next().unwrap_or_default().to_string())
            .unwrap_or_else(|| "no verified improvement".into()),
    });
    if let Err(e) = profile.save(root) {
        tracing::warn!("could not update the profile: {e}");
    }
    result(task, summary)
}

/// What the winner achieved, in one phrase: `speedup 3.40x: 12.1 ms → 3.56 ms per call`.
fn describe_win(metric: &str, summary: &RunSummary) -> String {
    let v = summary.verification.as_ref();
    let speed = match (v.and_then(|v| v.baseline_seconds_per_call), v.and_then(|v| v.best_seconds_per_call)) {
        (Some(before), Some(after)) => format!(": {} → {} per call", report::format_seconds(before), report::format_seconds(after)),
        _ => String::new(),
    };
    match summary.best_metric {
        Some(best) => format!("{metric} {}{speed}", format_metric(metric, best)),
        None => "improved".into(),
    }
}

fn proposer_name(settings: &Settings) -> &'static str {
    match proposer(settings) {
        ProposerKind::Rules => "rules",
        ProposerKind::Llm(_) => "llm",
    }
}

/// `run.log` for the local engine (weco's runner appends weco's own output itself).
struct RunLog {
    file: Option<std::fs::File>,
}

impl RunLog {
    fn open(path: &std::path::Path, enabled: bool) -> RunLog {
        let file = enabled.then(|| std::fs::OpenOptions::new().create(true).append(true).open(path).ok()).flatten();
        RunLog { file }
    }

    fn write(&mut self, event: &OptimizerEvent) {
        use std::io::Write;
        let Some(file) = self.file.as_mut() else { return };
        let line = match event {
            OptimizerEvent::Started { run_id, backend, total_steps } => format!("Run ID: {run_id} ({backend}, {total_steps} steps)\n"),
            OptimizerEvent::StepStarted { step } => format!("[STEP {step}]\n"),
            OptimizerEvent::Candidate { plan: Some(plan), .. } => format!("[PLAN] {plan}\n"),
            OptimizerEvent::Candidate { .. } => String::new(),
            OptimizerEvent::EvalOutput { output, .. } => format!("[EXECUTION OUTPUT START]\n{output}\n[EXECUTION OUTPUT END]\n"),
            OptimizerEvent::Metric { step, value, best } => format!("[METRIC] Step {step}: {value} (best so far: {best})\n"),
            OptimizerEvent::StepFailed { step, error } => format!("[FAILED] Step {step}: {error}\n"),
            OptimizerEvent::StepNotScored { step, reason } => format!("[NOT SCORED] Step {step}: {reason}\n"),
            OptimizerEvent::Message { error, text } => format!("[{}] {text}\n", if *error { "ERROR" } else { "WARNING" }),
            OptimizerEvent::Finished { outcome, message, .. } => format!("[FINISHED] {outcome:?} {}\n", message.as_deref().unwrap_or("")),
        };
        let _ = file.write_all(line.as_bytes());
    }
}
