//! Iterative pre/post-order traversal of a tree-sitter subtree with a `TreeCursor`.
//!
//! Deeply nested code (thousands of levels) must not overflow the stack, and `Node::parent`
//! / `Node::child(i)` are not O(1) in tree-sitter, so every walk in this module goes through one
//! cursor and keeps its own ancestor stack.

use std::num::NonZeroU16;
use tree_sitter::Node;

/// Callbacks for [`walk`]. `leave` is called exactly once for every node `enter` was called on,
/// whether or not its children were visited.
pub(super) trait Visitor<'t> {
    /// `field` is the node's field id in its parent; `ancestors` ends with the parent.
    /// Returns whether to visit the node's children.
    fn enter(&mut self, node: Node<'t>, field: Option<NonZeroU16>, ancestors: &[Node<'t>]) -> bool;
    fn leave(&mut self, node: Node<'t>);
}

/// Visits `root` and its named descendants in source order (punctuation and keywords are skipped).
pub(super) fn walk<'t>(root: Node<'t>, visitor: &mut impl Visitor<'t>) {
    let mut cursor = root.walk();
    let mut ancestors: Vec<Node<'t>> = Vec::new();
    loop {
        let node = cursor.node();
        if node.is_named() {
            let descend = visitor.enter(node, cursor.field_id(), &ancestors);
            if descend && cursor.goto_first_child() {
                ancestors.push(node);
                continue;
            }
            visitor.leave(node);
        }
        loop {
            if cursor.goto_next_sibling() {
                break;
            }
            if !cursor.goto_parent() {
                return;
            }
            match ancestors.pop() {
                Some(parent) => visitor.leave(parent),
                None => return,
            }
        }
    }
}

/// The named children of `node`, through a cursor (linear in the number of children).
pub(super) fn named_children<'t>(node: Node<'t>) -> Vec<Node<'t>> {
    let mut cursor = node.walk();
    node.named_children(&mut cursor).collect()
}

/// The source text of `node`; empty when the range is not valid UTF-8 boundaries.
pub(super) fn text<'s>(node: Node<'_>, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}
