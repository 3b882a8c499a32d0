//! Tests of consolidation and map-back on small Python and Rust projects written to temp folders.

mod python;
mod rust;

use std::fs;
use std::path::{Path, PathBuf};

use super::*;
use crate::workspace::{self, ProjectLayout};

/// A project on disk with its index.
pub(super) struct Project {
    pub dir: tempfile::TempDir,
    pub index: ProjectIndex,
}

impl Project {
    pub fn new(files: &[(&str, &str)]) -> Project {
        let dir = tempfile::tempdir().unwrap();
        for (relative, text) in files {
            let path = dir.path().join(relative);
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, text).unwrap();
        }
        let index = workspace::build_index(&[ProjectLayout::new(dir.path())], 1);
        Project { dir, index }
    }

    pub fn path(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    pub fn consolidate(&self, file: &str, function: &str) -> Consolidated {
        let sources = |p: &Path| fs::read_to_string(p).ok();
        let options =
            ConsolidateOptions { max_depth: crate::analysis::index::DEFAULT_DEPTH, display_root: Some(self.dir.path().to_path_buf()), readonly: Vec::new() };
        consolidate_with(&self.index, &sources, &self.path(file), function, &options).unwrap_or_else(|e| panic!("consolidating {file}::{function}: {e}"))
    }

    /// The text of `relative` after applying the map-back edits for it.
    pub fn edited(&self, mapped: &MapBack, relative: &str) -> String {
        let original = fs::read_to_string(self.path(relative)).unwrap();
        apply_edits(&original, mapped.edits_for(&self.path(relative)))
    }
}

/// The piece whose marker symbol is `symbol`.
pub(super) fn piece<'c>(consolidated: &'c Consolidated, symbol: &str) -> &'c Piece {
    consolidated
        .pieces
        .iter()
        .find(|p| p.symbol == symbol)
        .unwrap_or_else(|| panic!("no piece for {symbol}: {:?}", consolidated.pieces.iter().map(|p| &p.symbol).collect::<Vec<_>>()))
}

#[test]
fn weco_sources_limits_are_ten_files_200kb_each_500kb_total() {
    let files: Vec<PathBuf> = (0..3).map(|i| PathBuf::from(format!("f{i}.py"))).collect();
    assert!(fits_weco_sources(&files, &[1000, 2000, 3000]));
    assert!(!fits_weco_sources(&files, &[1000, 201 * 1024, 3000]), "one file over 200 KB");
    assert!(!fits_weco_sources(&files, &[190 * 1024, 190 * 1024, 190 * 1024]), "over 500 KB together");
    let eleven: Vec<PathBuf> = (0..11).map(|i| PathBuf::from(format!("f{i}.py"))).collect();
    assert!(!fits_weco_sources(&eleven, &[10; 11]), "more than ten files");
    assert!(!fits_weco_sources(&[], &[]), "nothing to send");
    assert!(!fits_weco_sources(&files, &[1, 2]), "sizes must match files");
}
