//! Python rewrites for sorting inside a loop: sort once after the loop, `bisect.insort` for a list kept sorted,
//! and `heapq.nlargest`/`nsmallest` for a running top-k.

use tree_sitter::Node;

use super::super::{Edit, descendants, finish, indent_at, text};
use super::scope::{bindings, is_nested_scope, is_read_only_use, occurrences};
use super::{ensure_import, functions, method_call, parameter_names, parse};
use crate::analysis::Language;

/// `name.sort(args)` as a whole statement: returns the argument list text (with parentheses).
fn sort_statement<'s>(statement: Node, source: &'s str, name: &str) -> Option<&'s str> {
    let call = statement.named_child(0).filter(|_| statement.kind() == "expression_statement" && statement.named_child_count() == 1)?;
    let (receiver, method, arguments) = method_call(call)?;
    (receiver.kind() == "identifier" && text(receiver, source) == name && text(method, source) == "sort").then(|| text(arguments, source))
}

/// `name.METHOD(arg)` as a whole statement: returns the argument.
fn method_statement<'t>(statement: Node<'t>, source: &str, name: &str, wanted: &str) -> Option<Node<'t>> {
    let call = statement.named_child(0).filter(|c| statement.kind() == "expression_statement" && statement.named_child_count() == 1 && c.kind() == "call")?;
    let (receiver, method, arguments) = method_call(call)?;
    let single = arguments.named_child(0).filter(|a| arguments.named_child_count() == 1 && !a.kind().contains("splat") && a.kind() != "keyword_argument")?;
    (receiver.kind() == "identifier" && text(receiver, source) == name && text(method, source) == wanted).then_some(single)
}

/// Control flow that could leave the loop between an append and the sort.
fn leaves_early(lp: Node) -> bool {
    descendants(lp).iter().any(|n| {
        matches!(n.kind(), "break_statement" | "continue_statement" | "return_statement" | "raise_statement" | "yield" | "await" | "try_statement")
            && !ancestors_until(*n, lp).any(is_nested_scope)
    })
}

fn ancestors_until<'t>(node: Node<'t>, stop: Node<'t>) -> impl Iterator<Item = Node<'t>> {
    std::iter::successors(node.parent(), move |n| n.parent()).take_while(move |n| n.id() != stop.id())
}

/// The byte range of a statement together with its line, when it stands alone on it; otherwise just the statement.
fn statement_line(source: &str, statement: Node) -> std::ops::Range<usize> {
    let start = source[..statement.start_byte()].rfind('\n').map_or(0, |i| i + 1);
    let end = source[statement.end_byte()..].find('\n').map_or(source.len(), |i| statement.end_byte() + i + 1);
    if source[start..statement.start_byte()].trim().is_empty() && source[statement.end_byte()..end].trim().is_empty() {
        start..end
    } else {
        statement.byte_range()
    }
}

/// A local list whose single binding outside `lp` is `name = []` before it, not a parameter.
fn starts_empty(function: Node, body: Node, lp: Node, source: &str, name: &str) -> bool {
    let binds: Vec<Node> = bindings(body, source, name).into_iter().filter(|b| !(lp.start_byte() <= b.start_byte() && b.end_byte() <= lp.end_byte())).collect();
    let [only] = binds.as_slice() else { return false };
    let empty = only.parent().is_some_and(|a| {
        a.kind() == "assignment"
            && a.child_by_field_name("left").is_some_and(|l| l.id() == only.id())
            && a.child_by_field_name("right").is_some_and(|v| v.kind() == "list" && v.named_child_count() == 0)
    });
    empty && only.end_byte() <= lp.start_byte() && !parameter_names(function, source).iter().any(|p| p == name)
}

/// `xs.append(v)` … `xs.sort()` in a loop that never reads `xs`: one sort after the loop.
pub fn sort_once_after_loop(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        for lp in descendants(body) {
            if !matches!(lp.kind(), "for_statement" | "while_statement") || lp.child_by_field_name("alternative").is_some() || leaves_early(lp) {
                continue;
            }
            let Some(block) = lp.child_by_field_name("body") else { continue };
            let mut cursor = block.walk();
            let statements: Vec<Node> = block.named_children(&mut cursor).collect();
            for statement in &statements {
                let Some(call) = statement.named_child(0).and_then(method_call) else { continue };
                let name = text(call.0, source);
                let Some(arguments) = sort_statement(*statement, source, name) else { continue };
                if statements.len() < 2 || !starts_empty(target.node, body, lp, source, name) {
                    continue;
                }
                let inside_ok = occurrences(lp, source, name).iter().all(|u| {
                    let statement_of = ancestors_until(*u, block).last().unwrap_or(*u);
                    statement_of.id() == statement.id()
                        || (statement_of.parent().is_some_and(|p| p.id() == block.id())
                            && (method_statement(statement_of, source, name, "append").is_some()
                                || method_statement(statement_of, source, name, "extend").is_some()))
                        || (u.parent().is_some_and(|p| p.kind() == "attribute")
                            && ancestors_until(*u, lp).any(|a| a.kind() == "expression_statement")
                            && method_statement(ancestors_until(*u, lp).find(|a| a.kind() == "expression_statement").unwrap_or(*u), source, name, "append")
                                .is_some())
                });
                let outside_ok = occurrences(body, source, name)
                    .iter()
                    .filter(|u| !(lp.start_byte() <= u.start_byte() && u.end_byte() <= lp.end_byte()))
                    .all(|u| bindings(body, source, name).iter().any(|b| b.id() == u.id()) || is_read_only_use(*u, source));
                if !inside_ok || !outside_ok {
                    continue;
                }
                let indent = indent_at(source, lp.start_byte());
                let removed = statement_line(source, *statement);
                // The sort may be the loop's last line: then the sort after the loop goes where that line ended.
                let after_loop = if removed.end > lp.end_byte() {
                    Edit::insert(removed.end, format!("{indent}{name}.sort{arguments}\n"))
                } else {
                    Edit::insert(lp.end_byte(), format!("\n{indent}{name}.sort{arguments}"))
                };
                let edits = [Edit::replace(removed, ""), after_loop];
                if let Some(result) = finish(Language::Python, source, &edits) {
                    return Some(result);
                }
            }
        }
    }
    None
}

/// `xs.append(v)` immediately followed by `xs.sort()` (or `xs.sort(key=k)`): `bisect.insort(xs, v)`, for a list
/// that starts empty and is otherwise only read or shrunk (so it is sorted whenever it is appended to).
pub fn append_sort_to_insort(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let mut edits = Vec::new();
        for sort in descendants(body) {
            let Some((receiver, _, arguments)) = sort.named_child(0).and_then(method_call) else { continue };
            let name = text(receiver, source);
            if sort_statement(sort, source, name).is_none() {
                continue;
            }
            let key = match arguments.named_child_count() {
                0 => String::new(),
                1 => match arguments.named_child(0).filter(|k| k.kind() == "keyword_argument") {
                    Some(k) if k.child_by_field_name("name").is_some_and(|n| text(n, source) == "key") => format!(", {}", text(k, source)),
                    _ => continue,
                },
                _ => continue,
            };
            let Some(append) = sort.prev_named_sibling() else { continue };
            let Some(value) = method_statement(append, source, name, "append") else { continue };
            if !starts_empty(target.node, body, sort, source, name) {
                continue;
            }
            // Every other use keeps the list sorted: reads, shrinking calls, or another append+sort pair.
            let keeps_sorted = occurrences(body, source, name).iter().all(|u| {
                let statement = ancestors_until(*u, body).find(|a| a.kind() == "expression_statement");
                let in_pair = statement.is_some_and(|s| s.id() == sort.id() || s.id() == append.id());
                let paired_elsewhere = statement.is_some_and(|s| {
                    (method_statement(s, source, name, "append").is_some()
                        && s.next_named_sibling().is_some_and(|n| sort_statement(n, source, name) == Some(text(arguments, source))))
                        || (sort_statement(s, source, name).is_some()
                            && s.prev_named_sibling().is_some_and(|p| method_statement(p, source, name, "append").is_some()))
                });
                let shrinking = u.parent().is_some_and(|p| p.kind() == "attribute")
                    && u.parent().and_then(|p| p.child_by_field_name("attribute")).is_some_and(|m| matches!(text(m, source), "pop" | "remove" | "clear"));
                in_pair || paired_elsewhere || shrinking || bindings(body, source, name).iter().any(|b| b.id() == u.id()) || is_read_only_use(*u, source)
            });
            if !keeps_sorted {
                continue;
            }
            edits.push(Edit::replace(append.byte_range(), format!("bisect.insort({name}, {}{key})", text(value, source))));
            edits.push(Edit::replace(statement_line(source, sort), ""));
        }
        if edits.is_empty() {
            continue;
        }
        edits.extend(ensure_import(tree.root_node(), source, "bisect"));
        if let Some(result) = finish(Language::Python, source, &edits) {
            return Some(result);
        }
    }
    None
}

/// `best.append(x)` then a re-sort and truncation to `k` on every iteration: `heapq.nlargest(k, …)` (or
/// `nsmallest`) over the same items, which the docs define as `sorted(iterable, key=key, reverse=True)[:k]`.
pub fn running_top_k_to_heap(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        let all = descendants(body);
        for lp in &all {
            if lp.kind() != "for_statement" || lp.child_by_field_name("alternative").is_some() || leaves_early(*lp) {
                continue;
            }
            let (Some(pattern), Some(iterable), Some(block)) =
                (lp.child_by_field_name("left"), lp.child_by_field_name("right"), lp.child_by_field_name("body"))
            else {
                continue;
            };
            let mut cursor = block.walk();
            let mut statements: Vec<Node> = block.named_children(&mut cursor).filter(|s| s.kind() != "comment").collect();
            let mut condition = None;
            if let [only] = statements.as_slice()
                && only.kind() == "if_statement"
                && only.child_by_field_name("alternative").is_none()
            {
                condition = only.child_by_field_name("condition");
                let consequence = only.child_by_field_name("consequence")?;
                let mut inner = consequence.walk();
                statements = consequence.named_children(&mut inner).filter(|s| s.kind() != "comment").collect();
            }
            let Some(plan) = top_k_statements(&statements, source) else { continue };
            if !starts_empty(target.node, body, *lp, source, &plan.name) || occurrences(iterable, source, &plan.name).len() > 0 {
                continue;
            }
            let loop_names: Vec<&str> = descendants(pattern).iter().filter(|n| n.kind() == "identifier").map(|n| text(*n, source)).collect();
            let leaks = all.iter().any(|n| n.start_byte() >= lp.end_byte() && n.kind() == "identifier" && loop_names.contains(&text(*n, source)));
            let element_uses_list =
                occurrences(plan.element, source, &plan.name).len() > 0 || condition.is_some_and(|c| occurrences(c, source, &plan.name).len() > 0);
            let between = all
                .iter()
                .any(|n| n.kind() == "identifier" && text(*n, source) == plan.name && n.end_byte() <= lp.start_byte() && !super::scope::is_binding(*n));
            let k_is_invariant =
                plan.k.parse::<usize>().is_ok() || (plan.k.chars().all(|c| c.is_alphanumeric() || c == '_') && bindings(body, source, &plan.k).is_empty());
            if leaks || element_uses_list || between || !k_is_invariant {
                continue;
            }
            let element = text(plan.element, source);
            let pattern_text = text(pattern, source);
            let items = match condition {
                None if element == pattern_text => text(iterable, source).to_string(),
                _ => {
                    let filter = condition.map(|c| format!(" if {}", text(c, source))).unwrap_or_default();
                    format!("({element} for {pattern_text} in {}{filter})", text(iterable, source))
                }
            };
            let heap = if plan.reverse { "nlargest" } else { "nsmallest" };
            let key = plan.key.map(|k| format!(", key={k}")).unwrap_or_default();
            let indent = indent_at(source, lp.start_byte());
            let replacement = if plan.k.parse::<usize>().is_ok() {
                format!("{} = heapq.{heap}({}, {items}{key})", plan.name, plan.k)
            } else {
                // A negative or non-int k means something else to slicing than to nlargest: keep the loop for it.
                let original = text(*lp, source).replace('\n', &format!("\n    "));
                format!(
                    "if isinstance({k}, int) and {k} >= 0:\n{indent}    {name} = heapq.{heap}({k}, {items}{key})\n{indent}else:\n{indent}    {original}",
                    k = plan.k,
                    name = plan.name
                )
            };
            if text(*lp, source).contains("\"\"\"") || text(*lp, source).contains("'''") {
                continue;
            }
            let mut edits = vec![Edit::replace(lp.byte_range(), replacement)];
            edits.extend(ensure_import(tree.root_node(), source, "heapq"));
            if let Some(result) = finish(Language::Python, source, &edits) {
                return Some(result);
            }
        }
    }
    None
}

struct TopK<'t> {
    name: String,
    element: Node<'t>,
    k: String,
    key: Option<String>,
    reverse: bool,
}

/// Parses `key=`/`reverse=` keyword arguments; None when anything else is passed.
fn sort_keywords(arguments: &[Node], source: &str) -> Option<(Option<String>, bool)> {
    let mut key = None;
    let mut reverse = false;
    for argument in arguments {
        let name = argument.child_by_field_name("name").map(|n| text(n, source));
        let value = argument.child_by_field_name("value").map(|v| text(v, source).to_string());
        match (argument.kind(), name, value.as_deref()) {
            ("keyword_argument", Some("key"), Some(_)) => key = value,
            ("keyword_argument", Some("reverse"), Some("True")) => reverse = true,
            ("keyword_argument", Some("reverse"), Some("False")) => reverse = false,
            _ => return None,
        }
    }
    Some((key, reverse))
}

/// `[best.append(e), best = sorted(best, …)[:k]]` or `[best.append(e), best.sort(…), best = best[:k] | del best[k:]]`.
fn top_k_statements<'t>(statements: &[Node<'t>], source: &str) -> Option<TopK<'t>> {
    let append = statements.first()?;
    let call = append.named_child(0).and_then(method_call)?;
    let name = text(call.0, source).to_string();
    let element = method_statement(*append, source, &name, "append")?;
    let slice_bound = |subscript: Node| -> Option<String> {
        let slice = subscript.child_by_field_name("subscript").filter(|s| s.kind() == "slice")?;
        let raw = text(slice, source).replace(' ', "");
        raw.strip_prefix(':').filter(|k| !k.is_empty() && !k.contains(':')).map(str::to_string)
    };
    match statements {
        [_, trim] => {
            let assignment =
                trim.named_child(0).filter(|a| a.kind() == "assignment" && a.child_by_field_name("left").is_some_and(|l| text(l, source) == name))?;
            let subscript = assignment.child_by_field_name("right").filter(|r| r.kind() == "subscript")?;
            let sorted = subscript
                .child_by_field_name("value")
                .filter(|v| v.kind() == "call" && v.child_by_field_name("function").is_some_and(|f| text(f, source) == "sorted"))?;
            let arguments = sorted.child_by_field_name("arguments")?;
            let mut cursor = arguments.walk();
            let args: Vec<Node> = arguments.named_children(&mut cursor).collect();
            let (first, rest) = args.split_first()?;
            if text(*first, source) != name {
                return None;
            }
            let (key, reverse) = sort_keywords(rest, source)?;
            Some(TopK { name, element, k: slice_bound(subscript)?, key, reverse })
        }
        [_, sort, trim] => {
            sort_statement(*sort, source, &name)?;
            let (_, _, arguments) = sort.named_child(0).and_then(method_call)?;
            let mut cursor = arguments.walk();
            let args: Vec<Node> = arguments.named_children(&mut cursor).collect();
            let (key, reverse) = sort_keywords(&args, source)?;
            let k = if trim.kind() == "delete_statement" {
                let target =
                    trim.named_child(0).filter(|t| t.kind() == "subscript" && t.child_by_field_name("value").is_some_and(|v| text(v, source) == name))?;
                let slice = target.child_by_field_name("subscript").filter(|s| s.kind() == "slice")?;
                text(slice, source).replace(' ', "").strip_suffix(':').filter(|k| !k.is_empty() && !k.contains(':'))?.to_string()
            } else {
                let assignment =
                    trim.named_child(0).filter(|a| a.kind() == "assignment" && a.child_by_field_name("left").is_some_and(|l| text(l, source) == name))?;
                let subscript = assignment
                    .child_by_field_name("right")
                    .filter(|r| r.kind() == "subscript" && r.child_by_field_name("value").is_some_and(|v| text(v, source) == name))?;
                slice_bound(subscript)?
            };
            Some(TopK { name, element, k, key, reverse })
        }
        _ => None,
    }
}
