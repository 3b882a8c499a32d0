//! What the Python rewrites need to know about a name inside a function: where it is bound, whether a region only
//! reads it, and whether it is provably a re-iterable container (so building an index or a set from it is safe).

use tree_sitter::Node;

use super::super::{descendants, text};
use super::{is_identifier, parameter_names};

/// Builtins that never mutate their arguments (and never keep a reference that could mutate them later).
pub(super) const PURE_BUILTINS: &[&str] = &[
    "len",
    "sum",
    "max",
    "min",
    "sorted",
    "set",
    "frozenset",
    "tuple",
    "list",
    "any",
    "all",
    "enumerate",
    "zip",
    "range",
    "isinstance",
    "str",
    "repr",
    "int",
    "float",
    "abs",
    "round",
    "bool",
    "reversed",
    "hash",
    "id",
    "type",
    "print",
    "dict",
];

/// `len`, `sorted`, … or a function of `statistics`/`math`, a search of `bisect`/`heapq`, or `"sep".join`: calls that
/// only read their arguments.
pub(super) fn is_pure_callee(callee: Node, source: &str) -> bool {
    match callee.kind() {
        "identifier" => PURE_BUILTINS.contains(&text(callee, source)),
        "attribute" => callee.child_by_field_name("object").is_some_and(|object| match object.kind() {
            "identifier" => match text(object, source) {
                "statistics" | "math" => true,
                // the searches and selections, not `insort`/`heappush`, which change their argument
                "bisect" | "heapq" => callee
                    .child_by_field_name("attribute")
                    .is_some_and(|m| matches!(text(m, source), "bisect_left" | "bisect_right" | "bisect" | "nlargest" | "nsmallest")),
                _ => false,
            },
            "string" => callee.child_by_field_name("attribute").is_some_and(|m| text(m, source) == "join"),
            _ => false,
        }),
        _ => false,
    }
}

/// Methods of the builtin containers and `str` that only read the receiver.
pub(super) const READ_METHODS: &[&str] = &[
    "count",
    "index",
    "get",
    "keys",
    "values",
    "items",
    "copy",
    "startswith",
    "endswith",
    "find",
    "rfind",
    "lower",
    "upper",
    "strip",
    "lstrip",
    "rstrip",
    "split",
    "join",
    "format",
    "issubset",
    "issuperset",
    "isdisjoint",
    "union",
    "intersection",
    "difference",
    "casefold",
    "isdigit",
    "isalpha",
];

/// Node kinds that open a new scope: what happens inside them is not "in the loop" for our purposes, so a rewrite
/// that finds one of them touching the name gives up.
pub(super) fn is_nested_scope(node: Node) -> bool {
    matches!(node.kind(), "function_definition" | "lambda" | "class_definition")
}

/// True when `identifier` is (part of) a binding target: assignment, augmented assignment, `for` target, `with … as`,
/// walrus, `del`, `global`/`nonlocal`, or an import alias.
pub(super) fn is_binding(identifier: Node) -> bool {
    let mut current = identifier;
    while let Some(parent) = current.parent() {
        match parent.kind() {
            "pattern_list" | "tuple_pattern" | "list_pattern" | "parenthesized_expression" | "list_splat_pattern" => current = parent,
            "assignment" | "augmented_assignment" => return parent.child_by_field_name("left").is_some_and(|l| l.id() == current.id()),
            "for_statement" | "for_in_clause" => return parent.child_by_field_name("left").is_some_and(|l| l.id() == current.id()),
            "named_expression" => return parent.child_by_field_name("name").is_some_and(|l| l.id() == current.id()),
            "as_pattern_target" | "delete_statement" | "global_statement" | "nonlocal_statement" | "aliased_import" => return true,
            _ => return false,
        }
    }
    false
}

/// Every occurrence of the identifier `name` below `scope`.
pub(super) fn occurrences<'t>(scope: Node<'t>, source: &str, name: &str) -> Vec<Node<'t>> {
    descendants(scope).into_iter().filter(|n| is_identifier(*n, source, name)).collect()
}

/// The root identifier of `a.b[c].d`, when the chain is made only of attributes and subscripts.
pub(super) fn chain_root(node: Node) -> Option<Node> {
    match node.kind() {
        "identifier" => Some(node),
        "attribute" => chain_root(node.child_by_field_name("object")?),
        "subscript" => chain_root(node.child_by_field_name("value")?),
        _ => None,
    }
}

/// Whether one occurrence of a name only reads the object it names (no rebinding, no mutation, no alias, not handed
/// to code we cannot see).
pub(super) fn is_read_only_use(usage: Node, source: &str) -> bool {
    if is_binding(usage) {
        return false;
    }
    let Some(parent) = usage.parent() else { return false };
    match parent.kind() {
        "attribute" => {
            if !parent.child_by_field_name("object").is_some_and(|o| o.id() == usage.id()) {
                return true; // `other.name`: a different object's attribute
            }
            let Some(grand) = parent.parent() else { return false };
            match grand.kind() {
                "call" => parent.child_by_field_name("attribute").is_some_and(|m| READ_METHODS.contains(&text(m, source))),
                _ => false,
            }
        }
        "subscript" => {
            parent.child_by_field_name("value").is_some_and(|v| v.id() == usage.id())
                && parent.parent().is_some_and(|g| match g.kind() {
                    "assignment" | "augmented_assignment" => g.child_by_field_name("right").is_some_and(|r| r.id() == parent.id()),
                    "delete_statement" | "attribute" | "pattern_list" | "tuple_pattern" => false,
                    _ => true,
                })
        }
        "argument_list" => parent.parent().and_then(|call| call.child_by_field_name("function")).is_some_and(|f| is_pure_callee(f, source)),
        "comparison_operator" | "binary_operator" | "boolean_operator" | "not_operator" | "unary_operator" => true,
        "for_statement" | "for_in_clause" => parent.child_by_field_name("right").is_some_and(|r| r.id() == usage.id()),
        "if_statement" | "elif_clause" | "while_statement" | "if_clause" | "conditional_expression" => true,
        "return_statement" => true,
        _ => false,
    }
}

/// True when `scope` only reads `name`: every occurrence is a read-only use and nothing inside a nested function or
/// lambda mentions it.
pub(super) fn only_read_within(scope: Node, source: &str, name: &str) -> bool {
    occurrences(scope, source, name).iter().all(|usage| is_read_only_use(*usage, source) && !inside_nested_scope(*usage, scope))
}

fn inside_nested_scope(node: Node, scope: Node) -> bool {
    let mut current = node.parent();
    while let Some(ancestor) = current {
        if ancestor.id() == scope.id() {
            return false;
        }
        if is_nested_scope(ancestor) {
            return true;
        }
        current = ancestor.parent();
    }
    false
}

/// Binding occurrences of `name` inside `scope` (outside nested functions).
pub(super) fn bindings<'t>(scope: Node<'t>, source: &str, name: &str) -> Vec<Node<'t>> {
    occurrences(scope, source, name).into_iter().filter(|n| is_binding(*n) && !inside_nested_scope(*n, scope)).collect()
}

/// The annotation text of parameter `name`, if it has one.
fn parameter_annotation<'s>(function: Node, source: &'s str, name: &str) -> Option<&'s str> {
    let parameters = function.child_by_field_name("parameters")?;
    let mut cursor = parameters.walk();
    let found = parameters.named_children(&mut cursor).find(|p| {
        matches!(p.kind(), "typed_parameter" | "typed_default_parameter")
            && (p.child_by_field_name("name").or_else(|| p.named_child(0))).is_some_and(|n| is_identifier(n, source, name))
    })?;
    found.child_by_field_name("type").map(|t| text(t, source))
}

const CONTAINER_TYPES: &[&str] =
    &["list", "List", "tuple", "Tuple", "set", "Set", "frozenset", "FrozenSet", "dict", "Dict", "Sequence", "Mapping", "MutableSequence", "str", "bytes"];
const CONTAINER_BUILDERS: &[&str] = &["list", "sorted", "tuple", "set", "frozenset", "dict", "str"];

/// Whether `name` is provably a re-iterable container in `function` (not a one-shot iterator or generator): a
/// parameter annotated with a container type, a local built from a container literal, comprehension or builder
/// call, or a name the function also takes `len()` of (iterators have no length).
pub(super) fn is_container(function: Node, source: &str, name: &str) -> bool {
    if let Some(annotation) = parameter_annotation(function, source, name) {
        let head = annotation.split(['[', '|']).next().unwrap_or("").trim();
        let head = head.rsplit('.').next().unwrap_or(head);
        if CONTAINER_TYPES.contains(&head) {
            return true;
        }
    }
    let Some(body) = function.child_by_field_name("body") else { return false };
    let all = descendants(body);
    let takes_len = all.iter().any(|call| {
        call.kind() == "call"
            && call.child_by_field_name("function").is_some_and(|f| is_identifier(f, source, "len"))
            && call
                .child_by_field_name("arguments")
                .is_some_and(|a| a.named_child_count() == 1 && a.named_child(0).is_some_and(|n| is_identifier(n, source, name)))
    });
    if takes_len {
        return true;
    }
    let assigned: Vec<Node> = all
        .iter()
        .filter(|n| n.kind() == "assignment" && n.child_by_field_name("left").is_some_and(|l| is_identifier(l, source, name)))
        .filter_map(|n| n.child_by_field_name("right"))
        .collect();
    !assigned.is_empty() && !parameter_names(function, source).iter().any(|p| p == name) && assigned.iter().all(|value| is_container_expression(*value, source))
}

/// A list/tuple/set/dict literal or comprehension, or a call to a builtin that builds one.
pub(super) fn is_container_expression(value: Node, source: &str) -> bool {
    match value.kind() {
        "list" | "tuple" | "set" | "dictionary" | "list_comprehension" | "set_comprehension" | "dictionary_comprehension" | "string" => true,
        "call" => value.child_by_field_name("function").is_some_and(|f| f.kind() == "identifier" && CONTAINER_BUILDERS.contains(&text(f, source))),
        _ => false,
    }
}

/// Whether `scope` leaves `operand` alone: a name only read (see `only_read_within`), or a one-level attribute
/// `root.attr` (`self.items`) whose root is never rebound or handed to code we cannot see, whose own uses are
/// read-only, and where no other attribute of the root is called or mutated (a method of `self` could change
/// `self.items`).
pub(super) fn operand_only_read_within(scope: Node, source: &str, operand: Node) -> bool {
    match operand.kind() {
        "identifier" => only_read_within(scope, source, text(operand, source)),
        "attribute" => {
            let Some(root) = operand.child_by_field_name("object").filter(|o| o.kind() == "identifier") else { return false };
            let spelled = text(operand, source);
            occurrences(scope, source, text(root, source)).iter().all(|usage| {
                if is_binding(*usage) || inside_nested_scope(*usage, scope) {
                    return false;
                }
                let Some(attribute) =
                    usage.parent().filter(|p| p.kind() == "attribute" && p.child_by_field_name("object").is_some_and(|o| o.id() == usage.id()))
                else {
                    return is_read_only_use(*usage, source);
                };
                if text(attribute, source) == spelled {
                    return is_read_only_use(attribute, source);
                }
                is_read_only_use(attribute, source) || (is_binding(attribute) && attribute.parent().is_some_and(|p| p.kind() == "assignment"))
            })
        }
        _ => false,
    }
}
