//! Checks before spending a weco run: the CLI is installed, a key is present, the source fits weco's
//! limits and no other weco loop holds this directory. Every error names the next step.

use std::ffi::OsString;
use std::fmt;
use std::path::{Path, PathBuf};

use super::WecoInfo;

/// weco's per-file limit (pkg: `weco/validation.py`).
pub const MAX_SOURCE_BYTES: u64 = 200 * 1024;

/// Why a weco run cannot start; `Display` gives the user-facing message with the next step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WecoPreflightError {
    NotInstalled { searched: String },
    NotLoggedIn,
    SourceUnreadable { path: PathBuf, reason: String },
    SourceTooLarge { path: PathBuf, bytes: u64 },
    SourceNotUtf8 { path: PathBuf },
    AlreadyRunning { dir: PathBuf },
}

impl fmt::Display for WecoPreflightError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::NotInstalled { searched } => write!(
                f,
                "The `weco` CLI was not found ({searched}). Install it with `pipx install weco` (or `pip install weco`, \
                 Python >= 3.10), set the weco path in the settings, or use the local engine instead."
            ),
            Self::NotLoggedIn => write!(
                f,
                "You are not logged in to Weco. Run `weco login` in a terminal (it prints a link to open), or set \
                 WECO_API_KEY, or use the local engine instead."
            ),
            Self::SourceUnreadable { path, reason } => {
                write!(f, "Cannot read {}: {reason}.", path.display())
            }
            Self::SourceTooLarge { path, bytes } => write!(
                f,
                "{} is {} KB; weco accepts at most 200 KB per file. Optimize a smaller extract of the hot path, or use the local engine.",
                path.display(),
                bytes / 1024
            ),
            Self::SourceNotUtf8 { path } => write!(f, "{} is not UTF-8 text, which weco requires.", path.display()),
            Self::AlreadyRunning { dir } => {
                write!(f, "Another weco optimization is already evaluating in {}. Stop it (`weco run stop <id>`) or wait for it to finish.", dir.display())
            }
        }
    }
}

impl std::error::Error for WecoPreflightError {}

/// The parts of the environment preflight depends on (injected in tests; never holds the key itself).
#[derive(Debug, Clone, Default)]
pub struct PreflightEnv {
    /// An explicit weco path from the settings; wins over PATH.
    pub weco_setting: Option<PathBuf>,
    pub path: Option<OsString>,
    pub home: Option<PathBuf>,
    /// Whether WECO_API_KEY is set and non-empty (only its presence is looked at).
    pub api_key_present: bool,
}

impl PreflightEnv {
    pub fn from_process(weco_setting: Option<PathBuf>) -> Self {
        Self {
            weco_setting,
            path: std::env::var_os("PATH"),
            home: std::env::var_os("HOME").map(PathBuf::from),
            api_key_present: std::env::var_os("WECO_API_KEY").is_some_and(|k| !k.is_empty()),
        }
    }
}

/// Preflight with the process environment. `run_dir` is the directory weco will run in (the task folder,
/// where weco takes `.weco/consumer.lock`); `source` is the file to optimize.
pub fn preflight(run_dir: &Path, source: &Path) -> Result<WecoInfo, WecoPreflightError> {
    preflight_in(&PreflightEnv::from_process(None), run_dir, source)
}

pub fn preflight_in(env: &PreflightEnv, run_dir: &Path, source: &Path) -> Result<WecoInfo, WecoPreflightError> {
    let path = find_weco(env)?;
    if !key_present(env) {
        return Err(WecoPreflightError::NotLoggedIn);
    }
    check_source(&run_dir.join(source))?;
    if lock_is_held(run_dir) {
        return Err(WecoPreflightError::AlreadyRunning { dir: run_dir.to_path_buf() });
    }
    let version = installed_version(&path);
    Ok(WecoInfo { path, version })
}

fn find_weco(env: &PreflightEnv) -> Result<PathBuf, WecoPreflightError> {
    if let Some(setting) = &env.weco_setting {
        return if is_executable(setting) {
            Ok(setting.clone())
        } else {
            Err(WecoPreflightError::NotInstalled { searched: format!("the configured path {}", setting.display()) })
        };
    }
    let found = env.path.as_ref().and_then(|path| std::env::split_paths(path).map(|dir| dir.join("weco")).find(|c| is_executable(c)));
    found.ok_or_else(|| WecoPreflightError::NotInstalled { searched: "not on PATH".into() })
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

/// WECO_API_KEY or `~/.config/weco/credentials.json` (weco's own order); the file is never opened.
fn key_present(env: &PreflightEnv) -> bool {
    env.api_key_present || env.home.as_ref().is_some_and(|home| home.join(".config/weco/credentials.json").is_file())
}

fn check_source(path: &Path) -> Result<(), WecoPreflightError> {
    let unreadable = |e: std::io::Error| WecoPreflightError::SourceUnreadable { path: path.to_path_buf(), reason: e.to_string() };
    let bytes = std::fs::metadata(path).map_err(unreadable)?.len();
    if bytes > MAX_SOURCE_BYTES {
        return Err(WecoPreflightError::SourceTooLarge { path: path.to_path_buf(), bytes });
    }
    let content = std::fs::read(path).map_err(unreadable)?;
    if std::str::from_utf8(&content).is_err() {
        return Err(WecoPreflightError::SourceNotUtf8 { path: path.to_path_buf() });
    }
    Ok(())
}

/// weco holds an advisory `flock` on `.weco/consumer.lock` while its loop runs; probe it without blocking.
fn lock_is_held(run_dir: &Path) -> bool {
    let lock_path = run_dir.join(".weco").join("consumer.lock");
    let Ok(file) = std::fs::OpenOptions::new().read(true).open(&lock_path) else {
        return false;
    };
    match file.try_lock() {
        Ok(()) => {
            let _ = file.unlock();
            false
        }
        Err(std::fs::TryLockError::WouldBlock) => true,
        Err(std::fs::TryLockError::Error(_)) => false,
    }
}

/// weco has no `--version`; ask the interpreter from the script's shebang for the package version.
fn installed_version(weco: &Path) -> Option<String> {
    let script = std::fs::read(weco).ok()?;
    let first_line = script.split(|b| *b == b'\n').next()?;
    let interpreter = std::str::from_utf8(first_line.strip_prefix(b"#!")?).ok()?.trim();
    if interpreter.contains(' ') {
        return None;
    }
    let output = std::process::Command::new(interpreter)
        .args(["-c", "import importlib.metadata as m; print(m.version('weco'))"])
        .stdin(std::process::Stdio::null())
        .output()
        .ok()?;
    let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
    (output.status.success() && !version.is_empty()).then_some(version)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt;

    fn fake_weco(dir: &Path) -> PathBuf {
        let path = dir.join("weco");
        std::fs::write(&path, "#!/bin/sh\nexit 0\n").unwrap();
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
        path
    }

    fn env_with(dir: &Path, key: bool) -> PreflightEnv {
        PreflightEnv { weco_setting: None, path: Some(dir.as_os_str().to_owned()), home: Some(dir.join("home")), api_key_present: key }
    }

    #[test]
    fn missing_cli_suggests_installing_it() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("optimize.py"), "x = 1\n").unwrap();
        let err = preflight_in(&env_with(dir.path(), true), dir.path(), Path::new("optimize.py")).unwrap_err();
        assert!(matches!(err, WecoPreflightError::NotInstalled { .. }));
        assert!(err.to_string().contains("pipx install weco"));
    }

    #[test]
    fn missing_key_suggests_login_and_credentials_file_counts_as_key() {
        let dir = tempfile::tempdir().unwrap();
        fake_weco(dir.path());
        std::fs::write(dir.path().join("optimize.py"), "x = 1\n").unwrap();
        let env = env_with(dir.path(), false);
        let err = preflight_in(&env, dir.path(), Path::new("optimize.py")).unwrap_err();
        assert_eq!(err, WecoPreflightError::NotLoggedIn);
        assert!(err.to_string().contains("weco login"));

        std::fs::create_dir_all(dir.path().join("home/.config/weco")).unwrap();
        std::fs::write(dir.path().join("home/.config/weco/credentials.json"), "{}").unwrap();
        let info = preflight_in(&env, dir.path(), Path::new("optimize.py")).unwrap();
        assert_eq!(info.path, dir.path().join("weco"));
    }

    #[test]
    fn oversized_or_binary_sources_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        fake_weco(dir.path());
        std::fs::write(dir.path().join("big.py"), vec![b'a'; 210 * 1024]).unwrap();
        std::fs::write(dir.path().join("bin.py"), [0xff, 0xfe, 0x00]).unwrap();
        let env = env_with(dir.path(), true);
        assert!(matches!(preflight_in(&env, dir.path(), Path::new("big.py")), Err(WecoPreflightError::SourceTooLarge { .. })));
        assert!(matches!(preflight_in(&env, dir.path(), Path::new("bin.py")), Err(WecoPreflightError::SourceNotUtf8 { .. })));
        assert!(matches!(preflight_in(&env, dir.path(), Path::new("absent.py")), Err(WecoPreflightError::SourceUnreadable { .. })));
    }

    #[test]
    fn a_weco_other_than_the_tested_release_is_found_with_a_warning() {
        let dir = tempfile::tempdir().unwrap();
        // weco's script names its interpreter in the shebang; this one reports the package version asked for.
        let python = dir.path().join("python");
        std::fs::write(&python, "#!/bin/sh\necho 0.9.1\n").unwrap();
        std::fs::set_permissions(&python, std::fs::Permissions::from_mode(0o755)).unwrap();
        let weco = dir.path().join("weco");
        std::fs::write(&weco, format!("#!{}\nimport weco\n", python.display())).unwrap();
        std::fs::set_permissions(&weco, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::write(dir.path().join("optimize.py"), "x = 1\n").unwrap();
        let info = preflight_in(&env_with(dir.path(), true), dir.path(), Path::new("optimize.py")).unwrap();
        assert_eq!(info.version.as_deref(), Some("0.9.1"));
        let warning = info.version_warning().expect("a warning for another version");
        assert!(warning.contains("weco 0.9.1") && warning.contains("weco 0.4.0") && warning.contains("pipx install weco==0.4.0"), "{warning}");
        let tested = super::super::WecoInfo { path: weco, version: Some("0.4.0".into()) };
        assert_eq!(tested.version_warning(), None);
        assert_eq!(super::super::WecoInfo { version: None, ..tested }.version_warning(), None, "an unknown version is not warned about");
    }

    #[test]
    fn held_consumer_lock_means_another_loop_runs() {
        let dir = tempfile::tempdir().unwrap();
        fake_weco(dir.path());
        std::fs::write(dir.path().join("optimize.py"), "x = 1\n").unwrap();
        std::fs::create_dir_all(dir.path().join(".weco")).unwrap();
        let lock = std::fs::File::create(dir.path().join(".weco/consumer.lock")).unwrap();
        let env = env_with(dir.path(), true);
        assert!(preflight_in(&env, dir.path(), Path::new("optimize.py")).is_ok(), "an unlocked lock file is stale");
        lock.lock().unwrap();
        assert!(matches!(preflight_in(&env, dir.path(), Path::new("optimize.py")), Err(WecoPreflightError::AlreadyRunning { .. })));
    }
}
