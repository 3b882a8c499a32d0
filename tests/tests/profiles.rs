//! Measured hotness (issue #16): profile a fixture program for real with cProfile, pyinstrument (speedscope and its own
//! JSON) and py-spy (folded stacks and speedscope), and check that `analyze --profile` ranks the known hot function
//! first in each format; in the editor, a profile dropped into `.weco/profiles/` puts the measured share on the lens
//! and the hover.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};
use weco_lsp_e2e::{LspClient, copy_fixture, file_uri, server_binary};

/// A profiler from the repository's tool venv (`scripts/setup.sh` installs them).
fn tool(name: &str) -> PathBuf {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().join(".venv-tools/bin").join(name);
    assert!(path.exists(), "{} is missing: run scripts/setup.sh", path.display());
    path
}

fn run(command: &mut Command) -> std::process::Output {
    let output = command.output().unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(output.status.success(), "{command:?}\n{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    output
}

/// Runs a profiler that writes `output` under `root`. A sampler can come back with nothing of the program (pyinstrument
/// has been seen writing one `stat` frame right after a build loaded the disk); such a run is repeated, at most twice,
/// and says so, since it tests the profiler, not the reading.
fn profile_into(root: &Path, output: &str, command: &mut dyn FnMut() -> Command) {
    for attempt in 1..=3 {
        run(command().current_dir(root));
        let written = std::fs::read(root.join(output)).unwrap_or_default();
        if String::from_utf8_lossy(&written).contains("orders.py") {
            return;
        }
        eprintln!("{output}: the profiler recorded nothing of the program (attempt {attempt}); running it again");
    }
    panic!("{output}: three runs of the profiler recorded nothing of the program");
}

fn ranked(root: &Path, profile: &Path) -> Vec<Value> {
    let output = run(Command::new(server_binary()).args(["analyze", "--json", "--profile"]).arg(profile).arg("app").current_dir(root));
    String::from_utf8(output.stdout).unwrap().lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

fn assert_hot_first(root: &Path, profile: &Path, unit: &str) {
    let rows = ranked(root, profile);
    let first = &rows[0];
    assert_eq!(first["function"], "unique_ids", "{}: {rows:#?}", profile.display());
    assert_eq!(first["profile"]["unit"], unit, "{}: {first}", profile.display());
    let share = first["profile"]["share"].as_f64().unwrap();
    assert!(share > 0.5 && share <= 1.0, "{}: share {share}", profile.display());
    let others: Vec<f64> = rows[1..].iter().filter_map(|r| r["profile"]["share"].as_f64()).collect();
    assert!(others.iter().all(|s| *s < share), "{others:?}");
    eprintln!("{}: unique_ids {:.0}% of the profile", profile.file_name().unwrap().to_string_lossy(), share * 100.0);
}

#[test]
fn every_supported_profile_format_ranks_the_hot_function_first() {
    let project = copy_fixture("profile_app");
    let root = project.path();
    run(Command::new("python3").args(["-m", "cProfile", "-o", "run.prof", "main.py"]).current_dir(root));
    assert_hot_first(root, &root.join("run.prof"), "seconds");

    let pyinstrument = tool("pyinstrument");
    profile_into(root, "pyi.speedscope.json", &mut || {
        let mut c = Command::new(&pyinstrument);
        c.args(["-r", "speedscope", "-o", "pyi.speedscope.json", "main.py"]);
        c
    });
    assert_hot_first(root, &root.join("pyi.speedscope.json"), "seconds");
    profile_into(root, "pyi.json", &mut || {
        let mut c = Command::new(&pyinstrument);
        c.args(["-r", "json", "-o", "pyi.json", "main.py"]);
        c
    });
    assert_hot_first(root, &root.join("pyi.json"), "seconds");

    // py-spy samples at 100 Hz by default; 1000 Hz gives the short program enough samples.
    let py_spy = tool("py-spy");
    profile_into(root, "spy.folded", &mut || {
        let mut c = Command::new(&py_spy);
        c.args(["record", "--rate", "1000", "--format", "raw", "-o", "spy.folded", "--", "python3", "main.py"]);
        c
    });
    assert_hot_first(root, &root.join("spy.folded"), "samples");
    profile_into(root, "spy.speedscope.json", &mut || {
        let mut c = Command::new(&py_spy);
        c.args(["record", "--rate", "1000", "--format", "speedscope", "-o", "spy.speedscope.json", "--", "python3", "main.py"]);
        c
    });
    assert_hot_first(root, &root.join("spy.speedscope.json"), "seconds");
}

#[test]
fn a_profile_that_is_not_one_fails_clearly() {
    let project = copy_fixture("profile_app");
    let root = project.path();
    std::fs::write(root.join("notes.txt"), "not a profile at all\n").unwrap();
    let output = Command::new(server_binary()).args(["analyze", "--profile", "notes.txt", "app"]).current_dir(root).output().unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("notes.txt") && stderr.contains("sample count"), "{stderr}");
    let missing = Command::new(server_binary()).args(["analyze", "app", "--profile"]).current_dir(root).output().unwrap();
    assert!(!missing.status.success() && String::from_utf8_lossy(&missing.stderr).contains("a value is required for '--profile <FILE>'"));
}

fn lens_titles(client: &mut LspClient, uri: &str) -> Vec<String> {
    let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
    lenses.as_array().cloned().unwrap_or_default().iter().map(|l| l["command"]["title"].as_str().unwrap_or_default().to_string()).collect()
}

#[test]
fn a_profile_written_into_the_workspace_shows_on_the_lens_and_the_hover() {
    let project = copy_fixture("profile_app");
    let root = project.path();
    let mut client = LspClient::start(root);
    let capabilities = json!({"workspace": {"codeLens": {"refreshSupport": true}, "didChangeWatchedFiles": {"dynamicRegistration": true}}});
    client.initialize(root, capabilities, json!({}));
    client.wait_for("workspace/codeLens/refresh", |_| true);
    let orders = root.join("app/orders.py");
    let uri = client.open(&orders, "python");
    let before = lens_titles(&mut client, &uri);
    assert!(before.iter().any(|t| t.contains("list-membership-in-loop")) && !before.iter().any(|t| t.contains("profiled")), "{before:?}");

    // The user profiles the program (an action of theirs), into the folder the server reads profiles from.
    std::fs::create_dir_all(root.join(".weco/profiles")).unwrap();
    run(Command::new("python3").args(["-m", "cProfile", "-o", ".weco/profiles/run.prof", "main.py"]).current_dir(root));
    let profile_uri = file_uri(&root.join(".weco/profiles/run.prof"));
    client.notify("workspace/didChangeWatchedFiles", json!({"changes": [{"uri": profile_uri, "type": 1}]}));
    client.wait_for("workspace/codeLens/refresh", |_| true);
    let after = lens_titles(&mut client, &uri);
    let hot = after.iter().find(|t| t.contains("list-membership-in-loop")).unwrap_or_else(|| panic!("{after:?}"));
    let percent: f64 =
        hot.split("% of profiled time").next().and_then(|head| head.rsplit('(').next()).and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("{hot}"));
    assert!(percent > 50.0, "{hot}");

    let line = std::fs::read_to_string(&orders).unwrap().lines().position(|l| l.starts_with("def unique_ids")).unwrap();
    let hover = client.request("textDocument/hover", json!({"textDocument": {"uri": uri}, "position": {"line": line, "character": 6}}));
    let text = hover["contents"]["value"].as_str().unwrap_or_default();
    assert!(text.contains("**Measured:**") && text.contains("of the profiled time") && text.contains(".weco/profiles/run.prof"), "{text}");
}

#[test]
fn profile_tests_runs_the_projects_tests_under_cprofile_and_the_lens_shows_the_result() {
    let project = copy_fixture("profile_app");
    let root = project.path();
    // The project's environment: the repository's tool venv (it has pytest), where a user has their `.venv`.
    std::os::unix::fs::symlink(tool("pytest").parent().unwrap().parent().unwrap(), root.join(".venv")).unwrap();
    let mut client = LspClient::start(root);
    let capabilities = json!({"workspace": {"codeLens": {"refreshSupport": true}}});
    client.initialize(root, capabilities, json!({}));
    client.wait_for("workspace/codeLens/refresh", |_| true);
    let uri = client.open(&root.join("app/orders.py"), "python");
    client.request("workspace/executeCommand", json!({"command": "weco.profileTests", "arguments": [{"uri": file_uri(root)}]}));
    let done = client.wait_for("window/showMessage", |p| p["message"].as_str().is_some_and(|m| m.contains("profiled the tests") || m.contains("failed")));
    let message = done["message"].as_str().unwrap();
    assert!(message.contains("2 passed") && message.contains(".weco/profiles/tests.prof"), "{message}");
    assert!(root.join(".weco/profiles/tests.prof").is_file());
    let titles = lens_titles(&mut client, &uri);
    assert!(titles.iter().any(|t| t.contains("list-membership-in-loop") && t.contains("% of profiled time")), "{titles:?}");
}
