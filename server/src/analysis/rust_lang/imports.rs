//! `use` declarations: expansion of paths, aliases, nested groups and globs into import bindings,
//! plus the `::` path helpers shared with the body analysis.

use super::grammar::{Field, FieldExt};
use super::walk::{named_children, text};
use crate::analysis::{ImportBinding, ModuleRef};
use tree_sitter::Node;

/// The segments of a `scoped_identifier` / `scoped_type_identifier` / plain identifier path:
/// `crate::a::b` gives `["crate", "a", "b"]`. Generic arguments are dropped (`Vec::<u8>::new` gives
/// `["Vec", "new"]`). `None` for paths through `<T as Trait>` or metavariables.
pub(super) fn path_segments(node: Node<'_>, source: &str) -> Option<Vec<String>> {
    let mut reversed = Vec::new();
    let mut current = Some(node);
    while let Some(segment) = current {
        match segment.kind() {
            "scoped_identifier" | "scoped_type_identifier" => {
                reversed.push(text(segment.field(Field::Name)?, source).to_string());
                current = segment.field(Field::Path);
            }
            "generic_type" | "generic_type_with_turbofish" => {
                current = segment.field(Field::Type);
            }
            "identifier" | "type_identifier" | "crate" | "self" | "super" | "primitive_type" => {
                reversed.push(text(segment, source).to_string());
                current = None;
            }
            _ => return None,
        }
    }
    reversed.reverse();
    (!reversed.is_empty() && reversed.iter().all(|s| !s.is_empty())).then_some(reversed)
}

/// Expands one `use_declaration` into the names it binds.
///
/// `use crate::a::f;` binds `f` from module `crate::a`; `use crate::a;` binds `a` from `crate`
/// (whether `a` is a module or an item is for the resolver to decide); `use m::{self}` binds `m`
/// like `use m;`; globs bind `*` with no item; `as _` bindings are skipped (they name nothing).
/// Every binding carries the range of the whole declaration.
pub(super) fn expand_use(declaration: Node<'_>, source: &str) -> Vec<ImportBinding> {
    let mut bindings = Vec::new();
    let Some(argument) = declaration.field(Field::Argument) else {
        return bindings;
    };
    let range = declaration.byte_range();
    // Explicit stack: use groups nest arbitrarily deep in broken or generated code.
    let mut pending: Vec<(Node<'_>, Vec<String>)> = vec![(argument, Vec::new())];
    while let Some((node, prefix)) = pending.pop() {
        match node.kind() {
            "use_list" => {
                for child in named_children(node).into_iter().rev() {
                    pending.push((child, prefix.clone()));
                }
            }
            "scoped_use_list" => {
                let mut full = prefix;
                if let Some(path) = node.field(Field::Path) {
                    match path_segments(path, source) {
                        Some(segments) => full.extend(segments),
                        None => continue,
                    }
                }
                if let Some(list) = node.field(Field::List) {
                    pending.push((list, full));
                }
            }
            "use_wildcard" => {
                let mut module = prefix;
                if let Some(path) = node.named_child(0) {
                    match path_segments(path, source) {
                        Some(segments) => module.extend(segments),
                        None => continue,
                    }
                }
                bindings.push(ImportBinding { local_name: "*".to_string(), module: ModuleRef::Rust { path: module }, item: None, range: range.clone() });
            }
            "use_as_clause" => {
                let (Some(path), Some(alias)) = (node.field(Field::Path), node.field(Field::Alias)) else {
                    continue;
                };
                let alias = text(alias, source);
                if alias == "_" {
                    continue;
                }
                let Some(segments) = path_segments(path, source) else {
                    continue;
                };
                let mut full = prefix;
                full.extend(segments);
                if let Some(binding) = binding_for(full, Some(alias), range.clone()) {
                    bindings.push(binding);
                }
            }
            "scoped_identifier" | "identifier" | "self" | "crate" | "super" => {
                let Some(segments) = path_segments(node, source) else {
                    continue;
                };
                let mut full = prefix;
                full.extend(segments);
                if let Some(binding) = binding_for(full, None, range.clone()) {
                    bindings.push(binding);
                }
            }
            _ => {}
        }
    }
    bindings
}

/// The binding for a fully expanded, non-glob use path (`full`), optionally renamed.
fn binding_for(mut full: Vec<String>, alias: Option<&str>, range: crate::analysis::ByteRange) -> Option<ImportBinding> {
    // `a::b::{self}` imports `a::b` itself.
    if full.len() > 1 && full.last().is_some_and(|s| s == "self") {
        full.pop();
    }
    let item = full.pop()?;
    if matches!(item.as_str(), "self" | "super" | "crate") {
        // `use super;`, `use crate;`, `use self;`: nothing nameable without an alias; with one,
        // the binding is the module itself.
        let local_name = alias?.to_string();
        full.push(item);
        return Some(ImportBinding { local_name, module: ModuleRef::Rust { path: full }, item: None, range });
    }
    let local_name = alias.unwrap_or(&item).to_string();
    if full.is_empty() {
        // `use regex;`: the binding is an external crate (or a module) itself.
        return Some(ImportBinding { local_name, module: ModuleRef::Rust { path: vec![item] }, item: None, range });
    }
    Some(ImportBinding { local_name, module: ModuleRef::Rust { path: full }, item: Some(item), range })
}
