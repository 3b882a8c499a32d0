//! Consolidation from disk: index the project, write `.weco/<function>_consolidated/` (the file and
//! its piece table) atomically, read the table back after a restart, and weco's `--sources` limits.

use std::fs;
use std::path::{Path, PathBuf};

use super::{ConsolidateError, ConsolidateOptions, Consolidated, consolidate_with};
use crate::analysis::index::DEFAULT_DEPTH;
use crate::workspace::{self, MAX_FILE_BYTES, ProjectLayout};

/// weco `--sources`: at most this many files...
pub const WECO_MAX_FILES: usize = 10;
/// ...each at most this many bytes...
pub const WECO_MAX_FILE_BYTES: u64 = 200 * 1024;
/// ...and this many bytes together.
pub const WECO_MAX_TOTAL_BYTES: u64 = 500 * 1024;

/// True when `files` (with their `sizes` in bytes, same order) can be given to weco as
/// `--sources` instead of consolidating. Mismatched lists and empty lists do not fit.
pub fn fits_weco_sources(files: &[PathBuf], sizes: &[u64]) -> bool {
    !files.is_empty()
        && files.len() == sizes.len()
        && files.len() <= WECO_MAX_FILES
        && sizes.iter().all(|s| *s <= WECO_MAX_FILE_BYTES)
        && sizes.iter().sum::<u64>() <= WECO_MAX_TOTAL_BYTES
}

/// `Class.method` → `Class_method`: a folder-safe function name.
fn safe_name(function: &str) -> String {
    let safe: String = function.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    let trimmed = safe.trim_matches('_');
    if trimmed.is_empty() { "function".to_string() } else { trimmed.to_string() }
}

/// The folder `write_consolidated` writes for `function` under `root`.
pub fn consolidated_dir(root: &Path, function: &str) -> PathBuf {
    root.join(".weco").join(format!("{}_consolidated", safe_name(function)))
}

/// Indexes the project at `root`, consolidates `function` of `file` and writes
/// `.weco/<function>_consolidated/consolidated.<ext>` and `pieces.json`; returns the file's path.
pub fn write_consolidated(root: &Path, file: &Path, function: &str) -> Result<PathBuf, ConsolidateError> {
    let root = fs::canonicalize(root)?;
    let file = fs::canonicalize(if file.is_absolute() { file.to_path_buf() } else { root.join(file) })?;
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
    let index = workspace::build_index(&[ProjectLayout::new(&root)], threads);
    let sources = |path: &Path| workspace::read_source(path, MAX_FILE_BYTES).ok();
    let options = ConsolidateOptions { max_depth: DEFAULT_DEPTH, display_root: Some(root.clone()), readonly: Vec::new() };
    let consolidated = consolidate_with(&index, &sources, &file, function, &options)?;
    let dir = consolidated_dir(&root, &consolidated.function);
    fs::create_dir_all(&dir)?;
    let path = dir.join(format!("consolidated.{}", consolidated.language.extension()));
    let table = serde_json::to_string_pretty(&consolidated).map_err(std::io::Error::other)?;
    crate::fsio::write_atomic(&dir.join("pieces.json"), table.as_bytes())?;
    crate::fsio::write_atomic(&path, consolidated.text.as_bytes())?;
    Ok(path)
}

/// Reads back the piece table written next to a consolidated file (`dir` is its folder).
pub fn load_consolidated(dir: &Path) -> Result<Consolidated, ConsolidateError> {
    let text = fs::read_to_string(dir.join("pieces.json"))?;
    serde_json::from_str(&text).map_err(|e| ConsolidateError::Io(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}
