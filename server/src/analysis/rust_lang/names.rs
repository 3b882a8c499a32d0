//! Name-level helpers: the prelude names that never count as dependencies, memoization hints,
//! and reading name uses and self-calls out of macro token trees.

use super::functions::FnScan;
use super::grammar::{Field, FieldExt};
use super::walk::text;
use crate::analysis::ReasonKind;
use tree_sitter::Node;

/// Names in scope in every Rust file (std prelude, primitive types) that are never project dependencies.
pub(super) const PRELUDE: &[&str] = &[
    "Vec",
    "String",
    "Box",
    "Option",
    "Result",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Unpin",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "Iterator",
    "IntoIterator",
    "DoubleEndedIterator",
    "ExactSizeIterator",
    "Extend",
    "FromIterator",
    "ToString",
    "ToOwned",
    "From",
    "Into",
    "TryFrom",
    "TryInto",
    "AsRef",
    "AsMut",
    "PartialEq",
    "Eq",
    "PartialOrd",
    "Ord",
    "drop",
    "i8",
    "i16",
    "i32",
    "i64",
    "i128",
    "isize",
    "u8",
    "u16",
    "u32",
    "u64",
    "u128",
    "usize",
    "f32",
    "f64",
    "bool",
    "char",
    "str",
];

/// A name or attribute suggesting the function caches results (`memo`, `cache`, `#[cached]`, `#[memoize]`).
pub(super) fn mentions_memo(name: &str) -> bool {
    let bytes = name.as_bytes();
    bytes.windows(4).any(|w| w.eq_ignore_ascii_case(b"memo")) || bytes.windows(5).any(|w| w.eq_ignore_ascii_case(b"cache"))
}

/// One token of a macro's token tree, flattened per nesting level.
struct Token<'t> {
    node: Node<'t>,
    kind: &'t str,
}

impl FnScan<'_> {
    /// `format!(..)` in a loop allocates; names and self-calls inside any macro's tokens still count.
    pub(super) fn on_macro(&mut self, node: Node<'_>) {
        let macro_name = node
            .field(Field::Macro)
            .map(|m| match m.kind() {
                "scoped_identifier" => m.field(Field::Name).map(|n| text(n, self.source)).unwrap_or(""),
                _ => text(m, self.source),
            })
            .unwrap_or("");
        if macro_name == "format" && self.in_allocating_loop() && !self.consumed_macros.contains(&node.id()) {
            self.find(ReasonKind::AllocationInLoop, node.byte_range(), "`format!`".to_string());
        }
        let mut cursor = node.walk();
        let mut trees = Vec::new();
        if cursor.goto_first_child() {
            loop {
                if cursor.node().kind() == "token_tree" {
                    trees.push(cursor.node());
                }
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
        }
        while let Some(tree) = trees.pop() {
            let mut tokens = Vec::new();
            cursor.reset(tree);
            if cursor.goto_first_child() {
                loop {
                    let token = cursor.node();
                    if token.kind() == "token_tree" {
                        trees.push(token);
                    }
                    tokens.push(Token { node: token, kind: token.kind() });
                    if !cursor.goto_next_sibling() {
                        break;
                    }
                }
            }
            self.scan_tokens(&tokens);
        }
    }

    /// Reads `a::b::c` paths out of a flat token list: they are uses unless preceded by `.`
    /// (a method or field) or followed by `=`/`:` (a named argument or field label) or `!` (a macro).
    fn scan_tokens(&mut self, tokens: &[Token<'_>]) {
        let is_name = |t: &Token<'_>| matches!(t.kind, "identifier" | "crate" | "super" | "self");
        let mut i = 0;
        while i < tokens.len() {
            if !is_name(&tokens[i]) {
                i += 1;
                continue;
            }
            let start = i;
            let mut path = vec![text(tokens[i].node, self.source).to_string()];
            while i + 2 < tokens.len() && tokens[i + 1].kind == "::" && is_name(&tokens[i + 2]) {
                path.push(text(tokens[i + 2].node, self.source).to_string());
                i += 2;
            }
            let previous = start.checked_sub(1).map(|p| tokens[p].kind);
            let next = tokens.get(i + 1);
            let next_is_call = next.is_some_and(|t| t.kind == "token_tree" && text(t.node, self.source).starts_with('('));
            for segment in &path {
                if super::names::mentions_memo(segment) {
                    self.memo_evidence = true;
                }
            }
            let after_dot = previous == Some(".");
            if after_dot {
                if next_is_call
                    && path.len() == 1
                    && path[0] == self.header.name
                    && self.header.container.is_some()
                    && start >= 2
                    && tokens[start - 2].kind == "self"
                {
                    self.note_self_call(tokens[start].node.byte_range(), true);
                }
            } else if previous != Some("::") {
                let labelled = next.is_some_and(|t| matches!(t.kind, "=" | ":" | "!"));
                if next_is_call && self.is_own_call_path(&path.iter().map(String::as_str).collect::<Vec<_>>()) {
                    self.note_self_call(tokens[start].node.byte_range(), true);
                }
                if !labelled
                    && path[0] != "self"
                    && let Some(path) = self.resolve_self(path)
                {
                    self.add_candidate(path);
                }
            }
            i += 1;
        }
    }

    /// `name` for a free function, `Self::name` / `Type::name` for an associated one.
    pub(super) fn is_own_call_path(&self, path: &[&str]) -> bool {
        match (path, &self.header.container) {
            ([name], None) => *name == self.header.name,
            // In a trait impl, `Self::from(..)` usually calls another impl of the same trait.
            ([owner, name], Some(container)) if !self.header.in_trait_impl => *name == self.header.name && (*owner == "Self" || *owner == container),
            _ => false,
        }
    }

    /// Records a call of the function to itself; `computed` says whether its arguments are computed from the
    /// caller's (`n - 1`, `&s[1..]`), the calls that can meet the same arguments again.
    pub(super) fn note_self_call(&mut self, range: crate::analysis::ByteRange, computed: bool) {
        if computed {
            self.self_call_overlap += if self.in_loop() { 2 } else { 1 };
        }
        if self.self_call.is_none() {
            self.self_call = Some(range);
        }
    }
}
