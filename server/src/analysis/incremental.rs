//! Re-analysis after an edit: when every edit falls inside one function (a top-level function or
//! a method of a module-level class), only that function is walked again and the rest of the
//! previous analysis is kept, shifted by the edit's length change. Anything else is analysed
//! whole. The result always equals a whole-file analysis of the new text.

use super::{ByteRange, FileAnalysis, Language, analyze_tree, python};
use tree_sitter::{InputEdit, Tree};

/// The analysis of `source` (parsed as `new_tree`), reusing `previous` (the analysis before
/// `edits`) where the edits cannot have changed it. `old_tree` is the tree `previous` was made
/// from, with `edits` applied through `Tree::edit` (the tree an incremental reparse starts from).
pub fn reanalyze(
    language: Language,
    previous: &FileAnalysis,
    old_tree: Option<&Tree>,
    new_tree: Option<&Tree>,
    source: &str,
    edits: &[InputEdit],
) -> FileAnalysis {
    reanalyze_locally(language, previous, old_tree, new_tree, source, edits).unwrap_or_else(|| analyze_tree(language, new_tree, source))
}

/// The incremental path alone: `None` when the edits need a whole-file analysis.
pub fn reanalyze_locally(
    language: Language,
    previous: &FileAnalysis,
    old_tree: Option<&Tree>,
    new_tree: Option<&Tree>,
    source: &str,
    edits: &[InputEdit],
) -> Option<FileAnalysis> {
    let (old_tree, new_tree) = (old_tree?, new_tree?);
    // Error recovery can reshape a tree far from the edit; only clean trees are patched.
    if language != Language::Python || previous.language != language || previous.has_errors {
        return None;
    }
    if new_tree.root_node().has_error() {
        return None;
    }
    let span = EditSpan::of(edits)?;
    let unit = python::reanalyze_unit(new_tree, source, span.start..span.new_end)?;
    let delta = span.new_end as isize - span.old_end as isize;
    let old_end = usize::try_from(unit.range.end as isize - delta).ok()?;
    let old_range = unit.range.start..old_end;
    // Outside the function, the new tree must have the old structure (tokens merely shifted).
    if !old_tree.changed_ranges(new_tree).all(|r| unit.range.start <= r.start_byte && r.end_byte <= unit.range.end) {
        return None;
    }
    // The old analysis must hold the same function over the matching old bytes, under the same
    // name: its name is bound in the enclosing scope, which later functions may read.
    let own = unit.functions.first()?;
    let old_own = previous.functions.iter().find(|f| f.range == old_range)?;
    if (&old_own.name, &old_own.qualified_name, &old_own.container) != (&own.name, &own.qualified_name, &own.container) {
        return None;
    }
    let shift = Shift { old: old_range, delta };
    let functions = shift.splice(
        &previous.functions,
        unit.functions,
        |f| &f.range,
        |f, s| {
            s.apply(&mut f.range);
            s.apply(&mut f.name_range);
            for reason in &mut f.reasons {
                s.apply(&mut reason.range);
            }
        },
    )?;
    let symbols = shift.splice(&previous.symbols, unit.symbols, |s| &s.range, |s, shift| shift.apply(&mut s.range))?;
    let imports = shift.splice(&previous.imports, unit.imports, |i| &i.range, |i, shift| shift.apply(&mut i.range))?;
    Some(FileAnalysis { language, functions, symbols, imports, child_modules: previous.child_modules.clone(), has_errors: false })
}

/// The bytes a sequence of edits touched: `start..old_end` in the old text became
/// `start..new_end` in the new one; everything after moved by the same amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EditSpan {
    start: usize,
    old_end: usize,
    new_end: usize,
}

impl EditSpan {
    /// Combines edits given in order, each in the coordinates of the text the previous ones left.
    fn of(edits: &[InputEdit]) -> Option<EditSpan> {
        let (first, rest) = edits.split_first()?;
        let valid = |e: &InputEdit| e.start_byte <= e.old_end_byte && e.start_byte <= e.new_end_byte;
        if !edits.iter().all(valid) {
            return None;
        }
        let mut span = EditSpan { start: first.start_byte, old_end: first.old_end_byte, new_end: first.new_end_byte };
        for edit in rest {
            // Before `span.start` and after `span.new_end` the current text equals the old one
            // (the latter shifted), so the touched regions merge into one.
            let old_end = if edit.old_end_byte > span.new_end { span.old_end + (edit.old_end_byte - span.new_end) } else { span.old_end };
            let current_end = span.new_end.max(edit.old_end_byte);
            span = EditSpan { start: span.start.min(edit.start_byte), old_end, new_end: (current_end + edit.new_end_byte).checked_sub(edit.old_end_byte)? };
        }
        Some(span)
    }
}

/// How positions of the old text map to the new one outside the re-analysed function `old`.
struct Shift {
    old: ByteRange,
    delta: isize,
}

impl Shift {
    fn apply(&self, range: &mut ByteRange) {
        let map = |p: usize| if p >= self.old.end { (p as isize + self.delta) as usize } else { p };
        *range = map(range.start)..map(range.end);
    }

    /// `previous` (in source order) with the items inside the old function replaced by `fresh`
    /// and the others shifted; `None` if an item overlaps the function without containing it.
    fn splice<T: Clone>(&self, previous: &[T], fresh: Vec<T>, range_of: impl Fn(&T) -> &ByteRange, shift: impl Fn(&mut T, &Shift)) -> Option<Vec<T>> {
        let mut out = Vec::with_capacity(previous.len() + fresh.len());
        let mut fresh = Some(fresh);
        for item in previous {
            let range = range_of(item);
            let before = range.end <= self.old.start;
            let after = range.start >= self.old.end;
            let inside = self.old.start <= range.start && range.end <= self.old.end;
            let contains = range.start <= self.old.start && self.old.end <= range.end;
            if inside || after {
                out.extend(fresh.take().into_iter().flatten());
            }
            if inside {
                continue;
            }
            if !(before || after || contains) {
                return None;
            }
            let mut kept = item.clone();
            shift(&mut kept, self);
            out.push(kept);
        }
        out.extend(fresh.into_iter().flatten());
        Some(out)
    }
}

#[cfg(test)]
mod tests;
