//! Re-analysis of the one definition an edit falls in: finding that definition in the new tree
//! and walking it with the module-level context a whole walk would give it.

use super::scope;
use crate::analysis::{ByteRange, FunctionInfo, ImportBinding, Symbol};
use tree_sitter::{Node, Tree};

/// The results a whole walk gives for one definition.
pub struct UnitAnalysis {
    /// The definition, decorators included, in the new text.
    pub range: ByteRange,
    /// The definition itself first, then the functions nested in it.
    pub functions: Vec<FunctionInfo>,
    pub symbols: Vec<Symbol>,
    pub imports: Vec<ImportBinding>,
}

/// Re-analyses the function that contains the edited bytes `edited` of the new text, when that
/// function is a top-level function or a method of a class (of a class...) at module level and
/// the edit lies after the start of its `def` line (not in its decorators, which run in the
/// enclosing scope). `None` when the edit is anywhere else.
pub fn reanalyze_unit(tree: &Tree, source: &str, edited: ByteRange) -> Option<UnitAnalysis> {
    let unit = enclosing_unit(tree, &edited)?;
    let walk = scope::walk_focused(tree, source, unit);
    let own = walk.functions.first()?;
    if own.range != unit.byte_range() {
        return None;
    }
    Some(UnitAnalysis { range: unit.byte_range(), functions: walk.functions, symbols: walk.symbols, imports: walk.imports })
}

/// The function (with its decoration) whose body or signature strictly contains `edited`,
/// reached from the module through class bodies only.
fn enclosing_unit<'t>(tree: &'t Tree, edited: &ByteRange) -> Option<Node<'t>> {
    let root = tree.root_node();
    if root.kind() != "module" {
        return None;
    }
    let inside = |node: Node| node.start_byte() < edited.start && edited.end <= node.end_byte();
    let mut container = root;
    let mut cursor = root.walk();
    loop {
        let child = container.named_children(&mut cursor).find(|c| c.end_byte() >= edited.end).filter(|c| inside(*c))?;
        let definition = match child.kind() {
            "decorated_definition" => child.child_by_field_name("definition").filter(|d| inside(*d))?,
            _ => child,
        };
        match definition.kind() {
            "function_definition" => return Some(child),
            "class_definition" => container = definition.child_by_field_name("body").filter(|b| inside(*b))?,
            _ => return None,
        }
    }
}
