//! The runner: spawns `weco run --output plain` (or `weco resume`) in the task folder, turns its output into
//! `OptimizerEvent`s, keeps the source file byte-identical, and stops it gently when cancelled or hung.

use std::collections::{HashMap, VecDeque};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio_util::sync::CancellationToken;

use super::diagnose::{RepeatedFailureDetector, summarize_failure};
use super::parser::{PlainParser, PlainRecord};
use super::stop::{
    GroupSignal, RunStatus, SubcommandOutput, query_status, request_stop, signal_group,
};
use super::{WecoInfo, WecoRunOptions, WecoRunRecord, save_run_record, write_atomically};
use crate::engine::events::{BestResult, EngineTask, OptimizerEvent, RunOutcome};

/// weco's default log dir, relative to the run's working directory.
const LOG_DIR: &str = ".runs";
const TICK: Duration = Duration::from_millis(200);
/// How long to keep reading after weco exited (an orphan could hold the pipe open).
const DRAIN_AFTER_EXIT: Duration = Duration::from_secs(2);

/// Runs a new weco optimization with the editor's default timings.
pub async fn run_weco(
    task: EngineTask,
    weco: &WecoInfo,
    events: UnboundedSender<OptimizerEvent>,
    cancel: CancellationToken,
    log: &Path,
) -> RunOutcome {
    run_weco_with(task, weco, &WecoRunOptions::default(), events, cancel, log).await
}

/// Runs a new weco optimization. `Finished` is always the last event sent.
pub async fn run_weco_with(
    task: EngineTask,
    weco: &WecoInfo,
    options: &WecoRunOptions,
    events: UnboundedSender<OptimizerEvent>,
    cancel: CancellationToken,
    log: &Path,
) -> RunOutcome {
    let args = run_args(&task, options);
    drive(&task, weco, options, args, None, events, cancel, log).await
}

/// Continues an interrupted run (`weco resume <id>`, answering its confirmation prompt with `y`).
#[allow(clippy::too_many_arguments)]
pub async fn resume_weco(
    task: EngineTask,
    run_id: &str,
    extra_steps: Option<u32>,
    weco: &WecoInfo,
    options: &WecoRunOptions,
    events: UnboundedSender<OptimizerEvent>,
    cancel: CancellationToken,
    log: &Path,
) -> RunOutcome {
    let mut args: Vec<OsString> = ["resume", run_id, "--output", "plain", "--no-open"]
        .map(OsString::from)
        .to_vec();
    if let Some(steps) = extra_steps {
        args.extend(["--steps".into(), steps.to_string().into()]);
    }
    push_auto_resume(&mut args, options);
    drive(
        &task,
        weco,
        options,
        args,
        Some(b"y\n".to_vec()),
        events,
        cancel,
        log,
    )
    .await
}

/// The `weco run` argument vector. Never `--apply-change`: the user applies the best result from a diff.
pub fn run_args(task: &EngineTask, options: &WecoRunOptions) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        "run".into(),
        "--source".into(),
        task.source_file.clone().into_os_string(),
        "--eval-command".into(),
        task.eval_command.clone().into(),
        "--metric".into(),
        task.metric.clone().into(),
        "--goal".into(),
        task.goal.as_cli().into(),
        "-n".into(),
        task.steps.to_string().into(),
        "--output".into(),
        "plain".into(),
        "--no-open".into(),
        "--save-logs".into(),
    ];
    if !task.eval_timeout.is_zero() {
        let seconds = task.eval_timeout.as_secs() + u64::from(task.eval_timeout.subsec_nanos() > 0);
        args.extend(["--eval-timeout".into(), seconds.max(1).to_string().into()]);
    }
    if let Some(model) = &task.model {
        args.extend(["--model".into(), model.clone().into()]);
    }
    if let Some(instructions) = task
        .additional_instructions
        .as_ref()
        .filter(|i| !i.trim().is_empty())
    {
        args.extend([
            "--additional-instructions".into(),
            instructions.clone().into(),
        ]);
    }
    push_auto_resume(&mut args, options);
    args
}

fn push_auto_resume(args: &mut Vec<OsString>, options: &WecoRunOptions) {
    if let Some(attempts) = options.auto_resume_attempts {
        args.extend([
            "--auto-resume-max-attempts".into(),
            attempts.to_string().into(),
        ]);
    }
}

#[derive(Debug)]
enum Incoming {
    Stdout(String),
    Stderr(String),
    StdoutClosed,
    StderrClosed,
    StopAnswered(Result<SubcommandOutput, String>),
    Status(Result<RunStatus, String>),
}

/// The escalation ladder's current rung, with the time the next rung is due.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Rung {
    Running,
    StopRequested { until: Instant },
    Interrupted { times: u8, until: Instant },
    Killed,
}

#[allow(clippy::too_many_arguments)]
async fn drive(
    task: &EngineTask,
    weco: &WecoInfo,
    options: &WecoRunOptions,
    args: Vec<OsString>,
    stdin_bytes: Option<Vec<u8>>,
    events: UnboundedSender<OptimizerEvent>,
    cancel: CancellationToken,
    log: &Path,
) -> RunOutcome {
    let mut runner = Runner::new(task, weco, options, events, log);
    let snapshot = match std::fs::read(&runner.source_path) {
        Ok(bytes) => bytes,
        Err(e) => {
            let message = format!("Cannot read {}: {e}", runner.source_path.display());
            return runner.finish_early(RunOutcome::Failed, message);
        }
    };
    runner.log_line(&format!("$ {} {}", weco.path.display(), shell_words(&args)));

    let mut command = tokio::process::Command::new(&weco.path);
    command
        .args(&args)
        .current_dir(&task.dir)
        .stdin(if stdin_bytes.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .env("COLUMNS", "10000")
        .env("WECO_DISABLE_EVENTS", "1")
        .process_group(0);
    for key in &options.env_remove {
        command.env_remove(key);
    }
    for (key, value) in &options.env {
        command.env(key, value);
    }
    // SAFETY: the closure only calls signal(2), which is async-signal-safe, between fork and exec.
    unsafe {
        // A SIGINT ignored by our own parent would be inherited and make weco immune to the stop ladder.
        command.pre_exec(|| {
            libc::signal(libc::SIGINT, libc::SIG_DFL);
            Ok(())
        });
    }
    let mut child = match command.spawn() {
        Ok(child) => child,
        Err(e) => {
            let message = format!(
                "Could not start {}: {e}. Install weco with `pipx install weco`, or use the local engine.",
                weco.path.display()
            );
            return runner.finish_early(RunOutcome::Failed, message);
        }
    };
    let pgid = child.id().unwrap_or(0);
    let (tx, mut rx) = unbounded_channel::<Incoming>();
    if let (Some(mut stdin), Some(bytes)) = (child.stdin.take(), stdin_bytes) {
        tokio::spawn(async move {
            let _ = stdin.write_all(&bytes).await;
        });
    }
    if let Some(stdout) = child.stdout.take() {
        spawn_reader(stdout, tx.clone(), Incoming::Stdout, Incoming::StdoutClosed);
    }
    if let Some(stderr) = child.stderr.take() {
        spawn_reader(stderr, tx.clone(), Incoming::Stderr, Incoming::StderrClosed);
    }

    let mut exit: Option<ExitStatus> = None;
    let mut exited_at: Option<Instant> = None;
    let mut open_streams = 2;
    let mut rung = Rung::Running;
    let mut cancel_requested = false;
    let mut last_status_poll: Option<Instant> = None;
    let mut status_in_flight = false;
    let mut ticker = tokio::time::interval(TICK);

    loop {
        if exit.is_some()
            && (open_streams == 0 || exited_at.is_some_and(|t| t.elapsed() > DRAIN_AFTER_EXIT))
        {
            break;
        }
        tokio::select! {
            incoming = rx.recv() => match incoming {
                Some(Incoming::Stdout(line)) => runner.on_stdout(&line),
                Some(Incoming::Stderr(line)) => runner.on_stderr(&line),
                Some(Incoming::StdoutClosed | Incoming::StderrClosed) => open_streams -= 1,
                Some(Incoming::StopAnswered(answer)) => runner.on_stop_answer(answer),
                Some(Incoming::Status(status)) => {
                    status_in_flight = false;
                    runner.on_status(status);
                }
                None => open_streams = 0,
            },
            status = child.wait(), if exit.is_none() => {
                exit = Some(status.unwrap_or_else(|_| std::os::unix::process::ExitStatusExt::from_raw(1 << 8)));
                exited_at = Some(Instant::now());
            }
            _ = cancel.cancelled(), if !cancel_requested && exit.is_none() => {
                cancel_requested = true;
                runner.log_line("[weco-lsp] stop requested by the user");
                rung = runner.begin_stop(pgid, &tx);
            }
            _ = ticker.tick() => {
                if exit.is_some() {
                    continue;
                }
                let now = Instant::now();
                let stall = now.duration_since(runner.last_activity);
                rung = runner.escalate_if_due(rung, pgid, now);
                if rung == Rung::Running {
                    if runner.loop_ended && stall > options.watchdog_after {
                        // weco's loop is over but it lingers (the lineage drain idles ~10 min when offline).
                        runner.log_line("[weco-lsp] weco finished its loop but did not exit; interrupting it");
                        rung = runner.interrupt(pgid, 1);
                    } else if !runner.loop_ended && stall > task.eval_timeout + options.hang_margin {
                        runner.hung_for = Some(stall);
                        runner.log_line("[weco-lsp] weco printed nothing for too long; stopping it");
                        rung = runner.begin_stop(pgid, &tx);
                    }
                }
                let poll_due = last_status_poll.is_none_or(|t| now.duration_since(t) >= options.watchdog_after);
                let watchdog_due = stall > options.watchdog_after && poll_due && !status_in_flight && !runner.loop_ended;
                if watchdog_due && let Some(run_id) = runner.run_id.clone() {
                        last_status_poll = Some(now);
                        status_in_flight = true;
                        let (weco, dir, env, tx) = (weco.clone(), task.dir.clone(), options.env.clone(), tx.clone());
                        tokio::spawn(async move {
                            let status = query_status(&weco, &dir, &run_id, &env).await;
                            let _ = tx.send(Incoming::Status(status));
                        });
                }
            }
        }
    }
    runner.finish(exit, cancel_requested, rung == Rung::Killed, &snapshot)
}

fn spawn_reader<R>(
    stream: R,
    tx: UnboundedSender<Incoming>,
    wrap: fn(String) -> Incoming,
    closed: Incoming,
) where
    R: AsyncRead + Unpin + Send + 'static,
{
    tokio::spawn(async move {
        let mut reader = BufReader::new(stream);
        let mut buffer = Vec::new();
        loop {
            buffer.clear();
            match reader.read_until(b'\n', &mut buffer).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {
                    if buffer.last() == Some(&b'\n') {
                        buffer.pop();
                    }
                    if tx
                        .send(wrap(String::from_utf8_lossy(&buffer).into_owned()))
                        .is_err()
                    {
                        return;
                    }
                }
            }
        }
        let _ = tx.send(closed);
    });
}

struct Runner<'a> {
    task: &'a EngineTask,
    weco: &'a WecoInfo,
    options: &'a WecoRunOptions,
    events: UnboundedSender<OptimizerEvent>,
    log: Option<std::fs::File>,
    source_path: PathBuf,
    parser: PlainParser,
    run_id: Option<String>,
    best: Option<(u32, f64)>,
    plans: HashMap<u32, Option<String>>,
    last_output: Option<(u32, String)>,
    detector: RepeatedFailureDetector,
    last_activity: Instant,
    loop_ended: bool,
    saw_complete: bool,
    saw_stopped: bool,
    errors: Vec<String>,
    tail: VecDeque<String>,
    hung_for: Option<Duration>,
}

impl<'a> Runner<'a> {
    fn new(
        task: &'a EngineTask,
        weco: &'a WecoInfo,
        options: &'a WecoRunOptions,
        events: UnboundedSender<OptimizerEvent>,
        log: &Path,
    ) -> Self {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .inspect_err(|e| tracing::warn!("cannot open run log {}: {e}", log.display()))
            .ok();
        Self {
            task,
            weco,
            options,
            events,
            log,
            source_path: task.dir.join(&task.source_file),
            parser: PlainParser::new(),
            run_id: None,
            best: None,
            plans: HashMap::new(),
            last_output: None,
            detector: RepeatedFailureDetector::default(),
            last_activity: Instant::now(),
            loop_ended: false,
            saw_complete: false,
            saw_stopped: false,
            errors: Vec::new(),
            tail: VecDeque::new(),
            hung_for: None,
        }
    }

    fn emit(&self, event: OptimizerEvent) {
        let _ = self.events.send(event);
    }

    fn log_line(&mut self, line: &str) {
        if let Some(file) = self.log.as_mut() {
            let _ = writeln!(file, "{line}");
        }
    }

    fn remember(&mut self, line: &str) {
        if self.tail.len() == 60 {
            self.tail.pop_front();
        }
        self.tail.push_back(line.to_string());
    }

    fn on_stdout(&mut self, line: &str) {
        self.last_activity = Instant::now();
        self.log_line(line);
        for record in self.parser.feed(line) {
            self.on_record(record);
        }
    }

    fn on_stderr(&mut self, line: &str) {
        self.last_activity = Instant::now();
        self.log_line(&format!("[stderr] {line}"));
        self.remember(line);
    }

    fn on_record(&mut self, record: PlainRecord) {
        match record {
            PlainRecord::RunId(run_id) => {
                let started_unix_s = SystemTime::now()
                    .duration_since(UNIX_EPOCH)
                    .map_or(0, |d| d.as_secs());
                let saved = WecoRunRecord {
                    run_id: run_id.clone(),
                    source_file: self.task.source_file.to_string_lossy().into_owned(),
                    started_unix_s,
                };
                if let Err(e) = save_run_record(&self.task.dir, &saved) {
                    tracing::warn!("cannot save weco-run.json: {e}");
                }
                self.run_id = Some(run_id.clone());
                self.emit(OptimizerEvent::Started {
                    run_id,
                    backend: "weco",
                    total_steps: self.task.steps,
                });
            }
            PlainRecord::TotalSteps(_) => {}
            PlainRecord::StepStarted(step) => self.emit(OptimizerEvent::StepStarted { step }),
            PlainRecord::OutputStarting { step } => {
                if let Some(count) = self.output_line_count(step) {
                    self.parser.expect_output_lines(count);
                }
            }
            PlainRecord::Candidate { step, plan } => {
                self.plans.insert(step, plan.clone());
                self.emit(OptimizerEvent::Candidate { step, plan });
            }
            PlainRecord::EvalOutput { step, output } => {
                self.last_output = Some((step, output.clone()));
                self.emit(OptimizerEvent::EvalOutput { step, output });
            }
            PlainRecord::Metric { step, value, best } => {
                self.detector.record_success();
                if self
                    .best
                    .is_none_or(|(_, incumbent)| self.task.goal.is_better(value, incumbent))
                {
                    self.best = Some((step, value));
                }
                self.emit(OptimizerEvent::Metric { step, value, best });
            }
            PlainRecord::NoMetric { step } => {
                let output = match &self.last_output {
                    Some((s, output)) if *s == step => output.clone(),
                    _ => String::new(),
                };
                let error = if self.loop_ended || self.errors.iter().any(|e| is_connection_error(e))
                {
                    "the result was not scored (weco stopped before the backend answered)"
                        .to_string()
                } else {
                    summarize_failure(&output)
                };
                self.emit(OptimizerEvent::StepFailed { step, error });
                if let Some(signature) = self.detector.record_failure(&output) {
                    self.emit(OptimizerEvent::Message {
                        error: true,
                        text: format!(
                            "The last 3 steps failed the same way: {signature}. weco keeps spending credits on such steps; \
                             consider stopping the run and fixing the evaluation environment."
                        ),
                    });
                }
            }
            PlainRecord::Warning(text) => {
                self.remember(&text);
                self.emit(OptimizerEvent::Message { error: false, text });
            }
            PlainRecord::Error(text) => {
                if is_fatal_loop_error(&text) {
                    self.loop_ended = true;
                }
                self.remember(&text);
                self.errors.push(text.clone());
                self.emit(OptimizerEvent::Message { error: true, text });
            }
            PlainRecord::Reconnecting(detail) => self.emit(OptimizerEvent::Message {
                error: false,
                text: format!("Lost the connection to Weco; reconnecting ({detail})."),
            }),
            PlainRecord::Reconnected => self.emit(OptimizerEvent::Message {
                error: false,
                text: "Reconnected to Weco.".into(),
            }),
            PlainRecord::Complete => {
                self.saw_complete = true;
                self.loop_ended = true;
            }
            PlainRecord::Stopped | PlainRecord::Interrupted => {
                self.saw_stopped = true;
                self.loop_ended = true;
            }
            PlainRecord::Other(line) => {
                if !line.trim().is_empty() {
                    self.remember(&line);
                }
            }
        }
    }

    /// weco writes the whole eval output to `.runs/<id>/outputs/step_<n>.out.txt` before printing it, and
    /// `print` adds one newline: the block is exactly `count('\n') + 1` lines.
    fn output_line_count(&self, step: u32) -> Option<usize> {
        let run_id = self.run_id.as_ref()?;
        let path = self
            .task
            .dir
            .join(LOG_DIR)
            .join(run_id)
            .join("outputs")
            .join(format!("step_{step}.out.txt"));
        let content = std::fs::read(path).ok()?;
        Some(content.iter().filter(|b| **b == b'\n').count() + 1)
    }

    fn on_stop_answer(&mut self, answer: Result<SubcommandOutput, String>) {
        match answer {
            Ok(output) => {
                for line in output.stdout.lines().chain(output.stderr.lines()) {
                    self.log_line(&format!("[weco run stop] {line}"));
                }
            }
            Err(e) => self.log_line(&format!("[weco run stop] {e}")),
        }
    }

    fn on_status(&mut self, status: Result<RunStatus, String>) {
        match status {
            Ok(status) => {
                self.log_line(&format!(
                    "[weco-lsp] watchdog: run status {}",
                    status.status
                ));
                if status.is_terminal() && !self.loop_ended {
                    self.emit(OptimizerEvent::Message {
                        error: false,
                        text: format!(
                            "Weco reports the run as {}; waiting for the local client to finish.",
                            status.status
                        ),
                    });
                }
            }
            Err(e) => self.log_line(&format!("[weco-lsp] watchdog: {e}")),
        }
    }

    /// First rung: `weco run stop <id>` (or SIGINT straight away while the run id is still unknown).
    fn begin_stop(&mut self, pgid: u32, tx: &UnboundedSender<Incoming>) -> Rung {
        let Some(run_id) = self.run_id.clone() else {
            return self.interrupt(pgid, 1);
        };
        let (weco, dir, env, tx) = (
            self.weco.clone(),
            self.task.dir.clone(),
            self.options.env.clone(),
            tx.clone(),
        );
        tokio::spawn(async move {
            let answer = request_stop(&weco, &dir, &run_id, &env).await;
            let _ = tx.send(Incoming::StopAnswered(answer));
        });
        Rung::StopRequested {
            until: Instant::now() + self.options.stop_grace,
        }
    }

    fn interrupt(&mut self, pgid: u32, times: u8) -> Rung {
        self.log_line(&format!(
            "[weco-lsp] sending SIGINT to weco's process group ({times})"
        ));
        if let Err(e) = signal_group(pgid, GroupSignal::Interrupt) {
            self.log_line(&format!("[weco-lsp] SIGINT failed: {e}"));
        }
        // The second SIGINT gets a long grace: only a truly hung weco reaches SIGKILL.
        let grace = if times == 1 {
            self.options.interrupt_grace
        } else {
            self.options.interrupt_grace * 4
        };
        Rung::Interrupted {
            times,
            until: Instant::now() + grace,
        }
    }

    fn escalate_if_due(&mut self, rung: Rung, pgid: u32, now: Instant) -> Rung {
        match rung {
            Rung::StopRequested { until } if now >= until => self.interrupt(pgid, 1),
            Rung::Interrupted { times: 1, until } if now >= until => self.interrupt(pgid, 2),
            Rung::Interrupted { until, .. } if now >= until => {
                self.log_line("[weco-lsp] weco ignored two SIGINTs; killing its process group");
                if let Err(e) = signal_group(pgid, GroupSignal::Kill) {
                    self.log_line(&format!("[weco-lsp] SIGKILL failed: {e}"));
                }
                Rung::Killed
            }
            other => other,
        }
    }

    fn finish_early(mut self, outcome: RunOutcome, message: String) -> RunOutcome {
        self.log_line(&format!("[weco-lsp] {message}"));
        self.emit(OptimizerEvent::Finished {
            outcome,
            best: None,
            message: Some(message),
        });
        outcome
    }

    fn finish(
        mut self,
        exit: Option<ExitStatus>,
        cancelled: bool,
        killed: bool,
        snapshot: &[u8],
    ) -> RunOutcome {
        for record in self.parser.finish() {
            self.on_record(record);
        }
        let restored = self.restore_source(snapshot);
        let resume_hint = self
            .run_id
            .as_ref()
            .map(|id| format!(" Continue later with `weco resume {id}`."))
            .unwrap_or_default();
        let (outcome, mut message) = if cancelled && self.hung_for.is_none() {
            (
                RunOutcome::Cancelled,
                Some(format!("Stopped.{resume_hint}")),
            )
        } else if exit.is_some_and(|s| s.success()) && self.saw_complete {
            (RunOutcome::Completed, None)
        } else if self.saw_stopped && self.errors.is_empty() && self.hung_for.is_none() {
            (
                RunOutcome::Cancelled,
                Some(format!(
                    "The run was stopped outside the editor.{resume_hint}"
                )),
            )
        } else {
            (
                RunOutcome::Failed,
                Some(self.failure_message(exit, killed, &resume_hint)),
            )
        };
        if let Some(note) = restored {
            message = Some(match message {
                Some(text) => format!("{text} {note}"),
                None => note,
            });
        }
        let best = self.best_result(snapshot);
        if let Some(text) = &message {
            self.log_line(&format!("[weco-lsp] {text}"));
        }
        self.emit(OptimizerEvent::Finished {
            outcome,
            best,
            message,
        });
        outcome
    }

    fn failure_message(&self, exit: Option<ExitStatus>, killed: bool, resume_hint: &str) -> String {
        let all_text = || self.errors.iter().chain(self.tail.iter());
        if let Some(silence) = self.hung_for {
            return format!(
                "weco printed nothing for {}s and was stopped.{resume_hint}",
                silence.as_secs()
            );
        }
        if self.errors.iter().any(|e| e.contains("Out of credits")) {
            let id = self.run_id.as_deref().unwrap_or("<run id>");
            return format!(
                "Out of Weco credits. Top up with `weco credits topup`, then continue with `weco resume {id}`."
            );
        }
        if all_text().any(|l| {
            l.contains("Authentication Required") || l.contains("Would you like to log in")
        }) {
            return "Not logged in to Weco. Run `weco login` in a terminal (or set WECO_API_KEY), or use the local engine."
                .to_string();
        }
        if all_text().any(|l| is_connection_error(l)) {
            return format!(
                "Could not reach the Weco service (offline?). Check the connection.{resume_hint} Or use the local engine."
            );
        }
        if killed {
            return format!("weco did not respond to SIGINT and was killed.{resume_hint}");
        }
        let detail = self
            .errors
            .last()
            .or_else(|| self.tail.iter().rev().find(|l| !l.trim().is_empty()))
            .map(|l| format!(": {l}"))
            .unwrap_or_default();
        match exit.and_then(|s| s.code()) {
            Some(code) => format!("weco exited with code {code}{detail}.{resume_hint}"),
            None => {
                let signal = exit.and_then(|s| std::os::unix::process::ExitStatusExt::signal(&s));
                format!(
                    "weco was killed (signal {}){detail}.{resume_hint}",
                    signal.unwrap_or(0)
                )
            }
        }
    }

    /// weco swaps candidates into the source file during every eval; a killed weco can leave one there.
    fn restore_source(&mut self, snapshot: &[u8]) -> Option<String> {
        let current = std::fs::read(&self.source_path).ok();
        if current.as_deref() == Some(snapshot) {
            return None;
        }
        let note = match write_atomically(&self.source_path, snapshot) {
            Ok(()) => format!(
                "weco left {} modified; it was restored from the snapshot taken before the run.",
                self.task.source_file.display()
            ),
            Err(e) => format!(
                "weco left {} modified and restoring it failed: {e}.",
                self.task.source_file.display()
            ),
        };
        self.emit(OptimizerEvent::Message {
            error: true,
            text: note.clone(),
        });
        Some(note)
    }

    /// The best candidate's code: weco's `best/files` copy, else the step snapshot weco wrote before its eval.
    fn best_result(&self, snapshot: &[u8]) -> Option<BestResult> {
        let run_id = self.run_id.as_ref()?;
        let (step, metric) = self.best?;
        let run_dir = self.task.dir.join(LOG_DIR).join(run_id);
        let candidates = [
            run_dir
                .join("best")
                .join("files")
                .join(&self.task.source_file),
            run_dir
                .join("steps")
                .join(step.to_string())
                .join("files")
                .join(&self.task.source_file),
        ];
        let code = candidates
            .iter()
            .find_map(|path| std::fs::read(path).ok())?;
        if code == snapshot {
            return None;
        }
        let code = String::from_utf8(code).ok()?;
        Some(BestResult {
            step,
            metric,
            code,
            plan: self.plans.get(&step).cloned().flatten(),
        })
    }
}

fn is_fatal_loop_error(text: &str) -> bool {
    text.contains("Out of credits")
        || text.contains("Auto-resume exhausted")
        || text.contains("Timeout waiting for execution tasks")
}

fn is_connection_error(text: &str) -> bool {
    [
        "Auto-resume exhausted",
        "Network error",
        "Error starting run",
        "Connection refused",
        "Max retries exceeded",
        "NameResolutionError",
        "Failed to resolve",
        "ConnectionError",
        "Connection aborted",
        "RemoteDisconnected",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

fn shell_words(args: &[OsString]) -> String {
    args.iter()
        .map(|a| {
            let a = a.to_string_lossy();
            if a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./=:".contains(c))
            {
                a.into_owned()
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::events::Goal;

    fn task() -> EngineTask {
        EngineTask {
            dir: PathBuf::from("/tmp/t"),
            source_file: PathBuf::from("optimize.py"),
            eval_command: "bash evaluate.sh".into(),
            metric: "speedup".into(),
            goal: Goal::Maximize,
            steps: 5,
            eval_timeout: Duration::from_millis(1500),
            additional_instructions: Some("keep the API".into()),
            model: None,
            function: None,
        }
    }

    #[test]
    fn run_args_use_plain_output_and_never_apply_changes() {
        let args: Vec<String> = run_args(&task(), &WecoRunOptions::default())
            .iter()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        assert!(args.windows(2).any(|w| w == ["--output", "plain"]));
        assert!(args.windows(2).any(|w| w == ["--goal", "max"]));
        assert!(
            args.windows(2).any(|w| w == ["--eval-timeout", "2"]),
            "timeouts round up: {args:?}"
        );
        assert!(
            args.windows(2)
                .any(|w| w == ["--eval-command", "bash evaluate.sh"])
        );
        assert!(
            args.contains(&"--no-open".to_string()) && args.contains(&"--save-logs".to_string())
        );
        assert!(!args.iter().any(|a| a == "--apply-change"));
    }

    #[test]
    fn connection_failures_are_recognised() {
        assert!(is_connection_error(
            "Auto-resume exhausted after 1 attempt(s). Use 'weco resume x' to continue manually."
        ));
        assert!(!is_connection_error("RuntimeError: candidate is broken"));
    }
}
