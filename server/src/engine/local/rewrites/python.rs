//! Deterministic Python rewrites: each fixes one anti-pattern inside the target function, conservatively.

use tree_sitter::{Node, Tree};

use super::{Edit, FunctionNode, Rewrite, contains, descendants, finish, fresh_name, indent_at, target_functions, text};
use crate::analysis::Language;

pub static REWRITES: &[Rewrite] = &[
    Rewrite {
        id: "python-dedup-set",
        language: Language::Python,
        summary: "Keep a set in step with the list the loop de-duplicates into (or list(dict.fromkeys(xs))), so each membership test is O(1).",
        apply: dedup_with_set,
    },
    Rewrite {
        id: "python-hash-join",
        language: Language::Python,
        summary: "Index the inner collection by key once, so the nested loop visits only the items whose key matches.",
        apply: hash_join,
    },
    Rewrite {
        id: "python-memoize-recursion",
        language: Language::Python,
        summary: "Memoize the recursion (overlapping subproblems) with a functools.lru_cache that lives for one top-level call, so the cache is bounded and repeated inputs cannot fake a win.",
        apply: memoize_recursion,
    },
    Rewrite {
        id: "python-membership-set",
        language: Language::Python,
        summary: "Hoist set(xs) before the loop so membership tests are O(1) instead of a list scan.",
        apply: membership_to_set,
    },
    Rewrite {
        id: "python-constant-frozenset",
        language: Language::Python,
        summary: "Test membership against a frozenset of the module-level constant list instead of scanning the list.",
        apply: constant_to_frozenset,
    },
    Rewrite {
        id: "python-count-index",
        language: Language::Python,
        summary: "Count (or locate) once with collections.Counter / a position dict instead of list.count/list.index in the loop.",
        apply: count_index_to_dict,
    },
    Rewrite {
        id: "python-top-k-heap",
        language: Language::Python,
        summary: "Take the running top-k with heapq.nlargest/nsmallest instead of re-sorting the partial list on every item.",
        apply: running_top_k_to_heap,
    },
    Rewrite {
        id: "python-insort",
        language: Language::Python,
        summary: "Keep the list sorted with bisect.insort instead of appending and re-sorting it.",
        apply: append_sort_to_insort,
    },
    Rewrite {
        id: "python-sort-once",
        language: Language::Python,
        summary: "Sort once after the loop instead of on every iteration (the loop never reads the list).",
        apply: sort_once_after_loop,
    },
    Rewrite {
        id: "python-pop-front-deque",
        language: Language::Python,
        summary: "Use collections.deque with popleft() instead of list.pop(0).",
        apply: pop_front_to_deque,
    },
    Rewrite {
        id: "python-hoist-regex",
        language: Language::Python,
        summary: "Compile literal regex patterns once at module level instead of inside the loop.",
        apply: hoist_regex,
    },
    Rewrite {
        id: "python-hoist-invariant",
        language: Language::Python,
        summary: "Compute len/sum/max/sorted/set/mean/join of data the loop does not change once, on first use, instead of every iteration.",
        apply: hoist_invariant_calls,
    },
    Rewrite {
        id: "python-string-join",
        language: Language::Python,
        summary: "Build the string from a list of parts with ''.join instead of += in the loop.",
        apply: string_concat_to_join,
    },
    Rewrite {
        id: "python-sorted-min-max",
        language: Language::Python,
        summary: "Use min()/max() instead of sorting to take the first or last element.",
        apply: sorted_index_to_min_max,
    },
    Rewrite {
        id: "python-append-comprehension",
        language: Language::Python,
        summary: "Replace the append loop with a list comprehension.",
        apply: append_loop_to_comprehension,
    },
];

fn parse(source: &str) -> Option<Tree> {
    Language::Python.parse(source, None)
}

fn scope_name(node: Node, source: &str) -> Option<String> {
    match node.kind() {
        "class_definition" | "function_definition" => node.child_by_field_name("name").map(|name| text(name, source).to_string()),
        _ => None,
    }
}

fn functions<'t>(tree: &'t Tree, source: &str, wanted: Option<&str>) -> Vec<FunctionNode<'t>> {
    target_functions(tree.root_node(), source, wanted, "function_definition", ".", scope_name)
}

fn is_loop(node: Node) -> bool {
    matches!(
        node.kind(),
        "for_statement" | "while_statement" | "list_comprehension" | "set_comprehension" | "dictionary_comprehension" | "generator_expression"
    )
}

/// True when `node` sits inside a loop that is itself inside `body`.
fn in_loop_within(node: Node, body: Node) -> bool {
    let mut current = node.parent();
    while let Some(ancestor) = current {
        if ancestor.id() == body.id() {
            return false;
        }
        if is_loop(ancestor) {
            return true;
        }
        current = ancestor.parent();
    }
    false
}

/// The statement that contains `node` and is a direct child of `block`.
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

fn is_identifier(node: Node, source: &str, name: &str) -> bool {
    node.kind() == "identifier" && text(node, source) == name
}

fn parameter_names(function: Node, source: &str) -> Vec<String> {
    let Some(parameters) = function.child_by_field_name("parameters") else { return Vec::new() };
    let mut cursor = parameters.walk();
    let mut names = Vec::new();
    for parameter in parameters.named_children(&mut cursor) {
        let name_node = match parameter.kind() {
            "identifier" => Some(parameter),
            "default_parameter" | "typed_default_parameter" => parameter.child_by_field_name("name"),
            "typed_parameter" => parameter.named_child(0).filter(|n| n.kind() == "identifier"),
            _ => None,
        };
        if let Some(name_node) = name_node {
            names.push(text(name_node, source).to_string());
        }
    }
    names
}

/// Where a new top-level line goes: after the last leading import (or the docstring), at a line start.
/// The flag says whether a newline must be written first (the file ends without one).
fn top_level_insertion_point(root: Node, source: &str) -> (usize, bool) {
    let mut after = 0;
    let mut cursor = root.walk();
    for (index, child) in root.named_children(&mut cursor).enumerate() {
        let is_import = matches!(child.kind(), "import_statement" | "import_from_statement" | "future_import_statement");
        let is_docstring = index == 0 && child.kind() == "expression_statement" && child.named_child(0).is_some_and(|n| n.kind() == "string");
        if is_import || is_docstring {
            after = child.end_byte();
        } else if child.kind() != "comment" {
            break;
        }
    }
    if after == 0 {
        return (0, false);
    }
    match source[after..].find('\n') {
        Some(offset) => (after + offset + 1, false),
        None => (source.len(), true),
    }
}

fn has_plain_import(root: Node, source: &str, module: &str) -> bool {
    let mut cursor = root.walk();
    root.named_children(&mut cursor).any(|child| {
        child.kind() == "import_statement" && {
            let mut inner = child.walk();
            child.named_children(&mut inner).any(|name| name.kind() == "dotted_name" && text(name, source) == module)
        }
    })
}

/// An edit adding a module-level helper (`text`, defining `defines`) after the leading imports, unless the module
/// already defines it.
fn ensure_helper(root: Node, source: &str, defines: &str, text: &str) -> Option<Edit> {
    if source.contains(defines) {
        return None;
    }
    let (at, needs_newline) = top_level_insertion_point(root, source);
    let lead = if needs_newline { "\n" } else { "" };
    let gap = if at == 0 { "" } else { "\n\n" };
    Some(Edit::insert(at, format!("{lead}{gap}{text}\n\n")))
}

/// An edit adding `import module` at the top unless the module already has it.
fn ensure_import(root: Node, source: &str, module: &str) -> Option<Edit> {
    if has_plain_import(root, source, module) {
        return None;
    }
    let (at, needs_newline) = top_level_insertion_point(root, source);
    let newline = if needs_newline { "\n" } else { "" };
    Some(Edit::insert(at, format!("{newline}import {module}\n")))
}

/// Operator of a two-operand `in`/`not in` comparison, with its right operand.
fn membership_operand(node: Node) -> Option<Node> {
    if node.kind() != "comparison_operator" || node.child_count() != 3 {
        return None;
    }
    let operator = node.child(1)?;
    matches!(operator.kind(), "in" | "not in").then(|| node.child(2)).flatten()
}

fn is_iterated_by_loop(identifier: Node) -> bool {
    identifier.parent().is_some_and(|parent| {
        matches!(parent.kind(), "for_statement" | "for_in_clause") && parent.child_by_field_name("right").is_some_and(|right| right.id() == identifier.id())
    })
}

/// `x in xs` inside a loop, where `xs` is only read: `_xs_set = set(xs)` before the loop, `x in _xs_set`.
pub fn membership_to_set(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let params = parameter_names(target.node, source);
        let all = descendants(body);
        let mut edits = Vec::new();
        let mut done: Vec<(usize, String)> = Vec::new();
        for comparison in &all {
            let Some(right) = membership_operand(*comparison) else { continue };
            if right.kind() == "attribute" && in_loop_within(*comparison, body) {
                edits.extend(attribute_membership_edits(*comparison, right, body, source, &mut done));
                continue;
            }
            if right.kind() != "identifier" || !in_loop_within(*comparison, body) {
                continue;
            }
            if comparison.child(0).is_some_and(|left| left.kind() == "string") {
                continue; // substring test on a str: a set would change the meaning
            }
            let name = text(right, source).to_string();
            let Some(anchor) = statement_in_block(*comparison, body) else { continue };
            if done.iter().any(|(start, done_name)| *start == anchor.start_byte() && *done_name == name) {
                continue;
            }
            let assigned_before = all.iter().any(|node| {
                node.kind() == "assignment"
                    && node.end_byte() <= anchor.start_byte()
                    && node.child_by_field_name("left").is_some_and(|left| is_identifier(left, source, &name))
            });
            if !params.contains(&name) && !assigned_before || already_hashed_or_aliased(&all, source, &name) {
                continue;
            }
            let uses: Vec<Node> = all.iter().copied().filter(|n| contains(anchor, *n) && is_identifier(*n, source, &name)).collect();
            let only_read =
                uses.iter().all(|usage| is_iterated_by_loop(*usage) || usage.parent().and_then(membership_operand).is_some_and(|r| r.id() == usage.id()));
            if !only_read {
                continue;
            }
            let set_name = fresh_name(source, &format!("_{name}_set"));
            let indent = indent_at(source, anchor.start_byte());
            edits.push(Edit::insert(anchor.start_byte(), format!("{set_name} = set({name})\n{indent}")));
            for usage in uses.iter().filter(|u| !is_iterated_by_loop(**u)) {
                edits.push(Edit::replace(usage.byte_range(), set_name.clone()));
            }
            done.push((anchor.start_byte(), name));
        }
        if let Some(result) = finish(Language::Python, source, &edits) {
            return Some(result);
        }
    }
    None
}

/// Whether `name` is bound to a set or mapping somewhere in the function (membership is O(1) already), or one
/// of its methods is taken as a value (`seen_add = seen.add`, toolz's idiom), through which the loop may grow it
/// without naming it.
fn already_hashed_or_aliased(all: &[Node], source: &str, name: &str) -> bool {
    const HASHED: &[&str] = &["set", "frozenset", "dict", "defaultdict", "Counter", "OrderedDict"];
    all.iter().any(|node| match node.kind() {
        "assignment" => {
            node.child_by_field_name("left").is_some_and(|left| is_identifier(left, source, name))
                && node.child_by_field_name("right").is_some_and(|right| match right.kind() {
                    "set" | "dictionary" | "set_comprehension" | "dictionary_comprehension" => true,
                    "call" => right.child_by_field_name("function").is_some_and(|f| HASHED.contains(&text(f, source).rsplit('.').next().unwrap_or_default())),
                    _ => false,
                })
        }
        "attribute" => {
            node.child_by_field_name("object").is_some_and(|object| is_identifier(object, source, name))
                && !node.parent().is_some_and(|p| p.kind() == "call" && p.child_by_field_name("function").is_some_and(|f| f.id() == node.id()))
        }
        _ => false,
    })
}

/// `x in self.allowed` inside a loop that neither assigns the attribute nor calls any method of `self` (which could):
/// `_allowed_set = set(self.allowed)` before the statement.
fn attribute_membership_edits(comparison: Node, right: Node, body: Node, source: &str, done: &mut Vec<(usize, String)>) -> Vec<Edit> {
    let object = right.child_by_field_name("object");
    let attribute = right.child_by_field_name("attribute");
    let (Some(object), Some(attribute)) = (object, attribute) else { return Vec::new() };
    if !is_identifier(object, source, "self") || comparison.child(0).is_some_and(|left| left.kind() == "string") {
        return Vec::new();
    }
    let Some(anchor) = statement_in_block(comparison, body) else { return Vec::new() };
    let spelled = text(right, source).to_string();
    if done.iter().any(|(start, name)| *start == anchor.start_byte() && *name == spelled) {
        return Vec::new();
    }
    let inside = descendants(anchor);
    let calls_self = inside
        .iter()
        .any(|n| n.kind() == "call" && n.child_by_field_name("function").is_some_and(|f| f.kind() == "attribute" && text(f, source).starts_with("self.")));
    let uses: Vec<Node> = inside.iter().copied().filter(|n| n.kind() == "attribute" && text(*n, source) == spelled).collect();
    let only_read = uses.iter().all(|usage| is_iterated_by_loop(*usage) || usage.parent().and_then(membership_operand).is_some_and(|r| r.id() == usage.id()));
    let binds_self = inside.iter().any(|n| is_identifier(*n, source, "self") && scope::is_binding(*n));
    if calls_self || !only_read || binds_self || inside.iter().any(|n| scope::is_nested_scope(*n)) {
        return Vec::new();
    }
    let set_name = fresh_name(source, &format!("_{}_set", text(attribute, source)));
    let indent = indent_at(source, anchor.start_byte());
    let mut edits = vec![Edit::insert(anchor.start_byte(), format!("{set_name} = set({spelled})\n{indent}"))];
    for usage in uses.iter().filter(|u| !is_iterated_by_loop(**u)) {
        edits.push(Edit::replace(usage.byte_range(), set_name.clone()));
    }
    done.push((anchor.start_byte(), spelled));
    edits
}

/// `call` is `receiver.method(...)`: returns (receiver, method name node, argument list).
fn method_call(call: Node) -> Option<(Node, Node, Node)> {
    if call.kind() != "call" {
        return None;
    }
    let function = call.child_by_field_name("function").filter(|f| f.kind() == "attribute")?;
    Some((function.child_by_field_name("object")?, function.child_by_field_name("attribute")?, call.child_by_field_name("arguments")?))
}

fn argument_texts<'s>(arguments: Node, source: &'s str) -> Vec<&'s str> {
    let mut cursor = arguments.walk();
    arguments.named_children(&mut cursor).filter(|n| n.kind() != "comment").map(|n| text(n, source)).collect()
}

/// Whether an occurrence of a list variable keeps working, unchanged, if the list becomes a deque.
fn deque_compatible_use(usage: Node, source: &str) -> bool {
    let Some(parent) = usage.parent() else { return false };
    match parent.kind() {
        "attribute" if parent.child_by_field_name("object").is_some_and(|o| o.id() == usage.id()) => {
            let Some(call) = parent.parent().filter(|c| c.kind() == "call") else { return false };
            let Some((_, method, arguments)) = method_call(call) else { return false };
            let args = argument_texts(arguments, source);
            match text(method, source) {
                "append" | "appendleft" | "extend" | "popleft" | "clear" | "count" | "remove" | "reverse" => true,
                "pop" => args.is_empty() || args == ["0"],
                "insert" => args.len() == 2 && args[0] == "0",
                _ => false,
            }
        }
        "argument_list" => parent
            .parent()
            .is_some_and(|call| parent.named_child_count() == 1 && call.child_by_field_name("function").is_some_and(|f| is_identifier(f, source, "len"))),
        "while_statement" | "if_statement" | "elif_clause" => parent.child_by_field_name("condition").is_some_and(|c| c.id() == usage.id()),
        "not_operator" => true,
        "subscript" => {
            parent.child_by_field_name("value").is_some_and(|v| v.id() == usage.id())
                && (parent.child_by_field_name("subscript").is_some_and(|i| matches!(text(i, source), "0" | "-1"))
                    || prepend_assignment(parent, source).is_some())
        }
        "for_statement" | "for_in_clause" => is_iterated_by_loop(usage),
        "comparison_operator" => membership_operand(parent).is_some_and(|r| r.id() == usage.id()),
        _ => false,
    }
}

/// `xs[:0] = items` (a prepend) as a whole assignment, given its subscript: returns the assigned value.
fn prepend_assignment<'t>(subscript: Node<'t>, source: &str) -> Option<Node<'t>> {
    let index = subscript.child_by_field_name("subscript")?;
    if text(index, source).replace(' ', "") != ":0" {
        return None;
    }
    let assignment = subscript.parent().filter(|a| a.kind() == "assignment" && a.child_by_field_name("left").is_some_and(|l| l.id() == subscript.id()))?;
    assignment.parent().filter(|s| s.kind() == "expression_statement")?;
    assignment.child_by_field_name("right")
}

/// A local list used as a queue (`q.pop(0)` in a loop) becomes a `collections.deque` with `popleft()`.
pub fn pop_front_to_deque(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let all = descendants(body);
        let mut names: Vec<String> = Vec::new();
        for call in &all {
            let Some((receiver, method, arguments)) = method_call(*call) else { continue };
            if receiver.kind() == "identifier" && text(method, source) == "pop" && argument_texts(arguments, source) == ["0"] && in_loop_within(*call, body) {
                let name = text(receiver, source).to_string();
                if !names.contains(&name) {
                    names.push(name);
                }
            }
        }
        let mut edits = Vec::new();
        for name in names {
            let assignments: Vec<Node> = all
                .iter()
                .copied()
                .filter(|n| n.kind() == "assignment" && n.child_by_field_name("left").is_some_and(|l| is_identifier(l, source, &name)))
                .collect();
            let [init] = assignments.as_slice() else { continue };
            if init.parent().and_then(|s| s.parent()).is_none_or(|block| block.id() != body.id()) {
                continue;
            }
            let Some(value) = init.child_by_field_name("right") else { continue };
            let replacement = match value.kind() {
                "list" if value.named_child_count() == 0 => "collections.deque()".to_string(),
                "list" => format!("collections.deque({})", text(value, source)),
                "call" if value.child_by_field_name("function").is_some_and(|f| is_identifier(f, source, "list")) => {
                    let arguments = value.child_by_field_name("arguments").map_or("()", |a| text(a, source));
                    format!("collections.deque{arguments}")
                }
                _ => continue,
            };
            let uses: Vec<Node> = all.iter().copied().filter(|n| is_identifier(*n, source, &name) && n.start_byte() >= init.end_byte()).collect();
            if !uses.iter().all(|u| deque_compatible_use(*u, source)) {
                continue;
            }
            edits.push(Edit::replace(value.byte_range(), replacement));
            for usage in uses {
                if let Some(subscript) = usage.parent().filter(|p| p.kind() == "subscript")
                    && let Some(value) = prepend_assignment(subscript, source)
                    && let Some(assignment) = subscript.parent()
                {
                    edits.push(Edit::replace(assignment.byte_range(), format!("{name}.extendleft(reversed(list({})))", text(value, source))));
                    continue;
                }
                let Some(call) = usage.parent().and_then(|a| a.parent()) else { continue };
                let Some((_, method, arguments)) = method_call(call) else { continue };
                let args = argument_texts(arguments, source);
                match (text(method, source), args.as_slice()) {
                    ("pop", ["0"]) => {
                        edits.push(Edit::replace(method.byte_range(), "popleft"));
                        edits.push(Edit::replace(arguments.byte_range(), "()"));
                    }
                    ("insert", ["0", value]) => {
                        edits.push(Edit::replace(method.byte_range(), "appendleft"));
                        edits.push(Edit::replace(arguments.byte_range(), format!("({value})")));
                    }
                    _ => {}
                }
            }
        }
        if edits.is_empty() {
            continue;
        }
        edits.extend(ensure_import(tree.root_node(), source, "collections"));
        if let Some(result) = finish(Language::Python, source, &edits) {
            return Some(result);
        }
    }
    None
}

fn is_plain_string_literal(node: Node, source: &str) -> bool {
    if node.kind() != "string" || descendants(node).iter().any(|n| n.kind() == "interpolation") {
        return false;
    }
    let prefix: String = text(node, source).chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    !prefix.to_ascii_lowercase().contains(['f', 'b'])
}

/// `re.match("lit", s)` / `re.compile("lit")` inside a loop: a module-level `_RE_N = re.compile("lit")`.
pub fn hoist_regex(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    let root = tree.root_node();
    if !has_plain_import(root, source, "re") {
        return None;
    }
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let mut constants: Vec<(String, String)> = Vec::new(); // (compile arguments, constant name)
        let mut edits = Vec::new();
        for call in descendants(body) {
            let Some((receiver, method, arguments)) = method_call(call) else { continue };
            if !is_identifier(receiver, source, "re") || !in_loop_within(call, body) {
                continue;
            }
            let mut cursor = arguments.walk();
            let args: Vec<Node> = arguments.named_children(&mut cursor).filter(|n| n.kind() != "comment").collect();
            let Some(pattern) = args.first().filter(|p| is_plain_string_literal(**p, source)) else { continue };
            let positional = args.iter().take_while(|a| a.kind() != "keyword_argument").count();
            let keyword_flags =
                args.iter().any(|a| a.kind() == "keyword_argument" && a.child_by_field_name("name").is_some_and(|n| text(n, source) == "flags"));
            let method_name = text(method, source);
            let max_positional = match method_name {
                "compile" => 2,
                "match" | "search" | "fullmatch" | "findall" | "finditer" => 2,
                "split" => 3,
                "sub" | "subn" => 4,
                _ => continue,
            };
            if positional > max_positional || keyword_flags || args.iter().any(|a| a.kind().contains("splat")) {
                continue;
            }
            let compile_args = if method_name == "compile" {
                args.iter().map(|a| text(*a, source)).collect::<Vec<_>>().join(", ")
            } else {
                text(*pattern, source).to_string()
            };
            let constant = match constants.iter().find(|(args, _)| *args == compile_args) {
                Some((_, name)) => name.clone(),
                None => {
                    let base = format!("_RE_{}_{}", target.name.to_ascii_uppercase(), constants.len() + 1);
                    let taken = constants.iter().map(|(_, n)| n.as_str()).collect::<Vec<_>>().join(" ");
                    let name = fresh_name(&format!("{source}\n{taken}"), &base);
                    constants.push((compile_args, name.clone()));
                    name
                }
            };
            if method_name == "compile" {
                edits.push(Edit::replace(call.byte_range(), constant));
            } else {
                let rest: Vec<&str> = args[1..].iter().map(|a| text(*a, source)).collect();
                edits.push(Edit::replace(call.byte_range(), format!("{constant}.{method_name}({})", rest.join(", "))));
            }
        }
        if edits.is_empty() {
            continue;
        }
        let (at, needs_newline) = top_level_insertion_point(root, source);
        let mut header = String::from(if needs_newline { "\n" } else { "" });
        for (args, name) in &constants {
            header.push_str(&format!("{name} = re.compile({args})\n"));
        }
        edits.push(Edit::insert(at, header));
        if let Some(result) = finish(Language::Python, source, &edits) {
            return Some(result);
        }
    }
    None
}

#[path = "python_loops.rs"]
mod loops;
pub use loops::{append_loop_to_comprehension, sorted_index_to_min_max, string_concat_to_join};
#[path = "python_scope.rs"]
mod scope;
#[path = "python_sets.rs"]
mod sets;
pub use sets::{constant_to_frozenset, count_index_to_dict, dedup_with_set};
#[path = "python_hoist.rs"]
mod hoist;
pub use hoist::{hash_join, hoist_invariant_calls};
#[path = "python_memo.rs"]
mod memo;
pub use memo::memoize_recursion;
#[path = "python_sort.rs"]
mod sort;
pub use sort::{append_sort_to_insort, running_top_k_to_heap, sort_once_after_loop};

#[cfg(test)]
#[path = "python_tests.rs"]
mod tests;
