//! Rust syntax for consolidation: top-level items (attributes attached), `use` declarations, the
//! paths a piece uses (`crate::util::distance`, `geometry::Point::new`, aliases), and visibility
//! that stops meaning anything once every item lives in one file (`pub(super)`).

use std::ops::Range;

use tree_sitter::Node;

use super::{ImportStatement, PieceKind, RefSite, Unit};
use crate::analysis::ModuleRef;

/// Top-level items, each with the attributes (`#[derive]`, `#[inline]`) right above it.
pub(super) fn units(root: Node, source: &str) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut attributes_start: Option<usize> = None;
    let mut cursor = root.walk();
    for node in root.named_children(&mut cursor) {
        match node.kind() {
            "attribute_item" => {
                attributes_start.get_or_insert(node.start_byte());
                continue;
            }
            "line_comment" | "block_comment" => continue,
            _ => {}
        }
        let start = attributes_start.take().unwrap_or(node.start_byte());
        let name = |field: &str| node.child_by_field_name(field).map(|n| source[n.byte_range()].to_string());
        let (kind, name, impl_type) = match node.kind() {
            "function_item" => (PieceKind::Function, name("name"), None),
            "struct_item" | "enum_item" | "union_item" | "trait_item" | "type_item" => (PieceKind::Class, name("name"), None),
            "const_item" | "static_item" => (PieceKind::Constant, name("name"), None),
            "impl_item" => (PieceKind::Impl, None, node.child_by_field_name("type").and_then(|t| type_name(t, source))),
            _ => (PieceKind::Other, name("name"), None),
        };
        out.push(Unit { range: start..node.end_byte(), kind, name, impl_type });
    }
    out
}

/// `Point`, `Grid<T>`, `crate::geometry::Point` → the last plain segment.
fn type_name(node: Node, source: &str) -> Option<String> {
    match node.kind() {
        "type_identifier" | "identifier" => Some(source[node.byte_range()].to_string()),
        "generic_type" => type_name(node.child_by_field_name("type")?, source),
        "scoped_type_identifier" => type_name(node.child_by_field_name("name")?, source),
        _ => None,
    }
}

/// Top-level `use` declarations and `extern crate`s; `mod name;` declarations are dropped since
/// their items become pieces or are not needed.
pub(super) fn imports(root: Node, source: &str) -> Vec<ImportStatement> {
    let mut out = Vec::new();
    let mut cursor = root.walk();
    for node in root.named_children(&mut cursor) {
        match node.kind() {
            "use_declaration" => {
                let Some(argument) = node.child_by_field_name("argument") else { continue };
                let text = &source[argument.byte_range()];
                let first: String = text.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                out.push(ImportStatement { text: source[node.byte_range()].to_string(), modules: vec![ModuleRef::Rust { path: vec![first] }], first: false });
            }
            "extern_crate_declaration" => out.push(ImportStatement { text: source[node.byte_range()].to_string(), modules: Vec::new(), first: true }),
            _ => {}
        }
    }
    out
}

pub(super) fn import_insert_point(root: Node) -> Option<usize> {
    let mut cursor = root.walk();
    root.named_children(&mut cursor).filter(|n| n.kind() == "use_declaration").map(|n| n.end_byte()).last()
}

/// Paths and plain names used inside `range` that may name a project item.
pub(super) fn reference_sites(root: Node, range: Range<usize>, source: &str) -> Vec<RefSite> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.end_byte() <= range.start || node.start_byte() >= range.end {
            continue;
        }
        match node.kind() {
            "use_declaration"
            | "visibility_modifier"
            | "attribute_item"
            | "inner_attribute_item"
            | "macro_definition"
            | "lifetime"
            | "label"
            | "line_comment"
            | "block_comment"
            | "string_literal"
            | "raw_string_literal"
            | "mod_item" => continue,
            "scoped_identifier" | "scoped_type_identifier" => {
                if let Some(site) = path_chain(node, source) {
                    out.push(site);
                    continue;
                }
            }
            "identifier" | "type_identifier" => {
                if is_reference(node) {
                    out.push(RefSite { start: node.start_byte(), segments: vec![source[node.byte_range()].to_string()], prefix_ends: vec![node.end_byte()] });
                }
                continue;
            }
            "token_tree" => {
                out.extend(token_tree_chains(node, source));
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor).filter(|c| c.kind() == "token_tree"));
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

/// `a::b::c` over plain segments; `None` through generics or `<T as Trait>`.
fn path_chain(node: Node, source: &str) -> Option<RefSite> {
    let mut segments = Vec::new();
    let mut ends = Vec::new();
    let mut current = node;
    loop {
        match current.kind() {
            "scoped_identifier" | "scoped_type_identifier" => {
                let name = current.child_by_field_name("name")?;
                segments.push(source[name.byte_range()].to_string());
                ends.push(current.end_byte());
                current = current.child_by_field_name("path")?;
            }
            "identifier" | "type_identifier" | "crate" | "self" | "super" => {
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

/// Macro arguments are token trees, not expressions: `a::b` appears as `a`, `::`, `b` tokens.
fn token_tree_chains(tree: Node, source: &str) -> Vec<RefSite> {
    let mut cursor = tree.walk();
    let tokens: Vec<Node> = tree.children(&mut cursor).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < tokens.len() {
        let token = tokens[i];
        let starts_path = matches!(token.kind(), "identifier" | "crate" | "self" | "super");
        let after_dot = i > 0 && matches!(tokens[i - 1].kind(), "." | "::");
        if !starts_path || after_dot {
            i += 1;
            continue;
        }
        let mut site = RefSite { start: token.start_byte(), segments: vec![source[token.byte_range()].to_string()], prefix_ends: vec![token.end_byte()] };
        i += 1;
        while i + 1 < tokens.len() && tokens[i].kind() == "::" && tokens[i + 1].kind() == "identifier" {
            site.segments.push(source[tokens[i + 1].byte_range()].to_string());
            site.prefix_ends.push(tokens[i + 1].end_byte());
            i += 2;
        }
        out.push(site);
    }
    out
}

fn is_reference(node: Node) -> bool {
    let Some(parent) = node.parent() else { return true };
    let is_name = parent.child_by_field_name("name").is_some_and(|n| n.id() == node.id());
    match parent.kind() {
        "function_item" | "struct_item" | "enum_item" | "union_item" | "trait_item" | "type_item" | "const_item" | "static_item" if is_name => {
            parent.parent().is_some_and(|p| p.kind() == "source_file")
        }
        "function_signature_item" | "enum_variant" | "field_declaration" | "type_parameter" => !is_name,
        _ => true,
    }
}

/// `pub(super)` / `pub(in path)` inside `range`: meaningless (or an error) at the root of one
/// file, so they become `pub(crate)`.
pub(super) fn visibility_fixups(root: Node, range: Range<usize>, source: &str) -> Vec<(Range<usize>, String)> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        if node.end_byte() <= range.start || node.start_byte() >= range.end {
            continue;
        }
        if node.kind() == "visibility_modifier" {
            let text = source[node.byte_range()].split_whitespace().collect::<String>();
            if text.starts_with("pub(super") || text.starts_with("pub(in") {
                out.push((node.byte_range(), "pub(crate)".to_string()));
            }
            continue;
        }
        let mut cursor = node.walk();
        stack.extend(node.children(&mut cursor));
    }
    out
}
