//! Memoizing recursion, only where it pays: overlapping subproblems, and a cache that lives for one top-level call
//! (so repeated benchmark inputs cannot fake a win and memory is bounded by one call's subproblems).

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

/// Overlapping subproblems: a self-call inside a loop, or two self-calls that can both run in one frame, with
/// arguments that are not mere structural descent.
fn overlapping(body: Node, calls: &[Node]) -> bool {
    let candidates: Vec<&Node> = calls.iter().filter(|c| !structural(**c)).collect();
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
        let multiline_string = descendants(body).iter().any(|n| n.kind() == "string" && text(*n, source).contains('\n'));
        if calls.is_empty() || other_mentions || impure || multiline_string || !overlapping(body, &calls) {
            continue;
        }
        let inner = super::super::fresh_name(source, &format!("_{}_cached", target.name));
        let indent = indent_at(source, target.node.start_byte()).to_string();
        let step = "    ";
        let header = source[target.node.start_byte()..body.start_byte()].trim_end();
        let inner_header = header.replacen(&format!("def {}", target.name), &format!("def {inner}"), 1);
        let mut edits: Vec<Edit> = Vec::new();
        let mut inner_body = String::new();
        let mut cursor = body.start_byte();
        for call in &calls {
            let callee = call.child_by_field_name("function")?;
            inner_body.push_str(&source[cursor..callee.start_byte()]);
            inner_body.push_str(&inner);
            cursor = callee.end_byte();
        }
        inner_body.push_str(&source[cursor..body.end_byte()]);
        let inner_body = inner_body.replace('\n', &format!("\n{step}"));
        let replacement = format!(
            "{header}\n{indent}{step}@functools.lru_cache(maxsize=None)\n{indent}{step}{inner_header}\n{indent}{step}{step}{inner_body}\n\n{indent}{step}return {inner}({})",
            parameters.join(", "),
        );
        edits.extend(ensure_import(tree.root_node(), source, "functools"));
        edits.push(Edit::replace(target.node.byte_range(), replacement));
        if let Some(result) = finish(Language::Python, source, &edits) {
            return Some(result);
        }
    }
    None
}
