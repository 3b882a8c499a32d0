//! Python syntax for consolidation: top-level units, import statements, and the name chains a piece
//! uses (`t.line`, `norm`, `pkg.consts.OFFSET`) that may need rewriting once pieces share one file.

use std::ops::Range;

use tree_sitter::Node;

use super::{ImportStatement, PieceKind, RefSite, Unit};
use crate::analysis::ModuleRef;

/// The module's top-level statements, each a unit a piece can be made of.
pub(super) fn units(root: Node, source: &str) -> Vec<Unit> {
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .map(|node| {
            let definition = if node.kind() == "decorated_definition" { node.child_by_field_name("definition").unwrap_or(node) } else { node };
            let (kind, name) = match definition.kind() {
                "function_definition" => (PieceKind::Function, field_text(definition, "name", source)),
                "class_definition" => (PieceKind::Class, field_text(definition, "name", source)),
                "expression_statement" => (PieceKind::Constant, assigned_name(definition, source)),
                _ => (PieceKind::Other, None),
            };
            Unit { range: node.byte_range(), kind, name, impl_type: None }
        })
        .collect()
}

fn field_text(node: Node, field: &str, source: &str) -> Option<String> {
    node.child_by_field_name(field).map(|n| source[n.byte_range()].to_string())
}

/// `NAME = ...` / `NAME: T = ...` binds NAME.
fn assigned_name(statement: Node, source: &str) -> Option<String> {
    let assignment = statement.named_child(0).filter(|n| n.kind() == "assignment")?;
    let left = assignment.child_by_field_name("left").filter(|n| n.kind() == "identifier")?;
    Some(source[left.byte_range()].to_string())
}

/// Top-level imports. `import a, os` is split into one statement per name so that the external
/// half survives when the project-local half is dropped.
pub(super) fn imports(root: Node, source: &str) -> Vec<ImportStatement> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    for node in root.named_children(&mut cursor) {
        match node.kind() {
            "future_import_statement" => out.push(ImportStatement { text: source[node.byte_range()].to_string(), modules: Vec::new(), first: true }),
            "import_statement" => {
                let mut names = node.walk();
                for name in node.children_by_field_name("name", &mut names) {
                    let dotted = if name.kind() == "aliased_import" { name.child_by_field_name("name") } else { Some(name) };
                    let Some(dotted) = dotted else { continue };
                    let path = source[dotted.byte_range()].split('.').map(|s| s.trim().to_string()).collect();
                    out.push(ImportStatement {
                        text: format!("import {}", &source[name.byte_range()]),
                        modules: vec![ModuleRef::Python { level: 0, path }],
                        first: false,
                    });
                }
            }
            "import_from_statement" => {
                let Some(module) = node.child_by_field_name("module_name") else { continue };
                let text = &source[module.byte_range()];
                let level = text.chars().take_while(|c| *c == '.').count();
                let path = text[level..].split('.').map(|s| s.trim().to_string()).filter(|s| !s.is_empty()).collect();
                out.push(ImportStatement { text: source[node.byte_range()].to_string(), modules: vec![ModuleRef::Python { level, path }], first: false });
            }
            _ => {}
        }
    }
    out
}

/// Where a new import can be inserted: the end of the last top-level import (or 0).
pub(super) fn import_insert_point(root: Node) -> Option<usize> {
    let mut cursor = root.walk();
    root.named_children(&mut cursor)
        .filter(|n| matches!(n.kind(), "import_statement" | "import_from_statement" | "future_import_statement"))
        .map(|n| n.end_byte())
        .last()
}

/// The name chains used inside `range`: maximal `a.b.c` attribute chains over identifiers, and
/// plain identifiers, excluding attribute names, keyword-argument names, names of nested
/// definitions, and imports.
pub(super) fn reference_sites(root: Node, range: Range<usize>, source: &str) -> Vec<RefSite> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.end_byte() <= range.start || node.start_byte() >= range.end {
            continue;
        }
        match node.kind() {
            "import_statement" | "import_from_statement" | "future_import_statement" | "string_content" | "comment" => continue,
            "attribute" => {
                if let Some(site) = attribute_chain(node, source) {
                    out.push(site);
                    continue;
                }
            }
            "identifier" => {
                if is_reference(node) {
                    out.push(RefSite { start: node.start_byte(), segments: vec![source[node.byte_range()].to_string()], prefix_ends: vec![node.end_byte()] });
                }
                continue;
            }
            _ => {}
        }
        let mut cursor = node.walk();
        let children: Vec<Node> = node.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out.sort_by_key(|s| s.start);
    out
}

/// `a.b.c` where every link is an identifier: segments and the end of each prefix.
fn attribute_chain(node: Node, source: &str) -> Option<RefSite> {
    let mut ends = Vec::new();
    let mut segments = Vec::new();
    let mut current = node;
    loop {
        match current.kind() {
            "attribute" => {
                let attribute = current.child_by_field_name("attribute")?;
                segments.push(source[attribute.byte_range()].to_string());
                ends.push(current.end_byte());
                current = current.child_by_field_name("object")?;
            }
            "identifier" => {
                segments.push(source[current.byte_range()].to_string());
                ends.push(current.end_byte());
                break;
            }
            _ => return None,
        }
    }
    segments.reverse();
    ends.reverse();
    Some(RefSite { start: current.start_byte(), segments, prefix_ends: ends })
}

fn is_reference(node: Node) -> bool {
    let Some(parent) = node.parent() else { return true };
    let is_field = |field: &str| parent.child_by_field_name(field).is_some_and(|n| n.id() == node.id());
    match parent.kind() {
        "attribute" => !is_field("attribute"),
        "keyword_argument" => !is_field("name"),
        // Only top-level definitions are pieces; a method named like a piece is not a reference.
        "function_definition" | "class_definition" if is_field("name") => is_top_level_definition(parent),
        _ => true,
    }
}

fn is_top_level_definition(definition: Node) -> bool {
    let parent = definition.parent();
    let parent = match parent {
        Some(p) if p.kind() == "decorated_definition" => p.parent(),
        other => other,
    };
    parent.is_some_and(|p| p.kind() == "module")
}
