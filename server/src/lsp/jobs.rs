//! The job manager: every running optimization and every result awaiting the user's decision.
//!
//! One job per function at a time. Jobs are cancelled through their token, whichever way the
//! cancel arrives (`weco.cancel`, `window/workDoneProgress/cancel`, shutdown). Results are also
//! persisted in the task folder so a decision can be made after a server restart.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};
use tokio_util::sync::CancellationToken;
use tower_lsp_server::ls_types::Uri;

/// A running optimization.
#[derive(Debug, Clone)]
pub struct RunningJob {
    pub job_id: u64,
    pub uri: Uri,
    pub function: String,
    pub task_id: Option<String>,
    pub progress_token: String,
    pub cancel: CancellationToken,
    /// The latest status line ("step 3/20 · best 1.5x").
    pub status: String,
}

/// A finished run's result, waiting for apply or discard. Persisted as `result.json`.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PendingResult {
    pub task_id: String,
    pub uri: Uri,
    pub path: PathBuf,
    pub function: String,
    /// Document version when the run started (`None` when the file was not open).
    pub version: Option<i32>,
    /// The file's text when the run started: what the hunks were computed against.
    pub original: String,
    pub proposed: String,
    pub hunk_labels: Vec<String>,
    pub metric_name: String,
    pub goal: String,
    pub baseline: Option<f64>,
    pub best: Option<f64>,
    pub summary: String,
    pub report_path: PathBuf,
    pub harness_dir: PathBuf,
    /// A result spanning several files (an optimized consolidated file mapped back): one entry
    /// per changed file. Empty for a single-file result, described by `uri`, `path`, `version`,
    /// `original` and `proposed`; for a multi-file one those describe the consolidated file.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<ResultFile>,
}

/// One file of a multi-file result.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ResultFile {
    pub uri: Uri,
    pub path: PathBuf,
    pub version: Option<i32>,
    /// The file's text the change was computed against.
    pub original: String,
    pub proposed: String,
    pub hunk_labels: Vec<String>,
    /// Applied already (an editor may apply a multi-file result one document at a time).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub applied: bool,
}

impl PendingResult {
    /// The files the result changes, in order. Hunk ids are global across them: the first file's
    /// hunks are numbered from 0, each next file's continue where the previous file's stopped.
    pub fn result_files(&self) -> Vec<ResultFile> {
        if !self.files.is_empty() {
            return self.files.clone();
        }
        vec![ResultFile {
            uri: self.uri.clone(),
            path: self.path.clone(),
            version: self.version,
            original: self.original.clone(),
            proposed: self.proposed.clone(),
            hunk_labels: self.hunk_labels.clone(),
            applied: false,
        }]
    }

    pub fn file_in(harness_dir: &Path) -> PathBuf {
        harness_dir.join("result.json")
    }

    pub fn save(&self) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        crate::task::layout::write_atomic(&Self::file_in(&self.harness_dir), text.as_bytes())
    }

    pub fn load(harness_dir: &Path) -> Option<PendingResult> {
        serde_json::from_str(&std::fs::read_to_string(Self::file_in(harness_dir)).ok()?).ok()
    }
}

#[derive(Debug, Default)]
pub struct JobManager {
    next_id: AtomicU64,
    running: Mutex<HashMap<u64, RunningJob>>,
    results: Mutex<HashMap<String, PendingResult>>,
}

impl JobManager {
    /// Registers a job for `function`, unless one is already running for it (then its status line).
    pub fn start(&self, uri: &Uri, function: &str) -> Result<RunningJob, String> {
        let mut running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(existing) = running.values().find(|j| j.uri == *uri && j.function == function) {
            return Err(existing.status.clone());
        }
        let job_id = self.next_id.fetch_add(1, Ordering::Relaxed) + 1;
        let job = RunningJob {
            job_id,
            uri: uri.clone(),
            function: function.to_string(),
            task_id: None,
            progress_token: format!("weco/job/{job_id}"),
            cancel: CancellationToken::new(),
            status: "preparing".into(),
        };
        running.insert(job_id, job.clone());
        Ok(job)
    }

    pub fn update(&self, job_id: u64, change: impl FnOnce(&mut RunningJob)) {
        if let Some(job) = self.running.lock().unwrap_or_else(|e| e.into_inner()).get_mut(&job_id) {
            change(job);
        }
    }

    pub fn finish(&self, job_id: u64) {
        self.running.lock().unwrap_or_else(|e| e.into_inner()).remove(&job_id);
    }

    /// Cancels the job for `task_id`, or every job when `None`; returns how many were cancelled.
    pub fn cancel(&self, task_id: Option<&str>) -> usize {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        let mut count = 0;
        for job in running.values().filter(|j| task_id.is_none() || j.task_id.as_deref() == task_id) {
            job.cancel.cancel();
            count += 1;
        }
        count
    }

    pub fn cancel_progress(&self, token: &str) -> bool {
        let running = self.running.lock().unwrap_or_else(|e| e.into_inner());
        running.values().filter(|j| j.progress_token == token).map(|j| j.cancel.cancel()).count() > 0
    }

    pub fn running_in(&self, uri: &Uri) -> Vec<RunningJob> {
        self.running.lock().unwrap_or_else(|e| e.into_inner()).values().filter(|j| j.uri == *uri).cloned().collect()
    }

    pub fn store_result(&self, result: PendingResult) {
        if let Err(e) = result.save() {
            tracing::warn!("could not persist the result of {}: {e}", result.task_id);
        }
        self.results.lock().unwrap_or_else(|e| e.into_inner()).insert(result.task_id.clone(), result);
    }

    /// The pending result for `task_id`, from memory or, after a restart, from its task folder.
    pub fn result(&self, task_id: &str, roots: &[PathBuf]) -> Option<PendingResult> {
        if let Some(r) = self.results.lock().unwrap_or_else(|e| e.into_inner()).get(task_id) {
            return Some(r.clone());
        }
        let safe = task_id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !safe {
            return None;
        }
        let loaded = roots.iter().find_map(|root| PendingResult::load(&crate::task::layout::weco_dir(root).join(task_id)))?;
        self.results.lock().unwrap_or_else(|e| e.into_inner()).insert(task_id.to_string(), loaded.clone());
        Some(loaded)
    }

    /// The most recent pending result, for commands given without a task id.
    pub fn latest_result(&self) -> Option<PendingResult> {
        self.results.lock().unwrap_or_else(|e| e.into_inner()).values().last().cloned()
    }

    pub fn forget_result(&self, task_id: &str) -> Option<PendingResult> {
        let removed = self.results.lock().unwrap_or_else(|e| e.into_inner()).remove(task_id);
        if let Some(r) = &removed {
            let _ = std::fs::remove_file(PendingResult::file_in(&r.harness_dir));
        }
        removed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_job_per_function_and_cancel_reaches_the_token() {
        let jobs = JobManager::default();
        let uri: Uri = "file:///p/m.py".parse().unwrap();
        let first = jobs.start(&uri, "f").unwrap();
        assert!(jobs.start(&uri, "f").is_err());
        let other = jobs.start(&uri, "g").unwrap();
        jobs.update(first.job_id, |j| j.task_id = Some("f".into()));
        assert_eq!(jobs.cancel(Some("f")), 1);
        assert!(first.cancel.is_cancelled() && !other.cancel.is_cancelled());
        assert!(jobs.cancel_progress(&other.progress_token));
        assert!(other.cancel.is_cancelled());
        jobs.finish(first.job_id);
        assert!(jobs.start(&uri, "f").is_ok());
    }

    #[test]
    fn results_survive_a_restart_through_the_task_folder() {
        let root = tempfile::tempdir().unwrap();
        let harness_dir = root.path().join(".weco/f");
        std::fs::create_dir_all(&harness_dir).unwrap();
        let result = PendingResult {
            task_id: "f".into(),
            uri: "file:///p/m.py".parse().unwrap(),
            path: "/p/m.py".into(),
            function: "f".into(),
            version: Some(3),
            original: "a\n".into(),
            proposed: "b\n".into(),
            hunk_labels: vec!["replace".into()],
            metric_name: "speedup".into(),
            goal: "max".into(),
            baseline: Some(1.0),
            best: Some(2.0),
            summary: "2x".into(),
            report_path: harness_dir.join("report.md"),
            harness_dir: harness_dir.clone(),
            files: Vec::new(),
        };
        JobManager::default().store_result(result.clone());
        let restarted = JobManager::default();
        assert_eq!(restarted.result("f", &[root.path().to_path_buf()]), Some(result));
        assert_eq!(restarted.result("../etc", &[root.path().to_path_buf()]), None);
        restarted.forget_result("f");
        assert!(!PendingResult::file_in(&harness_dir).exists());
    }

    #[test]
    fn multi_file_results_survive_a_restart_and_old_single_file_ones_still_load() {
        let root = tempfile::tempdir().unwrap();
        let harness_dir = root.path().join(".weco/g");
        std::fs::create_dir_all(&harness_dir).unwrap();
        let file = |name: &str, original: &str, proposed: &str| ResultFile {
            uri: format!("file:///p/{name}").parse().unwrap(),
            path: format!("/p/{name}").into(),
            version: None,
            original: original.into(),
            proposed: proposed.into(),
            hunk_labels: vec!["change".into()],
            applied: false,
        };
        let result = PendingResult {
            task_id: "g".into(),
            uri: "file:///p/.weco/g_consolidated/consolidated.py".parse().unwrap(),
            path: "/p/.weco/g_consolidated/consolidated.py".into(),
            function: "g".into(),
            version: None,
            original: "x\n".into(),
            proposed: "y\n".into(),
            hunk_labels: vec![],
            metric_name: "speedup".into(),
            goal: "max".into(),
            baseline: Some(1.0),
            best: Some(3.0),
            summary: "3x".into(),
            report_path: harness_dir.join("report.md"),
            harness_dir: harness_dir.clone(),
            files: vec![file("a.py", "a\n", "A\n"), file("b.py", "b\n", "B\n")],
        };
        JobManager::default().store_result(result.clone());
        let loaded = JobManager::default().result("g", &[root.path().to_path_buf()]).expect("loaded");
        assert_eq!(loaded, result);
        assert_eq!(loaded.result_files().iter().map(|f| f.path.clone()).collect::<Vec<_>>(), vec![PathBuf::from("/p/a.py"), "/p/b.py".into()]);

        let mut json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(PendingResult::file_in(&harness_dir)).unwrap()).unwrap();
        json.as_object_mut().unwrap().remove("files");
        let single: PendingResult = serde_json::from_value(json).expect("a result.json without files loads");
        assert_eq!(single.result_files().len(), 1);
        assert_eq!(single.result_files()[0].original, "x\n");
    }
}
