//! The catalogue of deterministic source rewrites and the tree-sitter plumbing they share.
//!
//! A rewrite takes the whole file and the qualified name of the target function (or `None` for "any function")
//! and returns the rewritten file, or `None` when its pattern does not occur. Every result is re-parsed and
//! rejected if tree-sitter reports an error, so a rewrite never hands the engine code that does not parse.

pub mod python;
pub mod rust;

use std::ops::Range;

use tree_sitter::Node;

use crate::analysis::Language;

/// One entry of the catalogue. `id` matches the doc `rules/rewrites/<id>.md`.
pub struct Rewrite {
    pub id: &'static str,
    pub language: Language,
    /// One line, used as the plan of the candidate.
    pub summary: &'static str,
    pub apply: fn(&str, Option<&str>) -> Option<String>,
}

/// Every rewrite that applies to `language`, in the order the proposer tries them (likely big wins first).
pub fn catalogue(language: Language) -> Vec<&'static Rewrite> {
    let all: [&[Rewrite]; 2] = [python::REWRITES, rust::REWRITES];
    all.iter().flat_map(|list| list.iter()).filter(|rewrite| rewrite.language == language).collect()
}

/// The rewrites of the offline engine that change the function at `range` of `source`: what the `rules` proposer
/// will try before anything else, so a lens can promise an offline candidate only where there is one. Runs on the
/// function's own text (dedented) plus the module's top-level constant lists it mentions, so it stays cheap on large
/// files (a few small parses per flagged function).
pub fn offline_rewrites(language: Language, source: &str, range: Range<usize>) -> Vec<&'static str> {
    let Some(snippet) = function_snippet(language, source, range) else { return Vec::new() };
    catalogue(language).into_iter().filter(|rewrite| (rewrite.apply)(&snippet, None).is_some()).map(|rewrite| rewrite.id).collect()
}

fn function_snippet(language: Language, source: &str, range: Range<usize>) -> Option<String> {
    let start = source[..range.start.min(source.len())].rfind('\n').map_or(0, |i| i + 1);
    let text = source.get(start..range.end.min(source.len()))?;
    let indent = &text[..text.len() - text.trim_start().len()];
    let mut snippet = String::with_capacity(text.len() + 64);
    if language == Language::Python {
        for constant in top_level_constants(source) {
            let name = constant.split_whitespace().next().unwrap_or_default();
            if text.contains(name) {
                snippet.push_str(constant);
                snippet.push('\n');
            }
        }
    }
    for line in text.lines() {
        snippet.push_str(line.strip_prefix(indent).unwrap_or(line.trim_start()));
        snippet.push('\n');
    }
    Some(snippet)
}

/// Top-level `NAME = [ ... ]` / `NAME = ( ... )` statements of a Python file, by text (brackets balanced).
fn top_level_constants(source: &str) -> Vec<&str> {
    let mut found = Vec::new();
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        let here = offset;
        offset += line.len();
        let Some((name, value)) = line.split_once(" = ") else { continue };
        let is_constant =
            name.chars().next().is_some_and(|c| c.is_ascii_uppercase()) && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !is_constant || !(value.starts_with('[') || value.starts_with('(')) {
            continue;
        }
        let mut depth = 0i32;
        for (index, c) in source[here..].char_indices() {
            match c {
                '[' | '(' | '{' => depth += 1,
                ']' | ')' | '}' => {
                    depth -= 1;
                    if depth == 0 {
                        found.push(&source[here..here + index + 1]);
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    found
}

/// A replacement of `range` by `text`; an empty range is an insertion.
#[derive(Debug, Clone)]
pub(crate) struct Edit {
    pub range: Range<usize>,
    pub text: String,
}

impl Edit {
    pub fn replace(range: Range<usize>, text: impl Into<String>) -> Edit {
        Edit { range, text: text.into() }
    }

    pub fn insert(at: usize, text: impl Into<String>) -> Edit {
        Edit { range: at..at, text: text.into() }
    }
}

/// Applies non-overlapping edits; insertions at the same offset keep the order they were given in.
pub(crate) fn apply_edits(source: &str, edits: &[Edit]) -> Option<String> {
    let mut ordered: Vec<(usize, &Edit)> = edits.iter().enumerate().collect();
    ordered.sort_by_key(|(index, edit)| (edit.range.start, edit.range.end, *index));
    let mut out = String::with_capacity(source.len() + 256);
    let mut cursor = 0;
    for (_, edit) in ordered {
        if edit.range.start < cursor || edit.range.end > source.len() {
            return None;
        }
        out.push_str(&source[cursor..edit.range.start]);
        out.push_str(&edit.text);
        cursor = edit.range.end;
    }
    out.push_str(&source[cursor..]);
    Some(out)
}

/// Applies `edits` and keeps the result only if it differs and still parses cleanly.
pub(crate) fn finish(language: Language, source: &str, edits: &[Edit]) -> Option<String> {
    if edits.is_empty() {
        return None;
    }
    let rewritten = apply_edits(source, edits)?;
    if rewritten == source || !parses_cleanly(language, &rewritten) {
        return None;
    }
    Some(rewritten)
}

pub fn parses_cleanly(language: Language, source: &str) -> bool {
    language.parse(source, None).is_some_and(|tree| !tree.root_node().has_error())
}

pub(crate) fn text<'s>(node: Node, source: &'s str) -> &'s str {
    &source[node.byte_range()]
}

/// All nodes below `node` (itself included), in document order.
pub(crate) fn descendants(node: Node) -> Vec<Node> {
    let mut out = Vec::new();
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        out.push(current);
        let mut cursor = current.walk();
        let children: Vec<Node> = current.children(&mut cursor).collect();
        stack.extend(children.into_iter().rev());
    }
    out
}

/// The whitespace between the start of `byte`'s line and `byte`.
pub(crate) fn indent_at(source: &str, byte: usize) -> &str {
    let line_start = source[..byte].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &source[line_start..byte];
    let width = prefix.len() - prefix.trim_start().len();
    &prefix[..width]
}

/// True when `ancestor` contains `node` (or is it).
pub(crate) fn contains(ancestor: Node, node: Node) -> bool {
    ancestor.start_byte() <= node.start_byte() && node.end_byte() <= ancestor.end_byte()
}

/// A fresh identifier based on `base` that does not occur anywhere in `source`.
pub(crate) fn fresh_name(source: &str, base: &str) -> String {
    if !source.contains(base) {
        return base.to_string();
    }
    (2..).map(|n| format!("{base}_{n}")).find(|name| !source.contains(name.as_str())).unwrap_or_default()
}

/// A function definition with the name path that qualifies it.
pub(crate) struct FunctionNode<'t> {
    pub qualified_name: String,
    pub name: String,
    pub node: Node<'t>,
}

/// Functions of `root` whose qualified (or, failing that, simple) name is `wanted`; all of them when `wanted` is
/// `None`. `function_kind` is the definition node kind, `container_name` names the enclosing scopes.
pub(crate) fn target_functions<'t>(
    root: Node<'t>,
    source: &str,
    wanted: Option<&str>,
    function_kind: &str,
    separator: &str,
    container_name: fn(Node, &str) -> Option<String>,
) -> Vec<FunctionNode<'t>> {
    let mut found = Vec::new();
    for node in descendants(root) {
        if node.kind() != function_kind {
            continue;
        }
        let Some(name_node) = node.child_by_field_name("name") else { continue };
        let name = text(name_node, source).to_string();
        let mut path = vec![name.clone()];
        let mut parent = node.parent();
        while let Some(scope) = parent {
            if let Some(scope_name) = container_name(scope, source) {
                path.push(scope_name);
            }
            parent = scope.parent();
        }
        path.reverse();
        found.push(FunctionNode { qualified_name: path.join(separator), name, node });
    }
    match wanted {
        None => found,
        Some(wanted) => {
            if found.iter().any(|f| f.qualified_name == wanted) {
                found.into_iter().filter(|f| f.qualified_name == wanted).collect()
            } else {
                let simple = wanted.rsplit(['.', ':']).next().unwrap_or(wanted);
                found.into_iter().filter(|f| f.name == simple).collect()
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_position_order_and_reject_overlaps() {
        let edits = [Edit::replace(4..5, "X"), Edit::insert(0, "a"), Edit::insert(0, "b")];
        assert_eq!(apply_edits("0123456", &edits).as_deref(), Some("ab0123X56"));
        assert_eq!(apply_edits("0123", &[Edit::replace(0..3, ""), Edit::replace(1..2, "")]), None);
    }

    #[test]
    fn offline_rewrites_name_what_applies_to_one_function_of_a_file() {
        let source = "SKUS = [\n    'a', 'b',\n]\n\n\nclass Shop:\n    def keep(self, xs):\n        return [x for x in xs if x not in SKUS]\n\n    def plain(self, xs):\n        return xs\n";
        let keep = source.find("def keep").unwrap();
        let end = source.find("\n\n    def plain").unwrap();
        assert_eq!(offline_rewrites(Language::Python, source, keep..end), vec!["python-constant-frozenset"]);
        let plain = source.find("def plain").unwrap();
        assert!(offline_rewrites(Language::Python, source, plain..source.len()).is_empty());
    }

    #[test]
    fn fresh_names_avoid_every_existing_spelling() {
        assert_eq!(fresh_name("x = 1", "_seen"), "_seen");
        assert_eq!(fresh_name("_seen = _seen_2", "_seen"), "_seen_3");
    }

    #[test]
    fn every_rewrite_has_a_doc_with_a_before_and_after_example() {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/rewrites");
        for rewrite in catalogue(Language::Python).into_iter().chain(catalogue(Language::Rust)) {
            let doc = std::fs::read_to_string(docs.join(format!("{}.md", rewrite.id))).unwrap_or_else(|e| panic!("rules/rewrites/{}.md: {e}", rewrite.id));
            assert!(doc.contains("## Before") && doc.contains("## After"), "{}", rewrite.id);
        }
    }

    #[test]
    fn catalogue_is_split_by_language_and_ids_are_unique() {
        let python = catalogue(Language::Python);
        let rust = catalogue(Language::Rust);
        assert!(python.len() >= 6 && rust.len() >= 2);
        let mut ids: Vec<&str> = python.iter().chain(rust.iter()).map(|r| r.id).collect();
        let count = ids.len();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), count);
    }
}
