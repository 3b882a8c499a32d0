//! The local engine's `llm` proposer end to end: `weco-lsp optimize --llm-base-url ...` against a
//! stand-in OpenAI-compatible endpoint with scripted replies (an HTTP error, garbage, then good code).

use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};

use weco_lsp_e2e::{copy_fixture, server_binary};

const KEY: &str = "sk-test-9d1e0b77";

struct FakeLlm(Child, u16);

impl Drop for FakeLlm {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_llm(dir: &std::path::Path, replies: &[&str]) -> FakeLlm {
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fake_llm/server.py");
    let mut command = Command::new("python3");
    command.arg(script).arg("--log").arg(dir.join("llm.log"));
    for (i, reply) in replies.iter().enumerate() {
        let path = dir.join(format!("reply{i}.txt"));
        std::fs::write(&path, reply).unwrap();
        command.arg("--reply").arg(path);
    }
    let mut child = command.stdout(Stdio::piped()).stdin(Stdio::null()).spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
    let port = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("{line:?}"));
    FakeLlm(child, port)
}

#[test]
fn the_llm_proposer_survives_bad_replies_and_its_good_candidate_is_verified() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let file = root.join("inventory.py");
    let before = std::fs::read_to_string(&file).unwrap();
    let good = before.replace(
        "    for sku in ordered:\n        if sku not in in_stock:",
        "    stock = set(in_stock)\n    for sku in ordered:\n        if sku not in stock:",
    );
    let replies = [
        "HTTP 500".to_string(),
        "I would love to help, but here is no code at all.".to_string(),
        format!("Plan: test membership against a set built once.\n\n```python\n{good}```\n"),
    ];
    let logs = tempfile::tempdir().unwrap();
    let llm = start_llm(logs.path(), &replies.iter().map(String::as_str).collect::<Vec<_>>());
    let output = optimize_with(root, &llm, "4");
    let text = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("verified speedup"), "{text}");
    assert!(text.contains("+    stock = set(in_stock)"), "{text}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    let log = std::fs::read_to_string(logs.path().join("llm.log")).unwrap();
    assert!(log.lines().count() >= 3, "every step asked the endpoint: {log}");
    assert!(log.contains(&format!("Bearer {KEY}")), "the key is sent to the endpoint");
    // ...and nowhere else.
    for entry in walk(&root.join(".weco")) {
        let content = std::fs::read(&entry).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&content).contains(KEY), "the key leaked into {}", entry.display());
    }
    assert!(!text.contains(KEY));
    let report = std::fs::read_to_string(root.join(".weco/missing_skus/report.md")).unwrap();
    assert!(report.contains("local engine (llm)"), "{report}");
}

#[test]
fn a_key_echoed_in_an_error_body_reaches_no_file_and_no_output() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let logs = tempfile::tempdir().unwrap();
    let llm = start_llm(logs.path(), &["HTTP 401 ECHO"]);
    let output = optimize_with(root, &llm, "2");
    let text = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
    assert!(std::fs::read_to_string(logs.path().join("llm.log")).unwrap().contains(KEY), "the endpoint got the key (and echoed it)");
    let files = walk(&root.join(".weco"));
    let run_log = std::fs::read_to_string(root.join(".weco/missing_skus/run.log")).unwrap();
    assert!(run_log.contains("HTTP 401") && run_log.contains("[REDACTED]"), "the failure is logged, the key removed: {run_log}");
    for entry in &files {
        let content = std::fs::read(entry).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&content).contains(KEY), "the key leaked into {}", entry.display());
    }
    assert!(!text.contains(KEY), "{text}");
    let ignore = std::fs::read_to_string(root.join(".weco/.gitignore")).expect(".weco/.gitignore is written");
    assert!(ignore.lines().any(|l| l.trim() == "*"), "{ignore}");
}

/// `weco-lsp optimize` of the fixture's `missing_skus` with the llm proposer against `llm`.
fn optimize_with(root: &std::path::Path, llm: &FakeLlm, steps: &str) -> std::process::Output {
    Command::new(server_binary())
        .args(["optimize", "inventory.py::missing_skus", "--backend", "local", "--steps", steps])
        .args(["--llm-base-url", &format!("http://127.0.0.1:{}/v1", llm.1), "--llm-model", "stand-in", "--llm-key-env", "STAND_IN_KEY"])
        .env("STAND_IN_KEY", KEY)
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}
