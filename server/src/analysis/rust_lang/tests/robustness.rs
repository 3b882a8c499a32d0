//! Bad input never panics: deep nesting, broken code, odd items.

use super::analyze;

/// Runs `f` on a thread with a 2 MB stack, like a small worker thread.
fn with_small_stack<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    std::thread::Builder::new().stack_size(2 * 1024 * 1024).spawn(f).expect("spawn").join().expect("no overflow")
}

#[test]
fn ten_thousand_nested_parentheses_do_not_overflow_the_stack() {
    let depth = 10_000;
    let source = format!("fn deep(x: i32) -> i32 {{ {}x{} }}\nfn after() {{}}\n", "(".repeat(depth), ")".repeat(depth));
    let analysis = with_small_stack(move || analyze(&source));
    let names: Vec<&str> = analysis.functions.iter().map(|f| f.name.as_str()).collect();
    assert!(names.contains(&"after"), "{names:?}");
}

#[test]
fn ten_thousand_nested_blocks_loops_and_closures_do_not_overflow_the_stack() {
    let depth = 10_000;
    let blocks = format!("fn b() {{ {}helper(){} }}\n", "{ ".repeat(depth), " }".repeat(depth));
    let loops = format!("fn l(v: &[u8]) {{ {}v.to_vec();{} }}\n", "for _ in v { ".repeat(depth), " }".repeat(depth));
    let closures = format!("fn c(v: &[u8]) {{ {}0{} }}\n", "v.iter().map(|x| ".repeat(depth), ")".repeat(depth));
    let macros = format!("fn m() {{ {}1{} }}\n", "vec![".repeat(depth), "]".repeat(depth));
    let uses = format!("use a::{}x{};\n", "{b::".repeat(depth), "}".repeat(depth));
    let analysis = with_small_stack(move || [blocks, loops, closures, macros, uses].iter().map(|s| analyze(s)).collect::<Vec<_>>());
    assert_eq!(analysis[0].functions[0].uses.len(), 1);
    assert!(analysis[1].functions[0].reasons.iter().any(|r| r.kind == crate::analysis::ReasonKind::NestedLoops));
    assert_eq!(analysis[2].functions.len(), 1);
    assert_eq!(analysis[3].functions.len(), 1);
    assert!(analysis[4].imports.len() <= 1);
}

#[test]
fn broken_code_still_yields_the_functions_that_parse() {
    let source = "use crate::a::{b, ;\nfn good(v: &[i32]) -> i32 { let mut t = 0; for x in v { for y in v { t += x * y; } } t }\nfn broken( { let x = ; \nimpl Foo { fn m(&self) -> u8 { 1 } }\nfn\n";
    let analysis = analyze(source);
    assert!(analysis.has_errors);
    let good = analysis.functions.iter().find(|f| f.name == "good").expect("good parsed");
    assert!(good.reasons.iter().any(|r| r.kind == crate::analysis::ReasonKind::NestedLoops), "{:?}", good.reasons);
}

#[test]
fn every_prefix_of_a_real_file_analyses_without_panicking() {
    let source = "//! doc\nuse std::collections::{HashMap, HashSet as Set};\n/// A\n#[derive(Debug)]\npub struct A<T> { items: Vec<T> }\nimpl<T: Clone + PartialEq> A<T> {\n    pub fn has(&self, x: &T) -> bool { self.items.contains(x) }\n    fn f(&mut self, xs: &[T]) { for x in xs { if !self.items.contains(x) { self.items.insert(0, x.clone()); } } }\n}\nmod m { pub fn g() -> u8 { super::h() } }\nconst MAX: usize = 3;\nfn h() -> u8 { let s = format!(\"{}\", MAX); s.len() as u8 }\n";
    for end in 0..=source.len() {
        if source.is_char_boundary(end) {
            let _ = analyze(&source[..end]);
        }
    }
    let full = analyze(source);
    assert!(!full.has_errors);
    assert_eq!(full.functions.len(), 4);
}

#[test]
fn a_function_without_a_body_or_name_is_skipped() {
    let analysis = analyze("trait T { fn sig(&self); fn dflt(&self) -> u8 { 0 } }\nextern \"C\" { fn ext(); }\nfn (x: u8) {}\n");
    let names: Vec<&str> = analysis.functions.iter().map(|f| f.qualified_name.as_str()).collect();
    assert!(names.contains(&"T::dflt"), "{names:?}");
    assert!(!names.contains(&"T::sig"));
    assert!(!names.contains(&"ext"));
}

#[test]
fn kind_id_table_agrees_with_node_kind_names() {
    use crate::analysis::rust_lang::grammar::{Grammar, Kind, kind_for_name};
    let source = "/// d\n#[a]\nuse a::{b as c, *};\nmod m { struct S { f: u8 } enum E { A } const C: u8 = 1; static D: u8 = 2; type T = u8; union U { a: u8 } }\ntrait Tr { fn s(&self); }\nimpl<'a> Tr for S { fn s(&self) { 'l: for x in 0..1 { while let Some(Point { x, y: ref z }) = q { loop { break 'l; } } } let c = |a: u8| a; c(1); v[0] += 1; v = w; m!(x); s::t(); if let Some(x) = y {} match q { Some(v) if v > 1 => {} _ => {} } } }\nmacro_rules! mm { () => {} }\nextern crate core;\n";
    let tree = crate::analysis::Language::Rust.parse(source, None).unwrap();
    let grammar = Grammar::get();
    let mut cursor = tree.walk();
    let mut seen = std::collections::HashSet::new();
    'walk: loop {
        let node = cursor.node();
        let expected = if node.is_named() { kind_for_name(node.kind()) } else { Kind::Other };
        assert_eq!(grammar.kind(node), expected, "{}", node.kind());
        seen.insert(format!("{expected:?}"));
        if cursor.goto_first_child() {
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                break 'walk;
            }
        }
    }
    assert!(seen.len() >= 30, "the sample covers most kinds: {seen:?}");
}
