//! Where task files live: task names, the `.weco/<task>/` folder, atomic writes, backups, existing evaluations.

use std::path::{Path, PathBuf};

/// The folder holding every task and the shared profile.
pub fn weco_dir(workspace_root: &Path) -> PathBuf {
    workspace_root.join(".weco")
}

/// What `.weco/.gitignore` holds: task folders, logs and results never reach a commit by accident.
pub const WECO_GITIGNORE: &str = "# Written by weco-lsp: task folders, run logs and results stay out of version control.\n# Delete this file to commit something from .weco/ on purpose.\n*\n";

/// Creates `.weco/` with its `.gitignore` (an existing `.gitignore` is the user's and kept).
/// A `.weco` or `.weco/rules` that is a symbolic link (a repository can ship one pointing anywhere)
/// is refused: nothing is ever written through it.
pub fn ensure_weco_dir(workspace_root: &Path) -> std::io::Result<PathBuf> {
    let dir = weco_dir(workspace_root);
    for path in [dir.clone(), dir.join("rules")] {
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
            return Err(std::io::Error::other(format!(
                "{} is a symbolic link; weco-lsp writes only into a real folder inside the workspace. Remove the link (a repository may have shipped it) and try again",
                path.display()
            )));
        }
    }
    std::fs::create_dir_all(&dir)?;
    let ignore = dir.join(".gitignore");
    if std::fs::symlink_metadata(&ignore).is_err() {
        crate::fsio::write_atomic(&ignore, WECO_GITIGNORE.as_bytes())?;
    }
    Ok(dir)
}

/// A task name derived from the function: safe characters only, unique among existing task folders
/// (`slow_sum`, then `slow_sum_2`...). `Class.method` becomes `Class_method`.
pub fn unique_task_name(workspace_root: &Path, function: &str) -> String {
    let base = safe_name(function);
    let weco = weco_dir(workspace_root);
    if !weco.join(&base).exists() {
        return base;
    }
    (2..).map(|n| format!("{base}_{n}")).find(|name| !weco.join(name).exists()).unwrap_or(base)
}

/// Creates a new task folder for `function` and returns its name and path. The folder is claimed
/// with one `mkdir`, so two runs started at once (two terminals, an editor and a terminal) never
/// share one: the second gets `<name>_2`.
pub fn claim_task_folder(workspace_root: &Path, function: &str) -> std::io::Result<(String, PathBuf)> {
    ensure_weco_dir(workspace_root)?;
    let weco = weco_dir(workspace_root);
    let base = safe_name(function);
    for name in std::iter::once(base.clone()).chain((2..10_000).map(|n| format!("{base}_{n}"))) {
        let dir = weco.join(&name);
        match std::fs::create_dir(&dir) {
            Ok(()) => return Ok((name, dir)),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
    Err(std::io::Error::other(format!("no free task folder name for {base} in {}", weco.display())))
}

fn safe_name(function: &str) -> String {
    let mut name: String = function.chars().map(|c| if c.is_ascii_alphanumeric() || c == '_' || c == '-' { c } else { '_' }).collect();
    name = name.trim_matches('_').to_string();
    if name.is_empty() || name.starts_with('.') {
        name = format!("task{name}");
    }
    name.truncate(64);
    name
}

/// Copies the user's file to `<file>.backup` (atomically) before an in-place task may rewrite it.
/// An existing backup is kept as `<file>.backup.N` so no earlier original is lost.
pub fn write_backup(file: &Path) -> std::io::Result<PathBuf> {
    let contents = std::fs::read(file)?;
    let mut backup = PathBuf::from(format!("{}.backup", file.display()));
    let mut n = 1;
    while backup.exists() {
        if std::fs::read(&backup).is_ok_and(|old| old == contents) {
            return Ok(backup);
        }
        backup = PathBuf::from(format!("{}.backup.{n}", file.display()));
        n += 1;
    }
    crate::fsio::write_atomic(&backup, &contents)?;
    Ok(backup)
}

/// Evaluation scripts already in the workspace, offered for reuse: `evaluate.py`, `eval.py`, `benchmark.py`,
/// `test_*.py` and `.weco/*/evaluate.py`. Skips virtual environments, VCS folders and dependencies.
pub fn find_existing_evals(workspace_root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    walk(workspace_root, 0, &mut found);
    let weco = weco_dir(workspace_root);
    if let Ok(entries) = std::fs::read_dir(&weco) {
        for entry in entries.flatten() {
            let candidate = entry.path().join("evaluate.py");
            if candidate.is_file() {
                found.push(candidate);
            }
        }
    }
    found.sort();
    found.dedup();
    found
}

const SKIPPED_DIRS: &[&str] = &[".git", ".hg", ".venv", "venv", "env", "node_modules", "target", "__pycache__", ".weco", ".tox", "build", "dist"];

fn walk(dir: &Path, depth: usize, found: &mut Vec<PathBuf>) {
    if depth > 6 || found.len() > 200 {
        return;
    }
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            if !SKIPPED_DIRS.contains(&name.as_str()) && !name.starts_with('.') {
                walk(&path, depth + 1, found);
            }
        } else if kind.is_file() && is_eval_name(&name) {
            found.push(path);
        }
    }
}

fn is_eval_name(name: &str) -> bool {
    matches!(name, "evaluate.py" | "eval.py" | "benchmark.py") || (name.starts_with("test_") && name.ends_with(".py"))
}

/// Test files or folders of the project, for recording inputs: `tests/`, `test/`, or `test_*.py` at the root.
pub fn find_test_paths(workspace_root: &Path) -> Vec<PathBuf> {
    let mut paths: Vec<PathBuf> = ["tests", "test"].iter().map(|d| workspace_root.join(d)).filter(|p| p.is_dir()).collect();
    if paths.is_empty() {
        let mut found = Vec::new();
        walk(workspace_root, 0, &mut found);
        paths = found.into_iter().filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("test_"))).collect();
    }
    paths
}
