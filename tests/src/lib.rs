//! Shared helpers for the end-to-end tests: an LSP client that drives the real `weco-lsp` binary over stdio.
//!
//! Every wait has a deadline; nothing sleeps for a fixed time. Requests the server sends to the
//! client (progress creation, questions, edits) are answered by a scripted responder and recorded.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, channel};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

/// Upper bound for any single wait: generous, because CI machines are small and busy; waits end as soon as the event arrives.
pub const DEADLINE: Duration = Duration::from_secs(180);

/// The `weco-lsp` binary: `WECO_LSP_BIN`, else the workspace's debug build (built once if missing or stale).
pub fn server_binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            if let Some(path) = std::env::var_os("WECO_LSP_BIN") {
                return PathBuf::from(path);
            }
            let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf();
            let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
            let status = Command::new(cargo)
                .args(["build", "--quiet", "-p", "weco-lsp", "--bin", "weco-lsp"])
                .current_dir(&workspace)
                .status()
                .expect("run cargo build");
            assert!(status.success(), "building weco-lsp failed");
            let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace.join("target"));
            target.join("debug").join("weco-lsp")
        })
        .clone()
}

/// A fixture folder under `tests/fixtures/`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

/// Copies a fixture into a fresh temporary folder, so tests can write into it.
pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    copy_dir(&fixture(name), dir.path());
    dir
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

pub fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

type Responder = Box<dyn FnMut(&str, &Value) -> Value + Send>;

pub struct LspClient {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Server notifications and requests not yet consumed by a wait.
    pending: VecDeque<Value>,
    /// Every request the server sent us, with our answer.
    pub server_requests: Arc<Mutex<Vec<(Value, Value)>>>,
    responder: Responder,
    next_id: i64,
    pub stderr_log: PathBuf,
    _stderr_dir: tempfile::TempDir,
}

/// Default answers: accept progress tokens and registrations, apply edits, pick the first action.
pub fn default_answer(method: &str, params: &Value) -> Value {
    match method {
        "workspace/applyEdit" => json!({"applied": true}),
        "window/showMessageRequest" => params["actions"].get(0).cloned().unwrap_or(Value::Null),
        "window/showDocument" => json!({"success": true}),
        _ => Value::Null,
    }
}

impl LspClient {
    pub fn start(cwd: &Path) -> LspClient {
        Self::start_with(cwd, &[])
    }

    pub fn start_with(cwd: &Path, env: &[(&str, &str)]) -> LspClient {
        let stderr_dir = tempfile::tempdir().unwrap();
        let stderr_log = stderr_dir.path().join("server.log");
        let mut command = Command::new(server_binary());
        command
            .current_dir(cwd)
            .env("WECO_LSP_LOG", "weco_lsp=debug")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(&stderr_log).unwrap());
        for (k, v) in env {
            command.env(k, v);
        }
        let mut child = command.spawn().expect("spawn weco-lsp");
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        LspClient {
            child,
            stdin,
            incoming: rx,
            pending: VecDeque::new(),
            server_requests: Arc::new(Mutex::new(Vec::new())),
            responder: Box::new(default_answer),
            next_id: 1,
            stderr_log,
            _stderr_dir: stderr_dir,
        }
    }

    /// Replaces how server → client requests are answered.
    pub fn set_responder(&mut self, responder: impl FnMut(&str, &Value) -> Value + Send + 'static) {
        self.responder = Box::new(responder);
    }

    pub fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).unwrap();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{}", body.len(), body).expect("write to server");
        self.stdin.flush().unwrap();
    }

    pub fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).unwrap();
        self.stdin.flush().unwrap();
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and waits for its response; returns the whole response (`result` or `error`).
    pub fn request_full(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + DEADLINE;
        loop {
            let message = self.next_message(deadline).unwrap_or_else(|| panic!("no response to {method} within {DEADLINE:?}; server log:\n{}", self.log()));
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.pending.push_back(message);
        }
    }

    /// Waits for the response with `id` to a request sent with `send`/`send_raw`.
    pub fn wait_for_response(&mut self, id: &Value) -> Value {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let message = self.next_message(deadline).unwrap_or_else(|| panic!("no response with id {id} within {DEADLINE:?}; server log:\n{}", self.log()));
            if message.get("id") == Some(id) && message.get("method").is_none() {
                return message;
            }
            self.pending.push_back(message);
        }
    }

    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_full(method, params);
        if let Some(error) = response.get("error") {
            panic!("{method} failed: {error}");
        }
        response["result"].clone()
    }

    /// Reads the next message from the server, answering server requests on the way.
    fn next_message(&mut self, deadline: Instant) -> Option<Value> {
        let timeout = deadline.checked_duration_since(Instant::now())?;
        let message = self.incoming.recv_timeout(timeout).ok()?;
        if let (Some(method), Some(id)) = (message.get("method").and_then(Value::as_str), message.get("id")) {
            let answer = (self.responder)(method, &message["params"]);
            self.server_requests.lock().unwrap().push((message.clone(), answer.clone()));
            let reply = json!({"jsonrpc": "2.0", "id": id, "result": answer});
            self.send(&reply);
        }
        Some(message)
    }

    /// Waits for a server message (notification or request) with `method` matching `predicate`.
    pub fn wait_for(&mut self, method: &str, mut predicate: impl FnMut(&Value) -> bool) -> Value {
        self.wait_for_within(method, DEADLINE, &mut predicate)
            .unwrap_or_else(|| panic!("no {method} matching the predicate within {DEADLINE:?}; server log:\n{}", self.log()))
    }

    pub fn wait_for_within(&mut self, method: &str, within: Duration, predicate: &mut dyn FnMut(&Value) -> bool) -> Option<Value> {
        if let Some(position) = self.pending.iter().position(|m| m["method"] == method && predicate(&m["params"])) {
            return self.pending.remove(position).map(|m| m["params"].clone());
        }
        let deadline = Instant::now() + within;
        loop {
            let message = self.next_message(deadline)?;
            if message["method"] == method && predicate(&message["params"]) {
                return Some(message["params"].clone());
            }
            self.pending.push_back(message);
        }
    }

    pub fn initialize(&mut self, root: &Path, capabilities: Value, options: Value) -> Value {
        let result = self.request(
            "initialize",
            json!({
                "processId": std::process::id(),
                "rootUri": file_uri(root),
                "workspaceFolders": [{"uri": file_uri(root), "name": "fixture"}],
                "capabilities": capabilities,
                "initializationOptions": options,
            }),
        );
        self.notify("initialized", json!({}));
        result
    }

    pub fn open(&mut self, path: &Path, language: &str) -> String {
        let uri = file_uri(path);
        let text = std::fs::read_to_string(path).unwrap();
        self.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}}));
        uri
    }

    pub fn log(&self) -> String {
        std::fs::read_to_string(&self.stderr_log).unwrap_or_default()
    }

    /// Orderly shutdown; returns the exit status code.
    pub fn shutdown(mut self) -> Option<i32> {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                return None;
            }
            // Waiting for process exit has no event to block on portably; poll the channel instead.
            let _ = self.incoming.recv_timeout(Duration::from_millis(20));
        }
    }

    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for LspClient {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length:") {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

/// Applies LSP text edits (UTF-16 positions, as a default client negotiates) to `text`, the way an editor would.
pub fn apply_text_edits(text: &str, edits: &[Value]) -> String {
    let offset = |position: &Value| -> usize {
        let line = position["line"].as_u64().unwrap() as usize;
        let character = position["character"].as_u64().unwrap() as usize;
        let mut start = 0;
        for _ in 0..line {
            start += text[start..].find('\n').map(|i| i + 1).unwrap_or(text.len() - start);
        }
        let line_text = &text[start..];
        let mut units = 0;
        for (i, c) in line_text.char_indices() {
            if units >= character || c == '\n' {
                return start + i;
            }
            units += c.len_utf16();
        }
        text.len()
    };
    let mut resolved: Vec<(usize, usize, String)> =
        edits.iter().map(|e| (offset(&e["range"]["start"]), offset(&e["range"]["end"]), e["newText"].as_str().unwrap().to_string())).collect();
    resolved.sort_by_key(|(start, _, _)| std::cmp::Reverse(*start));
    let mut out = text.to_string();
    for (start, end, new_text) in resolved {
        out.replace_range(start..end, &new_text);
    }
    out
}

/// The text edits of a `workspace/applyEdit` for one document, whichever shape the server used.
pub fn edits_of(workspace_edit: &Value) -> Vec<Value> {
    if let Some(changes) = workspace_edit["documentChanges"].as_array() {
        return changes.iter().flat_map(|c| c["edits"].as_array().cloned().unwrap_or_default()).collect();
    }
    workspace_edit["changes"].as_object().map(|m| m.values().flat_map(|v| v.as_array().cloned().unwrap_or_default()).collect()).unwrap_or_default()
}

/// Client capabilities of an editor that shows progress, documents and refactor previews.
pub fn editor_capabilities() -> Value {
    json!({
        "workspace": {"codeLens": {"refreshSupport": true}, "workspaceEdit": {"documentChanges": true, "changeAnnotationSupport": {"groupsOnLabel": true}}},
        "window": {"workDoneProgress": true, "showDocument": {"support": true}},
    })
}

/// Settings for a short run with the local engine.
pub fn local_backend(steps: u32) -> Value {
    json!({"weco": {"backend": "local", "steps": steps, "evalTimeout": 120}})
}

/// A user who answers every question with the first of `answers` it offers (else its first
/// button), records the questions, and applies workspace edits to the files on disk as an
/// editor would (edit, then save).
pub fn scripted_user(answers: Vec<&'static str>, questions: Arc<Mutex<Vec<String>>>) -> impl FnMut(&str, &Value) -> Value + Send + 'static {
    move |method, params| match method {
        "window/showMessageRequest" => {
            questions.lock().unwrap().push(params["message"].as_str().unwrap_or_default().to_string());
            let titles: Vec<&str> = params["actions"].as_array().unwrap().iter().filter_map(|a| a["title"].as_str()).collect();
            let pick = answers.iter().find(|t| titles.contains(t)).copied().unwrap_or(titles[0]);
            json!({"title": pick})
        }
        "workspace/applyEdit" => {
            for change in params["edit"]["documentChanges"].as_array().unwrap() {
                let uri = change["textDocument"]["uri"].as_str().unwrap();
                let path = PathBuf::from(uri.trim_start_matches("file://"));
                let text = std::fs::read_to_string(&path).unwrap();
                std::fs::write(&path, apply_text_edits(&text, change["edits"].as_array().unwrap())).unwrap();
            }
            json!({"applied": true})
        }
        "window/showDocument" => json!({"success": true}),
        _ => Value::Null,
    }
}

/// Starts the server on `root` as that scripted user, with `options`, once the index is built.
pub fn start_editor(root: &Path, answers: Vec<&'static str>, options: Value) -> (LspClient, Arc<Mutex<Vec<String>>>) {
    let questions = Arc::new(Mutex::new(Vec::new()));
    let mut client = LspClient::start(root);
    client.set_responder(scripted_user(answers, questions.clone()));
    client.initialize(root, editor_capabilities(), options);
    client.wait_for("workspace/codeLens/refresh", |_| true);
    (client, questions)
}

impl LspClient {
    /// Waits for a `window/showMessage` containing `needle`; returns the message.
    pub fn message_containing(&mut self, needle: &str) -> String {
        let params = self.wait_for("window/showMessage", |p| p["message"].as_str().unwrap_or_default().contains(needle));
        params["message"].as_str().unwrap().to_string()
    }
}

/// The real weco client (`WECO_BIN`, installed by scripts/setup.sh); a clear failure when missing.
pub fn weco_bin() -> PathBuf {
    let path = std::env::var_os("WECO_BIN").filter(|p| !p.is_empty()).map(PathBuf::from).unwrap_or_else(|| {
        panic!("WECO_BIN is not set: `python3 -m venv .venv-weco && .venv-weco/bin/pip install weco==0.4.0`, then export WECO_BIN=$PWD/.venv-weco/bin/weco (scripts/setup.sh does this)")
    });
    assert!(path.is_file(), "WECO_BIN={} does not exist", path.display());
    path
}

/// The local fake of Weco's HTTP API (`tests/fake_weco/server.py`), killed when dropped.
pub struct FakeWeco {
    child: Child,
    pub port: u16,
}

impl FakeWeco {
    pub fn start(args: &[&str]) -> FakeWeco {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("fake_weco/server.py");
        let mut child = Command::new("python3").arg(script).args(args).stdout(Stdio::piped()).stdin(Stdio::null()).spawn().expect("python3");
        let mut line = String::new();
        // The fake prints `PORT <n>` once it listens; reading that line is the wait.
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("fake server said {line:?}"));
        FakeWeco { child, port }
    }

    /// Environment for a process that runs the real weco against this fake: weco on PATH, a test
    /// key, a private HOME, and update checks failing at once instead of reaching the network.
    pub fn env(&self, home: &Path) -> Vec<(String, String)> {
        let weco_dir = weco_bin().parent().unwrap().to_path_buf();
        vec![
            ("PATH".into(), format!("{}:{}", weco_dir.display(), std::env::var("PATH").unwrap_or_default())),
            ("HOME".into(), home.display().to_string()),
            ("WECO_BASE_URL".into(), format!("http://127.0.0.1:{}", self.port)),
            ("WECO_API_KEY".into(), "test-key-4f9a7c".into()),
            ("HTTPS_PROXY".into(), "http://127.0.0.1:9".into()),
            ("NO_PROXY".into(), "127.0.0.1,localhost".into()),
        ]
    }
}

impl Drop for FakeWeco {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
