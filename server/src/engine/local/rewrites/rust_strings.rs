//! Rust rewrites of loops that build a string or walk a collected Vec: `write!` into the `String` instead of
//! appending a temporary `format!`/`to_string()`, and iterating the iterator itself instead of a Vec collected
//! from it only to be walked once.

use tree_sitter::Node;

use super::super::{Edit, descendants, finish, text};
use super::loops::{bindings, evident_type, has_child, removal, single_argument, uses};
use super::{functions, method_call, outermost_loop, parse};
use crate::analysis::Language;

/// `String::new()`, `String::with_capacity(n)`, `String::from(..)`, or `"literal".to_string()` / `.to_owned()`.
fn new_string(value: Node, source: &str) -> bool {
    if value.kind() != "call_expression" {
        return false;
    }
    let constructor = value.child_by_field_name("function").map(|f| text(f, source).strip_prefix("std::string::").unwrap_or(text(f, source)));
    if matches!(constructor, Some("String::new" | "String::with_capacity" | "String::from")) {
        return true;
    }
    method_call(value).is_some_and(|(receiver, method, arguments)| {
        receiver.kind() == "string_literal" && arguments.named_child_count() == 0 && matches!(text(method, source), "to_string" | "to_owned")
    })
}

/// The variables of `function` that are certainly a `String`, each bound once: `let mut s` built by
/// [`new_string`] or annotated `: String`, and parameters typed `&mut String`.
fn string_variables(function: Node, body: Node, source: &str) -> Vec<String> {
    let mut names = Vec::new();
    if let Some(parameters) = function.child_by_field_name("parameters") {
        let mut cursor = parameters.walk();
        for parameter in parameters.named_children(&mut cursor).filter(|p| p.kind() == "parameter") {
            let pattern = parameter.child_by_field_name("pattern").filter(|p| p.kind() == "identifier");
            let ty = parameter.child_by_field_name("type").map(|t| text(t, source).replace(' ', ""));
            if let (Some(pattern), Some("&mutString" | "&mutstd::string::String")) = (pattern, ty.as_deref()) {
                names.push(text(pattern, source).to_string());
            }
        }
    }
    for declaration in descendants(body).into_iter().filter(|d| d.kind() == "let_declaration" && has_child(*d, "mutable_specifier")) {
        let Some(pattern) = declaration.child_by_field_name("pattern").filter(|p| p.kind() == "identifier") else { continue };
        let annotated = declaration.child_by_field_name("type").map(|t| text(t, source));
        let built = declaration.child_by_field_name("value").is_some_and(|v| new_string(v, source));
        if built && annotated.is_none_or(|t| matches!(t, "String" | "std::string::String")) {
            names.push(text(pattern, source).to_string());
        }
    }
    names.retain(|name| bindings(function, source, name) == 1);
    names
}

/// The `write!` arguments (after the target) that append what `&format!(..)` or `&x.to_string()` appends.
fn write_arguments(argument: Node, function: Node, source: &str) -> Option<String> {
    if argument.kind() != "reference_expression" || has_child(argument, "mutable_specifier") {
        return None;
    }
    let value = argument.child_by_field_name("value")?;
    if value.kind() == "macro_invocation" {
        let tokens = text(value.named_child(1).filter(|t| t.kind() == "token_tree")?, source);
        let inner = tokens.get(1..tokens.len().checked_sub(1)?)?.trim();
        return (text(value.child_by_field_name("macro")?, source) == "format" && !inner.is_empty()).then(|| inner.to_string());
    }
    let (receiver, method, arguments) = method_call(value)?;
    let name = text(receiver, source);
    let shown = receiver.kind() == "identifier" && evident_type(function, source, name, receiver).is_some_and(|e| e.displayable(source));
    (text(method, source) == "to_string" && arguments.named_child_count() == 0 && shown).then(|| format!("\"{{}}\", {name}"))
}

/// `word` occurs in `haystack` as a whole identifier (format strings capture variables by name too).
fn mentions(haystack: &str, word: &str) -> bool {
    let is_ident = |c: char| c.is_alphanumeric() || c == '_';
    haystack
        .match_indices(word)
        .any(|(at, _)| !haystack[..at].chars().next_back().is_some_and(is_ident) && !haystack[at + word.len()..].chars().next().is_some_and(is_ident))
}

/// `s.push_str(&format!(..))` / `s += &format!(..)` / `s.push_str(&x.to_string())` in a loop, `s` a `String`:
/// `write!(s, ..).unwrap()` formats straight into `s`, with `std::fmt::Write` imported inside the function.
pub fn format_write(source: &str, function: Option<&str>) -> Option<String> {
    if source.contains("macro_rules! write") {
        return None;
    }
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let strings = string_variables(target.node, body, source);
        let mut edits = Vec::new();
        for node in descendants(body) {
            let (receiver, argument) = match node.kind() {
                "call_expression" => match method_call(node) {
                    Some((receiver, method, arguments)) if text(method, source) == "push_str" => (receiver, single_argument(arguments)),
                    _ => continue,
                },
                "compound_assignment_expr" if node.child_by_field_name("operator").is_some_and(|o| text(o, source) == "+=") => {
                    let Some(left) = node.child_by_field_name("left") else { continue };
                    (left, node.child_by_field_name("right"))
                }
                _ => continue,
            };
            let name = text(receiver, source);
            if receiver.kind() != "identifier" || !strings.iter().any(|s| s == name) || outermost_loop(node, body).is_none() {
                continue;
            }
            let Some(arguments) = argument.and_then(|a| write_arguments(a, target.node, source)) else { continue };
            if !mentions(&arguments, name) {
                edits.push(Edit::replace(node.byte_range(), format!("write!({name}, {arguments}).unwrap()")));
            }
        }
        let Some(first) = body.named_child(0).filter(|f| f.kind() != "inner_attribute_item") else { continue };
        if edits.is_empty() {
            continue;
        }
        edits.push(super::loops::insert_before(source, first, "use std::fmt::Write as _;"));
        if let Some(result) = finish(Language::Rust, source, &edits) {
            return Some(result);
        }
    }
    None
}

/// Standard iterator sources and adaptors a chain may use (none of them has a side effect of its own).
const ITERATOR_METHODS: &[&str] = &[
    "iter",
    "into_iter",
    "chars",
    "char_indices",
    "bytes",
    "lines",
    "split_whitespace",
    "split",
    "keys",
    "values",
    "windows",
    "chunks",
    "map",
    "filter",
    "filter_map",
    "enumerate",
    "zip",
    "rev",
    "skip",
    "take",
    "step_by",
    "chain",
    "cloned",
    "copied",
    "flat_map",
    "flatten",
    "take_while",
    "skip_while",
    "map_while",
];

/// `v` and `it` in `let v: Vec<_> = it.collect();` or `let v = it.collect::<Vec<_>>();`.
fn collected<'t>(declaration: Node<'t>, source: &str) -> Option<(String, Node<'t>)> {
    let pattern = declaration.child_by_field_name("pattern").filter(|p| p.kind() == "identifier")?;
    let value = declaration.child_by_field_name("value").filter(|v| v.kind() == "call_expression")?;
    if value.child_by_field_name("arguments")?.named_child_count() != 0 {
        return None;
    }
    let is_vec_of_anything = |ty: Node| text(ty, source).replace(' ', "") == "Vec<_>";
    let annotation_fits = declaration.child_by_field_name("type").map(is_vec_of_anything);
    let mut function = value.child_by_field_name("function")?;
    if function.kind() == "generic_function" {
        let arguments = function.child_by_field_name("type_arguments")?;
        if arguments.named_child_count() != 1 || !is_vec_of_anything(arguments.named_child(0)?) || annotation_fits == Some(false) {
            return None;
        }
        function = function.child_by_field_name("function")?;
    } else if annotation_fits != Some(true) {
        return None;
    }
    let field = function.child_by_field_name("field").filter(|_| function.kind() == "field_expression")?;
    if text(field, source) != "collect" {
        return None;
    }
    Some((text(pattern, source).to_string(), function.child_by_field_name("value")?))
}

/// `it` is a chain of [`ITERATOR_METHODS`] from a variable, a field or a range, with no macro, assignment or
/// `&mut` anywhere in it.
fn plain_iterator(it: Node, source: &str) -> bool {
    let mut current = it;
    let mut methods = 0;
    while let Some((receiver, method, _)) = method_call(current) {
        if !ITERATOR_METHODS.contains(&text(method, source)) {
            return false;
        }
        methods += 1;
        current = receiver;
    }
    let mut root = current;
    while root.kind() == "field_expression" {
        let Some(value) = root.child_by_field_name("value") else { return false };
        root = value;
    }
    let root_fits = match root.kind() {
        "identifier" | "self" => methods > 0,
        "parenthesized_expression" => root.named_child(0).is_some_and(|r| r.kind() == "range_expression"),
        _ => false,
    };
    root_fits
        && !descendants(it)
            .iter()
            .any(|n| matches!(n.kind(), "macro_invocation" | "assignment_expression" | "compound_assignment_expr" | "mutable_specifier" | "unsafe_block"))
}

/// True when a closure inside `within` around `node` has a parameter spelled like it.
fn closure_parameter(node: Node, within: Node, source: &str) -> bool {
    let mut current = node.parent();
    while let Some(ancestor) = current.filter(|a| super::super::contains(within, *a)) {
        if ancestor.kind() == "closure_expression"
            && ancestor.child_by_field_name("parameters").is_some_and(|p| !uses(p, source, text(node, source)).is_empty())
        {
            return true;
        }
        current = ancestor.parent();
    }
    false
}

/// `let v: Vec<_> = it.collect(); for x in v { .. }`, `v` used nowhere else: `for x in it { .. }`. The items are
/// the same values of the same type (`Vec<T>: FromIterator<T>` only), and since the loop mentions nothing the
/// iterator reads, producing them lazily changes no borrow and no result.
pub fn collect_then_iterate(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let mut edits = Vec::new();
        for declaration in descendants(body).into_iter().filter(|d| d.kind() == "let_declaration") {
            let Some((name, it)) = collected(declaration, source) else { continue };
            let mut next = declaration.next_named_sibling();
            while let Some(comment) = next.filter(|n| n.kind().contains("comment")) {
                next = comment.next_named_sibling();
            }
            let for_loop = next.filter(|n| n.kind() == "expression_statement").and_then(|n| n.named_child(0)).filter(|f| f.kind() == "for_expression");
            let Some((for_loop, value)) = for_loop.and_then(|f| Some((f, f.child_by_field_name("value")?))) else { continue };
            if value.kind() != "identifier" || text(value, source) != name || uses(target.node, source, &name).len() != 2 || !plain_iterator(it, source) {
                continue;
            }
            let read_by_the_loop = descendants(it).iter().any(|n| match n.kind() {
                "self" => descendants(for_loop).iter().any(|m| m.kind() == "self"),
                "identifier" => {
                    n.parent().is_none_or(|p| p.kind() != "scoped_identifier")
                        && !closure_parameter(*n, it, source)
                        && !uses(for_loop, source, text(*n, source)).is_empty()
                }
                _ => false,
            });
            if read_by_the_loop {
                continue;
            }
            edits.push(Edit::replace(removal(source, declaration), ""));
            edits.push(Edit::replace(value.byte_range(), text(it, source)));
        }
        if let Some(result) = finish(Language::Rust, source, &edits) {
            return Some(result);
        }
    }
    None
}
