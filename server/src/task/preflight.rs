//! Running evaluations from the server: a time-limited child process, the metric line, and the baseline
//! measurement that must succeed before an optimization starts.

use std::process::Command;
use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::child::Ended;

use super::{PreparedTask, TaskError};

/// What a finished child printed (stdout and stderr, each in order, stderr after stdout).
#[derive(Debug, Clone)]
pub struct ProcessOutput {
    pub text: String,
    pub success: bool,
    pub code: Option<i32>,
    pub elapsed: Duration,
}

/// Runs `command` in its own process group, killing the whole group when `timeout` passes.
pub fn run_with_timeout(command: Command, timeout: Duration) -> Result<ProcessOutput, TaskError> {
    run_cancellable(command, timeout, None)
}

/// [`run_with_timeout`], also stopped (within about two seconds) when `cancel` fires.
pub fn run_cancellable(command: Command, timeout: Duration, cancel: Option<&CancellationToken>) -> Result<ProcessOutput, TaskError> {
    let described = format!("{command:?}");
    let finished = crate::child::run(command, timeout, cancel).map_err(|e| TaskError::Io(format!("could not start {described}: {e}")))?;
    let mut text = crate::redact::scrub(&String::from_utf8_lossy(&finished.stdout)).into_owned();
    text.push_str(&crate::redact::scrub(&String::from_utf8_lossy(&finished.stderr)));
    match finished.ended {
        Ended::TimedOut => Err(TaskError::Timeout { seconds: timeout.as_secs_f64(), output_tail: tail(&text) }),
        Ended::Cancelled => Err(TaskError::Cancelled),
        Ended::Exited(code, success) => Ok(ProcessOutput { text, success, code, elapsed: finished.elapsed }),
    }
}

/// Whether the candidate file still holds the baseline (the baseline measurement is an A/A run: the
/// unchanged code timed and checked against itself).
fn is_aa_run(task: &PreparedTask) -> bool {
    let candidate = std::fs::read(task.dir.join(&task.source_file));
    let baseline = std::fs::read(task.harness_dir.join("baseline.py")).or_else(|_| std::fs::read(task.harness_dir.join("baseline.rs")));
    matches!((candidate, baseline), (Ok(c), Ok(b)) if c == b)
}

/// Slack on top of the harness's own noise threshold for the A/A reading: the baseline measurement is
/// one run, and a gate that trips on an ordinary fluctuation would stop good runs.
const AA_SLACK: f64 = 0.05;

/// Why an A/A reading (the unchanged code timed against itself) is not 1.0 within the noise, if it is not.
pub fn aa_problem(ratio: Option<f64>, noise_threshold: Option<f64>) -> Option<String> {
    let ratio = ratio?;
    let band = noise_threshold.unwrap_or(1.02).max(1.0) + AA_SLACK;
    if ratio <= band && ratio >= 1.0 / band {
        return None;
    }
    Some(format!(
        "the unchanged function timed against itself reads {ratio:.2}x (it must read 1.00x within ±{:.0}%): the timing here is biased, so any speedup it reported would be too. Close other heavy programs and run again; if it persists, give make_inputs() larger inputs so one call takes longer than a millisecond",
        (band - 1.0) * 100.0
    ))
}

/// Cargo's own folder, which a Rust harness's build writes (its registry cache and lock).
pub fn cargo_home(task: &PreparedTask) -> Option<std::path::PathBuf> {
    if task.original_path.extension().is_none_or(|e| e != "rs") {
        return None;
    }
    let home = std::env::var_os("CARGO_HOME")
        .map(std::path::PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| std::path::PathBuf::from(h).join(".cargo")))?;
    home.is_dir().then_some(home)
}

/// "The evaluation tried to write …" when a sandboxed run wrote into the project (kept out of it).
pub fn wrote_in_project(prepared: &crate::sandbox::Prepared) -> Option<String> {
    let (shown, more) = prepared.written_names(5)?;
    let more = if more > 0 { format!(" and {more} more") } else { String::new() };
    let message = format!("The evaluation tried to write into your project ({shown}{more}); the sandbox kept those writes out of it.");
    tracing::warn!("{message}");
    Some(message)
}

/// The last 40 lines of an output, for error messages.
pub fn tail(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(40)..].join("\n")
}

/// The value of the last `metric: value` line, if it is the last non-empty line of the output.
pub fn parse_metric(output: &str, metric: &str) -> Option<f64> {
    let last = output.lines().map(str::trim).rfind(|l| !l.is_empty())?;
    let (name, value) = last.split_once(':')?;
    if name.trim() != metric {
        return None;
    }
    // `inf`, `nan` and overflowing literals (`1e999`) are not measurements.
    value.trim().parse::<f64>().ok().filter(|v| v.is_finite())
}

/// The baseline measurement.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Baseline {
    pub metric_value: f64,
    /// Wall time of one whole evaluation.
    pub eval_seconds: f64,
    /// Seconds per call of the baseline function, for timing metrics.
    pub per_call_seconds: Option<f64>,
    /// Coefficient of variation of the timing.
    pub cv: Option<f64>,
    pub output: String,
    /// How the evaluation was isolated, and what it tried to write into the project, in words.
    #[serde(default)]
    pub isolation: Vec<String>,
}

/// Runs `evaluate.sh` on the unchanged task (the candidate is still the baseline) and checks it prints the metric.
pub fn preflight(task: &PreparedTask, timeout: Duration) -> Result<Baseline, TaskError> {
    preflight_cancellable(task, timeout, None)
}

/// [`preflight`], stopped when `cancel` fires.
pub fn preflight_cancellable(task: &PreparedTask, timeout: Duration, cancel: Option<&CancellationToken>) -> Result<Baseline, TaskError> {
    let mut writable = vec![task.harness_dir.clone()];
    writable.extend(cargo_home(task));
    let jail = crate::sandbox::Jail { workspace: crate::sandbox::workspace_of(&task.harness_dir), writable };
    let prepared = crate::sandbox::prepare(&jail, &task.dir, &format!("{} 2>&1", task.eval_command));
    let output = run_cancellable(prepared.std_command(), timeout, cancel)?;
    let mut isolation = vec![prepared.isolation.describe()];
    isolation.extend(wrote_in_project(&prepared));
    let Some(metric_value) = parse_metric(&output.text, &task.metric) else {
        return Err(TaskError::Evaluation {
            message: if output.success {
                format!("the evaluation finished without printing `{}: <value>` as its last line", task.metric)
            } else {
                format!("the evaluation failed (exit code {})", output.code.map_or("none".into(), |c| c.to_string()))
            },
            output_tail: tail(&output.text),
        });
    };
    // The unchanged code is the candidate here: a correctness violation means the harness cannot
    // tell the function from itself, and that must stop the run before any search.
    let aa = is_aa_run(task);
    if aa && let Some(violation) = output.text.lines().find_map(|l| l.trim_start().strip_prefix("Constraint violated:")) {
        return Err(TaskError::Evaluation {
            message: format!(
                "the unchanged function fails its own correctness check ({}), so no candidate could be judged; the harness needs inputs or a comparison it can repeat (see evaluate.py)",
                violation.trim()
            ),
            output_tail: tail(&output.text),
        });
    }
    let details: Option<serde_json::Value> = std::fs::read_to_string(task.harness_dir.join("last_eval.json")).ok().and_then(|t| serde_json::from_str(&t).ok());
    let field = |name: &str| details.as_ref().and_then(|d| d.get(name)).and_then(|v| v.as_f64());
    if aa && let Some(problem) = aa_problem(field("ratio_median"), field("noise_threshold")) {
        return Err(TaskError::Evaluation { message: problem, output_tail: tail(&output.text) });
    }
    Ok(Baseline {
        metric_value,
        eval_seconds: output.elapsed.as_secs_f64(),
        per_call_seconds: field("baseline_seconds_per_call"),
        cv: field("cv"),
        output: output.text,
        isolation,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infinite_and_overflowing_metrics_are_not_measurements() {
        assert_eq!(parse_metric("speedup: inf", "speedup"), None);
        assert_eq!(parse_metric("speedup: 1e999", "speedup"), None);
        assert_eq!(parse_metric("speedup: -inf", "speedup"), None);
        assert_eq!(parse_metric("speedup: nan", "speedup"), None);
        assert_eq!(parse_metric("speedup: 2.5", "speedup"), Some(2.5));
    }

    #[test]
    fn an_aa_reading_off_1_beyond_the_noise_is_a_problem() {
        assert!(aa_problem(Some(1.0), Some(1.02)).is_none());
        assert!(aa_problem(Some(0.97), Some(1.02)).is_none());
        let biased = aa_problem(Some(0.75), Some(1.02)).expect("0.75 is biased");
        assert!(biased.contains("0.75x"), "{biased}");
        assert!(aa_problem(Some(1.4), Some(1.02)).is_some());
        assert!(aa_problem(None, None).is_none(), "metrics without a ratio have no A/A gate");
    }
}
