//! Python rewrites that stop redoing loop-invariant work: pure calls on unchanged data computed once (lazily, so
//! errors and empty loops behave as before), and nested-loop key matching turned into a hash join.

use tree_sitter::Node;

use super::super::{Edit, contains, descendants, finish, fresh_name, indent_at, text};
use super::scope::{READ_METHODS, chain_root, is_binding, is_container, is_nested_scope, is_pure_callee, occurrences, operand_only_read_within};
use super::{ensure_helper, functions, is_identifier, is_loop, membership_operand, parse};
use crate::analysis::Language;

/// Calls whose result is immutable (or the argument's own element), so sharing one result across iterations is safe.
const IMMUTABLE_RESULT: &[&str] = &["len", "sum", "max", "min", "tuple", "frozenset", "mean", "median", "fmean", "join"];
/// Calls that build a fresh mutable container: hoisted only where the result is only read.
const MUTABLE_RESULT: &[&str] = &["sorted", "set", "list"];

/// The statement (a direct child of a block or the module) that contains `node`.
fn enclosing_statement(node: Node) -> Option<Node> {
    let mut current = node;
    loop {
        let parent = current.parent()?;
        if matches!(parent.kind(), "block" | "module") {
            return Some(current);
        }
        current = parent;
    }
}

/// True when `node` lies in the part of `lp` evaluated once: a `for` header's iterable, a comprehension's first iterable.
fn in_loop_header(node: Node, lp: Node) -> bool {
    let once = match lp.kind() {
        "for_statement" => lp.child_by_field_name("right"),
        "list_comprehension" | "set_comprehension" | "dictionary_comprehension" | "generator_expression" => {
            let mut cursor = lp.walk();
            let first = lp.named_children(&mut cursor).find(|c| c.kind() == "for_in_clause");
            first.and_then(|clause| clause.child_by_field_name("right"))
        }
        _ => None,
    };
    once.is_some_and(|part| contains(part, node))
}

/// True when `node` sits in the iterable of a comprehension's `for` clause (walrus is a syntax error there).
fn in_any_comprehension_header(node: Node, body: Node) -> bool {
    let mut current = node.parent();
    while let Some(ancestor) = current {
        if ancestor.id() == body.id() {
            return false;
        }
        if ancestor.kind() == "for_in_clause" && ancestor.child_by_field_name("right").is_some_and(|r| contains(r, node)) {
            return true;
        }
        current = ancestor.parent();
    }
    false
}

/// The call's builtin name and its single argument, for the calls this rewrite knows are pure.
fn pure_call<'t>(call: Node<'t>, source: &str) -> Option<(&'static str, Node<'t>)> {
    let callee = call.child_by_field_name("function")?;
    let arguments = call.child_by_field_name("arguments")?;
    let argument = match arguments.kind() {
        "argument_list" if arguments.named_child_count() == 1 => arguments.named_child(0)?,
        "generator_expression" => arguments, // `max(abs(x) for x in xs)`: the generator is the argument list
        _ => return None,
    };
    if matches!(argument.kind(), "keyword_argument" | "list_splat" | "dictionary_splat") {
        return None;
    }
    let name = match callee.kind() {
        "identifier" => {
            let name = text(callee, source);
            let known = IMMUTABLE_RESULT.iter().chain(MUTABLE_RESULT).find(|n| **n == name && !matches!(name, "join" | "mean" | "median" | "fmean"))?;
            (*known, argument)
        }
        "attribute" => {
            let object = callee.child_by_field_name("object")?;
            let method = text(callee.child_by_field_name("attribute")?, source);
            match (object.kind(), method) {
                ("string", "join") if !text(object, source).starts_with(['f', 'F']) => ("join", argument),
                ("identifier", "mean" | "median" | "fmean") if text(object, source) == "statistics" => {
                    (*IMMUTABLE_RESULT.iter().find(|n| **n == method)?, argument)
                }
                _ => return None,
            }
        }
        _ => return None,
    };
    Some(name)
}

/// Whether the value of `call` is only read where it stands (iterated, tested, indexed, measured).
fn result_only_read(call: Node, source: &str) -> bool {
    let Some(parent) = call.parent() else { return false };
    match parent.kind() {
        "for_statement" | "for_in_clause" => parent.child_by_field_name("right").is_some_and(|r| r.id() == call.id()),
        "comparison_operator" => membership_operand(parent).is_some_and(|r| r.id() == call.id()) || parent.child_count() == 3,
        "subscript" => parent.parent().is_some_and(|g| !matches!(g.kind(), "assignment" | "augmented_assignment" | "delete_statement" | "attribute")),
        "argument_list" => parent.parent().and_then(|c| c.child_by_field_name("function")).is_some_and(|f| is_pure_callee(f, source)),
        _ => false,
    }
}

/// Builtins that only look at their argument without iterating it: an operand passed to them may be an iterator.
const NOT_ITERATING: &[&str] = &["len", "isinstance", "type", "id", "hash", "str", "repr", "int", "float", "abs", "round", "bool"];

/// A value the expression reads from outside itself: a name or `root.attr`, and whether it is iterated (a
/// one-shot iterator would then be consumed by the first evaluation).
struct Operand<'t> {
    node: Node<'t>,
    iterated: bool,
}

/// The outside values a pure expression reads, or None when it does anything we cannot prove pure (a call to an
/// unknown function, a lambda, a walrus, an f-string, `await`). Names bound by its own generator clauses are not
/// outside values; attributes and read-only methods of them are allowed (`abs(x)`, `o.price`, `w.lower()`).
fn invariant_operands<'t>(expression: Node<'t>, source: &str) -> Option<Vec<Operand<'t>>> {
    let mut bound = Vec::new();
    let mut found = Vec::new();
    collect_operands(expression, source, &mut bound, &mut found, true)?;
    Some(found)
}

fn collect_operands<'t>(node: Node<'t>, source: &str, bound: &mut Vec<String>, found: &mut Vec<Operand<'t>>, iterated: bool) -> Option<()> {
    let children = |node: Node<'t>| {
        let mut cursor = node.walk();
        node.named_children(&mut cursor).filter(|c| c.kind() != "comment").collect::<Vec<_>>()
    };
    match node.kind() {
        "identifier" => {
            let name = text(node, source);
            if !bound.iter().any(|b| b == name) && !matches!(name, "True" | "False" | "None") {
                found.push(Operand { node, iterated });
            }
        }
        "attribute" => {
            let object = node.child_by_field_name("object")?;
            if object.kind() == "identifier" && !bound.iter().any(|b| b == text(object, source)) {
                found.push(Operand { node, iterated });
            } else {
                collect_operands(object, source, bound, found, false)?;
            }
        }
        "integer" | "float" | "true" | "false" | "none" => {}
        "string" => {
            if descendants(node).iter().any(|n| n.kind() == "interpolation") {
                return None;
            }
        }
        "generator_expression" | "list_comprehension" | "set_comprehension" => {
            let depth = bound.len();
            for clause in children(node) {
                match clause.kind() {
                    "for_in_clause" => {
                        collect_operands(clause.child_by_field_name("right")?, source, bound, found, true)?;
                        let left = clause.child_by_field_name("left")?;
                        for name in descendants(left).into_iter().filter(|n| n.kind() == "identifier") {
                            bound.push(text(name, source).to_string());
                        }
                    }
                    "if_clause" => collect_operands(clause.named_child(0)?, source, bound, found, false)?,
                    _ => {}
                }
            }
            let body = node.child_by_field_name("body")?;
            collect_operands(body, source, bound, found, false)?;
            bound.truncate(depth);
        }
        "call" => {
            let callee = node.child_by_field_name("function")?;
            let arguments = node.child_by_field_name("arguments")?;
            let on_bound_item = callee.kind() == "attribute"
                && callee.child_by_field_name("object").is_some_and(|o| o.kind() == "identifier" && bound.iter().any(|b| b == text(o, source)))
                && callee.child_by_field_name("attribute").is_some_and(|m| READ_METHODS.contains(&text(m, source)));
            if !is_pure_callee(callee, source) && !on_bound_item {
                return None;
            }
            let iterates = !(callee.kind() == "identifier" && NOT_ITERATING.contains(&text(callee, source)));
            if arguments.kind() == "generator_expression" {
                collect_operands(arguments, source, bound, found, false)?;
            } else {
                for argument in children(arguments) {
                    if argument.kind() == "keyword_argument" {
                        collect_operands(argument.child_by_field_name("value")?, source, bound, found, false)?;
                    } else {
                        collect_operands(argument, source, bound, found, iterates && !on_bound_item)?;
                    }
                }
            }
        }
        "binary_operator"
        | "unary_operator"
        | "comparison_operator"
        | "boolean_operator"
        | "not_operator"
        | "parenthesized_expression"
        | "conditional_expression"
        | "tuple"
        | "list"
        | "subscript"
        | "slice" => {
            for child in children(node) {
                collect_operands(child, source, bound, found, false)?;
            }
        }
        _ => return None,
    }
    Some(())
}

/// A short name for the hoisted value: the builtin and the first outside value (`_max_samples`, `_sorted_scores`).
fn label(name: &str, operands: &[Operand], source: &str) -> String {
    let first = operands.first().map(|o| match o.node.kind() {
        "attribute" => o.node.child_by_field_name("attribute").map_or("value", |a| text(a, source)),
        _ => text(o.node, source),
    });
    format!("_{name}_{}", first.unwrap_or("value"))
}

/// True when `attribute` is a property or method defined in the class around `function`: a property may compute a
/// fresh value on every read, so it is never treated as unchanged data.
fn is_computed_attribute(function: Node, source: &str, attribute: &str) -> bool {
    let Some(class) = std::iter::successors(function.parent(), |p| p.parent()).find(|p| p.kind() == "class_definition") else { return false };
    descendants(class).iter().any(|n| n.kind() == "function_definition" && n.child_by_field_name("name").is_some_and(|m| text(m, source) == attribute))
}

/// `len(xs)`, `sum(xs)`, `max(abs(x) for x in xs)`, `sorted(self.scores)`, `statistics.mean(xs)`,
/// `"; ".join(sorted(xs))`, … inside a loop that never changes what they read: computed on first use and reused
/// (`_v if _v is not None else (_v := f(xs))`). When an iterated value is not provably a container, the reuse is
/// guarded so a one-shot iterator is still consumed call by call, as before.
pub fn hoist_invariant_calls(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let mut edits = Vec::new();
        let mut cached: Vec<(usize, String, String)> = Vec::new(); // (statement start, call text, variable)
        let mut hoisted: Vec<std::ops::Range<usize>> = Vec::new();
        for call in descendants(body) {
            if call.kind() != "call" || hoisted.iter().any(|r| r.contains(&call.start_byte())) {
                continue;
            }
            let Some((name, argument)) = pure_call(call, source) else { continue };
            if call.parent().is_some_and(|p| p.kind() == "named_expression") || in_any_comprehension_header(call, body) {
                continue; // already cached, or a walrus would land where Python forbids it
            }
            let Some(operands) = invariant_operands(argument, source) else { continue };
            let computed = operands.iter().any(|o| {
                o.node.kind() == "attribute"
                    && o.node.child_by_field_name("attribute").is_some_and(|a| is_computed_attribute(target.node, source, text(a, source)))
            });
            if operands.is_empty() || computed {
                continue;
            }
            // The outermost enclosing loop (below the body) that leaves every operand alone.
            let mut hoist_over = None;
            let mut current = call.parent();
            while let Some(ancestor) = current {
                if ancestor.id() == body.id() || is_nested_scope(ancestor) {
                    break;
                }
                if is_loop(ancestor) && !in_loop_header(call, ancestor) {
                    let statement = enclosing_statement(ancestor);
                    if statement.is_none_or(|s| !operands.iter().all(|o| operand_only_read_within(s, source, o.node))) {
                        break;
                    }
                    hoist_over = statement;
                }
                current = ancestor.parent();
            }
            if current.is_some_and(is_nested_scope) {
                continue;
            }
            let Some(statement) = hoist_over else { continue };
            if MUTABLE_RESULT.contains(&name) && !result_only_read(call, source) {
                continue;
            }
            let unproven: Vec<&str> = operands
                .iter()
                .filter(|o| o.iterated && (name != "len" || argument.id() != o.node.id()))
                .filter(|o| o.node.kind() != "identifier" || !is_container(target.node, source, text(o.node, source)))
                .map(|o| text(o.node, source))
                .collect();
            let call_text = text(call, source).to_string();
            let variable = match cached.iter().find(|(start, t, _)| *start == statement.start_byte() && *t == call_text) {
                Some((_, _, variable)) => variable.clone(),
                None => {
                    let taken: String = cached.iter().map(|c| c.2.as_str()).collect();
                    let variable = fresh_name(&format!("{source}{taken}"), &label(name, &operands, source));
                    let indent = indent_at(source, statement.start_byte());
                    edits.push(Edit::insert(statement.start_byte(), format!("{variable} = None\n{indent}")));
                    cached.push((statement.start_byte(), call_text.clone(), variable.clone()));
                    variable
                }
            };
            let reused = format!("({variable} if {variable} is not None else ({variable} := {call_text}))");
            let replacement = if unproven.is_empty() {
                reused
            } else {
                let reusable: Vec<String> = unproven.iter().map(|o| format!("not hasattr(type({o}), \"__next__\")")).collect();
                format!("({reused} if {} else {call_text})", reusable.join(" and "))
            };
            edits.push(Edit::replace(call.byte_range(), replacement));
            hoisted.push(call.byte_range());
        }
        if let Some(result) = finish(Language::Python, source, &edits) {
            return Some(result);
        }
    }
    None
}

/// Module-level helpers of the hash join: an index of the inner collection by key, and the candidates for one key.
/// Any failure while building the index (an unhashable or missing key) falls back to the original scan.
const JOIN_HELPERS: &str = "def _weco_index_by(items, key):
    \"\"\"Groups items by key(item), in order; None when a key cannot be computed or hashed, or when items is a
    one-shot iterator that indexing would consume (callers then scan, as before).\"\"\"
    if hasattr(type(items), \"__next__\"):
        return None
    index = {}
    try:
        for item in items:
            index.setdefault(key(item), []).append(item)
    except Exception:
        return None
    return index


def _weco_matches(index, key_of, items):
    \"\"\"The items whose key may equal key_of(); every item when the index is unusable for this key.\"\"\"
    if index is None:
        return items
    if not index:
        return ()
    try:
        return index.get(key_of(), ())
    except TypeError:
        return items
";

/// A key expression built only from attribute and constant-subscript reads of `root` (or `root` itself).
fn is_key_of(node: Node, source: &str, root: &str) -> bool {
    let plain = descendants(node).iter().all(|n| match n.kind() {
        "identifier" => {
            text(*n, source) == root
                || n.parent().is_some_and(|p| p.kind() == "attribute" && p.child_by_field_name("attribute").is_some_and(|a| a.id() == n.id()))
        }
        "attribute" | "subscript" | "string" | "string_start" | "string_content" | "string_end" | "integer" | "." | "[" | "]" | "\"" => true,
        _ => false,
    });
    plain && chain_root(node).is_some_and(|r| text(r, source) == root)
}

/// Whether the body of the inner loop leaves the inner item's key alone (no assignment through it, no mutating call).
fn item_left_alone(scope: Node, source: &str, item: &str) -> bool {
    occurrences(scope, source, item).iter().all(|usage| {
        if is_binding(*usage) {
            return false;
        }
        let mut top = *usage;
        while let Some(parent) = top.parent().filter(|p| matches!(p.kind(), "attribute" | "subscript") && p.child(0).is_some_and(|c| c.id() == top.id())) {
            top = parent;
        }
        let assigned = top.id() != usage.id()
            && top.parent().is_some_and(|p| {
                matches!(p.kind(), "assignment" | "augmented_assignment" | "delete_statement")
                    && p.child_by_field_name("right").is_none_or(|r| r.id() != top.id())
            });
        let mutating_call = top.id() != usage.id()
            && top.kind() == "attribute"
            && top.parent().is_some_and(|p| p.kind() == "call")
            && top
                .child_by_field_name("attribute")
                .is_some_and(|m| !matches!(text(m, source), "get" | "keys" | "values" | "items" | "copy" | "lower" | "upper" | "strip"));
        !assigned && !mutating_call
    })
}

/// `for a in xs: for b in ys: if KEY(a) == KEY(b): …` → the inner loop walks only `ys` items with that key, from an
/// index built once before the outer loop; the `if` stays, so matching is decided exactly as before.
pub fn hash_join(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    let root = tree.root_node();
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let all = descendants(body);
        let mut edits = Vec::new();
        let mut taken = String::new();
        for inner in &all {
            let Some(plan) = plan_join(*inner, body, source, &all) else { continue };
            if edits.iter().any(|e: &Edit| plan.outer.start_byte() <= e.range.start && e.range.start < plan.outer.end_byte()) {
                continue;
            }
            let short = plan.items.rsplit('.').next().unwrap_or(&plan.items);
            let index = fresh_name(&format!("{source}{taken}"), &format!("_{short}_by_key"));
            taken.push_str(&index);
            let indent = indent_at(source, plan.outer.start_byte());
            edits.push(Edit::insert(
                plan.outer.start_byte(),
                format!("{index} = _weco_index_by({}, lambda {}: {})\n{indent}", plan.items, plan.item, plan.inner_key),
            ));
            edits.push(Edit::replace(plan.iterable.byte_range(), format!("_weco_matches({index}, lambda: {}, {})", plan.outer_key, plan.items)));
        }
        if edits.is_empty() {
            continue;
        }
        edits.extend(ensure_helper(root, source, "def _weco_index_by(", JOIN_HELPERS));
        if let Some(result) = finish(Language::Python, source, &edits) {
            return Some(result);
        }
    }
    None
}

struct JoinPlan<'t> {
    outer: Node<'t>,
    iterable: Node<'t>,
    items: String,
    item: String,
    inner_key: String,
    outer_key: String,
}

fn plan_join<'t>(inner: Node<'t>, body: Node<'t>, source: &str, all: &[Node<'t>]) -> Option<JoinPlan<'t>> {
    if inner.kind() != "for_statement" {
        return None;
    }
    let mut ancestor = inner.parent();
    let outer = loop {
        let node = ancestor?;
        if node.id() == body.id() || is_nested_scope(node) {
            return None;
        }
        if is_loop(node) {
            break node;
        }
        ancestor = node.parent();
    };
    if outer.kind() != "for_statement" {
        return None;
    }
    let item_node = inner.child_by_field_name("left").filter(|l| l.kind() == "identifier")?;
    let iterable = inner
        .child_by_field_name("right")
        .filter(|r| r.kind() == "identifier" || (r.kind() == "attribute" && r.child_by_field_name("object").is_some_and(|o| o.kind() == "identifier")))?;
    let loop_body = inner.child_by_field_name("body")?;
    let mut cursor = loop_body.walk();
    let statements: Vec<Node> = loop_body.named_children(&mut cursor).filter(|s| s.kind() != "comment").collect();
    let [test] = statements.as_slice() else { return None };
    if test.kind() != "if_statement" || test.child_by_field_name("alternative").is_some() {
        return None;
    }
    let condition = test.child_by_field_name("condition").filter(|c| c.kind() == "comparison_operator" && c.child_count() == 3)?;
    if condition.child(1).is_none_or(|op| op.kind() != "==") {
        return None;
    }
    let item = text(item_node, source);
    let items = text(iterable, source);
    let (left, right) = (condition.child(0)?, condition.child(2)?);
    let (inner_key, outer_key) = if is_key_of(left, source, item) { (left, right) } else { (right, left) };
    let outer_key_is_plain = descendants(outer_key).iter().all(|n| !matches!(n.kind(), "call" | "lambda" | "named_expression" | "await" | "yield"));
    if !is_key_of(inner_key, source, item) || !occurrences(outer_key, source, item).is_empty() || !outer_key_is_plain {
        return None;
    }
    let outer_key_names: Vec<&str> = descendants(outer_key).iter().filter(|n| n.kind() == "identifier").map(|n| text(*n, source)).collect();
    if outer_key_names.iter().any(|name| occurrences(inner, source, name).iter().any(|u| is_binding(*u))) {
        return None; // the key would change while the inner loop runs
    }
    let item_outside = all.iter().any(|n| is_identifier(*n, source, item) && !contains(inner, *n));
    if item_outside || !item_left_alone(loop_body, source, item) {
        return None;
    }
    // Not required to be a container: `_weco_index_by` declines a one-shot iterator, and the scan stays.
    if !operand_only_read_within(outer, source, iterable) || items == item {
        return None;
    }
    Some(JoinPlan {
        outer,
        iterable,
        items: items.to_string(),
        item: item.to_string(),
        inner_key: text(inner_key, source).to_string(),
        outer_key: text(outer_key, source).to_string(),
    })
}
