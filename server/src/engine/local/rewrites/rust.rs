//! Deterministic Rust rewrites: conservative changes that keep types identical, so candidates still compile.

use tree_sitter::{Node, Tree};

use super::{Edit, FunctionNode, Rewrite, descendants, finish, fresh_name, indent_at, target_functions, text};
use crate::analysis::Language;

pub static REWRITES: &[Rewrite] = &[
    Rewrite {
        id: "rust-membership-set",
        language: Language::Rust,
        summary: "Collect the slice into a HashSet once before the loop, so each contains() is O(1) instead of a scan.",
        apply: membership_set,
    },
    Rewrite {
        id: "rust-hoist-regex",
        language: Language::Rust,
        summary: "Build the literal Regex once before the loop instead of on every iteration.",
        apply: hoist_regex,
    },
    Rewrite {
        id: "rust-clone-in-loop",
        language: Language::Rust,
        summary: "Borrow instead of cloning in the loop where only a read-only method is called on the clone.",
        apply: clone_in_loop,
    },
    Rewrite {
        id: "rust-vec-with-capacity",
        language: Language::Rust,
        summary: "Preallocate the Vec filled by the loop with Vec::with_capacity.",
        apply: vec_with_capacity,
    },
    Rewrite {
        id: "rust-dedup-hashset",
        language: Language::Rust,
        summary: "Keep a HashSet in step with the de-duplicated Vec, so each membership test is O(1) instead of a scan.",
        apply: loops::dedup_hashset,
    },
    Rewrite {
        id: "rust-sort-once",
        language: Language::Rust,
        summary: "Sort the Vec once after the loop that fills it instead of after every push.",
        apply: loops::sort_once,
    },
    Rewrite {
        id: "rust-format-write",
        language: Language::Rust,
        summary: "write! straight into the String instead of appending a temporary format!() or to_string().",
        apply: strings::format_write,
    },
    Rewrite {
        id: "rust-collect-then-iterate",
        language: Language::Rust,
        summary: "Iterate the iterator itself instead of a Vec collected from it only to be looped over once.",
        apply: strings::collect_then_iterate,
    },
];

fn parse(source: &str) -> Option<Tree> {
    Language::Rust.parse(source, None)
}

fn scope_name(node: Node, source: &str) -> Option<String> {
    match node.kind() {
        "impl_item" => node.child_by_field_name("type").map(|t| {
            let raw = text(t, source);
            raw.split('<').next().unwrap_or(raw).trim().to_string()
        }),
        "trait_item" | "function_item" => node.child_by_field_name("name").map(|n| text(n, source).to_string()),
        _ => None,
    }
}

fn functions<'t>(tree: &'t Tree, source: &str, wanted: Option<&str>) -> Vec<FunctionNode<'t>> {
    target_functions(tree.root_node(), source, wanted, "function_item", "::", scope_name)
}

fn is_loop(node: Node) -> bool {
    matches!(node.kind(), "for_expression" | "while_expression" | "loop_expression")
}

/// The outermost loop containing `node` below `body`, if any.
fn outermost_loop<'t>(node: Node<'t>, body: Node<'t>) -> Option<Node<'t>> {
    let mut found = None;
    let mut current = node.parent();
    while let Some(ancestor) = current {
        if ancestor.id() == body.id() {
            return found;
        }
        if is_loop(ancestor) {
            found = Some(ancestor);
        }
        current = ancestor.parent();
    }
    None
}

/// The statement of `block` holding `node` (an expression statement wraps loops used as statements).
fn statement_in_block<'t>(node: Node<'t>, block: Node<'t>) -> Option<Node<'t>> {
    let mut current = node;
    loop {
        let parent = current.parent()?;
        if parent.id() == block.id() {
            return Some(current);
        }
        current = parent;
    }
}

/// `receiver.method(args)`: (receiver, method name, arguments).
fn method_call(call: Node) -> Option<(Node, Node, Node)> {
    if call.kind() != "call_expression" {
        return None;
    }
    let function = call.child_by_field_name("function").filter(|f| f.kind() == "field_expression")?;
    Some((function.child_by_field_name("value")?, function.child_by_field_name("field")?, call.child_by_field_name("arguments")?))
}

/// `Regex::new("lit").unwrap()` / `.expect(..)`.
fn is_literal_regex(node: Node, source: &str) -> bool {
    let Some((inner, method, _)) = method_call(node) else { return false };
    if !matches!(text(method, source), "unwrap" | "expect") || inner.kind() != "call_expression" {
        return false;
    }
    let constructor = inner.child_by_field_name("function").map(|f| text(f, source));
    let argument = inner.child_by_field_name("arguments").and_then(|a| (a.named_child_count() == 1).then(|| a.named_child(0)).flatten());
    matches!(constructor, Some("Regex::new" | "regex::Regex::new")) && argument.is_some_and(|a| matches!(a.kind(), "string_literal" | "raw_string_literal"))
}

/// The line(s) of a statement, indentation and newline included, for removal.
fn whole_lines(source: &str, node: Node) -> std::ops::Range<usize> {
    let start = source[..node.start_byte()].rfind('\n').map_or(0, |i| i + 1);
    let end = source[node.end_byte()..].find('\n').map_or(source.len(), |i| node.end_byte() + i + 1);
    start..end
}

/// `let re = Regex::new("lit").unwrap();` (or an inline `Regex::new("lit").unwrap().is_match(..)`) inside a
/// loop moves before the outermost loop.
pub fn hoist_regex(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let all = descendants(body);
        let mut edits = Vec::new();
        let mut taken = String::new();
        for node in &all {
            if !is_literal_regex(*node, source) {
                continue;
            }
            let Some(outer) = outermost_loop(*node, body) else { continue };
            let Some(anchor) = statement_in_block(outer, body) else { continue };
            let indent = indent_at(source, anchor.start_byte());
            let parent = node.parent();
            let in_plain_let = parent.is_some_and(|p| {
                p.kind() == "let_declaration"
                    && p.child_by_field_name("pattern").is_some_and(|pat| pat.kind() == "identifier")
                    && p.child_by_field_name("type").is_none()
            });
            if in_plain_let {
                let statement = parent?;
                let name = text(statement.child_by_field_name("pattern")?, source);
                let used_outside_loop = all.iter().any(|n| {
                    n.kind() == "identifier" && text(*n, source) == name && !(outer.start_byte() <= n.start_byte() && n.end_byte() <= outer.end_byte())
                });
                let declared_again =
                    all.iter().filter(|n| n.kind() == "let_declaration" && n.child_by_field_name("pattern").is_some_and(|p| text(p, source) == name)).count()
                        > 1;
                if used_outside_loop || declared_again {
                    continue;
                }
                edits.push(Edit::insert(anchor.start_byte(), format!("{}\n{indent}", text(statement, source))));
                edits.push(Edit::replace(whole_lines(source, statement), ""));
            } else if parent.is_some_and(|p| p.kind() == "field_expression") {
                let name = fresh_name(&format!("{source}{taken}"), "hoisted_regex");
                taken.push_str(&name);
                edits.push(Edit::insert(anchor.start_byte(), format!("let {name} = {};\n{indent}", text(*node, source))));
                edits.push(Edit::replace(node.byte_range(), name));
            }
        }
        if let Some(result) = finish(Language::Rust, source, &edits) {
            return Some(result);
        }
    }
    None
}

/// Immutable slice or Vec parameters of a function (`xs: &[T]`, `xs: &Vec<T>`, `xs: Vec<T>`), by name.
fn slice_parameters(function: Node, source: &str) -> Vec<String> {
    let Some(parameters) = function.child_by_field_name("parameters") else { return Vec::new() };
    let mut cursor = parameters.walk();
    parameters
        .named_children(&mut cursor)
        .filter(|p| p.kind() == "parameter")
        .filter_map(|p| {
            let pattern = p.child_by_field_name("pattern").filter(|pat| pat.kind() == "identifier")?;
            let ty = text(p.child_by_field_name("type")?, source).replace(' ', "");
            (ty.starts_with("&[") || ty.starts_with("&Vec<") || ty.starts_with("Vec<")).then(|| text(pattern, source).to_string())
        })
        .collect()
}

/// `xs.contains(..)` inside a loop, `xs` an immutable slice parameter: a `HashSet` of its items is
/// built once before the outermost loop and asked instead (`HashSet<&T>::contains` takes `&T`, so
/// the call's argument stays as it is).
pub fn membership_set(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let slices = slice_parameters(target.node, source);
        let all = descendants(body);
        let mut edits = Vec::new();
        let mut hoisted: Vec<(String, usize)> = Vec::new();
        let mut taken = String::new();
        for call in &all {
            let Some((receiver, method, _)) = method_call(*call) else { continue };
            let name = text(receiver, source);
            if text(method, source) != "contains" || receiver.kind() != "identifier" || !slices.iter().any(|s| s == name) {
                continue;
            }
            let Some(outer) = outermost_loop(*call, body) else { continue };
            let Some(anchor) = statement_in_block(outer, body) else { continue };
            let set_name = match hoisted.iter().find(|(n, a)| n.starts_with(&format!("{name}_set")) && *a == anchor.start_byte()) {
                Some((existing, _)) => existing.clone(),
                None => {
                    let fresh = fresh_name(&format!("{source}{taken}"), &format!("{name}_set"));
                    taken.push_str(&fresh);
                    let indent = indent_at(source, anchor.start_byte());
                    edits.push(Edit::insert(anchor.start_byte(), format!("let {fresh}: std::collections::HashSet<_> = {name}.iter().collect();\n{indent}")));
                    hoisted.push((fresh.clone(), anchor.start_byte()));
                    fresh
                }
            };
            edits.push(Edit::replace(receiver.byte_range(), set_name));
        }
        if let Some(result) = finish(Language::Rust, source, &edits) {
            return Some(result);
        }
    }
    None
}

/// `x.clone().iter()` / `.len()` / `.contains(..)`... in a loop: the clone is only read, so `x.iter()`.
pub fn clone_in_loop(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let mut edits = Vec::new();
        for call in descendants(body) {
            let Some((clone_call, method, _)) = method_call(call) else { continue };
            let read_only = matches!(
                text(method, source),
                "iter" | "len" | "is_empty" | "contains" | "starts_with" | "ends_with" | "first" | "last" | "get" | "keys" | "values"
            );
            let Some((receiver, clone, clone_args)) = method_call(clone_call) else { continue };
            if !read_only || text(clone, source) != "clone" || clone_args.named_child_count() != 0 || outermost_loop(call, body).is_none() {
                continue;
            }
            edits.push(Edit::replace(clone_call.byte_range(), text(receiver, source).to_string()));
        }
        if let Some(result) = finish(Language::Rust, source, &edits) {
            return Some(result);
        }
    }
    None
}

/// The length expression of what a `for` loop iterates, when it is cheap and certainly `usize`.
fn iteration_length(iterable: Node, source: &str) -> Option<String> {
    let simple = |n: Node| matches!(n.kind(), "identifier" | "field_expression" | "self");
    match iterable.kind() {
        "reference_expression" => {
            let value = iterable.child_by_field_name("value")?;
            simple(value).then(|| format!("{}.len()", text(value, source)))
        }
        "call_expression" => {
            let (receiver, method, arguments) = method_call(iterable)?;
            (simple(receiver) && arguments.named_child_count() == 0 && matches!(text(method, source), "iter" | "iter_mut" | "into_iter"))
                .then(|| format!("{}.len()", text(receiver, source)))
        }
        "range_expression" => {
            let raw = text(iterable, source);
            let end = raw.strip_prefix("0..")?;
            let end_node = iterable.named_child(1)?;
            let (receiver, method, arguments) = method_call(end_node)?;
            (simple(receiver) && text(method, source) == "len" && arguments.named_child_count() == 0).then(|| end.to_string())
        }
        _ => None,
    }
}

/// `let mut v = Vec::new();` directly followed by a `for` over something with a length that pushes into `v`.
pub fn vec_with_capacity(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let mut edits = Vec::new();
        for declaration in descendants(body) {
            if declaration.kind() != "let_declaration" {
                continue;
            }
            let (Some(pattern), Some(value)) = (declaration.child_by_field_name("pattern"), declaration.child_by_field_name("value")) else {
                continue;
            };
            let is_new_vec = value.kind() == "call_expression"
                && value.child_by_field_name("function").is_some_and(|f| matches!(text(f, source), "Vec::new" | "std::vec::Vec::new"))
                && value.child_by_field_name("arguments").is_some_and(|a| a.named_child_count() == 0);
            let mut next = declaration.next_named_sibling();
            while let Some(n) = next.filter(|n| n.kind().contains("comment")) {
                next = n.next_named_sibling();
            }
            let for_loop = next.and_then(|n| if n.kind() == "expression_statement" { n.named_child(0) } else { Some(n) });
            let Some(for_loop) = for_loop.filter(|f| f.kind() == "for_expression") else { continue };
            if !is_new_vec || pattern.kind() != "identifier" {
                continue;
            }
            let name = text(pattern, source);
            let pushes = descendants(for_loop)
                .iter()
                .any(|call| method_call(*call).is_some_and(|(receiver, method, _)| text(receiver, source) == name && text(method, source) == "push"));
            let Some(length) = for_loop.child_by_field_name("value").and_then(|v| iteration_length(v, source)) else {
                continue;
            };
            if pushes {
                let constructor = text(value.child_by_field_name("function")?, source).replace("::new", "::with_capacity");
                edits.push(Edit::replace(value.byte_range(), format!("{constructor}({length})")));
            }
        }
        if let Some(result) = finish(Language::Rust, source, &edits) {
            return Some(result);
        }
    }
    None
}

#[path = "rust_loops.rs"]
mod loops;
#[path = "rust_strings.rs"]
mod strings;

#[cfg(test)]
#[path = "rust_loops_tests.rs"]
mod loops_tests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slice_membership_in_a_loop_asks_a_hashset_built_once() {
        let before = "fn count_common(a: &[u32], b: &[u32]) -> usize {\n    let mut n = 0;\n    for x in a {\n        if b.contains(x) {\n            n += 1;\n        }\n    }\n    n\n}\n";
        let after = "fn count_common(a: &[u32], b: &[u32]) -> usize {\n    let mut n = 0;\n    let b_set: std::collections::HashSet<_> = b.iter().collect();\n    for x in a {\n        if b_set.contains(x) {\n            n += 1;\n        }\n    }\n    n\n}\n";
        assert_eq!(membership_set(before, Some("count_common")).as_deref(), Some(after));
    }

    #[test]
    fn membership_outside_loops_or_on_locals_stays() {
        let outside = "fn f(a: &[u32], x: u32) -> bool { a.contains(&x) }\n";
        assert_eq!(membership_set(outside, None), None);
        let local = "fn f(a: &[u32]) -> usize { let v = vec![1]; let mut n = 0; for x in a { if v.contains(x) { n += 1; } } n }\n";
        assert_eq!(membership_set(local, None), None);
    }

    #[test]
    fn regex_let_in_loop_moves_before_the_loop() {
        let before = "fn count(lines: &[String]) -> usize {\n    let mut n = 0;\n    for line in lines {\n        let re = Regex::new(r\"\\d+\").unwrap();\n        if re.is_match(line) {\n            n += 1;\n        }\n    }\n    n\n}\n";
        let after = "fn count(lines: &[String]) -> usize {\n    let mut n = 0;\n    let re = Regex::new(r\"\\d+\").unwrap();\n    for line in lines {\n        if re.is_match(line) {\n            n += 1;\n        }\n    }\n    n\n}\n";
        assert_eq!(hoist_regex(before, Some("count")).as_deref(), Some(after));
    }

    #[test]
    fn inline_regex_method_chain_in_loop_is_hoisted_into_a_binding() {
        let before = "fn count(lines: &[&str]) -> usize {\n    lines.len() + {\n        let mut n = 0;\n        for l in lines { if Regex::new(\"a\").unwrap().is_match(l) { n += 1; } }\n        n\n    }\n}\n";
        let nested = hoist_regex(before, None).expect("hoisted before the statement holding the loop");
        assert!(nested.starts_with("fn count(lines: &[&str]) -> usize {\n    let hoisted_regex = Regex::new(\"a\").unwrap();\n    lines.len()"));
        let direct =
            "fn count(lines: &[&str]) -> usize {\n    let mut n = 0;\n    for l in lines { if Regex::new(\"a\").unwrap().is_match(l) { n += 1; } }\n    n\n}\n";
        let after = "fn count(lines: &[&str]) -> usize {\n    let mut n = 0;\n    let hoisted_regex = Regex::new(\"a\").unwrap();\n    for l in lines { if hoisted_regex.is_match(l) { n += 1; } }\n    n\n}\n";
        assert_eq!(hoist_regex(direct, None).as_deref(), Some(after));
    }

    #[test]
    fn regex_with_dynamic_pattern_or_name_used_after_the_loop_stays() {
        let dynamic = "fn f(p: &str, xs: &[&str]) { for x in xs { let re = Regex::new(p).unwrap(); re.is_match(x); } }\n";
        assert_eq!(hoist_regex(dynamic, None), None);
        let reused = "fn f(xs: &[&str]) { for x in xs { let re = Regex::new(\"a\").unwrap(); re.is_match(x); } let re = 1; }\n";
        assert_eq!(hoist_regex(reused, None), None);
    }

    #[test]
    fn clone_before_read_only_method_in_loop_is_dropped() {
        let before = "impl S {\n    fn total(&self) -> usize {\n        let mut t = 0;\n        for _ in 0..10 {\n            t += self.items.clone().len();\n        }\n        t\n    }\n}\n";
        let after = "impl S {\n    fn total(&self) -> usize {\n        let mut t = 0;\n        for _ in 0..10 {\n            t += self.items.len();\n        }\n        t\n    }\n}\n";
        assert_eq!(clone_in_loop(before, Some("S::total")).as_deref(), Some(after));
        assert_eq!(clone_in_loop("fn f(v: &Vec<u8>) -> usize { v.clone().len() }\n", None), None, "not in a loop");
        assert_eq!(clone_in_loop("fn f(v: &Vec<u8>) { for _ in 0..2 { take(v.clone()); } }\n", None), None);
    }

    #[test]
    fn vec_filled_by_a_loop_over_a_slice_gets_capacity() {
        let before =
            "fn squares(xs: &[u64]) -> Vec<u64> {\n    let mut out = Vec::new();\n    for x in xs.iter() {\n        out.push(x * x);\n    }\n    out\n}\n";
        let after = "fn squares(xs: &[u64]) -> Vec<u64> {\n    let mut out = Vec::with_capacity(xs.len());\n    for x in xs.iter() {\n        out.push(x * x);\n    }\n    out\n}\n";
        assert_eq!(vec_with_capacity(before, None).as_deref(), Some(after));
        let range = "fn f(xs: &[u8]) -> Vec<u8> { let mut v = Vec::new(); for i in 0..xs.len() { v.push(xs[i]); } v }\n";
        assert!(vec_with_capacity(range, None).is_some_and(|r| r.contains("Vec::with_capacity(xs.len())")));
        let unknown = "fn f(n: u32) -> Vec<u32> { let mut v = Vec::new(); for i in 0..n { v.push(i); } v }\n";
        assert_eq!(vec_with_capacity(unknown, None), None);
    }
}
