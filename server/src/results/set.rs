//! The result set of a run, computed once when the run ends: per changed file, its hunks with
//! stable global ids, labels, line spans and texts. It is persisted as is (`result.json`) and sent
//! as is (`weco/showResult`), so nothing downstream diffs the same pair again or does line math.

use std::ops::Range;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use super::diff;

/// One hunk of a result, as the user reviews it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResultHunk {
    /// Global across the files of one result: file A's hunks 0, 1; file B's 2, 3, 4.
    pub id: usize,
    /// Byte range in the file's `original`.
    pub old_range: Range<usize>,
    /// 0-based first line and line count in `original`, and the same in `proposed`.
    pub old_start: usize,
    pub old_lines: usize,
    pub new_start: usize,
    pub new_lines: usize,
    pub old_text: String,
    pub new_text: String,
    /// What the hunk does, and the step it came from.
    pub label: String,
    /// "line 4" or "lines 4–7" (1-based, in `original`), for pickers.
    pub lines: String,
}

/// One changed file of a result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct FileChange {
    pub path: PathBuf,
    /// The document version the run started from (`None` when the file was not open).
    pub version: Option<i32>,
    /// The file's text the change was computed against.
    pub original: String,
    pub proposed: String,
    pub hunks: Vec<ResultHunk>,
    /// Applied or rejected already (a multi-file result may be decided one file at a time).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub applied: bool,
}

impl FileChange {
    /// `original` with the hunks whose global ids are in `selected` applied.
    pub fn apply(&self, selected: &[usize]) -> String {
        let local: Vec<diff::Hunk> = self.hunks.iter().filter(|h| selected.contains(&h.id)).map(ResultHunk::as_diff_hunk).collect();
        let ids: Vec<usize> = local.iter().map(|h| h.id).collect();
        diff::apply(&self.original, &local, &ids)
    }

    /// This file's global hunk ids.
    pub fn ids(&self) -> Vec<usize> {
        self.hunks.iter().map(|h| h.id).collect()
    }
}

impl ResultHunk {
    fn as_diff_hunk(&self) -> diff::Hunk {
        diff::Hunk { id: self.id, old_range: self.old_range.clone(), old_text: self.old_text.clone(), new_text: self.new_text.clone() }
    }
}

/// Every changed file of a result, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct ResultSet {
    pub files: Vec<FileChange>,
}

/// The text of one file before and after, as the run produced it.
pub struct FileTexts {
    pub path: PathBuf,
    pub version: Option<i32>,
    pub original: String,
    pub proposed: String,
}

/// `proposed` with the line endings `original` mostly uses: candidates come back with `\n` lines
/// (rewrites, LLMs, weco), and a CRLF file must not get LF lines mixed in.
pub fn with_line_endings_of(original: &str, proposed: String) -> String {
    let crlf = original.matches("\r\n").count();
    let lf = original.matches('\n').count();
    if crlf == 0 || crlf * 2 < lf {
        return proposed;
    }
    proposed.replace("\r\n", "\n").replace('\n', "\r\n")
}

impl ResultSet {
    /// Diffs each pair once; files the change leaves as they were are left out. `step` is the
    /// step the winning candidate came from, for the labels.
    pub fn compute(files: Vec<FileTexts>, step: Option<u32>) -> ResultSet {
        let mut next_id = 0;
        let mut out = Vec::new();
        for mut file in files {
            file.proposed = with_line_endings_of(&file.original, file.proposed);
            // Lines added minus lines removed by the hunks before: where a hunk's new text sits in `proposed`.
            let mut shift: isize = 0;
            let hunks: Vec<ResultHunk> = diff::hunks(&file.original, &file.proposed)
                .into_iter()
                .map(|h| {
                    let id = next_id;
                    next_id += 1;
                    let delta = h.new_text.lines().count() as isize - h.old_text.lines().count() as isize;
                    let hunk = review_hunk(&file.original, h, id, step, shift);
                    shift += delta;
                    hunk
                })
                .collect();
            if hunks.is_empty() {
                continue;
            }
            out.push(FileChange { path: file.path, version: file.version, original: file.original, proposed: file.proposed, hunks, applied: false });
        }
        ResultSet { files: out }
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    pub fn hunk_count(&self) -> usize {
        self.files.iter().map(|f| f.hunks.len()).sum()
    }
}

fn line_of(text: &str, byte: usize) -> usize {
    text.as_bytes()[..byte.min(text.len())].iter().filter(|&&b| b == b'\n').count()
}

fn review_hunk(original: &str, hunk: diff::Hunk, id: usize, step: Option<u32>, shift: isize) -> ResultHunk {
    let old_start = line_of(original, hunk.old_range.start);
    let old_lines = hunk.old_text.lines().count();
    let new_start = (old_start as isize + shift).max(0) as usize;
    let new_lines = hunk.new_text.lines().count();
    let first = old_start + 1;
    let lines = if old_lines <= 1 { format!("line {first}") } else { format!("lines {first}–{}", first + old_lines - 1) };
    ResultHunk {
        id,
        label: label(&hunk, step),
        old_range: hunk.old_range,
        old_start,
        old_lines,
        new_start,
        new_lines,
        old_text: hunk.old_text,
        new_text: hunk.new_text,
        lines,
    }
}

/// A short description of a hunk for change annotations and review lists.
pub fn label(hunk: &diff::Hunk, step: Option<u32>) -> String {
    let removed = hunk.old_text.lines().count();
    let added = hunk.new_text.lines().count();
    let first = hunk.new_text.lines().chain(hunk.old_text.lines()).map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let first: String = first.chars().take(60).collect();
    let step = step.map(|s| format!(" (step {s})")).unwrap_or_default();
    format!("-{removed} +{added}: {first}{step}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(path: &str, original: &str, proposed: &str) -> FileTexts {
        FileTexts { path: path.into(), version: None, original: original.into(), proposed: proposed.into() }
    }

    #[test]
    fn ids_run_on_across_files_and_spans_are_in_lines() {
        let set =
            ResultSet::compute(vec![texts("a.py", "1\nx\n2\nx\n", "1\ny\ny2\n2\ny\n"), texts("same.py", "s\n", "s\n"), texts("b.py", "b\n", "B\n")], Some(4));
        assert_eq!(set.files.len(), 2, "an unchanged file is left out");
        let a = &set.files[0];
        assert_eq!(a.ids(), vec![0, 1]);
        assert_eq!(set.files[1].ids(), vec![2]);
        let (first, second) = (&a.hunks[0], &a.hunks[1]);
        assert_eq!((first.old_start, first.old_lines, first.new_start, first.new_lines), (1, 1, 1, 2));
        assert_eq!((second.old_start, second.old_lines, second.new_start, second.new_lines), (3, 1, 4, 1));
        assert_eq!((first.lines.as_str(), second.label.as_str()), ("line 2", "-1 +1: y (step 4)"));
        assert_eq!(a.apply(&[1]), "1\nx\n2\ny\n");
        assert_eq!(a.apply(&[0, 1]), a.proposed);
    }

    #[test]
    fn a_multi_line_hunk_names_its_line_range() {
        let set = ResultSet::compute(vec![texts("a.py", "a\nb\nc\nd\n", "a\nB\nC\nD\n")], None);
        assert_eq!(set.files[0].hunks[0].lines, "lines 2–4");
    }

    #[test]
    fn a_crlf_file_gets_crlf_lines_only() {
        let original = "def f(xs):\r\n    return [x for x in xs if x in xs]\r\n".to_string();
        let proposed = "def f(xs):\n    seen = set(xs)\n    return [x for x in xs if x in seen]\n".to_string();
        let set = ResultSet::compute(vec![FileTexts { path: "f.py".into(), version: None, original: original.clone(), proposed }], Some(1));
        let file = &set.files[0];
        assert_eq!(file.proposed.matches("\r\n").count(), file.proposed.matches('\n').count(), "{:?}", file.proposed);
        assert!(file.hunks.iter().all(|h| h.new_text.matches("\r\n").count() == h.new_text.matches('\n').count()));
        // An LF file stays LF.
        assert_eq!(with_line_endings_of("a\nb\n", "a\nc\n".into()), "a\nc\n");
    }
}
