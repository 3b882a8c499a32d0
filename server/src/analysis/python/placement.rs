//! Where a finding sits in its function: on a cold `except` path, on a list the enclosing loop grows, on data that
//! exists before the loop, in a recursive call on a loop's item. Asked only for nodes that would otherwise be
//! reported, so the cost (a look along the ancestors, or over the enclosing loop's text) is paid per finding, not
//! per node of the walk.

use super::grammar::Tag;
use super::scope::Walker;
use tree_sitter::Node;

/// Inside an `except` clause of the current function: an error path, or a fallback (a list for unhashable values
/// after a set raised `TypeError`) that the suggested set cannot replace.
pub(super) fn in_except_clause(node: Node) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        match n.kind() {
            "except_clause" | "except_group_clause" => return true,
            "function_definition" | "lambda" | "class_definition" => return false,
            _ => current = n.parent(),
        }
    }
    false
}

/// The source of the outermost loop around the node being visited, in the current function.
fn outermost_loop_text<'s>(w: &Walker<'s, '_>) -> Option<&'s str> {
    let range = w.frames.last()?.loops.first()?.clone();
    w.source.get(range)
}

/// `target` (a name or attribute chain, as written) grows inside the enclosing loops: `target.append(`,
/// `.extend(`, `.insert(` or `target +=` appears in the outermost loop.
pub(super) fn grows_in_loop(w: &Walker, target: &str) -> bool {
    let Some(text) = outermost_loop_text(w) else { return false };
    ["append(", "extend(", "insert("].iter().any(|method| text.contains(&format!("{target}.{method}"))) || text.contains(&format!("{target} +="))
}

/// `name` is assigned somewhere in the outermost enclosing loop (`name = ...`, `name += ...`, `for name in`), also
/// after the node being visited: its value may differ between iterations.
pub(super) fn rebound_in_loop(w: &Walker, name: &str) -> bool {
    let Some(text) = outermost_loop_text(w) else { return false };
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(name).any(|(at, _)| {
        if text[..at].chars().next_back().is_some_and(|c| is_name(c) || c == '.') {
            return false;
        }
        let rest = &text[at + name.len()..];
        if rest.chars().next().is_some_and(is_name) {
            return false;
        }
        let rest = rest.trim_start_matches([' ', '\t']);
        let assigned = rest.starts_with('=') && !rest.starts_with("==");
        let augmented = ["+=", "-=", "*=", "/=", "|=", "&="].iter().any(|op| rest.starts_with(op));
        let loop_target = text[..at].trim_end().ends_with("for") && rest.starts_with("in ");
        assigned || augmented || loop_target
    })
}

/// `target` grows or shrinks inside the enclosing loops (`grows_in_loop`, or `.clear()`, `.pop`, `.remove`,
/// `.popleft`, `.appendleft`, `.add`, `.update`, `.discard` on it): different data from one iteration to the next.
pub(super) fn mutated_in_loop(w: &Walker, target: &str) -> bool {
    const MUTATORS: &[&str] = &["clear(", "pop(", "popleft(", "remove(", "appendleft(", "add(", "update(", "discard(", "sort(", "reverse("];
    grows_in_loop(w, target) || outermost_loop_text(w).is_some_and(|text| MUTATORS.iter().any(|m| text.contains(&format!("{target}.{m}"))))
}

/// An attribute chain of plain names (`self.items`, `registry.names`): no calls or subscripts in it.
pub(super) fn is_plain_chain(w: &Walker, node: Node) -> bool {
    match w.tag(node) {
        Tag::Identifier => true,
        Tag::Attribute => w.grammar.child(node, w.grammar.fields.object).is_some_and(|o| is_plain_chain(w, o)),
        _ => false,
    }
}

fn chain_root<'s>(w: &Walker<'s, '_>, node: Node) -> Option<&'s str> {
    match w.tag(node) {
        Tag::Identifier => Some(w.text(node)),
        Tag::Attribute => chain_root(w, w.grammar.child(node, w.grammar.fields.object)?),
        _ => None,
    }
}

/// The same data on every iteration: a plain name or attribute chain whose root is a parameter, a module-level name,
/// or a name that appears in the function before its outermost loop. A loop's own item (`for li in lists:
/// li.sort()`), something bound fresh in each iteration or an expression built per item is different data each time.
pub(super) fn same_data_each_iteration(w: &Walker, node: Node) -> bool {
    if !is_plain_chain(w, node) {
        return false;
    }
    let Some(root) = chain_root(w, node) else { return false };
    if is_enclosing_loop_item(w, node, root) {
        return false;
    }
    let Some(frame) = w.frames.last() else { return false };
    if frame.is_param(root) {
        return true;
    }
    let Some(loop_start) = frame.loops.first().map(|r| r.start) else { return false };
    let Some(function_start) = w.function_start() else { return false };
    let before = w.source.get(function_start..loop_start).unwrap_or("");
    if mentions_word(before, root) {
        return true;
    }
    !frame.locals.contains(root) && w.frames.first().is_some_and(|m| m.values.contains_key(root))
}

/// `name` is the item (or part of the item) of a loop around `node`.
fn is_enclosing_loop_item(w: &Walker, node: Node, name: &str) -> bool {
    let mut current = node.parent();
    while let Some(n) = current {
        match w.tag(n) {
            Tag::FunctionDefinition | Tag::ClassDefinition => return false,
            Tag::ForStatement | Tag::ForInClause => {
                if w.grammar.child(n, w.grammar.fields.left).is_some_and(|target| identifiers(w, target).contains(&name)) {
                    return true;
                }
            }
            Tag::ListComprehension | Tag::SetComprehension | Tag::DictionaryComprehension | Tag::GeneratorExpression => {
                let mut cursor = n.walk();
                let mut clauses = n.named_children(&mut cursor).filter(|c| w.tag(*c) == Tag::ForInClause);
                if clauses.any(|c| w.grammar.child(c, w.grammar.fields.left).is_some_and(|target| identifiers(w, target).contains(&name))) {
                    return true;
                }
            }
            _ => {}
        }
        current = n.parent();
    }
    false
}

fn mentions_word(text: &str, word: &str) -> bool {
    let is_name = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        before.is_none_or(|c| !is_name(c) && c != '.') && after.is_none_or(|c| !is_name(c))
    })
}

/// A recursive call that passes an item of an enclosing loop over something other than `range(...)`
/// (`for child in node.children: self.walk(child)`): a descent into parts, which never meets the same
/// arguments twice.
pub(super) fn descends_into_loop_item(w: &Walker, call: Node, arguments: &[Node]) -> bool {
    let mut current = call.parent();
    while let Some(n) = current {
        match w.tag(n) {
            Tag::FunctionDefinition | Tag::ClassDefinition => return false,
            Tag::ForStatement if passes_item_of(w, n, arguments) => return true,
            Tag::ListComprehension | Tag::SetComprehension | Tag::DictionaryComprehension | Tag::GeneratorExpression => {
                let mut cursor = n.walk();
                let clauses: Vec<Node> = n.named_children(&mut cursor).filter(|c| w.tag(*c) == Tag::ForInClause).collect();
                if clauses.into_iter().any(|clause| passes_item_of(w, clause, arguments)) {
                    return true;
                }
            }
            _ => {}
        }
        current = n.parent();
    }
    false
}

/// One of `arguments` reads the target of `looping` (a `for` statement or clause) that does not iterate a `range`.
fn passes_item_of(w: &Walker, looping: Node, arguments: &[Node]) -> bool {
    let fields = &w.grammar.fields;
    let iterable = w.grammar.child(looping, fields.right);
    let Some(target) = w.grammar.child(looping, fields.left).filter(|_| !iterable.is_some_and(|i| is_range_call(w, i))) else { return false };
    let items = identifiers(w, target);
    arguments.iter().any(|a| mentions(w, *a, &items))
}

/// `range(...)`.
pub(super) fn is_range_call(w: &Walker, node: Node) -> bool {
    w.tag(node) == Tag::Call && w.grammar.child(node, w.grammar.fields.function).is_some_and(|f| w.text(f) == "range")
}

/// The identifiers in a small expression or target (bounded: arguments and targets are short).
pub(super) fn identifiers<'s>(w: &Walker<'s, '_>, node: Node) -> Vec<&'s str> {
    const MAX_NODES: usize = 64;
    let mut names = Vec::new();
    let mut stack = vec![node];
    let mut seen = 0;
    while let Some(n) = stack.pop() {
        seen += 1;
        if seen > MAX_NODES {
            break;
        }
        if w.tag(n) == Tag::Identifier {
            names.push(w.text(n));
            continue;
        }
        // `a.key`: only the object side names a variable.
        if w.tag(n) == Tag::Attribute {
            if let Some(object) = w.grammar.child(n, w.grammar.fields.object) {
                stack.push(object);
            }
            continue;
        }
        let mut cursor = n.walk();
        stack.extend(n.named_children(&mut cursor));
    }
    names
}

/// `node` reads one of `names`.
pub(super) fn mentions(w: &Walker, node: Node, names: &[&str]) -> bool {
    !names.is_empty() && identifiers(w, node).iter().any(|n| names.contains(n))
}
