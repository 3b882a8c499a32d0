//! `weco.optimize`: the questions (mode, workspace), then a background job that sets up the task,
//! presents the baseline, runs the optimizer with progress, and offers the result.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::uri_path;
use crate::analysis::Language;
use crate::config::Settings;
use crate::lsp::ext::{FunctionTarget, RunState, RunStatus, RunStatusParams};
use crate::lsp::jobs::{PendingResult, RunningJob};
use crate::lsp::session::Session;
use crate::optimize::{self, PipelineError, PipelineEvent, PipelineResult};
use crate::task::{MetricKind, Placement, Profile, TaskRequest};

pub const MODE_VIBE: &str = "Vibe Mode";
pub const MODE_SCIENTIST: &str = "Assistant Scientist Mode";
pub const WORKSPACE_ISOLATED: &str = "Isolated directory (recommended)";
pub const WORKSPACE_IN_PLACE: &str = "In-place";
pub const CONFIRM_IN_PLACE: &str = "Yes, rewrite it in place";
pub const ANSWER_CANCEL: &str = "Cancel";
pub const APPLY: &str = "Apply";
pub const REUSE_EVAL: &str = "Reuse it";
pub const STILL_ACCURATE: &str = "Yes, still accurate";
pub const NEW_EVAL: &str = "Generate a new one";
pub const REVIEW: &str = "Review diff";
pub const KEEP_SEPARATE: &str = "Keep separate";

/// Asks a question with buttons; `None` when the user dismissed it or the client cannot ask.
pub async fn ask(session: &Session, message: String, choices: &[&str]) -> Option<String> {
    let actions = choices.iter().map(|c| MessageActionItem { title: c.to_string(), properties: Default::default() }).collect();
    match session.client.show_message_request(MessageType::INFO, message, Some(actions)).await {
        Ok(Some(item)) => Some(item.title),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!("showMessageRequest failed: {e}");
            None
        }
    }
}

pub async fn say(session: &Session, kind: MessageType, message: impl Into<String>) {
    session.client.show_message(kind, message.into()).await;
}

fn metric_kind(settings: &Settings) -> MetricKind {
    match settings.metric.as_str() {
        "latency_ms" => MetricKind::LatencyMs,
        "peak_memory_mb" => MetricKind::PeakMemoryMb,
        _ => MetricKind::Speedup,
    }
}

/// Entry point of the command: never blocks the handler on the optimizer.
pub async fn start(session: Arc<Session>, target: FunctionTarget) {
    let Some(path) = uri_path(&target.uri) else {
        return say(&session, MessageType::ERROR, format!("weco: {} is not a file on disk.", target.uri.as_str())).await;
    };
    let Some(language) = Language::from_path(&path) else {
        return say(&session, MessageType::ERROR, format!("weco: {} is not a Python or Rust file.", path.display())).await;
    };
    // The task copies the file from disk: unsaved edits would silently be left out.
    if let Some(doc) = session.snapshot(&target.uri)
        && std::fs::read_to_string(&path).ok().as_deref() != Some(&*doc.text)
    {
        return say(&session, MessageType::WARNING, format!("weco: save {} first; the optimization starts from the file on disk.", path.display())).await;
    }
    spawn_job(session, target, path, language, JobSource::File).await;
}

/// What a job optimizes: the function in its own file, or a consolidated file whose result is
/// mapped back to the files its pieces came from.
pub enum JobSource {
    File,
    Consolidated(Box<super::consolidate::ConsolidatedJob>),
}

/// Registers the job (one per function) and runs it in the background.
pub async fn spawn_job(session: Arc<Session>, target: FunctionTarget, path: std::path::PathBuf, language: Language, source: JobSource) {
    let job = match session.jobs.start(&target.uri, &target.function) {
        Ok(job) => job,
        Err(status) => {
            return say(&session, MessageType::INFO, format!("weco: `{}` is already being optimized ({}).", target.function, status)).await;
        }
    };
    tokio::spawn(async move {
        let job_id = job.job_id;
        run_job(&session, job, path, language, target, source).await;
        session.jobs.finish(job_id);
        refresh_lenses(&session).await;
    });
}

async fn refresh_lenses(session: &Session) {
    if session.support().code_lens_refresh {
        let _ = session.client.code_lens_refresh().await;
    }
}

async fn run_job(session: &Arc<Session>, job: RunningJob, path: std::path::PathBuf, language: Language, target: FunctionTarget, source: JobSource) {
    let root = session.root_for(&path);
    // The file the task copies and the optimizer rewrites.
    let source_path = match &source {
        JobSource::File => path.clone(),
        JobSource::Consolidated(consolidated) => consolidated.file.clone(),
    };
    let settings = session.settings();
    let mut profile = Profile::load_or_create(&root);

    // Mode: asked once, remembered in the profile.
    let mode = match profile.mode.clone() {
        Some(mode) => mode,
        None => {
            let question = format!(
                "How should weco work on `{}`?\n\nVibe: few questions, straight to results. Assistant Scientist: a short interview, a 1-step validation run, deeper explanations.",
                target.function
            );
            match ask(session, question, &[MODE_VIBE, MODE_SCIENTIST]).await.as_deref() {
                Some(MODE_VIBE) => "vibe".to_string(),
                Some(MODE_SCIENTIST) => "assistant_scientist".to_string(),
                _ => return say(session, MessageType::INFO, "weco: optimization cancelled.").await,
            }
        }
    };
    // Workspace: always asked, never assumed.
    let question = format!(
        "Where should weco work on `{}`?\n\nIsolated: copies in .weco/<task>/, your code is untouched until you apply. In-place: {} is rewritten at every step (backed up first).",
        target.function,
        source_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
    );
    let placement = match ask(session, question, &[WORKSPACE_ISOLATED, WORKSPACE_IN_PLACE]).await.as_deref() {
        Some(WORKSPACE_ISOLATED) => Placement::Isolated,
        Some(WORKSPACE_IN_PLACE) => {
            let confirm = format!(
                "In-place rewrites {} with candidate code during every evaluation. A copy is saved to {}.backup first. Continue?",
                source_path.display(),
                source_path.display()
            );
            match ask(session, confirm, &[CONFIRM_IN_PLACE, ANSWER_CANCEL]).await.as_deref() {
                Some(CONFIRM_IN_PLACE) => Placement::InPlace,
                _ => return say(session, MessageType::INFO, "weco: optimization cancelled.").await,
            }
        }
        _ => return say(session, MessageType::INFO, "weco: optimization cancelled.").await,
    };
    // The interview: an existing answer is confirmed rather than asked again.
    let mut ask_usage = profile.usage.calls_per_day.is_none();
    if mode == "assistant_scientist"
        && let Some(calls) = profile.usage.calls_per_day
    {
        let question = format!("Your profile says about {calls:.0} calls per day. Still accurate?");
        ask_usage = ask(session, question, &[STILL_ACCURATE, "Update it"]).await.as_deref() == Some("Update it");
    }
    if mode == "assistant_scientist" && ask_usage {
        let answer = ask(
            session,
            format!("How often does `{}` run per day? It turns the speedup into time and money saved.", target.function),
            &["About 100", "About 10,000", "About 1,000,000", "I don't know"],
        )
        .await;
        profile.usage.calls_per_day = match answer.as_deref() {
            Some("About 100") => Some(100.0),
            Some("About 10,000") => Some(10_000.0),
            Some("About 1,000,000") => Some(1_000_000.0),
            _ => None,
        };
    }
    profile.mode = Some(mode.clone());
    if let Err(e) = profile.save(&root) {
        tracing::warn!("could not save the profile: {e}");
    }

    let progress = begin_progress(session, &job, &target.function).await;
    let request =
        TaskRequest { workspace_root: root.clone(), source_path, function: target.function.clone(), language, metric: metric_kind(&settings), placement };
    let version_at_start = session.snapshot(&target.uri).map(|d| d.version);
    report_progress(session, &progress, "setting up the task folder", 0).await;
    // An earlier harness for this function may hold inputs the user wrote: offer to reuse it.
    let mut reuse = None;
    if let Some(previous) = optimize::reusable_harnesses(&root, &target.function, &path).into_iter().next() {
        let question = format!(
            "An evaluation for `{}` already exists: {}. Reuse it (it keeps any inputs you wrote), or generate a new one?",
            target.function,
            previous.display()
        );
        match ask(session, question, &[REUSE_EVAL, NEW_EVAL]).await.as_deref() {
            Some(REUSE_EVAL) => reuse = Some(previous),
            Some(_) => {}
            None => {
                end_progress(session, &progress, "cancelled").await;
                return say(session, MessageType::INFO, "weco: optimization cancelled.").await;
            }
        }
    }
    let task = match optimize::prepare_reusing(request, reuse).await {
        Ok(task) => task,
        Err(PipelineError::NeedsInputs { evaluate_py, .. }) => {
            // The job is over before the user is told: Optimize right after this must not find it running.
            session.jobs.finish(job.job_id);
            end_progress(session, &progress, "needs inputs").await;
            say(
                session,
                MessageType::WARNING,
                format!(
                    "weco: no example inputs were found for `{}`. Fill in `make_inputs()` in the file that opens now, then run Optimize again.",
                    target.function
                ),
            )
            .await;
            if let Some(uri) = Uri::from_file_path(&evaluate_py) {
                let _ = session.client.show_document(ShowDocumentParams { uri, external: Some(false), take_focus: Some(true), selection: None }).await;
            }
            return;
        }
        Err(e) => {
            end_progress(session, &progress, "failed").await;
            return say(session, MessageType::ERROR, format!("weco: could not set up `{}`: {e}", target.function)).await;
        }
    };
    session.jobs.update(job.job_id, |j| j.task_id = Some(task.name.clone()));
    send_status(session, &job, &task.name, &task.metric, RunState::Preparing, 0, settings.steps, None, "measuring the baseline", "").await;
    report_progress(session, &progress, "measuring the baseline", 0).await;
    let (baseline, presentation) = match optimize::measure_baseline(&task, &settings, &root).await {
        Ok(b) => b,
        Err(e) => {
            end_progress(session, &progress, "baseline failed").await;
            send_status(session, &job, &task.name, &task.metric, RunState::Failed, 0, settings.steps, None, "baseline failed", "").await;
            return say(session, MessageType::ERROR, format!("weco: the evaluation of the unchanged code failed, so nothing can be measured yet. {e}\nCommon causes: a missing dependency in the project's interpreter, data files not reachable from .weco/, import paths.")).await;
        }
    };
    say(session, MessageType::INFO, format!("weco · baseline of `{}`: {} = {:.4}. {presentation}", target.function, task.metric, baseline.metric_value)).await;

    let mut run_settings = settings.clone();
    if mode == "assistant_scientist" {
        let validate =
            ask(session, "Run a 1-step validation first, to check the evaluation end to end before the full run?".into(), &["Validate first", "Skip"]).await;
        if validate.as_deref() == Some("Validate first") {
            let mut one_step = settings.clone();
            one_step.steps = 1;
            let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
            let handle = tokio::spawn(optimize::run(
                task.clone(),
                baseline.clone(),
                one_step,
                root.clone(),
                tx,
                job.cancel.clone(),
                optimize::Recording::Validation,
                optimize::Start::New,
            ));
            while rx.recv().await.is_some() {}
            let Ok(check) = handle.await else { return };
            let verdict = if check.summary.steps.iter().any(|s| s.step > 0 && s.metric.is_some()) {
                "the evaluation works end to end"
            } else {
                "the first candidate produced no metric; check run.log"
            };
            if ask(session, format!("Validation step done: {verdict}. Run the full {} steps?", settings.steps), &["Run", ANSWER_CANCEL]).await.as_deref()
                != Some("Run")
            {
                end_progress(session, &progress, "stopped after validation").await;
                return;
            }
        }
    }
    run_settings.steps = settings.steps;
    // weco unusable (not installed, logged out...): say why and offer the local engine.
    let mut in_place_weco = placement == Placement::InPlace;
    match optimize::choose_backend(&run_settings, &task) {
        Ok((weco, _)) => in_place_weco &= weco.is_some(),
        Err(why) => {
            let question = format!("weco cannot run here: {why}\nUse the local engine for this run?");
            if ask(session, question, &["Use the local engine", ANSWER_CANCEL]).await.as_deref() != Some("Use the local engine") {
                end_progress(session, &progress, "cancelled").await;
                return;
            }
            run_settings.backend = crate::config::Backend::Local;
            in_place_weco = false;
        }
    }
    if in_place_weco {
        // weco swaps candidate code into the file during every evaluation: warn against editing it.
        let warning = Diagnostic {
            range: Range::default(),
            severity: Some(DiagnosticSeverity::WARNING),
            source: Some("weco".into()),
            code: Some(NumberOrString::String("file-busy".into())),
            message:
                "weco is optimizing this file in place: its evaluations write candidate code here and restore it afterwards. Don't edit it until the run ends."
                    .into(),
            ..Default::default()
        };
        session.set_run_diagnostics(&target.uri, vec![warning]);
        super::text_document::republish(session, &target.uri).await;
    }
    let run = BackendRun { task, baseline, settings: run_settings, root, source, version_at_start, in_place_weco, start: optimize::Start::New };
    run_backend_and_offer(session, &job, &progress, &target, run).await;
}

/// Everything the second half of a job needs: a measured task and how to start the backend.
pub(super) struct BackendRun {
    pub task: crate::task::PreparedTask,
    pub baseline: crate::task::Baseline,
    pub settings: Settings,
    pub root: std::path::PathBuf,
    pub source: JobSource,
    pub version_at_start: Option<i32>,
    pub in_place_weco: bool,
    pub start: optimize::Start,
}

/// Runs the backend with progress, status and run diagnostics, then offers the result. Shared by
/// new runs and resumed ones.
pub(super) async fn run_backend_and_offer(
    session: &Arc<Session>,
    job: &RunningJob,
    progress: &Option<ProgressToken>,
    target: &FunctionTarget,
    run: BackendRun,
) {
    let BackendRun { task, baseline, settings: run_settings, root, source, version_at_start, in_place_weco, start } = run;
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let handle =
        tokio::spawn(optimize::run(task.clone(), baseline, run_settings.clone(), root.clone(), tx, job.cancel.clone(), optimize::Recording::Full, start));
    while let Some(event) = rx.recv().await {
        match event {
            PipelineEvent::Optimizer { status, percentage, event } => {
                session.jobs.update(job.job_id, |j| j.status = status.clone());
                report_progress(session, progress, &status, percentage).await;
                if let crate::engine::OptimizerEvent::Metric { step, best, .. } = event {
                    send_status(session, job, &task.name, &task.metric, RunState::Running, step, run_settings.steps, Some(best), &status, "").await;
                }
            }
            PipelineEvent::BackendChosen { backend, reason } => {
                session.jobs.update(job.job_id, |j| j.status = format!("running with {backend}"));
                say(session, MessageType::INFO, format!("weco: optimizing `{}` with {reason}.", target.function)).await;
                refresh_lenses(session).await;
            }
            PipelineEvent::Problems { problems, .. } => super::run_problems::publish(session, job, &task, problems).await,
            PipelineEvent::RepeatedFailure { error, count } => {
                let first = error.lines().next().unwrap_or_default().to_string();
                let session = session.clone();
                let cancel = job.cancel.clone();
                tokio::spawn(async move {
                    let question = format!(
                        "weco: the last {count} candidates failed the same way: {first}\nStop the run? (You can restart it with an instruction such as \"Do NOT use: …\" in the additional instructions setting.)"
                    );
                    if ask(&session, question, &["Stop", "Keep going"]).await.as_deref() == Some("Stop") {
                        cancel.cancel();
                    }
                });
            }
            PipelineEvent::Stage(text) => report_progress(session, progress, &text, 100).await,
            PipelineEvent::TaskReady(_) | PipelineEvent::Baseline { .. } => {}
        }
    }
    let Ok(result) = handle.await else {
        end_progress(session, progress, "failed").await;
        return say(session, MessageType::ERROR, "weco: the optimization stopped unexpectedly; run.log has the details.").await;
    };
    // The run is over: a new Optimize of this function may start while the user decides.
    session.jobs.finish(job.job_id);
    end_progress(session, progress, &result.summary.outcome).await;
    if in_place_weco {
        session.set_run_diagnostics(&target.uri, Vec::new());
        super::text_document::republish(session, &target.uri).await;
    }
    match source {
        JobSource::File => offer_result(session, job, target, result, version_at_start).await,
        JobSource::Consolidated(consolidated) => super::consolidate::offer_result(session, job, target, result, *consolidated).await,
    }
}

async fn offer_result(session: &Arc<Session>, job: &RunningJob, target: &FunctionTarget, result: PipelineResult, version: Option<i32>) {
    let state = run_state(&result);
    let best = result.summary.best_metric;
    let report_note = format!("The report is in {}.", result.report_path.display());
    send_status(
        session,
        job,
        &result.task.name,
        &result.task.metric,
        state,
        result.summary.steps.len() as u32,
        result.summary.steps.len() as u32,
        best,
        &result.summary.outcome,
        "",
    )
    .await;
    let Some(proposed) = result.proposed_text.clone() else {
        let text = format!(
            "weco: no verified improvement for `{}` ({}). It may already be well optimized for these inputs, or the time goes elsewhere: profile the callers, or consolidate it with its dependencies. {report_note}",
            target.function, result.summary.outcome
        );
        return say(session, MessageType::INFO, text).await;
    };
    let hunks = result.hunks();
    let summary = describe_win(&result);
    let pending = PendingResult {
        task_id: result.task.name.clone(),
        uri: target.uri.clone(),
        path: result.task.original_path.clone(),
        function: target.function.clone(),
        version,
        original: result.original_text.clone(),
        proposed,
        hunk_labels: hunks.iter().map(|h| super::results::hunk_label(h, result.summary.best_step)).collect(),
        metric_name: result.task.metric.clone(),
        goal: result.task.goal.as_cli().into(),
        baseline: result.summary.baseline_metric,
        best,
        summary: summary.clone(),
        report_path: result.report_path.clone(),
        harness_dir: result.task.harness_dir.clone(),
        files: Vec::new(),
    };
    session.jobs.store_result(pending.clone());
    let question = format!("weco · `{}`: {summary}. Apply the change to {}? {report_note}", target.function, result.task.original_path.display());
    match ask(session, question, &[APPLY, REVIEW, KEEP_SEPARATE]).await.as_deref() {
        Some(APPLY) => super::results::apply(session, &pending, None, true).await,
        Some(REVIEW) => super::results::show(session, &pending).await,
        _ => {
            say(
                session,
                MessageType::INFO,
                format!(
                    "weco: kept separate. The optimized code is in {}; apply it later with Weco: Apply Result. {report_note}",
                    result.task.dir.join(&result.task.source_file).display()
                ),
            )
            .await;
        }
    }
}

pub(super) fn run_state(result: &PipelineResult) -> RunState {
    match result.outcome {
        crate::engine::RunOutcome::Completed => RunState::Finished,
        crate::engine::RunOutcome::Cancelled => RunState::Cancelled,
        crate::engine::RunOutcome::Failed => RunState::Failed,
    }
}

pub(super) fn describe_win(result: &PipelineResult) -> String {
    let v = result.summary.verification.as_ref();
    let speed = match (v.and_then(|v| v.baseline_seconds_per_call), v.and_then(|v| v.best_seconds_per_call)) {
        (Some(before), Some(after)) => {
            format!(": {} → {} per call", crate::results::report::format_seconds(before), crate::results::report::format_seconds(after))
        }
        _ => String::new(),
    };
    match result.summary.best_metric {
        Some(best) => format!("{} {}{speed}", result.task.metric, crate::optimize::status::format_metric(&result.task.metric, best)),
        None => "improved".into(),
    }
}

/// The progress token, when the client supports work-done progress.
async fn begin_progress(session: &Session, job: &RunningJob, function: &str) -> Option<ProgressToken> {
    if !session.support().work_done_progress {
        return None;
    }
    let token = ProgressToken::String(job.progress_token.clone());
    session.client.create_work_done_progress(token.clone()).await.ok()?;
    let begin = WorkDoneProgress::Begin(WorkDoneProgressBegin {
        title: format!("weco: optimizing {function}"),
        cancellable: Some(true),
        message: Some("starting".into()),
        percentage: Some(0),
    });
    session.client.send_notification::<notification::Progress>(ProgressParams { token: token.clone(), value: ProgressParamsValue::WorkDone(begin) }).await;
    Some(token)
}

async fn report_progress(session: &Session, token: &Option<ProgressToken>, message: &str, percentage: u32) {
    let Some(token) = token else { return };
    let report = WorkDoneProgress::Report(WorkDoneProgressReport { cancellable: Some(true), message: Some(message.to_string()), percentage: Some(percentage) });
    session.client.send_notification::<notification::Progress>(ProgressParams { token: token.clone(), value: ProgressParamsValue::WorkDone(report) }).await;
}

async fn end_progress(session: &Session, token: &Option<ProgressToken>, message: &str) {
    let Some(token) = token else { return };
    let end = WorkDoneProgress::End(WorkDoneProgressEnd { message: Some(message.to_string()) });
    session.client.send_notification::<notification::Progress>(ProgressParams { token: token.clone(), value: ProgressParamsValue::WorkDone(end) }).await;
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn send_status(
    session: &Session,
    job: &RunningJob,
    task_id: &str,
    metric: &str,
    state: RunState,
    step: u32,
    total: u32,
    best: Option<f64>,
    message: &str,
    backend: &str,
) {
    let params = RunStatusParams {
        task_id: task_id.to_string(),
        uri: job.uri.clone(),
        function: job.function.clone(),
        state,
        step,
        total_steps: total,
        metric_name: metric.to_string(),
        best,
        backend: backend.to_string(),
        message: message.to_string(),
    };
    session.client.send_notification::<RunStatus>(params).await;
}

/// Resumes an interrupted weco run (`weco resume <run id>`) with the task and baseline saved when
/// it started, then offers its result like any run's.
pub async fn resume_job(session: Arc<Session>, record: optimize::resume::ResumeRecord, run_id: String) {
    let root = session.root_for(&record.original_path);
    let Some(uri) = Uri::from_file_path(&record.original_path) else { return };
    let target = FunctionTarget { uri, function: record.function.clone() };
    let job = match session.jobs.start(&target.uri, &target.function) {
        Ok(job) => job,
        Err(status) => return say(&session, MessageType::INFO, format!("weco: `{}` is already being optimized ({status}).", target.function)).await,
    };
    session.jobs.update(job.job_id, |j| j.task_id = Some(record.name.clone()));
    let progress = begin_progress(&session, &job, &target.function).await;
    let mut settings = session.settings();
    settings.backend = crate::config::Backend::Weco;
    settings.steps = record.steps;
    let run = BackendRun {
        task: record.task(&root),
        baseline: record.baseline.clone(),
        settings,
        root,
        source: JobSource::File,
        version_at_start: session.snapshot(&target.uri).map(|d| d.version),
        in_place_weco: record.placement == Placement::InPlace,
        start: optimize::Start::Resume(run_id),
    };
    run_backend_and_offer(&session, &job, &progress, &target, run).await;
    session.jobs.finish(job.job_id);
    refresh_lenses(&session).await;
}
