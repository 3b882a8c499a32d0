//! The one path of a run: prepare → baseline → (validate) → search → verify → result. Both the
//! language server and the CLI call [`execute`]; each stage runs once and reads the [`Run`].

use std::time::Instant;

use super::consolidated::{self as consolidated_run, FileBase};
use super::frontend::{FailedAt, Frontend, PipelineEvent, Question, RunEnd};
use super::run::{Resumed, Run};
use super::{BackendChoice, PipelineError, Recording, RunResult, Start};
use crate::config::Backend;
use crate::results::set::{FileTexts, ResultSet};
use crate::task::{Baseline, PreparedTask, TaskError, TaskRequest};

/// Runs `run` to its end and hands the end to the frontend.
pub async fn execute(run: Run, front: &impl Frontend) {
    let end = drive(run, front).await;
    front.finish(end).await;
}

async fn drive(mut run: Run, front: &impl Frontend) -> RunEnd {
    let started = Instant::now();
    crate::sandbox::configure(run.settings.sandbox);
    let resumed = run.resume.take();
    let (task, baseline, start) = match resumed {
        Some(Resumed { task, baseline, run_id }) => {
            front.event(PipelineEvent::TaskReady(Box::new(task.clone()))).await;
            (task, baseline, Start::Resume(run_id))
        }
        None => match prepare_and_measure(&run, front).await {
            Ok((task, baseline)) if front.set_up_only() => return RunEnd::Ready(Box::new((task, baseline))),
            Ok((task, baseline)) => (task, baseline, Start::New),
            Err(end) => return end,
        },
    };

    // The backend, chosen once for the whole run (validation step included).
    let backend = match super::choose_backend(&run.settings, &task) {
        Ok(choice) => choice,
        Err(why) => match front.ask(Question::UseLocalEngine { why: why.clone() }).await {
            Some(true) => {
                run.settings.backend = Backend::Local;
                BackendChoice::local("the local engine (weco cannot run here)")
            }
            Some(false) => return failed_run(&run, task, &baseline, why, started).await,
            None => return RunEnd::Cancelled { stage: "cancelled", message: None },
        },
    };

    if matches!(start, Start::New) && front.ask(Question::Validate).await == Some(true) {
        let check = search_and_verify(&run, &task, &baseline, &backend, 1, Start::New, Recording::Validation, started, front).await;
        let works = check.summary.steps.iter().any(|s| s.step > 0 && s.metric.is_some());
        let verdict = if works { "the evaluation works end to end" } else { "the first candidate produced no metric; check run.log" };
        let go = front.ask(Question::RunAfterValidation { verdict: verdict.into(), steps: run.settings.steps }).await;
        if go != Some(true) {
            return RunEnd::Cancelled { stage: "stopped after validation", message: None };
        }
    }

    if let Err(e) = super::resume::ResumeRecord::new(&task, &baseline, run.settings.steps, run.consolidated.is_some()).save() {
        tracing::warn!("could not save the task record for resuming: {e}");
    }
    let mut result = search_and_verify(&run, &task, &baseline, &backend, run.settings.steps, start, Recording::Full, started, front).await;
    result_set(&run, &mut result);
    RunEnd::Finished(Box::new(result))
}

/// Steps 1 and 2: the task folder (reusing an earlier harness when the user wants) and the baseline.
async fn prepare_and_measure(run: &Run, front: &impl Frontend) -> Result<(PreparedTask, Baseline), RunEnd> {
    let mut reuse = None;
    if let Some(previous) = super::reusable_harnesses(&run.root, &run.function, &run.file).into_iter().next() {
        match front.ask(Question::ReuseHarness { previous: previous.clone() }).await {
            Some(true) => reuse = Some(previous),
            Some(false) => {}
            None => return Err(RunEnd::Cancelled { stage: "cancelled", message: Some("weco: optimization cancelled.".into()) }),
        }
    }
    front.event(PipelineEvent::Stage { message: "setting up the task folder".into(), percentage: 0 }).await;
    let (progress, mut progress_lines) = tokio::sync::mpsc::unbounded_channel();
    let request = TaskRequest { progress: Some(progress), ..run.task_request() };
    let preparing = super::prepare(request, reuse);
    tokio::pin!(preparing);
    // Recording inputs runs the project's tests, which can take minutes: its running count is shown.
    let prepared = loop {
        tokio::select! {
            prepared = &mut preparing => break prepared,
            Some(line) = progress_lines.recv() => front.event(PipelineEvent::Stage { message: line, percentage: 0 }).await,
        }
    };
    // The final count is sent just before setup ends; `select!` may have taken the other branch first.
    while let Ok(line) = progress_lines.try_recv() {
        front.event(PipelineEvent::Stage { message: line, percentage: 0 }).await;
    }
    if run.cancel.is_cancelled() {
        // Recording inputs (the project's tests) was stopped; whatever it left is not a task.
        return Err(RunEnd::Cancelled { stage: "cancelled", message: Some("weco: optimization cancelled while the task was set up.".into()) });
    }
    let task = match prepared {
        Ok(task) => task,
        Err(PipelineError::NeedsInputs { evaluate_py }) => return Err(RunEnd::NeedsInputs { evaluate_py }),
        Err(e) => return Err(RunEnd::Failed { at: FailedAt::Setup, error: e.to_string() }),
    };
    front.event(PipelineEvent::TaskReady(Box::new(task.clone()))).await;
    front.event(PipelineEvent::Stage { message: "measuring the baseline".into(), percentage: 0 }).await;
    let (baseline, presentation) = match super::measure_baseline(&task, &run.settings, &run.root, &run.cancel).await {
        Ok(measured) => measured,
        Err(PipelineError::Task(TaskError::Cancelled)) => {
            return Err(RunEnd::Cancelled { stage: "cancelled", message: Some("weco: optimization cancelled while the baseline was measured.".into()) });
        }
        Err(e) => return Err(RunEnd::Failed { at: FailedAt::Baseline, error: e.to_string() }),
    };
    front.event(PipelineEvent::Baseline { baseline: baseline.clone(), presentation }).await;
    Ok((task, baseline))
}

/// Steps 3 and 4: the search, then the winner verified and reported.
#[allow(clippy::too_many_arguments)]
async fn search_and_verify(
    run: &Run,
    task: &PreparedTask,
    baseline: &Baseline,
    backend: &BackendChoice,
    steps: u32,
    start: Start,
    recording: Recording,
    started: Instant,
    front: &impl Frontend,
) -> RunResult {
    front.event(PipelineEvent::BackendChosen { backend: backend.name(), reason: backend.reason.clone() }).await;
    let mut settings = run.settings.clone();
    settings.steps = steps;
    let search = super::search(task, &settings, steps, backend, start, run.consolidated.is_some(), run.cancel.clone(), front).await;
    front.event(PipelineEvent::Stage { message: "Verifying the best candidate against the baseline".into(), percentage: 100 }).await;
    super::finish(task.clone(), baseline, &settings, &run.root, &run.start.text, search, backend.name(), started, recording).await
}

/// weco was asked for and cannot run, and the user wants no local run: a failed run, reported.
async fn failed_run(run: &Run, task: PreparedTask, baseline: &Baseline, why: String, started: Instant) -> RunEnd {
    let finished = crate::engine::OptimizerEvent::Finished { outcome: crate::engine::RunOutcome::Failed, best: None, message: Some(why) };
    let search = super::SearchEnd { tracker: super::status::RunTracker::new("", crate::engine::Goal::Maximize, 0), finished };
    let result = super::finish(task, baseline, &run.settings, &run.root, &run.start.text, search, "weco", started, Recording::Full).await;
    RunEnd::Finished(Box::new(result))
}

/// Step 5: the change per user file, computed once. A consolidated file's change is mapped back
/// to the files its pieces came from; what cannot be placed is listed in the report.
fn result_set(run: &Run, result: &mut RunResult) {
    let Some(proposed) = result.proposed_text.clone() else { return };
    let step = result.summary.best_step;
    let Some(consolidated) = &run.consolidated else {
        let file = FileTexts { path: result.task.original_path.clone(), version: run.start.version, original: run.start.text.clone(), proposed };
        result.changes = ResultSet::compute(vec![file], step);
        return;
    };
    let mapped = consolidated_run::map_result(&consolidated.table, &consolidated.bases, &proposed);
    if let Err(e) = consolidated_run::append_port_by_hand(&result.report_path, &mapped.unmapped, &run.root) {
        tracing::warn!("could not add the changes to port by hand to {}: {e}", result.report_path.display());
    }
    let files = mapped
        .files
        .into_iter()
        .map(|file| FileTexts {
            version: consolidated.versions.get(&file.path).copied().flatten(),
            path: file.path,
            original: file.original,
            proposed: file.proposed,
        })
        .collect();
    result.changes = ResultSet::compute(files, step);
    result.unmapped = mapped.unmapped;
}

/// The original files' texts of a consolidation, read through the run's one source of text.
pub fn consolidation_bases(table: &crate::consolidate::Consolidated) -> Result<Vec<FileBase>, String> {
    consolidated_run::snapshot(table, &|p| super::source::read(p).ok())
}
