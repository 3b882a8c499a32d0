//! Shared by the tests that drive the REAL `weco` 0.4.0 client (`WECO_BIN`) against the fake Weco API
//! (`tests/fake_weco/server.py`): the fake, a task fixture, a started run and waits with deadlines.
#![allow(dead_code)]

use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use tokio::sync::mpsc::{UnboundedReceiver, unbounded_channel};
use tokio_util::sync::CancellationToken;
use weco_lsp::engine::weco::{WecoInfo, WecoRunOptions, run_weco_with};
use weco_lsp::engine::{BestResult, EngineTask, Goal, OptimizerEvent, RunOutcome};

pub const DEADLINE: Duration = Duration::from_secs(90);

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

pub fn weco_bin() -> PathBuf {
    let path = std::env::var_os("WECO_BIN").filter(|p| !p.is_empty()).map(PathBuf::from).unwrap_or_else(|| {
        panic!(
            "WECO_BIN is not set. These tests need the real weco client: \
             `python3 -m venv .venv-weco && .venv-weco/bin/pip install weco==0.4.0`, then \
             `export WECO_BIN=$PWD/.venv-weco/bin/weco`."
        )
    });
    assert!(path.is_file(), "WECO_BIN={} does not exist", path.display());
    path
}

/// The fake API server, killed when dropped.
pub struct FakeWeco {
    child: std::process::Child,
    pub port: u16,
}

impl FakeWeco {
    pub fn start(scenario: &str) -> Self {
        Self::start_with(&["--scenario", scenario])
    }

    /// The fake with any of its options (`--create-error 402`, `--submit-error 503@4`, ...).
    pub fn start_with(args: &[&str]) -> Self {
        let mut child = std::process::Command::new("python3")
            .arg(repo_root().join("tests/fake_weco/server.py"))
            .args(args)
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .expect("python3 must be installed to run the fake Weco API");
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let mut line = String::new();
            let _ = std::io::BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(Duration::from_secs(20)).expect("fake weco server did not start");
        let port = line.trim().strip_prefix("PORT ").and_then(|p| p.parse().ok()).expect("PORT line");
        Self { child, port }
    }
}

impl Drop for FakeWeco {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Fixture {
    pub _temp: tempfile::TempDir,
    pub dir: PathBuf,
    pub home: PathBuf,
    pub original: Vec<u8>,
}

pub fn fixture() -> Fixture {
    let temp = tempfile::tempdir().unwrap();
    let dir = temp.path().join("task");
    let home = temp.path().join("home");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::create_dir_all(&home).unwrap();
    for name in ["optimize.py", "evaluate.py", "evaluate.sh"] {
        std::fs::copy(repo_root().join("tests/fake_weco/task").join(name), dir.join(name)).unwrap();
    }
    let original = std::fs::read(dir.join("optimize.py")).unwrap();
    Fixture { _temp: temp, dir, home, original }
}

pub fn task(dir: &Path, steps: u32) -> EngineTask {
    EngineTask {
        dir: dir.to_path_buf(),
        source_file: PathBuf::from("optimize.py"),
        eval_command: "sh evaluate.sh".into(),
        metric: "speedup".into(),
        goal: Goal::Maximize,
        steps,
        eval_timeout: Duration::from_secs(60),
        additional_instructions: None,
        model: None,
        function: None,
        sandbox: weco_lsp::config::SandboxMode::Auto,
    }
}

pub fn options(server: &FakeWeco, home: &Path) -> WecoRunOptions {
    let env = [
        ("WECO_BASE_URL", format!("http://127.0.0.1:{}", server.port)),
        ("WECO_API_KEY", "test-key".to_string()),
        ("HOME", home.display().to_string()),
        // weco checks PyPI for updates on every start: make that fail at once instead of waiting on DNS.
        ("HTTPS_PROXY", "http://127.0.0.1:9".to_string()),
        ("https_proxy", "http://127.0.0.1:9".to_string()),
        ("NO_PROXY", "127.0.0.1,localhost".to_string()),
        ("no_proxy", "127.0.0.1,localhost".to_string()),
    ];
    WecoRunOptions {
        watchdog_after: Duration::from_secs(1),
        hang_margin: Duration::from_secs(3),
        stop_grace: Duration::from_secs(60),
        interrupt_grace: Duration::from_secs(5),
        auto_resume_attempts: Some(1),
        env: env.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        env_remove: ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"].map(String::from).to_vec(),
        record_dir: None,
    }
}

pub struct Run {
    pub rx: UnboundedReceiver<OptimizerEvent>,
    pub events: Vec<OptimizerEvent>,
    pub cancel: CancellationToken,
    pub handle: tokio::task::JoinHandle<RunOutcome>,
}

pub fn start(task: EngineTask, options: WecoRunOptions, log: PathBuf) -> Run {
    let (tx, rx) = unbounded_channel();
    let cancel = CancellationToken::new();
    let weco = WecoInfo { path: weco_bin(), version: None };
    let token = cancel.clone();
    let handle = tokio::spawn(async move { run_weco_with(task, &weco, &options, tx, token, &log).await });
    Run { rx, events: Vec::new(), cancel, handle }
}

impl Run {
    /// Receives events until one matches, failing at the deadline.
    pub async fn wait_for(&mut self, what: &str, pred: impl Fn(&OptimizerEvent) -> bool) {
        let deadline = Instant::now() + DEADLINE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match tokio::time::timeout(left, self.rx.recv()).await {
                Ok(Some(event)) => {
                    let hit = pred(&event);
                    self.events.push(event);
                    if hit {
                        return;
                    }
                }
                Ok(None) => panic!("events ended before {what}: {:#?}", self.events),
                Err(_) => panic!("timed out waiting for {what}: {:#?}", self.events),
            }
        }
    }

    /// Waits for the run to end; returns the outcome and every event, checking `Finished` is last and unique.
    pub async fn finish(mut self) -> (RunOutcome, Vec<OptimizerEvent>) {
        let outcome = tokio::time::timeout(DEADLINE, &mut self.handle).await.expect("run did not end in time").unwrap();
        while let Ok(event) = self.rx.try_recv() {
            self.events.push(event);
        }
        assert!(matches!(self.events.last(), Some(OptimizerEvent::Finished { .. })), "Finished must be the last event: {:#?}", self.events);
        assert_eq!(self.events.iter().filter(|e| matches!(e, OptimizerEvent::Finished { .. })).count(), 1);
        (outcome, self.events)
    }
}

pub fn finished(events: &[OptimizerEvent]) -> (Option<BestResult>, String) {
    match events.last() {
        Some(OptimizerEvent::Finished { best, message, .. }) => (best.clone(), message.clone().unwrap_or_default()),
        other => panic!("last event is not Finished: {other:?}"),
    }
}

pub fn assert_source_untouched(fx: &Fixture) {
    assert_eq!(std::fs::read(fx.dir.join("optimize.py")).unwrap(), fx.original, "optimize.py must be byte-identical");
}

/// Waits (with a deadline) for a file the slow candidate's eval writes once it runs.
pub async fn wait_for_file(path: &Path) -> String {
    let deadline = Instant::now() + DEADLINE;
    loop {
        if let Ok(text) = std::fs::read_to_string(path) {
            return text;
        }
        assert!(Instant::now() < deadline, "{} never appeared", path.display());
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

pub async fn wait_for_log(log: &Path, needle: &str) {
    let deadline = Instant::now() + DEADLINE;
    while !std::fs::read_to_string(log).unwrap_or_default().contains(needle) {
        assert!(Instant::now() < deadline, "run.log never contained {needle:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}
