//! What a weco run needs to be resumed after the editor or the server went away: the task and its
//! baseline, saved as `task.json` in the task folder when a run starts.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::Goal;
use crate::task::{self, Baseline, InputOrigin, Placement, PreparedTask};

pub const RECORD_FILE: &str = "task.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResumeRecord {
    pub name: String,
    pub dir: PathBuf,
    pub source_file: PathBuf,
    pub original_path: PathBuf,
    pub eval_command: String,
    pub metric: String,
    pub goal: Goal,
    pub inputs: InputOrigin,
    pub placement: Placement,
    pub function: String,
    pub harness_dir: PathBuf,
    pub evaluate_py: PathBuf,
    pub backup: Option<PathBuf>,
    pub baseline: Baseline,
    pub steps: u32,
    /// A consolidated file's run: resuming it here is not offered (its result maps back to other files).
    #[serde(default)]
    pub consolidated: bool,
}

impl ResumeRecord {
    pub fn new(task: &PreparedTask, baseline: &Baseline, steps: u32, consolidated: bool) -> ResumeRecord {
        ResumeRecord {
            name: task.name.clone(),
            dir: task.dir.clone(),
            source_file: task.source_file.clone(),
            original_path: task.original_path.clone(),
            eval_command: task.eval_command.clone(),
            metric: task.metric.clone(),
            goal: task.goal,
            inputs: task.inputs,
            placement: task.placement,
            function: task.function.clone(),
            harness_dir: task.harness_dir.clone(),
            evaluate_py: task.evaluate_py.clone(),
            backup: task.backup.clone(),
            baseline: baseline.clone(),
            steps,
            consolidated,
        }
    }

    pub fn save(&self) -> std::io::Result<()> {
        let text = serde_json::to_string_pretty(self).map_err(std::io::Error::other)?;
        crate::fsio::seal::write_sealed(&self.harness_dir.join(RECORD_FILE), text.as_bytes())
    }

    /// The record, when this machine wrote it and its paths stay inside `root` (a repository can
    /// ship a `task.json`, and its `eval_command` is what a resume runs).
    pub fn load(harness_dir: &Path, root: &Path) -> Option<ResumeRecord> {
        let bytes = crate::fsio::seal::read_sealed(&harness_dir.join(RECORD_FILE))?;
        let record: ResumeRecord = serde_json::from_slice(&bytes).ok()?;
        let inside = [&record.dir, &record.original_path, &record.harness_dir, &record.evaluate_py]
            .into_iter()
            .chain(record.backup.as_ref())
            .all(|p| crate::fsio::is_inside(root, p));
        if !inside {
            tracing::warn!("ignoring {}: its paths leave the workspace", harness_dir.join(RECORD_FILE).display());
            return None;
        }
        Some(record)
    }

    /// The task again; the interpreter is detected afresh (it is only used for messages and installs).
    pub fn task(&self, root: &Path) -> PreparedTask {
        PreparedTask {
            name: self.name.clone(),
            dir: self.dir.clone(),
            source_file: self.source_file.clone(),
            original_path: self.original_path.clone(),
            eval_command: self.eval_command.clone(),
            metric: self.metric.clone(),
            goal: self.goal,
            inputs: self.inputs,
            interpreter: task::interpreter::detect(root),
            placement: self.placement,
            function: self.function.clone(),
            harness_dir: self.harness_dir.clone(),
            evaluate_py: self.evaluate_py.clone(),
            backup: self.backup.clone(),
            recorded_calls: None,
        }
    }
}
