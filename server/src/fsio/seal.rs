//! Records this machine wrote: an HMAC-SHA256 over a record's bytes, with a per-user key kept
//! outside every workspace, so a `.weco/` record a repository ships is never acted on.
//!
//! `result.json` names files to edit and `task.json` holds the command a resumed run executes; a
//! repository can pre-fill both. The key lives in `$WECO_LSP_STATE_DIR`, else
//! `$XDG_STATE_HOME/weco-lsp`, else `~/.local/state/weco-lsp` (folder 0700, key file 0600), which
//! no checkout can write. The tag sits next to the record as `<record>.seal`.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use hmac::{Hmac, Mac};
use sha2::Sha256;

const KEY_FILE: &str = "record-key";

fn state_dir() -> Option<PathBuf> {
    let from = |var: &str| std::env::var_os(var).filter(|v| !v.is_empty()).map(PathBuf::from);
    from("WECO_LSP_STATE_DIR").or_else(|| from("XDG_STATE_HOME").map(|d| d.join("weco-lsp"))).or_else(|| from("HOME").map(|h| h.join(".local/state/weco-lsp")))
}

fn key() -> Option<&'static [u8]> {
    static KEY: OnceLock<Option<Vec<u8>>> = OnceLock::new();
    KEY.get_or_init(|| {
        let dir = state_dir()?;
        let path = dir.join(KEY_FILE);
        match load_or_create(&dir, &path) {
            Ok(key) => Some(key),
            Err(error) => {
                tracing::warn!("no key for sealing .weco records ({}: {error}); results and resumes from earlier sessions will not be offered", path.display());
                None
            }
        }
    })
    .as_deref()
}

fn load_or_create(dir: &Path, path: &Path) -> std::io::Result<Vec<u8>> {
    if let Ok(key) = std::fs::read(path)
        && key.len() >= 32
    {
        return Ok(key);
    }
    std::fs::DirBuilder::new().recursive(true).mode(0o700).create(dir)?;
    let mut key = vec![0u8; 32];
    std::fs::File::open("/dev/urandom").and_then(|mut f| std::io::Read::read_exact(&mut f, &mut key))?;
    // create_new: two servers starting at once agree on the first key written.
    match std::fs::OpenOptions::new().write(true).create_new(true).mode(0o600).open(path) {
        Ok(mut file) => {
            file.write_all(&key)?;
            file.sync_all()?;
            Ok(key)
        }
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => std::fs::read(path),
        Err(e) => Err(e),
    }
}

fn tag(bytes: &[u8]) -> Option<String> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key()?).ok()?;
    mac.update(bytes);
    Some(mac.finalize().into_bytes().iter().map(|b| format!("{b:02x}")).collect())
}

pub fn seal_path(record: &Path) -> PathBuf {
    let mut name = record.file_name().unwrap_or_default().to_os_string();
    name.push(".seal");
    record.with_file_name(name)
}

/// Writes `bytes` to `record` and its seal next to it.
pub fn write_sealed(record: &Path, bytes: &[u8]) -> std::io::Result<()> {
    super::write_atomic(record, bytes)?;
    match tag(bytes) {
        Some(tag) => super::write_atomic(&seal_path(record), tag.as_bytes()),
        None => Err(std::io::Error::other("no sealing key")),
    }
}

/// The bytes of `record` when its seal is this machine's; `None` when missing, unsealed or altered
/// (then logged, with the reason).
pub fn read_sealed(record: &Path) -> Option<Vec<u8>> {
    let bytes = std::fs::read(record).ok()?;
    let seal = std::fs::read_to_string(seal_path(record)).unwrap_or_default();
    let expected = tag(&bytes)?;
    // Constant-time comparison is not needed: the tag is not secret, only unforgeable.
    if seal.trim() != expected {
        tracing::warn!("ignoring {}: it was not written by weco-lsp on this machine (a copied or shipped record)", record.display());
        return None;
    }
    Some(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_record_reads_back_and_an_altered_or_shipped_one_does_not() {
        let dir = tempfile::tempdir().unwrap();
        let record = dir.path().join("result.json");
        write_sealed(&record, b"{\"a\":1}").unwrap();
        assert_eq!(read_sealed(&record).unwrap(), b"{\"a\":1}");
        std::fs::write(&record, b"{\"a\":2}").unwrap();
        assert!(read_sealed(&record).is_none(), "altered");
        let shipped = dir.path().join("task.json");
        std::fs::write(&shipped, b"{}").unwrap();
        assert!(read_sealed(&shipped).is_none(), "no seal");
        std::fs::write(seal_path(&shipped), "0".repeat(64)).unwrap();
        assert!(read_sealed(&shipped).is_none(), "a made-up seal");
    }
}
