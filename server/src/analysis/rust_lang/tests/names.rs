//! Qualified names, ranges, symbols and name uses.

use super::{analyze, function, uses_of};
use crate::analysis::SymbolKind;

const SHAPES: &str = r#"use crate::geometry::Point;

/// Free function.
#[inline]
pub fn free(x: i32) -> i32 { x }

pub struct Stack<T> { items: Vec<T> }

impl<T: Clone> Stack<T> {
    pub fn push(&mut self, item: T) { self.items.push(item); }
}

pub trait Shape {
    fn area(&self) -> f64;
    fn describe(&self) -> String { format!("{}", self.area()) }
}

impl Shape for Point {
    fn area(&self) -> f64 { 0.0 }
}

mod inner {
    pub const LIMIT: usize = 3;
    pub fn helper() -> usize { LIMIT }
    pub struct Cell;
    impl Cell { fn get(&self) -> u8 { 0 } }
}

pub static GLOBAL: u8 = 1;
type Alias = Vec<u8>;
enum Kind { A, B }

fn outer() -> i32 {
    fn nested(y: i32) -> i32 { y + 1 }
    nested(1)
}
"#;

#[test]
fn functions_get_qualified_names_and_containers() {
    let analysis = analyze(SHAPES);
    let names: Vec<(&str, Option<&str>)> = analysis.functions.iter().map(|f| (f.qualified_name.as_str(), f.container.as_deref())).collect();
    assert_eq!(
        names,
        vec![
            ("free", None),
            ("Stack::push", Some("Stack")),
            ("Shape::describe", Some("Shape")),
            ("Point::area", Some("Point")),
            ("inner::helper", None),
            ("inner::Cell::get", Some("Cell")),
            ("outer", None),
            ("outer::nested", None),
        ]
    );
}

#[test]
fn function_range_includes_doc_comments_and_attributes_and_name_range_is_the_identifier() {
    let analysis = analyze(SHAPES);
    let free = function(&analysis, "free");
    assert!(SHAPES[free.range.clone()].starts_with("/// Free function.\n#[inline]\npub fn free"));
    assert!(SHAPES[free.range.clone()].ends_with("{ x }"));
    assert_eq!(&SHAPES[free.name_range.clone()], "free");
    let push = function(&analysis, "Stack::push");
    assert!(SHAPES[push.range.clone()].starts_with("pub fn push"));
}

#[test]
fn symbols_list_items_methods_and_constants_in_source_order() {
    let analysis = analyze(SHAPES);
    let symbols: Vec<(&str, SymbolKind)> = analysis.symbols.iter().map(|s| (s.qualified_name.as_str(), s.kind)).collect();
    assert_eq!(
        symbols,
        vec![
            ("free", SymbolKind::Function),
            ("Stack", SymbolKind::Class),
            ("Stack::push", SymbolKind::Method),
            ("Shape", SymbolKind::Class),
            ("Shape::describe", SymbolKind::Method),
            ("Point::area", SymbolKind::Method),
            ("inner::LIMIT", SymbolKind::Constant),
            ("inner::helper", SymbolKind::Function),
            ("inner::Cell", SymbolKind::Class),
            ("inner::Cell::get", SymbolKind::Method),
            ("GLOBAL", SymbolKind::Constant),
            ("Alias", SymbolKind::Class),
            ("Kind", SymbolKind::Class),
            ("outer", SymbolKind::Function),
        ]
    );
    let free = analysis.symbols.iter().find(|s| s.name == "free").unwrap();
    assert!(SHAPES[free.range.clone()].starts_with("/// Free function."));
}

#[test]
fn associated_consts_are_qualified_constants() {
    let analysis = analyze("struct S;\nimpl S { const N: usize = 4; fn n() -> usize { Self::N } }\n");
    let constant = analysis.symbols.iter().find(|s| s.name == "N").unwrap();
    assert_eq!(constant.qualified_name, "S::N");
    assert_eq!(constant.kind, SymbolKind::Constant);
    assert_eq!(uses_of(&analysis, "S::n"), vec!["S::N"]);
}

#[test]
fn impl_for_references_and_scoped_types_uses_the_base_type_name() {
    let analysis = analyze("impl<'a> Display for &'a Wrapper<'a> { fn fmt(&self) {} }\nimpl a::b::Thing { fn go(&self) {} }\n");
    assert_eq!(function(&analysis, "Wrapper::fmt").container.as_deref(), Some("Wrapper"));
    assert!(analysis.functions.iter().any(|f| f.qualified_name == "Thing::go"));
}

#[test]
fn uses_are_calls_paths_types_and_constants_in_first_use_order() {
    let source = r#"fn work(x: i32, items: &[Item]) -> Point {
    let y = helper(x);
    let z = utils::normalize(y);
    let p: Point = Point { x: z, y: MAX };
    crate::a::f();
    let w = Foo::new();
    helper(w);
    p
}"#;
    let analysis = analyze(source);
    assert_eq!(
        uses_of(&analysis, "work"),
        // Signature types come first: consolidation needs the types a function takes and returns.
        vec!["Item", "Point", "helper", "utils::normalize", "MAX", "crate::a::f", "Foo::new"]
    );
}

#[test]
fn uses_exclude_params_locals_closure_params_patterns_and_prelude() {
    let source = r#"fn work(a: Vec<u8>, (b, c): (u8, u8)) -> Option<String> {
    let mut total = 0;
    let d = a.iter().map(|e| e + b).count();
    for (i, v) in a.iter().enumerate() { total += i + *v as usize; }
    if let Some(first) = a.first() { total += *first as usize; }
    match a.len() { n if n > c as usize => total += n, _ => {} }
    let Pair { left, right: r } = make_pair();
    let s = String::new();
    let v: Vec<Box<u8>> = Vec::new();
    drop(v);
    a.method_call();
    Some(format!("{s}{left}{r}{d}{total}"))
}"#;
    let analysis = analyze(source);
    assert_eq!(uses_of(&analysis, "work"), vec!["Pair", "make_pair"]);
}

#[test]
fn uses_inside_macros_generics_and_self_paths_are_resolved() {
    let source = r#"struct Cache;
impl Cache {
    fn run<T: Into<u8>>(&self, t: T) -> u8 {
        let v: Vec<T> = Vec::new();
        println!("{} {}", render(&v), config::LEVEL);
        assert_eq!(Self::size(), limits::MAX, "named = {}", 1);
        t.into()
    }
}"#;
    let analysis = analyze(source);
    assert_eq!(uses_of(&analysis, "Cache::run"), vec!["render", "config::LEVEL", "Cache::size", "limits::MAX"]);
}

#[test]
fn uses_through_a_use_inside_the_body_get_the_full_path() {
    let source = "fn f() -> u8 { use crate::util::normalize; use super::m::Thing as T; normalize(T::VALUE) }";
    let analysis = analyze(source);
    assert_eq!(uses_of(&analysis, "f"), vec!["crate::util::normalize", "super::m::Thing::VALUE"]);
}

#[test]
fn nested_items_are_local_to_the_function() {
    let source = "fn outer() -> u8 { fn inner() -> u8 { other() } struct Local; const K: u8 = 1; let _l = Local; inner() + K }";
    let analysis = analyze(source);
    assert!(uses_of(&analysis, "outer").is_empty(), "{:?}", uses_of(&analysis, "outer"));
    assert_eq!(uses_of(&analysis, "outer::inner"), vec!["other"]);
}
