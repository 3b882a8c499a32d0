//! Running evaluations from the server: a time-limited child process, the metric line, and the baseline
//! measurement that must succeed before an optimization starts.

use std::io::Read;
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

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
pub fn run_with_timeout(mut command: Command, timeout: Duration) -> Result<ProcessOutput, TaskError> {
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).process_group(0);
    let started = Instant::now();
    let mut child = command.spawn().map_err(|e| TaskError::Io(format!("could not start {command:?}: {e}")))?;
    let mut stdout = child.stdout.take();
    let mut stderr = child.stderr.take();
    let out_reader = std::thread::spawn(move || read_all(stdout.as_mut()));
    let err_reader = std::thread::spawn(move || read_all(stderr.as_mut()));
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if started.elapsed() >= timeout => {
                kill_group(child.id());
                let _ = child.wait();
                break None;
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => return Err(TaskError::Io(e.to_string())),
        }
    };
    let elapsed = started.elapsed();
    let mut text = out_reader.join().unwrap_or_default();
    text.push_str(&err_reader.join().unwrap_or_default());
    match status {
        None => Err(TaskError::Timeout { seconds: timeout.as_secs_f64(), output_tail: tail(&text) }),
        Some(status) => Ok(ProcessOutput { text, success: status.success(), code: status.code(), elapsed }),
    }
}

fn read_all(stream: Option<&mut impl Read>) -> String {
    let mut bytes = Vec::new();
    if let Some(stream) = stream {
        let _ = stream.read_to_end(&mut bytes);
    }
    crate::redact::scrub(&String::from_utf8_lossy(&bytes)).into_owned()
}

fn kill_group(pid: u32) {
    // The evaluation's children (the interpreter under bash) share the group; kill them all.
    let _ = Command::new("kill").args(["-KILL", "--", &format!("-{pid}")]).stdout(Stdio::null()).stderr(Stdio::null()).status();
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
    value.trim().parse::<f64>().ok().filter(|v| !v.is_nan())
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
}

/// Runs `evaluate.sh` on the unchanged task (the candidate is still the baseline) and checks it prints the metric.
pub fn preflight(task: &PreparedTask, timeout: Duration) -> Result<Baseline, TaskError> {
    let mut command = Command::new("bash");
    command.arg("-c").arg(format!("{} 2>&1", task.eval_command)).current_dir(&task.dir);
    let output = run_with_timeout(command, timeout)?;
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
    let details: Option<serde_json::Value> = std::fs::read_to_string(task.harness_dir.join("last_eval.json")).ok().and_then(|t| serde_json::from_str(&t).ok());
    let field = |name: &str| details.as_ref().and_then(|d| d.get(name)).and_then(|v| v.as_f64());
    Ok(Baseline {
        metric_value,
        eval_seconds: output.elapsed.as_secs_f64(),
        per_call_seconds: field("baseline_seconds_per_call"),
        cv: field("cv"),
        output: output.text,
    })
}
