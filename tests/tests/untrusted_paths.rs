//! What a workspace or a client cannot make the server do: write outside the workspace through a
//! non-file URI, a file outside every workspace folder, or a `.weco` that is a symbolic link.

use std::process::{Command, Stdio};

use serde_json::json;
use weco_lsp_e2e::{copy_fixture, file_uri, local_backend, server_binary, start_editor};

#[test]
fn non_file_uris_and_files_outside_the_workspace_are_refused_before_anything_is_written() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let elsewhere = tempfile::tempdir().unwrap();
    let outside = elsewhere.path().join("inventory.py");
    std::fs::copy(root.join("inventory.py"), &outside).unwrap();
    let (mut client, questions) = start_editor(root, vec!["Vibe Mode", "Isolated directory (recommended)"], local_backend(1));

    for uri in ["https://example.com/x.py", "vscode-vfs://github/o/r/x.py", "untitled:Untitled-1"] {
        client.request("workspace/executeCommand", json!({"command": "weco.optimize", "arguments": [{"uri": uri, "function": "missing_skus"}]}));
        let message = client.message_containing("is not a file on disk");
        assert!(message.contains(uri), "{message}");
    }
    client.request("workspace/executeCommand", json!({"command": "weco.optimize", "arguments": [{"uri": file_uri(&outside), "function": "missing_skus"}]}));
    let message = client.message_containing("outside the workspace folders");
    assert!(message.contains("inventory.py"), "{message}");
    client.request("workspace/executeCommand", json!({"command": "weco.consolidate", "arguments": [{"uri": file_uri(&outside), "function": "missing_skus"}]}));
    client.message_containing("outside the workspace folders");

    assert!(questions.lock().unwrap().is_empty(), "nothing was asked: {:?}", questions.lock().unwrap());
    assert!(!root.join(".weco").exists() && !elsewhere.path().join(".weco").exists(), "no task folder anywhere");
    assert!(!std::path::Path::new("/.weco").exists(), "nothing at the filesystem root");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_weco_folder_that_is_a_symbolic_link_is_never_written_through() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let target = tempfile::tempdir().unwrap();
    std::fs::write(target.path().join("foreign.md"), "not yours").unwrap();
    std::os::unix::fs::symlink(target.path(), root.join(".weco")).unwrap();
    let output = Command::new(server_binary())
        .args(["optimize", "inventory.py::missing_skus", "--backend", "local", "--steps", "1"])
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout).to_string() + &String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "{text}");
    assert!(text.contains("symbolic link"), "{text}");
    let written: Vec<_> = std::fs::read_dir(target.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(written, vec![std::ffi::OsString::from("foreign.md")], "nothing was written through the link");
    assert_eq!(std::fs::read_to_string(target.path().join("foreign.md")).unwrap(), "not yours");
}

#[test]
fn a_result_record_naming_a_file_outside_the_workspace_is_never_applied() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let elsewhere = tempfile::tempdir().unwrap();
    let foreign = elsewhere.path().join("inventory.py");
    std::fs::copy(root.join("inventory.py"), &foreign).unwrap();
    let foreign_before = std::fs::read_to_string(&foreign).unwrap();
    let (mut client, _) = start_editor(root, vec!["Vibe Mode", "Isolated directory (recommended)", "Keep separate"], local_backend(3));
    client.request(
        "workspace/executeCommand",
        json!({"command": "weco.optimize", "arguments": [{"uri": file_uri(&root.join("inventory.py")), "function": "missing_skus"}]}),
    );
    client.message_containing("kept separate");
    assert_eq!(client.shutdown(), Some(0));

    // The record as a hostile repository would ship it: the same result, aimed at a file elsewhere.
    let record = root.join(".weco/missing_skus/result.json");
    let mut saved: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    saved["files"][0]["path"] = json!(foreign);
    saved["path"] = json!(foreign);
    std::fs::write(&record, serde_json::to_string_pretty(&saved).unwrap()).unwrap();

    let (mut client, _) = start_editor(root, vec![], local_backend(3));
    client.request("workspace/executeCommand", json!({"command": "weco.applyResult", "arguments": [{"taskId": "missing_skus"}]}));
    client.message_containing("no optimization result waiting");
    assert_eq!(std::fs::read_to_string(&foreign).unwrap(), foreign_before, "a file outside the workspace was edited");
    assert!(client.log().contains("not written by weco-lsp on this machine"), "{}", client.log());
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn apply_keeps_a_crlf_files_line_endings_its_hard_link_and_its_private_mode_and_refuses_a_link_out_of_the_workspace() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let file = root.join("inventory.py");
    let crlf = std::fs::read_to_string(&file).unwrap().replace('\n', "\r\n");
    std::fs::write(&file, &crlf).unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o600)).unwrap();
    let other_name = root.join("inventory_link.py.txt");
    std::fs::hard_link(&file, &other_name).unwrap();
    let inode = std::fs::metadata(&file).unwrap().ino();
    let output = Command::new(server_binary())
        .args(["optimize", "inventory.py::missing_skus", "--backend", "local", "--steps", "3", "--apply"])
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("applied to"), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    let after = std::fs::read_to_string(&file).unwrap();
    assert_ne!(after, crlf, "the change was applied");
    assert_eq!(after.matches("\r\n").count(), after.matches('\n').count(), "LF lines mixed into a CRLF file:\n{after:?}");
    let meta = std::fs::metadata(&file).unwrap();
    assert_eq!(meta.ino(), inode, "the hard link was broken");
    assert_eq!(std::fs::read_to_string(&other_name).unwrap(), after);
    assert_eq!(meta.permissions().mode() & 0o777, 0o600, "a private file became readable by others");

    // A target that is a symbolic link to a file outside the workspace is refused with a reason.
    let project = copy_fixture("optimize_py");
    let root = project.path();
    let elsewhere = tempfile::tempdir().unwrap();
    let foreign = elsewhere.path().join("inventory.py");
    std::fs::rename(root.join("inventory.py"), &foreign).unwrap();
    std::os::unix::fs::symlink(&foreign, root.join("inventory.py")).unwrap();
    let foreign_before = std::fs::read_to_string(&foreign).unwrap();
    let output = Command::new(server_binary())
        .args(["optimize", "inventory.py::missing_skus", "--backend", "local", "--steps", "3", "--apply"])
        .current_dir(root)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    assert!(text.contains("outside the workspace"), "{text}");
    assert_eq!(std::fs::read_to_string(&foreign).unwrap(), foreign_before);
    assert!(std::fs::symlink_metadata(root.join("inventory.py")).unwrap().file_type().is_symlink());
}

#[test]
fn a_hand_edited_profile_that_cannot_be_parsed_is_reported_and_kept() {
    let project = copy_fixture("optimize_py");
    let root = project.path();
    std::fs::create_dir_all(root.join(".weco")).unwrap();
    let broken = "# answers from last week\nmode: vibe\nusage:\n  calls_per_day: 10\noptimization_history:\n  - task: a\n    baseline_value: [oops\n";
    std::fs::write(root.join(".weco/profile.yaml"), broken).unwrap();
    let (mut client, _) = start_editor(root, vec!["Vibe Mode", "Isolated directory (recommended)", "Keep separate"], local_backend(1));
    client.request(
        "workspace/executeCommand",
        json!({"command": "weco.optimize", "arguments": [{"uri": file_uri(&root.join("inventory.py")), "function": "missing_skus"}]}),
    );
    let warning = client.message_containing("profile.yaml cannot be read");
    assert!(warning.contains("line"), "{warning}");
    client.message_containing("kept separate");
    assert_eq!(std::fs::read_to_string(root.join(".weco/profile.yaml")).unwrap(), broken, "the profile was overwritten");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn evaluations_and_recording_cannot_write_into_the_project_and_what_they_tried_is_reported() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("proj");
    std::fs::create_dir(&root).unwrap();
    let escape = root.join("ESCAPE.txt");
    // The function writes into the project at every call (as a hostile candidate would), and the
    // project's test leaves an artifact in its working directory.
    std::fs::write(
        root.join("shop.py"),
        format!("def total(xs: list) -> int:\n    with open({:?}, 'w') as out:\n        out.write('x')\n    return sum(xs)\n", escape.display().to_string()),
    )
    .unwrap();
    std::fs::write(root.join("test_shop.py"), "from shop import total\n\n\ndef test_total():\n    with open('test_artifact.txt', 'w') as out:\n        out.write('x')\n    assert total([1, 2, 3]) == 6\n").unwrap();
    let output = Command::new(server_binary())
        .args(["optimize", "shop.py::total", "--backend", "local", "--steps", "1"])
        .current_dir(&root)
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("Evaluations run in a sandbox"), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("tried to write into your project") && stdout.contains("ESCAPE.txt"), "{stdout}");
    assert!(stdout.contains("inputs: recorded"), "the tests still ran for recording: {stdout}");
    assert!(!escape.exists(), "the evaluation wrote into the project");
    assert!(!root.join("test_artifact.txt").exists(), "recording left a test artifact in the project");
}

#[test]
fn a_workspace_folder_that_is_the_filesystem_root_is_refused_before_anything_is_written() {
    let project = copy_fixture("optimize_py");
    let file = project.path().join("inventory.py");
    let mut client = weco_lsp_e2e::LspClient::start(project.path());
    client.set_responder(weco_lsp_e2e::scripted_user(vec!["Vibe Mode", "Isolated directory (recommended)"], Default::default()));
    // As an editor that found no project marker above the file might send it.
    client.request("initialize", json!({"processId": null, "rootUri": "file:///", "workspaceFolders": [{"uri": "file:///", "name": "root"}], "capabilities": {}, "initializationOptions": local_backend(1)}));
    client.notify("initialized", json!({}));
    client.request("workspace/executeCommand", json!({"command": "weco.optimize", "arguments": [{"uri": file_uri(&file), "function": "missing_skus"}]}));
    let message = client.message_containing("no project folder");
    assert!(message.contains("filesystem root"), "{message}");
    assert!(!std::path::Path::new("/.weco").exists() && !project.path().join(".weco").exists());
    assert_eq!(client.shutdown(), Some(0));
}
