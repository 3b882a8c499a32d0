//! Spawning and driving weco: starts `weco run --output plain` (or `weco resume`) in the task folder, runs the
//! drive loop (output lines, exit, cancel, watchdog ticks) and stops weco gently when cancelled or hung. Turning
//! output into events lives in `translate`; classifying how the run ended lives in `outcome`.

use std::collections::{HashMap, VecDeque};
use std::ffi::OsString;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{ExitStatus, Stdio};
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWriteExt, BufReader};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};
use tokio_util::sync::CancellationToken;

use super::diagnose::RepeatedFailureDetector;
use super::parser::PlainParser;
use super::stop::{GroupSignal, RunStatus, SubcommandOutput, query_status, request_stop, signal_group};
use super::{WecoInfo, WecoRunOptions};
use crate::engine::events::{EngineTask, OptimizerEvent, RunOutcome};

/// weco's default log dir, relative to the run's working directory.
pub(super) const LOG_DIR: &str = ".runs";
const TICK: Duration = Duration::from_millis(200);
/// How long to keep reading after weco exited (an orphan could hold the pipe open).
const DRAIN_AFTER_EXIT: Duration = Duration::from_secs(2);

/// Runs a new weco optimization with the editor's default timings.
pub async fn run_weco(task: EngineTask, weco: &WecoInfo, events: UnboundedSender<OptimizerEvent>, cancel: CancellationToken, log: &Path) -> RunOutcome {
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
    // weco reads `-i` text that names an existing file as that file (and refuses most extensions): such
    // text is handed over in a file of its own, which weco then reads back verbatim.
    let instructions_file = match instructions_naming_a_file(&task) {
        Some(text) => match write_instructions_file(text) {
            Ok(file) => Some(file),
            Err(e) => {
                return Runner::new(&task, weco, options, events, log)
                    .finish_early(RunOutcome::Failed, format!("Cannot pass the additional instructions to weco: {e}."));
            }
        },
        None => None,
    };
    // weco runs the evaluation itself, through a shell: the command it gets is the sandboxed one (the
    // task folders writable, the rest of the project and machine read-only), kept alive for the run.
    let mut sandboxed = task.clone();
    if let Some(line) = sandboxed_eval_command(&task) {
        sandboxed.eval_command = line;
    }
    let args = run_args_with(&sandboxed, options, instructions_file.as_ref().map(|f| f.path()));
    let outcome = drive(&task, weco, options, args, None, events, cancel, log).await;
    drop(instructions_file);
    outcome
}

/// The eval command weco gets: the task's, in the sandbox, with the task folders writable. Its setup
/// script lives in `.weco/sandbox.sh`, so `weco resume` in a later session finds it again.
fn sandboxed_eval_command(task: &EngineTask) -> Option<String> {
    let workspace = crate::sandbox::workspace_of(&task.dir);
    let weco_dir = workspace.join(".weco");
    let jail = crate::sandbox::Jail { workspace: workspace.clone(), writable: vec![weco_dir.clone()] };
    crate::sandbox::shell_line(task.sandbox, &jail, &task.dir, &task.eval_command, &weco_dir.join("sandbox.sh"))
}

/// The instructions, when weco would take them for a file name (relative to the run's working directory).
fn instructions_naming_a_file(task: &EngineTask) -> Option<&str> {
    let text = task.additional_instructions.as_deref().filter(|i| !i.trim().is_empty())?;
    task.dir.join(text).is_file().then_some(text)
}

fn write_instructions_file(text: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let mut file = tempfile::Builder::new().prefix("weco-instructions-").suffix(".md").tempfile()?;
    file.write_all(text.as_bytes())?;
    file.flush()?;
    Ok(file)
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
    let mut args: Vec<OsString> = ["resume", run_id, "--output", "plain", "--no-open"].map(OsString::from).to_vec();
    if let Some(steps) = extra_steps {
        args.extend(["--steps".into(), steps.to_string().into()]);
    }
    push_auto_resume(&mut args, options);
    // weco keeps the run's eval command; the sandbox script it names is written again for it.
    let _ = sandboxed_eval_command(&task);
    drive(&task, weco, options, args, Some(b"y\n".to_vec()), events, cancel, log).await
}

/// The `weco run` argument vector. Never `--apply-change`: the user applies the best result from a diff.
pub fn run_args(task: &EngineTask, options: &WecoRunOptions) -> Vec<OsString> {
    run_args_with(task, options, None)
}

/// `run_args`, with the instructions passed as the file `instructions_file` when given. Values that could
/// start with `-` go in the same argv element as their flag (`--flag=value`), so argparse never reads
/// them as options.
pub fn run_args_with(task: &EngineTask, options: &WecoRunOptions, instructions_file: Option<&Path>) -> Vec<OsString> {
    let mut args: Vec<OsString> = vec![
        "run".into(),
        {
            let mut source = OsString::from("--source=");
            source.push(task.source_file.as_os_str());
            source
        },
        format!("--eval-command={}", task.eval_command).into(),
        format!("--metric={}", task.metric).into(),
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
        args.push(format!("--model={model}").into());
    }
    if let Some(file) = instructions_file {
        let mut arg = OsString::from("--additional-instructions=");
        arg.push(file.as_os_str());
        args.push(arg);
    } else if let Some(instructions) = task.additional_instructions.as_ref().filter(|i| !i.trim().is_empty()) {
        args.push(format!("--additional-instructions={instructions}").into());
    }
    push_auto_resume(&mut args, options);
    args
}

fn push_auto_resume(args: &mut Vec<OsString>, options: &WecoRunOptions) {
    if let Some(attempts) = options.auto_resume_attempts {
        args.extend(["--auto-resume-max-attempts".into(), attempts.to_string().into()]);
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
        .stdin(if stdin_bytes.is_some() { Stdio::piped() } else { Stdio::null() })
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
            let message = format!("Could not start {}: {e}. Install weco with `pipx install weco`, or use the local engine.", weco.path.display());
            return runner.finish_early(RunOutcome::Failed, message);
        }
    };
    let pgid = child.id().unwrap_or(0);
    // If this process dies without stopping weco (SIGKILL), the reaper sends weco's group SIGINT
    // (weco restores an in-place file and tells the service), then SIGKILL.
    let _weco_group = crate::child::GroupGuard::adopt(pgid);
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
        if exit.is_some() && (open_streams == 0 || exited_at.is_some_and(|t| t.elapsed() > DRAIN_AFTER_EXIT)) {
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
                // Silence is a hang only when Weco shows no progress either (`weco run status`, below).
                let lifeless = now.duration_since(runner.last_activity.max(runner.last_life));
                rung = runner.escalate_if_due(rung, pgid, now);
                if rung == Rung::Running {
                    if runner.loop_ended && stall > options.watchdog_after {
                        // weco's loop is over but it lingers (the lineage drain idles ~10 min when offline).
                        runner.log_line("[weco-lsp] weco finished its loop but did not exit; interrupting it");
                        rung = runner.interrupt(pgid, 1);
                    } else if !runner.loop_ended && lifeless > task.eval_timeout + options.hang_margin {
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

fn spawn_reader<R>(stream: R, tx: UnboundedSender<Incoming>, wrap: fn(String) -> Incoming, closed: Incoming)
where
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
                    // weco's output can carry the key (rich tracebacks print locals): scrubbed as it enters.
                    let line = crate::redact::scrub(&String::from_utf8_lossy(&buffer)).into_owned();
                    if tx.send(wrap(line)).is_err() {
                        return;
                    }
                }
            }
        }
        let _ = tx.send(closed);
    });
}

/// The state of one run, shared by the drive loop (here), event handling (`translate`) and run-end
/// classification (`outcome`).
pub(super) struct Runner<'a> {
    pub(super) task: &'a EngineTask,
    weco: &'a WecoInfo,
    options: &'a WecoRunOptions,
    events: UnboundedSender<OptimizerEvent>,
    log: Option<std::fs::File>,
    pub(super) source_path: PathBuf,
    pub(super) parser: PlainParser,
    pub(super) run_id: Option<String>,
    pub(super) best: Option<(u32, f64)>,
    pub(super) plans: HashMap<u32, Option<String>>,
    pub(super) last_output: Option<(u32, String)>,
    pub(super) detector: RepeatedFailureDetector,
    pub(super) last_activity: Instant,
    /// The last `weco run status` that showed the run alive while weco was silent.
    pub(super) last_life: Instant,
    /// `current_step` of the previous status answer.
    pub(super) last_status_step: Option<u64>,
    /// The status of the last answer, for the hang message.
    pub(super) last_status: Option<String>,
    pub(super) loop_ended: bool,
    pub(super) saw_complete: bool,
    pub(super) saw_stopped: bool,
    pub(super) errors: Vec<String>,
    pub(super) tail: VecDeque<String>,
    pub(super) hung_for: Option<Duration>,
    /// What weco printed before `Run ID:` (a refusal to create the run is printed untagged).
    pub(super) before_run_id: Vec<String>,
    /// The step whose eval weco could not run, and why (`[ERROR] Error: ...` in the eval step).
    pub(super) eval_aborted: Option<(u32, String)>,
    /// weco's line for the last submit the service did not score.
    pub(super) not_scored_reason: Option<String>,
}

impl<'a> Runner<'a> {
    fn new(task: &'a EngineTask, weco: &'a WecoInfo, options: &'a WecoRunOptions, events: UnboundedSender<OptimizerEvent>, log: &Path) -> Self {
        let log =
            std::fs::OpenOptions::new().create(true).append(true).open(log).inspect_err(|e| tracing::warn!("cannot open run log {}: {e}", log.display())).ok();
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
            last_life: Instant::now(),
            last_status_step: None,
            last_status: None,
            loop_ended: false,
            saw_complete: false,
            saw_stopped: false,
            errors: Vec::new(),
            tail: VecDeque::new(),
            hung_for: None,
            before_run_id: Vec::new(),
            eval_aborted: None,
            not_scored_reason: None,
        }
    }

    /// The folder `weco-run.json` is written to.
    pub(super) fn record_dir(&self) -> &Path {
        self.options.record_dir.as_deref().unwrap_or(&self.task.dir)
    }

    pub(super) fn emit(&self, event: OptimizerEvent) {
        let _ = self.events.send(event);
    }

    pub(super) fn log_line(&mut self, line: &str) {
        if let Some(file) = self.log.as_mut() {
            let _ = writeln!(file, "{}", crate::redact::scrub(line));
        }
    }

    /// First rung: `weco run stop <id>` (or SIGINT straight away while the run id is still unknown).
    fn begin_stop(&mut self, pgid: u32, tx: &UnboundedSender<Incoming>) -> Rung {
        let Some(run_id) = self.run_id.clone() else {
            return self.interrupt(pgid, 1);
        };
        let (weco, dir, env, tx) = (self.weco.clone(), self.task.dir.clone(), self.options.env.clone(), tx.clone());
        tokio::spawn(async move {
            let answer = request_stop(&weco, &dir, &run_id, &env).await;
            let _ = tx.send(Incoming::StopAnswered(answer));
        });
        Rung::StopRequested { until: Instant::now() + self.options.stop_grace }
    }

    fn interrupt(&mut self, pgid: u32, times: u8) -> Rung {
        self.log_line(&format!("[weco-lsp] sending SIGINT to weco's process group ({times})"));
        if let Err(e) = signal_group(pgid, GroupSignal::Interrupt) {
            self.log_line(&format!("[weco-lsp] SIGINT failed: {e}"));
        }
        // The second SIGINT gets a long grace: only a truly hung weco reaches SIGKILL.
        let grace = if times == 1 { self.options.interrupt_grace } else { self.options.interrupt_grace * 4 };
        Rung::Interrupted { times, until: Instant::now() + grace }
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
}

fn shell_words(args: &[OsString]) -> String {
    args.iter()
        .map(|a| {
            let a = a.to_string_lossy();
            if a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:".contains(c)) { a.into_owned() } else { format!("'{}'", a.replace('\'', "'\\''")) }
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
            sandbox: crate::config::SandboxMode::Auto,
        }
    }

    #[test]
    fn run_args_use_plain_output_and_never_apply_changes() {
        let args: Vec<String> = run_args(&task(), &WecoRunOptions::default()).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        assert!(args.windows(2).any(|w| w == ["--output", "plain"]));
        assert!(args.windows(2).any(|w| w == ["--goal", "max"]));
        assert!(args.windows(2).any(|w| w == ["--eval-timeout", "2"]), "timeouts round up: {args:?}");
        assert!(args.contains(&"--eval-command=bash evaluate.sh".to_string()));
        assert!(args.contains(&"--no-open".to_string()) && args.contains(&"--save-logs".to_string()));
        assert!(!args.iter().any(|a| a == "--apply-change"));
    }

    #[test]
    fn instructions_are_one_argv_element_and_text_naming_a_file_goes_through_a_file() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("evaluate.sh"), "echo\n").unwrap();
        let mut t = task();
        t.dir = dir.path().to_path_buf();
        t.additional_instructions = Some("-O3: keep the public API".into());
        let args: Vec<String> = run_args(&t, &WecoRunOptions::default()).iter().map(|a| a.to_string_lossy().into_owned()).collect();
        assert!(args.contains(&"--additional-instructions=-O3: keep the public API".to_string()), "{args:?}");
        assert_eq!(instructions_naming_a_file(&t), None);
        t.additional_instructions = Some("evaluate.sh".into());
        assert_eq!(instructions_naming_a_file(&t), Some("evaluate.sh"));
        let file = write_instructions_file("evaluate.sh").unwrap();
        assert_eq!(std::fs::read_to_string(file.path()).unwrap(), "evaluate.sh");
        let args = run_args_with(&t, &WecoRunOptions::default(), Some(file.path()));
        let expected = format!("--additional-instructions={}", file.path().display());
        assert!(args.iter().any(|a| a.to_string_lossy() == expected), "{args:?}");
    }
}
