//! Reading a project from disk: finding its source files, their module identity, and building the project index.
//!
//! This is the IO side of `analysis::index`. Directories that never hold project code
//! (virtual environments, build output, VCS data, our own `.weco/` task folders) are skipped,
//! and so are unreadable or oversized files: one bad file never stops the scan.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::index::{ModuleKey, ProjectIndex};
use crate::analysis::{self, FileAnalysis, Language};

/// Files larger than this are not indexed (generated code, data dumps).
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

const SKIPPED_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".weco",
    ".runs",
    "target",
    "node_modules",
    "__pycache__",
    ".venv",
    "venv",
    "env",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    "site-packages",
    "dist",
    "build",
    ".eggs",
];

/// Where imports are resolved from, for one workspace root.
#[derive(Debug, Clone)]
pub struct ProjectLayout {
    pub root: PathBuf,
    /// The root itself and `src/` when it exists (the "src layout").
    pub python_roots: Vec<PathBuf>,
}

impl ProjectLayout {
    pub fn new(root: &Path) -> ProjectLayout {
        let root = root.to_path_buf();
        let mut python_roots = vec![root.clone()];
        if root.join("src").is_dir() {
            python_roots.push(root.join("src"));
        }
        ProjectLayout { root, python_roots }
    }

    /// The module identity of `path` (Rust crates are found through the nearest `Cargo.toml`).
    pub fn module_key(&self, path: &Path) -> Option<ModuleKey> {
        let crate_root = match Language::from_path(path)? {
            Language::Rust => nearest_crate_root(path, &self.root),
            Language::Python => None,
        };
        ModuleKey::for_path(path, &self.python_roots, crate_root.as_deref())
    }
}

/// The nearest ancestor of `path` (not above `stop`) holding a `Cargo.toml`.
fn nearest_crate_root(path: &Path, stop: &Path) -> Option<PathBuf> {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if d.join("Cargo.toml").is_file() {
            return Some(d.to_path_buf());
        }
        if d == stop {
            break;
        }
        dir = d.parent();
    }
    None
}

/// All Python and Rust files under `root`, sorted, skipping the directories above and symlinked dirs.
pub fn source_files(root: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let Ok(file_type) = entry.file_type() else { continue };
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if file_type.is_dir() {
                if !SKIPPED_DIRS.contains(&name.as_ref()) && !name.ends_with(".egg-info") {
                    stack.push(path);
                }
            } else if file_type.is_file() && Language::from_path(&path).is_some() {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Why a file could not be analysed.
#[derive(Debug)]
pub enum ReadError {
    Io(std::io::Error),
    TooLarge(u64),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::Io(e) => write!(f, "{e}"),
            ReadError::TooLarge(n) => write!(f, "file is {n} bytes, over the {MAX_FILE_BYTES}-byte limit"),
        }
    }
}

/// Folders whose code is tests, benchmarks or fuzz targets.
const SUPPORT_FOLDERS: &[&str] = &["tests", "test", "testing", "benches", "benchmarks", "bench", "fuzz", "fuzz_targets"];

/// Whether `file` is test, benchmark or fuzzing code (where it lives below `root`, or its name: `test_*.py`,
/// `*_test.py`, `*_tests.py`, `conftest.py`). Its loops run on fixtures, not on users' data, so its findings are hints: no lens,
/// no diagnostic. Only the part of the path below `root` counts (a project inside a folder named `tests` is not
/// all tests).
pub fn is_support_code(root: &Path, file: &Path) -> bool {
    let name = file.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
    let named = (name.starts_with("test_") && name.ends_with(".py")) || name.ends_with("_test.py") || name.ends_with("_tests.py") || name == "conftest.py";
    let folders = file
        .strip_prefix(root)
        .ok()
        .and_then(Path::parent)
        .is_some_and(|dir| dir.components().any(|c| SUPPORT_FOLDERS.contains(&c.as_os_str().to_string_lossy().as_ref())));
    named || folders
}

/// Reads a source file as text; invalid UTF-8 is replaced rather than refused, so that one bad
/// byte does not hide a whole file.
pub fn read_source(path: &Path, max_bytes: u64) -> Result<String, ReadError> {
    let size = fs::metadata(path).map_err(ReadError::Io)?.len();
    if size > max_bytes {
        return Err(ReadError::TooLarge(size));
    }
    let bytes = fs::read(path).map_err(ReadError::Io)?;
    Ok(match String::from_utf8(bytes) {
        Ok(text) => text,
        Err(e) => String::from_utf8_lossy(e.as_bytes()).into_owned(),
    })
}

/// Parses and analyses one file from disk.
pub fn analyze_file(path: &Path) -> Option<FileAnalysis> {
    let language = Language::from_path(path)?;
    let text = read_source(path, MAX_FILE_BYTES).ok()?;
    Some(analysis::analyze_source(language, &text))
}

/// Builds the index of every source file under the layouts' roots, on `threads` threads.
pub fn build_index(layouts: &[ProjectLayout], threads: usize) -> ProjectIndex {
    let jobs: Vec<(PathBuf, &ProjectLayout)> = layouts.iter().flat_map(|l| source_files(&l.root).into_iter().map(move |p| (p, l))).collect();
    let threads = threads.clamp(1, 16);
    let chunk = jobs.len().div_ceil(threads).max(1);
    let analysed: Vec<(PathBuf, Arc<FileAnalysis>, Option<ModuleKey>)> = std::thread::scope(|scope| {
        let handles: Vec<_> = jobs
            .chunks(chunk)
            .map(|part| {
                scope.spawn(move || {
                    part.iter()
                        .filter_map(|(path, layout)| {
                            let analysis = analyze_file(path)?;
                            Some((path.clone(), Arc::new(analysis), layout.module_key(path)))
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().unwrap_or_default()).collect()
    });
    let mut index = ProjectIndex::default();
    for (path, analysis, module) in analysed {
        index.insert(path, analysis, module);
    }
    index
}

/// The project root for a file outside any editor workspace folder: the version-control root, else
/// the nearest marker above the file, unless that marker sits inside a Python package (a folder with an
/// `__init__.py`) or an installed-packages folder that itself lies under a higher marker, as
/// packages ship their own `pyproject.toml` or `setup.cfg` (`numpy/f2py/`, wheels unpacked in place).
/// Else the file's folder.
pub fn project_root_for(path: &Path) -> PathBuf {
    const MARKERS: &[&str] = &["pyproject.toml", "setup.py", "setup.cfg", "Cargo.toml"];
    const VCS: &[&str] = &[".git", ".hg", ".jj"];
    let start = if path.is_dir() { Some(path) } else { path.parent() };
    let ancestors: Vec<&Path> = start.map(|s| s.ancestors().collect()).unwrap_or_default();
    // A home folder under version control (dotfiles) is not a project.
    if let Some(vcs) = ancestors.iter().find(|d| VCS.iter().any(|m| d.join(m).exists()) && unsuitable_root(d).is_none()) {
        return vcs.to_path_buf();
    }
    let marked: Vec<&Path> = ancestors.iter().copied().filter(|d| MARKERS.iter().any(|m| d.join(m).exists())).collect();
    let inside_a_package = |d: &Path| {
        d.join("__init__.py").exists()
            || d.parent().is_some_and(|p| p.join("__init__.py").exists())
            || d.components().any(|c| matches!(c.as_os_str().to_str(), Some("site-packages" | "dist-packages")))
    };
    let mut chosen = marked.first().copied();
    while let Some(current) = chosen {
        let higher = marked.iter().copied().find(|d| d.as_os_str().len() < current.as_os_str().len());
        match higher {
            Some(higher) if inside_a_package(current) => chosen = Some(higher),
            _ => break,
        }
    }
    chosen.or(start).map(Path::to_path_buf).unwrap_or_else(|| PathBuf::from("."))
}

/// Why `root` cannot be a project root (the filesystem root, the home folder itself), if it cannot:
/// `.weco/` would land there, shared by everything below.
pub fn unsuitable_root(root: &Path) -> Option<String> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let canonical = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    if canonical.parent().is_none() {
        return Some(format!("{} is the filesystem root; open the project's own folder (the one with its pyproject.toml, Cargo.toml or .git)", root.display()));
    }
    if home.as_deref().and_then(|h| std::fs::canonicalize(h).ok()).is_some_and(|h| h == canonical) {
        return Some(format!(
            "{} is your home folder, not a project; open the project's own folder (the one with its pyproject.toml, Cargo.toml or .git)",
            root.display()
        ));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn touch(path: &Path) {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, "").unwrap();
    }

    #[test]
    fn tests_benchmarks_and_fuzz_targets_below_the_root_are_support_code() {
        let root = Path::new("/home/u/tests/proj");
        for file in ["tests/test_shop.py", "pkg/tests/helpers.py", "benches/parse.rs", "fuzz/fuzz_targets/a.rs", "conftest.py", "pkg/shop_test.py"] {
            assert!(is_support_code(root, &root.join(file)), "{file}");
        }
        for file in ["pkg/shop.py", "src/lib.rs", "pkg/testament.py", "examples/demo.py"] {
            assert!(!is_support_code(root, &root.join(file)), "{file}: a `tests` folder above the root does not count");
        }
    }

    #[test]
    fn a_marker_a_package_ships_inside_itself_is_not_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("proj");
        touch(&root.join("pyproject.toml"));
        touch(&root.join("lib/__init__.py"));
        touch(&root.join("lib/f2py/__init__.py"));
        touch(&root.join("lib/f2py/setup.cfg"));
        touch(&root.join("lib/f2py/crackfortran.py"));
        assert_eq!(project_root_for(&root.join("lib/f2py/crackfortran.py")), root);
        // An installed layout: a pyproject.toml inside the package folder.
        touch(&root.join("vendor/site-packages/pkg/pyproject.toml"));
        touch(&root.join("vendor/site-packages/pkg/m.py"));
        assert_eq!(project_root_for(&root.join("vendor/site-packages/pkg/m.py")), root);
        // A plain project with its own marker.
        touch(&root.join("tools/sub/pyproject.toml"));
        touch(&root.join("tools/sub/run.py"));
        assert_eq!(project_root_for(&root.join("tools/sub/run.py")), root.join("tools/sub"));
    }

    #[test]
    fn the_version_control_root_wins() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir_all(root.join(".git")).unwrap();
        touch(&root.join("packages/a/pyproject.toml"));
        touch(&root.join("packages/a/a.py"));
        assert_eq!(project_root_for(&root.join("packages/a/a.py")), root);
    }

    #[test]
    fn the_filesystem_root_and_the_home_folder_are_not_project_roots() {
        assert!(unsuitable_root(Path::new("/")).is_some());
        if let Some(home) = std::env::var_os("HOME") {
            assert!(unsuitable_root(Path::new(&home)).unwrap().contains("home folder"));
        }
        let dir = tempfile::tempdir().unwrap();
        assert!(unsuitable_root(dir.path()).is_none());
    }
}
