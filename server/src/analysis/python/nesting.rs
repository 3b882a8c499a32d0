//! Which nested loops are searches: an inner loop (or comprehension) that only tests its item against a key from
//! the outer iteration, the O(n·m) shape a dict index built once makes linear. Other nesting (a DP table, all pairs,
//! a walk over each item's parts) is the algorithm, and stays a hint.

use super::grammar::Tag;
use super::heuristics::{function_depth, only_statement};
use super::placement::{identifiers, mentions};
use super::scope::Walker;
use tree_sitter::Node;

/// An inner `for` whose body only tests its item against a key from outside (`for b in ys: if b.k == a.k: ...`):
/// a search of `ys` repeated on every outer iteration, which a dict index built once makes linear. A loop over a
/// part of the outer item (`for b in a.children`) is a walk, not a search.
pub(super) fn search_loop(w: &mut Walker, node: Node) {
    let fields = &w.grammar.fields;
    let (Some(target), Some(iterable)) = (w.grammar.child(node, fields.left), w.grammar.child(node, fields.right)) else { return };
    let Some(test) = w.grammar.child(node, fields.body).and_then(|b| only_statement(w, b)) else { return };
    if w.tag(test) != Tag::IfStatement || w.grammar.child(test, fields.alternative).is_some() {
        return;
    }
    let Some(condition) = w.grammar.child(test, fields.condition) else { return };
    let inner = identifiers(w, target);
    if is_key_match(w, condition, &inner) && !walks_outer_item(w, node, iterable) {
        mark_search(w, node);
    }
}

/// A comprehension that searches one collection per outer item: `any(b.k == a.k for b in ys)` or
/// `next((b for b in ys if b.k == a.k), None)` inside a loop, or `[... for a in xs for b in ys if a.k == b.k]`.
pub(super) fn comprehension(w: &mut Walker, node: Node) {
    let Some(depth) = function_depth(w) else { return };
    let fields = &w.grammar.fields;
    let mut cursor = node.walk();
    let children: Vec<Node> = node.named_children(&mut cursor).filter(|c| w.tag(*c) != Tag::Comment).collect();
    let clauses: Vec<Node> = children.iter().copied().filter(|c| w.tag(*c) == Tag::ForInClause).collect();
    let Some(last) = clauses.last().copied() else { return };
    if depth == 0 && clauses.len() < 2 {
        return;
    }
    let Some(target) = w.grammar.child(last, fields.left) else { return };
    let inner = identifiers(w, target);
    let tests = children.iter().copied().filter(|c| w.tag(*c) == Tag::IfClause).filter_map(|c| c.named_child(0));
    let body = w.grammar.child(node, fields.body).into_iter();
    if !tests.chain(body).any(|test| is_key_match(w, test, &inner)) {
        return;
    }
    // `for a in xs for b in a.parts`: the inner clause walks a part of the outer item.
    let walks = match (clauses.len().checked_sub(2).map(|i| clauses[i]), w.grammar.child(last, fields.right)) {
        (Some(previous), Some(iterable)) => w.grammar.child(previous, fields.left).is_some_and(|outer| mentions(w, iterable, &identifiers(w, outer))),
        _ => false,
    };
    if !walks {
        mark_search(w, node);
    }
}

fn mark_search(w: &mut Walker, node: Node) {
    // A search on an error path (walking a traceback's frames) runs once per failure.
    if super::placement::in_except_clause(node) {
        return;
    }
    if let Some(frame) = w.function_frame()
        && frame.search_nest.is_none()
    {
        frame.search_nest = Some(node.byte_range());
    }
}

/// `left == right` where one side depends on the inner item and the other side does not (and is not a literal),
/// alone or as a term of an `and` (`a == b and a not in shared`).
fn is_key_match(w: &Walker, condition: Node, inner: &[&str]) -> bool {
    if w.tag(condition) == Tag::BooleanOperator && w.grammar.child(condition, w.grammar.fields.operator).is_some_and(|o| w.text(o) == "and") {
        let (left, right) = (w.grammar.child(condition, w.grammar.fields.left), w.grammar.child(condition, w.grammar.fields.right));
        return [left, right].into_iter().flatten().any(|term| is_key_match(w, term, inner));
    }
    if w.tag(condition) != Tag::ComparisonOperator || condition.child_count() != 3 || condition.child(1).is_none_or(|op| op.kind() != "==") {
        return false;
    }
    let (Some(left), Some(right)) = (condition.child(0), condition.child(2)) else { return false };
    let (left_inner, right_inner) = (mentions(w, left, inner), mentions(w, right, inner));
    let outer = if left_inner && !right_inner {
        right
    } else if right_inner && !left_inner {
        left
    } else {
        return false;
    };
    !identifiers(w, outer).is_empty()
}

/// The loop's iterable reads the nearest enclosing loop's item (`for b in a.children`, `for j in graph[i]`), outside
/// a `range(...)` (where `range(i)` is the triangle of all earlier items, still a search).
fn walks_outer_item(w: &Walker, node: Node, iterable: Node) -> bool {
    if super::placement::is_range_call(w, iterable) {
        return is_window(w, iterable);
    }
    let mut ancestor = node.parent();
    while let Some(candidate) = ancestor {
        if matches!(w.tag(candidate), Tag::FunctionDefinition | Tag::ClassDefinition) {
            return false;
        }
        if w.tag(candidate) == Tag::ForStatement {
            let outer = w.grammar.child(candidate, w.grammar.fields.left).map(|t| identifiers(w, t)).unwrap_or_default();
            return mentions(w, iterable, &outer);
        }
        ancestor = candidate.parent();
    }
    false
}

/// `range(lo, hi)` whose both bounds move with the outer loop (`lo = max(0, i - r)`, `hi = i + r`): a window of
/// bounded width around each item (Jaro's match window), not a scan of the whole collection.
fn is_window(w: &Walker, range_call: Node) -> bool {
    let Some(arguments) = w.grammar.child(range_call, w.grammar.fields.arguments) else { return false };
    let mut cursor = arguments.walk();
    let bounds: Vec<Node> = arguments.named_children(&mut cursor).filter(|a| w.tag(*a) != Tag::Comment).collect();
    let moves = |bound: &Node| identifiers(w, *bound).iter().any(|name| w.value_of(name).is_some_and(|v| v.loop_depth >= 1));
    bounds.len() >= 2 && bounds[..2].iter().all(moves)
}

pub(super) fn search_nest_message() -> String {
    "An inner loop searches a whole collection for an equal key on every iteration of the outer loop (O(n·m)); a \
     dict keyed on that value, built once before the loop, finds the matches in O(1) each"
        .to_string()
}
