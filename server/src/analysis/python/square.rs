//! Loops nested over the same size: `for k in range(N): [... for n in range(N)]`, or `while i < len(xs):` around
//! `for y in xs[i + 1:]`. The inner loop goes over the whole of the same data for every outer step, so the work is
//! quadratic in that one size, which is the shape of naive transforms and of repeated rescans that an index, a single
//! pass or a better algorithm removes. A walk over the outer item's parts (`for v in data[key]`), a shared iterator
//! consumed by both loops (`for x in it: for y in it:`) and all pairs of one bare collection are left to the hint.

use super::grammar::Tag;
use super::heuristics::function_depth;
use super::placement::{self, mentions};
use super::scope::Walker;
use tree_sitter::Node;

/// How a loop gets its length: the names its size comes from, and whether it iterates one of them directly.
struct Bounds<'s> {
    names: Vec<&'s str>,
    direct: bool,
    /// The loop's own item names (empty for `while`).
    targets: Vec<&'s str>,
}

/// A `for` statement inside another loop of the same function.
pub(super) fn for_statement(w: &mut Walker, node: Node) {
    if function_depth(w).is_none_or(|d| d == 0) {
        return;
    }
    let Some(inner) = bounds_of(w, node) else { return };
    let Some(iterable) = w.grammar.child(node, w.grammar.fields.right) else { return };
    check(w, node, iterable, &inner, enclosing_loops(w, node));
}

/// The `for` clauses of a comprehension, against the clauses before them and the loops around the comprehension.
pub(super) fn comprehension(w: &mut Walker, node: Node) {
    if function_depth(w).is_none() {
        return;
    }
    let mut cursor = node.walk();
    let clauses: Vec<Node> = node.named_children(&mut cursor).filter(|c| w.tag(*c) == Tag::ForInClause).collect();
    let around = enclosing_loops(w, node);
    for (index, clause) in clauses.iter().enumerate() {
        let (Some(inner), Some(iterable)) = (bounds_of(w, *clause), w.grammar.child(*clause, w.grammar.fields.right)) else { continue };
        let mut outers: Vec<Node> = clauses[..index].to_vec();
        outers.extend(around.iter().copied());
        check(w, *clause, iterable, &inner, outers);
    }
}

fn check(w: &mut Walker, node: Node, iterable: Node, inner: &Bounds, outers: Vec<Node>) {
    for outer in outers {
        let Some(outer) = bounds_of(w, outer) else { continue };
        // `for v in data[key]`: the inner loop walks a part of the outer item.
        if mentions(w, iterable, &outer.targets) {
            continue;
        }
        if outer.direct && inner.direct {
            continue;
        }
        if let Some(shared) = inner.names.iter().find(|n| outer.names.contains(n)) {
            let message = format!(
                "The inner loop goes over `{shared}` again on every step of an outer loop that goes over `{shared}` \
                 (O(n²) in its size); an index built once, a single pass, or a better algorithm (an FFT for a \
                 transform) makes it near-linear"
            );
            mark(w, node, message);
            return;
        }
    }
}

fn mark(w: &mut Walker, node: Node, message: String) {
    if placement::in_except_clause(node) {
        return;
    }
    if let Some(frame) = w.function_frame()
        && frame.square_nest.is_none()
    {
        frame.square_nest = Some((node.byte_range(), message));
    }
}

/// The `for` statements, `while` statements and comprehension clauses around `node`, in its function.
fn enclosing_loops<'t>(w: &Walker, node: Node<'t>) -> Vec<Node<'t>> {
    let mut loops = Vec::new();
    let mut child = node;
    while let Some(parent) = child.parent() {
        match w.tag(parent) {
            Tag::FunctionDefinition | Tag::ClassDefinition | Tag::Lambda => break,
            // Only from the body: the iterable of a `for` is evaluated once.
            Tag::ForStatement | Tag::WhileStatement if w.grammar.child(parent, w.grammar.fields.body).is_some_and(|b| b.id() == child.id()) => {
                loops.push(parent)
            }
            Tag::ListComprehension | Tag::SetComprehension | Tag::DictionaryComprehension | Tag::GeneratorExpression => {
                let mut cursor = parent.walk();
                loops.extend(parent.named_children(&mut cursor).filter(|c| w.tag(*c) == Tag::ForInClause && c.id() != child.id()));
            }
            _ => {}
        }
        child = parent;
    }
    loops
}

fn bounds_of<'s>(w: &Walker<'s, '_>, looping: Node) -> Option<Bounds<'s>> {
    let fields = &w.grammar.fields;
    match w.tag(looping) {
        Tag::ForStatement | Tag::ForInClause => {
            let iterable = w.grammar.child(looping, fields.right)?;
            let targets = w.grammar.child(looping, fields.left).map(|t| placement::identifiers(w, t)).unwrap_or_default();
            let direct = matches!(w.tag(iterable), Tag::Identifier | Tag::Attribute);
            Some(Bounds { names: size_names(w, iterable, 0), direct, targets })
        }
        Tag::WhileStatement => {
            let condition = w.grammar.child(looping, fields.condition)?;
            if w.tag(condition) != Tag::ComparisonOperator {
                return None;
            }
            let mut names = Vec::new();
            let mut cursor = condition.walk();
            let sides: Vec<Node> = condition.named_children(&mut cursor).collect();
            // `i < n` (the bound side is a plain name) or `i < len(xs) - 1`.
            for side in sides.iter().skip(1) {
                if w.tag(*side) == Tag::Identifier {
                    names.push(w.text(*side));
                } else {
                    names.extend(size_names(w, *side, 0));
                }
            }
            Some(Bounds { names, direct: false, targets: Vec::new() })
        }
        _ => None,
    }
}

/// The names the length of `iterable` is taken from: `N` in `range(N)`, `xs` in `len(xs)`, `xs[i:]`,
/// `enumerate(xs)`; `range(a, b)` takes its stop.
fn size_names<'s>(w: &Walker<'s, '_>, node: Node, depth: usize) -> Vec<&'s str> {
    const MAX_DEPTH: usize = 8;
    let fields = &w.grammar.fields;
    if depth > MAX_DEPTH {
        return Vec::new();
    }
    match w.tag(node) {
        Tag::Identifier => vec![w.text(node)],
        Tag::Attribute if w.grammar.child(node, fields.object).is_some_and(|o| w.tag(o) == Tag::Identifier) => vec![w.text(node)],
        Tag::Subscript => w.grammar.child(node, fields.value).map(|v| size_names(w, v, depth + 1)).unwrap_or_default(),
        Tag::BinaryOperator => {
            let mut names = Vec::new();
            for side in [fields.left, fields.right] {
                if let Some(side) = w.grammar.child(node, side) {
                    names.extend(size_names(w, side, depth + 1));
                }
            }
            names
        }
        Tag::Call => {
            let Some(function) = w.grammar.child(node, fields.function).filter(|f| w.tag(*f) == Tag::Identifier) else { return Vec::new() };
            let Some(arguments) = w.grammar.child(node, fields.arguments).filter(|a| w.tag(*a) == Tag::ArgumentList) else { return Vec::new() };
            let mut cursor = arguments.walk();
            let positional: Vec<Node> = arguments.named_children(&mut cursor).filter(|a| !matches!(w.tag(*a), Tag::KeywordArgument | Tag::Comment)).collect();
            let sized = match (w.text(function), positional.len()) {
                ("range", 1) | ("len" | "enumerate" | "reversed", _) => positional.first().copied(),
                ("range", 2 | 3) => Some(positional[1]),
                _ => None,
            };
            sized.map(|s| size_names(w, s, depth + 1)).unwrap_or_default()
        }
        _ => Vec::new(),
    }
}
