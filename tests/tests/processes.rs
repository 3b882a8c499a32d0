//! Evaluations never outlive their owner: cancel during a hanging baseline, editor shutdown while
//! an evaluation hangs, and a SIGKILLed headless run all leave no user process running.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::json;
use weco_lsp_e2e::{LspClient, editor_capabilities, file_uri, local_backend, scripted_user, server_binary};

/// A function that never returns; its doctest gives the harness an input, so the baseline
/// measurement is what hangs.
const HANGING: &str = r#"import time


def spin(n: int) -> int:
    """Waits for ever.

    >>> spin(3)
    3
    """
    while True:
        time.sleep(0.05)
    return n
"#;

struct Project {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// Set in the environment of the server, so every process of its evaluations carries it
    /// (in or out of a sandbox's pid namespace); found again through /proc.
    marker: String,
}

fn project() -> Project {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("proj");
    std::fs::create_dir(&root).unwrap();
    std::fs::write(root.join("spin.py"), HANGING).unwrap();
    let marker = format!("spin-{}-{}", std::process::id(), dir.path().file_name().unwrap().to_string_lossy());
    Project { _dir: dir, root, marker }
}

fn alive(pid: i32) -> bool {
    std::fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|stat| stat.rsplit(')').next().is_some_and(|rest| !rest.trim_start().starts_with('Z')))
}

/// Python processes whose environment carries `marker`: the evaluation's interpreter.
fn evaluation_processes(marker: &str) -> Vec<i32> {
    let needle = format!("SPIN_MARKER={marker}");
    let Ok(entries) = std::fs::read_dir("/proc") else { return Vec::new() };
    entries
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<i32>().ok())
        .filter(|pid| {
            let environ = std::fs::read(format!("/proc/{pid}/environ")).unwrap_or_default();
            let cmdline = std::fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
            environ.split(|b| *b == 0).any(|v| v == needle.as_bytes()) && String::from_utf8_lossy(&cmdline).contains("python")
        })
        .filter(|pid| alive(*pid))
        .collect()
}

/// The evaluation's processes, once there is one.
fn wait_for_spinning(marker: &str) -> Vec<i32> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let pids = evaluation_processes(marker);
        if !pids.is_empty() {
            return pids;
        }
        assert!(Instant::now() < deadline, "the evaluation never started");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn assert_all_end(marker: &str, within: Duration, what: &str) {
    let deadline = Instant::now() + within;
    loop {
        let left = evaluation_processes(marker);
        if left.is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "{what}: evaluation processes {left:?} still run after {within:?}");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn start_editor(project: &Project) -> LspClient {
    let mut client = LspClient::start_with(&project.root, &[("SPIN_MARKER", &project.marker)]);
    client.set_responder(scripted_user(vec!["Vibe Mode", "Isolated directory (recommended)"], Arc::new(Mutex::new(Vec::new()))));
    let mut options = local_backend(2);
    options["weco"]["evalTimeout"] = json!(600);
    client.initialize(&project.root, editor_capabilities(), options);
    client.wait_for("workspace/codeLens/refresh", |_| true);
    client
}

fn optimize_spin(client: &mut LspClient, project: &Project) -> serde_json::Value {
    let file = project.root.join("spin.py");
    client.request("workspace/executeCommand", json!({"command": "weco.optimize", "arguments": [{"uri": file_uri(&file), "function": "spin"}]}));
    client.wait_for("window/workDoneProgress/create", |_| true)["token"].clone()
}

#[test]
fn cancelling_while_the_baseline_hangs_stops_it_and_says_so() {
    let project = project();
    let mut client = start_editor(&project);
    let token = optimize_spin(&mut client, &project);
    wait_for_spinning(&project.marker);
    let asked = Instant::now();
    client.notify("window/workDoneProgress/cancel", json!({"token": token}));
    client.message_containing("cancelled while the baseline was measured");
    assert_all_end(&project.marker, Duration::from_secs(10), "cancel");
    // Printed, not asserted: machines are noisy (the issue saw 57 s here before).
    eprintln!("cancel during the baseline took {:?}", asked.elapsed());
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn editor_shutdown_while_an_evaluation_hangs_leaves_no_process_running() {
    let project = project();
    let mut client = start_editor(&project);
    optimize_spin(&mut client, &project);
    wait_for_spinning(&project.marker);
    assert_eq!(client.shutdown(), Some(0));
    assert_all_end(&project.marker, Duration::from_secs(10), "shutdown");
}

#[test]
fn a_killed_headless_run_takes_its_evaluation_with_it() {
    let project = project();
    let mut cli = Command::new(server_binary())
        .args(["optimize", "spin.py::spin", "--backend", "local", "--steps", "2"])
        .env("SPIN_MARKER", &project.marker)
        .current_dir(&project.root)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    wait_for_spinning(&project.marker);
    cli.kill().unwrap(); // SIGKILL: no handler of ours runs.
    cli.wait().unwrap();
    assert_all_end(&project.marker, Duration::from_secs(15), "SIGKILL of the CLI");
}

#[test]
fn two_headless_runs_of_one_function_at_once_use_two_task_folders() {
    let project = weco_lsp_e2e::copy_fixture("optimize_py");
    let root = project.path();
    let start = || {
        Command::new(server_binary())
            .args(["optimize", "inventory.py::missing_skus", "--backend", "local", "--steps", "2"])
            .current_dir(root)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let (first, second) = (start(), start());
    let folders: Vec<String> = [first, second]
        .into_iter()
        .map(|run| {
            let output = run.wait_with_output().unwrap();
            let stdout = String::from_utf8_lossy(&output.stdout).to_string();
            assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
            let line = stdout.lines().find(|l| l.starts_with("weco: task folder")).unwrap_or_else(|| panic!("{stdout}")).to_string();
            line.split_whitespace().nth(3).unwrap().to_string()
        })
        .collect();
    assert_ne!(folders[0], folders[1], "both runs used {}", folders[0]);
}
