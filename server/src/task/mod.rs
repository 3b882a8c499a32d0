//! Optimization task setup: the `.weco/<task>/` folder, the evaluation harness, the interpreter, the profile and the baseline.
//!
//! [`prepare_task`] copies the function's module to `baseline.py` and `optimize.py`, finds the interpreter and the
//! inputs, and writes `evaluate.py` + `evaluate.sh` from the templates in `rules/templates/` (Rust functions get
//! a cargo harness instead: [`rust_harness`]). [`preflight`] then
//! measures the baseline. The folder is relocatable: copied elsewhere, `bash evaluate.sh` judges that copy's
//! `optimize.py` against its `baseline.py`.

pub mod harness;
pub mod inputs;
pub mod interpreter;
pub mod layout;
pub mod preflight;
pub mod profile;
pub mod pysig;
mod rust_generics;
pub mod rust_harness;
pub mod rust_types;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_harness;
#[cfg(test)]
mod tests_realcode;
#[cfg(test)]
mod tests_rust;

use std::path::{Path, PathBuf};
use std::time::Duration;

use crate::analysis::Language;
use crate::config::Metric;
use crate::engine::{EngineTask, Goal};

pub use inputs::InputOrigin;
pub use interpreter::{Interpreter, PackageManager};
pub use layout::find_existing_evals;
pub use preflight::{Baseline, preflight};
pub use profile::{Profile, present_baseline};

/// Where the optimizer writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// Copies in `.weco/<task>/`; the user's file is untouched until a result is applied.
    Isolated,
    /// The user's file itself is rewritten at every step (after `<file>.backup` is written).
    InPlace,
}

/// What the evaluation measures.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricKind {
    Speedup,
    LatencyMs,
    PeakMemoryMb,
    /// A score returned by `function` (a function of the same module, taken from the baseline copy),
    /// called with the candidate's version of the target function.
    Custom {
        name: String,
        goal: Goal,
        function: String,
    },
}

impl From<crate::config::Metric> for MetricKind {
    fn from(metric: crate::config::Metric) -> MetricKind {
        match metric {
            crate::config::Metric::Speedup => MetricKind::Speedup,
            crate::config::Metric::LatencyMs => MetricKind::LatencyMs,
            crate::config::Metric::PeakMemoryMb => MetricKind::PeakMemoryMb,
        }
    }
}

impl MetricKind {
    /// Metric name as printed, its goal, and the template that computes it.
    pub fn describe(&self) -> (String, Goal, &'static str) {
        match self {
            MetricKind::Speedup => (Metric::Speedup.name().into(), Goal::Maximize, "speedup"),
            MetricKind::LatencyMs => (Metric::LatencyMs.name().into(), Goal::Minimize, "latency_ms"),
            MetricKind::PeakMemoryMb => (Metric::PeakMemoryMb.name().into(), Goal::Minimize, "peak_memory_mb"),
            MetricKind::Custom { name, goal, .. } => (name.clone(), *goal, "custom"),
        }
    }
}

/// A request to set up an optimization task.
#[derive(Debug, Clone)]
pub struct TaskRequest {
    pub workspace_root: PathBuf,
    /// Absolute path of the file holding the function.
    pub source_path: PathBuf,
    /// `f` or `Class.method`.
    pub function: String,
    pub language: Language,
    pub metric: MetricKind,
    pub placement: Placement,
    /// The text of `source_path` the run started from, read once by the run's owner.
    pub source_text: String,
    /// When `source_path` is a consolidated file: the user's file its target came from (the
    /// project's tests call that one, so inputs are recorded there).
    pub consolidated_from: Option<PathBuf>,
    /// Stops recording inputs (the project's tests run then) when the user cancels.
    pub cancel: tokio_util::sync::CancellationToken,
    /// Where progress of a long setup step goes, a line at a time (recording inputs from the tests).
    pub progress: Option<tokio::sync::mpsc::UnboundedSender<String>>,
}

/// A task folder ready to evaluate.
#[derive(Debug, Clone)]
pub struct PreparedTask {
    pub name: String,
    /// Working directory of the optimizer: the task folder, or the project root for in-place tasks.
    pub dir: PathBuf,
    /// The file being optimized, relative to `dir` (`optimize.py`, or the user's file in place).
    pub source_file: PathBuf,
    /// The user's file.
    pub original_path: PathBuf,
    /// Run in `dir`; prints the metric last (`bash evaluate.sh`).
    pub eval_command: String,
    pub metric: String,
    pub goal: Goal,
    pub inputs: InputOrigin,
    pub interpreter: Interpreter,
    pub placement: Placement,
    pub function: String,
    /// `.weco/<task>/`: baseline.py, evaluate.py, evaluate.sh, last_eval.json, run.log, report.md.
    pub harness_dir: PathBuf,
    /// `evaluate.py`, the file to show the user when `inputs` is [`InputOrigin::Manual`].
    pub evaluate_py: PathBuf,
    /// `<file>.backup` of in-place tasks.
    pub backup: Option<PathBuf>,
    /// How many distinct calls the tests produced, for recorded inputs.
    pub recorded_calls: Option<usize>,
}

impl PreparedTask {
    /// The backend-facing description of this task.
    pub fn engine_task(&self, steps: u32, eval_timeout: Duration) -> EngineTask {
        EngineTask {
            dir: self.dir.clone(),
            source_file: self.source_file.clone(),
            eval_command: self.eval_command.clone(),
            metric: self.metric.clone(),
            goal: self.goal,
            steps,
            eval_timeout,
            additional_instructions: None,
            model: None,
            function: Some(self.function.clone()),
            sandbox: crate::sandbox::configured(),
        }
    }

    /// True when the user must write `make_inputs()` in `evaluate_py` before the baseline can be measured.
    pub fn needs_manual_inputs(&self) -> bool {
        self.inputs == InputOrigin::Manual
    }
}

/// Why a task could not be set up or measured. Messages are prose for the user.
#[derive(Debug, Clone, PartialEq)]
pub enum TaskError {
    Unsupported(String),
    InvalidRequest(String),
    FunctionNotFound {
        function: String,
        file: PathBuf,
    },
    Io(String),
    /// The evaluation ran but gave no metric.
    Evaluation {
        message: String,
        output_tail: String,
    },
    Timeout {
        seconds: f64,
        output_tail: String,
    },
    /// The user cancelled while user code was running.
    Cancelled,
}

impl std::fmt::Display for TaskError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            TaskError::Unsupported(why) | TaskError::InvalidRequest(why) => f.write_str(why),
            TaskError::FunctionNotFound { function, file } => {
                write!(f, "`{function}` is not defined in {}", file.display())
            }
            TaskError::Io(why) => write!(f, "could not set up the task: {why}"),
            TaskError::Evaluation { message, output_tail } => write!(f, "{message}.\nLast output:\n{output_tail}"),
            TaskError::Timeout { seconds, output_tail } => {
                write!(f, "the evaluation did not finish within {seconds:.0} s.\nLast output:\n{output_tail}")
            }
            TaskError::Cancelled => f.write_str("cancelled"),
        }
    }
}

impl std::error::Error for TaskError {}

fn io(context: &str) -> impl FnOnce(std::io::Error) -> TaskError + '_ {
    move |e| TaskError::Io(format!("{context}: {e}"))
}

/// Longest time the project's tests may run while inputs are recorded.
const RECORD_TIMEOUT: Duration = Duration::from_secs(120);

/// Sets up `.weco/<task>/`. Never modifies the user's files; in place, writes `<file>.backup` first.
/// Recording inputs runs the project's tests (user code): this is part of the explicit optimize action.
pub fn prepare_task(req: &TaskRequest) -> Result<PreparedTask, TaskError> {
    if req.language == Language::Rust {
        return rust_harness::prepare(req);
    }
    if !req.source_path.is_absolute() || !req.source_path.is_file() {
        return Err(TaskError::InvalidRequest(format!("{} is not a file", req.source_path.display())));
    }
    let source = req.source_text.clone();
    let signature = pysig::find_signature(&source, &req.function)
        .ok_or_else(|| TaskError::FunctionNotFound { function: req.function.clone(), file: req.source_path.clone() })?;

    let (name, harness_dir) = layout::claim_task_folder(&req.workspace_root, &req.function).map_err(io("creating the task folder"))?;
    let result = fill_task_folder(req, &source, &signature, &name, &harness_dir);
    if result.is_err() {
        let _ = std::fs::remove_dir_all(&harness_dir);
    }
    result
}

fn fill_task_folder(req: &TaskRequest, source: &str, signature: &pysig::PySignature, name: &str, harness_dir: &Path) -> Result<PreparedTask, TaskError> {
    let (metric, goal, metric_kind) = req.metric.describe();
    crate::fsio::write_atomic(&harness_dir.join("baseline.py"), source.as_bytes()).map_err(io("writing baseline.py"))?;
    let (dir, source_file, candidate_path, eval_command, backup) = match req.placement {
        Placement::Isolated => {
            crate::fsio::write_atomic(&harness_dir.join("optimize.py"), source.as_bytes()).map_err(io("writing optimize.py"))?;
            (harness_dir.to_path_buf(), PathBuf::from("optimize.py"), "optimize.py".to_string(), "bash evaluate.sh".to_string(), None)
        }
        Placement::InPlace => {
            let relative = req
                .source_path
                .strip_prefix(&req.workspace_root)
                .map_err(|_| TaskError::InvalidRequest("an in-place task needs the file inside the workspace".into()))?;
            let backup = layout::write_backup(&req.source_path).map_err(io("writing the backup"))?;
            // Relative to the harness folder (`.weco/<task>/`), so that an evaluation in a scratch copy of
            // the project reads the candidate written there, not the user's file.
            let candidate = format!("../../{}", relative.display());
            (req.workspace_root.clone(), relative.to_path_buf(), candidate, format!("bash .weco/{name}/evaluate.sh"), Some(backup))
        }
    };

    let interpreter = interpreter::detect(&req.workspace_root);
    let (import_root, module) = pysig::module_path(&req.source_path);
    let package = module.rsplit_once('.').map(|(p, _)| p.to_string()).unwrap_or_default();
    let needs_inputs = !matches!(req.metric, MetricKind::Custom { .. });

    let mut recorded_calls = None;
    let test_paths = layout::find_test_paths(&req.workspace_root);
    if needs_inputs && !test_paths.is_empty() {
        // The tests call the project's own file, never a consolidated copy: record calls there.
        let recorded_source = req.consolidated_from.clone().unwrap_or_else(|| req.source_path.clone());
        let (record_import_root, _) = pysig::module_path(&recorded_source);
        let settings = serde_json::json!({
            "source_path": recorded_source,
            "function": req.function,
            "project_root": req.workspace_root,
            "import_root": record_import_root,
            "test_paths": test_paths,
            "output": harness_dir.join("inputs.pkl"),
            "limit": 20,
        });
        recorded_calls = inputs::record_from_tests(&interpreter.path, harness_dir, &settings, RECORD_TIMEOUT, &req.cancel, req.progress.as_ref());
    }
    let doctests = signature.docstring.as_deref().map(|d| inputs::doctest_calls(d, &req.function)).unwrap_or_default();
    let origin = if recorded_calls.is_some() {
        InputOrigin::Recorded
    } else if !doctests.is_empty() && !signature.is_method {
        InputOrigin::Doctest
    } else if inputs::type_hints_supported(signature) {
        InputOrigin::TypeHints
    } else {
        InputOrigin::Manual
    };
    let scorer = match &req.metric {
        MetricKind::Custom { function, .. } => Some(function.clone()),
        _ => None,
    };
    let config = harness::HarnessConfig {
        function: req.function.clone(),
        module,
        package,
        original_path: req.source_path.display().to_string(),
        import_root: import_root.display().to_string(),
        project_root: req.workspace_root.display().to_string(),
        candidate_path,
        metric: metric.clone(),
        metric_kind: metric_kind.to_string(),
        inputs: origin.id().to_string(),
        inputs_include_self: origin == InputOrigin::Recorded && signature.is_method,
        needs_inputs,
        scorer,
        target_seconds: 2.0,
    };
    let section = inputs::inputs_section(origin, Some(signature), &req.function, &doctests);
    let evaluate_py = harness_dir.join("evaluate.py");
    crate::fsio::write_atomic(&evaluate_py, harness::evaluate_py(&config, &section).as_bytes()).map_err(io("writing evaluate.py"))?;
    let evaluate_sh = harness_dir.join("evaluate.sh");
    crate::fsio::write_atomic(&evaluate_sh, harness::evaluate_sh(&interpreter.path).as_bytes()).map_err(io("writing evaluate.sh"))?;
    {
        use std::os::unix::fs::PermissionsExt;
        let _ = std::fs::set_permissions(&evaluate_sh, std::fs::Permissions::from_mode(0o755));
    }
    Ok(PreparedTask {
        name: name.to_string(),
        dir,
        source_file,
        original_path: req.source_path.clone(),
        eval_command,
        metric,
        goal,
        inputs: origin,
        interpreter,
        placement: req.placement,
        function: req.function.clone(),
        harness_dir: harness_dir.to_path_buf(),
        evaluate_py,
        backup,
        recorded_calls,
    })
}
