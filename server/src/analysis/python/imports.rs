//! Python import statements turned into bindings, plus module naming and relative-import resolution.

use super::grammar::{Grammar, Tag};
use crate::analysis::{ImportBinding, ModuleRef};
use std::path::{Component, Path};
use tree_sitter::Node;

/// The bindings an `import ...` / `from ... import ...` statement introduces, in source order.
/// Broken statements yield whatever names could be read.
pub(super) fn bindings(statement: Node, source: &str) -> Vec<ImportBinding> {
    let grammar = Grammar::get();
    let fields = &grammar.fields;
    let range = statement.byte_range();
    let mut out = Vec::new();
    match grammar.tag(statement) {
        Tag::ImportStatement => {
            for name in grammar.children_in(statement, fields.name) {
                match grammar.tag(name) {
                    // `import a.b` binds `a`, the top-level package.
                    Tag::DottedName => {
                        let path = dotted_segments(name, source);
                        if let Some(first) = path.first() {
                            out.push(ImportBinding {
                                local_name: first.clone(),
                                module: ModuleRef::Python { level: 0, path: vec![first.clone()] },
                                item: None,
                                range: range.clone(),
                            });
                        }
                    }
                    // `import a.b as c` binds `c` to the module `a.b` itself.
                    Tag::AliasedImport => {
                        let path = grammar.child(name, fields.name).map(|n| dotted_segments(n, source)).unwrap_or_default();
                        let alias = grammar.child(name, fields.alias).map(|n| text(n, source));
                        if let (false, Some(alias)) = (path.is_empty(), alias) {
                            out.push(ImportBinding {
                                local_name: alias.to_string(),
                                module: ModuleRef::Python { level: 0, path },
                                item: None,
                                range: range.clone(),
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        Tag::ImportFromStatement => {
            let Some(module_node) = grammar.child(statement, fields.module_name) else {
                return out;
            };
            let module = if grammar.tag(module_node) == Tag::DottedName {
                ModuleRef::Python { level: 0, path: dotted_segments(module_node, source) }
            } else {
                relative_module(module_node, source)
            };
            for name in grammar.children_in(statement, fields.name) {
                let (item, local) = match grammar.tag(name) {
                    Tag::DottedName => {
                        let item = text(name, source).to_string();
                        (item.clone(), item)
                    }
                    Tag::AliasedImport => {
                        let item = grammar.child(name, fields.name).map(|n| text(n, source)).unwrap_or("");
                        let alias = grammar.child(name, fields.alias).map(|n| text(n, source)).unwrap_or("");
                        (item.to_string(), alias.to_string())
                    }
                    _ => continue,
                };
                if item.is_empty() || local.is_empty() {
                    continue;
                }
                out.push(ImportBinding { local_name: local, module: module.clone(), item: Some(item), range: range.clone() });
            }
            let mut cursor = statement.walk();
            if statement.children(&mut cursor).any(|child| child.kind() == "wildcard_import") {
                out.push(ImportBinding { local_name: "*".to_string(), module, item: Some("*".to_string()), range });
            }
        }
        _ => {}
    }
    out
}

/// `..pkg.sub` as `level: 2, path: ["pkg", "sub"]`.
fn relative_module(node: Node, source: &str) -> ModuleRef {
    let grammar = Grammar::get();
    let mut level = 0;
    let mut path = Vec::new();
    let mut cursor = node.walk();
    for child in node.children(&mut cursor) {
        if grammar.tag(child) == Tag::DottedName {
            path = dotted_segments(child, source);
        } else if child.kind() == "import_prefix" {
            level += text(child, source).chars().filter(|c| *c == '.').count();
        }
    }
    ModuleRef::Python { level, path }
}

fn dotted_segments(node: Node, source: &str) -> Vec<String> {
    text(node, source).split('.').map(|segment| segment.trim().to_string()).filter(|segment| !segment.is_empty()).collect()
}

fn text<'s>(node: Node, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

/// See [`super::module_name`].
pub(super) fn module_name(relative_path: &Path) -> Option<Vec<String>> {
    let mut segments = Vec::new();
    for component in relative_path.components() {
        match component {
            Component::Normal(part) => segments.push(part.to_str()?.to_string()),
            Component::CurDir => {}
            Component::ParentDir | Component::RootDir | Component::Prefix(_) => return None,
        }
    }
    let file = segments.pop()?;
    let stem = file.strip_suffix(".py")?;
    if stem != "__init__" {
        segments.push(stem.to_string());
    }
    if segments.is_empty() || segments.iter().any(|s| s.is_empty()) {
        return None;
    }
    Some(segments)
}

/// See [`super::resolve_module`].
pub(super) fn resolve_module(importer: &[String], importer_is_package: bool, module: &ModuleRef) -> Option<Vec<String>> {
    let ModuleRef::Python { level, path } = module else {
        return None;
    };
    if *level == 0 {
        return (!path.is_empty()).then(|| path.clone());
    }
    // One dot is the package containing the importer: the importer itself for an `__init__`.
    let package_len = if importer_is_package { importer.len() } else { importer.len().checked_sub(1)? };
    let base_len = package_len.checked_sub(level - 1)?;
    let mut resolved: Vec<String> = importer[..base_len].to_vec();
    resolved.extend(path.iter().cloned());
    (!resolved.is_empty()).then_some(resolved)
}
