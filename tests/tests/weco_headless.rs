//! `weco-lsp optimize --backend weco` end to end: the real weco 0.4.0 client (`WECO_BIN`) against
//! the fake Weco API, our harness measuring each candidate, the verified result and the report.

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use weco_lsp_e2e::{copy_fixture, server_binary};

const API_KEY: &str = "test-key-4f9a7c";

fn weco_bin() -> PathBuf {
    let path = std::env::var_os("WECO_BIN").filter(|p| !p.is_empty()).map(PathBuf::from).unwrap_or_else(|| {
        panic!("WECO_BIN is not set: `python3 -m venv .venv-weco && .venv-weco/bin/pip install weco==0.4.0`, then export WECO_BIN=$PWD/.venv-weco/bin/weco (scripts/setup.sh does this)")
    });
    assert!(path.is_file(), "WECO_BIN={} does not exist", path.display());
    path
}

struct FakeWeco {
    child: Child,
    port: u16,
}

impl FakeWeco {
    fn start(args: &[&str]) -> FakeWeco {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("fake_weco/server.py");
        let mut child = Command::new("python3").arg(script).args(args).stdout(Stdio::piped()).stdin(Stdio::null()).spawn().expect("python3");
        let mut line = String::new();
        // The fake prints `PORT <n>` once it listens; reading that line is the wait.
        std::io::BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("fake server said {line:?}"));
        FakeWeco { child, port }
    }
}

impl Drop for FakeWeco {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn optimize(root: &Path, fake: &FakeWeco, extra: &[&str]) -> (bool, String) {
    let home = root.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let weco_dir = weco_bin().parent().unwrap().to_path_buf();
    let path = format!("{}:{}", weco_dir.display(), std::env::var("PATH").unwrap_or_default());
    let output = Command::new(server_binary())
        .args(["optimize", "inventory.py::missing_skus", "--backend", "weco", "--steps", "3"])
        .args(extra)
        .current_dir(root)
        .env("PATH", path)
        .env("HOME", &home)
        .env("WECO_BASE_URL", format!("http://127.0.0.1:{}", fake.port))
        .env("WECO_API_KEY", API_KEY)
        .env("HTTPS_PROXY", "http://127.0.0.1:9")
        .env("NO_PROXY", "127.0.0.1,localhost")
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
    let output = Command::new(server_binary())
        .args(["optimize", "inventory.py::missing_skus", "--backend", "weco", "--steps", "1"])
        .current_dir(root)
        .env("PATH", "/usr/bin:/bin")
        .env("HOME", root)
        .env_remove("WECO_API_KEY")
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
    assert!(text.contains("not found") && text.contains("pip"), "{text}");
    assert!(text.contains("local engine"), "the message offers the local engine: {text}");
}
