//! Where user code runs: evaluations, baselines, verification and recording run in a Linux
//! sandbox when one is available, so a candidate (from an LLM or weco) or a test cannot change
//! the user's files or anything else on the machine.
//!
//! The sandbox is `unshare` (util-linux) with user, mount and pid namespaces, and a network
//! namespace unless the setting allows the network. Inside, the whole filesystem is read-only;
//! the workspace is an overlay whose writes land in a scratch folder (so the code sees a writable
//! project, and whatever it wrote there is listed afterwards and discarded); only the folders the
//! evaluation must write (its task folder, its scratch copy) are the real, writable ones. The pid
//! namespace dies with `unshare`, taking every process of the evaluation with it. Without user
//! namespaces the command runs as before and [`Isolation::Unsandboxed`] says why, for the user.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU8, Ordering};

use crate::config::SandboxMode;

const SETUP: &str = r#"set -e
cwd=$1 script=$2 ws=$3 scratch=$4 network=$5 uid=$6 gid=$7
shift 7
mkdir -p "$scratch/upper" "$scratch/work" "$scratch/keep" "$scratch/tmp" "$scratch/lower"
mount --bind "$scratch" "$scratch"
# overlay options cannot carry every path (commas, colons, backslashes): name the workspace by
# the scratch folder's plain path instead.
mount --bind "$ws" "$scratch/lower"
i=0
for rw in "$@"; do mkdir -p "$scratch/keep/$i"; mount --bind "$rw" "$scratch/keep/$i"; i=$((i+1)); done
mount --rbind / /
mount -o remount,bind,ro /
mount -t overlay overlay -o "lowerdir=$scratch/lower,upperdir=$scratch/upper,workdir=$scratch/work" "$ws"
i=0
for rw in "$@"; do mount --bind "$scratch/keep/$i" "$rw"; i=$((i+1)); done
if [ "$network" != 1 ]; then ip link set lo up 2>/dev/null || true; fi
cd "$cwd"
export TMPDIR="$scratch/tmp"
if [ "$uid" != 0 ]; then exec unshare --user --map-user="$uid" --map-group="$gid" -- bash -c "$script"; fi
exec bash -c "$script"
"#;

static MODE: AtomicU8 = AtomicU8::new(0);

/// Applies the `weco.sandbox` setting to every evaluation started from now on.
pub fn configure(mode: SandboxMode) {
    MODE.store(mode as u8, Ordering::Relaxed);
}

fn mode() -> SandboxMode {
    match MODE.load(Ordering::Relaxed) {
        1 => SandboxMode::Network,
        2 => SandboxMode::Off,
        _ => SandboxMode::Auto,
    }
}

/// How an evaluation is isolated, in words for the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Isolation {
    Sandboxed { network: bool },
    Unsandboxed { reason: String },
}

impl Isolation {
    pub fn describe(&self) -> String {
        match self {
            Isolation::Sandboxed { network: false } => {
                "Evaluations run in a sandbox: your project and the rest of the machine are read-only to them, and they have no network.".into()
            }
            Isolation::Sandboxed { network: true } => {
                "Evaluations run in a sandbox: your project and the rest of the machine are read-only to them (network allowed).".into()
            }
            Isolation::Unsandboxed { reason } => {
                format!("Evaluations run without a sandbox ({reason}): they work in a scratch folder, but the code they run can write anywhere you can.")
            }
        }
    }
}

/// Where a command runs: the workspace it must not change, and the folders it may write for real.
#[derive(Debug, Clone)]
pub struct Jail {
    pub workspace: PathBuf,
    pub writable: Vec<PathBuf>,
}

/// The workspace a task folder belongs to: the parent of its `.weco`, else the folder itself
/// (in-place tasks run in the project root).
pub fn workspace_of(task_dir: &Path) -> PathBuf {
    task_dir.ancestors().find(|a| a.file_name().is_some_and(|n| n == ".weco")).and_then(Path::parent).unwrap_or(task_dir).to_path_buf()
}

/// A command ready to spawn, and the scratch folder its sandbox writes to.
#[derive(Debug)]
pub struct Prepared {
    pub program: OsString,
    pub args: Vec<OsString>,
    /// Working directory to give the spawned process (the sandbox changes into `cwd` itself).
    pub cwd: PathBuf,
    pub isolation: Isolation,
    scratch: Option<tempfile::TempDir>,
}

/// The mode set by [`configure`] (the run's `weco.sandbox`).
pub fn configured() -> SandboxMode {
    mode()
}

/// `bash -c script` in `cwd`, sandboxed according to the setting and what the machine allows.
pub fn prepare(jail: &Jail, cwd: &Path, script: &str) -> Prepared {
    prepare_with(mode(), jail, cwd, script)
}

/// [`prepare`] with an explicit mode.
pub fn prepare_with(mode: SandboxMode, jail: &Jail, cwd: &Path, script: &str) -> Prepared {
    let plain = |isolation| Prepared { program: "bash".into(), args: vec!["-c".into(), script.into()], cwd: cwd.to_path_buf(), isolation, scratch: None };
    let network = match mode {
        SandboxMode::Off => return plain(Isolation::Unsandboxed { reason: "turned off by the weco.sandbox setting".into() }),
        SandboxMode::Network => true,
        SandboxMode::Auto => false,
    };
    if let Err(reason) = available() {
        return plain(Isolation::Unsandboxed { reason: reason.clone() });
    }
    let Ok(workspace) = std::fs::canonicalize(&jail.workspace) else {
        return plain(Isolation::Unsandboxed { reason: format!("{} cannot be resolved", jail.workspace.display()) });
    };
    let scratch = match tempfile::Builder::new().prefix("weco-sandbox-").tempdir() {
        Ok(dir) if !dir.path().starts_with(&workspace) => dir,
        Ok(_) => return plain(Isolation::Unsandboxed { reason: "the temporary folder is inside the workspace".into() }),
        Err(e) => return plain(Isolation::Unsandboxed { reason: format!("no scratch folder: {e}") }),
    };
    let writable: Vec<PathBuf> = jail.writable.iter().filter_map(|p| std::fs::canonicalize(p).ok()).collect();
    let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    let mut args = unshare_flags(network);
    args.extend(["--".into(), "bash".into(), "-c".into(), SETUP.into(), "weco-sandbox".into()]);
    args.push(cwd.clone().into());
    args.push(script.into());
    args.push(workspace.into());
    args.push(scratch.path().into());
    args.push(if network { "1" } else { "0" }.into());
    // SAFETY: getuid/getgid have no preconditions.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    args.push(uid.to_string().into());
    args.push(gid.to_string().into());
    args.extend(writable.into_iter().map(OsString::from));
    Prepared { program: "unshare".into(), args, cwd: PathBuf::from("/"), isolation: Isolation::Sandboxed { network }, scratch: Some(scratch) }
}

fn unshare_flags(network: bool) -> Vec<OsString> {
    let mut flags: Vec<OsString> = ["--user", "--map-root-user", "--mount", "--pid", "--fork", "--kill-child"].iter().map(OsString::from).collect();
    if !network {
        flags.push("--net".into());
    }
    flags
}

/// `script` as one sandboxed shell line, for a program that runs its command through a shell and
/// may run it again in a later session (weco's `--eval-command`, kept by weco for `weco resume`):
/// the setup script is written to `setup_path` (a stable place in the workspace), the scratch folder
/// is made per evaluation and removed after it, and what the code tried to write into the project is
/// listed on stderr. `None` when there is no sandbox (the caller keeps `script`).
pub fn shell_line(mode: SandboxMode, jail: &Jail, cwd: &Path, script: &str, setup_path: &Path) -> Option<String> {
    let network = match mode {
        SandboxMode::Off => return None,
        SandboxMode::Network => true,
        SandboxMode::Auto => false,
    };
    available().ok()?;
    let workspace = std::fs::canonicalize(&jail.workspace).ok()?;
    std::fs::write(setup_path, SETUP).ok()?;
    let q = |p: &Path| quoted(p.as_os_str());
    let cwd = std::fs::canonicalize(cwd).unwrap_or_else(|_| cwd.to_path_buf());
    // SAFETY: getuid/getgid have no preconditions.
    let (uid, gid) = unsafe { (libc::getuid(), libc::getgid()) };
    let flags: Vec<String> = unshare_flags(network).iter().map(|f| f.to_string_lossy().into_owned()).collect();
    let writable: Vec<String> = jail.writable.iter().filter_map(|p| std::fs::canonicalize(p).ok()).map(|p| q(&p)).collect();
    Some(format!(
        "s=$(mktemp -d \"${{TMPDIR:-/tmp}}/weco-sandbox-XXXXXX\") || exit 2; unshare {flags} -- bash {setup} {cwd} {script} {ws} \"$s\" {net} {uid} {gid} {writable}; r=$?; \
         (cd \"$s/upper\" 2>/dev/null && find . -type f ! -path '*/__pycache__/*' | sed 's|^\\./|[weco-lsp] the sandbox kept out of the project: |' >&2); \
         chmod -R u+w \"$s\" 2>/dev/null; rm -rf \"$s\"; exit $r",
        flags = flags.join(" "),
        setup = q(setup_path),
        cwd = q(&cwd),
        script = quoted(std::ffi::OsStr::new(script)),
        ws = q(&workspace),
        net = if network { 1 } else { 0 },
        writable = writable.join(" "),
    ))
}

/// A value as one shell word (for scripts given to [`prepare`]).
pub fn shell_word(text: &str) -> String {
    quoted(std::ffi::OsStr::new(text))
}

/// A value as one shell word.
fn quoted(value: &std::ffi::OsStr) -> String {
    format!("'{}'", value.to_string_lossy().replace('\'', "'\\''"))
}

impl Prepared {
    pub fn std_command(&self) -> std::process::Command {
        let mut command = std::process::Command::new(&self.program);
        command.args(&self.args).current_dir(&self.cwd);
        command
    }

    pub fn tokio_command(&self) -> tokio::process::Command {
        let mut command = tokio::process::Command::new(&self.program);
        command.args(&self.args).current_dir(&self.cwd);
        command
    }

    /// The first `limit` paths of [`Prepared::written_in_workspace`], joined for a message, and how
    /// many more there are; `None` when nothing was written.
    pub fn written_names(&self, limit: usize) -> Option<(String, usize)> {
        let written = self.written_in_workspace();
        if written.is_empty() {
            return None;
        }
        let shown: Vec<String> = written.iter().take(limit).map(|p| p.display().to_string()).collect();
        Some((shown.join(", "), written.len().saturating_sub(limit)))
    }

    /// What the command wrote into the workspace (kept out of it by the overlay), relative to the
    /// workspace; bytecode caches left out. Empty without a sandbox.
    pub fn written_in_workspace(&self) -> Vec<PathBuf> {
        let Some(scratch) = &self.scratch else { return Vec::new() };
        let upper = scratch.path().join("upper");
        let mut found = Vec::new();
        collect_written(&upper, &upper, &mut found);
        found.sort();
        found
    }
}

impl Drop for Prepared {
    fn drop(&mut self) {
        // The overlay's work folder is left without permissions; open it so the scratch can go.
        if let Some(scratch) = &self.scratch {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(scratch.path().join("work/work"), std::fs::Permissions::from_mode(0o700));
        }
    }
}

fn collect_written(dir: &Path, upper: &Path, found: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        if name == "__pycache__" || name == ".pytest_cache" {
            continue;
        }
        match entry.file_type() {
            Ok(kind) if kind.is_dir() => collect_written(&path, upper, found),
            Ok(_) => found.push(path.strip_prefix(upper).unwrap_or(&path).to_path_buf()),
            Err(_) => {}
        }
    }
}

/// Whether the sandbox works here (probed once): user namespaces, mounts, overlay.
pub fn available() -> Result<(), &'static String> {
    static PROBE: OnceLock<Result<(), String>> = OnceLock::new();
    PROBE.get_or_init(probe).as_ref().map(|_| ())
}

/// Scratch folders of evaluations whose owner was killed (SIGKILL leaves no time to clean up), once
/// they are a day old.
fn remove_stale_scratch() {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else { return };
    for entry in entries.flatten() {
        let stale = entry.metadata().and_then(|m| m.modified()).ok().and_then(|t| t.elapsed().ok()).is_some_and(|age| age.as_secs() > 24 * 3600);
        if stale && entry.file_name().to_string_lossy().starts_with("weco-sandbox-") {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(entry.path().join("work/work"), std::fs::Permissions::from_mode(0o700));
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

fn probe() -> Result<(), String> {
    remove_stale_scratch();
    let workspace = tempfile::tempdir().map_err(|e| format!("no temporary folder: {e}"))?;
    let scratch = tempfile::tempdir().map_err(|e| format!("no temporary folder: {e}"))?;
    let ws = std::fs::canonicalize(workspace.path()).map_err(|e| e.to_string())?;
    let output = std::process::Command::new("unshare")
        .args(["--user", "--map-root-user", "--mount", "--pid", "--fork", "--kill-child", "--net", "--", "bash", "-c", SETUP, "weco-sandbox"])
        .arg(&ws)
        .arg("touch probe")
        .arg(&ws)
        .arg(scratch.path())
        .args(["0", "0", "0"])
        .stdin(std::process::Stdio::null())
        .output();
    use std::os::unix::fs::PermissionsExt;
    let _ = std::fs::set_permissions(scratch.path().join("work/work"), std::fs::Permissions::from_mode(0o700));
    match output {
        Err(e) => Err(format!("`unshare` did not start: {e}")),
        Ok(o) if !o.status.success() => {
            Err(format!("user namespaces are not available: {}", String::from_utf8_lossy(&o.stderr).lines().last().unwrap_or("unshare failed")))
        }
        Ok(_) if ws.join("probe").exists() => Err("the sandbox did not keep the workspace unchanged".into()),
        Ok(_) => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_workspace_and_the_machine_are_read_only_inside_and_writes_are_listed() {
        // Machines without user namespaces opt out explicitly; a silent skip would hide a regression.
        if std::env::var_os("WECO_TEST_NO_SANDBOX").is_some() {
            return;
        }
        if let Err(reason) = available() {
            panic!("no sandbox here ({reason}); set WECO_TEST_NO_SANDBOX=1 on machines without user namespaces");
        }
        let parent = tempfile::tempdir().unwrap();
        let workspace_path = parent.path().join("proj, with: odd\\chars 'and' \"quotes\"");
        std::fs::create_dir(&workspace_path).unwrap();
        struct Ws(std::path::PathBuf);
        impl Ws {
            fn path(&self) -> &Path {
                &self.0
            }
        }
        let workspace = Ws(workspace_path);
        let task = workspace.path().join(".weco/t");
        std::fs::create_dir_all(&task).unwrap();
        std::fs::write(workspace.path().join("data.txt"), "original").unwrap();
        let jail = Jail { workspace: workspace.path().to_path_buf(), writable: vec![task.clone()] };
        let script = "echo ok > result.txt; echo changed > ../../data.txt; echo escaped > ../../ESCAPE.txt; \
                      (echo x > \"$HOME/weco_sandbox_probe\") 2>/dev/null || echo home-blocked; cat ../../data.txt";
        let prepared = prepare_with(SandboxMode::Auto, &jail, &task, script);
        assert_eq!(prepared.isolation, Isolation::Sandboxed { network: false });
        let output = prepared.std_command().output().unwrap();
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(output.status.success(), "{stdout}{}", String::from_utf8_lossy(&output.stderr));
        assert!(stdout.contains("home-blocked") && stdout.contains("changed"), "the code sees a writable project: {stdout}");
        assert_eq!(std::fs::read_to_string(task.join("result.txt")).unwrap(), "ok\n", "the task folder is written for real");
        assert_eq!(std::fs::read_to_string(workspace.path().join("data.txt")).unwrap(), "original");
        assert!(!workspace.path().join("ESCAPE.txt").exists());
        assert_eq!(prepared.written_in_workspace(), vec![PathBuf::from("ESCAPE.txt"), PathBuf::from("data.txt")]);
    }

    #[test]
    fn the_shell_line_runs_the_same_sandbox_and_cleans_up() {
        if std::env::var_os("WECO_TEST_NO_SANDBOX").is_some() {
            return;
        }
        let workspace = tempfile::tempdir().unwrap();
        let task = workspace.path().join(".weco/t");
        std::fs::create_dir_all(&task).unwrap();
        let jail = Jail { workspace: workspace.path().to_path_buf(), writable: vec![workspace.path().join(".weco")] };
        let setup = workspace.path().join(".weco/sandbox.sh");
        let line = shell_line(SandboxMode::Auto, &jail, &task, "echo it\\'s > ok.txt; echo x > ../../ESCAPE.txt; exit 3", &setup).expect("sandboxed");
        let output = std::process::Command::new("sh").arg("-c").arg(&line).output().unwrap();
        assert_eq!(output.status.code(), Some(3), "the evaluation's status comes back: {line}");
        assert_eq!(std::fs::read_to_string(task.join("ok.txt")).unwrap(), "it's\n");
        assert!(!workspace.path().join("ESCAPE.txt").exists());
        assert!(String::from_utf8_lossy(&output.stderr).contains("kept out of the project: ESCAPE.txt"), "{}", String::from_utf8_lossy(&output.stderr));
    }

    #[test]
    fn the_workspace_of_a_task_folder_is_above_its_weco() {
        assert_eq!(workspace_of(Path::new("/p/.weco/task")), PathBuf::from("/p"));
        assert_eq!(workspace_of(Path::new("/p/.weco/task/.runs/1/work/step_1")), PathBuf::from("/p"));
        assert_eq!(workspace_of(Path::new("/p")), PathBuf::from("/p"));
    }
}
