//! The optimizability patterns: what a call, assignment, index or closure inside a function body
//! says about its cost, recorded as findings on the function's scan.

use super::functions::FnScan;
use super::grammar::{Field, FieldExt};
use super::holds::{Capacity, Holds, Local};
use super::walk::{named_children, text};
use crate::analysis::ReasonKind;
use tree_sitter::Node;

/// Iterator adaptors whose closure runs once per element.
const PER_ELEMENT_ADAPTORS: &[&str] = &[
    "map",
    "for_each",
    "filter",
    "filter_map",
    "flat_map",
    "any",
    "all",
    "find",
    "find_map",
    "position",
    "fold",
    "try_fold",
    "try_for_each",
    "take_while",
    "skip_while",
    "map_while",
    "inspect",
    "scan",
    "max_by_key",
    "min_by_key",
    "max_by",
    "min_by",
    "partition",
    "reduce",
    "retain",
];

/// Methods that start iterating a collection or string.
const ITERATOR_SOURCES: &[&str] = &[
    "iter",
    "iter_mut",
    "into_iter",
    "chars",
    "bytes",
    "char_indices",
    "lines",
    "split",
    "split_whitespace",
    "windows",
    "chunks",
    "chunks_exact",
    "keys",
    "values",
    "values_mut",
    "drain",
];

/// Adaptors that, given an `==` closure, are a linear membership test.
const SEARCH_ADAPTORS: &[&str] = &["any", "all", "position", "find"];

const SORTS: &[&str] = &[
    "sort",
    "sort_by",
    "sort_by_key",
    "sort_by_cached_key",
    "sort_unstable",
    "sort_unstable_by",
    "sort_unstable_by_key",
    "sorted",
    "sorted_by",
    "sorted_by_key",
    "sorted_unstable",
];

/// Longest method chain followed when looking for an iterator source.
const MAX_CHAIN: usize = 32;

impl FnScan<'_> {
    pub(super) fn on_call(&mut self, call: Node<'_>) {
        let Some(mut function) = call.field(Field::Function) else {
            return;
        };
        if function.kind() == "generic_function"
            && let Some(inner) = function.field(Field::Function)
        {
            function = inner;
        }
        match function.kind() {
            "identifier" if self.is_own_call_path(&[text(function, self.source)]) => {
                self.note_self_call(call.byte_range(), computed_arguments(call));
            }
            "scoped_identifier" => {
                let name = function.field(Field::Name).map(|n| text(n, self.source)).unwrap_or("");
                let owner = function.field(Field::Path).map(|p| last_segment(p, self.source)).unwrap_or("");
                if self.is_own_call_path(&[owner, name]) {
                    self.note_self_call(call.byte_range(), computed_arguments(call));
                }
                if matches!(owner, "Regex" | "RegexBuilder" | "RegexSet" | "RegexSetBuilder") && matches!(name, "new" | "from_str") && self.in_loop() {
                    self.find(ReasonKind::RegexInLoop, call.byte_range(), format!("{owner}::{name}"));
                }
            }
            "field_expression" => self.on_method_call(call, function),
            _ => {}
        }
    }

    fn on_method_call(&mut self, call: Node<'_>, function: Node<'_>) {
        let (Some(receiver), Some(method)) = (function.field(Field::Value), function.field(Field::Member)) else {
            return;
        };
        let method = text(method, self.source);
        let receiver_name = (receiver.kind() == "identifier").then(|| text(receiver, self.source));
        let receiver_label = || receiver_label(receiver, self.source);
        if receiver.kind() == "self" && method == self.header.name && self.header.container.is_some() {
            self.note_self_call(call.byte_range(), computed_arguments(call));
        }
        let arguments = || call.field(Field::Arguments).map(named_children).unwrap_or_default();
        match method {
            "contains" if self.in_loop() => {
                if matches!(self.receiver_holds(receiver), Holds::Vec(_)) {
                    self.find(ReasonKind::ListMembershipInLoop, call.byte_range(), format!("`{}.contains(..)`", receiver_label()));
                }
            }
            "remove" | "insert" if self.in_loop() => {
                let expected_arguments = if method == "remove" { 1 } else { 2 };
                let arguments = arguments();
                // Only a known `Vec` shifts its elements (a node's bounded child array, a custom list type may not), and
                // a shift that leaves the loop right after (`insert(0, ..); break;`) happens once.
                let holds = self.receiver_holds(receiver);
                if arguments.len() == expected_arguments && is_zero(arguments[0], self.source) && matches!(holds, Holds::Vec(_)) && !leaves_loop_after(call) {
                    self.find(
                        ReasonKind::FrontOfListOpInLoop,
                        call.byte_range(),
                        match method {
                            "remove" => format!("`{}.remove(0)`", receiver_label()),
                            _ => format!("`{}.insert(0, ..)`", receiver_label()),
                        },
                    );
                }
            }
            _ if SORTS.contains(&method) => {
                if self.in_loop() {
                    self.find(ReasonKind::SortInLoop, call.byte_range(), format!("`{}.{method}(..)`", receiver_label()));
                }
                if let Some(name) = receiver_name {
                    self.sorted.insert(name);
                }
            }
            "push_str" | "push" | "extend_from_slice" => self.on_push(call, method, receiver_name),
            "reserve" | "reserve_exact" => {
                if let Some(name) = receiver_name
                    && let Some(local) = self.locals.get_mut(name)
                {
                    local.holds = match local.holds {
                        Holds::Vec(_) => Holds::Vec(Capacity::Reserved),
                        Holds::String(_) => Holds::String(Capacity::Reserved),
                        other => other,
                    };
                }
            }
            "clone" | "collect" | "to_string" | "to_owned" | "to_vec" if self.in_allocating_loop() => {
                self.find(ReasonKind::AllocationInLoop, call.byte_range(), format!("`.{method}()`"));
            }
            "first" | "last" => {
                if let Some(name) = receiver_name
                    && self.sorted.contains(name)
                {
                    self.extreme_reads.push((name, call.byte_range()));
                }
            }
            _ => {}
        }
    }

    /// Growing a buffer declared outside the loop that was created without capacity.
    fn on_push(&mut self, call: Node<'_>, method: &str, receiver_name: Option<&str>) {
        let Some(name) = receiver_name else { return };
        let Some(local) = self.locals.get(name).copied() else {
            return;
        };
        if !self.in_loop() || local.loop_depth >= self.loop_depth() {
            return;
        }
        match (local.holds, method) {
            (Holds::String(Capacity::None), "push_str" | "push") => {
                self.find(ReasonKind::StringConcatInLoop, call.byte_range(), format!("`{name}`"));
            }
            (Holds::Vec(Capacity::None), "push" | "extend_from_slice") => {
                self.find(ReasonKind::AllocationInLoop, call.byte_range(), format!("`{name}.{method}(..)` without capacity"));
            }
            _ => {}
        }
    }

    /// Closures passed to iterator adaptors run per element: they open a loop frame, except
    /// `any(|y| y == x)`-style searches, which are reported as membership tests instead.
    pub(super) fn on_closure(&mut self, closure: Node<'_>, ancestors: &[Node<'_>]) {
        let [.., call, arguments] = ancestors else {
            return;
        };
        if arguments.kind() != "arguments" || call.kind() != "call_expression" {
            return;
        }
        let Some(function) = call.field(Field::Function) else {
            return;
        };
        if function.kind() != "field_expression" {
            return;
        }
        let method = function.field(Field::Member).map(|f| text(f, self.source)).unwrap_or("");
        if !PER_ELEMENT_ADAPTORS.contains(&method) {
            return;
        }
        let Some(receiver) = function.field(Field::Value) else {
            return;
        };
        if !self.is_iterator_chain(receiver) {
            return;
        }
        if SEARCH_ADAPTORS.contains(&method) && is_equality_closure(closure) {
            // A scan of a known `Vec` or slice; a hash bucket or another small collection of unknown kind is left alone.
            if self.in_loop() && matches!(self.receiver_holds(chain_source(receiver)), Holds::Vec(_)) {
                let label = receiver_label(receiver, self.source);
                self.find(ReasonKind::ListMembershipInLoop, call.byte_range(), format!("`{label}.{method}(|..| .. == ..)`"));
            }
            return;
        }
        self.push_loop(closure.id(), false, call.byte_range());
    }

    /// `xs.iter().filter(..)`, `(0..n)`, `s.chars()`: the receiver chain starts iterating something.
    fn is_iterator_chain(&self, mut node: Node<'_>) -> bool {
        for _ in 0..MAX_CHAIN {
            match node.kind() {
                "range_expression" => return true,
                "parenthesized_expression" => match node.named_child(0) {
                    Some(inner) => node = inner,
                    None => return false,
                },
                "call_expression" => match node.field(Field::Function) {
                    Some(function) => node = function,
                    None => return false,
                },
                "generic_function" => match node.field(Field::Function) {
                    Some(function) => node = function,
                    None => return false,
                },
                "field_expression" => {
                    let method = node.field(Field::Member).map(|f| text(f, self.source)).unwrap_or("");
                    if ITERATOR_SOURCES.contains(&method) {
                        return true;
                    }
                    match node.field(Field::Value) {
                        Some(value) => node = value,
                        None => return false,
                    }
                }
                _ => return false,
            }
        }
        false
    }

    /// `s += &x` / `s += "lit"` on a string declared outside the loop.
    pub(super) fn on_compound_assignment(&mut self, node: Node<'_>) {
        if !self.in_loop() || node.field(Field::Operator).map(|o| o.kind()) != Some("+=") {
            return;
        }
        let (Some(left), Some(right)) = (node.field(Field::Left), node.field(Field::Right)) else {
            return;
        };
        let target = strip_deref(left);
        let stringy_right = is_stringy(right, self.source);
        let grows = match self.local_of(target) {
            Some(local) if local.loop_depth >= self.loop_depth() => false,
            Some(Local { holds: Holds::String(capacity), .. }) => capacity != Capacity::Reserved,
            Some(Local { holds: Holds::Unknown, .. }) | None => stringy_right,
            Some(_) => false,
        };
        if grows {
            let label = receiver_label(target, self.source);
            self.find(ReasonKind::StringConcatInLoop, node.byte_range(), format!("`{label}`"));
        }
    }

    /// `s = s + &x` / `s = format!("{s}..")` on a string declared outside the loop.
    pub(super) fn on_assignment(&mut self, node: Node<'_>) {
        if !self.in_loop() {
            return;
        }
        let (Some(left), Some(right)) = (node.field(Field::Left), node.field(Field::Right)) else {
            return;
        };
        if left.kind() != "identifier" {
            return;
        }
        let name = text(left, self.source);
        let local = self.locals.get(name).copied();
        if local.is_some_and(|l| l.loop_depth >= self.loop_depth() || !matches!(l.holds, Holds::String(_) | Holds::Unknown)) {
            return;
        }
        let known_string = local.is_some_and(|l| matches!(l.holds, Holds::String(_)));
        let concatenates = match right.kind() {
            "binary_expression" => {
                let mut operands = Vec::new();
                let mut leftmost = right;
                let mut all_plus = true;
                for _ in 0..MAX_CHAIN {
                    if leftmost.kind() != "binary_expression" {
                        break;
                    }
                    all_plus &= leftmost.field(Field::Operator).map(|o| o.kind()) == Some("+");
                    operands.extend(leftmost.field(Field::Right));
                    match leftmost.field(Field::Left) {
                        Some(l) => leftmost = l,
                        None => break,
                    }
                }
                all_plus
                    && leftmost.kind() == "identifier"
                    && text(leftmost, self.source) == name
                    && (known_string || operands.iter().any(|o| is_stringy(*o, self.source)))
            }
            "macro_invocation" if macro_name(right, self.source) == "format" => {
                let mentions_target = text(right, self.source).contains(name);
                if mentions_target {
                    self.consumed_macros.insert(right.id());
                }
                mentions_target
            }
            _ => false,
        };
        if concatenates {
            self.find(ReasonKind::StringConcatInLoop, node.byte_range(), format!("`{name}`"));
        }
    }

    /// `sorted[0]` / `sorted[sorted.len() - 1]` after sorting; other index reads mean the order is used.
    pub(super) fn on_index(&mut self, node: Node<'_>) {
        let (Some(object), Some(index)) = (node.named_child(0), node.named_child(1)) else {
            return;
        };
        if object.kind() != "identifier" {
            return;
        }
        let name = text(object, self.source);
        if !self.sorted.contains(name) {
            return;
        }
        let index_text: String = text(index, self.source).chars().filter(|c| !c.is_whitespace()).collect();
        if index_text == "0" || (index_text.ends_with(".len()-1") && index_text.starts_with(name)) {
            self.extreme_reads.push((name, node.byte_range()));
        } else {
            self.other_index_reads.insert(name);
        }
    }
}
/// `x == y` (possibly in a one-expression block) as a closure body.
fn is_equality_closure(closure: Node<'_>) -> bool {
    let Some(mut body) = closure.field(Field::Body) else {
        return false;
    };
    if body.kind() == "block" {
        let statements: Vec<Node<'_>> = named_children(body).into_iter().filter(|n| !n.kind().ends_with("comment")).collect();
        match statements.as_slice() {
            [only] => body = *only,
            _ => return false,
        }
    }
    // `|d| d == b'0'` compares with a constant: a scan, but not a lookup a set could answer.
    let compares_with_literal = [Field::Left, Field::Right]
        .into_iter()
        .any(|side| body.field(side).map(strip_deref).is_some_and(|operand| operand.kind().ends_with("literal") || matches!(operand.kind(), "true" | "false")));
    body.kind() == "binary_expression" && matches!(body.field(Field::Operator).map(|o| o.kind()), Some("==" | "!=")) && !compares_with_literal
}

/// The expression an operation really targets: `*s` and `(s)` are `s`.
pub(super) fn strip_deref(mut node: Node<'_>) -> Node<'_> {
    for _ in 0..MAX_CHAIN {
        match node.kind() {
            "unary_expression" | "parenthesized_expression" | "reference_expression" => match last_named_child(node) {
                Some(inner) => node = inner,
                None => break,
            },
            _ => break,
        }
    }
    node
}

/// Right-hand sides that make `+=` / `+` a string operation.
fn is_stringy(node: Node<'_>, source: &str) -> bool {
    match node.kind() {
        "string_literal" | "raw_string_literal" | "char_literal" | "reference_expression" => true,
        "macro_invocation" => macro_name(node, source) == "format",
        "call_expression" => node.field(Field::Function).is_some_and(|f| {
            f.kind() == "field_expression" && f.field(Field::Member).is_some_and(|m| matches!(text(m, source), "as_str" | "to_string" | "to_owned"))
        }),
        _ => false,
    }
}

pub(super) fn macro_name<'s>(invocation: Node<'_>, source: &'s str) -> &'s str {
    invocation.field(Field::Macro).map(|m| last_segment(m, source)).unwrap_or("")
}

/// `a::b::C` -> `C`; `Vec::<T>` -> `Vec`.
pub(super) fn last_segment<'s>(path: Node<'_>, source: &'s str) -> &'s str {
    match path.kind() {
        "scoped_identifier" | "scoped_type_identifier" => path.field(Field::Name).map(|n| text(n, source)).unwrap_or(""),
        "generic_type" => path.field(Field::Type).map(|t| last_segment_flat(t, source)).unwrap_or(""),
        _ => text(path, source),
    }
}

fn last_segment_flat<'s>(node: Node<'_>, source: &'s str) -> &'s str {
    text(node, source).rsplit("::").next().unwrap_or("")
}

fn is_zero(argument: Node<'_>, source: &str) -> bool {
    argument.kind() == "integer_literal" && text(argument, source).trim_end_matches("usize") == "0"
}

/// Short source text naming a receiver in messages (`v`, `self.items`); long chains are cut.
fn receiver_label(receiver: Node<'_>, source: &str) -> String {
    let label = text(receiver, source);
    let last_line = label.rsplit('\n').next().unwrap_or("").trim_start();
    if label.len() <= 40 && !label.contains('\n') {
        return label.to_string();
    }
    let chars: Vec<char> = last_line.chars().collect();
    let tail: String = chars[chars.len().saturating_sub(30)..].iter().collect();
    format!("…{tail}")
}

pub(super) fn last_named_child(node: Node<'_>) -> Option<Node<'_>> {
    let count = u32::try_from(node.named_child_count()).ok()?;
    node.named_child(count.checked_sub(1)?)
}

/// A call whose arguments are computed from the caller's (`n - 1`, `&s[1..]`, `i + 1`) rather than handed on
/// (`b, a`) or taken from a sub-structure (`&node.left`).
fn computed_arguments(call: Node<'_>) -> bool {
    call.field(Field::Arguments).map(named_children).unwrap_or_default().into_iter().any(|argument| {
        let mut value = argument;
        while value.kind() == "reference_expression" || value.kind() == "parenthesized_expression" {
            match last_named_child(value) {
                Some(inner) => value = inner,
                None => break,
            }
        }
        match value.kind() {
            "binary_expression" => true,
            "index_expression" => value.named_child(1).is_some_and(|index| index.kind() == "range_expression"),
            _ => false,
        }
    })
}

/// The collection an iterator chain starts from: `xs` in `xs.iter().map(..)`, `self.items` in `self.items.iter_mut()`.
fn chain_source(mut node: Node<'_>) -> Node<'_> {
    for _ in 0..MAX_CHAIN {
        let Some(function) = (node.kind() == "call_expression").then(|| node.field(Field::Function)).flatten() else { break };
        let Some(value) = (function.kind() == "field_expression").then(|| function.field(Field::Value)).flatten() else { break };
        node = value;
    }
    node
}

/// The statement holding `call` is followed, in the same block, by `break` or `return`: it runs once per loop.
fn leaves_loop_after(call: Node<'_>) -> bool {
    let mut statement = call;
    while let Some(parent) = statement.parent() {
        if parent.kind() == "block" {
            break;
        }
        if matches!(parent.kind(), "function_item" | "closure_expression" | "loop_expression" | "for_expression" | "while_expression") {
            return false;
        }
        statement = parent;
    }
    std::iter::successors(statement.next_named_sibling(), |n| n.next_named_sibling()).any(|next| {
        let inner = if next.kind() == "expression_statement" { next.named_child(0) } else { Some(next) };
        inner.is_some_and(|n| matches!(n.kind(), "break_expression" | "return_expression"))
    })
}
