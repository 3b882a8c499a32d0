//! A Rust function optimized end to end: the cargo harness builds baseline and candidate side by
//! side, the local engine's `rust-membership-set` rewrite wins, and the result is verified.

use std::process::{Command, Stdio};

use weco_lsp_e2e::{copy_fixture, server_binary};

#[test]
fn a_rust_function_gets_a_verified_speedup_from_the_cargo_harness() {
    let project = copy_fixture("optimize_rs");
    let root = project.path();
    let file = root.join("src/lib.rs");
    let before = std::fs::read_to_string(&file).unwrap();
    let output = Command::new(server_binary())
        .args(["optimize", "src/lib.rs::count_common", "--backend", "local", "--steps", "3"])
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{text}");
    assert!(text.contains("rust-membership-set"), "{text}");
    assert!(text.contains("verified speedup"), "{text}");
    assert!(text.contains("+    let b_set: std::collections::HashSet<_> = b.iter().collect();"), "{text}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    let task = root.join(".weco/count_common");
    for name in ["baseline.rs", "optimize.rs", "evaluate.sh", "Cargo.toml", "report.md"] {
        assert!(task.join(name).exists(), "{name} missing");
    }
}
