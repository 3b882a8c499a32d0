//! The one owner of the text a run starts from: the file is read here, once per run, and every
//! later stage (task folder, baseline, verification, result) uses that one value.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Reads of each file through [`read`], for tests that check a run reads its file once.
static READS: Mutex<Option<HashMap<PathBuf, usize>>> = Mutex::new(None);

/// The file's text, counted.
pub fn read(path: &Path) -> std::io::Result<String> {
    let text = std::fs::read_to_string(path)?;
    let mut reads = READS.lock().unwrap_or_else(|e| e.into_inner());
    *reads.get_or_insert_with(HashMap::new).entry(path.to_path_buf()).or_default() += 1;
    Ok(text)
}

/// How often [`read`] read `path` in this process.
pub fn reads_of(path: &Path) -> usize {
    READS.lock().unwrap_or_else(|e| e.into_inner()).as_ref().and_then(|r| r.get(path).copied()).unwrap_or(0)
}

/// The text and document version a run started from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StartText {
    pub text: String,
    /// The editor's version of the document then (`None` when it was not open, or headless).
    pub version: Option<i32>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CaptureError {
    Unreadable(String),
    /// The editor's buffer differs from the file on disk, which is what the task copies.
    Unsaved,
}

/// Reads `path` once. With the editor's open buffer (`text`, `version`), the buffer must be the
/// file on disk: a task copies the disk, and unsaved edits would silently be left out.
pub fn capture(path: &Path, open: Option<(&str, i32)>) -> Result<StartText, CaptureError> {
    let text = read(path).map_err(|e| CaptureError::Unreadable(format!("{}: {e}", path.display())))?;
    match open {
        Some((buffer, _)) if buffer != text => Err(CaptureError::Unsaved),
        Some((_, version)) => Ok(StartText { text, version: Some(version) }),
        None => Ok(StartText { text, version: None }),
    }
}
