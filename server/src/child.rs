//! Child processes that never outlive their owner: each runs in its own process group, registered
//! with a reaper that kills every group still alive when this process goes away, however it goes.
//!
//! Evaluations run user code, which can fork, daemonize or hang; `kill_on_drop` only reaches the
//! direct child, and nothing at all runs when the server is SIGKILLed. The reaper is a small `bash`
//! loop in its own process group (so a terminal's Ctrl-C does not reach it) that reads `+pgid` and
//! `-pgid` lines on its stdin. When that pipe closes (we exited, crashed or were killed), it sends
//! SIGINT to every group still registered (weco restores an in-place file on SIGINT), waits a
//! moment, then SIGKILL. The pipe's write end is close-on-exec, so no other child holds it open.
//!
//! [`run`] is the one blocking runner (baseline, verification, recording, preflights): output
//! collected up to a limit, a timeout, a cancel token checked while it runs, and an end that does
//! not wait for pipes a daemonized grandchild inherited.

use std::io::{Read, Write};
use std::os::unix::process::CommandExt;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;

/// Time a process group gets between SIGINT and SIGKILL when cancelled.
pub const STOP_GRACE: Duration = Duration::from_millis(1500);
/// How long the end of a run waits for output pipes after the process group is gone: a process
/// that left the group (setsid) may hold them open for ever.
const PIPE_GRACE: Duration = Duration::from_millis(500);
/// Output kept per stream; the rest is dropped with a note.
const MAX_OUTPUT_BYTES: usize = 8 << 20;

const REAPER_SCRIPT: &str = r#"trap '' INT HUP TERM PIPE
declare -A live
while IFS= read -r line; do
  case "$line" in
    +*) live["${line#+}"]=1 ;;
    -*) unset "live[${line#-}]" ;;
  esac
done
[ "${#live[@]}" -eq 0 ] && exit 0
for g in "${!live[@]}"; do kill -INT -- "-$g" 2>/dev/null; done
sleep 2
for g in "${!live[@]}"; do kill -KILL -- "-$g" 2>/dev/null; done
"#;

fn reaper() -> &'static Mutex<Option<ChildStdin>> {
    static REAPER: OnceLock<Mutex<Option<ChildStdin>>> = OnceLock::new();
    REAPER.get_or_init(|| {
        let started =
            Command::new("bash").arg("-c").arg(REAPER_SCRIPT).stdin(Stdio::piped()).stdout(Stdio::null()).stderr(Stdio::null()).process_group(0).spawn();
        match started {
            Ok(mut child) => {
                let stdin = child.stdin.take();
                // The reaper must outlive us; its exit status is of no interest, and a thread
                // waiting for it keeps it from becoming a zombie while we run.
                std::thread::spawn(move || child.wait());
                Mutex::new(stdin)
            }
            Err(error) => {
                tracing::warn!("no process reaper (bash did not start: {error}); child processes may outlive a killed server");
                Mutex::new(None)
            }
        }
    })
}

fn tell_reaper(line: String) {
    let mut reaper = reaper().lock().unwrap_or_else(|e| e.into_inner());
    if let Some(stdin) = reaper.as_mut()
        && stdin.write_all(line.as_bytes()).and_then(|_| stdin.flush()).is_err()
    {
        *reaper = None;
    }
}

/// A live process group owned by this process: registered with the reaper while it lives, and
/// killed (with everything left in it) when the guard is dropped.
#[derive(Debug)]
pub struct GroupGuard {
    pgid: i32,
}

impl GroupGuard {
    /// Takes ownership of the group led by `pid` (a child spawned with `process_group(0)`).
    pub fn adopt(pid: u32) -> Option<GroupGuard> {
        let pgid = i32::try_from(pid).ok().filter(|p| *p > 0)?;
        tell_reaper(format!("+{pgid}\n"));
        Some(GroupGuard { pgid })
    }

    pub fn signal(&self, signal: i32) {
        signal_group(self.pgid, signal);
    }
}

impl Drop for GroupGuard {
    fn drop(&mut self) {
        signal_group(self.pgid, libc::SIGKILL);
        tell_reaper(format!("-{}\n", self.pgid));
    }
}

/// Sends `signal` to process group `pgid`.
pub fn signal_group(pgid: i32, signal: i32) {
    if pgid > 0 {
        // SAFETY: kill(2) with a negative pid signals a process group we created; no memory involved.
        unsafe {
            libc::kill(-pgid, signal);
        }
    }
}

/// Puts a command to be spawned into its own process group.
pub fn own_group(command: &mut Command) -> &mut Command {
    command.process_group(0)
}

/// How a [`run`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ended {
    Exited(Option<i32>, bool),
    TimedOut,
    Cancelled,
}

/// What a finished child printed and how it ended.
#[derive(Debug, Clone)]
pub struct Finished {
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
    pub ended: Ended,
    pub elapsed: Duration,
}

impl Finished {
    pub fn status(&self) -> Option<(Option<i32>, bool)> {
        match self.ended {
            Ended::Exited(code, success) => Some((code, success)),
            _ => None,
        }
    }
}

/// Runs `command` (stdin closed, stdout and stderr collected) in its own process group until it
/// exits, `timeout` passes or `cancel` fires. The group is killed in every case, so background
/// processes the command left behind go with it.
pub fn run(mut command: Command, timeout: Duration, cancel: Option<&CancellationToken>) -> std::io::Result<Finished> {
    command.stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    own_group(&mut command);
    let started = Instant::now();
    let mut child = command.spawn()?;
    let group = GroupGuard::adopt(child.id());
    let stdout = collect(child.stdout.take());
    let stderr = collect(child.stderr.take());
    let ended = wait(&mut child, group.as_ref(), started, timeout, cancel);
    let elapsed = started.elapsed();
    drop(group);
    let pipes_closed_by = Instant::now() + PIPE_GRACE;
    let stdout = stdout.finish(pipes_closed_by);
    let stderr = stderr.finish(pipes_closed_by);
    Ok(Finished { stdout, stderr, ended, elapsed })
}

fn wait(child: &mut Child, group: Option<&GroupGuard>, started: Instant, timeout: Duration, cancel: Option<&CancellationToken>) -> Ended {
    loop {
        match child.try_wait() {
            Ok(Some(status)) => return exited(status),
            Err(_) => return Ended::Exited(None, false),
            Ok(None) => {}
        }
        if started.elapsed() >= timeout {
            if let Some(group) = group {
                group.signal(libc::SIGKILL);
            }
            let _ = child.kill();
            let _ = child.wait();
            return Ended::TimedOut;
        }
        if cancel.is_some_and(CancellationToken::is_cancelled) {
            stop(child, group);
            return Ended::Cancelled;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// SIGINT to the group, SIGKILL after [`STOP_GRACE`].
fn stop(child: &mut Child, group: Option<&GroupGuard>) {
    if let Some(group) = group {
        group.signal(libc::SIGINT);
    }
    let deadline = Instant::now() + STOP_GRACE;
    while Instant::now() < deadline {
        if matches!(child.try_wait(), Ok(Some(_)) | Err(_)) {
            return;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    if let Some(group) = group {
        group.signal(libc::SIGKILL);
    }
    let _ = child.kill();
    let _ = child.wait();
}

fn exited(status: ExitStatus) -> Ended {
    Ended::Exited(status.code(), status.success())
}

/// A stream being read on its own thread into a shared buffer.
struct Collector {
    bytes: Arc<Mutex<Vec<u8>>>,
    done: Option<std::sync::mpsc::Receiver<()>>,
}

fn collect(stream: Option<impl Read + Send + 'static>) -> Collector {
    let bytes = Arc::new(Mutex::new(Vec::new()));
    let Some(mut stream) = stream else { return Collector { bytes, done: None } };
    let (tx, rx) = std::sync::mpsc::channel();
    let into = Arc::clone(&bytes);
    std::thread::spawn(move || {
        let mut buffer = [0u8; 16 * 1024];
        loop {
            match stream.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(n) => append(&into, &buffer[..n]),
            }
        }
        let _ = tx.send(());
    });
    Collector { bytes, done: Some(rx) }
}

/// Appends up to [`MAX_OUTPUT_BYTES`], then a note that the rest was dropped.
pub fn append(into: &Mutex<Vec<u8>>, chunk: &[u8]) {
    let mut collected = into.lock().unwrap_or_else(|e| e.into_inner());
    if collected.len() < MAX_OUTPUT_BYTES {
        collected.extend_from_slice(chunk);
        if collected.len() >= MAX_OUTPUT_BYTES {
            collected.extend_from_slice(b"\n[output truncated by weco-lsp]\n");
        }
    }
}

impl Collector {
    /// What was read by `deadline`; a pipe still open then is left to its thread.
    fn finish(self, deadline: Instant) -> Vec<u8> {
        if let Some(done) = self.done {
            let _ = done.recv_timeout(deadline.saturating_duration_since(Instant::now()));
        }
        std::mem::take(&mut *self.bytes.lock().unwrap_or_else(|e| e.into_inner()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bash(script: &str) -> Command {
        let mut command = Command::new("bash");
        command.arg("-c").arg(script);
        command
    }

    #[test]
    fn output_and_status_are_collected() {
        let finished = run(bash("echo out; echo err >&2; exit 3"), Duration::from_secs(10), None).unwrap();
        assert_eq!(String::from_utf8_lossy(&finished.stdout), "out\n");
        assert_eq!(String::from_utf8_lossy(&finished.stderr), "err\n");
        assert_eq!(finished.ended, Ended::Exited(Some(3), false));
    }

    #[test]
    fn a_timeout_does_not_wait_for_a_daemon_that_keeps_the_pipes_open() {
        // The grandchild leaves the group (setsid) and keeps stdout open for a minute.
        let started = Instant::now();
        let finished = run(bash("setsid sleep 60 & echo started; sleep 60"), Duration::from_millis(300), None).unwrap();
        assert_eq!(finished.ended, Ended::TimedOut);
        assert!(String::from_utf8_lossy(&finished.stdout).contains("started"));
        assert!(started.elapsed() < Duration::from_secs(10), "took {:?}", started.elapsed());
    }

    #[test]
    fn cancel_is_honoured_within_the_grace_even_when_sigint_is_ignored() {
        let cancel = CancellationToken::new();
        let trigger = cancel.clone();
        let started = Instant::now();
        let runner =
            std::thread::spawn(move || run(bash("trap '' INT; echo ready; while true; do sleep 0.1; done"), Duration::from_secs(120), Some(&cancel)).unwrap());
        trigger.cancel();
        let finished = runner.join().unwrap();
        assert_eq!(finished.ended, Ended::Cancelled);
        assert!(started.elapsed() < Duration::from_secs(5), "took {:?}", started.elapsed());
    }

    #[test]
    fn background_processes_left_in_the_group_are_killed_at_the_end() {
        let marker = tempfile::tempdir().unwrap();
        let pid_file = marker.path().join("pid");
        let script = format!("sleep 60 & echo $! > '{}'; exit 0", pid_file.display());
        let finished = run(bash(&script), Duration::from_secs(10), None).unwrap();
        assert_eq!(finished.ended, Ended::Exited(Some(0), true));
        let pid: i32 = std::fs::read_to_string(&pid_file).unwrap().trim().parse().unwrap();
        let deadline = Instant::now() + Duration::from_secs(5);
        // Dead means gone or a zombie waiting for init to reap it.
        let alive = |pid: i32| {
            std::fs::read_to_string(format!("/proc/{pid}/stat"))
                .is_ok_and(|stat| stat.rsplit(')').next().is_some_and(|rest| !rest.trim_start().starts_with('Z')))
        };
        while alive(pid) {
            assert!(Instant::now() < deadline, "the background sleep {pid} survived");
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}
