//! The language server as a run's [`Frontend`]: questions become `showMessageRequest`s, the run's
//! events become progress, `weco/runStatus`, run diagnostics and messages, and the end of the run
//! becomes an offer. The job is ended (its guard dropped) before the user is asked anything about
//! the result, so a new Optimize of the function works while they decide.

use std::sync::{Arc, Mutex};

use tower_lsp_server::ls_types::*;

use super::ui::{self, ANSWER_CANCEL, KEEP_GOING, NEW_EVAL, Progress, REUSE_EVAL, RUN, SKIP, STOP, Status, USE_LOCAL, VALIDATE_FIRST, say};
use crate::lsp::ext::RunState;
use crate::lsp::jobs::{JobGuard, RunningJob};
use crate::lsp::session::Session;
use crate::optimize::frontend::{FailedAt, Frontend, PipelineEvent, Question, RunEnd};
use crate::task::{Placement, PreparedTask};

pub struct LspFront {
    pub session: Arc<Session>,
    pub job: RunningJob,
    guard: Mutex<Option<JobGuard>>,
    progress: Progress,
    /// The Assistant Scientist offers a 1-step validation run.
    pub scientist: bool,
    pub placement: Placement,
    pub consolidated: bool,
    pub steps: u32,
    task: Mutex<Option<PreparedTask>>,
    /// weco rewrites the user's file during its evaluations (a `file-busy` diagnostic is shown).
    in_place_weco: Mutex<bool>,
}

impl LspFront {
    pub async fn new(session: Arc<Session>, guard: JobGuard, scientist: bool, placement: Placement, consolidated: bool, steps: u32) -> LspFront {
        let job = guard.job.clone();
        let progress = Progress::begin(&session, &job, format!("weco: optimizing {}", job.function)).await;
        LspFront {
            session,
            job,
            guard: Mutex::new(Some(guard)),
            progress,
            scientist,
            placement,
            consolidated,
            steps,
            task: Mutex::new(None),
            in_place_weco: Mutex::new(false),
        }
    }

    fn task(&self) -> Option<PreparedTask> {
        self.task.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }

    async fn status(&self, state: RunState, step: u32, best: Option<f64>, message: &str) {
        let Some(task) = self.task() else { return };
        let status = Status { task_id: &task.name, metric: &task.metric, state, step, total: self.steps, best, message, backend: "" };
        ui::send_status(&self.session, &self.job, status).await;
    }

    /// The job is over: a new Optimize of this function may start from here on.
    async fn end_job(&self, progress: &str) {
        drop(self.guard.lock().unwrap_or_else(|e| e.into_inner()).take());
        self.progress.end(&self.session, progress).await;
        let busy = std::mem::take(&mut *self.in_place_weco.lock().unwrap_or_else(|e| e.into_inner()));
        if busy {
            self.session.set_run_diagnostics(&self.job.uri, Vec::new());
            super::text_document::republish(&self.session, &self.job.uri).await;
        }
    }

    async fn mark_file_busy(&self) {
        *self.in_place_weco.lock().unwrap_or_else(|e| e.into_inner()) = true;
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
        self.session.set_run_diagnostics(&self.job.uri, vec![warning]);
        super::text_document::republish(&self.session, &self.job.uri).await;
    }
}

impl Frontend for LspFront {
    async fn ask(&self, question: Question) -> Option<bool> {
        let function = &self.job.function;
        let (text, yes, no) = match question {
            Question::ReuseHarness { previous } => (
                format!(
                    "An evaluation for `{function}` already exists: {}. Reuse it (it keeps any inputs you wrote), or generate a new one?",
                    previous.display()
                ),
                REUSE_EVAL,
                NEW_EVAL,
            ),
            Question::Validate if !self.scientist => return Some(false),
            Question::Validate => ("Run a 1-step validation first, to check the evaluation end to end before the full run?".to_string(), VALIDATE_FIRST, SKIP),
            Question::RunAfterValidation { verdict, steps } => (format!("Validation step done: {verdict}. Run the full {steps} steps?"), RUN, ANSWER_CANCEL),
            Question::UseLocalEngine { why } => (format!("weco cannot run here: {why}\nUse the local engine for this run?"), USE_LOCAL, ANSWER_CANCEL),
        };
        let answer = ui::ask(&self.session, text, &[yes, no]).await;
        match answer.as_deref() {
            Some(a) if a == yes => Some(true),
            // "Cancel" buttons end the run like a dismissed question; "Generate a new one" and "Skip" are a no.
            Some(a) if a == no && no != ANSWER_CANCEL => Some(false),
            _ => None,
        }
    }

    async fn event(&self, event: PipelineEvent) {
        let session = &self.session;
        match event {
            PipelineEvent::Stage { message, percentage } => self.progress.report(session, &message, percentage).await,
            PipelineEvent::TaskReady(task) => {
                let name = task.name.clone();
                session.jobs.update(self.job.job_id, |j| j.task_id = Some(name));
                *self.task.lock().unwrap_or_else(|e| e.into_inner()) = Some(*task);
                self.status(RunState::Preparing, 0, None, "measuring the baseline").await;
            }
            PipelineEvent::Baseline { baseline, presentation } => {
                let metric = self.task().map(|t| t.metric).unwrap_or_default();
                say(session, MessageType::INFO, format!("weco · baseline of `{}`: {metric} = {:.4}. {presentation}", self.job.function, baseline.metric_value))
                    .await;
            }
            PipelineEvent::BackendChosen { backend, reason } => {
                session.jobs.update(self.job.job_id, |j| j.status = format!("running with {backend}"));
                if backend == "weco" && self.placement == Placement::InPlace {
                    self.mark_file_busy().await;
                }
                say(session, MessageType::INFO, format!("weco: optimizing `{}` with {reason}.", self.job.function)).await;
                ui::refresh_lenses(session).await;
            }
            PipelineEvent::Optimizer { status, percentage, event } => {
                session.jobs.update(self.job.job_id, |j| j.status = status.clone());
                self.progress.report(session, &status, percentage).await;
                if let crate::engine::OptimizerEvent::Metric { step, best, .. } = event {
                    self.status(RunState::Running, step, Some(best), &status).await;
                }
            }
            PipelineEvent::Problems { problems, .. } => {
                if let Some(task) = self.task() {
                    super::run_problems::publish(session, &self.job, &task, problems).await;
                }
            }
            PipelineEvent::RepeatedFailure { error, count } => {
                let first = error.lines().next().unwrap_or_default().to_string();
                let session = session.clone();
                let cancel = self.job.cancel.clone();
                // Asked on the side: the run goes on while the question waits.
                tokio::spawn(async move {
                    let question = format!(
                        "weco: the last {count} candidates failed the same way: {first}\nStop the run? (You can restart it with an instruction such as \"Do NOT use: …\" in the additional instructions setting.)"
                    );
                    if ui::ask(&session, question, &[STOP, KEEP_GOING]).await.as_deref() == Some(STOP) {
                        cancel.cancel();
                    }
                });
            }
        }
    }

    async fn finish(&self, end: RunEnd) {
        let session = &self.session;
        let function = &self.job.function;
        match end {
            RunEnd::NeedsInputs { evaluate_py } => {
                self.end_job("needs inputs").await;
                let text = format!(
                    "weco: no example inputs were found for `{function}`. Fill in `make_inputs()` in the file that opens now, then run Optimize again.{}",
                    crate::optimize::why_not_recorded(&evaluate_py)
                );
                say(session, MessageType::WARNING, text).await;
                ui::show_document(session, &evaluate_py).await;
            }
            RunEnd::Cancelled { stage, message } => {
                self.end_job(stage).await;
                if let Some(message) = message {
                    say(session, MessageType::INFO, message).await;
                }
            }
            RunEnd::Failed { at: FailedAt::Setup, error } => {
                self.end_job("failed").await;
                say(session, MessageType::ERROR, format!("weco: could not set up `{function}`: {error}")).await;
            }
            RunEnd::Failed { at: FailedAt::Baseline, error } => {
                self.status(RunState::Failed, 0, None, "baseline failed").await;
                self.end_job("baseline failed").await;
                let text = format!(
                    "weco: the evaluation of the unchanged code failed, so nothing can be measured yet. {error}\nCommon causes: a missing dependency in the project's interpreter, data files not reachable from .weco/, import paths."
                );
                say(session, MessageType::ERROR, text).await;
            }
            RunEnd::Ready(ready) => {
                // The editor never asks for set-up only; said plainly should a client do so.
                self.end_job("set up").await;
                say(session, MessageType::INFO, format!("weco: the task for `{function}` is set up in {}.", ready.0.harness_dir.display())).await;
            }
            RunEnd::Finished(result) => {
                self.end_job(&result.summary.outcome).await;
                // The lens stops showing the run's progress now, not when the user has answered the question.
                ui::refresh_lenses(session).await;
                super::offer::offer(session, &self.job, *result, self.consolidated).await;
            }
        }
        ui::refresh_lenses(session).await;
    }
}
