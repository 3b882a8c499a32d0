//! Request and notification handlers, grouped by LSP area.

pub mod commands;
pub mod consolidate;
pub mod features;
pub mod lifecycle;
pub mod optimize;
pub mod results;
pub mod run_problems;
pub mod text_document;

use std::path::PathBuf;

use tower_lsp_server::ls_types::Uri;

/// The file path of a `file:` URI.
pub fn uri_path(uri: &Uri) -> Option<PathBuf> {
    uri.to_file_path().map(|p| p.into_owned())
}
