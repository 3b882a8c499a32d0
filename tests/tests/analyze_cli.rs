//! `weco-lsp analyze` and `--version`, run as a script or CI would.

use std::process::Command;

use serde_json::Value;
use weco_lsp_e2e::{fixture, server_binary};

#[test]
fn version_prints_the_release_the_commit_and_the_tested_weco() {
    let output = Command::new(server_binary()).arg("--version").output().unwrap();
    assert!(output.status.success());
    let version = String::from_utf8_lossy(&output.stdout).trim().to_string();
    assert!(version.starts_with(&format!("weco-lsp {} (", env!("CARGO_PKG_VERSION"))), "{version}");
    assert!(version.contains("tested with weco 0.4.0"), "{version}");
    let commit = Command::new("git").args(["rev-parse", "--short=12", "HEAD"]).output().unwrap();
    if commit.status.success() {
        let commit = String::from_utf8_lossy(&commit.stdout).trim().to_string();
        assert!(version.contains(&commit), "the commit it was built from: {version} (HEAD is {commit})");
    }
}

#[test]
fn analyze_json_lists_every_function_with_reasons_and_dependencies() {
    let root = fixture("python_pkg");
    let output = Command::new(server_binary()).args(["analyze", "--json"]).arg(root.join("shop")).current_dir(&root).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let rows: Vec<Value> = String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let row = |name: &str| rows.iter().find(|r| r["function"] == name).unwrap_or_else(|| panic!("{name} missing"));
    for r in &rows {
        for key in ["file", "function", "language", "range", "score", "reasons", "dependencies", "offline_rewrites"] {
            assert!(r.get(key).is_some(), "{key} missing in {r}");
        }
    }
    let dedupe = row("dedupe_orders");
    assert_eq!((dedupe["file"].as_str(), dedupe["language"].as_str()), (Some("shop/orders.py"), Some("python")));
    assert_eq!(dedupe["range"]["start"]["line"], 8);
    assert!(dedupe["reasons"].as_array().unwrap().iter().any(|r| r["kind"] == "list-membership-in-loop"));
    assert!(dedupe["offline_rewrites"].as_array().unwrap().iter().any(|r| r == "python-dedup-set"), "{dedupe}");
    let invoice = row("invoice_total");
    let deps: Vec<(String, String)> =
        invoice["dependencies"].as_array().unwrap().iter().map(|d| (d["file"].as_str().unwrap().into(), d["function"].as_str().unwrap().into())).collect();
    assert!(deps.contains(&("shop/pricing.py".into(), "unit_price".into())), "{deps:?}");
    assert!(deps.contains(&("shop/catalog.py".into(), "BASE_PRICES".into())), "{deps:?}");
    assert_eq!(row("order_count")["score"], 0);
    // Flagged functions come first.
    let first_unflagged = rows.iter().position(|r| r["flagged"] == false).unwrap();
    assert!(rows[first_unflagged..].iter().all(|r| r["flagged"] == false));
}

#[test]
fn analyze_table_puts_flagged_functions_first_and_bad_paths_fail_clearly() {
    let root = fixture("rust_crate");
    let output = Command::new(server_binary()).arg("analyze").arg(root.join("src")).current_dir(&root).output().unwrap();
    assert!(output.status.success());
    let text = String::from_utf8(output.stdout).unwrap();
    let closest = text.find("closest_pair").expect("closest_pair listed");
    let first = text.find(" first ").expect("first listed");
    assert!(closest < first, "{text}");
    let missing = Command::new(server_binary()).args(["analyze", "/definitely/not/here"]).output().unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does not exist"));
}

#[test]
fn analyze_changed_lists_the_functions_a_change_touched_against_each_base() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let git = |args: &[&str]| {
        let out = Command::new("git").args(args).current_dir(root).env("GIT_CONFIG_GLOBAL", "/dev/null").output().unwrap();
        assert!(out.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    };
    let names = |extra: &[&str]| -> Vec<String> {
        let output = Command::new(server_binary()).args(["analyze", "--json", "--changed"]).args(extra).arg("pkg").current_dir(root).output().unwrap();
        assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
        let mut names: Vec<String> = String::from_utf8(output.stdout)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<Value>(l).unwrap()["function"].as_str().unwrap().to_string())
            .collect();
        names.sort();
        names
    };
    git(&["init", "-q", "-b", "main"]);
    git(&["config", "user.email", "t@example.com"]);
    git(&["config", "user.name", "t"]);
    std::fs::create_dir(root.join("pkg")).unwrap();
    let module = "def a():\n    return 1\n\n\ndef b(xs):\n    return sorted(xs)\n\n\ndef c():\n    x = 1\n    y = 2\n    return x + y\n";
    std::fs::write(root.join("pkg/m.py"), module).unwrap();
    std::fs::write(root.join("pkg/old.py"), "def moved():\n    return 1\n\n\ndef kept():\n    return 2\n").unwrap();
    // Before the first commit every file counts as changed, and the output says why.
    assert_eq!(names(&[]), ["a", "b", "c", "kept", "moved"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "one"]);
    assert!(names(&[]).is_empty(), "nothing changed");

    // An edit in `a`, a deleted line in `c`, a rename with an edit in `moved`, an untracked file.
    std::fs::write(root.join("pkg/m.py"), module.replace("return 1", "return 2").replace("    y = 2\n", "")).unwrap();
    git(&["mv", "pkg/old.py", "pkg/new.py"]);
    std::fs::write(root.join("pkg/new.py"), "def moved():\n    return 10\n\n\ndef kept():\n    return 2\n").unwrap();
    std::fs::write(root.join("pkg/extra.py"), "def fresh():\n    return 3\n").unwrap();
    assert_eq!(names(&[]), ["a", "c", "fresh", "moved"]);
    // Against the index: the rename is staged, the edits are not.
    git(&["add", "pkg/m.py"]);
    assert_eq!(names(&["--base", "index"]), ["fresh", "moved"]);
    assert_eq!(names(&["--base", "merge-base"]), ["a", "c", "fresh", "moved"]);

    let outside = tempfile::tempdir().unwrap();
    std::fs::write(outside.path().join("x.py"), "def f():\n    return 1\n").unwrap();
    let output = Command::new(server_binary()).args(["analyze", "--changed"]).arg(outside.path()).output().unwrap();
    assert!(!output.status.success());
    assert!(String::from_utf8_lossy(&output.stderr).contains("not in a git repository"));
    let bad = Command::new(server_binary()).args(["analyze", "--changed", "--base", "yesterday", "pkg"]).current_dir(root).output().unwrap();
    assert!(!bad.status.success() && String::from_utf8_lossy(&bad.stderr).contains("expected HEAD, index or merge-base"));
}

#[test]
fn analyze_ranks_test_code_below_the_package_its_findings_are_hints() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let slow = "def dedup(items):\n    out = []\n    for x in items:\n        if x not in out:\n            out.append(x)\n    return out\n";
    std::fs::create_dir_all(root.join("pkg")).unwrap();
    std::fs::create_dir_all(root.join("tests")).unwrap();
    std::fs::write(root.join("pkg/dedup.py"), slow).unwrap();
    std::fs::write(root.join("tests/test_dedup.py"), slow).unwrap();
    let output = Command::new(server_binary()).args(["analyze", "--json", "."]).current_dir(root).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let rows: Vec<Value> = String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let flagged =
        |file: &str| rows.iter().find(|r| r["file"].as_str().unwrap().ends_with(file)).unwrap_or_else(|| panic!("{file}: {rows:?}"))["flagged"].clone();
    assert_eq!(flagged("pkg/dedup.py"), true);
    assert_eq!(flagged("tests/test_dedup.py"), false);
}
