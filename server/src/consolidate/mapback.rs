//! Mapping an optimized consolidated file back onto the original project files.
//!
//! Each marked piece is compared with what was written; a changed piece becomes one edit of its
//! original range, with the consolidation's respellings undone (lines the optimizer did not touch
//! are restored byte for byte; changed lines get names spelled back the way the file spells them).
//! What cannot be placed safely (missing or tangled markers, a renamed definition, an edited
//! read-only piece, new code nobody uses) is reported with prose for porting by hand.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::PathBuf;

use similar::{Algorithm, DiffOp, TextDiff, capture_diff_slices};

use super::{Consolidated, Piece, PieceKind, READONLY_NOTE, reference_sites, units};
use crate::analysis::Language;

/// Replace `range` (bytes of the ORIGINAL file) with `new_text`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdit {
    pub file: PathBuf,
    pub range: Range<usize>,
    pub new_text: String,
    /// The pieces this edit carries (a changed piece, plus new code attached to it).
    pub pieces: Vec<usize>,
}

/// The edits for one file, sorted by position, never overlapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileEdits {
    pub file: PathBuf,
    pub edits: Vec<FileEdit>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnmappedReason {
    MarkersMissing,
    MarkersDuplicated,
    /// Markers nested, interleaved or unbalanced: pieces were merged or split.
    MarkersTangled,
    /// The piece no longer defines its symbol (renamed or removed).
    SymbolRenamed,
    ReadonlyChanged,
    /// Code outside any marker that no piece uses.
    NewCode,
}

/// Something the optimizer changed that is not applied automatically.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unmapped {
    pub piece: Option<usize>,
    pub file: Option<PathBuf>,
    pub reason: UnmappedReason,
    /// A unified diff (original → optimized) or the new code itself.
    pub diff_text: String,
    pub explanation: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MapBack {
    pub files: Vec<FileEdits>,
    pub unmapped: Vec<Unmapped>,
}

impl MapBack {
    pub fn edits_for(&self, file: &std::path::Path) -> &[FileEdit] {
        self.files.iter().find(|f| f.file == file).map(|f| f.edits.as_slice()).unwrap_or(&[])
    }

    pub fn edit_count(&self) -> usize {
        self.files.iter().map(|f| f.edits.len()).sum()
    }
}

/// Applies non-overlapping edits (byte ranges of `original`) and returns the new text.
pub fn apply_edits(original: &str, edits: &[FileEdit]) -> String {
    let mut sorted: Vec<&FileEdit> = edits.iter().collect();
    sorted.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut text = original.to_string();
    for edit in sorted {
        if edit.range.end <= text.len() && edit.range.start <= edit.range.end {
            text.replace_range(edit.range.clone(), &edit.new_text);
        }
    }
    text
}

#[derive(Default)]
struct Regions {
    /// piece id → line ranges of its bodies (between its markers).
    bodies: BTreeMap<usize, Vec<Range<usize>>>,
    tangled: Vec<usize>,
    /// Lines that are markers or inside markers.
    inside: Vec<bool>,
}

fn marker_id(line: &str, keyword: &str) -> Option<usize> {
    let rest = &line[line.find(keyword)? + keyword.len()..];
    let value = rest.split_whitespace().find_map(|t| t.strip_prefix("piece="))?;
    value.parse().ok()
}

fn scan_markers(lines: &[&str]) -> Regions {
    let mut regions = Regions { inside: vec![false; lines.len()], ..Regions::default() };
    let mut open: Option<(usize, usize)> = None;
    for (i, line) in lines.iter().enumerate() {
        if let Some(id) = marker_id(line, "weco:begin") {
            if let Some((other, _)) = open.take() {
                regions.tangled.extend([other, id]);
            }
            open = Some((id, i));
            regions.inside[i] = true;
        } else if let Some(id) = marker_id(line, "weco:end") {
            regions.inside[i] = true;
            match open.take() {
                Some((open_id, start)) if open_id == id => regions.bodies.entry(id).or_default().push(start + 1..i),
                Some((open_id, _)) => regions.tangled.extend([open_id, id]),
                None => regions.tangled.push(id),
            }
        } else if open.is_some() {
            regions.inside[i] = true;
        }
    }
    if let Some((id, _)) = open {
        regions.tangled.push(id);
    }
    regions
}

/// The body text of a piece region: the read-only note and surrounding blank lines dropped.
fn body_text(lines: &[&str], range: Range<usize>) -> String {
    let mut body: Vec<&str> = lines[range].to_vec();
    if body.first().is_some_and(|l| l.contains(READONLY_NOTE)) {
        body.remove(0);
    }
    while body.first().is_some_and(|l| l.trim().is_empty()) {
        body.remove(0);
    }
    while body.last().is_some_and(|l| l.trim().is_empty()) {
        body.pop();
    }
    body.join("\n")
}

fn same_code(a: &str, b: &str) -> bool {
    a.lines().map(str::trim_end).eq(b.lines().map(str::trim_end))
}

fn unified(piece: &Piece, new_text: &str) -> String {
    let old = format!("{}\n", piece.original_text);
    let new = format!("{new_text}\n");
    TextDiff::from_lines(old.as_str(), new.as_str())
        .unified_diff()
        .header(&format!("a/{}", piece.display_path), &format!("b/{}", piece.display_path))
        .to_string()
}

/// Maps `optimized_text` (the consolidated file after optimization) back to edits of the original files.
pub fn map_back(consolidated: &Consolidated, optimized_text: &str) -> MapBack {
    let optimized = optimized_text.replace("\r\n", "\n");
    let lines: Vec<&str> = optimized.split('\n').collect();
    let regions = scan_markers(&lines);
    let language = consolidated.language;
    let mut result = MapBack::default();
    let mut edits: BTreeMap<usize, (String, FileEdit)> = BTreeMap::new();
    let mut bodies: BTreeMap<usize, String> = BTreeMap::new();

    for piece in &consolidated.pieces {
        let unmapped =
            |reason, diff_text: String, explanation: String| Unmapped { piece: Some(piece.id), file: Some(piece.file.clone()), reason, diff_text, explanation };
        let found = regions.bodies.get(&piece.id).map(Vec::as_slice).unwrap_or(&[]);
        let where_from = format!("piece {} (`{}` from {})", piece.id, piece.symbol, piece.display_path);
        if regions.tangled.contains(&piece.id) {
            let text = found.iter().map(|r| body_text(&lines, r.clone())).collect::<Vec<_>>().join("\n");
            result.unmapped.push(unmapped(
                UnmappedReason::MarkersTangled,
                text,
                format!("The markers of {where_from} are nested, interleaved or unbalanced, so its code may have been merged with another piece. Port the change to {} by hand.", piece.display_path),
            ));
            continue;
        }
        let new_text = match found {
            [] => {
                if !optimized.contains(piece.consolidated_text.as_str()) {
                    result.unmapped.push(unmapped(
                        UnmappedReason::MarkersMissing,
                        String::new(),
                        format!("The markers of {where_from} are gone and its code does not appear unchanged, so it was moved, merged or deleted. Compare the optimized file with {} and port the change by hand.", piece.display_path),
                    ));
                }
                continue;
            }
            [single] => body_text(&lines, single.clone()),
            several => {
                let texts: Vec<String> = several.iter().map(|r| body_text(&lines, r.clone())).collect();
                result.unmapped.push(unmapped(
                    UnmappedReason::MarkersDuplicated,
                    texts.join("\n\n"),
                    format!(
                        "{where_from} appears {} times in the optimized file; it is not clear which copy to keep. Port the change to {} by hand.",
                        several.len(),
                        piece.display_path
                    ),
                ));
                continue;
            }
        };
        bodies.insert(piece.id, new_text.clone());
        if same_code(&new_text, &piece.consolidated_text) {
            continue;
        }
        let restored = restore_spellings(consolidated, piece, &new_text);
        if piece.readonly {
            result.unmapped.push(unmapped(
                UnmappedReason::ReadonlyChanged,
                unified(piece, &restored),
                format!("{where_from} was marked read-only but the optimizer changed it; the change is not applied. Review the diff and port it by hand if it is wanted."),
            ));
            continue;
        }
        if !still_defines(language, piece, &new_text) {
            let what = piece.defined_name.clone().or(piece.impl_type.as_ref().map(|t| format!("impl {t}"))).unwrap_or_default();
            result.unmapped.push(unmapped(
                UnmappedReason::SymbolRenamed,
                unified(piece, &restored),
                format!(
                    "{where_from} no longer defines `{what}` (renamed or removed), so replacing the original would break its callers. Port the change by hand."
                ),
            ));
            continue;
        }
        edits.insert(
            piece.id,
            (String::new(), FileEdit { file: piece.file.clone(), range: piece.original_range.clone(), new_text: restored, pieces: vec![piece.id] }),
        );
    }

    attach_new_code(consolidated, &lines, &regions, &bodies, &mut edits, &mut result);

    let mut grouped: BTreeMap<PathBuf, Vec<FileEdit>> = BTreeMap::new();
    for (_, (prefix, mut edit)) in edits {
        edit.new_text = format!("{prefix}{}", edit.new_text);
        grouped.entry(edit.file.clone()).or_default().push(edit);
    }
    result.files = grouped
        .into_iter()
        .map(|(file, mut list)| {
            list.sort_by_key(|e| (e.range.start, e.range.end));
            FileEdits { file, edits: list }
        })
        .collect();
    result
}

/// The piece still defines what it defined (a function, class or constant name, or an impl).
fn still_defines(language: Language, piece: &Piece, new_text: &str) -> bool {
    let Some(tree) = language.parse(new_text, None) else { return false };
    let found = units(language, tree.root_node(), new_text);
    match (&piece.defined_name, piece.kind) {
        (Some(name), _) => found.iter().any(|u| u.name.as_deref() == Some(name.as_str())),
        (None, PieceKind::Impl) => found.iter().any(|u| u.kind == PieceKind::Impl && u.impl_type == piece.impl_type),
        (None, _) => true,
    }
}

/// Undoes the consolidation's respellings in an optimized piece: unchanged lines come back from
/// the original verbatim; changed lines get names spelled the way the piece's file spells them.
fn restore_spellings(consolidated: &Consolidated, piece: &Piece, new_text: &str) -> String {
    let respelled = respell(consolidated, piece, new_text);
    let original: Vec<&str> = piece.original_text.split('\n').collect();
    let written: Vec<&str> = piece.consolidated_text.split('\n').collect();
    let new_lines: Vec<&str> = new_text.split('\n').collect();
    let respelled_lines: Vec<&str> = respelled.split('\n').collect();
    if original.len() != written.len() || new_lines.len() != respelled_lines.len() {
        return respelled;
    }
    let written_trimmed: Vec<&str> = written.iter().map(|l| l.trim_end()).collect();
    let new_trimmed: Vec<&str> = new_lines.iter().map(|l| l.trim_end()).collect();
    let mut out: Vec<&str> = Vec::with_capacity(new_lines.len());
    for op in capture_diff_slices(Algorithm::Myers, &written_trimmed, &new_trimmed) {
        match op {
            DiffOp::Equal { old_index, len, .. } => out.extend(&original[old_index..old_index + len]),
            DiffOp::Delete { .. } => {}
            DiffOp::Insert { new_index, new_len, .. } | DiffOp::Replace { new_index, new_len, .. } => {
                out.extend(&respelled_lines[new_index..new_index + new_len])
            }
        }
    }
    out.join("\n")
}

/// Replaces consolidated names by the spelling the piece's file uses (this piece's spellings first,
/// then other pieces of the same file), at name nodes only.
pub(super) fn respell(consolidated: &Consolidated, piece: &Piece, text: &str) -> String {
    let mut map: Vec<(&str, &str)> = Vec::new();
    let same_file = consolidated.pieces.iter().filter(|p| p.file == piece.file && p.id != piece.id);
    for other in std::iter::once(piece).chain(same_file) {
        for spelling in &other.spellings {
            if spelling.consolidated.starts_with("pub(") || map.iter().any(|(c, _)| *c == spelling.consolidated) {
                continue;
            }
            map.push((spelling.consolidated.as_str(), spelling.original.as_str()));
        }
    }
    if map.is_empty() {
        return text.to_string();
    }
    let language = consolidated.language;
    let Some(tree) = language.parse(text, None) else { return text.to_string() };
    let mut out = String::new();
    let mut cursor = 0;
    for site in reference_sites(language, tree.root_node(), 0..text.len(), text) {
        let end = site.prefix_ends[0];
        let Some((_, original)) = map.iter().find(|(c, _)| *c == site.segments[0]) else { continue };
        if site.start < cursor {
            continue;
        }
        out.push_str(&text[cursor..site.start]);
        out.push_str(original);
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    out
}

/// Code outside every marker that was not in the consolidated file: definitions are attached to
/// the first piece that uses them, imports go to the import block of that piece's file.
fn attach_new_code(
    consolidated: &Consolidated,
    lines: &[&str],
    regions: &Regions,
    bodies: &BTreeMap<usize, String>,
    edits: &mut BTreeMap<usize, (String, FileEdit)>,
    result: &mut MapBack,
) {
    let language = consolidated.language;
    let outside: String = lines.iter().enumerate().map(|(i, l)| if regions.inside[i] { "" } else { *l }).collect::<Vec<_>>().join("\n");
    let known = outside_statements(language, &consolidated.text);
    let Some(tree) = language.parse(&outside, None) else { return };
    let root = tree.root_node();
    let mut cursor = root.walk();
    for node in root.named_children(&mut cursor) {
        let text = outside[node.byte_range()].trim().to_string();
        if node.kind().contains("comment") || known.contains(&text) || text.is_empty() {
            continue;
        }
        let is_import = matches!(node.kind(), "import_statement" | "import_from_statement" | "use_declaration" | "future_import_statement");
        let names: Vec<String> = if is_import {
            imported_names(&text)
        } else {
            units(language, root, &outside).into_iter().filter(|u| u.range == node.byte_range()).filter_map(|u| u.name).collect()
        };
        let user = consolidated
            .pieces
            .iter()
            .filter(|p| bodies.get(&p.id).is_some_and(|body| names.iter().any(|n| uses_name(language, body, n))))
            .min_by_key(|p| (p.readonly, p.id));
        let Some(user) = user else {
            result.unmapped.push(Unmapped {
                piece: None,
                file: None,
                reason: UnmappedReason::NewCode,
                diff_text: text.clone(),
                explanation: "The optimizer added this code outside every piece and no piece uses it, so there is no file to put it in. Add it by hand where it belongs, or drop it.".to_string(),
            });
            continue;
        };
        if is_import {
            let at = consolidated.files.iter().find(|f| f.file == user.file).map(|f| f.import_insert_at).unwrap_or(0);
            let new_text = if at == 0 { format!("{text}\n") } else { format!("\n{text}") };
            let key = usize::MAX - edits.len();
            edits.insert(key, (String::new(), FileEdit { file: user.file.clone(), range: at..at, new_text, pieces: vec![user.id] }));
            continue;
        }
        let definition = respell(consolidated, user, &text);
        let separator = if language == Language::Python { "\n\n\n" } else { "\n\n" };
        let entry = edits.entry(user.id).or_insert_with(|| {
            let start = user.original_range.start;
            (String::new(), FileEdit { file: user.file.clone(), range: start..start, new_text: String::new(), pieces: vec![user.id] })
        });
        entry.0.push_str(&definition);
        entry.0.push_str(separator);
    }
}

/// The trimmed top-level statements of a consolidated file outside its markers.
fn outside_statements(language: Language, text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.split('\n').collect();
    let regions = scan_markers(&lines);
    let outside: String = lines.iter().enumerate().map(|(i, l)| if regions.inside[i] { "" } else { *l }).collect::<Vec<_>>().join("\n");
    let Some(tree) = language.parse(&outside, None) else { return Vec::new() };
    let root = tree.root_node();
    let mut cursor = root.walk();
    root.named_children(&mut cursor).map(|n| outside[n.byte_range()].trim().to_string()).collect()
}

/// Names an import statement binds, read from its text (`from a import b as c, d` → c, d;
/// `use std::collections::{HashMap, HashSet as Set};` → HashMap, Set).
fn imported_names(statement: &str) -> Vec<String> {
    let body = statement.trim().trim_end_matches(';');
    let list = if let Some(rest) = body.strip_prefix("from ") {
        rest.split_once(" import ").map(|(_, names)| names).unwrap_or("")
    } else if let Some(rest) = body.strip_prefix("import ") {
        rest
    } else {
        body.trim_start_matches("pub ").trim_start_matches("use ")
    };
    list.split([',', '{', '}', '(', ')'])
        .filter_map(|part| {
            let part = part.trim();
            if part.is_empty() {
                return None;
            }
            let name = match part.split_once(" as ") {
                Some((_, alias)) => alias.trim(),
                None => part.rsplit("::").next().unwrap_or(part).split('.').next().unwrap_or(part),
            };
            (!name.is_empty() && name != "self" && name != "*").then(|| name.to_string())
        })
        .collect()
}

fn uses_name(language: Language, text: &str, name: &str) -> bool {
    let Some(tree) = language.parse(text, None) else { return false };
    reference_sites(language, tree.root_node(), 0..text.len(), text).iter().any(|s| s.segments[0] == name)
}
