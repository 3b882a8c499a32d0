//! The weco backend through the language server: the real weco client against the fake API,
//! progress, a candidate importing a missing package turned into a diagnostic with an "Install"
//! action that asks before installing, and the result offered at the end.

use serde_json::json;
use weco_lsp_e2e::{FakeWeco, LspClient, copy_fixture, editor_capabilities, scripted_user};

#[test]
fn a_missing_module_in_a_weco_candidate_becomes_a_diagnostic_with_an_install_action() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let file = root.join("inventory.py");
    let before = std::fs::read_to_string(&file).unwrap();
    let home = root.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let fake = FakeWeco::start(&[
        "--scenario",
        "rewrite",
        "--replace",
        "    for sku in ordered:\n        if sku not in in_stock:",
        "--with",
        "    stock = set(in_stock)\n    for sku in ordered:\n        if sku not in stock:",
    ]);
    let env: Vec<(String, String)> = fake.env(&home);
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let questions = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut client = LspClient::start_with(root, &env_refs);
    // The user declines the install: nothing is installed in the test.
    client.set_responder(scripted_user(vec!["Vibe Mode", "Isolated directory (recommended)", "Keep separate", "Keep going", "Cancel"], questions.clone()));
    client.initialize(root, editor_capabilities(), json!({"weco": {"backend": "weco", "steps": 3, "evalTimeout": 120}}));
    client.wait_for("workspace/codeLens/refresh", |_| true);
    let uri = client.open(&file, "python");
    client.request("workspace/executeCommand", json!({"command": "weco.optimize", "arguments": [{"uri": uri, "function": "missing_skus"}]}));

    let chosen = client.message_containing("optimizing `missing_skus` with");
    assert!(chosen.contains("weco (as configured)"), "{chosen}");
    let params = client
        .wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri && p["diagnostics"].as_array().unwrap().iter().any(|d| d["code"] == "missing-module"));
    let diagnostic = params["diagnostics"].as_array().unwrap().iter().find(|d| d["code"] == "missing-module").unwrap().clone();
    assert!(diagnostic["message"].as_str().unwrap().contains("numpy_not_installed_pkg"), "{diagnostic}");

    let actions = client
        .request("textDocument/codeAction", json!({"textDocument": {"uri": uri}, "range": diagnostic["range"], "context": {"diagnostics": [diagnostic]}}));
    let install = actions.as_array().unwrap().iter().find(|a| a["title"] == "Install numpy_not_installed_pkg").expect("an install action").clone();
    assert_eq!(install["kind"], "quickfix");
    client.request("workspace/executeCommand", install["command"].clone());
    let asked = client.wait_for("window/showMessageRequest", |p| p["message"].as_str().unwrap_or_default().starts_with("Install `numpy_not_installed_pkg`"));
    assert!(asked["message"].as_str().unwrap().contains("pip install numpy_not_installed_pkg"), "{asked}");

    let kept = client.message_containing("kept separate");
    assert!(kept.contains("optimize.py"), "{kept}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before, "the user's file is byte-identical after the weco run");
    let report = std::fs::read_to_string(root.join(".weco/missing_skus/report.md")).unwrap();
    assert!(report.contains("| Optimizer | weco"), "{report}");
}
