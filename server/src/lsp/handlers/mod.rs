//! Request and notification handlers, grouped by LSP area.
//!
//! Imports run one way: `commands` and `lifecycle` → `consolidate` → `optimize` → `run_front` →
//! `offer` → `results`, with `run_problems` and `text_document` beside them and `ui` (questions,
//! messages, progress, status) below them all. A test keeps it so.

pub mod commands;
pub mod consolidate;
pub mod features;
pub mod lifecycle;
pub mod offer;
pub mod optimize;
pub mod profiles;
pub mod results;
pub mod run_front;
pub mod run_problems;
pub mod text_document;
pub mod ui;

use std::path::PathBuf;

use tower_lsp_server::ls_types::Uri;

/// The file path of a `file:` URI; `None` for any other scheme (`https:`, `vscode-vfs:`, `untitled:`...),
/// which would otherwise map to a path at the filesystem root.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    if !uri.as_str().get(..5).is_some_and(|s| s.eq_ignore_ascii_case("file:")) {
        return None;
    }
    uri.to_file_path().map(|p| p.into_owned())
}
