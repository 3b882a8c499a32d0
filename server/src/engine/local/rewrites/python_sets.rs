//! Python rewrites that replace a linear scan by a hash lookup: a companion set for a list the loop grows
//! (de-duplication), a `frozenset` for a module-level constant list, and `Counter`/position dicts for
//! `list.count`/`list.index` in a loop.

use tree_sitter::Node;

use super::super::{Edit, contains, descendants, finish, fresh_name, indent_at, text};
use super::scope::{bindings, is_container_expression, is_read_only_use, occurrences, operand_only_read_within};
use super::{ensure_helper, ensure_import, functions, in_loop_within, is_loop, membership_operand, method_call, parse, statement_in_block};
use crate::analysis::Language;

/// Emitted once per module when hashability of the elements cannot be proven: membership through a set while every
/// element is hashable, through the list itself (the original scan) as soon as one is not.
const SEEN_HELPER: &str = "class _WecoSeen:
    \"\"\"A set kept in step with a list for fast membership; falls back to scanning the list for unhashable items.\"\"\"

    __slots__ = (\"items\", \"hashed\")

    def __init__(self, items):
        self.items = items
        self.hashed = set()

    def add(self, item):
        if self.hashed is not None:
            try:
                self.hashed.add(item)
            except TypeError:
                self.hashed = None

    def __contains__(self, item):
        if self.hashed is None:
            return item in self.items
        try:
            return item in self.hashed
        except TypeError:
            return item in self.items
";

/// Emitted once per module for a constant list turned into a set: a `frozenset` (hash lookups in C) whose
/// membership test falls back to the list for a probe that cannot be hashed (a `bytearray` equal to a `bytes`
/// constant, a list), where `frozenset` alone would raise `TypeError` and the list scan answered.
const FROZEN_HELPER: &str = "class _WecoFrozen(frozenset):
    \"\"\"A frozenset of a constant list; an unhashable probe is looked up in the list itself, as before.\"\"\"

    __slots__ = (\"items\",)

    def __new__(cls, items):
        self = super().__new__(cls, items)
        self.items = items
        return self

    def __contains__(self, item):
        try:
            return frozenset.__contains__(self, item)
        except TypeError:
            return item in self.items
";

fn line_starts_at(source: &str, byte: usize) -> bool {
    let line_start = source[..byte].rfind('\n').map_or(0, |i| i + 1);
    source[line_start..byte].trim().is_empty()
}

/// The outermost `for`/`while` statement below `body` that contains `node`.
fn outermost_loop_statement<'t>(node: Node<'t>, body: Node<'t>) -> Option<Node<'t>> {
    let mut found = None;
    let mut current = node.parent();
    while let Some(ancestor) = current {
        if ancestor.id() == body.id() {
            break;
        }
        if matches!(ancestor.kind(), "for_statement" | "while_statement") {
            found = Some(ancestor);
        }
        current = ancestor.parent();
    }
    found
}

/// `name.append(arg)` as a whole statement: returns (statement, arg).
fn append_statement<'t>(usage: Node<'t>, source: &str) -> Option<(Node<'t>, Node<'t>)> {
    let attribute = usage.parent().filter(|p| p.kind() == "attribute")?;
    let call = attribute.parent().filter(|c| c.kind() == "call")?;
    let (receiver, method, arguments) = method_call(call)?;
    if receiver.id() != usage.id() || text(method, source) != "append" || arguments.named_child_count() != 1 {
        return None;
    }
    let argument = arguments.named_child(0).filter(|a| !a.kind().contains("splat") && a.kind() != "keyword_argument")?;
    let statement = call.parent().filter(|s| s.kind() == "expression_statement" && s.named_child_count() == 1)?;
    Some((statement, argument))
}

/// Type-hint text whose values are all hashable (`str`, `int`, `tuple[str, int]`, …).
fn hashable_hint(hint: &str) -> bool {
    let words = hint.split(|c: char| !(c.is_alphanumeric() || c == '_')).filter(|w| !w.is_empty());
    let mut any = false;
    for word in words {
        any = true;
        if !matches!(word, "str" | "int" | "float" | "bool" | "bytes" | "tuple" | "Tuple" | "frozenset" | "FrozenSet" | "None" | "complex") {
            return false;
        }
    }
    any
}

/// Element hint of a parameter annotated `list[T]`, `Iterable[T]`, `Sequence[T]`, … (the text of `T`).
fn element_hint<'s>(function: Node, source: &'s str, name: &str) -> Option<&'s str> {
    let parameters = function.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let parameter = parameters.named_children(&mut cursor).find(|p| {
        matches!(p.kind(), "typed_parameter" | "typed_default_parameter")
            && (p.child_by_field_name("name").or_else(|| p.named_child(0))).is_some_and(|n| n.kind() == "identifier" && text(n, source) == name)
    })?;
    let hint = text(parameter.child_by_field_name("type")?, source);
    let open = hint.find('[')?;
    let head = hint[..open].rsplit('.').next()?.trim();
    matches!(head, "list" | "List" | "Iterable" | "Sequence" | "Iterator" | "set" | "Set" | "tuple" | "Tuple" | "Collection")
        .then(|| hint[open + 1..].strip_suffix(']'))
        .flatten()
}

/// Whether the value of `expression` is provably hashable: literals, `str()`/`int()`/`len()` results, string methods,
/// and loop variables over `range`, `str.split` or a parameter whose element type hint is hashable.
fn provably_hashable(expression: Node, function: Node, source: &str) -> bool {
    match expression.kind() {
        "string" | "integer" | "float" | "true" | "false" | "none" | "concatenated_string" => true,
        "tuple" => {
            let mut cursor = expression.walk();
            expression.named_children(&mut cursor).all(|item| provably_hashable(item, function, source))
        }
        "call" => {
            let Some(callee) = expression.child_by_field_name("function") else { return false };
            match callee.kind() {
                "identifier" => matches!(text(callee, source), "str" | "int" | "len" | "repr" | "float" | "ord" | "chr" | "hash" | "frozenset"),
                "attribute" => callee
                    .child_by_field_name("attribute")
                    .is_some_and(|m| matches!(text(m, source), "lower" | "upper" | "strip" | "lstrip" | "rstrip" | "casefold" | "title" | "capitalize")),
                _ => false,
            }
        }
        "identifier" => {
            let name = text(expression, source);
            let Some(body) = function.child_by_field_name("body") else { return false };
            let binds = bindings(body, source, name);
            let [only] = binds.as_slice() else { return false };
            let Some(header) = only.parent().filter(|p| p.kind() == "for_statement" && p.child_by_field_name("left").is_some_and(|l| l.id() == only.id()))
            else {
                return false;
            };
            let Some(iterable) = header.child_by_field_name("right") else { return false };
            match iterable.kind() {
                "call" => iterable.child_by_field_name("function").is_some_and(|f| match f.kind() {
                    "identifier" => text(f, source) == "range",
                    "attribute" => f.child_by_field_name("attribute").is_some_and(|m| matches!(text(m, source), "split" | "splitlines" | "keys")),
                    _ => false,
                }),
                "identifier" => element_hint(function, source, text(iterable, source)).is_some_and(hashable_hint),
                _ => false,
            }
        }
        _ => false,
    }
}

/// `if x not in out: out.append(x)` with `out = []`: a companion set kept in step with the list, or
/// `list(dict.fromkeys(xs))` when the loop is nothing but that de-duplication.
pub fn dedup_with_set(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    let root = tree.root_node();
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let mut names: Vec<String> = Vec::new();
        for node in descendants(body) {
            if let Some(right) = membership_operand(node).filter(|r| r.kind() == "identifier")
                && in_loop_within(node, body)
                && !names.iter().any(|n| n == text(right, source))
            {
                names.push(text(right, source).to_string());
            }
        }
        let mut edits = Vec::new();
        let mut needs_helper = false;
        let mut taken = String::new();
        for name in names {
            let Some(plan) = plan_dedup(target.node, body, source, &name) else { continue };
            if let Some(whole) = plan.fromkeys {
                edits.push(whole);
                continue;
            }
            let seen = fresh_name(&format!("{source}{taken}"), &format!("_{name}_seen"));
            taken.push_str(&seen);
            let init_indent = indent_at(source, plan.init.start_byte());
            let companion = if plan.hashable { "set()".to_string() } else { format!("_WecoSeen({name})") };
            needs_helper |= !plan.hashable;
            edits.push(Edit::insert(plan.init.end_byte(), format!("\n{init_indent}{seen} = {companion}")));
            for operand in plan.membership {
                edits.push(Edit::replace(operand.byte_range(), seen.clone()));
            }
            for (statement, argument) in plan.appends {
                let added = if argument.kind() == "identifier" { text(argument, source).to_string() } else { format!("{name}[-1]") };
                let separator =
                    if line_starts_at(source, statement.start_byte()) { format!("\n{}", indent_at(source, statement.start_byte())) } else { "; ".to_string() };
                edits.push(Edit::insert(statement.end_byte(), format!("{separator}{seen}.add({added})")));
            }
        }
        if needs_helper {
            edits.extend(ensure_helper(root, source, "class _WecoSeen", SEEN_HELPER));
        }
        if let Some(result) = finish(Language::Python, source, &edits) {
            return Some(result);
        }
    }
    None
}

struct DedupPlan<'t> {
    init: Node<'t>,
    membership: Vec<Node<'t>>,
    appends: Vec<(Node<'t>, Node<'t>)>,
    hashable: bool,
    fromkeys: Option<Edit>,
}

fn plan_dedup<'t>(function: Node<'t>, body: Node<'t>, source: &str, name: &str) -> Option<DedupPlan<'t>> {
    let binds = bindings(body, source, name);
    let [bound] = binds.as_slice() else { return None };
    let assignment = bound.parent().filter(|a| a.kind() == "assignment" && a.child_by_field_name("left").is_some_and(|l| l.id() == bound.id()))?;
    let value = assignment.child_by_field_name("right")?;
    if value.kind() != "list" || value.named_child_count() != 0 || assignment.child_by_field_name("type").is_some() {
        return None;
    }
    let init = assignment.parent().filter(|s| s.kind() == "expression_statement")?;
    let uses = occurrences(body, source, name);
    let first_test = uses.iter().find(|u| u.parent().and_then(membership_operand).is_some_and(|r| r.id() == u.id()) && in_loop_within(**u, body))?;
    let lp = outermost_loop_statement(*first_test, body)?;
    if init.end_byte() > lp.start_byte() {
        return None;
    }
    let mut membership = Vec::new();
    let mut appends = Vec::new();
    for usage in &uses {
        if usage.id() == bound.id() || usage.start_byte() >= lp.end_byte() {
            continue;
        }
        if !contains(lp, *usage) {
            return None; // used between the initialisation and the loop
        }
        if usage.parent().and_then(membership_operand).is_some_and(|r| r.id() == usage.id()) {
            membership.push(*usage);
        } else if let Some(append) = append_statement(*usage, source) {
            appends.push(append);
        } else if !is_read_only_use(*usage, source) || usage.parent().is_some_and(|p| p.kind() == "attribute") {
            return None;
        }
    }
    if membership.is_empty()
        || appends.is_empty()
        || descendants(lp).iter().any(|n| super::scope::is_nested_scope(*n) && occurrences(*n, source, name).len() > 0)
    {
        return None;
    }
    let hashable = appends.iter().all(|(_, argument)| provably_hashable(*argument, function, source))
        && membership.iter().all(|operand| {
            let left = operand.parent().and_then(|c| c.child(0));
            left.is_some_and(|l| appends.iter().any(|(_, a)| text(*a, source) == text(l, source)) || provably_hashable(l, function, source))
        });
    let fromkeys = if hashable { pure_dedup(init, lp, body, source, name) } else { None };
    Some(DedupPlan { init, membership, appends, hashable, fromkeys })
}

/// `out = []` directly followed by `for v in xs: if v not in out: out.append(v)` and nothing else.
fn pure_dedup(init: Node, lp: Node, body: Node, source: &str, name: &str) -> Option<Edit> {
    if lp.kind() != "for_statement" || lp.child_by_field_name("alternative").is_some() || init.next_named_sibling().is_none_or(|n| n.id() != lp.id()) {
        return None;
    }
    let variable = lp.child_by_field_name("left").filter(|l| l.kind() == "identifier")?;
    let iterable = lp.child_by_field_name("right")?;
    let loop_body = lp.child_by_field_name("body").filter(|b| b.named_child_count() == 1)?;
    let test = loop_body.named_child(0).filter(|s| s.kind() == "if_statement" && s.child_by_field_name("alternative").is_none())?;
    let condition = test.child_by_field_name("condition")?;
    let consequence = test.child_by_field_name("consequence").filter(|c| c.named_child_count() == 1)?;
    let v = text(variable, source);
    let condition_matches = condition.kind() == "comparison_operator"
        && condition.child(1).is_some_and(|op| op.kind() == "not in")
        && condition.child(0).is_some_and(|l| text(l, source) == v)
        && condition.child(2).is_some_and(|r| text(r, source) == name);
    let append_matches = text(consequence.named_child(0)?, source).replace(' ', "") == format!("{name}.append({v})");
    let used_after = descendants(body).iter().any(|n| n.start_byte() >= lp.end_byte() && text(*n, source) == v && n.kind() == "identifier");
    let iterable_mentions_list = occurrences(iterable, source, name).len() > 0;
    (condition_matches && append_matches && !used_after && !iterable_mentions_list)
        .then(|| Edit::replace(init.start_byte()..lp.end_byte(), format!("{name} = list(dict.fromkeys({}))", text(iterable, source))))
}

/// A module-level constant list or tuple of literals, used with `in` by the target: a `frozenset` next to it.
pub fn constant_to_frozenset(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    let root = tree.root_node();
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let mut edits = Vec::new();
        let mut done: Vec<String> = Vec::new();
        for node in descendants(body) {
            let Some(right) = membership_operand(node).filter(|r| r.kind() == "identifier") else { continue };
            let name = text(right, source).to_string();
            if done.contains(&name) {
                continue;
            }
            done.push(name.clone());
            let Some(definition) = constant_definition(root, source, &name) else { continue };
            let module_bindings = bindings(root, source, &name);
            let others_read_only =
                occurrences(root, source, &name).iter().all(|u| module_bindings.iter().any(|b| b.id() == u.id()) || is_read_only_use(*u, source));
            let locally_bound = descendants(target.node).iter().any(|n| n.kind() == "identifier" && text(*n, source) == name && super::scope::is_binding(*n));
            if module_bindings.len() != 1 || !others_read_only || locally_bound {
                continue;
            }
            let set_name = fresh_name(source, &format!("_{name}_SET"));
            edits.push(Edit::insert(definition.end_byte(), format!("\n{set_name} = _WecoFrozen({name})")));
            for usage in occurrences(body, source, &name) {
                if usage.parent().and_then(membership_operand).is_some_and(|r| r.id() == usage.id()) {
                    edits.push(Edit::replace(usage.byte_range(), set_name.clone()));
                }
            }
        }
        if !edits.is_empty() {
            edits.extend(ensure_helper(root, source, "class _WecoFrozen", FROZEN_HELPER));
        }
        if let Some(result) = finish(Language::Python, source, &edits) {
            return Some(result);
        }
    }
    None
}

fn is_hashable_literal(node: Node) -> bool {
    match node.kind() {
        "string" | "integer" | "float" | "true" | "false" | "none" | "concatenated_string" => true,
        "unary_operator" => node.named_child(0).is_some_and(|n| matches!(n.kind(), "integer" | "float")),
        "tuple" | "parenthesized_expression" => {
            let mut cursor = node.walk();
            node.named_children(&mut cursor).all(is_hashable_literal)
        }
        _ => false,
    }
}

/// The top-level statement `NAME = [literal, …]` (or a tuple), when its elements are hashable literals.
fn constant_definition<'t>(root: Node<'t>, source: &str, name: &str) -> Option<Node<'t>> {
    let mut cursor = root.walk();
    let statements: Vec<Node> = root.named_children(&mut cursor).collect();
    statements.into_iter().find(|statement| {
        statement.kind() == "expression_statement"
            && statement.named_child(0).is_some_and(|a| {
                a.kind() == "assignment"
                    && a.child_by_field_name("left").is_some_and(|l| l.kind() == "identifier" && text(l, source) == name)
                    && a.child_by_field_name("right").is_some_and(|v| {
                        matches!(v.kind(), "list" | "tuple") && v.named_child_count() > 0 && {
                            let mut inner = v.walk();
                            v.named_children(&mut inner).filter(|c| c.kind() != "comment").all(is_hashable_literal)
                        }
                    })
            })
    })
}

/// True when `name` is provably a list or tuple in `function` (so `.count`/`.index` are the sequence methods).
fn is_list_or_tuple(function: Node, body: Node, source: &str, name: &str) -> bool {
    let binds = bindings(body, source, name);
    !binds.is_empty()
        && binds.iter().all(|b| {
            b.parent().is_some_and(|a| {
                a.kind() == "assignment"
                    && a.child_by_field_name("left").is_some_and(|l| l.id() == b.id())
                    && a.child_by_field_name("right").is_some_and(|v| {
                        is_container_expression(v, source)
                            && matches!(v.kind(), "list" | "tuple" | "list_comprehension" | "call")
                            && (v.kind() != "call" || v.child_by_field_name("function").is_some_and(|f| matches!(text(f, source), "list" | "sorted" | "tuple")))
                    })
            })
        })
        && !super::parameter_names(function, source).iter().any(|p| p == name)
}

/// `xs.count(x)` / `xs.index(x)` inside a loop over data the loop does not change: a `Counter` or a first-position
/// dict built once before the loop (guarded by `isinstance(xs, (list, tuple))` unless the type is evident).
pub fn count_index_to_dict(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let mut edits = Vec::new();
        let mut built: Vec<(usize, String, String, String)> = Vec::new(); // (anchor start, list, method, table name)
        let mut needs_collections = false;
        for call in descendants(body) {
            let Some((receiver, method, arguments)) = method_call(call) else { continue };
            let method_name = text(method, source);
            let attribute = receiver.kind() == "attribute" && receiver.child_by_field_name("object").is_some_and(|o| o.kind() == "identifier");
            if !(receiver.kind() == "identifier" || attribute)
                || !matches!(method_name, "count" | "index")
                || arguments.named_child_count() != 1
                || !in_loop_within(call, body)
            {
                continue;
            }
            let Some(argument) = arguments.named_child(0).filter(|a| matches!(a.kind(), "identifier" | "attribute" | "subscript" | "string" | "integer"))
            else {
                continue;
            };
            if descendants(argument).iter().any(|n| n.kind() == "call") {
                continue;
            }
            let list = text(receiver, source).to_string();
            let Some(anchor) = statement_in_block(call, body) else { continue };
            if !operand_only_read_within(anchor, source, receiver) || !is_loop_statement_with(anchor, call) {
                continue;
            }
            let defined = attribute
                || super::parameter_names(target.node, source).contains(&list)
                || bindings(body, source, &list).iter().any(|b| b.end_byte() <= anchor.start_byte());
            if !defined {
                continue;
            }
            let proven = !attribute && is_list_or_tuple(target.node, body, source, &list);
            let short = receiver.child_by_field_name("attribute").map_or(list.as_str(), |a| text(a, source));
            let key = (anchor.start_byte(), list.clone(), method_name.to_string());
            let table = match built.iter().find(|(a, l, m, _)| (*a, l.clone(), m.clone()) == key) {
                Some((_, _, _, table)) => table.clone(),
                None => {
                    let suffix = if method_name == "count" { "counts" } else { "positions" };
                    let taken: String = built.iter().map(|b| b.3.as_str()).collect();
                    let table = fresh_name(&format!("{source}{taken}"), &format!("_{short}_{suffix}"));
                    let build = if method_name == "count" {
                        needs_collections = true;
                        format!("collections.Counter({list})")
                    } else {
                        format!("{{_v: _i for _i, _v in reversed(list(enumerate({list})))}}")
                    };
                    let guarded = if proven { build } else { format!("{build} if isinstance({list}, (list, tuple)) else None") };
                    let indent = indent_at(source, anchor.start_byte());
                    edits.push(Edit::insert(anchor.start_byte(), format!("{table} = {guarded}\n{indent}")));
                    built.push((key.0, key.1, key.2, table.clone()));
                    table
                }
            };
            let a = text(argument, source);
            let lookup = match (method_name, proven) {
                ("count", true) => format!("{table}[{a}]"),
                ("count", false) => format!("({table}[{a}] if {table} is not None else {list}.count({a}))"),
                (_, true) => format!("({table}[{a}] if {a} in {table} else {list}.index({a}))"),
                (_, false) => format!("({table}[{a}] if {table} is not None and {a} in {table} else {list}.index({a}))"),
            };
            edits.push(Edit::replace(call.byte_range(), lookup));
        }
        if needs_collections {
            edits.extend(ensure_import(tree.root_node(), source, "collections"));
        }
        if let Some(result) = finish(Language::Python, source, &edits) {
            return Some(result);
        }
    }
    None
}

/// The anchor statement is (or contains) the loop that contains `call`, so the table is built once, not per call.
fn is_loop_statement_with(anchor: Node, call: Node) -> bool {
    let mut current = call.parent();
    while let Some(ancestor) = current {
        if is_loop(ancestor) {
            return true;
        }
        if ancestor.id() == anchor.id() {
            return false;
        }
        current = ancestor.parent();
    }
    false
}
