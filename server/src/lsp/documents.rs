//! The document store: the only owner and writer of open documents' text, versions and syntax trees.
//!
//! An open document belongs to the client: it is never read from disk while open. Changes are
//! applied in arrival order, synchronously, and each produces a new immutable snapshot that
//! handlers read without holding the store's lock.

use std::collections::HashMap;
use std::sync::Arc;

use ropey::Rope;
use tower_lsp_server::ls_types::{TextDocumentContentChangeEvent, Uri};
use tree_sitter::{InputEdit, Point, Tree};

use super::position::{PositionEncoding, offset_of};
use crate::analysis::{self, FileAnalysis, Language};

/// What handlers see of a document: cheap to clone, never mutated.
#[derive(Debug, Clone)]
pub struct DocumentSnapshot {
    pub uri: Uri,
    pub version: i32,
    pub language: Language,
    pub rope: Rope,
    pub text: Arc<str>,
    pub analysis: Arc<FileAnalysis>,
}

#[derive(Debug)]
struct Document {
    snapshot: DocumentSnapshot,
    tree: Option<Tree>,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ChangeError {
    NotOpen,
    /// The client sent a version that does not increase; the change is still applied (the
    /// client is the owner of the text) but the problem is logged.
    VersionWentBackwards {
        had: i32,
        got: i32,
    },
}

#[derive(Debug, Default)]
pub struct DocumentStore {
    documents: HashMap<Uri, Document>,
}

impl DocumentStore {
    /// Opens a document; returns `None` for languages weco-lsp does not analyse.
    pub fn open(&mut self, uri: Uri, language_id: &str, version: i32, text: String) -> Option<DocumentSnapshot> {
        let language = Language::from_language_id(language_id).or_else(|| uri.to_file_path().and_then(|p| Language::from_path(&p)))?;
        let rope = Rope::from_str(&text);
        let tree = language.parse(&text, None);
        let analysis = Arc::new(analysis::analyze_tree(language, tree.as_ref(), &text));
        let snapshot = DocumentSnapshot { uri: uri.clone(), version, language, rope, text: text.into(), analysis };
        self.documents.insert(uri, Document { snapshot: snapshot.clone(), tree });
        Some(snapshot)
    }

    /// Applies `changes` in order (full or incremental), reparses incrementally and re-analyses what
    /// the changes can have affected.
    pub fn change(
        &mut self,
        uri: &Uri,
        version: i32,
        changes: Vec<TextDocumentContentChangeEvent>,
        encoding: PositionEncoding,
    ) -> Result<(DocumentSnapshot, Option<ChangeError>), ChangeError> {
        let document = self.documents.get_mut(uri).ok_or(ChangeError::NotOpen)?;
        let warning = (version <= document.snapshot.version).then_some(ChangeError::VersionWentBackwards { had: document.snapshot.version, got: version });
        let mut rope = document.snapshot.rope.clone();
        let mut edits = Vec::new();
        for change in changes {
            match change.range {
                None => {
                    rope = Rope::from_str(&change.text);
                    document.tree = None;
                    edits.clear();
                }
                Some(range) => {
                    let start = offset_of(&rope, range.start, encoding);
                    let end = offset_of(&rope, range.end, encoding).max(start);
                    let start_position = point_at(&rope, start);
                    let old_end_position = point_at(&rope, end);
                    let start_char = rope.byte_to_char(start);
                    rope.remove(start_char..rope.byte_to_char(end));
                    rope.insert(start_char, &change.text);
                    let new_end = start + change.text.len();
                    let edit = InputEdit {
                        start_byte: start,
                        old_end_byte: end,
                        new_end_byte: new_end,
                        start_position,
                        old_end_position,
                        new_end_position: point_at(&rope, new_end),
                    };
                    if let Some(tree) = document.tree.as_mut() {
                        tree.edit(&edit);
                    }
                    edits.push(edit);
                }
            }
        }
        let text: Arc<str> = rope.to_string().into();
        let language = document.snapshot.language;
        let tree = language.parse(&text, document.tree.as_ref());
        // Only what the edits can have changed is analysed again (`document.tree` is the edited old tree).
        let previous = &document.snapshot.analysis;
        let analysis = Arc::new(analysis::reanalyze(language, previous, document.tree.as_ref(), tree.as_ref(), &text, &edits));
        document.tree = tree;
        document.snapshot = DocumentSnapshot { uri: uri.clone(), version, language, rope, text, analysis };
        Ok((document.snapshot.clone(), warning))
    }

    pub fn close(&mut self, uri: &Uri) -> bool {
        self.documents.remove(uri).is_some()
    }

    pub fn get(&self, uri: &Uri) -> Option<DocumentSnapshot> {
        self.documents.get(uri).map(|d| d.snapshot.clone())
    }

    pub fn snapshots(&self) -> Vec<DocumentSnapshot> {
        self.documents.values().map(|d| d.snapshot.clone()).collect()
    }
}

/// Tree-sitter point (row, byte column) of a byte offset.
fn point_at(rope: &Rope, offset: usize) -> Point {
    let line = rope.byte_to_line(offset);
    Point::new(line, offset - rope.line_to_byte(line))
}

#[cfg(test)]
mod tests {
    use super::*;
    use tower_lsp_server::ls_types::{Position, Range};

    fn uri() -> Uri {
        "file:///tmp/m.py".parse().unwrap()
    }

    fn edit(start: (u32, u32), end: (u32, u32), text: &str) -> TextDocumentContentChangeEvent {
        TextDocumentContentChangeEvent {
            range: Some(Range::new(Position::new(start.0, start.1), Position::new(end.0, end.1))),
            range_length: None,
            text: text.to_string(),
        }
    }

    #[test]
    fn incremental_edits_with_non_ascii_text_match_a_fresh_parse() {
        let mut store = DocumentStore::default();
        let original = "def 名前(xs):\n    return xs\n";
        store.open(uri(), "python", 1, original.to_string()).unwrap();
        // Replace `xs` in the body (after the CJK name, UTF-16 columns) by a loop-heavy body.
        let changes = vec![
            edit((1, 4), (1, 13), "out = []\n    for a in xs:\n        for b in xs:\n            if a in out:\n                out.append(b)\n    return out"),
            edit((0, 0), (0, 0), "# é😀\n"),
        ];
        let (snapshot, warning) = store.change(&uri(), 2, changes, PositionEncoding::Utf16).unwrap();
        assert!(warning.is_none());
        let expected = "# é😀\ndef 名前(xs):\n    out = []\n    for a in xs:\n        for b in xs:\n            if a in out:\n                out.append(b)\n    return out\n";
        assert_eq!(&*snapshot.text, expected);
        assert_eq!(*snapshot.analysis, analysis::analyze_source(Language::Python, expected));
    }

    #[test]
    fn full_sync_replaces_the_text_and_versions_are_tracked() {
        let mut store = DocumentStore::default();
        store.open(uri(), "python", 1, "x = 1\n".into()).unwrap();
        let full = TextDocumentContentChangeEvent { range: None, range_length: None, text: "y = 2\n".into() };
        let (snapshot, _) = store.change(&uri(), 5, vec![full.clone()], PositionEncoding::Utf8).unwrap();
        assert_eq!((snapshot.version, &*snapshot.text), (5, "y = 2\n"));
        let (_, warning) = store.change(&uri(), 3, vec![full], PositionEncoding::Utf8).unwrap();
        assert_eq!(warning, Some(ChangeError::VersionWentBackwards { had: 5, got: 3 }));
    }

    #[test]
    fn unknown_languages_and_closed_documents_are_refused() {
        let mut store = DocumentStore::default();
        assert!(store.open("file:///tmp/a.txt".parse().unwrap(), "plaintext", 1, String::new()).is_none());
        assert_eq!(store.change(&uri(), 1, vec![], PositionEncoding::Utf16).unwrap_err(), ChangeError::NotOpen);
    }
}
