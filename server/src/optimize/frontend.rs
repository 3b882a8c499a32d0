//! What the pipeline needs from whoever drives it (the language server or the terminal): ask a
//! question, hear how the run goes, show a message, take the end of the run. The LSP and the CLI
//! differ only in their [`Frontend`].

use std::future::Future;
use std::path::PathBuf;

use super::RunResult;
use crate::engine::OptimizerEvent;
use crate::engine::weco::EvalProblem;
use crate::task::{Baseline, PreparedTask};

/// A decision the pipeline cannot make alone. `Some(true)` is yes, `Some(false)` no, `None` a
/// dismissed question (the run is cancelled where that matters).
#[derive(Debug, Clone, PartialEq)]
pub enum Question {
    /// An earlier harness for this function exists: reuse it (it keeps inputs the user wrote)?
    ReuseHarness { previous: PathBuf },
    /// Run a 1-step validation before the full run (the Assistant Scientist's check)?
    Validate,
    /// After the validation step: run the full search?
    RunAfterValidation { verdict: String, steps: u32 },
    /// weco cannot run (not installed, logged out, ...): use the local engine instead?
    UseLocalEngine { why: String },
}

/// How a run goes, as it goes.
#[derive(Debug, Clone)]
pub enum PipelineEvent {
    /// A stage began (prose for progress messages).
    Stage {
        message: String,
        percentage: u32,
    },
    /// The task folder exists (or, resuming, is known again).
    TaskReady(Box<PreparedTask>),
    /// The unchanged code was measured; `presentation` puts the number in context.
    Baseline {
        baseline: Baseline,
        presentation: String,
    },
    BackendChosen {
        backend: &'static str,
        reason: String,
    },
    /// An optimizer event and the status line after it.
    Optimizer {
        event: OptimizerEvent,
        status: String,
        percentage: u32,
    },
    /// Recognised problems in an evaluation's output (missing module, file, permission).
    Problems {
        step: u32,
        problems: Vec<EvalProblem>,
    },
    /// The same failure `count` times in a row.
    RepeatedFailure {
        error: String,
        count: u32,
    },
}

/// Where a run that could not finish stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailedAt {
    Setup,
    Baseline,
}

/// How a run ended.
#[derive(Debug)]
pub enum RunEnd {
    /// The harness needs inputs the user writes in `evaluate_py` (`make_inputs()`).
    NeedsInputs {
        evaluate_py: PathBuf,
    },
    /// The user said no or dismissed a question; `stage` is a word for the progress end.
    Cancelled {
        stage: &'static str,
        message: Option<String>,
    },
    Failed {
        at: FailedAt,
        error: String,
    },
    /// The search ran (completed, stopped or failed): its verified result, if any, is in it.
    Finished(Box<RunResult>),
    /// Set up and baseline accepted, no search asked for ([`Frontend::set_up_only`]).
    Ready(Box<(PreparedTask, Baseline)>),
}

/// The driver of a run. Implementations stay thin: the pipeline decides, they present.
pub trait Frontend: Send + Sync {
    fn ask(&self, question: Question) -> impl Future<Output = Option<bool>> + Send;
    fn event(&self, event: PipelineEvent) -> impl Future<Output = ()> + Send;
    /// The run is over: offer its result, or say why there is none.
    fn finish(&self, end: RunEnd) -> impl Future<Output = ()> + Send;
    /// Stop once the task folder is set up and its baseline accepted (`weco-lsp init`).
    fn set_up_only(&self) -> bool {
        false
    }
}
