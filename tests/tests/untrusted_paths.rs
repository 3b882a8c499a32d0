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
