//! Consolidation: one self-contained file holding a function and the project code it uses, for an
//! optimizer that sees a single file, plus the piece table that maps the optimized file back.
//!
//! The file is made of *pieces*: top-level units copied from project files (the target function,
//! or its whole class; the functions, classes, constants and Rust impls it depends on). Each piece
//! sits between `weco:begin` / `weco:end` markers. Project-local imports between pieces are
//! dropped and the names that went through them are rewritten (`t.line(x)` → `line(x)`,
//! `crate::util::distance(` → `distance(`); colliding names from different modules are renamed
//! (`helper__pricing`). [`map_back`] undoes all of that for the pieces the optimizer changed.

mod build;
mod headless;
mod mapback;
mod python;
mod resolve;
mod rust;

#[cfg(test)]
mod tests;

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::analysis::Language;
use crate::analysis::ModuleRef;
use crate::analysis::index::ProjectIndex;

pub use headless::{WECO_MAX_FILE_BYTES, WECO_MAX_FILES, WECO_MAX_TOTAL_BYTES, consolidated_dir, fits_weco_sources, load_consolidated, write_consolidated};
pub use mapback::{FileEdit, FileEdits, MapBack, Unmapped, UnmappedReason, apply_edits, map_back};

/// The prose line placed right under the begin marker of a read-only piece.
pub const READONLY_NOTE: &str = "Read-only context: do not edit this piece; it is here so the code runs.";

/// What a piece is made of.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PieceKind {
    Function,
    /// Python class, Rust struct/enum/trait/type alias.
    Class,
    Constant,
    /// A Rust `impl` block.
    Impl,
    /// Any other top-level statement or item.
    Other,
}

impl PieceKind {
    pub fn id(self) -> &'static str {
        match self {
            PieceKind::Function => "function",
            PieceKind::Class => "class",
            PieceKind::Constant => "constant",
            PieceKind::Impl => "impl",
            PieceKind::Other => "other",
        }
    }
}

/// One unit of project code copied into the consolidated file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Piece {
    /// 1-based, in file order; the `piece=N` of its markers.
    pub id: usize,
    pub file: PathBuf,
    /// `file` as written in the markers (relative to the project root when known).
    pub display_path: String,
    /// The definition that brought the piece in (`unit_price`, `Cart.total`, `Point::new`).
    pub symbol: String,
    pub kind: PieceKind,
    pub readonly: bool,
    /// The piece holds the function being optimized.
    pub target: bool,
    /// Dependency depth (0 for the target).
    pub depth: usize,
    pub original_text: String,
    /// Byte range of `original_text` in its file.
    pub original_range: Range<usize>,
    /// The text as written between the markers (references rewritten, renames applied).
    pub consolidated_text: String,
    /// The name the piece defines in the consolidated file (after renaming), if it defines one.
    pub defined_name: Option<String>,
    /// Rust impl pieces: the type the impl is for (as named in the consolidated file).
    pub impl_type: Option<String>,
    /// How names were respelled in this piece, to undo on lines the optimizer changed.
    pub spellings: Vec<Spelling>,
}

/// `consolidated` was written where the piece's file had `original` (`line` for `t.line`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Spelling {
    pub consolidated: String,
    pub original: String,
}

/// A definition renamed because another module's definition had the same name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rename {
    pub file: PathBuf,
    pub original: String,
    pub renamed: String,
}

/// Per source file: where a new import the optimizer added would go.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceFile {
    pub file: PathBuf,
    pub import_insert_at: usize,
}

/// The consolidated file and everything needed to map an optimized version of it back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consolidated {
    #[serde(with = "language_name")]
    pub language: Language,
    pub target_file: PathBuf,
    pub function: String,
    pub text: String,
    pub pieces: Vec<Piece>,
    pub renames: Vec<Rename>,
    /// The external imports written at the top (verbatim), in order.
    pub imports: Vec<String>,
    pub files: Vec<SourceFile>,
    /// Prose about what could not be made self-contained (names beyond the depth limit, ...).
    pub notes: Vec<String>,
}

impl Consolidated {
    pub fn piece(&self, id: usize) -> Option<&Piece> {
        self.pieces.iter().find(|p| p.id == id)
    }

    pub fn comment_prefix(&self) -> &'static str {
        comment_prefix(self.language)
    }
}

pub(crate) fn comment_prefix(language: Language) -> &'static str {
    match language {
        Language::Python => "#",
        Language::Rust => "//",
    }
}

mod language_name {
    use crate::analysis::Language;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(language: &Language, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(language.name())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Language, D::Error> {
        let name = String::deserialize(deserializer)?;
        Language::from_language_id(&name).ok_or_else(|| serde::de::Error::custom(format!("unknown language {name:?}")))
    }
}

/// Why a file could not be consolidated.
#[derive(Debug)]
pub enum ConsolidateError {
    /// The file is not in the project index (not a Python/Rust file of the project).
    UnknownFile(PathBuf),
    FunctionNotFound {
        file: PathBuf,
        function: String,
        available: Vec<String>,
    },
    UnreadableSource(PathBuf),
    Io(std::io::Error),
}

impl std::fmt::Display for ConsolidateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ConsolidateError::UnknownFile(p) => write!(f, "{} is not a Python or Rust file of the project", p.display()),
            ConsolidateError::FunctionNotFound { file, function, available } => {
                write!(f, "no function `{function}` in {}", file.display())?;
                if !available.is_empty() {
                    write!(f, " (functions there: {})", available.join(", "))?;
                }
                Ok(())
            }
            ConsolidateError::UnreadableSource(p) => write!(f, "could not read {}", p.display()),
            ConsolidateError::Io(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ConsolidateError {}

impl From<std::io::Error> for ConsolidateError {
    fn from(e: std::io::Error) -> Self {
        ConsolidateError::Io(e)
    }
}

/// Knobs beyond [`consolidate`]'s arguments.
#[derive(Debug, Clone, Default)]
pub struct ConsolidateOptions {
    pub max_depth: usize,
    /// Marker paths are written relative to this folder (else to the pieces' common folder).
    pub display_root: Option<PathBuf>,
    /// Definitions (file, qualified name) the user wants kept as read-only context. A definition
    /// can also be marked in the source with a `weco: readonly` comment on the line above it.
    pub readonly: Vec<(PathBuf, String)>,
}

/// Builds one self-contained file holding `function` (qualified: `Class.method`, `Type::method`)
/// of `file` and what it uses from the project, `max_depth` dependency hops deep.
pub fn consolidate(
    index: &ProjectIndex,
    sources: &dyn Fn(&Path) -> Option<String>,
    file: &Path,
    function: &str,
    max_depth: usize,
) -> Result<Consolidated, ConsolidateError> {
    let options = ConsolidateOptions { max_depth, ..ConsolidateOptions::default() };
    consolidate_with(index, sources, file, function, &options)
}

pub fn consolidate_with(
    index: &ProjectIndex,
    sources: &dyn Fn(&Path) -> Option<String>,
    file: &Path,
    function: &str,
    options: &ConsolidateOptions,
) -> Result<Consolidated, ConsolidateError> {
    build::consolidate(index, sources, file, function, options)
}

/// A top-level statement or item of a source file.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    pub range: Range<usize>,
    pub kind: PieceKind,
    pub name: Option<String>,
    pub impl_type: Option<String>,
}

/// A top-level import statement and the modules it imports from.
#[derive(Debug, Clone)]
pub(crate) struct ImportStatement {
    /// The text to write into the consolidated file.
    pub text: String,
    pub modules: Vec<ModuleRef>,
    /// Must come first (`from __future__`, `extern crate`).
    pub first: bool,
}

/// A name chain used in a piece: `segments[..k]` is spelled by `start..prefix_ends[k - 1]`.
#[derive(Debug, Clone)]
pub(crate) struct RefSite {
    pub start: usize,
    pub segments: Vec<String>,
    pub prefix_ends: Vec<usize>,
}

pub(crate) fn units(language: Language, root: tree_sitter::Node, source: &str) -> Vec<Unit> {
    match language {
        Language::Python => python::units(root, source),
        Language::Rust => rust::units(root, source),
    }
}

pub(crate) fn reference_sites(language: Language, root: tree_sitter::Node, range: Range<usize>, source: &str) -> Vec<RefSite> {
    match language {
        Language::Python => python::reference_sites(root, range, source),
        Language::Rust => rust::reference_sites(root, range, source),
    }
}
