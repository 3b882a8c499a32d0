//! The prose of each reason: one reason per kind and function, at its first occurrence.

use super::functions::Finding;
use crate::analysis::{Reason, ReasonKind};
use std::collections::BTreeMap;

/// Turns raw findings into one reason per kind (first occurrence, with a count when repeated).
pub(super) fn reasons(function: &str, findings: BTreeMap<ReasonKind, Vec<Finding>>) -> Vec<Reason> {
    let mut reasons: Vec<Reason> = findings
        .into_iter()
        .filter_map(|(kind, found)| {
            let first = found.first()?;
            let more = match found.len() {
                1 => String::new(),
                n => format!(" ({n} places in this function)"),
            };
            let detail = &first.detail;
            let message = match kind {
                ReasonKind::NestedLoops => format!(
                    "Loops nested {detail} deep: the innermost body runs once per combination of outer iterations, \
                     so the work grows multiplicatively with input size."
                ),
                ReasonKind::ListMembershipInLoop => format!("{detail} scans the whole list on every loop iteration{more}; a HashSet makes each lookup O(1)."),
                ReasonKind::StringConcatInLoop => format!(
                    "The string {detail} grows inside a loop without reserved capacity{more}, reallocating and copying \
                     as it grows; use String::with_capacity, or collect the parts and join them."
                ),
                ReasonKind::FrontOfListOpInLoop => format!(
                    "{detail} inside a loop shifts every remaining element each time{more}; a VecDeque works at the \
                     front in O(1)."
                ),
                ReasonKind::UncachedRecursion => format!(
                    "`{function}` calls itself without memoization; when subproblems overlap they are recomputed, \
                     which caching results (a HashMap memo) or iterating bottom-up avoids."
                ),
                ReasonKind::SortInLoop => format!(
                    "{detail} sorts on every loop iteration{more} (O(n log n) each time); sort once outside the loop \
                     or keep the data ordered (BinaryHeap, BTreeSet)."
                ),
                ReasonKind::RegexInLoop => format!(
                    "`{detail}` compiles the pattern on every loop iteration{more}; compile it once outside the loop \
                     (or in a static LazyLock)."
                ),
                ReasonKind::AllocationInLoop => format!(
                    "{detail} allocates on every loop iteration{more}; reuse a buffer, reserve capacity, or borrow \
                     instead of copying."
                ),
                ReasonKind::SortForMinMax => format!(
                    "`{detail}` is sorted only to read its first or last element{more}; iter().min()/max() finds it \
                     in O(n) instead of O(n log n)."
                ),
                ReasonKind::AppendInLoop => format!("{detail} is appended to in a loop{more}."),
            };
            // Growth of a String or Vec is amortised linear and an allocation per iteration a constant factor; nesting
            // is most often the algorithm (DP tables, all pairs). Alone, they are hints rather than lenses.
            let hint = first.hint
                || matches!(kind, ReasonKind::NestedLoops | ReasonKind::AppendInLoop | ReasonKind::AllocationInLoop | ReasonKind::StringConcatInLoop);
            Some(Reason { kind, message, range: first.range.clone(), hint })
        })
        .collect();
    reasons.sort_by_key(|r| (r.range.start, r.kind));
    reasons
}
