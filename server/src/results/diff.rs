//! Line hunks between the user's text and the optimized text, applying a chosen subset, and
//! rebasing onto text the user edited during the run (a three-way merge, never an overwrite).

use std::ops::Range;

use similar::{DiffOp, TextDiff, TextMerge};

/// One contiguous change, addressed by byte range in the text it was computed against.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hunk {
    pub id: usize,
    pub old_range: Range<usize>,
    pub old_text: String,
    pub new_text: String,
}

/// Byte offset of the start of every line, plus the text's length as a final entry.
fn line_starts(text: &str) -> Vec<usize> {
    let mut starts = vec![0];
    starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
    if *starts.last().unwrap_or(&0) != text.len() {
        starts.push(text.len());
    }
    starts
}

fn byte_range(starts: &[usize], lines: Range<usize>, len: usize) -> Range<usize> {
    let at = |line: usize| starts.get(line).copied().unwrap_or(len);
    at(lines.start)..at(lines.end)
}

/// The hunks turning `original` into `proposed`, in order, without context lines.
pub fn hunks(original: &str, proposed: &str) -> Vec<Hunk> {
    let diff = TextDiff::from_lines(original, proposed);
    let old_starts = line_starts(original);
    let new_starts = line_starts(proposed);
    let mut out = Vec::new();
    for group in diff.grouped_ops(0) {
        let changes: Vec<&DiffOp> = group.iter().filter(|op| !matches!(op, DiffOp::Equal { .. })).collect();
        let (Some(first), Some(last)) = (changes.first(), changes.last()) else { continue };
        let old_lines = first.old_range().start..last.old_range().end;
        let new_lines = first.new_range().start..last.new_range().end;
        let old_range = byte_range(&old_starts, old_lines, original.len());
        let new_range = byte_range(&new_starts, new_lines, proposed.len());
        out.push(Hunk { id: out.len(), old_text: original[old_range.clone()].to_string(), new_text: proposed[new_range].to_string(), old_range });
    }
    out
}

/// `original` with the hunks whose ids are in `selected` applied (all others left as they were).
pub fn apply(original: &str, hunks: &[Hunk], selected: &[usize]) -> String {
    let mut out = String::with_capacity(original.len());
    let mut cursor = 0;
    for hunk in hunks.iter().filter(|h| selected.contains(&h.id)) {
        out.push_str(&original[cursor..hunk.old_range.start]);
        out.push_str(&hunk.new_text);
        cursor = hunk.old_range.end;
    }
    out.push_str(&original[cursor..]);
    out
}

/// How the optimized text relates to what the user has now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rebased {
    /// The file is as it was when the run started.
    Unchanged,
    /// The user edited other parts; this text has their edits and the optimization.
    Merged(String),
    /// The user edited the same lines the optimizer changed.
    Conflict { conflicts: usize },
}

/// Merges the optimizer's change (`at_start` → `proposed`) into the user's `current` text.
pub fn rebase(at_start: &str, current: &str, proposed: &str) -> Rebased {
    if at_start == current {
        return Rebased::Unchanged;
    }
    let merge = TextMerge::from_lines(at_start, current, proposed);
    if merge.is_conflicted() { Rebased::Conflict { conflicts: merge.conflict_count() } } else { Rebased::Merged(merge.to_string()) }
}

/// A unified diff for terminals and reports.
pub fn unified(original: &str, proposed: &str, old_name: &str, new_name: &str) -> String {
    TextDiff::from_lines(original, proposed).unified_diff().context_radius(3).header(old_name, new_name).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const BEFORE: &str =
        "import os\n\ndef f(xs):\n    seen = []\n    for x in xs:\n        if x in seen:\n            pass\n    return 1\n\ndef g():\n    return 2\n";
    const AFTER: &str =
        "import os\n\ndef f(xs):\n    seen = set()\n    for x in xs:\n        if x in seen:\n            pass\n    return 1\n\ndef g():\n    return 3\n";

    #[test]
    fn hunks_cover_each_change_and_applying_all_gives_the_proposal() {
        let hunks = hunks(BEFORE, AFTER);
        assert_eq!(hunks.len(), 2);
        assert_eq!(hunks[0].old_text, "    seen = []\n");
        assert_eq!(hunks[0].new_text, "    seen = set()\n");
        assert_eq!(&BEFORE[hunks[1].old_range.clone()], "    return 2\n");
        assert_eq!(apply(BEFORE, &hunks, &[0, 1]), AFTER);
        assert_eq!(apply(BEFORE, &hunks, &[]), BEFORE);
    }

    #[test]
    fn applying_some_hunks_leaves_the_others_as_they_were() {
        let hunks = hunks(BEFORE, AFTER);
        let partial = apply(BEFORE, &hunks, &[1]);
        assert!(partial.contains("seen = []") && partial.contains("return 3"));
    }

    #[test]
    fn no_change_means_no_hunks_and_missing_final_newlines_are_handled() {
        assert!(hunks(BEFORE, BEFORE).is_empty());
        let hunks = hunks("a\nb", "a\nc");
        assert_eq!(apply("a\nb", &hunks, &[0]), "a\nc");
    }

    #[test]
    fn edits_elsewhere_merge_and_edits_in_the_same_place_conflict() {
        let user = BEFORE.replace("import os\n", "import os\nimport sys\n");
        match rebase(BEFORE, &user, AFTER) {
            Rebased::Merged(text) => assert!(text.contains("import sys") && text.contains("seen = set()")),
            other => panic!("{other:?}"),
        }
        let clash = BEFORE.replace("seen = []", "seen = list()");
        assert!(matches!(rebase(BEFORE, &clash, AFTER), Rebased::Conflict { conflicts: 1 }));
        assert_eq!(rebase(BEFORE, BEFORE, AFTER), Rebased::Unchanged);
    }

    #[test]
    fn unified_diff_names_both_sides() {
        let text = unified(BEFORE, AFTER, "a/m.py", "b/m.py");
        assert!(text.contains("--- a/m.py") && text.contains("+    seen = set()"));
    }
}
