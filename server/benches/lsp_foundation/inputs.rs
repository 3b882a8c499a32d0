//! The pinned benchmark inputs (fetched by `bench/fetch.sh`) and the one-character edit made in each.

use std::path::{Path, PathBuf};

use weco_lsp::analysis::Language;

pub struct Input {
    pub name: &'static str,
    pub path: PathBuf,
    pub language: Language,
    pub text: String,
    /// Where the edit happens: 0-based line, column in UTF-16 units, and the byte offset.
    pub edit_line: u32,
    pub edit_character: u32,
    pub edit_offset: usize,
}

impl Input {
    pub fn load(name: &'static str, path: PathBuf, language: Language) -> Result<Input, String> {
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e} (run bench/fetch.sh)", path.display()))?;
        let keyword = match language {
            Language::Python => "return ",
            Language::Rust => "let ",
        };
        let (edit_line, edit_character, edit_offset) = edit_point(&text, keyword);
        Ok(Input { name, path, language, text, edit_line, edit_character, edit_offset })
    }

    pub fn lines(&self) -> usize {
        self.text.lines().count()
    }
}

/// The start of the identifier after the first `keyword` in the second half of the file: typing a
/// character there keeps the file valid (`return self` becomes `return xself`), as real typing mostly does.
fn edit_point(text: &str, keyword: &str) -> (u32, u32, usize) {
    let total = text.lines().count();
    let mut offset = 0;
    for (line_number, line) in text.split_inclusive('\n').enumerate() {
        if line_number >= total / 2
            && let Some(at) = line.find(keyword)
            && line[at + keyword.len()..].starts_with(|c: char| c.is_ascii_alphabetic())
        {
            let byte_column = at + keyword.len();
            let character = line[..byte_column].encode_utf16().count();
            return (line_number as u32, character as u32, offset + byte_column);
        }
        offset += line.len();
    }
    (0, 0, 0)
}

pub fn load_all(data: &Path) -> Result<Vec<Input>, String> {
    Ok(vec![
        Input::load("pandas 2.2.3 core/generic.py", data.join("pandas/generic.py"), Language::Python)?,
        Input::load("regex-automata 0.4.9 dfa/dense.rs", data.join("dense.rs"), Language::Rust)?,
    ])
}
