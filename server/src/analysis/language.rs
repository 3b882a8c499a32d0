//! The languages weco-lsp understands: detection from LSP language ids and file extensions, and parsing.

use std::cell::RefCell;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Language {
    Python,
    Rust,
}

impl Language {
    pub fn from_language_id(id: &str) -> Option<Language> {
        match id {
            "python" => Some(Language::Python),
            "rust" => Some(Language::Rust),
            _ => None,
        }
    }

    pub fn from_extension(ext: &str) -> Option<Language> {
        match ext {
            "py" | "pyi" => Some(Language::Python),
            "rs" => Some(Language::Rust),
            _ => None,
        }
    }

    pub fn from_path(path: &std::path::Path) -> Option<Language> {
        path.extension().and_then(|e| e.to_str()).and_then(Language::from_extension)
    }

    pub fn name(self) -> &'static str {
        match self {
            Language::Python => "python",
            Language::Rust => "rust",
        }
    }

    pub fn extension(self) -> &'static str {
        match self {
            Language::Python => "py",
            Language::Rust => "rs",
        }
    }

    pub fn grammar(self) -> tree_sitter::Language {
        match self {
            Language::Python => tree_sitter_python::LANGUAGE.into(),
            Language::Rust => tree_sitter_rust::LANGUAGE.into(),
        }
    }

    /// Parses `source`, reusing `old_tree` (already `edit`ed) for an incremental reparse.
    /// Parsers are cached per thread: creating one is cheap but not free.
    pub fn parse(self, source: &str, old_tree: Option<&tree_sitter::Tree>) -> Option<tree_sitter::Tree> {
        thread_local! {
            static PARSERS: RefCell<Vec<(Language, tree_sitter::Parser)>> = const { RefCell::new(Vec::new()) };
        }
        PARSERS.with(|cell| {
            let mut parsers = cell.borrow_mut();
            let index = match parsers.iter().position(|(lang, _)| *lang == self) {
                Some(i) => i,
                None => {
                    let mut parser = tree_sitter::Parser::new();
                    parser.set_language(&self.grammar()).ok()?;
                    parsers.push((self, parser));
                    parsers.len() - 1
                }
            };
            parsers[index].1.parse(source, old_tree)
        })
    }
}
