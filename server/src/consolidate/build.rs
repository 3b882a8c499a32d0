//! Building the consolidated file: choosing pieces, ordering them, renaming collisions, rewriting
//! references, keeping external imports, and writing the markers.

use std::cmp::Reverse;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use super::resolve::Resolver;
use super::{
    ConsolidateError, ConsolidateOptions, Consolidated, Piece, PieceKind, READONLY_NOTE, Rename, SourceFile, Spelling, Unit, comment_prefix, python,
    reference_sites, rust, units,
};
use crate::analysis::index::ProjectIndex;
use crate::analysis::{Language, SymbolKind};

struct Parsed {
    language: Language,
    source: String,
    tree: tree_sitter::Tree,
    units: Vec<Unit>,
}

/// Parsed source files, read once each.
struct Files<'a> {
    sources: &'a dyn Fn(&Path) -> Option<String>,
    parsed: HashMap<PathBuf, Option<Parsed>>,
}

impl Files<'_> {
    fn get(&mut self, path: &Path) -> Option<&Parsed> {
        if !self.parsed.contains_key(path) {
            let parsed = (|| {
                let language = Language::from_path(path)?;
                let source = (self.sources)(path)?;
                let tree = language.parse(&source, None)?;
                let units = units(language, tree.root_node(), &source);
                Some(Parsed { language, source, tree, units })
            })();
            self.parsed.insert(path.to_path_buf(), parsed);
        }
        self.parsed.get(path).and_then(Option::as_ref)
    }
}

/// How a piece came in; decides whether it is read-only.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Target,
    /// A method (or impl) of the unit is used: the unit is working code.
    Method,
    Direct,
}

#[derive(Debug, Clone)]
struct Draft {
    file: PathBuf,
    unit: Unit,
    symbol: String,
    depth: usize,
    target: bool,
    via_method: bool,
}

pub(super) fn consolidate(
    index: &ProjectIndex,
    sources: &dyn Fn(&Path) -> Option<String>,
    file: &Path,
    function: &str,
    options: &ConsolidateOptions,
) -> Result<Consolidated, ConsolidateError> {
    let analysis = index.analysis(file).ok_or_else(|| ConsolidateError::UnknownFile(file.to_path_buf()))?;
    let language = analysis.language;
    let target = analysis
        .functions
        .iter()
        .find(|f| f.qualified_name == function)
        .or_else(|| {
            let mut by_name = analysis.functions.iter().filter(|f| f.name == function);
            by_name.next().filter(|_| by_name.next().is_none())
        })
        .ok_or_else(|| ConsolidateError::FunctionNotFound {
            file: file.to_path_buf(),
            function: function.to_string(),
            available: analysis.functions.iter().map(|f| f.qualified_name.clone()).collect(),
        })?;
    let mut files = Files { sources, parsed: HashMap::new() };
    let mut notes = Vec::new();
    let mut drafts: Vec<Draft> = Vec::new();
    if files.get(file).is_none() {
        return Err(ConsolidateError::UnreadableSource(file.to_path_buf()));
    }
    add_draft(&mut drafts, &mut files, file, &target.range, &target.qualified_name, 0, Role::Target);

    for dependency in index.dependencies(file, &target.qualified_name, options.max_depth) {
        let Some(symbol) = index.analysis(&dependency.file).and_then(|a| a.symbols.iter().find(|s| s.qualified_name == dependency.symbol)) else {
            continue;
        };
        let role = if symbol.kind == SymbolKind::Method { Role::Method } else { Role::Direct };
        if !add_draft(&mut drafts, &mut files, &dependency.file, &symbol.range, &dependency.symbol, dependency.depth, role) {
            notes.push(format!("Could not read {} for `{}`; it is not included.", dependency.file.display(), dependency.symbol));
        }
    }
    let resolver = Resolver::new(index);
    close_over_references(index, &resolver, &mut drafts, &mut files, options.max_depth);
    if language == Language::Rust {
        add_rust_impls(index, &mut drafts, &mut files);
        close_over_references(index, &resolver, &mut drafts, &mut files, options.max_depth);
    }

    drafts.sort_by_key(|d| {
        let group = match (d.target, d.unit.kind) {
            (true, _) => 4,
            (_, PieceKind::Constant | PieceKind::Other) => 0,
            (_, PieceKind::Class) => 1,
            (_, PieceKind::Impl) => 2,
            (_, PieceKind::Function) => 3,
        };
        (group, Reverse(d.depth), d.file.clone(), d.unit.range.start)
    });

    let display_root = options.display_root.clone().or_else(|| common_folder(drafts.iter().map(|d| d.file.as_path())));
    let display = |path: &Path| -> String {
        let shown = display_root.as_deref().and_then(|root| path.strip_prefix(root).ok()).unwrap_or(path);
        shown.to_string_lossy().replace('\\', "/")
    };

    let (final_names, renames) = choose_names(&drafts, file);

    // External imports of every file contributing a piece, deduplicated, `__future__` first.
    let mut first_imports: Vec<String> = Vec::new();
    let mut imports: Vec<String> = Vec::new();
    let mut source_files: Vec<SourceFile> = Vec::new();
    let mut seen_files: HashSet<PathBuf> = HashSet::new();
    for draft in &drafts {
        if !seen_files.insert(draft.file.clone()) {
            continue;
        }
        let Some(parsed) = files.get(&draft.file) else { continue };
        let root = parsed.tree.root_node();
        let (statements, insert_at) = match parsed.language {
            Language::Python => (python::imports(root, &parsed.source), python::import_insert_point(root)),
            Language::Rust => (rust::imports(root, &parsed.source), rust::import_insert_point(root)),
        };
        source_files.push(SourceFile { file: draft.file.clone(), import_insert_at: insert_at.unwrap_or(0) });
        for statement in statements {
            let list = if statement.first { &mut first_imports } else { &mut imports };
            let project_local = statement.modules.iter().any(|m| resolver.is_project_module(&draft.file, m));
            if !project_local && !list.contains(&statement.text) {
                list.push(statement.text);
            }
        }
    }

    let mut pieces = Vec::new();
    let mut missing: BTreeMap<String, String> = BTreeMap::new();
    for (position, draft) in drafts.iter().enumerate() {
        let Some(parsed) = files.get(&draft.file) else { continue };
        let source = &parsed.source;
        let range = draft.unit.range.clone();
        let mut replacements: Vec<(Range<usize>, String)> = Vec::new();
        for site in reference_sites(parsed.language, parsed.tree.root_node(), range.clone(), source) {
            let Some((definition, consumed)) = resolver.resolve_chain(&draft.file, &site.segments) else { continue };
            let end = site.prefix_ends[consumed - 1];
            let written = &source[site.start..end];
            match final_names.get(&definition) {
                Some(name) if name != written => replacements.push((site.start..end, name.clone())),
                Some(_) => {}
                None => {
                    missing.entry(written.to_string()).or_insert_with(|| {
                        format!(
                            "`{written}` in {} refers to `{}` in {}, which is not included (over the depth limit, or not a top-level definition); the consolidated file may not run without it.",
                            display(&draft.file),
                            definition.1,
                            display(&definition.0)
                        )
                    });
                }
            }
        }
        if parsed.language == Language::Rust {
            replacements.extend(rust::visibility_fixups(parsed.tree.root_node(), range.clone(), source));
        }
        replacements.sort_by_key(|(r, _)| r.start);
        replacements.dedup_by(|b, a| b.0.start < a.0.end);
        let mut text = String::new();
        let mut spellings: Vec<Spelling> = Vec::new();
        let mut cursor = range.start;
        for (replaced, with) in &replacements {
            text.push_str(&source[cursor..replaced.start]);
            text.push_str(with);
            cursor = replaced.end;
            let spelling = Spelling { consolidated: with.clone(), original: source[replaced.clone()].to_string() };
            if !spellings.contains(&spelling) {
                spellings.push(spelling);
            }
        }
        text.push_str(&source[cursor..range.end]);

        let marked = user_marked_readonly(source, range.start)
            || options.readonly.iter().any(|(f, s)| *f == draft.file && (*s == draft.symbol || Some(s) == draft.unit.name.as_ref()));
        let readonly = !draft.target
            && (marked
                || match draft.unit.kind {
                    PieceKind::Constant | PieceKind::Other => true,
                    PieceKind::Class => !draft.via_method,
                    PieceKind::Function | PieceKind::Impl => false,
                });
        let defined_name = draft.unit.name.as_ref().map(|n| final_names.get(&(draft.file.clone(), n.clone())).cloned().unwrap_or(n.clone()));
        let impl_type = draft.unit.impl_type.as_ref().map(|t| {
            let renamed = renames.iter().find(|r| r.original == *t && draft.file == r.file).map(|r| r.renamed.clone());
            renamed.unwrap_or(t.clone())
        });
        pieces.push(Piece {
            id: position + 1,
            file: draft.file.clone(),
            display_path: display(&draft.file),
            symbol: draft.symbol.clone(),
            kind: draft.unit.kind,
            readonly,
            target: draft.target,
            depth: draft.depth,
            original_text: source[range.clone()].to_string(),
            original_range: range,
            consolidated_text: text,
            defined_name,
            impl_type,
            spellings,
        });
    }
    notes.extend(missing.into_values());

    let text = render(language, &target.qualified_name, &display(file), &first_imports, &imports, &pieces);
    let mut all_imports = first_imports;
    all_imports.extend(imports);
    Ok(Consolidated {
        language,
        target_file: file.to_path_buf(),
        function: target.qualified_name.clone(),
        text,
        pieces,
        renames,
        imports: all_imports,
        files: source_files,
        notes,
    })
}

/// Adds (or merges into) the draft for the unit holding `range` in `file`. False when the file
/// cannot be read or holds no unit there.
fn add_draft(drafts: &mut Vec<Draft>, files: &mut Files, file: &Path, range: &Range<usize>, symbol: &str, depth: usize, role: Role) -> bool {
    let Some(parsed) = files.get(file) else { return false };
    let containing = |at: usize| parsed.units.iter().find(|u| u.range.start <= at && at < u.range.end);
    let Some(unit) = containing(range.start).or_else(|| containing(range.end.saturating_sub(1))) else { return false };
    if let Some(existing) = drafts.iter_mut().find(|d| d.file == file && d.unit.range == unit.range) {
        existing.target |= role == Role::Target;
        existing.via_method |= role == Role::Method;
        existing.depth = existing.depth.max(depth);
        return true;
    }
    drafts.push(Draft {
        file: file.to_path_buf(),
        unit: unit.clone(),
        symbol: symbol.to_string(),
        depth,
        target: role == Role::Target,
        via_method: role == Role::Method,
    });
    true
}

/// Adds what the pieces reference but the index does not report as a dependency: base classes,
/// decorators and class-level names in Python, the type of a Rust impl. Bounded by `max_depth`.
fn close_over_references(index: &ProjectIndex, resolver: &Resolver, drafts: &mut Vec<Draft>, files: &mut Files, max_depth: usize) {
    let mut next = 0;
    while next < drafts.len() {
        let draft = drafts[next].clone();
        next += 1;
        if draft.depth >= max_depth {
            continue;
        }
        let definitions: Vec<(PathBuf, String)> = match files.get(&draft.file) {
            Some(parsed) => reference_sites(parsed.language, parsed.tree.root_node(), draft.unit.range.clone(), &parsed.source)
                .iter()
                .filter_map(|site| resolver.resolve_chain(&draft.file, &site.segments).map(|(definition, _)| definition))
                .collect(),
            None => continue,
        };
        for (file, name) in definitions {
            let Some(symbol) = index.analysis(&file).and_then(|a| a.symbols.iter().find(|s| s.qualified_name == name)) else {
                continue;
            };
            let range = symbol.range.clone();
            let covered = drafts.iter().any(|d| d.file == file && d.unit.range.start <= range.start && range.start < d.unit.range.end);
            if !covered {
                add_draft(drafts, files, &file, &range, &name, draft.depth + 1, Role::Direct);
            }
        }
    }
}

/// A Rust type is only usable with its impls: bring in the `impl` blocks for each included type
/// from the files that define methods on it.
fn add_rust_impls(index: &ProjectIndex, drafts: &mut Vec<Draft>, files: &mut Files) {
    let types: Vec<(String, usize)> =
        drafts.iter().filter(|d| d.unit.kind == PieceKind::Class).filter_map(|d| d.unit.name.clone().map(|n| (n, d.depth))).collect();
    let mut paths: Vec<PathBuf> = index.paths().cloned().collect();
    paths.sort();
    for (type_name, depth) in types {
        let method_prefix = format!("{type_name}::");
        for path in &paths {
            let defines_methods =
                index.analysis(path).is_some_and(|a| a.language == Language::Rust && a.symbols.iter().any(|s| s.qualified_name.starts_with(&method_prefix)));
            if !defines_methods {
                continue;
            }
            let impls: Vec<Unit> = match files.get(path) {
                Some(parsed) => parsed.units.iter().filter(|u| u.impl_type.as_deref() == Some(type_name.as_str())).cloned().collect(),
                None => continue,
            };
            for unit in impls {
                let symbol = format!("impl {type_name}");
                add_draft(drafts, files, path, &unit.range, &symbol, depth, Role::Method);
            }
        }
    }
}

/// The name each piece-defined name has in the consolidated file, and the renames made: a name
/// defined by pieces of several files keeps its spelling in the target's file and becomes
/// `name__module` elsewhere.
fn choose_names(drafts: &[Draft], target_file: &Path) -> (HashMap<(PathBuf, String), String>, Vec<Rename>) {
    let mut owners: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for draft in drafts {
        if let Some(name) = &draft.unit.name {
            let list = owners.entry(name.clone()).or_default();
            if !list.contains(&draft.file) {
                list.push(draft.file.clone());
            }
        }
    }
    let mut taken: HashSet<String> = owners.keys().cloned().collect();
    let mut names = HashMap::new();
    let mut renames = Vec::new();
    for (name, mut files) in owners {
        files.sort();
        for file in files {
            let keep = file == target_file || owners_len_is_one(drafts, &name);
            let final_name = if keep { name.clone() } else { unique_name(&name, &file, &mut taken) };
            if final_name != name {
                renames.push(Rename { file: file.clone(), original: name.clone(), renamed: final_name.clone() });
            }
            names.insert((file, name.clone()), final_name);
        }
    }
    (names, renames)
}

fn owners_len_is_one(drafts: &[Draft], name: &str) -> bool {
    let files: HashSet<&PathBuf> = drafts.iter().filter(|d| d.unit.name.as_deref() == Some(name)).map(|d| &d.file).collect();
    files.len() <= 1
}

fn unique_name(name: &str, file: &Path, taken: &mut HashSet<String>) -> String {
    let ident = |s: &str| s.chars().map(|c| if c.is_alphanumeric() || c == '_' { c } else { '_' }).collect::<String>();
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let parent = file.parent().and_then(|p| p.file_name()).map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let module = if matches!(stem.as_str(), "__init__" | "mod" | "lib" | "main") { parent.clone() } else { stem.clone() };
    let mut candidates = vec![format!("{name}__{}", ident(&module)), format!("{name}__{}_{}", ident(&parent), ident(&stem))];
    candidates.extend((2..).take(1000).map(|n| format!("{name}__{}{n}", ident(&module))));
    let chosen = candidates.into_iter().find(|c| !taken.contains(c)).unwrap_or_else(|| format!("{name}__renamed"));
    taken.insert(chosen.clone());
    chosen
}

/// A `weco: readonly` comment on the lines right above `start`.
fn user_marked_readonly(source: &str, start: usize) -> bool {
    source[..start].lines().rev().map(str::trim).skip_while(|l| l.is_empty()).take_while(|l| l.starts_with('#') || l.starts_with("//")).any(|l| {
        let compact: String = l.split_whitespace().collect();
        compact.contains("weco:readonly")
    })
}

fn common_folder<'p>(paths: impl Iterator<Item = &'p Path>) -> Option<PathBuf> {
    let mut common: Option<PathBuf> = None;
    for path in paths {
        let parent = path.parent()?.to_path_buf();
        common = Some(match common {
            None => parent,
            Some(current) => {
                let mut shared = PathBuf::new();
                for (a, b) in current.components().zip(parent.components()) {
                    if a != b {
                        break;
                    }
                    shared.push(a);
                }
                shared
            }
        });
    }
    common
}

pub(crate) fn begin_marker(prefix: &str, piece: &Piece) -> String {
    let mut line = format!(
        "{prefix} weco:begin piece={} file={} symbol={} kind={}",
        piece.id,
        piece.display_path.replace(' ', "%20"),
        piece.symbol.replace(' ', "_"),
        piece.kind.id()
    );
    if piece.readonly {
        line.push_str(" readonly=true");
    }
    if piece.target {
        line.push_str(" target=true");
    }
    line
}

fn render(language: Language, function: &str, target_display: &str, first: &[String], imports: &[String], pieces: &[Piece]) -> String {
    let prefix = comment_prefix(language);
    let mut out = String::new();
    out.push_str(&format!("{prefix} Consolidated by weco-lsp to optimize `{function}` from {target_display}.\n"));
    out.push_str(&format!(
        "{prefix} Each piece sits between weco:begin / weco:end markers recording where it came from: keep the\n{prefix} markers so the result can be mapped back. Pieces marked readonly=true are context: do not edit them.\n"
    ));
    if !first.is_empty() || !imports.is_empty() {
        out.push('\n');
    }
    for line in first.iter().chain(imports) {
        out.push_str(line);
        out.push('\n');
    }
    let separator = match language {
        Language::Python => "\n\n",
        Language::Rust => "\n",
    };
    for piece in pieces {
        out.push_str(separator);
        out.push_str(&begin_marker(prefix, piece));
        out.push('\n');
        if piece.readonly {
            out.push_str(&format!("{prefix} {READONLY_NOTE}\n"));
        }
        out.push_str(&piece.consolidated_text);
        out.push('\n');
        out.push_str(&format!("{prefix} weco:end piece={}\n", piece.id));
    }
    out
}
