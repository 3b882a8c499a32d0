//! The `optimize` command line as a user meets it: `--help`, exit codes (0 ran, 2 could not run),
//! and a `make_inputs()` filled in after a first attempt is used by the next run.

use std::path::Path;
use std::process::{Command, Output, Stdio};

use weco_lsp_e2e::server_binary;

fn optimize(root: &Path, args: &[&str]) -> Output {
    Command::new(server_binary()).arg("optimize").args(args).current_dir(root).stdin(Stdio::null()).output().unwrap()
}

/// `<dir>/proj` with a `pyproject.toml` and `files` (path, text) in it.
fn python_project(dir: &Path, files: &[(&str, &str)]) -> std::path::PathBuf {
    let root = dir.join("proj");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::write(root.join("pyproject.toml"), "[project]\nname = \"p\"\n").unwrap();
    for (path, text) in files {
        let file = root.join(path);
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(file, text).unwrap();
    }
    root
}

fn text(output: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn help_and_exit_codes_follow_conventions() {
    let dir = tempfile::tempdir().unwrap();
    let help = optimize(dir.path(), &["--help"]);
    assert_eq!(help.status.code(), Some(0));
    assert!(text(&help).contains("Usage: weco-lsp optimize") && text(&help).contains("Exit codes"), "{}", text(&help));
    let bad = optimize(dir.path(), &["--no-such-option"]);
    assert_eq!(bad.status.code(), Some(2), "{}", text(&bad));
    let missing = optimize(dir.path(), &["nowhere.py::f"]);
    assert_eq!(missing.status.code(), Some(2), "{}", text(&missing));
    for command in ["init", "analyze", "consolidate", "rules"] {
        let help = Command::new(server_binary()).args([command, "--help"]).output().unwrap();
        assert!(help.status.success() && text(&help).contains(&format!("Usage: weco-lsp {command}")), "{command}: {}", text(&help));
    }
    let misspelled = optimize(dir.path(), &["x.py::f", "--step", "3"]);
    assert_eq!(misspelled.status.code(), Some(2));
    assert!(text(&misspelled).contains("--steps"), "a misspelled option gets a suggestion: {}", text(&misspelled));
}

#[test]
fn a_make_inputs_filled_in_after_the_first_attempt_is_used_by_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    // No type hints, no doctest, no tests: nothing to take inputs from.
    let common = "def common(a, b):\n    out = []\n    for x in a:\n        if x in b:\n            out.append(x)\n    return out\n";
    let root = python_project(dir.path(), &[("shop.py", common)]);
    let first = optimize(&root, &["shop.py::common", "--backend", "local", "--steps", "1"]);
    assert_eq!(first.status.code(), Some(2), "a run that cannot start exits 2: {}", text(&first));
    assert!(text(&first).contains("fill in make_inputs()"), "{}", text(&first));

    let evaluate_py = root.join(".weco/common/evaluate.py");
    let stub = std::fs::read_to_string(&evaluate_py).unwrap();
    let line = stub.lines().find(|l| l.contains("raise NotImplementedError")).unwrap().to_string();
    let filled = stub.replace(&line, "    return [((list(range(2000)), list(range(0, 4000, 2))), {})]");
    std::fs::write(&evaluate_py, filled).unwrap();

    let second = optimize(&root, &["shop.py::common", "--backend", "local", "--steps", "1"]);
    assert_eq!(second.status.code(), Some(0), "{}", text(&second));
    assert!(text(&second).contains("reusing the harness"), "{}", text(&second));
    assert!(text(&second).contains("(inputs: manual)") && text(&second).contains("baseline = "), "{}", text(&second));

    let fresh = optimize(&root, &["shop.py::common", "--backend", "local", "--steps", "1", "--fresh"]);
    assert_eq!(fresh.status.code(), Some(2), "--fresh sets up a new task without the filled-in inputs: {}", text(&fresh));
}

#[test]
fn init_sets_up_and_measures_without_optimizing_and_in_place_runs_deliver_a_result() {
    let project = weco_lsp_e2e::copy_fixture("optimize_py");
    let root = project.path();
    let before = std::fs::read_to_string(root.join("inventory.py")).unwrap();
    let init = Command::new(server_binary()).args(["init", "inventory.py::missing_skus"]).current_dir(root).stdin(Stdio::null()).output().unwrap();
    assert_eq!(init.status.code(), Some(0), "{}", text(&init));
    assert!(text(&init).contains("baseline = ") && text(&init).contains("task ready in"), "{}", text(&init));
    assert!(!text(&init).contains("step 1"), "init does not optimize: {}", text(&init));
    assert!(root.join(".weco/missing_skus/evaluate.py").is_file());

    // In place, the local engine's candidates are measured in scratch copies of the project: the win
    // is found and offered, and the user's file is as it was (no --apply).
    let in_place = optimize(root, &["inventory.py::missing_skus", "--backend", "local", "--steps", "3", "--workspace", "in-place", "--fresh"]);
    assert_eq!(in_place.status.code(), Some(0), "{}", text(&in_place));
    assert!(text(&in_place).contains("in place:"), "{}", text(&in_place));
    assert!(text(&in_place).contains("weco: verified"), "an in-place run delivers its win: {}", text(&in_place));
    assert_eq!(std::fs::read_to_string(root.join("inventory.py")).unwrap(), before);
    assert!(root.join("inventory.py.backup").is_file());
}

#[test]
fn json_prints_one_object_per_line_with_the_runs_facts() {
    let project = weco_lsp_e2e::copy_fixture("optimize_py");
    let output = optimize(project.path(), &["inventory.py::missing_skus", "--backend", "local", "--steps", "2", "--json"]);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output));
    let events: Vec<serde_json::Value> =
        String::from_utf8_lossy(&output.stdout).lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON ({e}): {l}"))).collect();
    let kinds: Vec<&str> = events.iter().filter_map(|e| e["event"].as_str()).collect();
    for kind in ["task", "baseline", "step", "finished"] {
        assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
    }
    let finished = events.iter().find(|e| e["event"] == "finished").unwrap();
    assert_eq!(finished["improved"], true, "{finished}");
    assert!(finished["win"].as_str().unwrap().contains("speedup"), "{finished}");
}

#[test]
fn fail_if_no_win_exits_1_only_when_nothing_was_won() {
    let dir = tempfile::tempdir().unwrap();
    // Nothing for the offline engine to rewrite: the run completes without a win.
    let root = python_project(dir.path(), &[("calc.py", "def total(xs: list[int]) -> int:\n    return sum(xs)\n")]);
    let plain = optimize(&root, &["calc.py::total", "--backend", "local", "--steps", "1"]);
    assert_eq!(plain.status.code(), Some(0), "{}", text(&plain));
    assert!(text(&plain).contains("no verified improvement"), "{}", text(&plain));
    let strict = optimize(&root, &["calc.py::total", "--backend", "local", "--steps", "1", "--fail-if-no-win"]);
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict));
}

#[test]
fn recording_inputs_from_the_tests_says_how_far_it_got() {
    let dir = tempfile::tempdir().unwrap();
    let util = "def dedup(xs):\n    out = []\n    for x in xs:\n        if x not in out:\n            out.append(x)\n    return out\n";
    let test = "from util import dedup\n\n\ndef test_dedup():\n    assert dedup([i % 300 for i in range(3000)]) == list(range(300))\n\n\n\
                def test_dedup_small():\n    assert dedup([1, 1, 2]) == [1, 2]\n";
    let root = python_project(dir.path(), &[("util.py", util), ("tests/test_util.py", test)]);
    let init = Command::new(server_binary()).args(["init", "util.py::dedup"]).current_dir(&root).stdin(Stdio::null()).output().unwrap();
    assert_eq!(init.status.code(), Some(0), "{}", text(&init));
    let progress = text(&init).lines().filter(|l| l.starts_with("weco: recording inputs from the tests: ")).map(str::to_string).collect::<Vec<_>>();
    let last = progress.last().unwrap_or_else(|| panic!("{}", text(&init)));
    assert!(last.contains("2 tests run, 2 calls of `dedup` seen, 2 recorded"), "the final count is shown: {}", text(&init));
    assert!(text(&init).contains("(inputs: recorded)"), "{}", text(&init));
}
