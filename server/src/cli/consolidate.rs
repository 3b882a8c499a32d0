//! `weco-lsp consolidate FILE::FUNCTION`: writes the self-contained file for a function and its
//! project-local dependencies, and says what is in it and whether weco's `--sources` would do.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::fail;
use super::optimize::parse_target;
use crate::consolidate::write_consolidated;
use crate::optimize::consolidated as consolidated_run;

pub const USAGE: &str = "weco-lsp consolidate FILE::FUNCTION";

pub fn run(target: &str, out: &mut impl Write) -> ExitCode {
    let Some((file, function)) = parse_target(target) else { return fail(&format!("`{target}` is not FILE::FUNCTION\nusage: {USAGE}")) };
    let Ok(file) = std::path::absolute(&file) else { return fail("bad file path") };
    if !file.is_file() {
        return fail(&format!("{} does not exist", file.display()));
    }
    let root = crate::workspace::project_root_for(&file);
    let written = match write_consolidated(&root, &file, &function) {
        Ok(path) => path,
        Err(e) => return fail(&format!("could not consolidate `{function}`: {e}")),
    };
    let Some(table) = consolidated_run::table_for(&written) else {
        return fail(&format!("the piece table next to {} could not be read back", written.display()));
    };
    let root = std::fs::canonicalize(&root).unwrap_or(root);
    let shown = |path: &Path| -> PathBuf { path.strip_prefix(&root).unwrap_or(path).to_path_buf() };
    let _ = writeln!(out, "weco: consolidated `{}` into {}", table.function, written.display());
    let _ = writeln!(out, "weco: {}; the piece table is {}", consolidated_run::describe_pieces(&table), written.with_file_name("pieces.json").display());
    for piece in &table.pieces {
        let mut flags = Vec::new();
        if piece.target {
            flags.push("target");
        }
        if piece.readonly {
            flags.push("read-only");
        }
        let flags = if flags.is_empty() { String::new() } else { format!(" ({})", flags.join(", ")) };
        let _ = writeln!(out, "  piece {}: {} `{}` from {}{flags}", piece.id, piece.kind.id(), piece.symbol, shown(&piece.file).display());
    }
    for note in &table.notes {
        let _ = writeln!(out, "weco: note: {note}");
    }
    match consolidated_run::sources_alternative(&table, &root) {
        Some(command) => {
            let _ = writeln!(
                out,
                "weco: these files also fit weco's --sources limits (10 files, 200 KB each, 500 KB in all); optimizing them as they are is the alternative:"
            );
            let _ = writeln!(out, "  {command}");
        }
        None => {
            let _ = writeln!(out, "weco: the pieces come from one file or exceed weco's --sources limits; optimize the consolidated file.");
        }
    }
    let _ = writeln!(
        out,
        "weco: `weco-lsp optimize {}::{}` optimizes it in a terminal (the diff is of the consolidated file); in the editor, Consolidate for optimization maps the result back to your files.",
        written.display(),
        table.function
    );
    ExitCode::SUCCESS
}
