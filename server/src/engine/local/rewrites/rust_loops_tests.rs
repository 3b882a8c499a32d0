//! Before/after and no-op cases for the Rust loop rewrites (`rust_loops.rs`, `rust_strings.rs`).

use super::loops::{dedup_hashset, sort_once};
use super::strings::{collect_then_iterate, format_write};

type Apply = fn(&str, Option<&str>) -> Option<String>;

fn assert_rewrites(apply: Apply, before: &str, after: &str) {
    assert_eq!(apply(before, None).as_deref(), Some(after), "rewrite of:\n{before}");
}

fn assert_stays(apply: Apply, cases: &[(&str, &str)]) {
    for (why, source) in cases {
        assert_eq!(apply(source, None), None, "{why}:\n{source}");
    }
}

#[test]
fn dedup_into_a_vec_keeps_a_hashset_in_step() {
    let before = "fn unique(xs: &[u32]) -> Vec<u32> {\n    let mut out = Vec::new();\n    for x in xs {\n        if !out.contains(x) {\n            out.push(*x);\n        }\n    }\n    out\n}\n";
    let after = "fn unique(xs: &[u32]) -> Vec<u32> {\n    let mut out = Vec::new();\n    let mut seen = std::collections::HashSet::new();\n    for x in xs {\n        if !seen.contains(x) {\n            seen.insert(x.clone());\n            out.push(*x);\n        }\n    }\n    out\n}\n";
    assert_rewrites(dedup_hashset, before, after);
    let owned = "fn unique(words: Vec<String>) -> Vec<String> {\n    let mut out: Vec<String> = Vec::new();\n    for w in words {\n        if !out.contains(&w) {\n            out.push(w);\n        }\n    }\n    out\n}\n";
    let owned_after = "fn unique(words: Vec<String>) -> Vec<String> {\n    let mut out: Vec<String> = Vec::new();\n    let mut seen = std::collections::HashSet::new();\n    for w in words {\n        if !seen.contains(&w) {\n            seen.insert(w.clone());\n            out.push(w);\n        }\n    }\n    out\n}\n";
    assert_rewrites(dedup_hashset, owned, owned_after);
}

#[test]
fn dedup_of_references_inserts_a_copy_of_the_same_type() {
    // `x` is `&u32` and so is the element: `x.clone()` would be a `u32`, `Clone::clone(&x)` is the `&u32`.
    let before =
        "fn unique(xs: &[u32]) -> Vec<&u32> {\n    let mut out = vec![];\n    for x in xs.iter() { if !out.contains(&x) { out.push(x); } }\n    out\n}\n";
    let after = "fn unique(xs: &[u32]) -> Vec<&u32> {\n    let mut out = vec![];\n    let mut seen = std::collections::HashSet::new();\n    for x in xs.iter() { if !seen.contains(&x) { seen.insert(Clone::clone(&x)); out.push(x); } }\n    out\n}\n";
    assert_rewrites(dedup_hashset, before, after);
    let tuples = "fn f(ps: &[(u8, char)]) -> Vec<(u8, char)> { let mut v = Vec::with_capacity(ps.len()); for p in ps.iter().copied() { if !v.contains(&p) { v.push(p); } } v }\n";
    assert!(dedup_hashset(tuples, None).is_some_and(|r| r.contains("seen.insert(p.clone()); v.push(p);")));
}

#[test]
fn dedup_without_an_evident_hashable_element_or_with_other_uses_stays() {
    assert_stays(
        dedup_hashset,
        &[
            (
                "element type unknown",
                "fn f(xs: &[Item]) -> Vec<Item> { let mut out = Vec::new(); for x in xs { if !out.contains(x) { out.push(x.clone()); } } out }\n",
            ),
            ("floats are not Hash", "fn f(xs: &[f64]) -> Vec<f64> { let mut out = Vec::new(); for x in xs { if !out.contains(x) { out.push(*x); } } out }\n"),
            (
                "used before the loop",
                "fn f(xs: &[u8]) -> Vec<u8> { let mut out = Vec::new(); out.push(0); for x in xs { if !out.contains(x) { out.push(*x); } } out }\n",
            ),
            (
                "read in the loop",
                "fn f(xs: &[u8]) -> Vec<u8> { let mut out = Vec::new(); for x in xs { if out.len() < 3 && !out.contains(x) { out.push(*x); } } out }\n",
            ),
            ("not empty at first", "fn f(xs: &[u8]) -> Vec<u8> { let mut out = vec![1]; for x in xs { if !out.contains(x) { out.push(*x); } } out }\n"),
            ("pushed outside the if", "fn f(xs: &[u8]) -> Vec<u8> { let mut out = Vec::new(); for x in xs { if !out.contains(x) {} out.push(*x); } out }\n"),
            ("another value pushed", "fn f(xs: &[u8]) -> Vec<u8> { let mut out = Vec::new(); for x in xs { if !out.contains(x) { out.push(x + 1); } } out }\n"),
            ("shadowed", "fn f(xs: &[u8]) -> Vec<u8> { let mut out = Vec::new(); for x in xs { let x = x / 2; if !out.contains(&x) { out.push(x); } } out }\n"),
            (
                "shadowed by a struct pattern",
                "fn f(xs: &[u8], s: S) -> Vec<u8> { let mut out = Vec::new(); for x in xs { if !out.contains(x) { let S { out } = s; out.push(*x); } } out }\n",
            ),
        ],
    );
}

#[test]
fn sort_after_every_push_moves_after_the_loop() {
    let before =
        "fn sorted(xs: &[i64]) -> Vec<i64> {\n    let mut v = Vec::new();\n    for x in xs {\n        v.push(x * 2);\n        v.sort();\n    }\n    v\n}\n";
    let after = "fn sorted(xs: &[i64]) -> Vec<i64> {\n    let mut v = Vec::new();\n    for x in xs {\n        v.push(x * 2);\n    }\n    v.sort();\n    v\n}\n";
    assert_rewrites(sort_once, before, after);
    let keyed = "fn sorted(xs: &[i64]) -> Vec<i64> {\n    let mut v = Vec::new();\n    for x in xs { v.push(*x); v.sort_by_key(|e| std::cmp::Reverse(*e)); }\n    v\n}\n";
    let keyed_after = "fn sorted(xs: &[i64]) -> Vec<i64> {\n    let mut v = Vec::new();\n    for x in xs { v.push(*x); }\n    v.sort_by_key(|e| std::cmp::Reverse(*e));\n    v\n}\n";
    assert_rewrites(sort_once, keyed, keyed_after);
    let nested = "fn f(n: u32) -> Vec<u32> {\n    let mut v = Vec::new();\n    let mut i = 0;\n    while i < n {\n        if i % 3 != 0 {\n            v.extend([i, i * 7 % 5]);\n        }\n        v.sort_unstable();\n        i += 1;\n    }\n    v\n}\n";
    let nested_after = "fn f(n: u32) -> Vec<u32> {\n    let mut v = Vec::new();\n    let mut i = 0;\n    while i < n {\n        if i % 3 != 0 {\n            v.extend([i, i * 7 % 5]);\n        }\n        i += 1;\n    }\n    v.sort_unstable();\n    v\n}\n";
    assert_rewrites(sort_once, nested, nested_after);
}

#[test]
fn sort_in_a_loop_that_reads_the_vec_or_may_leave_early_stays() {
    assert_stays(
        sort_once,
        &[
            ("break", "fn f(xs: &[u8]) -> Vec<u8> { let mut v = Vec::new(); for x in xs { if *x == 0 { break; } v.push(*x); v.sort(); } v }\n"),
            ("continue", "fn f(xs: &[u8]) -> Vec<u8> { let mut v = Vec::new(); for x in xs { v.push(*x); if *x == 0 { continue; } v.sort(); } v }\n"),
            ("?", "fn f(xs: &[&str]) -> Result<Vec<u8>, E> { let mut v = Vec::new(); for x in xs { v.push(x.parse()?); v.sort(); } Ok(v) }\n"),
            (
                "a macro that may return",
                "fn f(xs: &[u8]) -> R<Vec<u8>> { let mut v = Vec::new(); for x in xs { ensure!(*x > 0); v.push(*x); v.sort(); } Ok(v) }\n",
            ),
            ("indexed", "fn f(xs: &[u8]) -> Vec<u8> { let mut v = Vec::new(); for x in xs { v.push(*x); v.sort(); let _m = v[0]; } v }\n"),
            ("len", "fn f(xs: &[u8]) -> Vec<u8> { let mut v = Vec::new(); for x in xs { if v.len() < 4 { v.push(*x); } v.sort(); } v }\n"),
            ("pushed after the sort", "fn f(xs: &[u8]) -> Vec<u8> { let mut v = Vec::new(); for x in xs { v.sort(); v.push(*x); } v }\n"),
            ("not known empty", "fn f(v: &mut Vec<u8>, xs: &[u8]) { for x in xs { v.push(*x); v.sort(); } }\n"),
            ("key reads the loop", "fn f(xs: &[i8]) -> Vec<i8> { let mut v = Vec::new(); for x in xs { v.push(*x); v.sort_by_key(|e| (e - x).abs()); } v }\n"),
            (
                "unstable by key",
                "fn f(xs: &[(u8, u8)]) -> Vec<(u8, u8)> { let mut v = Vec::new(); for x in xs { v.push(*x); v.sort_unstable_by_key(|p| p.0); } v }\n",
            ),
            (
                "sort not a statement of the loop body",
                "fn f(xs: &[u8]) -> Vec<u8> { let mut v = Vec::new(); for x in xs { v.push(*x); if *x > 3 { v.sort(); } } v }\n",
            ),
        ],
    );
}

#[test]
fn format_appended_in_a_loop_is_written_into_the_string() {
    let before = "fn render(xs: &[u32]) -> String {\n    let mut s = String::new();\n    for x in xs {\n        s.push_str(&format!(\"{x},\"));\n        s += &format!(\"[{}]\", x % 7);\n        s.push_str(&x.to_string());\n    }\n    s\n}\n";
    let after = "fn render(xs: &[u32]) -> String {\n    use std::fmt::Write as _;\n    let mut s = String::new();\n    for x in xs {\n        write!(s, \"{x},\").unwrap();\n        write!(s, \"[{}]\", x % 7).unwrap();\n        write!(s, \"{}\", x).unwrap();\n    }\n    s\n}\n";
    assert_rewrites(format_write, before, after);
    let parameter = "fn render(out: &mut String, n: usize) { for i in 0..n { out.push_str(&i.to_string()); } }\n";
    let parameter_after = "fn render(out: &mut String, n: usize) { use std::fmt::Write as _; for i in 0..n { write!(out, \"{}\", i).unwrap(); } }\n";
    assert_rewrites(format_write, parameter, parameter_after);
}

#[test]
fn appends_to_unknown_buffers_or_outside_loops_stay() {
    assert_stays(
        format_write,
        &[
            ("not in a loop", "fn f(x: u8) -> String { let mut s = String::new(); s.push_str(&format!(\"{x}\")); s }\n"),
            ("not evidently a String", "fn f(s: &mut Buf, xs: &[u8]) { for x in xs { s.push_str(&format!(\"{x}\")); } }\n"),
            (
                "format reads the string",
                "fn f(xs: &[u8]) -> String { let mut s = String::new(); for x in xs { s.push_str(&format!(\"{}{x}\", s.len())); } s }\n",
            ),
            ("format captures the string", "fn f(xs: &[u8]) -> String { let mut s = String::new(); for _ in xs { s += &format!(\"{s}\"); } s }\n"),
            ("to_string of an unknown type", "fn f(xs: &[Item]) -> String { let mut s = String::new(); for x in xs { s.push_str(&x.to_string()); } s }\n"),
            ("shadowed", "fn f(xs: &[u8]) -> String { let mut s = String::new(); for x in xs { let mut s = Vec::new(); s.push_str(&format!(\"{x}\")); } s }\n"),
            (
                "write! redefined",
                "macro_rules! write { () => {} }\nfn f(xs: &[u8]) -> String { let mut s = String::new(); for x in xs { s.push_str(&format!(\"{x}\")); } s }\n",
            ),
        ],
    );
}

#[test]
fn a_vec_collected_only_to_be_walked_is_not_built() {
    let before = "fn total(xs: &[u32]) -> u64 {\n    let mut t = 0;\n    let v: Vec<_> = xs.iter().map(|x| *x as u64 * 3).filter(|x| x % 2 == 0).collect();\n    for x in v {\n        t += x;\n    }\n    t\n}\n";
    let after = "fn total(xs: &[u32]) -> u64 {\n    let mut t = 0;\n    for x in xs.iter().map(|x| *x as u64 * 3).filter(|x| x % 2 == 0) {\n        t += x;\n    }\n    t\n}\n";
    assert_rewrites(collect_then_iterate, before, after);
    let turbofish = "fn count(s: &str) -> usize { let mut n = 0; let v = s.chars().rev().collect::<Vec<_>>(); for c in v { if c == 'a' { n += 1; } } n }\n";
    let turbofish_after = "fn count(s: &str) -> usize { let mut n = 0; for c in s.chars().rev() { if c == 'a' { n += 1; } } n }\n";
    assert_rewrites(collect_then_iterate, turbofish, turbofish_after);
}

#[test]
fn a_collected_vec_used_otherwise_or_needed_for_borrows_stays() {
    assert_stays(
        collect_then_iterate,
        &[
            ("used after the loop", "fn f(xs: &[u8]) -> usize { let v: Vec<_> = xs.iter().collect(); for x in v { g(x); } v.len() }\n"),
            ("iterated by reference", "fn f(xs: &[u8]) { let v: Vec<_> = xs.iter().collect(); for x in &v { g(x); } }\n"),
            ("iterated with iter()", "fn f(xs: &[u8]) { let v: Vec<_> = xs.iter().collect(); for x in v.iter() { g(x); } }\n"),
            ("element type annotated", "fn f(n: u32) { let v: Vec<u64> = (0..n).map(|i| i as u64).collect(); for x in v { g(x); } }\n"),
            ("the loop changes the source", "fn f(xs: &mut Vec<u8>) { let v: Vec<_> = xs.iter().copied().collect(); for x in v { xs.push(x); } }\n"),
            ("the loop uses self", "impl S { fn f(&mut self) { let v: Vec<_> = self.items.iter().cloned().collect(); for x in v { self.add(x); } } }\n"),
            ("side effect in the chain", "fn f(xs: &[u8]) { let v: Vec<_> = xs.iter().map(|x| { println!(\"{x}\"); x }).collect(); for x in v { g(x); } }\n"),
            ("not adjacent", "fn f(xs: &mut Vec<u8>) { let v: Vec<_> = xs.iter().copied().collect(); xs.clear(); for x in v { g(x); } }\n"),
            ("not a std iterator method", "fn f(xs: &[u8]) { let v: Vec<_> = xs.par_iter().collect(); for x in v { g(x); } }\n"),
        ],
    );
}
