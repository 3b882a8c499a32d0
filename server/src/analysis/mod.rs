//! Pure code analysis: functions, optimizability reasons, imports and cross-file dependencies.
//!
//! Nothing in here knows about LSP, files on disk, or async runtimes. Every entry point takes
//! source text (and a tree-sitter tree) and returns plain data. Broken code never panics: a
//! tree with errors still yields whatever functions could be recognised.

pub mod incremental;
pub mod index;
pub mod language;
pub mod python;
pub mod rust_lang;

pub use incremental::reanalyze;
pub use language::Language;

use std::ops::Range;

/// Byte range into the analysed source text.
pub type ByteRange = Range<usize>;

/// Why a function is worth optimizing. The kind is stable (tests and clients match on it),
/// the message is human-readable prose shown in hovers and diagnostics.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reason {
    pub kind: ReasonKind,
    pub message: String,
    /// Where the pattern occurs (the loop, the call, the membership test...).
    pub range: ByteRange,
    /// Only a hint: the pattern is linear or a small constant on realistic data (nesting that is the algorithm,
    /// appends, allocations), so on its own it earns no lens or diagnostic; the hover still lists it.
    pub hint: bool,
}

/// The catalogue of patterns the analysis recognises, across languages.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReasonKind {
    /// Loops nested two or more deep.
    NestedLoops,
    /// `x in some_list` (or `list.contains`/`iter().any(==)`) inside a loop.
    ListMembershipInLoop,
    /// `s += "..."` / `s = s + ...` / `push_str` on a growing string in a loop.
    StringConcatInLoop,
    /// `pop(0)` / `insert(0, x)` / `Vec::remove(0)` / `Vec::insert(0, x)` in a loop.
    FrontOfListOpInLoop,
    /// A function calling itself without a cache (`functools.cache`/`lru_cache`, memo map).
    UncachedRecursion,
    /// `sorted(...)` / `.sort()` inside a loop.
    SortInLoop,
    /// `re.compile`/`re.match(...)` with a literal pattern / `Regex::new` inside a loop.
    RegexInLoop,
    /// Rust: `clone()`, `collect()`, `to_string()`, `format!`, `Vec::new()` growth without capacity in loops.
    /// Python: building a fresh list/dict per iteration of a hot inner loop.
    AllocationInLoop,
    /// `sorted(x)[0]` / `sorted(x)[-1]` (use min/max).
    SortForMinMax,
    /// Appending to a list in a plain loop where a comprehension would do.
    AppendInLoop,
}

impl ReasonKind {
    /// Stable identifier used in JSON output and diagnostics' `code`.
    pub fn id(self) -> &'static str {
        match self {
            ReasonKind::NestedLoops => "nested-loops",
            ReasonKind::ListMembershipInLoop => "list-membership-in-loop",
            ReasonKind::StringConcatInLoop => "string-concat-in-loop",
            ReasonKind::FrontOfListOpInLoop => "front-of-list-op-in-loop",
            ReasonKind::UncachedRecursion => "uncached-recursion",
            ReasonKind::SortInLoop => "sort-in-loop",
            ReasonKind::RegexInLoop => "regex-in-loop",
            ReasonKind::AllocationInLoop => "allocation-in-loop",
            ReasonKind::SortForMinMax => "sort-for-min-max",
            ReasonKind::AppendInLoop => "append-in-loop",
        }
    }

    /// How much this pattern adds to a function's score (0..=100 overall, clamped).
    pub fn weight(self) -> u32 {
        match self {
            ReasonKind::NestedLoops => 30,
            ReasonKind::ListMembershipInLoop => 35,
            ReasonKind::StringConcatInLoop => 20,
            ReasonKind::FrontOfListOpInLoop => 25,
            ReasonKind::UncachedRecursion => 40,
            ReasonKind::SortInLoop => 30,
            ReasonKind::RegexInLoop => 20,
            ReasonKind::AllocationInLoop => 15,
            ReasonKind::SortForMinMax => 15,
            ReasonKind::AppendInLoop => 5,
        }
    }
}

/// What kind of top-level (or class-level) definition a symbol is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SymbolKind {
    Function,
    /// A function defined inside a class / impl block.
    Method,
    /// Python class, Rust struct/enum/trait.
    Class,
    /// Module-level assignment (Python) or `const`/`static` (Rust).
    Constant,
}

/// A named definition in a file: what other files can depend on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Symbol {
    /// Simple name (`method`, `CONST`).
    pub name: String,
    /// `Class.method` in Python, `Type::method` in Rust; equals `name` for top-level items.
    pub qualified_name: String,
    pub kind: SymbolKind,
    /// Whole definition, decorators/attributes included.
    pub range: ByteRange,
    /// Python classes: the base classes as written (`Base`, `mod.Base`), for `self.method` lookups.
    pub bases: Vec<String>,
}

/// A reference from inside a function body to a name defined elsewhere.
/// `path` is the dotted (Python) or `::` (Rust) chain split into segments:
/// `helpers.normalize(x)` gives `["helpers", "normalize"]`, `Foo::new()` gives `["Foo", "new"]`,
/// a bare `CONST` gives `["CONST"]`. Local variables and parameters are excluded.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NameUse {
    pub path: Vec<String>,
}

/// One function or method with everything the server needs to say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionInfo {
    pub name: String,
    /// `Class.method` (Python) / `Type::method` (Rust) / `name` for free functions;
    /// nested functions are `outer.<locals>.inner`-free: they are qualified as `outer.inner`.
    pub qualified_name: String,
    /// The class / impl type the function belongs to, if any.
    pub container: Option<String>,
    /// Whole definition, decorators/attributes included.
    pub range: ByteRange,
    /// The identifier of the function name (for lenses and code action hit tests).
    pub name_range: ByteRange,
    /// 0..=100; 0 means "nothing worth optimizing".
    pub score: u32,
    pub reasons: Vec<Reason>,
    /// Names the body uses that are not local variables or parameters, deduplicated, in order of first use.
    pub uses: Vec<NameUse>,
    /// True for trivial functions (getters, one-liners without loops or notable calls).
    pub trivial: bool,
}

impl FunctionInfo {
    /// A function is flagged (lens, diagnostic) when it is not trivial and has at least one reason that is more
    /// than a hint: something plausibly super-linear or costly on realistic data.
    pub fn is_flagged(&self) -> bool {
        !self.trivial && self.reasons.iter().any(|r| !r.hint)
    }
}

/// The module an import refers to, before resolution against the project.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ModuleRef {
    /// Python: `level` leading dots (0 = absolute) and the dotted path after them.
    Python { level: usize, path: Vec<String> },
    /// Rust: the `use` path split on `::`, starting with `crate`, `self`, `super` or an external crate name.
    Rust { path: Vec<String> },
}

/// A name an import brings into the file's scope.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportBinding {
    /// The name as visible in this file (after `as`).
    pub local_name: String,
    /// The module the name comes from.
    pub module: ModuleRef,
    /// The item imported from the module: `Some("y")` for `from x import y` / `use a::y`,
    /// `None` when the binding is the module itself (`import a.b as c`, `use crate::a`).
    pub item: Option<String>,
    pub range: ByteRange,
}

/// Everything the analysis knows about one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileAnalysis {
    pub language: Language,
    pub functions: Vec<FunctionInfo>,
    /// Top-level definitions plus methods (qualified), in source order.
    pub symbols: Vec<Symbol>,
    pub imports: Vec<ImportBinding>,
    /// Rust only: `mod name;` declarations (children to look up as `name.rs` / `name/mod.rs`).
    pub child_modules: Vec<String>,
    /// The tree had syntax errors; results are best-effort.
    pub has_errors: bool,
}

/// Scores reasons: sum of weights, clamped to 100.
pub fn score(reasons: &[Reason]) -> u32 {
    reasons.iter().map(|r| r.kind.weight()).sum::<u32>().min(100)
}

/// Parses `source` from scratch and analyses it. Convenience for the CLI, tests and the index;
/// the server keeps trees per document and calls [`analyze_tree`] after incremental reparses.
pub fn analyze_source(language: Language, source: &str) -> FileAnalysis {
    let tree = language.parse(source, None);
    analyze_tree(language, tree.as_ref(), source)
}

/// Analyses an already parsed tree. A `None` tree (parser gave up) yields an empty analysis
/// flagged with errors.
pub fn analyze_tree(language: Language, tree: Option<&tree_sitter::Tree>, source: &str) -> FileAnalysis {
    let Some(tree) = tree else {
        return FileAnalysis { language, functions: Vec::new(), symbols: Vec::new(), imports: Vec::new(), child_modules: Vec::new(), has_errors: true };
    };
    match language {
        Language::Python => python::analyze(tree, source),
        Language::Rust => rust_lang::analyze(tree, source),
    }
}
