//! Resuming an interrupted weco run after a server restart: the task record and weco's run id in
//! the task folder let a new server offer `weco resume`, follow it to the end and offer the result.

use serde_json::json;
use weco_lsp_e2e::{FakeWeco, LspClient, copy_fixture, editor_capabilities, file_uri, scripted_user};

const ISOLATED: &[&str] = &["Vibe Mode", "Isolated directory (recommended)", "Resume", "Keep separate", "Keep going"];
const IN_PLACE: &[&str] = &["Vibe Mode", "In-place", "Yes, rewrite it in place", "Resume", "Keep separate", "Keep going"];

fn start(root: &std::path::Path, fake: &FakeWeco) -> (LspClient, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    start_as(root, fake, ISOLATED)
}

fn start_as(root: &std::path::Path, fake: &FakeWeco, answers: &'static [&'static str]) -> (LspClient, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    let home = root.join("home");
    std::fs::create_dir_all(&home).unwrap();
    let env: Vec<(String, String)> = fake.env(&home);
    let env_refs: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let questions = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut client = LspClient::start_with(root, &env_refs);
    client.set_responder(scripted_user(answers.to_vec(), questions.clone()));
    client.initialize(root, editor_capabilities(), json!({"weco": {"backend": "weco", "steps": 4, "evalTimeout": 120}}));
    (client, questions)
}

#[test]
fn an_interrupted_weco_run_is_offered_for_resuming_after_a_restart_and_followed_to_the_end() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let file = root.join("inventory.py");
    let before = std::fs::read_to_string(&file).unwrap();
    // The run stops early (out of credits), like a run cut off by a crash; the task folder keeps
    // weco's run id and our task record.
    let fake = FakeWeco::start(&["--scenario", "out_of_credits"]);
    let (mut client, _) = start(root, &fake);
    client.wait_for("workspace/codeLens/refresh", |_| true);
    client.request("workspace/executeCommand", json!({"command": "weco.optimize", "arguments": [{"uri": file_uri(&file), "function": "missing_skus"}]}));
    let stopped = client.message_containing("no verified improvement");
    assert!(stopped.contains("Out of credits") || stopped.contains("credits"), "{stopped}");
    let task = root.join(".weco/missing_skus");
    assert!(task.join("weco-run.json").exists() && task.join("task.json").exists());
    assert_eq!(client.shutdown(), Some(0));
    // The server died before it could write the report.
    std::fs::remove_file(task.join("report.md")).unwrap();

    let (mut client, questions) = start(root, &fake);
    let asked = client.wait_for("window/showMessageRequest", |p| p["message"].as_str().unwrap_or_default().contains("was interrupted"));
    assert!(asked["message"].as_str().unwrap().contains("missing_skus"), "{asked}");
    let end = client.wait_for("window/showMessage", |p| {
        let m = p["message"].as_str().unwrap_or_default();
        m.contains("no verified improvement") || m.contains("kept separate")
    });
    assert!(end["message"].as_str().unwrap().contains("missing_skus"), "{end}");
    assert!(questions.lock().unwrap().iter().any(|q| q.contains("Resume it?")));
    let log = std::fs::read_to_string(task.join("run.log")).unwrap();
    assert!(log.matches("Run ID:").count() >= 2 || log.contains("resume"), "the resumed run went to the log:\n{log}");
    assert!(task.join("report.md").exists(), "the resumed run leaves a report");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
}

#[test]
fn a_run_record_this_machine_did_not_write_is_not_offered_for_resuming() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let file = root.join("inventory.py");
    let fake = FakeWeco::start(&["--scenario", "out_of_credits"]);
    let (mut client, _) = start(root, &fake);
    client.wait_for("workspace/codeLens/refresh", |_| true);
    client.request("workspace/executeCommand", json!({"command": "weco.optimize", "arguments": [{"uri": file_uri(&file), "function": "missing_skus"}]}));
    client.message_containing("no verified improvement");
    assert_eq!(client.shutdown(), Some(0));
    let task = root.join(".weco/missing_skus");
    std::fs::remove_file(task.join("report.md")).unwrap();
    // As shipped in a repository: the same records, with the eval command a resume would run
    // changed, so the seal no longer matches.
    let record = task.join("task.json");
    let text = std::fs::read_to_string(&record).unwrap().replace("bash evaluate.sh", "bash evaluate.sh; touch PWNED");
    std::fs::write(&record, text).unwrap();

    let (mut client, questions) = start(root, &fake);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    while !client.log().contains("looked for interrupted runs") {
        assert!(std::time::Instant::now() < deadline, "the scan never ended:\n{}", client.log());
        // Waiting on the server's log has no event to block on; answering its requests meanwhile.
        let _ = client.wait_for_within("window/showMessageRequest", std::time::Duration::from_millis(50), &mut |_| false);
    }
    assert!(questions.lock().unwrap().iter().all(|q| !q.contains("Resume")), "{:?}", questions.lock().unwrap());
    assert!(client.log().contains("not written by weco-lsp on this machine"), "{}", client.log());
    assert_eq!(client.shutdown(), Some(0));
    assert!(!root.join("PWNED").exists() && !task.join("PWNED").exists());
}

#[test]
fn an_interrupted_in_place_weco_run_is_offered_for_resuming_too() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let file = root.join("inventory.py");
    let before = std::fs::read_to_string(&file).unwrap();
    let fake = FakeWeco::start(&["--scenario", "out_of_credits"]);
    let (mut client, _) = start_as(root, &fake, IN_PLACE);
    client.wait_for("workspace/codeLens/refresh", |_| true);
    client.request("workspace/executeCommand", json!({"command": "weco.optimize", "arguments": [{"uri": file_uri(&file), "function": "missing_skus"}]}));
    client.message_containing("no verified improvement");
    let task = root.join(".weco/missing_skus");
    assert!(task.join("task.json").exists(), "the task record is in the task folder");
    assert!(task.join("weco-run.json").exists(), "weco's run id is kept with the task, not in the project root");
    assert!(!root.join("weco-run.json").exists(), "nothing is left in the project root");
    assert!(root.join(".runs").is_dir(), "weco ran in the project root (in place)");
    assert_eq!(client.shutdown(), Some(0));
    std::fs::remove_file(task.join("report.md")).unwrap();

    let (mut client, questions) = start_as(root, &fake, IN_PLACE);
    let asked = client.wait_for("window/showMessageRequest", |p| p["message"].as_str().unwrap_or_default().contains("was interrupted"));
    assert!(asked["message"].as_str().unwrap().contains("missing_skus"), "{asked}");
    client.wait_for("window/showMessage", |p| {
        let m = p["message"].as_str().unwrap_or_default();
        m.contains("missing_skus") && (m.contains("no verified improvement") || m.contains("kept separate") || m.contains("applied"))
    });
    assert!(questions.lock().unwrap().iter().any(|q| q.contains("Resume it?")));
    assert!(task.join("report.md").exists(), "the resumed run leaves a report");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before, "the user's file is as it was");
}
