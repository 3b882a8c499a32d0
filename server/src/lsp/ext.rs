//! Custom protocol: the `weco/...` methods and `weco.*` command arguments, typed as `docs/lsp-extensions.md` specifies.
//!
//! Mirrored by `editors/vscode/src/lsp_ext.ts` and `editors/neovim/lua/weco/protocol.lua`.

use serde::{Deserialize, Serialize};
use tower_lsp_server::ls_types::{Position, Range, Uri};

pub const CMD_OPTIMIZE: &str = "weco.optimize";
pub const CMD_CONSOLIDATE: &str = "weco.consolidate";
pub const CMD_CANCEL: &str = "weco.cancel";
pub const CMD_SHOW_RESULT: &str = "weco.showResult";
pub const CMD_APPLY_RESULT: &str = "weco.applyResult";
pub const CMD_DISCARD_RESULT: &str = "weco.discardResult";
pub const CMD_SHOW_REPORT: &str = "weco.showReport";
pub const CMD_INSTALL_PACKAGE: &str = "weco.installPackage";
pub const CMD_PROFILE_TESTS: &str = "weco.profileTests";

pub const ALL_COMMANDS: &[&str] = &[
    CMD_OPTIMIZE,
    CMD_CONSOLIDATE,
    CMD_CANCEL,
    CMD_SHOW_RESULT,
    CMD_APPLY_RESULT,
    CMD_DISCARD_RESULT,
    CMD_SHOW_REPORT,
    CMD_INSTALL_PACKAGE,
    CMD_PROFILE_TESTS,
];

/// Code action titles, exact: editors and tests look them up by title.
pub const TITLE_OPTIMIZE: &str = "Optimize with Weco";
pub const TITLE_CONSOLIDATE: &str = "Consolidate for optimization";
pub const LENS_OPTIMIZE: &str = "⚡ Optimize with Weco";

/// A function in a document, by qualified name.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct FunctionTarget {
    pub uri: Uri,
    pub function: String,
}

/// Arguments of `weco.optimize` and `weco.consolidate`: the function by name, or the innermost
/// function at a position (so editors need not look for a code action by its title).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct OptimizeArgs {
    #[cfg_attr(test, schemars(with = "String"))]
    pub uri: Uri,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[cfg_attr(test, schemars(with = "Option<schema::Position>"))]
    pub position: Option<Position>,
}

/// Arguments of `weco.installPackage` (the quick fix of a `missing-module` diagnostic).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct InstallPackageArgs {
    pub task_id: String,
    pub package: String,
}

/// Arguments of `weco.profileTests`: a file or folder of the project whose tests to profile.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ProfileTestsArgs {
    #[cfg_attr(test, schemars(with = "String"))]
    pub uri: Uri,
}

/// Arguments of the result and cancel commands.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Default)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct TaskTarget {
    #[serde(default)]
    pub task_id: Option<String>,
    #[serde(default)]
    pub hunks: Option<Vec<usize>>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ResultHunk {
    pub id: usize,
    /// In `original`.
    #[cfg_attr(test, schemars(with = "schema::Range"))]
    pub range: Range,
    /// 0-based first line and line count in `original`, and the same in `proposed`.
    pub old_start: usize,
    pub old_lines: usize,
    pub new_start: usize,
    pub new_lines: usize,
    pub old_text: String,
    pub new_text: String,
    pub label: String,
    /// "line 4" or "lines 4–7" (1-based), for pickers.
    pub lines: String,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct MetricSummary {
    pub name: String,
    pub goal: String,
    pub baseline: Option<f64>,
    pub best: Option<f64>,
    /// The server's formatting of `baseline` and `best` ("3.40x", "12.1 ms"), shown as is.
    pub baseline_text: Option<String>,
    pub best_text: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct ShowResultParams {
    pub task_id: String,
    #[cfg_attr(test, schemars(with = "String"))]
    pub uri: Uri,
    pub version: Option<i32>,
    pub function: String,
    pub original: String,
    pub proposed: String,
    pub hunks: Vec<ResultHunk>,
    pub metric: MetricSummary,
    pub summary: String,
    #[cfg_attr(test, schemars(with = "Option<String>"))]
    pub report_uri: Option<Uri>,
}

/// `weco/showResult`: the server asks the editor to present a result for review.
pub enum ShowResult {}

impl tower_lsp_server::ls_types::request::Request for ShowResult {
    type Params = ShowResultParams;
    type Result = Option<serde_json::Value>;
    const METHOD: &'static str = "weco/showResult";
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub enum RunState {
    Preparing,
    Running,
    Finished,
    Failed,
    Cancelled,
}

#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase")]
#[cfg_attr(test, derive(schemars::JsonSchema))]
pub struct RunStatusParams {
    pub task_id: String,
    #[cfg_attr(test, schemars(with = "String"))]
    pub uri: Uri,
    pub function: String,
    pub state: RunState,
    pub step: u32,
    pub total_steps: u32,
    pub metric_name: String,
    pub best: Option<f64>,
    /// `best` as the server formats it.
    pub best_text: Option<String>,
    pub backend: String,
    pub message: String,
}

/// `weco/runStatus`: the state of one task changed.
pub enum RunStatus {}

impl tower_lsp_server::ls_types::notification::Notification for RunStatus {
    type Params = RunStatusParams;
    const METHOD: &'static str = "weco/runStatus";
}

#[cfg(test)]
mod schema;
