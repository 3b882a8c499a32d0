//! Which Python runs the project: virtual environments, uv, poetry, conda, or `python3` on the PATH.

use std::path::{Path, PathBuf};
use std::process::Command;

/// The tool that installs packages into the interpreter's environment (used later for missing modules).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum PackageManager {
    Pip,
    Uv,
    Poetry,
    Conda,
}

impl PackageManager {
    /// The command that installs `package` into the environment of `interpreter`.
    pub fn install_command(self, interpreter: &Path, package: &str) -> Vec<String> {
        let python = interpreter.display().to_string();
        match self {
            PackageManager::Pip => vec![python, "-m".into(), "pip".into(), "install".into(), package.into()],
            PackageManager::Uv => {
                vec!["uv".into(), "pip".into(), "install".into(), "--python".into(), python, package.into()]
            }
            PackageManager::Poetry => vec!["poetry".into(), "add".into(), package.into()],
            PackageManager::Conda => vec!["conda".into(), "install".into(), "-y".into(), package.into()],
        }
    }
}

/// The interpreter a task's `evaluate.sh` runs, by absolute path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Interpreter {
    pub path: PathBuf,
    pub manager: PackageManager,
    /// How it was found, for messages (`.venv`, `uv`, `poetry`, `conda`, `PATH`).
    pub source: &'static str,
}

/// Finds the project's interpreter. Never fails: falls back to `python3` resolved on the PATH
/// (or the bare name when even that is missing, so the error shows up in the preflight with its output).
pub fn detect(workspace_root: &Path) -> Interpreter {
    let uv = workspace_root.join("uv.lock").is_file();
    for dir in [".venv", "venv"] {
        if let Some(path) = venv_python(&workspace_root.join(dir)) {
            let manager = if uv { PackageManager::Uv } else { PackageManager::Pip };
            return Interpreter { path, manager, source: if uv { "uv" } else { "virtual environment" } };
        }
    }
    if workspace_root.join("poetry.lock").is_file()
        && let Some(path) = poetry_env(workspace_root)
    {
        return Interpreter { path, manager: PackageManager::Poetry, source: "poetry" };
    }
    let conda_project = ["environment.yml", "environment.yaml"].iter().any(|f| workspace_root.join(f).is_file());
    if conda_project
        && let Some(prefix) = std::env::var_os("CONDA_PREFIX")
        && let Some(path) = venv_python(Path::new(&prefix))
    {
        return Interpreter { path, manager: PackageManager::Conda, source: "conda" };
    }
    let manager = if uv { PackageManager::Uv } else { PackageManager::Pip };
    let path = which("python3").unwrap_or_else(|| PathBuf::from("python3"));
    Interpreter { path, manager, source: "PATH" }
}

fn venv_python(env: &Path) -> Option<PathBuf> {
    ["bin/python", "bin/python3", "Scripts/python.exe"].iter().map(|p| env.join(p)).find(|p| p.is_file())
}

fn poetry_env(workspace_root: &Path) -> Option<PathBuf> {
    which("poetry")?;
    let output = Command::new("poetry").args(["env", "info", "-p"]).current_dir(workspace_root).output().ok()?;
    if !output.status.success() {
        return None;
    }
    let prefix = String::from_utf8_lossy(&output.stdout).trim().to_string();
    venv_python(Path::new(&prefix))
}

/// Resolves a program name on the PATH to an absolute path.
pub fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|candidate| {
        std::fs::metadata(candidate).is_ok_and(|m| {
            use std::os::unix::fs::PermissionsExt;
            m.is_file() && m.permissions().mode() & 0o111 != 0
        })
    })
}
