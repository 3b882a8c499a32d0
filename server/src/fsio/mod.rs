//! The one way the server writes a file: atomically, keeping what the file already was.
//!
//! Every writer (task folders, results, runs, reports, the user's own files on Apply) goes through
//! [`write_atomic`], so a reader never sees half a file and an existing file keeps its permissions,
//! owner, hard links and stays where its symbolic link points. The user's own files are written with
//! [`write_in_workspace`], which also refuses a file whose link leads out of the workspace.

pub mod seal;

use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes `contents` to `path` through a temporary file in the same folder and a rename.
///
/// When `path` is a symbolic link, the file it points to is replaced (the link stays a link); when
/// the file exists, the new one gets its permission bits and, where allowed, its owner. A file with
/// more than one hard link is rewritten in place after the temporary copy is complete, so every
/// link still shares it (a rename would split them). The parent folder must exist.
pub fn write_atomic(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::os::unix::fs::MetadataExt;
    let target = resolve_links(path);
    let dir = target.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let file_name = target.file_name().and_then(|n| n.to_str()).unwrap_or("file");
    // Unique per write: threads of one process may write the same file at once.
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let serial = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp = dir.join(format!(".{file_name}.tmp-{}-{serial}", std::process::id()));
    let existing = std::fs::metadata(&target).ok();
    let result = (|| {
        let mut file = std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp)?;
        file.write_all(contents)?;
        file.sync_all()?;
        drop(file);
        match &existing {
            Some(meta) if meta.nlink() > 1 && meta.is_file() => {
                // Overwriting in place is not atomic: only once the complete copy reads back.
                if std::fs::read(&tmp)? != contents {
                    return Err(std::io::Error::other("the temporary copy does not read back as written"));
                }
                rewrite_in_place(&target, contents, meta)?;
                std::fs::remove_file(&tmp)
            }
            Some(meta) => {
                std::fs::set_permissions(&tmp, meta.permissions())?;
                // Only root can give a file away; for anyone else the owner is already theirs.
                let _ = std::os::unix::fs::chown(&tmp, Some(meta.uid()), Some(meta.gid()));
                std::fs::rename(&tmp, &target)
            }
            None => std::fs::rename(&tmp, &target),
        }
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Truncates and rewrites a hard-linked file, keeping its inode; a read-only one is made writable
/// for the write and gets its mode back.
fn rewrite_in_place(target: &Path, contents: &[u8], meta: &std::fs::Metadata) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let mode = meta.permissions().mode();
    let read_only = mode & 0o200 == 0;
    if read_only {
        std::fs::set_permissions(target, std::fs::Permissions::from_mode(mode | 0o200))?;
    }
    let written = (|| {
        let mut file = std::fs::OpenOptions::new().write(true).truncate(true).open(target)?;
        file.write_all(contents)?;
        file.sync_all()
    })();
    if read_only {
        let _ = std::fs::set_permissions(target, std::fs::Permissions::from_mode(mode));
    }
    written
}

/// Writes one of the user's files (Apply), refusing when it, or the file its symbolic link
/// points to, lies outside `root`.
pub fn write_in_workspace(root: &Path, path: &Path, contents: &[u8]) -> std::io::Result<()> {
    let root = std::fs::canonicalize(root)?;
    let target = resolve_links(path);
    let folder = target.parent().map(std::fs::canonicalize).transpose()?.unwrap_or_else(|| root.clone());
    if !folder.starts_with(&root) {
        return Err(std::io::Error::new(
            std::io::ErrorKind::PermissionDenied,
            format!("{} leads outside the workspace (to {}); it was not written", path.display(), target.display()),
        ));
    }
    write_atomic(path, contents)
}

/// Whether `path` (absolute, or relative to `root`) stays inside `root`, `..` and symbolic links
/// of its existing part resolved. For paths read back from records a repository may ship.
pub fn is_inside(root: &Path, path: &Path) -> bool {
    let Ok(root) = std::fs::canonicalize(root) else { return false };
    let joined = if path.is_absolute() { path.to_path_buf() } else { root.join(path) };
    let mut normal = PathBuf::new();
    for part in joined.components() {
        match part {
            std::path::Component::ParentDir => {
                if !normal.pop() {
                    return false;
                }
            }
            std::path::Component::CurDir => {}
            other => normal.push(other),
        }
    }
    // The longest existing ancestor, with its links resolved, plus the part that does not exist yet.
    let mut existing = normal.as_path();
    let mut rest = Vec::new();
    while std::fs::symlink_metadata(existing).is_err() {
        let (Some(parent), Some(name)) = (existing.parent(), existing.file_name()) else { return false };
        rest.push(name.to_owned());
        existing = parent;
    }
    let Ok(mut resolved) = std::fs::canonicalize(existing) else { return false };
    resolved.extend(rest.iter().rev());
    resolved.starts_with(&root)
}

/// The file a chain of symbolic links ends at (relative links resolve against their folder).
fn resolve_links(path: &Path) -> PathBuf {
    let mut current = path.to_path_buf();
    for _ in 0..32 {
        match std::fs::read_link(&current) {
            Ok(next) => current = if next.is_absolute() { next } else { current.parent().unwrap_or(Path::new(".")).join(next) },
            Err(_) => break,
        }
    }
    current
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    #[test]
    fn an_existing_file_keeps_its_mode_and_a_link_stays_a_link() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("real.py");
        std::fs::write(&real, "old").unwrap();
        std::fs::set_permissions(&real, std::fs::Permissions::from_mode(0o750)).unwrap();
        let link = dir.path().join("link.py");
        std::os::unix::fs::symlink("real.py", &link).unwrap();
        write_atomic(&link, b"new").unwrap();
        assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
        assert_eq!(std::fs::read_to_string(&real).unwrap(), "new");
        assert_eq!(std::fs::metadata(&real).unwrap().permissions().mode() & 0o777, 0o750);
        let fresh = dir.path().join("fresh.txt");
        write_atomic(&fresh, b"x").unwrap();
        assert_eq!(std::fs::read(&fresh).unwrap(), b"x");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 3, "no temporary file left behind");
    }

    #[test]
    fn a_hard_linked_file_keeps_its_inode_and_links_and_a_read_only_one_its_mode() {
        use std::os::unix::fs::MetadataExt;
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("a.py");
        let other = dir.path().join("b.py");
        std::fs::write(&file, "old").unwrap();
        std::fs::hard_link(&file, &other).unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o444)).unwrap();
        let inode = std::fs::metadata(&file).unwrap().ino();
        write_atomic(&file, b"new").unwrap();
        assert_eq!(std::fs::metadata(&file).unwrap().ino(), inode);
        assert_eq!(std::fs::read_to_string(&other).unwrap(), "new");
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o444);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 2, "no temporary file left behind");
    }

    #[test]
    fn a_private_file_stays_private() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("secret.py");
        std::fs::write(&file, "old").unwrap();
        std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
        write_atomic(&file, b"new").unwrap();
        assert_eq!(std::fs::metadata(&file).unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn a_link_out_of_the_workspace_is_not_written_through() {
        let outside = tempfile::tempdir().unwrap();
        let root = tempfile::tempdir().unwrap();
        let foreign = outside.path().join("foreign.py");
        std::fs::write(&foreign, "theirs").unwrap();
        let link = root.path().join("mine.py");
        std::os::unix::fs::symlink(&foreign, &link).unwrap();
        let error = write_in_workspace(root.path(), &link, b"ours").unwrap_err();
        assert!(error.to_string().contains("outside the workspace"), "{error}");
        assert_eq!(std::fs::read_to_string(&foreign).unwrap(), "theirs");
        let inside = root.path().join("real.py");
        std::fs::write(&inside, "a").unwrap();
        let link_in = root.path().join("alias.py");
        std::os::unix::fs::symlink("real.py", &link_in).unwrap();
        write_in_workspace(root.path(), &link_in, b"b").unwrap();
        assert_eq!(std::fs::read_to_string(&inside).unwrap(), "b");
        assert!(std::fs::symlink_metadata(&link_in).unwrap().file_type().is_symlink());
    }

    #[test]
    fn paths_that_leave_the_root_are_outside() {
        let outside = tempfile::tempdir().unwrap();
        let root = tempfile::tempdir().unwrap();
        std::fs::create_dir(root.path().join("src")).unwrap();
        std::os::unix::fs::symlink(outside.path(), root.path().join("escape")).unwrap();
        assert!(is_inside(root.path(), &root.path().join("src/a.py")));
        assert!(is_inside(root.path(), Path::new("src/new/b.py")));
        assert!(!is_inside(root.path(), &root.path().join("src/../../etc/passwd")));
        assert!(!is_inside(root.path(), Path::new("/etc/passwd")));
        assert!(!is_inside(root.path(), &root.path().join("escape/x.py")));
    }
}
