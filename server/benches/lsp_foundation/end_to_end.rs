//! End-to-end measurements through the real `weco-lsp` binary over stdio: indexing a workspace,
//! `didChange` → `publishDiagnostics` / code lenses latency, and the server's memory.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use crate::inputs::Input;
use crate::stats::Samples;

const DEADLINE: Duration = Duration::from_secs(120);

pub struct Server {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    pending: VecDeque<Value>,
    next_id: i64,
}

impl Server {
    pub fn spawn(binary: &Path, log: &Path) -> Result<Server, String> {
        let mut child = Command::new(binary)
            .env("WECO_LSP_LOG", "weco_lsp=info")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(std::fs::File::create(log).map_err(|e| e.to_string())?)
            .spawn()
            .map_err(|e| format!("{}: {e} (build it with cargo build --release)", binary.display()))?;
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if tx.send(message).is_err() {
                    break;
                }
            }
        });
        Ok(Server { child, stdin, incoming, pending: VecDeque::new(), next_id: 1 })
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    fn send(&mut self, message: &Value) {
        let body = serde_json::to_string(message).expect("json");
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("write to server");
        self.stdin.flush().expect("flush");
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Next message from the server; requests from the server are answered with `null` on the way.
    fn next_message(&mut self, deadline: Instant) -> Result<Value, String> {
        let timeout = deadline.checked_duration_since(Instant::now()).unwrap_or_default();
        let message = match self.incoming.recv_timeout(timeout) {
            Ok(m) => m,
            Err(RecvTimeoutError::Timeout) => return Err("the server did not answer in time".into()),
            Err(RecvTimeoutError::Disconnected) => return Err("the server closed its output".into()),
        };
        if let (Some(_), Some(id)) = (message.get("method"), message.get("id")) {
            let reply = json!({"jsonrpc": "2.0", "id": id, "result": null});
            self.send(&reply);
        }
        Ok(message)
    }

    pub fn request(&mut self, method: &str, params: Value) -> Result<Value, String> {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        let deadline = Instant::now() + DEADLINE;
        loop {
            let message = self.next_message(deadline)?;
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return match message.get("error") {
                    Some(error) => Err(format!("{method}: {error}")),
                    None => Ok(message["result"].clone()),
                };
            }
            self.pending.push_back(message);
        }
    }

    /// Waits for a notification or request `method` whose params match `predicate`.
    pub fn wait_for(&mut self, method: &str, predicate: impl Fn(&Value) -> bool) -> Result<Value, String> {
        if let Some(at) = self.pending.iter().position(|m| m["method"] == method && predicate(&m["params"])) {
            return Ok(self.pending.remove(at).expect("position is valid")["params"].clone());
        }
        let deadline = Instant::now() + DEADLINE;
        loop {
            let message = self.next_message(deadline).map_err(|e| format!("waiting for {method}: {e}"))?;
            if message["method"] == method && predicate(&message["params"]) {
                return Ok(message["params"].clone());
            }
            self.pending.push_back(message);
        }
    }

    /// VmRSS and VmHWM of the server process, in MiB.
    pub fn memory_mib(&self) -> Result<(f64, f64), String> {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).map_err(|e| e.to_string())?;
        let field = |name: &str| -> Result<f64, String> {
            let line = status.lines().find(|l| l.starts_with(name)).ok_or(format!("no {name} in /proc status"))?;
            let kib: f64 = line[name.len()..].trim().trim_end_matches("kB").trim().parse().map_err(|e| format!("{name}: {e}"))?;
            Ok(kib / 1024.0)
        };
        Ok((field("VmRSS:")?, field("VmHWM:")?))
    }

    pub fn shutdown(mut self) {
        let _ = self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
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

fn file_uri(path: &Path) -> String {
    format!("file://{}", path.display())
}

pub struct Session {
    pub server: Server,
    /// From the `initialized` notification to the `workspace/codeLens/refresh` sent after indexing.
    pub index_time: Duration,
    pub indexed_files: Option<usize>,
}

/// Starts the server on `root` as the only workspace folder and waits until it has indexed it.
pub fn start(binary: &Path, root: &Path, log: &Path) -> Result<Session, String> {
    let mut server = Server::spawn(binary, log)?;
    let capabilities = json!({
        "workspace": {"codeLens": {"refreshSupport": true}},
        "general": {"positionEncodings": ["utf-16"]},
    });
    server.request(
        "initialize",
        json!({
            "processId": std::process::id(),
            "rootUri": file_uri(root),
            "workspaceFolders": [{"uri": file_uri(root), "name": "bench"}],
            "capabilities": capabilities,
        }),
    )?;
    let started = Instant::now();
    server.notify("initialized", json!({}));
    server.wait_for("workspace/codeLens/refresh", |_| true)?;
    let index_time = started.elapsed();
    let indexed_files = indexed_files_from_log(log);
    Ok(Session { server, index_time, indexed_files })
}

/// The server logs `indexed N files in ...`; the log is the only place that says how many.
fn indexed_files_from_log(log: &Path) -> Option<usize> {
    let text = std::fs::read_to_string(log).ok()?;
    let line = text.lines().find(|l| l.contains("indexed "))?;
    let after = &line[line.find("indexed ")? + "indexed ".len()..];
    after.split_whitespace().next()?.parse().ok()
}

pub struct EditLatency {
    pub open: Duration,
    /// `didChange` sent → `publishDiagnostics` for that version received.
    pub diagnostics: Samples,
    /// `didChange` sent → `textDocument/codeLens` (sent right after the diagnostics) answered.
    pub diagnostics_and_lenses: Samples,
    pub lenses: usize,
}

/// Opens `input` and types / deletes one character `edits` times, waiting for each version's diagnostics and lenses.
pub fn edit_latency(server: &mut Server, input: &Input, edits: usize) -> Result<EditLatency, String> {
    let uri = file_uri(&input.path);
    let started = Instant::now();
    server.notify("textDocument/didOpen", json!({"textDocument": {"uri": uri, "languageId": input.language.name(), "version": 1, "text": input.text}}));
    wait_for_diagnostics(server, &uri, 1)?;
    let open = started.elapsed();
    let mut out = EditLatency { open, diagnostics: Samples::default(), diagnostics_and_lenses: Samples::default(), lenses: 0 };
    let warmup = 4;
    for i in 0..edits + warmup {
        let version = i as i64 + 2;
        let typing = i % 2 == 0;
        let (line, character) = (input.edit_line, input.edit_character);
        let end = if typing { character } else { character + 1 };
        let change = json!({
            "range": {"start": {"line": line, "character": character}, "end": {"line": line, "character": end}},
            "text": if typing { "x" } else { "" },
        });
        let started = Instant::now();
        server.notify("textDocument/didChange", json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [change]}));
        wait_for_diagnostics(server, &uri, version)?;
        let diagnostics = started.elapsed();
        let lenses = server.request("textDocument/codeLens", json!({"textDocument": {"uri": uri}}))?;
        let both = started.elapsed();
        out.lenses = lenses.as_array().map_or(0, Vec::len);
        if i >= warmup {
            out.diagnostics.push(diagnostics);
            out.diagnostics_and_lenses.push(both);
        }
    }
    Ok(out)
}

fn wait_for_diagnostics(server: &mut Server, uri: &str, version: i64) -> Result<Value, String> {
    server.wait_for("textDocument/publishDiagnostics", |p| p["uri"] == uri && p["version"] == version)
}
