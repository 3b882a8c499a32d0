//! Consolidation through LSP and the command line: the consolidated file is written and opened,
//! optimized with the local engine, and the verified change comes back to the helper's own file,
//! two files away from the function, as one multi-file result that survives a restart.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

use serde_json::{Value, json};
use weco_lsp_e2e::{LspClient, copy_fixture, file_uri, local_backend, server_binary, start_editor};

const FUNCTION: &str = "restock_report";

/// The scripted user's answers, in order of preference.
fn start(root: &Path, answers: &'static [&'static str]) -> (LspClient, Arc<Mutex<Vec<String>>>) {
    start_editor(root, answers.to_vec(), local_backend(3))
}

fn consolidate(client: &mut LspClient, file: &Path) {
    client.request("workspace/executeCommand", json!({"command": "weco.consolidate", "arguments": [{"uri": file_uri(file), "function": FUNCTION}]}));
}

fn texts(root: &Path) -> [String; 3] {
    ["report.py", "planning.py", "lookup.py"].map(|name| std::fs::read_to_string(root.join("warehouse").join(name)).unwrap())
}

fn consolidated_file(root: &Path) -> PathBuf {
    root.join(".weco/restock_report_consolidated/consolidated.py")
}

#[test]
fn consolidate_writes_the_file_opens_it_and_offers_to_optimize_with_the_sources_alternative() {
    let project = copy_fixture("consolidate_py");
    let root = project.path();
    let before = texts(root);
    let (mut client, questions) = start(root, &["Not now"]);
    consolidate(&mut client, &root.join("warehouse/report.py"));

    let shown = client.wait_for("window/showDocument", |_| true);
    let written = consolidated_file(&root.canonicalize().unwrap());
    assert_eq!(shown["uri"], file_uri(&written));
    let stays = client.message_containing("stays in");
    assert!(stays.contains("consolidated.py"), "{stays}");

    let text = std::fs::read_to_string(&written).unwrap();
    for name in ["def restock_report", "def plan_restock", "def missing_skus", "weco:begin"] {
        assert!(text.contains(name), "{name} missing from the consolidated file:\n{text}");
    }
    assert!(!text.contains("lookup.missing_skus"), "module-qualified calls are rewritten:\n{text}");
    assert!(written.with_file_name("pieces.json").is_file());
    let asked = questions.lock().unwrap().clone();
    let offer = asked.iter().find(|q| q.contains("Optimize the consolidated file?")).expect("the optimize question");
    assert!(offer.contains("3 pieces from 3 files"), "{offer}");
    assert!(offer.contains("weco run --sources") && offer.contains("warehouse/lookup.py"), "{offer}");
    assert_eq!(texts(root), before, "consolidating never touches the project's files");
}

#[test]
fn optimizing_the_consolidated_file_applies_the_change_to_the_helpers_own_file() {
    let project = copy_fixture("consolidate_py");
    let root = project.path();
    let [report_before, planning_before, lookup_before] = texts(root);
    let (mut client, questions) = start(root, &["Optimize", "Vibe Mode", "Isolated directory (recommended)", "Apply", "Keep going"]);
    consolidate(&mut client, &root.join("warehouse/report.py"));
    let baseline = client.message_containing("baseline of `restock_report`");
    assert!(baseline.contains("per call"), "{baseline}");
    let applied = client.message_containing("weco: applied");
    assert!(applied.contains("lookup.py"), "{applied}");

    let [report_after, planning_after, lookup_after] = texts(root);
    assert!(lookup_after.contains("set(in_stock)"), "the helper's file gets the change:\n{lookup_after}");
    assert_ne!(lookup_after, lookup_before);
    assert!(lookup_after.starts_with("\"\"\"Stock lookups.\"\"\""), "the rest of the file is kept:\n{lookup_after}");
    assert_eq!(report_after, report_before, "the target's file is untouched");
    assert_eq!(planning_after, planning_before, "the middle file is untouched");
    assert!(!lookup_after.contains("weco:"), "no marker reaches the user's file:\n{lookup_after}");

    let requests = client.server_requests.lock().unwrap().clone();
    let (edit, _) = requests.iter().find(|(r, _)| r["method"] == "workspace/applyEdit").expect("an applyEdit");
    let changes = edit["params"]["edit"]["documentChanges"].as_array().unwrap();
    assert_eq!(changes.len(), 1, "one document changes: {changes:?}");
    assert!(changes[0]["textDocument"]["uri"].as_str().unwrap().ends_with("warehouse/lookup.py"));
    // Apply applies, without a refactor preview whose hunks all start unticked.
    let confirmations = edit["params"]["edit"]["changeAnnotations"].as_object().map(|a| a.values().filter(|a| a["needsConfirmation"] == true).count());
    assert_eq!(confirmations.unwrap_or(0), 0, "{edit}");
    let asked = questions.lock().unwrap().clone();
    assert!(asked.last().unwrap().contains("(consolidated)") && asked.last().unwrap().contains("lookup.py"), "{asked:?}");
    let task = root.join(".weco/restock_report");
    assert!(task.join("report.md").is_file() && !task.join("result.json").exists(), "an applied result is forgotten");
}

#[test]
fn reviewed_multi_file_result_survives_a_restart_and_applies_by_global_hunk_ids() {
    let project = copy_fixture("consolidate_py");
    let root = project.path();
    let [report_before, _, lookup_before] = texts(root);
    let (mut client, _) = start(root, &["Optimize", "Vibe Mode", "Isolated directory (recommended)", "Review diff", "Keep going"]);
    consolidate(&mut client, &root.join("warehouse/report.py"));
    let shown = client.wait_for("weco/showResult", |_| true);
    assert!(shown["uri"].as_str().unwrap().ends_with("warehouse/lookup.py"), "{shown}");
    assert_eq!(shown["original"], lookup_before.as_str());
    assert!(shown["proposed"].as_str().unwrap().contains("set(in_stock)"));
    assert_eq!(shown["function"], FUNCTION);
    let task_id = shown["taskId"].as_str().unwrap().to_string();
    let ids: Vec<Value> = shown["hunks"].as_array().unwrap().iter().map(|h| h["id"].clone()).collect();
    assert!(!ids.is_empty());
    assert_eq!(texts(root)[2], lookup_before, "review does not touch the file");
    let saved: Value = serde_json::from_str(&std::fs::read_to_string(root.join(format!(".weco/{task_id}/result.json"))).unwrap()).unwrap();
    assert_eq!(saved["files"].as_array().map(Vec::len), Some(1), "{saved}");
    assert_eq!(client.shutdown(), Some(0));

    let (mut client, _) = start(root, &[]);
    client.request("workspace/executeCommand", json!({"command": "weco.applyResult", "arguments": [{"taskId": task_id, "hunks": ids}]}));
    let [report_after, _, lookup_after] = texts(root);
    assert!(lookup_after.contains("set(in_stock)"), "{lookup_after}");
    assert_eq!(report_after, report_before);
    assert!(!root.join(format!(".weco/{task_id}/result.json")).exists(), "applied in full, the result is forgotten");
}

#[test]
fn headless_consolidate_prints_the_path_the_pieces_and_the_sources_alternative() {
    let project = copy_fixture("consolidate_py");
    let root = project.path();
    let output = Command::new(server_binary()).arg("consolidate").arg("warehouse/report.py::restock_report").current_dir(root).output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let written = consolidated_file(&root.canonicalize().unwrap());
    assert!(written.is_file(), "{stdout}");
    assert!(stdout.contains(&written.display().to_string()), "{stdout}");
    assert!(stdout.contains("3 pieces from 3 files (0 read-only)"), "{stdout}");
    assert!(stdout.contains("`missing_skus` from warehouse/lookup.py"), "{stdout}");
    assert!(stdout.contains("weco run --sources"), "{stdout}");

    let missing = Command::new(server_binary()).arg("consolidate").arg("warehouse/report.py::nope").current_dir(root).output().unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("restock_report"), "the error lists the functions there");
}
