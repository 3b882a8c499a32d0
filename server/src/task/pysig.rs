//! What the harness needs to know about a Python function: its parameters, annotations and docstring,
//! and the module path the file is imported under.

use std::path::{Path, PathBuf};

use crate::analysis::Language;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamKind {
    Positional,
    KeywordOnly,
    VarArgs,
    VarKeywords,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Param {
    pub name: String,
    pub annotation: Option<String>,
    pub has_default: bool,
    pub kind: ParamKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PySignature {
    /// Parameters without `self`/`cls` of methods.
    pub params: Vec<Param>,
    pub docstring: Option<String>,
    /// Defined inside a class, without `@staticmethod`/`@classmethod`.
    pub is_method: bool,
}

/// Finds `f`, `Class.method` or `outer.inner` in `source` and reads its signature.
pub fn find_signature(source: &str, qualified: &str) -> Option<PySignature> {
    let tree = Language::Python.parse(source, None)?;
    let mut scope = tree.root_node();
    let segments: Vec<&str> = qualified.split('.').collect();
    let mut in_class = false;
    for (i, segment) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let (node, decorators) = find_child_definition(scope, source, segment, last)?;
        if last {
            let decorated_static = decorators.iter().any(|d| d.contains("staticmethod") || d.contains("classmethod"));
            return Some(read_signature(node, source, in_class && !decorated_static, in_class));
        }
        in_class = node.kind() == "class_definition";
        scope = node.child_by_field_name("body")?;
    }
    None
}

fn find_child_definition<'t>(scope: tree_sitter::Node<'t>, source: &str, name: &str, want_function: bool) -> Option<(tree_sitter::Node<'t>, Vec<String>)> {
    let mut cursor = scope.walk();
    for child in scope.named_children(&mut cursor) {
        let (definition, decorators) = if child.kind() == "decorated_definition" {
            let mut c = child.walk();
            let decorators = child.named_children(&mut c).filter(|n| n.kind() == "decorator").map(|n| text(n, source).to_string()).collect();
            (child.child_by_field_name("definition")?, decorators)
        } else {
            (child, Vec::new())
        };
        let kind_ok = match definition.kind() {
            "function_definition" => true,
            "class_definition" => !want_function,
            _ => false,
        };
        if kind_ok && definition.child_by_field_name("name").is_some_and(|n| text(n, source) == name) {
            return Some((definition, decorators));
        }
    }
    None
}

fn text<'s>(node: tree_sitter::Node, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

fn read_signature(function: tree_sitter::Node, source: &str, is_method: bool, in_class: bool) -> PySignature {
    let mut params = Vec::new();
    let mut keyword_only = false;
    if let Some(list) = function.child_by_field_name("parameters") {
        let mut cursor = list.walk();
        for node in list.named_children(&mut cursor) {
            let (mut name, annotation, has_default) = match node.kind() {
                "identifier" => (text(node, source).to_string(), None, false),
                "typed_parameter" => {
                    let inner = node.named_child(0);
                    let annotation = node.child_by_field_name("type").map(|t| text(t, source).to_string());
                    (inner.map(|n| text(n, source).to_string()).unwrap_or_default(), annotation, false)
                }
                "default_parameter" | "typed_default_parameter" => {
                    let name = node.child_by_field_name("name").map(|n| text(n, source).to_string());
                    let annotation = node.child_by_field_name("type").map(|t| text(t, source).to_string());
                    (name.unwrap_or_default(), annotation, true)
                }
                "list_splat_pattern" | "dictionary_splat_pattern" => (text(node, source).to_string(), None, false),
                "keyword_separator" => {
                    keyword_only = true;
                    continue;
                }
                _ => continue,
            };
            let kind = if name.starts_with("**") {
                ParamKind::VarKeywords
            } else if name.starts_with('*') {
                keyword_only = true;
                ParamKind::VarArgs
            } else if keyword_only {
                ParamKind::KeywordOnly
            } else {
                ParamKind::Positional
            };
            name = name.trim_start_matches('*').to_string();
            params.push(Param { name, annotation, has_default, kind });
        }
    }
    if in_class && !params.is_empty() && (is_method || params[0].name == "cls") && params[0].annotation.is_none() {
        params.remove(0);
    }
    PySignature { params, docstring: docstring(function, source), is_method }
}

fn docstring(function: tree_sitter::Node, source: &str) -> Option<String> {
    let body = function.child_by_field_name("body")?;
    let first = body.named_child(0)?;
    if first.kind() != "expression_statement" {
        return None;
    }
    let string = first.named_child(0).filter(|n| n.kind() == "string")?;
    let raw = text(string, source);
    let unprefixed = raw.trim_start_matches(|c: char| c.is_ascii_alphabetic());
    for quote in ["\"\"\"", "'''", "\"", "'"] {
        if let Some(inner) = unprefixed.strip_prefix(quote).and_then(|s| s.strip_suffix(quote)) {
            return Some(inner.to_string());
        }
    }
    None
}

/// The folder that must be on `sys.path` for the file to import under its package, and the dotted module name.
/// Walks up while folders have `__init__.py`. `pkg/sub/mod.py` with both packages gives (`<root>`, `pkg.sub.mod`).
pub fn module_path(file: &Path) -> (PathBuf, String) {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("module").to_string();
    let mut parts = vec![stem];
    let mut dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
    while dir.join("__init__.py").is_file() {
        let Some(name) = dir.file_name().and_then(|n| n.to_str()) else { break };
        parts.push(name.to_string());
        let Some(parent) = dir.parent() else { break };
        dir = parent.to_path_buf();
    }
    parts.reverse();
    (dir, parts.join("."))
}
