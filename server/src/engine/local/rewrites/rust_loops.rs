//! Rust rewrites of loops that build a collection: de-duplication with a companion HashSet, one sort after the
//! loop instead of one per push, `write!` instead of `push_str(&format!(..))`, and iterating without collecting.
//!
//! Each precondition is proven from the syntax tree or the rewrite is not proposed: the types involved must be
//! evident (an annotation, a constructor, or a parameter of a known standard type), and the variables touched
//! must be used only in the shapes the rewrite understands.

use tree_sitter::Node;

use super::super::{Edit, descendants, finish, fresh_name, indent_at, text};
use super::{functions, is_loop, method_call, parse, whole_lines};
use crate::analysis::Language;

const INTEGERS: &[&str] = &["i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize"];

/// Identifier nodes spelled `name` below `node` (macro arguments included: tree-sitter parses their tokens),
/// and struct-pattern shorthands (`S { name }`), which bind `name` without an `identifier` node.
pub(super) fn uses<'t>(node: Node<'t>, source: &str, name: &str) -> Vec<Node<'t>> {
    descendants(node).into_iter().filter(|n| matches!(n.kind(), "identifier" | "shorthand_field_identifier") && text(*n, source) == name).collect()
}

/// How many patterns of `function` (parameters, `let`, `for`, `if let`, match arms, closures) bind `name`.
/// More than one means shadowing, which the rewrites do not try to follow.
pub(super) fn bindings(function: Node, source: &str, name: &str) -> usize {
    descendants(function)
        .into_iter()
        .filter_map(|n| match n.kind() {
            "parameter" | "let_declaration" | "for_expression" | "let_condition" | "match_arm" => n.child_by_field_name("pattern"),
            "closure_parameters" => Some(n),
            _ => None,
        })
        .map(|pattern| uses(pattern, source, name).len())
        .sum()
}

/// `T` is a standard type that is certainly `Hash + Eq + Clone`: integers, `char`, `bool`, `String`, `&str`,
/// shared references to those, and tuples of them.
fn hashable(ty: Node, source: &str) -> bool {
    match ty.kind() {
        "primitive_type" => INTEGERS.contains(&text(ty, source)) || matches!(text(ty, source), "char" | "bool"),
        "type_identifier" | "scoped_type_identifier" => matches!(text(ty, source), "String" | "std::string::String"),
        "reference_type" => {
            let inner = ty.child_by_field_name("type");
            !has_child(ty, "mutable_specifier") && inner.is_some_and(|t| text(t, source) == "str" || hashable(t, source))
        }
        "tuple_type" => {
            let mut cursor = ty.walk();
            let items: Vec<Node> = ty.named_children(&mut cursor).collect();
            !items.is_empty() && items.iter().all(|t| hashable(*t, source))
        }
        _ => false,
    }
}

/// `T` is a standard type whose `to_string()` is its `Display` output: the hashable ones and floats.
pub(super) fn displayable(ty: Node, source: &str) -> bool {
    match ty.kind() {
        "primitive_type" => matches!(text(ty, source), "f32" | "f64") || hashable(ty, source),
        "reference_type" => ty.child_by_field_name("type").is_some_and(|t| text(t, source) == "str" || displayable(t, source)),
        "tuple_type" => false,
        _ => hashable(ty, source),
    }
}

pub(super) fn has_child(node: Node, kind: &str) -> bool {
    let mut cursor = node.walk();
    node.children(&mut cursor).any(|c| c.kind() == kind)
}

/// What is known of a variable's type: `T` (or `&T` when `by_ref`), or "some integer type".
#[derive(Clone, Copy)]
pub(super) enum Evident<'t> {
    Type { ty: Node<'t>, by_ref: bool },
    Integer,
}

impl Evident<'_> {
    fn hashable(&self, source: &str) -> bool {
        match self {
            Evident::Type { ty, .. } => hashable(*ty, source),
            Evident::Integer => true,
        }
    }

    pub(super) fn displayable(&self, source: &str) -> bool {
        match self {
            Evident::Type { ty, .. } => displayable(*ty, source),
            Evident::Integer => true,
        }
    }

    /// Certainly not a reference (so `x.clone()` has the type of `x`).
    fn owned(&self) -> bool {
        match self {
            Evident::Type { ty, by_ref } => !by_ref && ty.kind() != "reference_type",
            Evident::Integer => true,
        }
    }
}

/// The type of the parameter `name` of `function`.
fn parameter_type<'t>(function: Node<'t>, source: &str, name: &str) -> Option<Node<'t>> {
    let parameters = function.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let found = parameters
        .named_children(&mut cursor)
        .find(|p| p.kind() == "parameter" && p.child_by_field_name("pattern").is_some_and(|pat| text(pat, source) == name))?;
    found.child_by_field_name("type")
}

/// The element type of a parameter typed `&[T]`, `&Vec<T>` or `Vec<T>`, and whether the parameter is a reference.
fn sequence_element<'t>(ty: Node<'t>, source: &str) -> Option<(Node<'t>, bool)> {
    let (inner, by_ref) = match ty.kind() {
        "reference_type" if !has_child(ty, "mutable_specifier") => (ty.child_by_field_name("type")?, true),
        _ => (ty, false),
    };
    match inner.kind() {
        "array_type" if by_ref && inner.child_by_field_name("length").is_none() => Some((inner.child_by_field_name("element")?, true)),
        "generic_type" => Some((vec_type(inner, source)??, by_ref)),
        _ => None,
    }
}

/// `Vec<T>` / `std::vec::Vec<T>`: `T` (`None` for `_`).
fn vec_type<'t>(ty: Node<'t>, source: &str) -> Option<Option<Node<'t>>> {
    if ty.kind() != "generic_type" || !matches!(text(ty.child_by_field_name("type")?, source), "Vec" | "std::vec::Vec") {
        return None;
    }
    let arguments = ty.child_by_field_name("type_arguments")?;
    if arguments.named_child_count() != 1 {
        return None;
    }
    let element = arguments.named_child(0)?;
    Some((text(element, source) != "_").then_some(element))
}

/// A range bound that is certainly an integer: a literal, `xs.len()`, or an integer parameter.
fn integer_bound(node: Node, function: Node, source: &str) -> bool {
    match node.kind() {
        "integer_literal" => true,
        "identifier" => parameter_type(function, source, text(node, source)).is_some_and(|t| INTEGERS.contains(&text(t, source))),
        _ => method_call(node).is_some_and(|(_, method, arguments)| text(method, source) == "len" && arguments.named_child_count() == 0),
    }
}

/// What a `for` loop binding a plain identifier to the items of `iterable` gives it.
fn loop_item<'t>(iterable: Node<'t>, function: Node<'t>, source: &str) -> Option<Evident<'t>> {
    if iterable.kind() == "range_expression" {
        let mut cursor = iterable.walk();
        let bounds: Vec<Node> = iterable.named_children(&mut cursor).collect();
        return (bounds.len() == 2 && bounds.iter().all(|b| integer_bound(*b, function, source))).then_some(Evident::Integer);
    }
    let sequence = |node: Node<'t>| (node.kind() == "identifier").then(|| parameter_type(function, source, text(node, source))).flatten();
    let element = |node: Node<'t>| sequence(node).and_then(|ty| sequence_element(ty, source));
    match iterable.kind() {
        "identifier" => element(iterable).map(|(ty, by_ref)| Evident::Type { ty, by_ref }),
        "reference_expression" if !has_child(iterable, "mutable_specifier") => {
            element(iterable.child_by_field_name("value")?).map(|(ty, _)| Evident::Type { ty, by_ref: true })
        }
        _ => {
            let (receiver, method, arguments) = method_call(iterable)?;
            if arguments.named_child_count() != 0 {
                return None;
            }
            match text(method, source) {
                "iter" => element(receiver).map(|(ty, _)| Evident::Type { ty, by_ref: true }),
                "into_iter" => element(receiver).map(|(ty, by_ref)| Evident::Type { ty, by_ref }),
                "copied" | "cloned" => {
                    let (inner, inner_method, inner_arguments) = method_call(receiver)?;
                    (text(inner_method, source) == "iter" && inner_arguments.named_child_count() == 0)
                        .then(|| element(inner))
                        .flatten()
                        .map(|(ty, _)| Evident::Type { ty, by_ref: false })
                }
                _ => None,
            }
        }
    }
}

/// The evident type of the identifier `name` used at `site`: a parameter, or the variable of a `for` loop
/// around `site` over a parameter or an integer range. `None` when shadowed or unknown.
pub(super) fn evident_type<'t>(function: Node<'t>, source: &str, name: &str, site: Node<'t>) -> Option<Evident<'t>> {
    if bindings(function, source, name) != 1 {
        return None;
    }
    if let Some(ty) = parameter_type(function, source, name) {
        return Some(Evident::Type { ty, by_ref: false });
    }
    let mut current = site.parent();
    while let Some(ancestor) = current {
        if ancestor.kind() == "for_expression" && ancestor.child_by_field_name("pattern").is_some_and(|p| p.kind() == "identifier" && text(p, source) == name) {
            return loop_item(ancestor.child_by_field_name("value")?, function, source);
        }
        current = ancestor.parent();
    }
    None
}

/// An empty Vec constructor (`Vec::new()`, `Vec::<T>::new()`, `Vec::with_capacity(n)`, `vec![]`), with the
/// element type when the turbofish names it.
fn empty_vec<'t>(value: Node<'t>, source: &str) -> Option<Option<Node<'t>>> {
    if value.kind() == "macro_invocation" {
        let name = text(value.child_by_field_name("macro")?, source);
        let tokens = value.named_child(1).map_or("", |t| text(t, source));
        return (name == "vec" && matches!(tokens, "[]" | "()")).then_some(None);
    }
    if value.kind() != "call_expression" {
        return None;
    }
    let function = value.child_by_field_name("function").filter(|f| f.kind() == "scoped_identifier")?;
    let arity = value.child_by_field_name("arguments")?.named_child_count();
    let constructor = text(function.child_by_field_name("name")?, source);
    if !matches!((constructor, arity), ("new", 0) | ("with_capacity", 1)) {
        return None;
    }
    let path = function.child_by_field_name("path")?;
    match path.kind() {
        "generic_type" => vec_type(path, source),
        _ => matches!(text(path, source), "Vec" | "std::vec::Vec").then_some(None),
    }
}

/// `let mut name = <empty Vec>;`: (name, element type from an annotation or the turbofish).
fn empty_vec_declaration<'t>(declaration: Node<'t>, source: &str) -> Option<(String, Option<Node<'t>>)> {
    if declaration.kind() != "let_declaration" || !has_child(declaration, "mutable_specifier") {
        return None;
    }
    let pattern = declaration.child_by_field_name("pattern").filter(|p| p.kind() == "identifier")?;
    let from_constructor = empty_vec(declaration.child_by_field_name("value")?, source)?;
    let annotated = match declaration.child_by_field_name("type") {
        Some(ty) => vec_type(ty, source)?,
        None => None,
    };
    Some((text(pattern, source).to_string(), annotated.or(from_constructor)))
}

/// The first statement after `declaration` in its block that mentions `name`, when it is a loop: (statement, loop).
fn next_use_is_loop<'t>(declaration: Node<'t>, source: &str, name: &str) -> Option<(Node<'t>, Node<'t>)> {
    let mut next = declaration.next_named_sibling();
    while let Some(statement) = next {
        if !uses(statement, source, name).is_empty() {
            let inner = if statement.kind() == "expression_statement" { statement.named_child(0)? } else { statement };
            return is_loop(inner).then_some((statement, inner));
        }
        next = statement.next_named_sibling();
    }
    None
}

/// `name.method(arguments)` around the identifier `receiver`: (call, method, arguments).
fn call_on(receiver: Node) -> Option<(Node, Node, Node)> {
    let field = receiver.parent().filter(|f| f.kind() == "field_expression" && f.child_by_field_name("value").is_some_and(|v| v.id() == receiver.id()))?;
    let call = field.parent().filter(|c| c.kind() == "call_expression" && c.child_by_field_name("function").is_some_and(|f| f.id() == field.id()))?;
    Some((call, field.child_by_field_name("field")?, call.child_by_field_name("arguments")?))
}

pub(super) fn single_argument(arguments: Node) -> Option<Node> {
    if arguments.named_child_count() == 1 { arguments.named_child(0) } else { None }
}

fn starts_line(source: &str, byte: usize) -> bool {
    let line_start = source[..byte].rfind('\n').map_or(0, |i| i + 1);
    source[line_start..byte].trim().is_empty()
}

/// The bytes to delete to remove `statement`: its whole line(s) when it is alone there, else it and the spaces after it.
pub(super) fn removal(source: &str, statement: Node) -> std::ops::Range<usize> {
    let rest = &source[statement.end_byte()..];
    let line_rest = &rest[..rest.find('\n').unwrap_or(rest.len())];
    if starts_line(source, statement.start_byte()) && line_rest.trim().is_empty() {
        return whole_lines(source, statement);
    }
    let spaces = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    statement.start_byte()..statement.end_byte() + spaces
}

/// Inserts `line` on its own line before `statement` (or before it on the same line when it shares one).
pub(super) fn insert_before(source: &str, statement: Node, line: &str) -> Edit {
    if starts_line(source, statement.start_byte()) {
        Edit::insert(statement.start_byte(), format!("{line}\n{}", indent_at(source, statement.start_byte())))
    } else {
        Edit::insert(statement.start_byte(), format!("{line} "))
    }
}

/// The pushed expression is the tested value or a copy of it: `x`, `*x`, `x.clone()`, `x.to_owned()`, `x.to_string()`.
fn same_value(pushed: Node, name: &str, source: &str) -> bool {
    match pushed.kind() {
        "identifier" => text(pushed, source) == name,
        "unary_expression" => text(pushed, source) == format!("*{name}"),
        _ => method_call(pushed).is_some_and(|(receiver, method, arguments)| {
            receiver.kind() == "identifier"
                && text(receiver, source) == name
                && arguments.named_child_count() == 0
                && matches!(text(method, source), "clone" | "to_owned" | "to_string")
        }),
    }
}

/// `let mut out = Vec::new(); .. for .. { if !out.contains(&x) { out.push(x); } }`: a HashSet kept in step with
/// `out` answers the membership test, and `out` keeps its order.
pub fn dedup_hashset(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let mut edits = Vec::new();
        let mut taken = String::new();
        for declaration in descendants(body) {
            let Some((name, annotated)) = empty_vec_declaration(declaration, source) else { continue };
            let Some((_, found_loop)) = next_use_is_loop(declaration, source, &name) else { continue };
            let occurrences = uses(found_loop, source, &name);
            let calls: Vec<(Node, Node, Node, Node)> =
                occurrences.iter().filter_map(|o| call_on(*o).map(|(call, method, arguments)| (*o, call, method, arguments))).collect();
            let test = calls.iter().find(|c| text(c.2, source) == "contains");
            let push = calls.iter().find(|c| text(c.2, source) == "push");
            let (Some(&(receiver, test_call, _, test_arguments)), Some(&(_, push_call, _, push_arguments))) = (test, push) else { continue };
            if occurrences.len() != 2 {
                continue;
            }
            // `if !out.contains(a) { .. out.push(p); .. }`, the push a statement of that `if`'s block.
            let negation = test_call.parent().filter(|n| n.kind() == "unary_expression" && text(*n, source).starts_with('!'));
            let if_node = negation.and_then(|n| n.parent().filter(|i| i.kind() == "if_expression" && i.child_by_field_name("condition") == Some(n)));
            let statement = push_call.parent().filter(|s| s.kind() == "expression_statement");
            let (Some(if_node), Some(statement)) = (if_node, statement) else { continue };
            if statement.parent() != if_node.child_by_field_name("consequence") {
                continue;
            }
            let (Some(tested), Some(pushed)) = (single_argument(test_arguments), single_argument(push_arguments)) else { continue };
            let (variable, by_reference) = match tested.kind() {
                "reference_expression" if !has_child(tested, "mutable_specifier") => (tested.child_by_field_name("value"), true),
                "identifier" => (Some(tested), false),
                _ => continue,
            };
            let Some(variable) = variable.filter(|v| v.kind() == "identifier") else { continue };
            let x = text(variable, source);
            if bindings(target.node, source, x) != 1 || !same_value(pushed, x, source) {
                continue;
            }
            let evident = evident_type(target.node, source, x, variable);
            if !annotated.is_some_and(|t| hashable(t, source)) && !evident.is_some_and(|e| e.hashable(source)) {
                continue;
            }
            // `a` is `&Element`: `x.clone()` is an `Element` when `x` is that reference, or an owned `x`.
            let owned = annotated.is_some_and(|t| t.kind() != "reference_type") || evident.is_some_and(|e| e.owned());
            let inserted = if !by_reference || owned { format!("{x}.clone()") } else { format!("Clone::clone(&{x})") };
            let seen = fresh_name(&format!("{source}{taken}"), "seen");
            taken.push_str(&seen);
            let indent = indent_at(source, declaration.start_byte());
            edits.push(Edit::insert(declaration.end_byte(), format!("\n{indent}let mut {seen} = std::collections::HashSet::new();")));
            edits.push(Edit::replace(receiver.byte_range(), seen.clone()));
            edits.push(insert_before(source, statement, &format!("{seen}.insert({inserted});")));
        }
        if let Some(result) = finish(Language::Rust, source, &edits) {
            return Some(result);
        }
    }
    None
}

/// Macros that neither leave the loop early nor hide a `return` (`?` and keywords in their tokens are checked too).
const PLAIN_MACROS: &[&str] = &[
    "println",
    "print",
    "eprintln",
    "eprint",
    "format",
    "format_args",
    "write",
    "writeln",
    "vec",
    "assert",
    "assert_eq",
    "assert_ne",
    "debug_assert",
    "debug_assert_eq",
    "debug_assert_ne",
    "dbg",
    "matches",
    "panic",
    "unreachable",
    "todo",
    "unimplemented",
];

/// `break`, `continue`, `return`, `?` or a macro that might hide one, anywhere in `node`.
fn may_exit_early(node: Node, source: &str) -> bool {
    descendants(node).iter().any(|n| match n.kind() {
        "break_expression" | "continue_expression" | "return_expression" | "try_expression" | "yield_expression" => true,
        "break" | "continue" | "return" | "?" | "yield" => true,
        "macro_invocation" => !n.child_by_field_name("macro").is_some_and(|m| PLAIN_MACROS.contains(&text(m, source))),
        _ => false,
    })
}

/// A closure that reads nothing but its own parameters, paths and tuple-struct constructors: the same
/// function wherever it is evaluated.
fn self_contained_closure(node: Node, source: &str) -> bool {
    let (Some(parameters), Some(body)) = (node.child_by_field_name("parameters"), node.child_by_field_name("body")) else { return false };
    let own: Vec<&str> = descendants(parameters).iter().filter(|n| n.kind() == "identifier").map(|n| text(*n, source)).collect();
    node.kind() == "closure_expression"
        && descendants(body).iter().all(|n| match n.kind() {
            "identifier" => {
                let parent = n.parent();
                own.contains(&text(*n, source))
                    || parent.is_some_and(|p| p.kind() == "scoped_identifier")
                    || (parent.is_some_and(|p| p.kind() == "call_expression" && p.child_by_field_name("function") == Some(*n))
                        && text(*n, source).starts_with(|c: char| c.is_ascii_uppercase()))
            }
            "macro_invocation" | "assignment_expression" | "compound_assignment_expr" | "closure_expression" | "self" => false,
            _ => true,
        })
}

/// `v.push(e); v.sort();` in the body of a loop that fills the empty Vec `v`: one sort after the loop instead.
pub fn sort_once(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let mut edits = Vec::new();
        for declaration in descendants(body) {
            let Some((name, _)) = empty_vec_declaration(declaration, source) else { continue };
            let Some((statement, found_loop)) = next_use_is_loop(declaration, source, &name) else { continue };
            let Some(loop_body) = found_loop.child_by_field_name("body") else { continue };
            if found_loop.kind() == "loop_expression" || may_exit_early(found_loop, source) {
                continue;
            }
            let Some(calls) = uses(found_loop, source, &name).into_iter().map(call_on).collect::<Option<Vec<_>>>() else { continue };
            let is_sort = |method: Node| matches!(text(method, source), "sort" | "sort_unstable" | "sort_by" | "sort_by_key" | "sort_by_cached_key");
            let sorts: Vec<(Node, Node, Node)> = calls.iter().copied().filter(|(_, method, _)| is_sort(*method)).collect();
            let [(sort_call, sort_method, sort_arguments)] = sorts[..] else { continue };
            let Some(sort_statement) = sort_call.parent().filter(|s| s.kind() == "expression_statement" && s.parent() == Some(loop_body)) else { continue };
            let arguments_fit = match text(sort_method, source) {
                "sort" | "sort_unstable" => sort_arguments.named_child_count() == 0,
                _ => single_argument(sort_arguments).is_some_and(|closure| self_contained_closure(closure, source)),
            };
            let grows_before_the_sort = calls.iter().filter(|(call, _, _)| *call != sort_call).all(|(call, method, _)| {
                matches!(text(*method, source), "push" | "extend" | "extend_from_slice")
                    && super::super::contains(loop_body, *call)
                    && call.end_byte() <= sort_statement.start_byte()
            });
            if !arguments_fit || !grows_before_the_sort {
                continue;
            }
            let indent = indent_at(source, statement.start_byte());
            edits.push(Edit::replace(removal(source, sort_statement), ""));
            edits.push(Edit::insert(statement.end_byte(), format!("\n{indent}{}", text(sort_statement, source))));
        }
        if let Some(result) = finish(Language::Rust, source, &edits) {
            return Some(result);
        }
    }
    None
}
