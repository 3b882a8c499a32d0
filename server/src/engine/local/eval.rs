//! Isolated evaluation of one candidate: a scratch copy of the task folder, the eval command in its own
//! process group under a time limit, and the metric parsed from its output.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

use crate::engine::EngineTask;

/// Entries of the task folder that never go into a scratch copy (run state and reports, not inputs;
/// `target` is the cargo build folder of Rust tasks, shared by path instead of copied).
const EXCLUDED: &[&str] = &[".runs", "run.log", "report.md", "target"];
/// How long a process group gets between SIGINT and SIGKILL.
const KILL_GRACE: Duration = Duration::from_secs(2);
/// Output kept in memory per evaluation; the rest is dropped with a note.
const MAX_OUTPUT_BYTES: usize = 8 << 20;

#[derive(Debug, Clone, PartialEq)]
pub enum EvalOutcome {
    Metric(f64),
    /// One-line reason: timeout, crash, no metric, violated constraint.
    Failed(String),
    Cancelled,
}

#[derive(Debug, Clone)]
pub struct EvalResult {
    /// stdout and stderr, interleaved as written.
    pub output: String,
    pub outcome: EvalOutcome,
    /// Wall time of the eval command alone (not the copy).
    pub elapsed: Duration,
}

/// Copies the task folder into `scratch`, writes `code` as the source file, runs the eval command there.
/// The scratch folder is removed afterwards.
pub async fn evaluate(task: &EngineTask, code: &str, scratch: &Path, cancel: &CancellationToken) -> EvalResult {
    let prepared = {
        let (dir, scratch, source, code) = (task.dir.clone(), scratch.to_path_buf(), task.source_file.clone(), code.to_string());
        tokio::task::spawn_blocking(move || prepare_scratch(&dir, &scratch, &source, &code)).await
    };
    let result = match prepared {
        Ok(Ok(())) => {
            // The scratch copy is the one folder written for real (and `target`, shared by path).
            let mut writable = vec![scratch.to_path_buf()];
            writable.extend(Some(task.dir.join("target")).filter(|t| t.is_dir()));
            let jail = crate::sandbox::Jail { workspace: crate::sandbox::workspace_of(&task.dir), writable };
            let prepared = crate::sandbox::prepare_with(task.sandbox, &jail, scratch, &task.eval_command);
            let (mut output, status, elapsed) = run_command(&prepared, task.eval_timeout, cancel).await;
            if let Some((names, _)) = prepared.written_names(5) {
                output.push_str(&format!("\n[weco-lsp] this candidate tried to write into your project ({names}); the sandbox kept it out.\n"));
            }
            (output, status, elapsed)
        }
        Ok(Err(error)) => (String::new(), Err(format!("Could not prepare the evaluation folder: {error}")), Duration::ZERO),
        Err(error) => (String::new(), Err(format!("Could not prepare the evaluation folder: {error}")), Duration::ZERO),
    };
    let scratch_owned = scratch.to_path_buf();
    let _ = tokio::task::spawn_blocking(move || std::fs::remove_dir_all(scratch_owned)).await;
    let (output, status, elapsed) = result;
    let outcome = match status {
        Err(reason) if reason == CANCELLED => EvalOutcome::Cancelled,
        Err(reason) => EvalOutcome::Failed(reason),
        Ok(0) => interpret_output(&output, &task.metric),
        Ok(_) if output.contains("Constraint violated:") => interpret_output(&output, &task.metric),
        Ok(code) => EvalOutcome::Failed(match last_meaningful_line(&output) {
            Some(line) => format!("Evaluation exited with status {code}: {line}"),
            None => format!("Evaluation exited with status {code}."),
        }),
    };
    EvalResult { output, outcome, elapsed }
}

const CANCELLED: &str = "\u{0}cancelled";

fn prepare_scratch(task_dir: &Path, scratch: &Path, source_file: &Path, code: &str) -> std::io::Result<()> {
    if scratch.exists() {
        std::fs::remove_dir_all(scratch)?;
    }
    std::fs::create_dir_all(scratch)?;
    let entries = std::fs::read_dir(task_dir)?;
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        if EXCLUDED.iter().any(|excluded| name == *excluded) {
            continue;
        }
        copy_tree(&entry.path(), &scratch.join(&name))?;
    }
    let target = scratch.join(source_file);
    if let Some(parent) = target.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(target, code)
}

/// Files at least this large are linked into a scratch copy, not copied: an in-place task's copy
/// is the whole project, and its data files are read, not changed.
const LINK_FILES_FROM_BYTES: u64 = 1 << 20;
/// Folders that are linked, never copied (version control, environments, dependencies).
const LINKED_DIRS: &[&str] = &[".git", ".hg", ".venv", "venv", "env", "node_modules", ".tox", ".mypy_cache"];

fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    let meta = std::fs::symlink_metadata(from)?;
    let kind = meta.file_type();
    let name = from.file_name().unwrap_or_default();
    if kind.is_symlink() {
        std::os::unix::fs::symlink(std::fs::read_link(from)?, to)
    } else if kind.is_dir() {
        // `.runs` holds this very run's scratch copies: copying it would copy the copy.
        if name == "__pycache__" || name == ".runs" {
            return Ok(());
        }
        if LINKED_DIRS.iter().any(|d| name == *d) {
            return std::os::unix::fs::symlink(from, to);
        }
        std::fs::create_dir_all(to)?;
        for entry in std::fs::read_dir(from)? {
            let entry = entry?;
            copy_tree(&entry.path(), &to.join(entry.file_name()))?;
        }
        Ok(())
    } else if meta.len() >= LINK_FILES_FROM_BYTES {
        std::os::unix::fs::symlink(from, to)
    } else {
        std::fs::copy(from, to).map(|_| ())
    }
}

/// Runs `bash -c command` in `cwd`; returns the merged output and the exit code, or a failure reason.
async fn run_command(prepared: &crate::sandbox::Prepared, timeout: Duration, cancel: &CancellationToken) -> (String, Result<i32, String>, Duration) {
    let (reader, writer) = match std::io::pipe() {
        Ok(pipe) => pipe,
        Err(error) => return (String::new(), Err(format!("Could not create a pipe: {error}")), Duration::ZERO),
    };
    let writer_for_stderr = match writer.try_clone() {
        Ok(w) => w,
        Err(error) => return (String::new(), Err(format!("Could not create a pipe: {error}")), Duration::ZERO),
    };
    let mut builder = prepared.tokio_command();
    builder.stdin(Stdio::null()).stdout(Stdio::from(writer)).stderr(Stdio::from(writer_for_stderr)).process_group(0).kill_on_drop(true);
    let started = Instant::now();
    let spawned = builder.spawn();
    drop(builder); // closes our copies of the pipe's write end, so the reader sees EOF when the eval is done
    let mut child = match spawned {
        Ok(child) => child,
        Err(error) => return (String::new(), Err(format!("Could not start `bash`: {error}")), Duration::ZERO),
    };
    let group = child.id().map(|pid| pid as i32);
    // Registered with the reaper: the group dies with the server, even when it is SIGKILLed.
    let owned_group = child.id().and_then(crate::child::GroupGuard::adopt);
    let collected = Arc::new(Mutex::new(Vec::new()));
    let reader_task = {
        let collected = Arc::clone(&collected);
        tokio::task::spawn_blocking(move || drain(reader, &collected))
    };

    let status = tokio::select! {
        status = child.wait() => match status {
            Ok(status) => Ok(status.code().unwrap_or(-1)),
            Err(error) => Err(format!("Could not wait for the evaluation: {error}")),
        },
        _ = tokio::time::sleep(timeout) => {
            stop_group(group, &mut child).await;
            Err(format!("Evaluation timed out after {} seconds.", timeout.as_secs()))
        }
        _ = cancel.cancelled() => {
            stop_group(group, &mut child).await;
            Err(CANCELLED.to_string())
        }
    };
    let elapsed = started.elapsed();
    // Leftover background processes of the eval would keep the pipe open: they go with the group.
    drop(owned_group);
    let _ = tokio::time::timeout(KILL_GRACE, reader_task).await;
    let bytes = std::mem::take(&mut *collected.lock().unwrap_or_else(|e| e.into_inner()));
    (crate::redact::scrub(&String::from_utf8_lossy(&bytes)).into_owned(), status, elapsed)
}

fn drain(mut reader: std::io::PipeReader, into: &Mutex<Vec<u8>>) {
    let mut buffer = [0u8; 16 * 1024];
    loop {
        match reader.read(&mut buffer) {
            Ok(0) | Err(_) => return,
            Ok(n) => {
                let mut collected = into.lock().unwrap_or_else(|e| e.into_inner());
                if collected.len() < MAX_OUTPUT_BYTES {
                    collected.extend_from_slice(&buffer[..n]);
                    if collected.len() >= MAX_OUTPUT_BYTES {
                        collected.extend_from_slice(b"\n[output truncated by weco-lsp]\n");
                    }
                }
            }
        }
    }
}

fn signal_group(group: Option<i32>, signal: i32) {
    if let Some(pid) = group.filter(|pid| *pid > 0) {
        // SAFETY: kill(2) with a negative pid signals the process group we created for the eval; no memory involved.
        unsafe {
            libc::kill(-pid, signal);
        }
    }
}

/// SIGINT to the whole group, then SIGKILL if it has not exited after a grace period.
async fn stop_group(group: Option<i32>, child: &mut tokio::process::Child) {
    signal_group(group, libc::SIGINT);
    if tokio::time::timeout(KILL_GRACE, child.wait()).await.is_err() {
        signal_group(group, libc::SIGKILL);
        let _ = child.wait().await;
    }
}

fn last_meaningful_line(output: &str) -> Option<String> {
    output.lines().rev().map(str::trim).find(|line| !line.is_empty()).map(|line| {
        let mut line = line.to_string();
        if line.len() > 300 {
            let cut = (0..=300).rev().find(|i| line.is_char_boundary(*i)).unwrap_or(0);
            line.truncate(cut);
            line.push('…');
        }
        line
    })
}

/// `Constraint violated:` lines fail the step; otherwise the last `metric: number` line is the result.
pub fn interpret_output(output: &str, metric: &str) -> EvalOutcome {
    let violations: Vec<&str> = output.lines().filter_map(|line| line.find("Constraint violated:").map(|at| line[at..].trim())).collect();
    if !violations.is_empty() {
        return EvalOutcome::Failed(violations.join("; "));
    }
    match output.lines().rev().find_map(|line| parse_metric_line(line, metric)) {
        Some(value) => EvalOutcome::Metric(value),
        None => EvalOutcome::Failed(match last_meaningful_line(output) {
            Some(line) => format!("No `{metric}: <number>` line in the evaluation output (last line: {line})"),
            None => format!("No `{metric}: <number>` line in the evaluation output (it printed nothing)."),
        }),
    }
}

/// `^\s*<metric>\s*:\s*<number>` (case-insensitive), the number optionally followed by `x`.
pub fn parse_metric_line(line: &str, metric: &str) -> Option<f64> {
    let line = line.trim_start();
    let head = line.get(..metric.len())?;
    if !head.eq_ignore_ascii_case(metric) {
        return None;
    }
    let rest = line[metric.len()..].trim_start().strip_prefix(':')?.trim_start();
    let number_len =
        rest.char_indices().take_while(|(_, c)| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')).map(|(i, c)| i + c.len_utf8()).last()?;
    let (mut number, mut tail) = rest.split_at(number_len);
    // `1.5e` is not a number but `1.5` followed by text may be: back off trailing exponent characters.
    while !number.is_empty() && number.parse::<f64>().is_err() {
        number = &number[..number.len() - 1];
        tail = &rest[number.len()..];
    }
    let value: f64 = number.parse().ok()?;
    let tail = tail.strip_prefix(['x', 'X']).unwrap_or(tail);
    let clean_end = tail.is_empty() || tail.starts_with(char::is_whitespace) || tail.starts_with([',', ';', '(']);
    (value.is_finite() && clean_end).then_some(value)
}

/// Where the scratch copy of step `step` lives.
pub fn scratch_dir(run_dir: &Path, step: u32, label: &str) -> PathBuf {
    run_dir.join("work").join(format!("{label}{step}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scratch_copy_of_a_project_links_its_data_and_environments_and_skips_the_runs() {
        // An in-place task's folder is the project root.
        let project = tempfile::tempdir().unwrap();
        let root = project.path();
        std::fs::write(root.join("app.py"), "def f():\n    return 1\n").unwrap();
        std::fs::write(root.join("big_data.bin"), vec![7u8; 4 << 20]).unwrap();
        std::fs::create_dir_all(root.join(".git/objects")).unwrap();
        std::fs::create_dir_all(root.join(".venv/lib")).unwrap();
        std::fs::create_dir_all(root.join(".weco/t/.runs/1/work/step_1")).unwrap();
        std::fs::write(root.join(".weco/t/evaluate.sh"), "echo 'speedup: 1'\n").unwrap();
        let scratch = root.join(".runs/9/work/step_1");
        prepare_scratch(root, &scratch, Path::new("app.py"), "def f():\n    return 2\n").unwrap();
        let kind = |p: &str| std::fs::symlink_metadata(scratch.join(p)).map(|m| m.file_type());
        assert!(kind("big_data.bin").unwrap().is_symlink(), "an 4 MiB data file is linked, not copied");
        assert_eq!(std::fs::read(scratch.join("big_data.bin")).unwrap().len(), 4 << 20);
        assert!(kind(".git").unwrap().is_symlink() && kind(".venv").unwrap().is_symlink());
        assert!(kind(".weco/t/evaluate.sh").unwrap().is_file(), "the harness is copied");
        assert!(kind(".weco/t/.runs").is_err(), "the runs are not copied into themselves");
        assert!(kind(".runs").is_err());
        assert_eq!(std::fs::read_to_string(scratch.join("app.py")).unwrap(), "def f():\n    return 2\n");
    }

    #[test]
    fn metric_lines_parse_case_insensitively_with_an_x_suffix() {
        assert_eq!(parse_metric_line("speedup: 1.8x", "speedup"), Some(1.8));
        assert_eq!(parse_metric_line("  Speedup :3", "speedup"), Some(3.0));
        assert_eq!(parse_metric_line("speedup: 2.5e1 (median)", "speedup"), Some(25.0));
        assert_eq!(parse_metric_line("speedup: fast", "speedup"), None);
        assert_eq!(parse_metric_line("speedups: 2", "speedup"), None);
        assert_eq!(parse_metric_line("speedup: 2abc", "speedup"), None);
        assert_eq!(parse_metric_line("speedup: nan", "speedup"), None);
    }

    #[test]
    fn last_metric_wins_and_constraint_violations_fail_the_step() {
        assert_eq!(interpret_output("speedup: 1\nnoise\nspeedup: 2\n", "speedup"), EvalOutcome::Metric(2.0));
        let violated = interpret_output("Constraint violated: output differs for input 3\nspeedup: 9\n", "speedup");
        assert_eq!(violated, EvalOutcome::Failed("Constraint violated: output differs for input 3".into()));
        let EvalOutcome::Failed(reason) = interpret_output("Traceback\nValueError: boom\n", "speedup") else { panic!("no metric must fail") };
        assert!(reason.contains("ValueError: boom"), "{reason}");
    }
}
