//! [`Run`]: the facts of one optimization, captured once when the user asks (or the CLI starts)
//! and read by every later stage: nothing re-reads the file, re-chooses the backend or guesses
//! from a path whether the task is consolidated.

use std::collections::HashMap;
use std::path::PathBuf;

use tokio_util::sync::CancellationToken;

use super::consolidated::FileBase;
use super::source::StartText;
use crate::analysis::Language;
use crate::config::Settings;
use crate::consolidate::Consolidated;
use crate::task::{Baseline, MetricKind, Placement, PreparedTask, TaskRequest};

/// A consolidated file being optimized, and what is needed to bring its result back.
#[derive(Debug, Clone)]
pub struct ConsolidatedSource {
    pub table: Consolidated,
    /// The original files' texts when consolidated (the pieces' ranges refer to them).
    pub bases: Vec<FileBase>,
    /// Their document versions then (`None` when not open).
    pub versions: HashMap<PathBuf, Option<i32>>,
}

/// An interrupted weco run picked up again: its task and baseline are known already.
#[derive(Debug, Clone)]
pub struct Resumed {
    pub task: PreparedTask,
    pub baseline: Baseline,
    pub run_id: String,
}

/// One optimization run.
#[derive(Debug, Clone)]
pub struct Run {
    /// `f`, `Class.method`, `Type::method`.
    pub function: String,
    pub language: Language,
    /// The user's file holding the function (the one the user asked about).
    pub file: PathBuf,
    /// The file the task copies and the optimizer rewrites: `file`, or the consolidated file.
    pub source_path: PathBuf,
    /// The text of `source_path` the run started from, and the document version then.
    pub start: StartText,
    pub consolidated: Option<ConsolidatedSource>,
    pub root: PathBuf,
    /// The settings when the run started (later changes do not reach a running run).
    pub settings: Settings,
    pub metric: MetricKind,
    pub placement: Placement,
    pub cancel: CancellationToken,
    pub resume: Option<Resumed>,
}

impl Run {
    /// What the task layer needs to set up `.weco/<task>/`.
    pub fn task_request(&self) -> TaskRequest {
        TaskRequest {
            workspace_root: self.root.clone(),
            source_path: self.source_path.clone(),
            function: self.function.clone(),
            language: self.language,
            metric: self.metric.clone(),
            placement: self.placement,
            source_text: self.start.text.clone(),
            consolidated_from: self.consolidated.as_ref().map(|c| c.table.target_file.clone()),
            cancel: self.cancel.clone(),
            progress: None,
        }
    }
}
