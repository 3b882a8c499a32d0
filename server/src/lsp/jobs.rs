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

use super::ext::MetricSummary;
use crate::results::set::FileChange;

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

/// A finished run's result, waiting for apply or discard. Persisted as `result.json`, exactly as
/// the run computed it (its result set) and as `weco/showResult` sends it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct PendingResult {
    pub task_id: String,
    pub function: String,
    /// The file the run optimized: the user's file, or the consolidated file of a multi-file result.
    pub path: PathBuf,
    /// Every changed file, hunk ids global across them.
    pub files: Vec<FileChange>,
    pub metric: MetricSummary,
    pub summary: String,
    pub report_path: PathBuf,
    pub harness_dir: PathBuf,
}

impl PendingResult {
    pub fn file_in(harness_dir: &Path) -> PathBuf {
        harness_dir.join("result.json")
    }

    pub fn save(&self) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        crate::fsio::seal::write_sealed(&Self::file_in(&self.harness_dir), text.as_bytes())
    }

    /// The result saved in `harness_dir`, when this machine wrote it and every path it names stays
    /// inside `root` (Apply edits those files; a repository can ship a `result.json`).
    pub fn load(harness_dir: &Path, root: &Path) -> Option<PendingResult> {
        let bytes = crate::fsio::seal::read_sealed(&Self::file_in(harness_dir))?;
        let result: PendingResult = serde_json::from_slice(&bytes).ok()?;
        let paths = [&result.path, &result.report_path, &result.harness_dir].into_iter().chain(result.files.iter().map(|f| &f.path));
        if !paths.into_iter().all(|p| crate::fsio::is_inside(root, p)) {
            tracing::warn!("ignoring {}: it names files outside the workspace", Self::file_in(harness_dir).display());
            return None;
        }
        Some(result)
    }
}

/// A registered job; dropping it ends the job, whichever way its task ends (finished, failed,
/// cancelled, panicked), so a later Optimize of the same function is never refused.
pub struct JobGuard {
    pub job: RunningJob,
    jobs: std::sync::Weak<JobManager>,
}

impl Drop for JobGuard {
    fn drop(&mut self) {
        if let Some(jobs) = self.jobs.upgrade() {
            jobs.finish(self.job.job_id);
        }
    }
}

#[derive(Debug, Default)]
pub struct JobManager {
    next_id: AtomicU64,
    running: Mutex<HashMap<u64, RunningJob>>,
    results: Mutex<HashMap<String, PendingResult>>,
    /// Woken whenever a job ends, for `wait_until_idle`.
    ended: tokio::sync::Notify,
}

impl JobManager {
    /// Registers a job for `function` and returns its guard, unless one is already running for it
    /// (then its status line).
    pub fn start_guarded(self: &std::sync::Arc<Self>, uri: &Uri, function: &str) -> Result<JobGuard, String> {
        let job = self.start(uri, function)?;
        Ok(JobGuard { job, jobs: std::sync::Arc::downgrade(self) })
    }

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

    fn finish(&self, job_id: u64) {
        self.running.lock().unwrap_or_else(|e| e.into_inner()).remove(&job_id);
        self.ended.notify_waiters();
    }

    /// Waits until no job runs, or `within` passes; true when none is left.
    pub async fn wait_until_idle(&self, within: std::time::Duration) -> bool {
        let deadline = tokio::time::Instant::now() + within;
        loop {
            let ended = self.ended.notified();
            if self.running.lock().unwrap_or_else(|e| e.into_inner()).is_empty() {
                return true;
            }
            if tokio::time::timeout_at(deadline, ended).await.is_err() {
                return self.running.lock().unwrap_or_else(|e| e.into_inner()).is_empty();
            }
        }
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
        let loaded = roots.iter().find_map(|root| PendingResult::load(&crate::task::layout::weco_dir(root).join(task_id), root))?;
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

    fn pending(harness_dir: &Path, files: Vec<crate::results::set::FileTexts>) -> PendingResult {
        PendingResult {
            task_id: harness_dir.file_name().unwrap().to_string_lossy().into_owned(),
            function: "f".into(),
            path: "/p/m.py".into(),
            files: crate::results::set::ResultSet::compute(files, Some(1)).files,
            metric: MetricSummary {
                name: "speedup".into(),
                goal: "max".into(),
                baseline: Some(1.0),
                best: Some(2.0),
                baseline_text: Some("1.00x".into()),
                best_text: Some("2.00x".into()),
            },
            summary: "2x".into(),
            report_path: harness_dir.join("report.md"),
            harness_dir: harness_dir.to_path_buf(),
        }
    }

    fn texts(name: &str, original: &str, proposed: &str) -> crate::results::set::FileTexts {
        crate::results::set::FileTexts { path: format!("/p/{name}").into(), version: Some(3), original: original.into(), proposed: proposed.into() }
    }

    #[test]
    fn results_survive_a_restart_through_the_task_folder() {
        let root = tempfile::tempdir().unwrap();
        let harness_dir = root.path().join(".weco/f");
        std::fs::create_dir_all(&harness_dir).unwrap();
        let mut result = pending(&harness_dir, vec![texts("m.py", "a\n", "b\n")]);
        for file in &mut result.files {
            file.path = root.path().join("m.py");
        }
        result.path = root.path().join("m.py");
        JobManager::default().store_result(result.clone());
        let restarted = JobManager::default();
        assert_eq!(restarted.result("f", &[root.path().to_path_buf()]), Some(result));
        assert_eq!(restarted.result("../etc", &[root.path().to_path_buf()]), None);
        restarted.forget_result("f");
        assert!(!PendingResult::file_in(&harness_dir).exists());
    }

    #[test]
    fn a_saved_result_naming_a_file_outside_the_workspace_is_not_loaded() {
        let root = tempfile::tempdir().unwrap();
        let harness_dir = root.path().join(".weco/f");
        std::fs::create_dir_all(&harness_dir).unwrap();
        let result = pending(&harness_dir, vec![texts("m.py", "a\n", "b\n")]);
        result.save().unwrap();
        assert_eq!(PendingResult::load(&harness_dir, root.path()), None, "/p/m.py is outside the workspace");
    }

    #[test]
    fn multi_file_results_survive_a_restart_with_their_hunks_as_computed() {
        let root = tempfile::tempdir().unwrap();
        let harness_dir = root.path().join(".weco/g");
        std::fs::create_dir_all(&harness_dir).unwrap();
        let mut result = pending(&harness_dir, vec![texts("a.py", "a\n", "A\n"), texts("b.py", "b\n", "B\n")]);
        for file in &mut result.files {
            file.path = root.path().join(file.path.file_name().unwrap());
        }
        result.path = root.path().join("a.py");
        JobManager::default().store_result(result.clone());
        let loaded = JobManager::default().result("g", &[root.path().to_path_buf()]).expect("loaded");
        assert_eq!(loaded, result);
        assert_eq!(loaded.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>(), vec![root.path().join("a.py"), root.path().join("b.py")]);
        assert_eq!(loaded.files[1].hunks[0].id, 1, "ids run on across files");
    }

    #[test]
    fn a_dropped_guard_ends_its_job() {
        let jobs = std::sync::Arc::new(JobManager::default());
        let uri: Uri = "file:///p/m.py".parse().unwrap();
        let guard = jobs.start_guarded(&uri, "f").unwrap();
        assert!(jobs.start(&uri, "f").is_err());
        drop(guard);
        assert!(jobs.start_guarded(&uri, "f").is_ok());
    }
}
