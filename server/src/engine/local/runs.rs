//! The on-disk record of a local run under `<task>/.runs/<run_id>/`, laid out like weco's log dir
//! (`steps/<n>/files`, `steps/<n>/manifest.json`, `outputs/step_<n>.out.txt`, `exec_output.jsonl`, `best/`),
//! plus our own `nodes.json` (the search tree) and `run.json` (summary and timings).

use std::io::Write;
use std::path::{Component, Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

use serde::Serialize;

/// Whether a node produced a metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NodeStatus {
    Running,
    Evaluated,
    Failed,
}

/// One node of the search tree: a candidate, where it came from, and how it did.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// The step number; node ids and steps coincide in the local engine.
    pub id: u32,
    pub parent: Option<u32>,
    pub plan: Option<String>,
    pub metric: Option<f64>,
    pub status: NodeStatus,
    pub error: Option<String>,
    /// Seconds the eval command ran (not counting the copy of the task folder).
    pub eval_seconds: f64,
    #[serde(skip)]
    pub code: String,
}

/// A created run folder.
#[derive(Debug, Clone)]
pub struct RunDir {
    pub id: String,
    pub root: PathBuf,
    /// `source_file` made safe to use as a path below `files/`.
    artifact_path: PathBuf,
    source_display: String,
}

impl RunDir {
    /// Creates `<task_dir>/.runs/<new id>/`. The id is time-based and unique within the folder.
    pub fn create(task_dir: &Path, source_file: &Path) -> std::io::Result<RunDir> {
        let runs = task_dir.join(".runs");
        std::fs::create_dir_all(&runs)?;
        let base = time_based_id();
        for attempt in 0..1000 {
            let id = if attempt == 0 { base.clone() } else { format!("{base}-{attempt}") };
            let root = runs.join(&id);
            match std::fs::create_dir(&root) {
                Ok(()) => {
                    return Ok(RunDir { id, root, artifact_path: sanitize(source_file), source_display: source_file.to_string_lossy().into_owned() });
                }
                Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(error) => return Err(error),
            }
        }
        Err(std::io::Error::other("no free run id"))
    }

    fn snapshot(&self, folder: &Path, kind: &str, step: Option<u32>, code: &str) -> std::io::Result<()> {
        let file = folder.join("files").join(&self.artifact_path);
        write_atomically(&file, code.as_bytes())?;
        let mut manifest = serde_json::json!({
            "type": kind,
            "created_at": iso_timestamp(),
            "file_count": 1,
            "files": [{
                "path": self.source_display,
                "artifact_path": Path::new("files").join(&self.artifact_path).to_string_lossy(),
                "bytes": code.len(),
            }],
        });
        if let Some(step) = step {
            manifest["step"] = step.into();
        }
        write_json(&folder.join("manifest.json"), &manifest)
    }

    /// `steps/<n>/files/<source>` and its manifest, written before the step is evaluated.
    pub fn write_step(&self, step: u32, code: &str) -> std::io::Result<()> {
        self.snapshot(&self.root.join("steps").join(step.to_string()), "step_code_snapshot", Some(step), code)
    }

    /// `best/files/<source>` and its manifest, written only for a confirmed improvement.
    pub fn write_best(&self, step: u32, code: &str) -> std::io::Result<()> {
        self.snapshot(&self.root.join("best"), "best_code_snapshot", Some(step), code)
    }

    /// `outputs/<name>.out.txt` plus one line in `exec_output.jsonl`.
    pub fn write_output(&self, step: u32, name: &str, output: &str) -> std::io::Result<()> {
        let relative = format!("outputs/{name}.out.txt");
        write_atomically(&self.root.join(&relative), output.as_bytes())?;
        let line = serde_json::json!({
            "step": step,
            "timestamp": iso_timestamp(),
            "output_file": relative,
            "output_length": output.chars().count(),
        });
        let mut log = std::fs::OpenOptions::new().create(true).append(true).open(self.root.join("exec_output.jsonl"))?;
        writeln!(log, "{line}")
    }

    pub fn write_nodes(&self, nodes: &[Node]) -> std::io::Result<()> {
        write_json(&self.root.join("nodes.json"), &nodes)
    }

    pub fn write_summary(&self, summary: &serde_json::Value) -> std::io::Result<()> {
        write_json(&self.root.join("run.json"), summary)
    }
}

/// Runs files live in folders made on demand (`files/`, `outputs/`, a node's folder).
fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    crate::fsio::write_atomic(path, bytes)
}

fn write_json(path: &Path, value: &impl Serialize) -> std::io::Result<()> {
    let mut text = serde_json::to_string_pretty(value).map_err(std::io::Error::other)?;
    text.push('\n');
    write_atomically(path, text.as_bytes())
}

/// No `..`, no root, no drive prefix: the path stays inside `files/`.
fn sanitize(path: &Path) -> PathBuf {
    let cleaned: PathBuf = path
        .components()
        .filter_map(|component| match component {
            Component::Normal(part) => Some(part.to_string_lossy().replace(':', "_")),
            _ => None,
        })
        .collect();
    if cleaned.as_os_str().is_empty() { PathBuf::from("source") } else { cleaned }
}

/// `20250314-093015-123456` (UTC date, time and microseconds).
fn time_based_id() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let (date, time) = civil(now.as_secs());
    format!("{}-{}-{:06}", date.replace('-', ""), time.replace(':', ""), now.subsec_micros())
}

/// `2025-03-14T09:30:15.123456` in UTC, without a zone suffix like weco's timestamps.
pub fn iso_timestamp() -> String {
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let (date, time) = civil(now.as_secs());
    format!("{date}T{time}.{:06}", now.subsec_micros())
}

/// Unix seconds to (`YYYY-MM-DD`, `HH:MM:SS`), using Howard Hinnant's days-to-civil algorithm.
fn civil(seconds: u64) -> (String, String) {
    let days = (seconds / 86_400) as i64;
    let second_of_day = seconds % 86_400;
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_index = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_index + 2) / 5 + 1;
    let month = if month_index < 10 { month_index + 3 } else { month_index - 9 };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (format!("{year:04}-{month:02}-{day:02}"), format!("{:02}:{:02}:{:02}", second_of_day / 3600, second_of_day / 60 % 60, second_of_day % 60))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_match_known_instants() {
        assert_eq!(civil(0), ("1970-01-01".into(), "00:00:00".into()));
        assert_eq!(civil(951_782_400 + 3661), ("2000-02-29".into(), "01:01:01".into()));
        assert_eq!(civil(1_735_689_599), ("2024-12-31".into(), "23:59:59".into()));
    }

    #[test]
    fn run_ids_are_unique_and_artifact_paths_stay_inside() {
        let dir = tempfile::tempdir().expect("tempdir");
        let first = RunDir::create(dir.path(), Path::new("optimize.py")).expect("first run");
        let second = RunDir::create(dir.path(), Path::new("optimize.py")).expect("second run");
        assert_ne!(first.id, second.id);
        assert_eq!(sanitize(Path::new("../../etc/x.py")), PathBuf::from("etc/x.py"));
        first.write_step(0, "print(1)\n").expect("snapshot");
        let manifest: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(first.root.join("steps/0/manifest.json")).expect("manifest")).expect("json");
        assert_eq!(manifest["type"], "step_code_snapshot");
        assert_eq!(manifest["files"][0]["bytes"], 9);
        assert_eq!(std::fs::read_to_string(first.root.join("steps/0/files/optimize.py")).expect("code"), "print(1)\n");
    }
}
