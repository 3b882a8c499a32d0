//! Each optimizability reason fires on its pattern, and stays quiet on look-alikes.

use super::{analyze, has_reason, kinds_of};
use crate::analysis::ReasonKind;

#[test]
fn nested_for_loops_are_reported_at_the_outer_loop() {
    let source = "fn pairs(a: &[i32], b: &[i32]) -> usize {\n    let mut n = 0;\n    for x in a {\n        for y in b {\n            if x == y { n += 1; }\n        }\n    }\n    n\n}\n";
    let analysis = analyze(source);
    let f = &analysis.functions[0];
    let reason = f.reasons.iter().find(|r| r.kind == ReasonKind::NestedLoops).expect("nested loops");
    assert!(source[reason.range.clone()].starts_with("for x in a"));
    assert!(reason.message.contains("2 levels"), "{}", reason.message);
    // No offline rewrite for Rust nests, and most nests in crates are the algorithm: a hint, not a lens.
    assert!(reason.hint && !f.is_flagged());
    assert!(f.score >= ReasonKind::NestedLoops.weight());
}

#[test]
fn while_inside_loop_counts_as_nesting_and_depth_three_is_reported() {
    let source = "fn f(n: usize) { let mut i = 0; loop { while i < n { for _ in 0..n { i += 1; } } break; } }";
    let analysis = analyze(source);
    let reason = analysis.functions[0].reasons.iter().find(|r| r.kind == ReasonKind::NestedLoops).unwrap();
    assert!(reason.message.contains("3 levels"), "{}", reason.message);
}

#[test]
fn iterator_closure_inside_iterator_closure_counts_as_nested_loops() {
    let source = "fn f(a: &[i32], b: &[i32]) -> Vec<i32> { a.iter().map(|x| b.iter().filter(|y| *y > x).count() as i32).collect() }";
    assert!(has_reason(source, ReasonKind::NestedLoops));
}

#[test]
fn single_loop_and_option_map_are_not_nested() {
    let source = "fn f(a: &[Option<i32>]) -> i32 { let mut t = 0; for x in a { t += x.map(|v| v * 2).unwrap_or(0); } t }";
    assert!(!has_reason(source, ReasonKind::NestedLoops));
    let source = "fn f(a: &[i32]) -> i32 { let mut t = 0; for x in a { t += x; } for y in a { t -= y; } t }";
    assert!(!has_reason(source, ReasonKind::NestedLoops));
}

#[test]
fn vec_contains_in_loop_is_list_membership() {
    let source = "fn common(a: &[u32], b: Vec<u32>) -> usize {\n    let mut n = 0;\n    for x in a {\n        if b.contains(x) { n += 1; }\n    }\n    n\n}\n";
    let analysis = analyze(source);
    let reason = analysis.functions[0].reasons.iter().find(|r| r.kind == ReasonKind::ListMembershipInLoop).unwrap();
    assert_eq!(&source[reason.range.clone()], "b.contains(x)");
    assert!(reason.message.contains("HashSet"), "{}", reason.message);
}

#[test]
fn local_vec_contains_and_iter_any_equality_in_loop_are_list_membership() {
    let source = "fn dedup(items: &[String]) -> Vec<String> { let mut seen = Vec::new(); let mut out = vec![]; for it in items { if !seen.contains(it) { seen.push(it.clone()); out.push(it.clone()); } } out }";
    assert!(has_reason(source, ReasonKind::ListMembershipInLoop));
    let source = "fn f(a: &[i32], b: &[i32]) -> usize { let mut n = 0; for x in a { if b.iter().any(|y| y == x) { n += 1; } } n }";
    let kinds = kinds_of(source);
    assert!(kinds.contains(&ReasonKind::ListMembershipInLoop), "{kinds:?}");
    assert!(!kinds.contains(&ReasonKind::NestedLoops), "the search is reported once, as membership: {kinds:?}");
}

#[test]
fn hashset_contains_and_unknown_receivers_stay_quiet() {
    let source = "use std::collections::HashSet;\nfn f(a: &[u32], b: &HashSet<u32>) -> usize { let mut n = 0; for x in a { if b.contains(x) { n += 1; } } n }";
    assert!(!has_reason(source, ReasonKind::ListMembershipInLoop));
    let source =
        "fn f(a: &[u32]) -> usize { let set: HashSet<u32> = a.iter().copied().collect(); let mut n = 0; for x in a { if set.contains(x) { n += 1; } } n }";
    assert!(!has_reason(source, ReasonKind::ListMembershipInLoop));
    let source = "fn f(lines: &[&str]) -> usize { let mut n = 0; for l in lines { if l.contains(\"x\") { n += 1; } } n }";
    assert!(!has_reason(source, ReasonKind::ListMembershipInLoop));
}

#[test]
fn self_field_vec_contains_uses_the_struct_field_type() {
    let source = "struct Reg { names: Vec<String>, index: HashSet<String> }\nimpl Reg {\n    fn a(&self, q: &[String]) -> usize { let mut n = 0; for s in q { if self.names.contains(s) { n += 1; } } n }\n    fn b(&self, q: &[String]) -> usize { let mut n = 0; for s in q { if self.index.contains(s) { n += 1; } } n }\n}\n";
    let analysis = analyze(source);
    let kinds = |name: &str| -> Vec<ReasonKind> { super::function(&analysis, name).reasons.iter().map(|r| r.kind).collect() };
    assert!(kinds("Reg::a").contains(&ReasonKind::ListMembershipInLoop));
    assert!(!kinds("Reg::b").contains(&ReasonKind::ListMembershipInLoop));
}

#[test]
fn string_growth_in_loop_is_string_concat() {
    for body in [
        "let mut s = String::new(); for w in words { s += &w; } s",
        "let mut s = String::new(); for w in words { s.push_str(&w); } s",
        "let mut s = String::new(); for w in words { s = s + &w; } s",
        "let mut s = String::new(); for w in words { s = format!(\"{}{}\", s, w); } s",
        "let mut s = String::from(\"x\"); for w in words { s += \", \"; s += &w; } s",
    ] {
        let source = format!("fn join(words: Vec<String>) -> String {{ {body} }}");
        let kinds = kinds_of(&source);
        assert!(kinds.contains(&ReasonKind::StringConcatInLoop), "{body}: {kinds:?}");
        assert!(!kinds.contains(&ReasonKind::AllocationInLoop) || body.contains("w.clone"), "{body}: {kinds:?}");
    }
}

#[test]
fn reserved_strings_numbers_and_per_iteration_strings_are_not_string_concat() {
    for body in [
        "let mut s = String::with_capacity(64); for w in words { s.push_str(&w); } s",
        "let mut total = 0; for w in words { total += w.len(); total = total + 1; } total.to_string()",
        "let mut last = String::new(); for w in words { let mut line = String::new(); line.push_str(&w); last = line; } last",
    ] {
        let source = format!("fn join(words: Vec<String>) -> String {{ {body} }}");
        assert!(!has_reason(&source, ReasonKind::StringConcatInLoop), "{body}");
    }
}

#[test]
fn front_of_vec_operations_in_loop_are_reported() {
    let source = "fn drain(mut q: Vec<u32>) -> u32 { let mut t = 0; while !q.is_empty() { t += q.remove(0); } t }";
    assert!(has_reason(source, ReasonKind::FrontOfListOpInLoop));
    let source = "fn rev(a: &[u32]) -> Vec<u32> { let mut out = Vec::with_capacity(a.len()); for x in a { out.insert(0, *x); } out }";
    assert!(has_reason(source, ReasonKind::FrontOfListOpInLoop));
}

#[test]
fn front_operations_on_deques_maps_or_outside_loops_stay_quiet() {
    let source = "fn f(mut q: VecDeque<u32>) -> u32 { let mut t = 0; while !q.is_empty() { t += q.remove(0).unwrap(); } t }";
    assert!(!has_reason(source, ReasonKind::FrontOfListOpInLoop));
    let source = "fn f(a: &[u32]) -> HashMap<u32, u32> { let mut m = HashMap::new(); for x in a { m.insert(0, *x); } m }";
    assert!(!has_reason(source, ReasonKind::FrontOfListOpInLoop));
    let source = "fn f(mut v: Vec<u32>) -> u32 { let first = v.remove(0); first + v.len() as u32 }";
    assert!(!has_reason(source, ReasonKind::FrontOfListOpInLoop));
}

#[test]
fn self_recursion_without_memo_is_uncached_recursion() {
    let source = "fn fib(n: u64) -> u64 {\n    if n < 2 { return n; }\n    fib(n - 1) + fib(n - 2)\n}\n";
    let analysis = analyze(source);
    let f = &analysis.functions[0];
    let reason = f.reasons.iter().find(|r| r.kind == ReasonKind::UncachedRecursion).expect("recursion");
    assert_eq!(&source[reason.range.clone()], "fib(n - 1)");
    assert!(reason.message.contains("`fib`"), "{}", reason.message);
    assert!(!f.trivial);
    assert!(f.is_flagged());
}

#[test]
fn recursion_that_cannot_overlap_is_only_a_hint() {
    let shapes = [
        // Argument swap, then the real work (the edit-distance crate's shape).
        "fn d(a: &str, b: &str) -> usize { if a.len() < b.len() { return d(b, a); } a.len() - b.len() }",
        // A descent over a tree: each node once.
        "struct N { l: Option<Box<N>>, r: Option<Box<N>> }\nfn size(n: &N) -> usize { 1 + n.l.as_ref().map_or(0, |l| size(l)) + n.r.as_ref().map_or(0, |r| size(r)) }",
        // A single chain.
        "fn fact(n: u64) -> u64 { if n == 0 { 1 } else { n * fact(n - 1) } }",
    ];
    for source in shapes {
        let analysis = analyze(source);
        let f = analysis.functions.last().expect("a function");
        let reason = f.reasons.iter().find(|r| r.kind == ReasonKind::UncachedRecursion).expect("recursion");
        assert!(reason.hint && !f.is_flagged(), "{source}");
    }
}

#[test]
fn method_recursion_through_self_and_self_type_is_detected() {
    let source = "struct T;\nimpl T {\n    fn walk(&self, n: u32) -> u32 { if n == 0 { 0 } else { self.walk(n - 1) + self.walk(n - 2) } }\n    fn count(n: u32) -> u32 { if n == 0 { 1 } else { Self::count(n - 1) * 2 } }\n    fn other(&self, n: u32) -> u32 { if n == 0 { 1 } else { T::other(self, n - 1) } }\n}\n";
    let analysis = analyze(source);
    for name in ["T::walk", "T::count", "T::other"] {
        let kinds: Vec<_> = super::function(&analysis, name).reasons.iter().map(|r| r.kind).collect();
        assert!(kinds.contains(&ReasonKind::UncachedRecursion), "{name}: {kinds:?}");
    }
}

#[test]
fn recursion_inside_a_macro_is_detected() {
    let source = "fn count(n: u32) -> u32 { if n == 0 { return 0; } dbg!(count(n - 1)) + 1 }";
    assert!(has_reason(source, ReasonKind::UncachedRecursion));
}

#[test]
fn memoized_recursion_and_calls_to_other_functions_are_not_uncached() {
    let source = "fn fib(n: u64, memo: &mut HashMap<u64, u64>) -> u64 { if n < 2 { return n; } if let Some(v) = memo.get(&n) { return *v; } let v = fib(n - 1, memo) + fib(n - 2, memo); memo.insert(n, v); v }";
    assert!(!has_reason(source, ReasonKind::UncachedRecursion));
    let source =
        "fn fib(n: u64, seen: &mut HashMap<u64, u64>) -> u64 { if n < 2 { return n; } let v = fib(n - 1, seen) + fib(n - 2, seen); seen.insert(n, v); v }";
    assert!(!has_reason(source, ReasonKind::UncachedRecursion));
    let source = "#[cached]\nfn fib(n: u64) -> u64 { if n < 2 { return n; } fib(n - 1) + fib(n - 2) }";
    assert!(!has_reason(source, ReasonKind::UncachedRecursion));
    let source = "struct S;\nimpl S { fn len(&self) -> usize { let v = vec![1]; v.len() + self.other.len() } }";
    assert!(!has_reason(source, ReasonKind::UncachedRecursion));
}

#[test]
fn sorting_in_a_loop_is_reported_for_every_sort_flavour() {
    for call in ["v.sort()", "v.sort_by(|a, b| b.cmp(a))", "v.sort_unstable()", "v.sort_by_key(|x| *x)", "v.sort_unstable_by_key(|x| *x)"] {
        let source = format!("fn f(mut v: Vec<i32>, xs: &[i32]) -> i32 {{ let mut t = 0; for x in xs {{ v.push(*x); {call}; t += v[v.len() / 2]; }} t }}");
        assert!(has_reason(&source, ReasonKind::SortInLoop), "{call}");
    }
    let source = "fn f(mut v: Vec<i32>) -> Vec<i32> { v.sort(); v.dedup(); v }";
    assert!(!has_reason(source, ReasonKind::SortInLoop));
}

#[test]
fn regex_compiled_in_a_loop_is_reported() {
    let source = "fn f(lines: &[&str]) -> usize { let mut n = 0; for l in lines { let re = Regex::new(r\"\\d+\").unwrap(); if re.is_match(l) { n += 1; } } n }";
    assert!(has_reason(source, ReasonKind::RegexInLoop));
    let source =
        "fn f(lines: &[&str]) -> usize { let re = regex::Regex::new(r\"\\d+\").unwrap(); let mut n = 0; for l in lines { if re.is_match(l) { n += 1; } } n }";
    assert!(!has_reason(source, ReasonKind::RegexInLoop));
}

#[test]
fn allocations_in_loop_bodies_are_reported() {
    for statement in [
        "let c = s.clone(); out.push_str(&c);",
        "let t = s.to_string(); n += t.len();",
        "let v: Vec<char> = s.chars().collect(); n += v.len();",
        "let f = format!(\"{s}!\"); n += f.len();",
        "let o = s.to_owned(); n += o.len();",
    ] {
        let source = format!("fn f(items: &[String], out: &mut String) -> usize {{ let mut n = 0; for s in items {{ {statement} }} n }}");
        assert!(has_reason(&source, ReasonKind::AllocationInLoop), "{statement}");
    }
}

#[test]
fn pushing_into_a_vec_created_without_capacity_is_reported() {
    let source = "fn squares(n: usize) -> Vec<usize> { let mut out = Vec::new(); for i in 0..n { out.push(i * i); } out }";
    let analysis = analyze(source);
    let reason = analysis.functions[0].reasons.iter().find(|r| r.kind == ReasonKind::AllocationInLoop).unwrap();
    assert_eq!(&source[reason.range.clone()], "out.push(i * i)");
    let source = "fn squares(n: usize) -> Vec<usize> { let mut out = vec![]; for i in 0..n { out.push(i * i); } out }";
    assert!(has_reason(source, ReasonKind::AllocationInLoop));
}

#[test]
fn with_capacity_reserve_and_clones_outside_loops_are_not_allocations_in_loop() {
    for body in [
        "let mut out = Vec::with_capacity(n); for i in 0..n { out.push(i); } out",
        "let mut out = Vec::new(); out.reserve(n); for i in 0..n { out.push(i); } out",
        "let base = names.clone(); let mut out = Vec::with_capacity(n); for i in 0..n { out.push(i + base.len()); } out",
        "let label = n.to_string(); (0..n).map(|i| i + label.len()).collect()",
        "names.iter().map(|s| s.len()).collect()",
    ] {
        let source = format!("fn f(n: usize, names: &Vec<String>) -> Vec<usize> {{ {body} }}");
        assert!(!has_reason(&source, ReasonKind::AllocationInLoop), "{body}");
    }
}

#[test]
fn clone_in_the_loop_header_is_not_per_iteration() {
    let source = "fn f(v: &Vec<u32>) -> u32 { let mut t = 0; for x in v.clone() { t += x; } t }";
    assert!(!has_reason(source, ReasonKind::AllocationInLoop));
}

#[test]
fn sorting_to_read_the_first_or_last_element_is_sort_for_min_max() {
    for read in ["v[0]", "*v.first().unwrap()", "*v.last().unwrap()", "v[v.len() - 1]"] {
        let source = format!("fn smallest(mut v: Vec<i32>) -> i32 {{ v.sort(); {read} }}");
        let analysis = analyze(&source);
        let f = &analysis.functions[0];
        assert!(f.reasons.iter().any(|r| r.kind == ReasonKind::SortForMinMax), "{read}");
        assert!(f.is_flagged(), "a short function with a finding is still flagged: {read}");
    }
}

#[test]
fn sorting_and_reading_the_middle_is_not_sort_for_min_max() {
    let source = "fn median(mut v: Vec<i32>) -> (i32, i32) { v.sort(); (v[0], v[v.len() / 2]) }";
    assert!(!has_reason(source, ReasonKind::SortForMinMax));
}

#[test]
fn trivial_getters_and_constructors_are_not_flagged() {
    let source = "pub struct P { x: i32, y: i32, name: String }\nimpl P {\n    pub fn new(x: i32, y: i32, name: String) -> Self { Self { x, y, name } }\n    pub fn x(&self) -> i32 { self.x }\n    pub fn name(&self) -> String { self.name.clone() }\n    pub fn sum(&self) -> i32 { let s = self.x + self.y; s }\n}\n";
    let analysis = analyze(source);
    for name in ["P::new", "P::x", "P::name", "P::sum"] {
        let f = super::function(&analysis, name);
        assert!(f.trivial, "{name} should be trivial");
        assert!(!f.is_flagged(), "{name}");
        assert_eq!(f.score, 0, "{name}");
    }
}

#[test]
fn functions_with_loops_are_not_trivial() {
    let source = "fn total(v: &[i32]) -> i32 { let mut t = 0; for x in v { t += x; } t }";
    let analysis = analyze(source);
    assert!(!analysis.functions[0].trivial);
    assert!(analysis.functions[0].reasons.is_empty());
    assert!(!analysis.functions[0].is_flagged());
}

#[test]
fn repeated_findings_of_one_kind_become_one_reason_with_a_count() {
    let source = "fn f(items: &[String]) -> usize { let mut n = 0; for s in items { let a = s.clone(); let b = s.clone(); n += a.len() + b.len(); } n }";
    let analysis = analyze(source);
    let allocations: Vec<_> = analysis.functions[0].reasons.iter().filter(|r| r.kind == ReasonKind::AllocationInLoop).collect();
    assert_eq!(allocations.len(), 1);
    assert!(allocations[0].message.contains("2 places"), "{}", allocations[0].message);
}

#[test]
fn trait_impls_delegating_to_another_impl_of_the_same_method_are_not_recursion() {
    let source = "struct R;\nimpl From<R> for String {\n    fn from(r: R) -> Self { String::from(&r) }\n}\nimpl From<&R> for String {\n    fn from(r: &R) -> Self { Self::from(\"x\") }\n}\n";
    let analysis = analyze(source);
    assert_eq!(analysis.functions.len(), 2);
    for f in &analysis.functions {
        assert!(f.reasons.iter().all(|r| r.kind != ReasonKind::UncachedRecursion), "{}", f.qualified_name);
    }
}

#[test]
fn front_removal_message_names_the_receiver_and_the_call() {
    let source = "fn f(mut queue: Vec<u32>) -> u32 { let mut t = 0; while let Some(_) = queue.first() { t += queue.remove(0); } t }";
    let analysis = analyze(source);
    let reason = analysis.functions[0].reasons.iter().find(|r| r.kind == ReasonKind::FrontOfListOpInLoop).unwrap();
    assert!(reason.message.starts_with("`queue.remove(0)` inside a loop"), "{}", reason.message);
    assert!(reason.message.contains("VecDeque"));
}

#[test]
fn comparing_elements_with_a_constant_is_not_membership() {
    let source = "fn f(rows: &[Vec<u8>]) -> usize { let mut n = 0; for r in rows { if r.iter().all(|&d| d == b'0') { n += 1; } } n }";
    assert!(!has_reason(source, ReasonKind::ListMembershipInLoop));
}

#[test]
fn test_functions_and_cfg_test_modules_are_analysed_but_never_flagged() {
    let source = "#[test]\nfn t() { let mut v = Vec::new(); for i in 0..3 { for j in 0..3 { v.push(format!(\"{i}{j}\")); } } }\n#[cfg(test)]\nmod tests {\n    fn helper(n: u64) -> u64 { if n == 0 { 0 } else { helper(n - 1) + helper(n - 2) } }\n}\nfn real(n: u64) -> u64 { if n == 0 { 0 } else { real(n - 1) + real(n - 2) } }\n";
    let analysis = analyze(source);
    for name in ["t", "tests::helper"] {
        let f = super::function(&analysis, name);
        assert!(f.reasons.is_empty() && !f.is_flagged(), "{name}");
    }
    assert!(super::function(&analysis, "real").is_flagged());
}
