//! Python rewrites that restructure a loop or an expression: string joins, min/max, list comprehensions.

use tree_sitter::Node;

use super::super::{Edit, descendants, finish, fresh_name, indent_at, text};
use super::{functions, is_identifier, parse};
use crate::analysis::Language;

fn previous_statement(node: Node) -> Option<Node> {
    let mut sibling = node.prev_named_sibling();
    while let Some(candidate) = sibling {
        if candidate.kind() != "comment" {
            return Some(candidate);
        }
        sibling = candidate.prev_named_sibling();
    }
    None
}

/// The assignment inside an expression statement, if that is all the statement is.
fn statement_assignment(statement: Node) -> Option<Node> {
    (statement.kind() == "expression_statement" && statement.named_child_count() == 1)
        .then(|| statement.named_child(0))
        .flatten()
        .filter(|n| n.kind() == "assignment")
}

/// `s += e` or `s = s + e1 + e2 + …` as a whole statement: returns the pieces appended, in order.
fn concat_onto<'t>(statement: Node<'t>, source: &str, name: &str) -> Option<Vec<Node<'t>>> {
    if statement.kind() != "expression_statement" || statement.named_child_count() != 1 {
        return None;
    }
    let inner = statement.named_child(0)?;
    let left = inner.child_by_field_name("left")?;
    if !is_identifier(left, source, name) {
        return None;
    }
    let right = inner.child_by_field_name("right")?;
    match inner.kind() {
        "augmented_assignment" => (inner.child_by_field_name("operator").is_some_and(|op| text(op, source) == "+=")).then(|| vec![right]),
        "assignment" if right.kind() == "binary_operator" => {
            // `((s + a) + b) + c`: walk down the left spine to `s`, collecting the right operands.
            let mut pieces = Vec::new();
            let mut current = right;
            loop {
                if current.kind() != "binary_operator" || current.child_by_field_name("operator").is_none_or(|op| text(op, source) != "+") {
                    return None;
                }
                pieces.push(current.child_by_field_name("right")?);
                let first = current.child_by_field_name("left")?;
                if is_identifier(first, source, name) {
                    break;
                }
                current = first;
            }
            pieces.reverse();
            Some(pieces)
        }
        _ => None,
    }
}

/// A plain string literal (no f-string, no bytes): what the joined parts may start from.
fn is_plain_str_literal(node: Node, source: &str) -> bool {
    let raw = text(node, source);
    let prefix: String = raw.chars().take_while(|c| c.is_ascii_alphabetic()).collect();
    node.kind() == "string" && !prefix.to_ascii_lowercase().contains(['f', 'b']) && descendants(node).iter().all(|n| n.kind() != "interpolation")
}

/// `s = ""` then `s += piece` in a loop: collect the pieces in a list and `"".join` them after the loop.
pub fn string_concat_to_join(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let mut edits = Vec::new();
        let mut taken = String::new();
        for lp in descendants(body) {
            if !matches!(lp.kind(), "for_statement" | "while_statement") {
                continue;
            }
            if edits.iter().any(|e: &Edit| lp.start_byte() <= e.range.start && e.range.end <= lp.end_byte()) {
                continue; // an enclosing loop was already rewritten
            }
            let inside = descendants(lp);
            let mut names: Vec<String> = Vec::new();
            for statement in &inside {
                if let Some(inner) = statement.named_child(0).filter(|_| statement.kind() == "expression_statement")
                    && let Some(left) = inner.child_by_field_name("left").filter(|l| l.kind() == "identifier")
                {
                    let name = text(left, source).to_string();
                    if concat_onto(*statement, source, &name).is_some() && !names.contains(&name) {
                        names.push(name);
                    }
                }
            }
            for name in names {
                let mut init = None;
                let mut sibling = lp.prev_named_sibling();
                while let Some(statement) = sibling {
                    let is_init = statement_assignment(statement).is_some_and(|a| {
                        a.child_by_field_name("left").is_some_and(|l| is_identifier(l, source, &name))
                            && a.child_by_field_name("right").is_some_and(|r| is_plain_str_literal(r, source))
                    });
                    if is_init {
                        init = Some(statement);
                        break;
                    }
                    if descendants(statement).iter().any(|n| is_identifier(*n, source, &name)) {
                        break;
                    }
                    sibling = statement.prev_named_sibling();
                }
                let Some(init) = init else { continue };
                let appends: Vec<(Node, Vec<Node>)> = inside.iter().filter_map(|s| concat_onto(*s, source, &name).map(|pieces| (*s, pieces))).collect();
                let uses = inside.iter().filter(|n| is_identifier(**n, source, &name)).count();
                let expected_uses: usize = appends.iter().map(|(s, _)| if s.named_child(0).is_some_and(|i| i.kind() == "assignment") { 2 } else { 1 }).sum();
                if uses != expected_uses {
                    continue; // the partial string is read inside the loop
                }
                let parts = fresh_name(&format!("{source}{taken}"), &format!("_{name}_parts"));
                taken.push_str(&parts);
                let start = statement_assignment(init).and_then(|a| a.child_by_field_name("right")).map_or("\"\"", |r| text(r, source));
                let first = if matches!(start, "\"\"" | "''") { String::new() } else { start.to_string() };
                edits.push(Edit::replace(init.byte_range(), format!("{parts} = [{first}]")));
                for (statement, pieces) in appends {
                    let replacement = match pieces.as_slice() {
                        [one] => format!("{parts}.append({})", text(*one, source)),
                        many => format!("{parts}.extend(({}))", many.iter().map(|p| text(*p, source)).collect::<Vec<_>>().join(", ")),
                    };
                    edits.push(Edit::replace(statement.byte_range(), replacement));
                }
                let indent = indent_at(source, lp.start_byte());
                edits.push(Edit::insert(lp.end_byte(), format!("\n{indent}{name} = \"\".join({parts})")));
            }
        }
        if let Some(result) = finish(Language::Python, source, &edits) {
            return Some(result);
        }
    }
    None
}

/// min/max that fail on an empty input as `sorted(xs)[0]` does (`IndexError`; `min` alone raises `ValueError`,
/// which a caller catching `IndexError` would not expect).
const SORTED_END_HELPER: &str = "def _weco_sorted_end(pick, items, **key):
    \"\"\"min or max of items, failing as sorted(items)[0] does on an empty input (IndexError).\"\"\"
    found = pick(items, default=_weco_sorted_end, **key)
    if found is _weco_sorted_end:
        raise IndexError(\"list index out of range\")
    return found
";

/// `sorted(xs)[0]` → `min(xs)`, `sorted(xs)[-1]` → `max(xs)` (with `key=`/`reverse=` when ties stay identical).
pub fn sorted_index_to_min_max(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let mut edits = Vec::new();
        for subscript in descendants(body) {
            if subscript.kind() != "subscript" || subscript.named_child_count() != 2 {
                continue;
            }
            let (Some(call), Some(index)) = (subscript.child_by_field_name("value"), subscript.child_by_field_name("subscript")) else {
                continue;
            };
            let first = match text(index, source) {
                "0" => true,
                "-1" => false,
                _ => continue,
            };
            if call.kind() != "call" || !call.child_by_field_name("function").is_some_and(|f| is_identifier(f, source, "sorted")) {
                continue;
            }
            let Some(arguments) = call.child_by_field_name("arguments").filter(|a| a.kind() == "argument_list") else {
                continue;
            };
            let mut cursor = arguments.walk();
            let args: Vec<Node> = arguments.named_children(&mut cursor).collect();
            let Some((iterable, keywords)) = args.split_first() else { continue };
            if iterable.kind() == "keyword_argument" || iterable.kind().contains("splat") {
                continue;
            }
            let mut key = None;
            let mut reverse = false;
            let mut supported = true;
            for keyword in keywords {
                let name = keyword.child_by_field_name("name").map(|n| text(n, source));
                let value = keyword.child_by_field_name("value").map(|v| text(v, source));
                match (keyword.kind(), name, value) {
                    ("keyword_argument", Some("key"), Some(value)) => key = Some(value),
                    ("keyword_argument", Some("reverse"), Some("True")) => reverse = true,
                    ("keyword_argument", Some("reverse"), Some("False")) => reverse = false,
                    _ => supported = false,
                }
            }
            // A stable sort keeps ties in input order: the first element after sorting is what min/max return,
            // the last one is not (when a key makes distinct items tie).
            let takes_smallest = first != reverse;
            if !supported || (!first && key.is_some()) {
                continue;
            }
            let builtin = if takes_smallest { "min" } else { "max" };
            let key_text = key.map(|k| format!(", key={k}")).unwrap_or_default();
            edits.push(Edit::replace(subscript.byte_range(), format!("_weco_sorted_end({builtin}, {}{key_text})", text(*iterable, source))));
        }
        if !edits.is_empty() {
            edits.extend(super::ensure_helper(tree.root_node(), source, "def _weco_sorted_end(", SORTED_END_HELPER));
        }
        if let Some(result) = finish(Language::Python, source, &edits) {
            return Some(result);
        }
    }
    None
}

fn parenthesize_if_loose(node: Node, source: &str) -> String {
    let raw = text(node, source);
    match node.kind() {
        "conditional_expression" | "lambda" | "expression_list" | "named_expression" => format!("({raw})"),
        _ => raw.to_string(),
    }
}

/// `xs.append(expr)` as the single statement of a block: returns `expr`.
fn single_append<'t>(block: Node<'t>, source: &str, list: &str) -> Option<Node<'t>> {
    if block.named_child_count() != 1 {
        return None;
    }
    let statement = block.named_child(0).filter(|s| s.kind() == "expression_statement" && s.named_child_count() == 1)?;
    let call = statement.named_child(0).filter(|c| c.kind() == "call")?;
    let function = call.child_by_field_name("function").filter(|f| f.kind() == "attribute")?;
    let object = function.child_by_field_name("object")?;
    let attribute = function.child_by_field_name("attribute")?;
    let arguments = call.child_by_field_name("arguments").filter(|a| a.kind() == "argument_list")?;
    if !is_identifier(object, source, list) || text(attribute, source) != "append" || arguments.named_child_count() != 1 {
        return None;
    }
    arguments.named_child(0).filter(|a| !a.kind().contains("splat") && a.kind() != "keyword_argument")
}

/// `xs = []` followed by `for v in it: xs.append(e)` (optionally under one `if`) → `xs = [e for v in it if c]`.
pub fn append_loop_to_comprehension(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let all = descendants(body);
        let mut edits = Vec::new();
        for lp in &all {
            if lp.kind() != "for_statement" || lp.child_by_field_name("alternative").is_some() || lp.child(0).is_some_and(|c| c.kind() == "async") {
                continue;
            }
            let Some(init) = previous_statement(*lp) else { continue };
            let Some(assignment) = statement_assignment(init) else { continue };
            let (Some(left), Some(right)) = (assignment.child_by_field_name("left"), assignment.child_by_field_name("right")) else {
                continue;
            };
            if left.kind() != "identifier" || right.kind() != "list" || right.named_child_count() != 0 || assignment.child_by_field_name("type").is_some() {
                continue;
            }
            let list = text(left, source);
            let (Some(pattern), Some(iterable), Some(loop_body)) =
                (lp.child_by_field_name("left"), lp.child_by_field_name("right"), lp.child_by_field_name("body"))
            else {
                continue;
            };
            let (element, condition) = match single_append(loop_body, source, list) {
                Some(element) => (element, None),
                None => {
                    let Some(only) = loop_body.named_child(0).filter(|_| loop_body.named_child_count() == 1) else {
                        continue;
                    };
                    if only.kind() != "if_statement" || only.child_by_field_name("alternative").is_some() {
                        continue;
                    }
                    let (Some(condition), Some(consequence)) = (only.child_by_field_name("condition"), only.child_by_field_name("consequence")) else {
                        continue;
                    };
                    let Some(element) = single_append(consequence, source, list) else { continue };
                    (element, Some(condition))
                }
            };
            let refers_to_list = [Some(element), condition, Some(iterable)]
                .into_iter()
                .flatten()
                .any(|n| descendants(n).iter().any(|d| is_identifier(*d, source, list) || matches!(d.kind(), "yield" | "await")));
            let loop_names: Vec<&str> = descendants(pattern).iter().filter(|n| n.kind() == "identifier").map(|n| text(*n, source)).collect();
            let names_used_after = all.iter().any(|n| n.start_byte() >= lp.end_byte() && n.kind() == "identifier" && loop_names.contains(&text(*n, source)));
            if refers_to_list || names_used_after {
                continue;
            }
            let filter = condition.map(|c| format!(" if {}", parenthesize_if_loose(c, source))).unwrap_or_default();
            let comprehension =
                format!("{list} = [{} for {} in {}{filter}]", text(element, source), text(pattern, source), parenthesize_if_loose(iterable, source));
            edits.push(Edit::replace(init.start_byte()..lp.end_byte(), comprehension));
        }
        if let Some(result) = finish(Language::Python, source, &edits) {
            return Some(result);
        }
    }
    None
}
