//! Stopping a weco run gently: `weco run stop <id>`, then SIGINT to weco's process group, and only as a
//! last resort SIGKILL. Also `weco run status <id>` for the watchdog.
//!
//! Why this order: weco has no SIGTERM handler, so SIGTERM/SIGKILL during an eval leave the candidate's code
//! in the user's source file and orphan the eval. `weco run stop` lets the current eval finish and weco exit
//! cleanly; SIGINT raises KeyboardInterrupt, whose `finally` restores the source files (sent to the whole
//! group so the eval dies too). SIGKILL is used only when weco ignores two SIGINTs for a long grace period
//! (it is hung, e.g. in a blocking network call); the runner then restores the source from its snapshot.

use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use super::WecoInfo;

/// Signals the runner sends to weco's process group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GroupSignal {
    Interrupt,
    Kill,
}

/// Sends `signal` to every process in group `pgid` (weco is spawned as its group leader).
pub fn signal_group(pgid: u32, signal: GroupSignal) -> std::io::Result<()> {
    let number = match signal {
        GroupSignal::Interrupt => libc::SIGINT,
        GroupSignal::Kill => libc::SIGKILL,
    };
    let pgid = libc::pid_t::try_from(pgid).map_err(|_| std::io::Error::other("process group id out of range"))?;
    // SAFETY: kill(2) with a negative pid only sends a signal; it touches no memory of ours.
    let rc = unsafe { libc::kill(-pgid, number) };
    if rc == 0 { Ok(()) } else { Err(std::io::Error::last_os_error()) }
}

/// What a weco subcommand printed, for the run log.
#[derive(Debug, Clone)]
pub struct SubcommandOutput {
    pub success: bool,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `weco <args>` in `dir` with stdin closed, giving up after `limit`.
pub async fn run_subcommand(weco: &WecoInfo, dir: &Path, args: &[&str], env: &[(String, String)], limit: Duration) -> Result<SubcommandOutput, String> {
    let mut command = tokio::process::Command::new(&weco.path);
    command
        .args(args)
        .current_dir(dir)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("COLUMNS", "10000")
        .env("WECO_DISABLE_EVENTS", "1")
        .kill_on_drop(true);
    for (key, value) in env {
        command.env(key, value);
    }
    let output = tokio::time::timeout(limit, command.output())
        .await
        .map_err(|_| format!("`weco {}` did not answer within {}s", args.join(" "), limit.as_secs()))?
        .map_err(|e| format!("could not run `weco {}`: {e}", args.join(" ")))?;
    Ok(SubcommandOutput {
        success: output.status.success(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

/// `weco run stop <id>`: asks the backend to terminate; the local loop exits after the current eval.
pub async fn request_stop(weco: &WecoInfo, dir: &Path, run_id: &str, env: &[(String, String)]) -> Result<SubcommandOutput, String> {
    run_subcommand(weco, dir, &["run", "stop", run_id], env, Duration::from_secs(30)).await
}

/// The fields of `weco run status <id>` the runner uses.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStatus {
    pub status: String,
    pub current_step: Option<u64>,
    pub total_steps: Option<u64>,
    pub best_metric: Option<f64>,
    pub best_step: Option<u64>,
}

impl RunStatus {
    /// The run will make no more progress (weco's own watcher treats these as terminal).
    pub fn is_terminal(&self) -> bool {
        matches!(self.status.as_str(), "completed" | "complete" | "stopped" | "terminated" | "error" | "errored" | "cancelled")
    }
}

/// `weco run status <id>`, parsed.
pub async fn query_status(weco: &WecoInfo, dir: &Path, run_id: &str, env: &[(String, String)]) -> Result<RunStatus, String> {
    let output = run_subcommand(weco, dir, &["run", "status", run_id], env, Duration::from_secs(30)).await?;
    parse_status(&output.stdout).ok_or_else(|| {
        let detail = if output.stdout.trim().is_empty() { output.stderr.trim() } else { output.stdout.trim() };
        format!("`weco run status` failed: {}", detail.lines().last().unwrap_or("no output"))
    })
}

pub fn parse_status(stdout: &str) -> Option<RunStatus> {
    let value: serde_json::Value = serde_json::from_str(stdout.trim()).ok()?;
    Some(RunStatus {
        status: value.get("status")?.as_str()?.to_string(),
        current_step: value.get("current_step").and_then(serde_json::Value::as_u64),
        total_steps: value.get("total_steps").and_then(serde_json::Value::as_u64),
        best_metric: value.get("best_metric").and_then(serde_json::Value::as_f64),
        best_step: value.get("best_step").and_then(serde_json::Value::as_u64),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_json_parses_and_error_json_does_not() {
        let status = parse_status(r#"{"run_id": "x", "status": "terminated", "current_step": 2, "best_metric": 2.5}"#).unwrap();
        assert!(status.is_terminal());
        assert_eq!(status.best_metric, Some(2.5));
        assert_eq!(parse_status(r#"{"error": "Failed to fetch run"}"#), None);
        assert!(!parse_status(r#"{"status": "running"}"#).unwrap().is_terminal());
    }
}
