//! The whole optimization through LSP with the local engine: questions, progress, the result as
//! a diff, accepting all, some or none of the hunks, edits during the run, and a server restart
//! between the end of the run and the decision.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::json;
use weco_lsp_e2e::{LspClient, copy_fixture, editor_capabilities, file_uri, local_backend, scripted_user, start_editor};

const FUNCTION: &str = "missing_skus";

/// A user who picks Vibe mode, the isolated folder, and `decision` at the end.
fn answers(decision: &'static str) -> Vec<&'static str> {
    vec!["Vibe Mode", "Isolated directory (recommended)", decision, "Keep going"]
}

fn start(root: &Path, decision: &'static str) -> (LspClient, Arc<Mutex<Vec<String>>>) {
    start_editor(root, answers(decision), local_backend(3))
}

fn optimize(client: &mut LspClient, file: &Path) {
    client.request("workspace/executeCommand", json!({"command": "weco.optimize", "arguments": [{"uri": file_uri(file), "function": FUNCTION}]}));
}

#[test]
fn apply_applies_every_hunk_without_asking_again_and_writes_a_report() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let file = root.join("inventory.py");
    let before = std::fs::read_to_string(&file).unwrap();
    let (mut client, questions) = start(root, "Apply");
    optimize(&mut client, &file);

    // Progress is reported with the negotiated token and can be cancelled.
    let create = client.wait_for("window/workDoneProgress/create", |_| true);
    let token = create["token"].clone();
    let begin = client.wait_for("$/progress", |p| p["token"] == token && p["value"]["kind"] == "begin");
    assert_eq!(begin["value"]["cancellable"], true);
    let baseline = client.message_containing("baseline of `missing_skus`");
    assert!(baseline.contains("per call"), "{baseline}");
    client.wait_for("$/progress", |p| p["token"] == token && p["value"]["message"].as_str().is_some_and(|m| m.contains("best")));
    client.wait_for("$/progress", |p| p["token"] == token && p["value"]["kind"] == "end");
    let applied = client.message_containing("applied");
    assert!(applied.contains("inventory.py"), "{applied}");

    let asked = questions.lock().unwrap().clone();
    assert!(asked[0].contains("How should weco work"), "{asked:?}");
    assert!(asked[1].contains("Where should weco work"), "{asked:?}");
    assert!(asked.last().unwrap().contains("Apply the change"), "{asked:?}");
    let requests = client.server_requests.lock().unwrap().clone();
    let (edit, _) = requests.iter().find(|(r, _)| r["method"] == "workspace/applyEdit").expect("an applyEdit");
    // The lenses stop showing the run before the result question waits for an answer: one refresh when the
    // run starts, one when it ends, both before the question.
    let asked_at = |text: &str| {
        requests
            .iter()
            .position(|(r, _)| r["method"] == "window/showMessageRequest" && r["params"]["message"].as_str().is_some_and(|m| m.contains(text)))
            .unwrap_or_else(|| panic!("the question {text:?}"))
    };
    let (workspace_question, offer) = (asked_at("Where should weco work"), asked_at("Apply the change"));
    let refreshes = requests[workspace_question..offer].iter().filter(|(r, _)| r["method"] == "workspace/codeLens/refresh").count();
    assert!(refreshes >= 2, "lens refreshes during the run, before the result question: {refreshes}");
    // Apply applies: no refactor preview with every hunk unticked (needsConfirmation) that applies nothing.
    let confirmations = edit["params"]["edit"]["changeAnnotations"].as_object().map(|a| a.values().filter(|a| a["needsConfirmation"] == true).count());
    assert_eq!(confirmations.unwrap_or(0), 0, "{edit}");

    let after = std::fs::read_to_string(&file).unwrap();
    assert_ne!(after, before);
    assert!(after.contains("set(in_stock)") && after.contains("def fib"), "{after}");
    let report = std::fs::read_to_string(root.join(".weco/missing_skus/report.md")).unwrap();
    assert!(report.contains("## Impact") && report.contains("## Approaches tried") && report.contains("## Verification"), "{report}");
    for name in ["baseline.py", "optimize.py", "evaluate.py", "evaluate.sh", "run.log"] {
        assert!(root.join(".weco/missing_skus").join(name).exists(), "{name} missing");
    }
    let profile = std::fs::read_to_string(root.join(".weco/profile.yaml")).unwrap();
    assert!(profile.contains("optimization_history") && profile.contains("missing_skus") && profile.contains("vibe"), "{profile}");

    // The guidance documents were written with the task; hovers now link to them.
    let uri = client.open(&file, "python");
    let line = after.lines().position(|l| l.starts_with("def fib")).unwrap() as u32;
    let hover = client.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 5}}));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    let link = format!("{}/.weco/rules/rewrites/python-memoize-recursion.md", file_uri(root));
    assert!(text.contains(&link), "{text}");
}

#[test]
fn review_then_restart_then_edit_then_accept_one_hunk_merges_with_the_users_edit() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let file = root.join("inventory.py");
    let before = std::fs::read_to_string(&file).unwrap();
    let (mut client, _) = start(root, "Review diff");
    let uri = client.open(&file, "python");
    optimize(&mut client, &file);
    let result = client.wait_for("weco/showResult", |_| true);
    assert_eq!(result["function"], FUNCTION);
    assert_eq!(result["uri"], uri);
    assert_eq!(result["original"], before.as_str());
    assert!(result["proposed"].as_str().unwrap().contains("set(in_stock)"));
    let hunks = result["hunks"].as_array().unwrap().clone();
    assert!(hunks.len() >= 2, "expected separate hunks: {hunks:?}");
    assert_eq!(result["metric"]["name"], "speedup");
    assert!(result["metric"]["best"].as_f64().unwrap() > 1.5, "{result}");
    let task_id = result["taskId"].as_str().unwrap().to_string();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before, "review must not touch the file");

    // The server goes away before the user decides; the result survives in the task folder.
    assert_eq!(client.shutdown(), Some(0));
    // Meanwhile the user edits the top of the file.
    let edited = before.replacen("\"\"\"Inventory helpers.\"\"\"", "\"\"\"Inventory helpers (edited).\"\"\"", 1);
    std::fs::write(&file, &edited).unwrap();

    let (mut client, _) = start(root, "Review diff");
    client.open(&file, "python");
    // Accept only the hunk that introduces the set.
    let set_hunk = hunks.iter().find(|h| h["newText"].as_str().unwrap().contains("set(")).unwrap()["id"].clone();
    client.request("workspace/executeCommand", json!({"command": "weco.applyResult", "arguments": [{"taskId": task_id, "hunks": [set_hunk]}]}));
    let after = std::fs::read_to_string(&file).unwrap();
    assert!(after.contains("(edited)"), "the user's edit was overwritten:\n{after}");
    assert!(after.contains("_in_stock_set = set(in_stock)"), "{after}");
    assert!(after.contains("if sku not in in_stock:"), "the rejected hunk was applied:\n{after}");
    assert!(!root.join(format!(".weco/{task_id}/result.json")).exists(), "an applied result is forgotten");
}

#[test]
fn discarding_leaves_the_file_untouched_and_conflicting_edits_are_refused() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let file = root.join("inventory.py");
    let before = std::fs::read_to_string(&file).unwrap();
    let (mut client, _) = start(root, "Keep separate");
    optimize(&mut client, &file);
    let kept = client.message_containing("kept separate");
    assert!(kept.contains("optimize.py"), "{kept}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);

    // The user rewrites the very line the optimization changes: applying must refuse.
    let clash = before.replace("if sku not in in_stock:", "if sku not in list(in_stock):");
    std::fs::write(&file, &clash).unwrap();
    client.request("workspace/executeCommand", json!({"command": "weco.applyResult", "arguments": [{"taskId": FUNCTION}]}));
    let refused = client.message_containing("nothing was applied");
    assert!(refused.contains("same lines"), "{refused}");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), clash);

    client.request("workspace/executeCommand", json!({"command": "weco.discardResult", "arguments": [{"taskId": FUNCTION}]}));
    client.message_containing("discarded");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), clash);
    assert!(!root.join(".weco/missing_skus/result.json").exists());
    assert!(root.join(".weco/missing_skus/report.md").exists(), "the report stays");
}

#[test]
fn the_progress_cancel_button_stops_the_run_and_the_best_so_far_is_still_offered() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let file = root.join("inventory.py");
    let before = std::fs::read_to_string(&file).unwrap();
    let questions = Arc::new(Mutex::new(Vec::new()));
    let mut client = LspClient::start(root);
    client.set_responder(scripted_user(answers("Keep separate"), questions.clone()));
    client.initialize(root, editor_capabilities(), local_backend(50));
    client.wait_for("workspace/codeLens/refresh", |_| true);
    optimize(&mut client, &file);
    let token = client.wait_for("window/workDoneProgress/create", |_| true)["token"].clone();
    // Once a candidate has beaten the baseline, the user presses Cancel on the progress notification.
    client.wait_for("$/progress", |p| p["token"] == token && p["value"]["message"].as_str().is_some_and(|m| m.contains("best ") && !m.contains("best 1.00x")));
    let lens = client.request("textDocument/codeLens", json!({"textDocument": {"uri": file_uri(&file)}}));
    assert!(lens.is_null() || lens.as_array().is_some(), "{lens}");
    client.notify("window/workDoneProgress/cancel", json!({"token": token}));
    let end = client.wait_for("$/progress", |p| p["token"] == token && p["value"]["kind"] == "end");
    assert!(end["value"]["message"].as_str().unwrap().contains("stopped by the user"), "{end}");
    client.message_containing("kept separate");
    assert_eq!(std::fs::read_to_string(&file).unwrap(), before);
    let report = std::fs::read_to_string(root.join(".weco/missing_skus/report.md")).unwrap();
    assert!(report.contains("stopped by the user"), "{report}");
    let steps_run = report.lines().filter(|l| l.starts_with("| ") && l.chars().nth(2).is_some_and(|c| c.is_ascii_digit())).count();
    assert!(steps_run < 10, "the run went on after cancel:\n{report}");
}

#[test]
fn inputs_the_user_writes_are_kept_by_reusing_the_earlier_evaluation() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let file = root.join("inventory.py");
    let questions = Arc::new(Mutex::new(Vec::new()));
    let mut client = LspClient::start(root);
    let mut user = scripted_user(answers("Keep separate"), questions.clone());
    let asked = questions.clone();
    client.set_responder(move |method, params| {
        if method == "window/showMessageRequest" && params["actions"].as_array().unwrap().iter().any(|a| a["title"] == "Reuse it") {
            asked.lock().unwrap().push(params["message"].as_str().unwrap_or_default().to_string());
            return json!({"title": "Reuse it"});
        }
        user(method, params)
    });
    client.initialize(root, editor_capabilities(), local_backend(3));
    client.wait_for("workspace/codeLens/refresh", |_| true);
    let run = |client: &mut LspClient| {
        client.request("workspace/executeCommand", json!({"command": "weco.optimize", "arguments": [{"uri": file_uri(&file), "function": "count_known"}]}));
    };
    run(&mut client);
    // Nothing to build inputs from: the harness is opened for the user to fill in.
    let shown = client.wait_for("window/showDocument", |p| p["uri"].as_str().unwrap_or_default().ends_with("evaluate.py"));
    let evaluate = PathBuf::from(shown["uri"].as_str().unwrap().trim_start_matches("file://"));
    client.message_containing("make_inputs()");
    let text = std::fs::read_to_string(&evaluate).unwrap();
    let stub = "    raise NotImplementedError(";
    let at = text.find(stub).expect("the make_inputs stub");
    let line_end = at + text[at..].find('\n').unwrap();
    let filled = format!("{}    return [((list(range(2000)), list(range(0, 4000, 3))), {{}})]{}", &text[..at], &text[line_end..]);
    std::fs::write(&evaluate, filled).unwrap();

    run(&mut client);
    let mut seen = Vec::new();
    let kept = client
        .wait_for_within("window/showMessage", weco_lsp_e2e::DEADLINE, &mut |p| {
            let m = p["message"].as_str().unwrap_or_default().to_string();
            seen.push(m.clone());
            m.contains("kept separate")
        })
        .unwrap_or_else(|| panic!("no result; messages: {seen:#?}"))["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(kept.contains("count_known_2"), "{kept}");
    assert!(questions.lock().unwrap().iter().any(|q| q.contains("already exists")), "reuse was offered");
    let report = std::fs::read_to_string(root.join(".weco/count_known_2/report.md")).unwrap();
    assert!(report.contains("## Impact"), "{report}");
}

#[test]
fn assistant_scientist_mode_interviews_validates_one_step_then_runs_and_is_offered_first_next_time() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let file = root.join("inventory.py");
    let answers = vec!["Assistant Scientist Mode", "Isolated directory (recommended)", "About 10,000", "Validate first", "Run", "Keep separate"];
    let (mut client, questions) = start_editor(root, answers, local_backend(3));
    optimize(&mut client, &file);
    client.message_containing("kept separate");
    let asked = questions.lock().unwrap().clone();
    assert!(asked.iter().any(|q| q.contains("How often does `missing_skus` run per day")), "{asked:#?}");
    assert!(asked.iter().any(|q| q.contains("Validation step done") && q.contains("works end to end")), "{asked:#?}");
    assert!(asked.iter().any(|q| q.contains("What should weco optimize `missing_skus` for?")), "{asked:#?}");
    assert!(asked.iter().any(|q| q.contains("off the table")) && asked.iter().any(|q| q.contains("How critical")), "{asked:#?}");
    let profile = std::fs::read_to_string(root.join(".weco/profile.yaml")).unwrap();
    assert!(profile.contains("assistant_scientist") && profile.contains("calls_per_day: 10000"), "{profile}");
    assert!(
        profile.contains("optimize for: speed") && profile.contains("criticality: a production hot path"),
        "the answers are in the profile's own fields:\n{profile}"
    );
    assert_eq!(profile.matches("task: missing_skus").count(), 1, "the validation step is not history:\n{profile}");
    let report = std::fs::read_to_string(root.join(".weco/missing_skus/report.md")).unwrap();
    assert!(report.contains("At 10000 calls per day"), "{report}");

    // Each optimization asks for the mode again, the last choice offered first and marked.
    let before = questions.lock().unwrap().len();
    client.request("workspace/executeCommand", json!({"command": "weco.optimize", "arguments": [{"uri": file_uri(&file), "function": "fib"}]}));
    let mode = client.wait_for("window/showMessageRequest", |p| p["message"].as_str().unwrap_or_default().contains("How should weco work on `fib`"));
    let titles: Vec<&str> = mode["actions"].as_array().unwrap().iter().filter_map(|a| a["title"].as_str()).collect();
    assert_eq!(titles, ["Assistant Scientist Mode (last used)", "Vibe Mode"]);
    client.wait_for("window/showMessageRequest", |p| p["message"].as_str().unwrap_or_default().contains("Still accurate?"));
    let next = questions.lock().unwrap()[before..].to_vec();
    assert!(next.get(1).is_some_and(|q| q.contains("Where should weco work")), "{next:#?}");
    assert!(
        next.iter().any(|q| q.contains("about 10000 calls per day") && q.contains("criticality: a production hot path")),
        "the profile's answers are confirmed in one question, not asked again: {next:#?}"
    );
    assert!(!next.iter().any(|q| q.contains("What should weco optimize")), "{next:#?}");
}

#[test]
fn the_mode_setting_turns_the_mode_question_off() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let file = root.join("inventory.py");
    let mut options = local_backend(2);
    options["weco"]["mode"] = json!("vibe");
    let (mut client, questions) = start_editor(root, vec!["Isolated directory (recommended)", "Keep separate"], options);
    optimize(&mut client, &file);
    client.message_containing("kept separate");
    let asked = questions.lock().unwrap().clone();
    assert!(asked.first().is_some_and(|q| q.contains("Where should weco work")), "no mode question with weco.mode = vibe: {asked:#?}");
    assert!(!asked.iter().any(|q| q.contains("How should weco work")), "{asked:#?}");
}
