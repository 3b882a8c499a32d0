//! `weco-lsp optimize --backend weco` end to end: the real weco 0.4.0 client (`WECO_BIN`) against
//! the fake Weco API, our harness measuring each candidate, the verified result and the report.

use std::path::Path;
use std::process::{Command, Stdio};

use weco_lsp_e2e::{FakeWeco, copy_fixture, server_binary};

/// The key `FakeWeco::env` gives weco; it must never show up in logs, reports or output.
const API_KEY: &str = "test-key-4f9a7c";

fn optimize(root: &Path, fake: &FakeWeco, extra: &[&str]) -> (bool, String) {
    let home = root.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let output = Command::new(server_binary())
        .args(["optimize", "inventory.py::missing_skus", "--backend", "weco", "--steps", "3"])
        .args(extra)
        .current_dir(root)
        .envs(fake.env(&home))
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    (output.status.success(), text)
}

#[test]
fn a_weco_run_is_measured_by_our_harness_verified_and_reported_without_touching_the_file() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let file = root.join("inventory.py");
    let before = std::fs::read_to_string(&file).unwrap();
    let fake = FakeWeco::start(&["--scenario", "rewrite", "--replace", "if sku not in in_stock:", "--with", "if sku not in stock:"]);
    // The rewrite needs `stock`: give the fake a two-line replacement through a second run below;
    // this one proves a wrong candidate (NameError) is never offered.
    let (ok, output) = optimize(root, &fake, &[]);
    assert!(ok, "{output}");
    assert!(output.contains("optimizing with weco"), "{output}");
    assert!(output.contains("no verified improvement"), "{output}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    drop(fake);

    let fake = FakeWeco::start(&[
        "--scenario",
        "rewrite",
        "--replace",
        "    for sku in ordered:\n        if sku not in in_stock:",
        "--with",
        "    stock = set(in_stock)\n    for sku in ordered:\n        if sku not in stock:",
    ]);
    let (ok, output) = optimize(root, &fake, &[]);
    assert!(ok, "{output}");
    assert!(output.contains("verified speedup"), "{output}");
    assert!(output.contains("+    stock = set(in_stock)"), "{output}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before, "without --apply the file stays as it was");
    let task = root.join(".weco/missing_skus_2");
    let log = std::fs::read_to_string(task.join("run.log")).unwrap();
    assert!(log.contains("WECO OPTIMIZATION RUN") && log.contains("Run ID:"), "{log}");
    assert!(log.contains("numpy_not_installed_pkg"), "the failing candidates ran too: {log}");
    let report = std::fs::read_to_string(task.join("report.md")).unwrap();
    assert!(report.contains("| Optimizer | weco") && report.contains("Use a set for the membership test"), "{report}");
    for (name, text) in [("run.log", &log), ("report.md", &report), ("output", &output)] {
        assert!(!text.contains(API_KEY), "the API key leaked into {name}");
    }

    let (ok, output) = optimize(root, &fake_for_apply(), &["--apply"]);
    assert!(ok, "{output}");
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(after.contains("stock = set(in_stock)"), "{after}");
}

#[test]
fn a_weco_traceback_that_prints_the_key_leaves_it_out_of_every_file_and_the_output() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    // A run-creation answer without `run_id` makes weco 0.4.0 raise; its rich traceback prints the
    // locals, the API key among them, on stderr.
    let fake = FakeWeco::start(&["--run-id-missing"]);
    let (_, output) = optimize(root, &fake, &[]);
    let log = std::fs::read_to_string(root.join(".weco/missing_skus/run.log")).unwrap();
    assert!(log.contains("KeyError") && log.contains("run_id"), "weco raised as expected: {log}");
    assert!(log.contains("[REDACTED]"), "the key's place is marked: {log}");
    for entry in walk(&root.join(".weco")) {
        let content = std::fs::read(&entry).unwrap_or_default();
        assert!(!String::from_utf8_lossy(&content).contains(API_KEY), "the API key leaked into {}", entry.display());
    }
    assert!(!output.contains(API_KEY), "{output}");
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() { out.extend(walk(&path)) } else { out.push(path) }
    }
    out
}

fn fake_for_apply() -> FakeWeco {
    FakeWeco::start(&[
        "--scenario",
        "rewrite",
        "--replace",
        "    for sku in ordered:\n        if sku not in in_stock:",
        "--with",
        "    stock = set(in_stock)\n    for sku in ordered:\n        if sku not in stock:",
    ])
}

#[test]
fn a_missing_weco_is_a_clear_error_that_offers_the_local_engine() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    // A home without weco's credentials (not the project: a home folder is never a project root).
    let home = tempfile::tempdir().unwrap();
    let output = Command::new(server_binary())
        .args(["optimize", "inventory.py::missing_skus", "--backend", "weco", "--steps", "1"])
        .current_dir(root)
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", home.path())
        .env_remove("WECO_API_KEY")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
    assert!(text.contains("not found") && text.contains("pip"), "{text}");
    assert!(text.contains("local engine"), "the message offers the local engine: {text}");
}

#[test]
fn a_weco_other_than_the_tested_release_runs_with_a_warning_naming_both_versions() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let fake = FakeWeco::start(&[]);
    // The real weco 0.4.0, behind an interpreter that reports another package version when asked.
    let bin = root.join("other-weco");
    std::fs::create_dir_all(&bin).unwrap();
    let real = weco_lsp_e2e::weco_bin();
    let script = std::fs::read_to_string(&real).unwrap();
    let python = script.lines().next().unwrap().trim_start_matches("#!").to_string();
    write_executable(&bin.join("python"), &format!("#!/bin/sh\nif [ \"$1\" = -c ]; then echo 0.9.1; exit 0; fi\nexec {python} \"$@\"\n"));
    let body: String = script.lines().skip(1).collect::<Vec<_>>().join("\n");
    write_executable(&bin.join("weco"), &format!("#!{}\n{body}\n", bin.join("python").display()));
    let home = root.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let mut env = fake.env(&home);
    for (key, value) in env.iter_mut() {
        if key == "PATH" {
            *value = format!("{}:{value}", bin.display());
        }
    }
    let output = Command::new(server_binary())
        .args(["optimize", "inventory.py::missing_skus", "--backend", "weco", "--steps", "1"])
        .current_dir(root)
        .envs(env)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(output.status.success(), "a warning, not a failure: {text}");
    assert!(text.contains("weco 0.9.1 is installed, but weco-lsp was tested with weco 0.4.0"), "{text}");
    assert!(text.contains("Run ID:") || std::fs::read_to_string(root.join(".weco/missing_skus/run.log")).unwrap().contains("Run ID:"), "the run went ahead");
}

fn write_executable(path: &Path, text: &str) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, text).unwrap();
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).unwrap();
}
