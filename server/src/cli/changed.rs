//! `analyze --changed [--base HEAD|index|merge-base]`: which lines of which files changed against a git base, so the
//! analysis can list only the functions a change touched. Untracked files count as wholly changed, renames are
//! followed (lines are those of the new path), a deletion marks the line it happened at.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What `--base` compares the working tree with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// The last commit (staged and unstaged changes).
    Head,
    /// The index (unstaged changes only).
    Index,
    /// Where the branch left its upstream (or `main`/`master`): everything the branch changed.
    MergeBase,
}

impl Base {
    pub fn parse(text: &str) -> Result<Base, String> {
        match text {
            "HEAD" | "head" => Ok(Base::Head),
            "index" => Ok(Base::Index),
            "merge-base" => Ok(Base::MergeBase),
            other => Err(format!("--base {other:?}: expected HEAD, index or merge-base")),
        }
    }
}

/// Changed lines per file (absolute paths); `None` for a file changed as a whole (untracked, or new in a repository
/// without commits).
pub type Changes = HashMap<PathBuf, Option<Vec<(u32, u32)>>>;

/// The lines changed under `folder` against `base`, and a note to print when the base had to be chosen differently.
pub fn changes(folder: &Path, base: Base) -> Result<(Changes, Option<String>), String> {
    let top =
        git(folder, &["rev-parse", "--show-toplevel"]).map_err(|_| format!("{} is not in a git repository: --changed compares with git", folder.display()))?;
    let top = PathBuf::from(top.trim());
    let has_head = git(&top, &["rev-parse", "--verify", "--quiet", "HEAD"]).is_ok();
    let mut note = None;
    let mut arguments: Vec<String> = vec!["diff".into(), "--no-color".into(), "--no-ext-diff".into(), "-U0".into(), "--find-renames".into()];
    match base {
        Base::Index => {}
        Base::Head if has_head => arguments.push("HEAD".into()),
        Base::Head => {
            // No commit yet: everything is new.
            note = Some("the repository has no commit yet: every file counts as changed".into());
            arguments.push(EMPTY_TREE.into());
        }
        Base::MergeBase => {
            if !has_head {
                return Err("the repository has no commit yet, so there is no merge base: use --base HEAD".into());
            }
            let upstream = ["@{upstream}", "origin/HEAD", "origin/main", "origin/master", "main", "master"]
                .iter()
                .find(|candidate| git(&top, &["rev-parse", "--verify", "--quiet", &format!("{candidate}^{{commit}}")]).is_ok())
                .ok_or("no upstream, origin/HEAD, main or master to find a merge base with: use --base HEAD")?;
            let merge_base = git(&top, &["merge-base", "HEAD", upstream]).map_err(|_| {
                format!("HEAD and {upstream} have no common commit here (a shallow clone?): fetch more history (`git fetch --unshallow`) or use --base HEAD")
            })?;
            arguments.push(merge_base.trim().to_string());
            note = Some(format!("compared with the merge base of HEAD and {upstream} ({})", &merge_base.trim()[..merge_base.trim().len().min(12)]));
        }
    }
    arguments.push("--".into());
    arguments.push(folder.to_string_lossy().into_owned());
    let argument_refs: Vec<&str> = arguments.iter().map(String::as_str).collect();
    let diff = git(&top, &argument_refs)?;
    let mut changes = parse_diff(&diff, &top);
    let untracked = git(&top, &["ls-files", "--others", "--exclude-standard", "-z", "--", &folder.to_string_lossy()])?;
    for name in untracked.split('\0').filter(|n| !n.is_empty()) {
        changes.insert(top.join(name), None);
    }
    Ok((changes, note))
}

/// The tree of an empty commit: a diff against it lists every tracked file as added.
const EMPTY_TREE: &str = "4b825dc642cb6eb9a060e54bf8d69288fbee4904";

fn git(cwd: &Path, arguments: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .args(arguments)
        .current_dir(cwd)
        // A user's pager, colours or external diff must not change what is parsed.
        .env("GIT_PAGER", "cat")
        .env("GIT_EXTERNAL_DIFF", "")
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The new side's changed line ranges of a `-U0` diff, per file (the `+++ b/` path, so renames land on the new name).
pub fn parse_diff(diff: &str, top: &Path) -> Changes {
    let mut changes: Changes = HashMap::new();
    let mut current: Option<PathBuf> = None;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            current = match path {
                "/dev/null" => None,
                path => Some(top.join(path.strip_prefix("b/").unwrap_or(path))),
            };
            continue;
        }
        let (Some(file), Some(header)) = (current.as_ref(), line.strip_prefix("@@ ")) else { continue };
        let Some(new_side) = header.split_whitespace().find(|part| part.starts_with('+')) else { continue };
        let mut numbers = new_side[1..].splitn(2, ',');
        let start: u32 = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(0);
        let count: u32 = numbers.next().and_then(|n| n.parse().ok()).unwrap_or(1);
        // A deletion (`+12,0`) happened after line 12: it marks that line (line 1 when at the top).
        let range = if count == 0 { (start.max(1), start.max(1)) } else { (start, start + count - 1) };
        if let Some(ranges) = changes.entry(file.clone()).or_insert_with(|| Some(Vec::new())) {
            ranges.push(range);
        }
    }
    changes
}

/// Whether a function spanning `first..=last` (1-based lines) holds a change of `file`.
pub fn touches(changes: &Changes, file: &Path, first: u32, last: u32) -> bool {
    match changes.get(file) {
        Some(None) => true,
        Some(Some(ranges)) => ranges.iter().any(|&(start, end)| start <= last && end >= first),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_give_new_side_ranges_and_deletions_mark_their_line() {
        let diff = "diff --git a/a.py b/a.py\n--- a/a.py\n+++ b/a.py\n@@ -3 +3 @@ def f():\n-x\n+y\n@@ -10,2 +9,0 @@\n-gone\n-gone\n\
                    diff --git a/old.py b/new.py\nsimilarity index 90%\nrename from old.py\nrename to new.py\n--- a/old.py\n+++ b/new.py\n@@ -1,0 +2,3 @@\n+a\n+b\n+c\n\
                    diff --git a/del.py b/del.py\n--- a/del.py\n+++ /dev/null\n@@ -1,2 +0,0 @@\n-x\n-y\n";
        let top = Path::new("/repo");
        let changes = parse_diff(diff, top);
        assert_eq!(changes[&top.join("a.py")], Some(vec![(3, 3), (9, 9)]));
        assert_eq!(changes[&top.join("new.py")], Some(vec![(2, 4)]));
        assert!(!changes.contains_key(&top.join("del.py")));
        assert!(touches(&changes, &top.join("a.py"), 1, 3) && touches(&changes, &top.join("a.py"), 8, 12));
        assert!(!touches(&changes, &top.join("a.py"), 4, 8));
        assert!(!touches(&changes, &top.join("other.py"), 1, 100));
    }
}
