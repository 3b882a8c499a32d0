//! The real binary over stdio on fixture projects: lenses, diagnostics, hovers, code actions, sync and encodings.

use std::path::Path;

use serde_json::{Value, json};
use weco_lsp_e2e::{LspClient, copy_fixture, file_uri};

/// Client capabilities with code lens refresh, so the test can wait for the end of indexing.
fn capabilities(encodings: &[&str]) -> Value {
    json!({
        "general": {"positionEncodings": encodings},
        "workspace": {"codeLens": {"refreshSupport": true}, "didChangeWatchedFiles": {"dynamicRegistration": true}},
        "window": {"workDoneProgress": true},
    })
}

/// Starts the server on `root` and waits until the workspace index is built.
fn start(root: &Path, encodings: &[&str]) -> (LspClient, Value) {
    let mut client = LspClient::start(root);
    let init = client.initialize(root, capabilities(encodings), json!({}));
    client.wait_for("workspace/codeLens/refresh", |_| true);
    (client, init)
}

fn diagnostics_for(client: &mut LspClient, uri: &str, version: Option<i64>) -> Vec<Value> {
    let params = client.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri && version.is_none_or(|v| p["version"] == v));
    params["diagnostics"].as_array().cloned().unwrap_or_default()
}

fn lenses(client: &mut LspClient, uri: &str) -> Vec<Value> {
    client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}})).as_array().cloned().unwrap_or_default()
}

fn lens_functions(lenses: &[Value]) -> Vec<String> {
    let mut names: Vec<String> = lenses.iter().map(|l| l["command"]["arguments"][0]["function"].as_str().unwrap().to_string()).collect();
    names.sort();
    names
}

fn code_action_titles(client: &mut LspClient, uri: &str, line: u32) -> Vec<(String, Value)> {
    let actions = client.request(
        "textDocument/codeAction",
        json!({"textDocument": {"uri": uri}, "range": {"start": {"line": line, "character": 4}, "end": {"line": line, "character": 4}}, "context": {"diagnostics": []}}),
    );
    actions.as_array().unwrap().iter().map(|a| (a["title"].as_str().unwrap().to_string(), a["command"].clone())).collect()
}

fn line_of(path: &Path, needle: &str) -> u32 {
    std::fs::read_to_string(path).unwrap().lines().position(|l| l.contains(needle)).unwrap_or_else(|| panic!("{needle} not in {}", path.display())) as u32
}

fn hover_text(client: &mut LspClient, uri: &str, line: u32, character: u32) -> String {
    let hover = client.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}));
    hover["contents"]["value"].as_str().unwrap_or_default().to_string()
}

#[test]
fn python_package_gets_lenses_diagnostics_hovers_and_code_actions() {
    let project = copy_fixture("python_pkg");
    let root = project.path();
    let (mut client, init) = start(root, &[]);
    assert_eq!(init["capabilities"]["positionEncoding"], "utf-16");
    assert_eq!(init["serverInfo"]["name"], "weco-lsp");

    let orders = root.join("shop/orders.py");
    let uri = client.open(&orders, "python");
    let diagnostics = diagnostics_for(&mut client, &uri, Some(1));
    assert!(!diagnostics.is_empty());
    for d in &diagnostics {
        assert_eq!((d["source"].as_str(), d["severity"].as_i64()), (Some("weco"), Some(4)), "{d}");
    }
    let codes: Vec<&str> = diagnostics.iter().filter_map(|d| d["code"].as_str()).collect();
    for expected in ["list-membership-in-loop", "string-concat-in-loop", "nested-loops"] {
        assert!(codes.contains(&expected), "missing {expected} in {codes:?}");
    }
    assert!(!diagnostics.iter().any(|d| d["message"].as_str().unwrap().contains("order_count")), "trivial function flagged");

    let lenses = lenses(&mut client, &uri);
    assert!(lenses.iter().all(|l| l["command"]["title"].as_str().unwrap().starts_with("⚡ Optimize with Weco")));
    assert!(lenses.iter().all(|l| l["command"]["command"] == "weco.optimize" && l["command"]["arguments"][0]["uri"] == uri));
    let names = lens_functions(&lenses);
    assert!(
        names.contains(&"dedupe_orders".to_string()) && names.contains(&"receipt".to_string()) && names.contains(&"Basket.common".to_string()),
        "{names:?}"
    );
    assert!(!names.iter().any(|n| n == "order_count" || n == "Basket.size" || n == "Basket.__init__"), "{names:?}");
    let title_of = |name: &str| {
        let lens = lenses.iter().find(|l| l["command"]["arguments"][0]["function"] == name).unwrap_or_else(|| panic!("no lens for {name}"));
        lens["command"]["title"].as_str().unwrap().to_string()
    };
    assert!(title_of("dedupe_orders").ends_with("· offline rewrite ready)"), "the dedup shape has an offline rewrite: {}", title_of("dedupe_orders"));
    let dedupe_hover = hover_text(&mut client, &uri, line_of(&orders, "def dedupe_orders"), 6);
    assert!(dedupe_hover.contains("Offline engine: will try `python-dedup-set`"), "{dedupe_hover}");

    // invoice_total uses unit_price from pricing.py, which uses BASE_PRICES from catalog.py.
    let invoice_line = line_of(&orders, "def invoice_total");
    let text = hover_text(&mut client, &uri, invoice_line, 6);
    assert!(text.contains("unit_price") && text.contains("shop/pricing.py"), "{text}");
    assert!(text.contains("BASE_PRICES") && text.contains("shop/catalog.py"), "{text}");
    assert!(text.contains("TAX"), "same-file constants are dependencies too: {text}");

    let actions = code_action_titles(&mut client, &uri, invoice_line + 2);
    let titles: Vec<&str> = actions.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(titles, ["Optimize with Weco", "Consolidate for optimization"]);
    assert_eq!(actions[1].1["command"], "weco.consolidate");
    assert_eq!(actions[1].1["arguments"][0], json!({"uri": uri, "function": "invoice_total"}));

    // dedupe_orders depends on nothing in other files: no consolidation offered.
    let dedupe_line = line_of(&orders, "def dedupe_orders");
    let actions = code_action_titles(&mut client, &uri, dedupe_line + 3);
    assert_eq!(actions.iter().map(|(t, _)| t.as_str()).collect::<Vec<_>>(), ["Optimize with Weco"]);
    assert_eq!(actions[0].1["arguments"][0]["function"], "dedupe_orders");

    // The method under the cursor is named with its class.
    let common_line = line_of(&orders, "def common");
    let actions = code_action_titles(&mut client, &uri, common_line + 2);
    assert_eq!(actions[0].1["arguments"][0]["function"], "Basket.common");

    // Hover on the reasons of a flagged function.
    let text = hover_text(&mut client, &uri, dedupe_line, 6);
    assert!(text.contains("dedupe_orders") && text.contains("list-membership-in-loop"), "{text}");
    assert!(text.contains("weco-lsp rules rewrites/python-membership-set"), "the known fix is named: {text}");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn incremental_edits_refresh_diagnostics_for_the_new_version() {
    let project = copy_fixture("python_pkg");
    let root = project.path();
    let (mut client, _) = start(root, &[]);
    let path = root.join("shop/orders.py");
    let uri = client.open(&path, "python");
    let before = diagnostics_for(&mut client, &uri, Some(1));
    let count_line = line_of(&path, "return len(orders)");
    // Turn the trivial order_count into a quadratic one with an incremental change.
    let new_body =
        "total = []\n    for a in orders:\n        for b in orders:\n            if a not in total:\n                total.append(b)\n    return len(total)";
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"range": {"start": {"line": count_line, "character": 4}, "end": {"line": count_line, "character": 22}}, "text": new_body}],
        }),
    );
    let after = diagnostics_for(&mut client, &uri, Some(2));
    assert!(after.len() > before.len(), "before {before:?}\nafter {after:?}");
    assert!(after.iter().any(|d| d["message"].as_str().unwrap().contains("order_count")), "{after:?}");
    let lenses = lenses(&mut client, &uri);
    assert!(lens_functions(&lenses).contains(&"order_count".to_string()));
}

#[test]
fn positions_use_the_negotiated_encoding_with_non_ascii_text() {
    let project = copy_fixture("python_pkg");
    let root = project.path();
    let path = root.join("shop/unicode_names.py");
    let line = line_of(&path, "def 計算");
    for (offered, expected_encoding, name_end) in [(vec![], "utf-16", 6), (vec!["utf-8", "utf-16"], "utf-8", 10)] {
        let (mut client, init) = start(root, &offered);
        assert_eq!(init["capabilities"]["positionEncoding"], expected_encoding);
        let uri = client.open(&path, "python");
        let lenses = lenses(&mut client, &uri);
        let lens = lenses.iter().find(|l| l["command"]["arguments"][0]["function"] == "計算").expect("lens on 計算");
        assert_eq!(lens["range"]["start"], json!({"line": line, "character": 4}));
        assert_eq!(lens["range"]["end"], json!({"line": line, "character": name_end}), "{expected_encoding}");
        // fib is uncached recursion.
        assert!(lens_functions(&lenses).contains(&"fib".to_string()));
    }

    let rust = copy_fixture("rust_crate");
    let path = rust.path().join("src/unicode.rs");
    for (offered, name_start) in [(vec![], 17), (vec!["utf-8"], 20)] {
        let (mut client, _) = start(rust.path(), &offered);
        let uri = client.open(&path, "rust");
        let lenses = lenses(&mut client, &uri);
        assert_eq!(lenses.len(), 1, "{lenses:?}");
        assert_eq!(lenses[0]["range"]["start"], json!({"line": 0, "character": name_start}));
        // A code action requested at a UTF-16/UTF-8 position inside the name finds the function.
        let actions = client.request(
            "textDocument/codeAction",
            json!({"textDocument": {"uri": uri}, "range": {"start": {"line": 0, "character": name_start + 1}, "end": {"line": 0, "character": name_start + 1}}, "context": {"diagnostics": []}}),
        );
        assert_eq!(actions[0]["command"]["arguments"][0]["function"], "slow_contains");
    }
}

#[test]
fn rust_crate_gets_lenses_and_cross_module_dependencies() {
    let project = copy_fixture("rust_crate");
    let root = project.path();
    let (mut client, _) = start(root, &[]);
    let lib = root.join("src/lib.rs");
    let uri = client.open(&lib, "rust");
    let diagnostics = diagnostics_for(&mut client, &uri, Some(1));
    let codes: Vec<&str> = diagnostics.iter().filter_map(|d| d["code"].as_str()).collect();
    // The all-pairs nest is the algorithm (a hint, no diagnostic); the membership test in a growing Vec is the finding.
    assert!(codes.contains(&"list-membership-in-loop") && !codes.contains(&"nested-loops"), "{codes:?}");
    let names = lens_functions(&lenses(&mut client, &uri));
    assert!(names.contains(&"closest_pair".to_string()), "{names:?}");
    assert!(!names.contains(&"first".to_string()), "{names:?}");
    let line = line_of(&lib, "pub fn closest_pair");
    let text = hover_text(&mut client, &uri, line, 10);
    assert!(text.contains("distance") && text.contains("src/util.rs"), "{text}");
    assert!(text.contains("Point") && text.contains("src/geometry.rs"), "{text}");
    let titles: Vec<String> = code_action_titles(&mut client, &uri, line + 2).into_iter().map(|(t, _)| t).collect();
    assert_eq!(titles, ["Optimize with Weco", "Consolidate for optimization"]);
}

#[test]
fn watched_file_changes_keep_the_index_current() {
    let project = copy_fixture("python_pkg");
    let root = project.path();
    let (mut client, _) = start(root, &[]);
    let orders = root.join("shop/orders.py");
    let uri = client.open(&orders, "python");
    let line = line_of(&orders, "def invoice_total");
    assert!(hover_text(&mut client, &uri, line, 6).contains("unit_price"));

    let pricing = root.join("shop/pricing.py");
    std::fs::remove_file(&pricing).unwrap();
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": file_uri(&pricing), "type": 3}]}));
    let text = hover_text(&mut client, &uri, line, 6);
    assert!(!text.contains("unit_price"), "deleted file still resolves: {text}");

    std::fs::write(&pricing, "def unit_price(sku):\n    return 2.0\n").unwrap();
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": file_uri(&pricing), "type": 1}]}));
    let text = hover_text(&mut client, &uri, line, 6);
    assert!(text.contains("unit_price") && !text.contains("BASE_PRICES"), "{text}");
}

#[test]
fn test_code_gets_no_lens_and_no_diagnostic_while_the_same_code_in_the_package_does() {
    let project = copy_fixture("python_pkg");
    let root = project.path();
    let slow = "def dedup(items):\n    out = []\n    for x in items:\n        if x not in out:\n            out.append(x)\n    return out\n";
    std::fs::write(root.join("shop/dedup.py"), slow).unwrap();
    std::fs::create_dir_all(root.join("tests")).unwrap();
    std::fs::write(root.join("tests/test_dedup.py"), slow).unwrap();
    let (mut client, _) = start(root, &[]);
    let library = client.open(&root.join("shop/dedup.py"), "python");
    assert!(!diagnostics_for(&mut client, &library, Some(1)).is_empty());
    assert_eq!(lens_functions(&lenses(&mut client, &library)), ["dedup"]);
    let test = client.open(&root.join("tests/test_dedup.py"), "python");
    assert!(diagnostics_for(&mut client, &test, Some(1)).is_empty(), "a test's loops run on fixtures");
    assert!(lenses(&mut client, &test).is_empty());
    let hover = hover_text(&mut client, &test, 0, 5);
    assert!(hover.contains("list"), "the hover still lists what was found: {hover}");
}
