//! Memoizing recursion, only where it pays: overlapping subproblems, and a cache that lives for one top-level call
//! (so repeated benchmark inputs cannot fake a win and memory is bounded by one call's subproblems). Parameters the
//! recursion passes on unchanged are left out of the cache key.

use tree_sitter::Node;

use super::super::{Edit, descendants, finish, indent_at, text};
use super::scope::is_nested_scope;
use super::{ensure_import, functions, is_identifier, is_loop, parse};
use crate::analysis::Language;

fn self_calls<'t>(body: Node<'t>, source: &str, name: &str) -> Vec<Node<'t>> {
    descendants(body)
        .into_iter()
        .filter(|n| n.kind() == "call" && n.child_by_field_name("function").is_some_and(|f| is_identifier(f, source, name)))
        .filter(|n| !std::iter::successors(n.parent(), |p| p.parent()).take_while(|p| p.id() != body.id()).any(is_nested_scope))
        .collect()
}

/// True when `a` and `b` sit in different branches of one `if`/`elif`/`else` chain or conditional expression.
fn ancestry(node: Node) -> Vec<Node> {
    std::iter::successors(Some(node), |p| p.parent()).collect()
}

fn mutually_exclusive(a: Node, b: Node) -> bool {
    let (up_a, up_b) = (ancestry(a), ancestry(b));
    let Some(common) = up_a.iter().find(|x| up_b.iter().any(|y| y.id() == x.id())) else { return false };
    if !matches!(common.kind(), "if_statement" | "conditional_expression") {
        return false;
    }
    let branch = |up: &[Node]| up.iter().position(|x| x.id() == common.id()).and_then(|i| i.checked_sub(1)).map(|i| up[i].id());
    branch(&up_a) != branch(&up_b)
}

/// A call whose arguments all walk into a structure (`node.left`, `xs[1:]`, `tree[0]`): descending recursion, where
/// the same subproblem is not reached twice.
fn structural(call: Node) -> bool {
    let Some(arguments) = call.child_by_field_name("arguments") else { return false };
    let mut cursor = arguments.walk();
    let args: Vec<Node> = arguments.named_children(&mut cursor).collect();
    !args.is_empty() && args.iter().all(|a| matches!(a.kind(), "attribute" | "subscript"))
}

/// True when `name` is the target of a `for` loop around `call` (`for child in node.children: f(child)`): the
/// recursion walks the items of a structure, each once.
fn is_enclosing_loop_variable(call: Node, source: &str, name: &str) -> bool {
    std::iter::successors(call.parent(), |p| p.parent())
        .any(|a| matches!(a.kind(), "for_statement" | "for_in_clause") && a.child_by_field_name("left").is_some_and(|l| is_identifier(l, source, name)))
}

/// True when `name` is assigned a midpoint (`mid = (lo + hi) // 2`, `n >> 1`, `len(xs) // 2`) in `body`: binary
/// splitting visits each range once, so its subproblems do not overlap.
fn is_midpoint(body: Node, source: &str, name: &str) -> bool {
    descendants(body).iter().any(|a| {
        a.kind() == "assignment"
            && a.child_by_field_name("left").is_some_and(|l| is_identifier(l, source, name))
            && a.child_by_field_name("right").is_some_and(|r| {
                let spelled = text(r, source).replace(' ', "");
                spelled.ends_with("//2") || spelled.ends_with(">>1") || spelled.ends_with("//2)")
            })
    })
}

/// A call that walks into its input: every argument is a loop variable over the structure or unchanged, or the
/// call splits a range at a midpoint.
fn descends(call: Node, body: Node, source: &str, parameters: &[String]) -> bool {
    let Some(arguments) = call.child_by_field_name("arguments") else { return false };
    let mut cursor = arguments.walk();
    let args: Vec<Node> = arguments.named_children(&mut cursor).collect();
    let names: Vec<&str> = args.iter().filter(|a| a.kind() == "identifier").map(|a| text(*a, source)).collect();
    if names.iter().any(|n| is_midpoint(body, source, n)) {
        return true;
    }
    let loop_item = names.iter().any(|n| is_enclosing_loop_variable(call, source, n));
    loop_item
        && args.iter().all(|a| {
            a.kind() == "identifier" && (is_enclosing_loop_variable(call, source, text(*a, source)) || parameters.iter().any(|p| p == text(*a, source)))
        })
}

/// Overlapping subproblems: a self-call inside a loop, or two self-calls that can both run in one frame, with
/// arguments that are not mere structural descent.
fn overlapping(body: Node, calls: &[Node], source: &str, parameters: &[String]) -> bool {
    let candidates: Vec<&Node> = calls.iter().filter(|c| !structural(**c) && !descends(**c, body, source, parameters)).collect();
    let in_loop = candidates.iter().any(|c| std::iter::successors(c.parent(), |p| p.parent()).take_while(|p| p.id() != body.id()).any(is_loop));
    let pair = candidates.iter().enumerate().any(|(i, a)| candidates[i + 1..].iter().any(|b| !mutually_exclusive(**a, **b)));
    in_loop || pair
}

/// A default value that is the same whether evaluated once at definition or at every call: literals, immutable
/// empty builders, constants by name.
fn stable_default(value: Node, source: &str) -> bool {
    match value.kind() {
        "integer" | "float" | "string" | "true" | "false" | "none" | "concatenated_string" => true,
        "unary_operator" => value.named_child(0).is_some_and(|n| matches!(n.kind(), "integer" | "float")),
        "tuple" => {
            let mut cursor = value.walk();
            value.named_children(&mut cursor).all(|item| stable_default(item, source))
        }
        "call" => matches!(text(value, source), "frozenset()" | "tuple()"),
        "identifier" => text(value, source).chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_'),
        _ => false,
    }
}

/// Positional parameters (annotations and stable defaults allowed): the names to forward.
fn forwardable_parameters(function: Node, source: &str) -> Option<Vec<String>> {
    let parameters = function.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let mut names = Vec::new();
    for parameter in parameters.named_children(&mut cursor) {
        let name = match parameter.kind() {
            "identifier" => parameter,
            "typed_parameter" => parameter.named_child(0).filter(|n| n.kind() == "identifier")?,
            "default_parameter" | "typed_default_parameter" => {
                if !parameter.child_by_field_name("value").is_some_and(|v| stable_default(v, source)) {
                    return None;
                }
                parameter.child_by_field_name("name")?
            }
            _ => return None, // *args, **kwargs, keyword-only: keep it simple and exact
        };
        names.push(text(name, source).to_string());
    }
    Some(names)
}

/// The parameter nodes, in order (the caller has checked they are all forwardable).
fn parameter_nodes(function: Node) -> Vec<Node> {
    let Some(parameters) = function.child_by_field_name("parameters") else { return Vec::new() };
    let mut cursor = parameters.walk();
    parameters.named_children(&mut cursor).filter(|p| p.kind() != "comment").collect()
}

/// What one recursive call passes for each parameter: (parameter, argument text, passed by keyword). None for
/// splats or arguments that match no parameter.
fn bound_arguments(call: Node, source: &str, parameters: &[String]) -> Option<Vec<(String, String, bool)>> {
    let arguments = call.child_by_field_name("arguments").filter(|a| a.kind() == "argument_list")?;
    let mut cursor = arguments.walk();
    let mut bound = Vec::new();
    for (position, argument) in arguments.named_children(&mut cursor).filter(|a| a.kind() != "comment").enumerate() {
        match argument.kind() {
            "list_splat" | "dictionary_splat" | "parenthesized_list_splat" => return None,
            "keyword_argument" => {
                let name = text(argument.child_by_field_name("name")?, source).to_string();
                if !parameters.contains(&name) {
                    return None;
                }
                bound.push((name, text(argument.child_by_field_name("value")?, source).to_string(), true));
            }
            _ => bound.push((parameters.get(position)?.clone(), text(argument, source).to_string(), false)),
        }
    }
    Some(bound)
}

/// A pure free function with overlapping recursive calls: its body moves into an inner `functools.lru_cache`d
/// function created per top-level call, which the outer function calls with the same arguments.
pub fn memoize_recursion(source: &str, function: Option<&str>) -> Option<String> {
    let tree = parse(source)?;
    for target in functions(&tree, source, function) {
        let body = target.node.child_by_field_name("body")?;
        if let Some(decorated) = target.node.parent().filter(|p| p.kind() == "decorated_definition") {
            if source[decorated.start_byte()..target.node.start_byte()].contains("cache") {
                continue;
            }
        }
        let Some(parameters) = forwardable_parameters(target.node, source) else { continue };
        if parameters.first().is_some_and(|p| p == "self" || p == "cls") || parameters.is_empty() {
            continue;
        }
        let calls = self_calls(body, source, &target.name);
        let other_mentions = descendants(body).iter().filter(|n| is_identifier(**n, source, &target.name)).count() != calls.len();
        let impure = descendants(body).iter().any(|node| {
            matches!(node.kind(), "global_statement" | "nonlocal_statement" | "yield" | "await")
                || (node.kind() == "call"
                    && node
                        .child_by_field_name("function")
                        .is_some_and(|f| matches!(text(f, source), "print" | "input" | "open") || text(f, source).starts_with("random.")))
        });
        // The docstring stays with the outer function (it is what help() shows); any other multi-line string would
        // change its content when re-indented into the inner function.
        let docstring = body
            .named_child(0)
            .filter(|s| s.kind() == "expression_statement" && s.named_child_count() == 1 && s.named_child(0).is_some_and(|n| n.kind() == "string"));
        let rest = docstring.and_then(|d| d.next_named_sibling());
        if docstring.is_some() && rest.is_none() {
            continue;
        }
        let multiline_string = descendants(body)
            .iter()
            .any(|n| n.kind() == "string" && text(*n, source).contains('\n') && !docstring.is_some_and(|d| super::super::contains(d, *n)));
        if calls.is_empty() || other_mentions || impure || multiline_string || !overlapping(body, &calls, source, &parameters) {
            continue;
        }
        let Some(bound) = calls.iter().map(|c| bound_arguments(*c, source, &parameters)).collect::<Option<Vec<_>>>() else { continue };
        // Parameters every recursive call passes on unchanged are the same for the whole top-level call: the inner
        // function reads them from the enclosing scope, so they are neither hashed per call nor need be hashable.
        let passed_through: Vec<&String> =
            parameters.iter().filter(|p| bound.iter().all(|args| args.iter().any(|(name, value, _)| name == *p && value == *p))).collect();
        let invariant: Vec<&String> = passed_through
            .iter()
            .copied()
            .filter(|p| {
                super::scope::occurrences(body, source, p).iter().all(|usage| {
                    let passed_on = usage.parent().is_some_and(|a| {
                        a.kind() == "argument_list" && calls.iter().any(|c| c.child_by_field_name("arguments").is_some_and(|l| l.id() == a.id()))
                    });
                    passed_on || super::scope::is_read_only_use(*usage, source)
                })
            })
            .collect();
        if invariant.len() != passed_through.len() {
            continue; // an argument the recursion changes in place: results depend on the order of the calls
        }
        if invariant.len() == parameters.len() {
            continue; // every call repeats the same arguments: infinite recursion or a guard we do not understand
        }
        let inner = super::super::fresh_name(source, &format!("_{}_cached", target.name));
        let indent = indent_at(source, target.node.start_byte()).to_string();
        let step = "    ";
        let header = source[target.node.start_byte()..body.start_byte()].trim_end();
        let kept: Vec<&str> =
            parameter_nodes(target.node).iter().zip(&parameters).filter(|(_, name)| !invariant.contains(name)).map(|(node, _)| text(*node, source)).collect();
        let parameters_node = target.node.child_by_field_name("parameters")?;
        let inner_header = format!("def {inner}({}){}", kept.join(", "), source[parameters_node.end_byte()..body.start_byte()].trim_end());
        let mut edits: Vec<Edit> = Vec::new();
        let mut inner_body = String::new();
        let mut cursor = rest.map_or(body.start_byte(), |r| r.start_byte());
        for (call, arguments) in calls.iter().zip(&bound) {
            let callee = call.child_by_field_name("function")?;
            let argument_list = call.child_by_field_name("arguments")?;
            inner_body.push_str(&source[cursor..callee.start_byte()]);
            let positional: Vec<&str> = arguments.iter().filter(|(n, _, k)| !k && !invariant.contains(&n)).map(|(_, v, _)| v.as_str()).collect();
            let keywords: Vec<String> = arguments.iter().filter(|(n, _, k)| *k && !invariant.contains(&n)).map(|(n, v, _)| format!("{n}={v}")).collect();
            inner_body.push_str(&format!("{inner}({})", positional.into_iter().map(str::to_string).chain(keywords).collect::<Vec<_>>().join(", ")));
            cursor = argument_list.end_byte();
        }
        inner_body.push_str(&source[cursor..body.end_byte()]);
        let inner_body = inner_body.replace('\n', &format!("\n{step}"));
        let kept_docstring = docstring.map(|d| format!("\n{indent}{step}{}", text(d, source))).unwrap_or_default();
        let replacement = format!(
            "{header}{kept_docstring}\n{indent}{step}@functools.lru_cache(maxsize=None)\n{indent}{step}{inner_header}\n{indent}{step}{step}{inner_body}\n\n{indent}{step}return {inner}({})",
            parameters.iter().filter(|p| !invariant.contains(p)).cloned().collect::<Vec<_>>().join(", "),
        );
        edits.extend(ensure_import(tree.root_node(), source, "functools"));
        edits.push(Edit::replace(target.node.byte_range(), replacement));
        if let Some(result) = finish(Language::Python, source, &edits) {
            return Some(result);
        }
    }
    None
}
