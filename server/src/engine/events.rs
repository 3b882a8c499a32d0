//! The contract shared by every optimizer backend: what a run is given and what it reports.

use std::path::PathBuf;
use std::time::Duration;

/// Whether a larger or a smaller metric is better.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Goal {
    #[serde(alias = "max", alias = "maximize")]
    Maximize,
    #[serde(alias = "min", alias = "minimize")]
    Minimize,
}

impl Goal {
    /// The spelling `weco run --goal` expects.
    pub fn as_cli(self) -> &'static str {
        match self {
            Goal::Maximize => "max",
            Goal::Minimize => "min",
        }
    }

    /// True when `candidate` beats `incumbent` under this goal.
    pub fn is_better(self, candidate: f64, incumbent: f64) -> bool {
        match self {
            Goal::Maximize => candidate > incumbent,
            Goal::Minimize => candidate < incumbent,
        }
    }
}

/// Everything a backend needs to run an optimization in a prepared task folder.
#[derive(Debug, Clone)]
pub struct EngineTask {
    /// The task folder (`.weco/<task>/`, or the project root for in-place tasks); the working directory of the run.
    pub dir: PathBuf,
    /// The file being optimized, relative to `dir` (`optimize.py`).
    pub source_file: PathBuf,
    /// Shell command that evaluates the current `source_file` and prints `metric: value` last (`bash evaluate.sh`).
    pub eval_command: String,
    /// Metric name, as printed by the evaluation (`speedup`).
    pub metric: String,
    pub goal: Goal,
    /// Number of optimization steps after the baseline (step 0).
    pub steps: u32,
    /// Per-evaluation time limit.
    pub eval_timeout: Duration,
    /// Extra guidance for the proposer (`--additional-instructions`).
    pub additional_instructions: Option<String>,
    /// Model name for backends that use one (weco's `--model`, the local `llm` proposer).
    pub model: Option<String>,
    /// Qualified name of the function being optimized inside `source_file` (`Class.method`, `Type::method`),
    /// when the task targets one; the local engine's rewrites then touch only that function.
    pub function: Option<String>,
    /// Where evaluations run (`weco.sandbox`).
    pub sandbox: crate::config::SandboxMode,
}

/// The best candidate a run produced.
#[derive(Debug, Clone, PartialEq)]
pub struct BestResult {
    pub step: u32,
    pub metric: f64,
    /// Full text of the optimized `source_file`.
    pub code: String,
    /// The proposer's explanation of the change, when it gave one.
    pub plan: Option<String>,
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RunOutcome {
    Completed,
    /// Stopped by the user; the best so far is still offered.
    Cancelled,
    /// The backend failed (not logged in, out of credits, crashed...); the best so far, if any, is still offered.
    Failed,
}

/// What a backend reports while it runs, in order. Both backends emit exactly these.
#[derive(Debug, Clone, PartialEq)]
pub enum OptimizerEvent {
    /// The run exists; `run_id` names it (weco's UUID, or the local engine's id under `.runs/`).
    Started { run_id: String, backend: &'static str, total_steps: u32 },
    /// Step `step` (0 = baseline) began.
    StepStarted { step: u32 },
    /// The candidate for `step` and the plan that produced it.
    Candidate { step: u32, plan: Option<String> },
    /// Raw output of the evaluation of `step` (stdout and stderr merged).
    EvalOutput { step: u32, output: String },
    /// The metric of `step`, and the best so far under the goal.
    Metric { step: u32, value: f64, best: f64 },
    /// `step` produced no metric (crash, timeout, wrong result); `error` is a one-line summary.
    StepFailed { step: u32, error: String },
    /// `step` was evaluated but the service never scored it (a 5xx, 402 or 409 answer to the submit, a
    /// lost connection, weco ending mid-submit): neither a success nor a failure of the candidate.
    /// `reason` says what happened to the submit.
    StepNotScored { step: u32, reason: String },
    /// A warning or error from the backend itself (not the eval), for the log and the user.
    Message { error: bool, text: String },
    /// The run ended. Always the last event.
    Finished { outcome: RunOutcome, best: Option<BestResult>, message: Option<String> },
}
