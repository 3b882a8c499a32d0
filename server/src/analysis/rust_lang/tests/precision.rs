//! Shapes seen as false alarms in widely used crates stay without a lens: scans of hash buckets and collections of
//! unknown kind, front operations on bounded child arrays or followed by `break`, loop shapes, iterator `next()`
//! calling an inner `next()`; a scan of a known `Vec` still fires.

use super::analyze;
use crate::analysis::ReasonKind;

fn flagged(source: &str) -> bool {
    let analysis = analyze(source);
    assert_eq!(analysis.functions.len(), 1, "expected one function in {source}");
    analysis.functions[0].is_flagged()
}

#[test]
fn scans_and_shifts_of_collections_of_unknown_kind_or_done_once_stay_quiet() {
    let quiet = [
        // similar's QuickSeqRatio: a hash bucket from a map entry.
        "fn f(map: &mut HashMap<u64, Vec<(u32, u32)>>, items: &[u32]) { for x in items { let bucket = map.entry(h(x)).or_default(); if let Some(e) = bucket.iter_mut().find(|e| e.0 == *x) { e.1 += 1; } else { bucket.push((*x, 1)); } } }",
        // ropey's NodeChildren: a bounded array type the parser cannot see into.
        "fn f(children_r: &mut NodeChildren, n: usize) { for _ in 0..n { let c = children_r.remove(0); push(c); } }",
        // An insert at the front that leaves the loop right after.
        "fn f(stack: &mut Vec<u32>, xs: &[u32]) { for x in xs { if split(*x) { stack.insert(0, *x); break; } } }",
        // Loop shapes alone.
        "fn f(a: &[u32], b: &[u32]) -> u32 { let mut t = 0; for x in a { for y in b { t += x * y; } } t }",
        "fn f(words: &[String]) -> Vec<String> { let mut out = Vec::new(); for w in words { out.push(w.clone()); } out }",
    ];
    for source in quiet {
        assert!(!flagged(source), "{source}\n{:?}", analyze(source).functions[0].reasons);
    }
    let iterator = "struct It { inner: std::vec::IntoIter<u32> }\nimpl Iterator for It {\n    type Item = u32;\n    fn next(&mut self) -> Option<u32> { loop { let x = self.inner.next()?; if x > 0 { return Some(x); } } }\n}\n";
    assert!(analyze(iterator).functions.iter().all(|f| !f.is_flagged()), "{iterator}");
}

#[test]
fn scans_of_a_known_vec_in_a_loop_still_fire() {
    for source in [
        "fn f(a: &[i32], b: &[i32]) -> usize { let mut n = 0; for x in a { if b.iter().any(|y| y == x) { n += 1; } } n }",
        "fn f(items: &[String]) -> Vec<String> { let mut seen: Vec<String> = Vec::new(); for it in items { if !seen.iter().any(|s| s == it) { seen.push(it.clone()); } } seen }",
        "fn f(mut q: Vec<u32>) -> u32 { let mut t = 0; while !q.is_empty() { t += q.remove(0); } t }",
    ] {
        let analysis = analyze(source);
        let f = &analysis.functions[0];
        assert!(f.is_flagged(), "{source}\n{:?}", f.reasons);
        assert!(f.reasons.iter().any(|r| !r.hint && matches!(r.kind, ReasonKind::ListMembershipInLoop | ReasonKind::FrontOfListOpInLoop)), "{source}");
    }
}
