//! Optimizing a consolidated file (`.weco/<function>_consolidated/`): recognising one, taking the
//! texts its pieces were copied from, mapping the optimized file back to one result per original
//! file, and the report's "To port by hand" section for what could not be placed.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use crate::consolidate::{Consolidated, MapBack, Unmapped, UnmappedReason, apply_edits, fits_weco_sources, load_consolidated, map_back};

/// The heading of the report section listing changes that were not applied.
pub const PORT_BY_HAND_HEADING: &str = "## To port by hand";

/// The piece table of `source` when it is a consolidated file written by `write_consolidated`
/// (a file in a `.weco/<name>_consolidated/` folder next to its `pieces.json`).
pub fn table_for(source: &Path) -> Option<Consolidated> {
    let dir = source.parent()?;
    let folder = dir.file_name()?.to_str()?;
    let in_weco = dir.parent().and_then(Path::file_name).is_some_and(|n| n == ".weco");
    if !folder.ends_with("_consolidated") || !in_weco {
        return None;
    }
    load_consolidated(dir).ok()
}

/// What the piece table holds, in one line: `5 pieces from 3 files (2 read-only)`.
pub fn describe_pieces(table: &Consolidated) -> String {
    let files = distinct_files(table).len();
    let readonly = table.pieces.iter().filter(|p| p.readonly).count();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    format!("{} from {} ({readonly} read-only)", plural(table.pieces.len(), "piece"), plural(files, "file"))
}

/// The files pieces come from, in piece order, each once.
pub fn distinct_files(table: &Consolidated) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = Vec::new();
    for piece in &table.pieces {
        if !files.contains(&piece.file) {
            files.push(piece.file.clone());
        }
    }
    files
}

/// When the pieces' files fit weco's `--sources` limits, the `weco run --sources ...` command line
/// (paths relative to `root`) that would optimize them as they are, without consolidating.
pub fn sources_alternative(table: &Consolidated, root: &Path) -> Option<String> {
    let files = distinct_files(table);
    let sizes: Vec<u64> = files.iter().map(|f| std::fs::metadata(f).map(|m| m.len()).unwrap_or(u64::MAX)).collect();
    if files.len() < 2 || !fits_weco_sources(&files, &sizes) {
        return None;
    }
    let root = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    let relative: Vec<String> = files.iter().map(|f| f.strip_prefix(&root).unwrap_or(f).display().to_string()).collect();
    Some(format!("weco run --sources {} --eval-command \"bash .weco/<task>/evaluate.sh\" --metric speedup --goal maximize", relative.join(" ")))
}

/// The full text of one original file when the consolidated file was made: what the map-back
/// edits (byte ranges) apply to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileBase {
    pub path: PathBuf,
    pub text: String,
}

/// Reads every file the pieces come from (`read` gives a file's text) and checks each piece is
/// still where the table says. An error (prose) means the files changed since consolidating.
pub fn snapshot(consolidated: &Consolidated, read: &dyn Fn(&Path) -> Option<String>) -> Result<Vec<FileBase>, String> {
    let mut bases: BTreeMap<PathBuf, String> = BTreeMap::new();
    for piece in &consolidated.pieces {
        if !bases.contains_key(&piece.file) {
            let text = read(&piece.file).ok_or_else(|| format!("{} cannot be read", piece.file.display()))?;
            bases.insert(piece.file.clone(), text);
        }
        let text = &bases[&piece.file];
        if text.get(piece.original_range.clone()) != Some(piece.original_text.as_str()) {
            return Err(format!("{} changed since it was consolidated (`{}` is no longer where it was); consolidate again", piece.display_path, piece.symbol));
        }
    }
    Ok(bases.into_iter().map(|(path, text)| FileBase { path, text }).collect())
}

/// One original file's part of a mapped-back result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MappedFile {
    pub path: PathBuf,
    /// The file as it was consolidated.
    pub original: String,
    /// `original` with the optimizer's changes to its pieces.
    pub proposed: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Mapped {
    /// Only files that change, in path order.
    pub files: Vec<MappedFile>,
    pub unmapped: Vec<Unmapped>,
}

/// Maps the optimized consolidated text back onto the original files' texts in `bases`.
pub fn map_result(consolidated: &Consolidated, bases: &[FileBase], optimized: &str) -> Mapped {
    let MapBack { files, mut unmapped } = map_back(consolidated, optimized);
    let mut mapped = Vec::new();
    for file_edits in files {
        let Some(base) = bases.iter().find(|b| b.path == file_edits.file) else {
            unmapped.push(Unmapped {
                piece: file_edits.edits.first().and_then(|e| e.pieces.first().copied()),
                file: Some(file_edits.file.clone()),
                reason: UnmappedReason::MarkersMissing,
                diff_text: file_edits.edits.iter().map(|e| e.new_text.as_str()).collect::<Vec<_>>().join("\n\n"),
                explanation: format!("{} was not part of the consolidation's files; add this code to it by hand.", file_edits.file.display()),
            });
            continue;
        };
        let proposed = apply_edits(&base.text, &file_edits.edits);
        if proposed != base.text {
            mapped.push(MappedFile { path: base.path.clone(), original: base.text.clone(), proposed });
        }
    }
    Mapped { files: mapped, unmapped }
}

/// The "To port by hand" section of `report.md`: each unmapped change with its explanation and diff.
pub fn port_by_hand_section(unmapped: &[Unmapped], root: &Path) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "\n{PORT_BY_HAND_HEADING}\n");
    let _ = writeln!(out, "These changes of the optimized consolidated file could not be mapped back to your files safely and were not applied.\n");
    for (number, item) in unmapped.iter().enumerate() {
        let file = item.file.as_deref().map(|f| f.strip_prefix(root).unwrap_or(f).display().to_string()).unwrap_or_else(|| "no file".into());
        let piece = item.piece.map(|p| format!("piece {p}, ")).unwrap_or_default();
        let _ = writeln!(out, "### {}. {piece}{file}\n", number + 1);
        let _ = writeln!(out, "{}\n", item.explanation);
        if !item.diff_text.trim().is_empty() {
            let fence = if item.diff_text.contains("```") { "~~~~" } else { "```" };
            let _ = writeln!(out, "{fence}diff\n{}\n{fence}\n", item.diff_text.trim_end());
        }
    }
    out
}

/// Appends [`port_by_hand_section`] to the report (atomically); nothing when all was mapped.
pub fn append_port_by_hand(report_path: &Path, unmapped: &[Unmapped], root: &Path) -> std::io::Result<()> {
    if unmapped.is_empty() {
        return Ok(());
    }
    let mut report = std::fs::read_to_string(report_path).unwrap_or_default();
    report.push_str(&port_by_hand_section(unmapped, root));
    crate::fsio::write_atomic(report_path, report.as_bytes())
}

/// One line per unmapped change, for a message to the user.
pub fn describe_unmapped(unmapped: &[Unmapped], root: &Path) -> String {
    unmapped
        .iter()
        .map(|item| {
            let file = item.file.as_deref().map(|f| f.strip_prefix(root).unwrap_or(f).display().to_string()).unwrap_or_else(|| "new code".into());
            format!("{file}: {}", item.explanation)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consolidate::write_consolidated;

    const HELPER: &str = "def has(xs, x):\n    found = False\n    for y in xs:\n        if y == x:\n            found = True\n    return found\n";
    const TARGET: &str = "from .helpers import has\n\n\ndef common(a: list[int], b: list[int]) -> list[int]:\n    return [x for x in a if has(b, x)]\n";

    fn project() -> tempfile::TempDir {
        let root = tempfile::tempdir().unwrap();
        let pkg = root.path().join("pkg");
        std::fs::create_dir_all(&pkg).unwrap();
        std::fs::write(pkg.join("__init__.py"), "").unwrap();
        std::fs::write(pkg.join("helpers.py"), HELPER).unwrap();
        std::fs::write(pkg.join("core.py"), TARGET).unwrap();
        root
    }

    fn consolidated(root: &Path) -> (PathBuf, Consolidated, Vec<FileBase>) {
        let file = write_consolidated(root, &root.join("pkg/core.py"), "common").unwrap();
        let table = table_for(&file).expect("the written file is recognised as consolidated");
        let bases = snapshot(&table, &|p| std::fs::read_to_string(p).ok()).unwrap();
        (file, table, bases)
    }

    #[test]
    fn consolidated_files_are_recognised_and_ordinary_files_are_not() {
        let root = project();
        let (file, table, bases) = consolidated(root.path());
        assert_eq!(table.function, "common");
        assert_eq!(bases.len(), 2, "{bases:?}");
        assert!(table_for(&root.path().join("pkg/core.py")).is_none());
        assert!(table_for(&file.with_file_name("missing.py")).is_some(), "the folder decides, the table is next to it");
    }

    #[test]
    fn piece_summary_and_the_sources_alternative_name_the_files() {
        let root = project();
        let (_, table, _) = consolidated(root.path());
        assert_eq!(describe_pieces(&table), "2 pieces from 2 files (0 read-only)");
        let alternative = sources_alternative(&table, root.path()).expect("two small files fit");
        assert!(alternative.starts_with("weco run --sources pkg/"), "{alternative}");
        assert!(alternative.contains("pkg/helpers.py") && alternative.contains("pkg/core.py"), "{alternative}");
    }

    #[test]
    fn consolidating_and_mapping_back_unchanged_text_gives_no_edits() {
        let root = project();
        let (_, table, bases) = consolidated(root.path());
        let mapped = map_result(&table, &bases, &table.text);
        assert_eq!(mapped, Mapped::default());
    }

    #[test]
    fn a_change_in_the_helper_becomes_a_result_for_the_helpers_file_only() {
        let root = project();
        let (_, table, bases) = consolidated(root.path());
        let optimized =
            table.text.replace("    found = False\n    for y in xs:\n        if y == x:\n            found = True\n    return found", "    return x in xs");
        assert_ne!(optimized, table.text);
        let mapped = map_result(&table, &bases, &optimized);
        assert!(mapped.unmapped.is_empty(), "{:?}", mapped.unmapped);
        assert_eq!(mapped.files.len(), 1);
        assert!(mapped.files[0].path.ends_with("pkg/helpers.py"));
        assert_eq!(mapped.files[0].original, HELPER);
        assert_eq!(mapped.files[0].proposed, "def has(xs, x):\n    return x in xs\n");
    }

    #[test]
    fn files_edited_after_consolidating_are_refused_and_unmapped_changes_are_reported() {
        let root = project();
        let (_, table, _) = consolidated(root.path());
        std::fs::write(root.path().join("pkg/helpers.py"), format!("# moved\n\n{HELPER}")).unwrap();
        let error = snapshot(&table, &|p| std::fs::read_to_string(p).ok()).unwrap_err();
        assert!(error.contains("helpers.py") && error.contains("consolidate again"), "{error}");

        let unmapped = vec![Unmapped {
            piece: Some(1),
            file: Some(root.path().join("pkg/helpers.py")),
            reason: UnmappedReason::SymbolRenamed,
            diff_text: "-def has(xs, x):\n+def contains(xs, x):".into(),
            explanation: "renamed".into(),
        }];
        let report = root.path().join("report.md");
        std::fs::write(&report, "# Report\n").unwrap();
        append_port_by_hand(&report, &unmapped, root.path()).unwrap();
        let text = std::fs::read_to_string(&report).unwrap();
        assert!(text.starts_with("# Report\n") && text.contains(PORT_BY_HAND_HEADING), "{text}");
        assert!(text.contains("piece 1, pkg/helpers.py") && text.contains("+def contains") && text.contains("renamed"), "{text}");
        assert!(describe_unmapped(&unmapped, root.path()).starts_with("pkg/helpers.py: renamed"));
    }
}
