//! Bad input never crashes or hangs the server, and the rest of the workspace keeps working.

use std::io::Write;

use serde_json::json;
use weco_lsp_e2e::{LspClient, copy_fixture, file_uri};

#[test]
fn hostile_files_and_messages_leave_the_server_working() {
    let project = copy_fixture("python_pkg");
    let root = project.path();
    // On disk, for the workspace index: invalid UTF-8, a 10 MB file, deep nesting, broken syntax.
    let mut invalid = std::fs::File::create(root.join("shop/latin1.py")).unwrap();
    invalid.write_all(b"def caf\xe9(x):\n    return x\n# \xff\xfe\n").unwrap();
    let big: String = (0..200_000).map(|i| format!("def f{i}(xs):\n    return [x for x in xs if x in xs]\n")).collect();
    assert!(big.len() > 10_000_000);
    std::fs::write(root.join("shop/huge.py"), &big).unwrap();
    let deep = format!("def deep():\n    return {}1{}\n", "(".repeat(20_000), ")".repeat(20_000));
    std::fs::write(root.join("shop/deep.py"), &deep).unwrap();
    let broken = "def broken(:\n    for x in\n        if x in [1, 2\nclass\n";
    std::fs::write(root.join("shop/broken.py"), broken).unwrap();

    let mut client = LspClient::start(root);
    client.initialize(root, json!({"workspace": {"codeLens": {"refreshSupport": true}}}), json!({"unknownSetting": [1, 2]}));
    client.wait_for("workspace/codeLens/refresh", |_| true);

    // A malformed JSON-RPC message, then a body that is not JSON at all.
    client.send_raw(b"Content-Length: 14\r\n\r\n{\"jsonrpc\": 2}");
    client.send_raw(b"Content-Length: 9\r\n\r\nnot json!");
    // A malformed request that has an id is answered with an error, not dropped (the client would
    // wait forever); header names in any case are understood.
    let bad_request = br#"{"jsonrpc":"1.0","id":9001,"method":"textDocument/hover","params":{}}"#;
    client.send_raw(format!("content-length: {}\r\n\r\n", bad_request.len()).as_bytes());
    client.send_raw(bad_request);
    let answer = client.wait_for_response(&json!(9001));
    assert_eq!(answer["error"]["code"], -32600, "{answer}");
    assert!(answer["error"]["message"].as_str().unwrap().contains("jsonrpc"), "{answer}");
    // The same hostile texts opened in the editor.
    for (name, text) in [("deep.py", deep.as_str()), ("broken.py", broken), ("huge.py", big.as_str())] {
        let uri = file_uri(&root.join("shop").join(name));
        client.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": "python", "version": 1, "text": text}}));
        client.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri);
        let lenses = client.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}));
        assert!(lenses.is_array(), "{name}: {lenses}");
    }
    // Requests for documents that are not open, and nonsense positions, answer null.
    let hover = client.request("textDocument/hover", json!({"textDocument": {"uri": "file:///nowhere.py"}, "position": {"line": 99999, "character": 99999}}));
    assert!(hover.is_null());
    let unknown = client.request_full("workspace/executeCommand", json!({"command": "weco.optimize", "arguments": [{"nonsense": true}]}));
    assert!(unknown.get("error").is_some(), "{unknown}");

    // The rest of the workspace still works.
    let orders = root.join("shop/orders.py");
    let uri = client.open(&orders, "python");
    let params = client.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri);
    assert!(!params["diagnostics"].as_array().unwrap().is_empty());
    assert!(client.is_running());
    assert_eq!(client.shutdown(), Some(0));
}
