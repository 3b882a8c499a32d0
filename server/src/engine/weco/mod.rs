//! The `weco` CLI backend: preflight, spawning `weco run`, parsing its plain output, stopping and resuming runs.
//!
//! Split: `preflight` (checks before a run), `spawn` (spawning weco and the drive loop), `translate` (weco's
//! output to `OptimizerEvent`s), `outcome` (run-end classification and best-result lookup), `parser` (the
//! `--output plain` state machine), `stop` (stop/signal ladder and `weco run status`), `diagnose` (eval-output
//! problem scanning), `refusal` (what the service refused: credits, login, other, with the next step).

pub mod diagnose;
mod outcome;
pub mod parser;
pub mod preflight;
pub mod refusal;
pub mod spawn;
pub mod stop;
mod translate;

use std::path::{Path, PathBuf};
use std::time::Duration;

pub use diagnose::{EvalProblem, RepeatedFailureDetector, SourceLocation, scan_eval_output};
pub use preflight::{PreflightEnv, WecoPreflightError, preflight, preflight_in};
pub use spawn::{resume_weco, run_weco, run_weco_with};
pub use stop::{RunStatus, query_status, request_stop};

/// A usable weco installation, as found by preflight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WecoInfo {
    pub path: PathBuf,
    /// The installed package version (`pip show weco`), when it could be determined.
    pub version: Option<String>,
}

/// The weco release this runner was written and tested against (its plain output, exit codes, prompts).
pub const TESTED_WECO_VERSION: &str = "0.4.0";

impl WecoInfo {
    /// A warning when the installed weco is not the tested release (runs still go ahead).
    pub fn version_warning(&self) -> Option<String> {
        let seen = self.version.as_deref()?;
        (seen != TESTED_WECO_VERSION).then(|| {
            format!(
                "weco {seen} is installed, but weco-lsp was tested with weco {TESTED_WECO_VERSION}; if the run misbehaves, \
                 install the tested release with `pipx install weco=={TESTED_WECO_VERSION}`"
            )
        })
    }
}

/// Timing and environment knobs of the runner; `Default` is what the editor uses.
#[derive(Debug, Clone)]
pub struct WecoRunOptions {
    /// How long stdout may stay silent before the watchdog asks `weco run status`, and then how often it asks.
    pub watchdog_after: Duration,
    /// Silence beyond the eval timeout after which weco is considered hung and stopped, counted from the last
    /// sign of life: an output line, or a status showing the run `running` while weco waits on the service
    /// (candidate generation after `[SUBMITTING]` prints nothing for as long as it takes) or its step moving.
    pub hang_margin: Duration,
    /// After `weco run stop`, how long weco may take to finish its current eval and exit before SIGINT.
    pub stop_grace: Duration,
    /// After each SIGINT, how long weco may take to exit before the next rung.
    pub interrupt_grace: Duration,
    /// `--auto-resume-max-attempts` (weco's default, 5, can retry for over two minutes).
    pub auto_resume_attempts: Option<u32>,
    /// Extra environment for weco and its subcommands (WECO_BASE_URL, HOME in tests).
    pub env: Vec<(String, String)>,
    /// Variables removed from weco's environment.
    pub env_remove: Vec<String>,
    /// Where `weco-run.json` goes: the task's own folder (`.weco/<task>/`, also for in-place runs, whose
    /// working directory is the project root). `None`: the working directory.
    pub record_dir: Option<PathBuf>,
}

impl Default for WecoRunOptions {
    fn default() -> Self {
        Self {
            watchdog_after: Duration::from_secs(60),
            hang_margin: Duration::from_secs(300),
            stop_grace: Duration::from_secs(30),
            interrupt_grace: Duration::from_secs(15),
            auto_resume_attempts: None,
            env: Vec::new(),
            env_remove: Vec::new(),
            record_dir: None,
        }
    }
}

/// `weco-run.json` in the task folder: what `resume_or_status` needs after the editor restarts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct WecoRunRecord {
    pub run_id: String,
    pub source_file: String,
    pub started_unix_s: u64,
}

pub const RUN_RECORD_FILE: &str = "weco-run.json";

/// Writes the record next to the task (temp + rename so it is never half-written).
pub fn save_run_record(task_dir: &Path, record: &WecoRunRecord) -> std::io::Result<()> {
    let json = serde_json::to_string_pretty(record).map_err(std::io::Error::other)?;
    crate::fsio::write_atomic(&task_dir.join(RUN_RECORD_FILE), json.as_bytes())
}

pub fn load_run_record(task_dir: &Path) -> Option<WecoRunRecord> {
    serde_json::from_slice(&std::fs::read(task_dir.join(RUN_RECORD_FILE)).ok()?).ok()
}

/// The saved run's server-side status (`weco run status <id>`), for a watchdog or a reattaching editor.
pub async fn resume_or_status(task_dir: &Path, weco: &WecoInfo, options: &WecoRunOptions) -> Result<(WecoRunRecord, RunStatus), String> {
    let record = load_run_record(task_dir).ok_or_else(|| format!("no {RUN_RECORD_FILE} in {}", task_dir.display()))?;
    let status = query_status(weco, task_dir, &record.run_id, &options.env).await?;
    Ok((record, status))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn run_record_round_trips_through_the_task_folder() {
        let dir = tempfile::tempdir().unwrap();
        let record = WecoRunRecord { run_id: "abc".into(), source_file: "optimize.py".into(), started_unix_s: 7 };
        save_run_record(dir.path(), &record).unwrap();
        assert_eq!(load_run_record(dir.path()), Some(record));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temp file left behind");
    }
}
