//! `weco-lsp analyze` and `--version`, run as a script or CI would.

use std::process::Command;

use serde_json::Value;
use weco_lsp_e2e::{fixture, server_binary};

#[test]
fn version_prints_the_crate_version() {
    let output = Command::new(server_binary()).arg("--version").output().unwrap();
    assert!(output.status.success());
    assert_eq!(String::from_utf8_lossy(&output.stdout).trim(), format!("weco-lsp {}", env!("CARGO_PKG_VERSION")));
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
