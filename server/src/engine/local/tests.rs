//! End-to-end runs of the local engine on small task folders with a real bash + python3 harness.

use std::path::Path;
use std::time::Duration;

use tokio::sync::mpsc::UnboundedReceiver;

use super::*;
use crate::engine::Goal;

/// A minimal honest harness: equality against baseline.py on fixed inputs, then interleaved best-of timings.
const EVALUATE_PY: &str = r#"
import sys, time
import baseline, optimize, cases

reference = getattr(baseline, cases.FUNCTION)
candidate = getattr(optimize, cases.FUNCTION)
inputs = cases.inputs()
for args in inputs:
    if reference(*args) != candidate(*args):
        print(f"Constraint violated: result differs for input #{inputs.index(args)}")
        sys.exit(1)

def best_time(function):
    started = time.perf_counter()
    for args in inputs:
        function(*args)
    return time.perf_counter() - started

base_times, new_times = [], []
for _ in range(3):
    base_times.append(best_time(reference))
    new_times.append(best_time(candidate))
print(f"baseline: {min(base_times):.6f}s optimized: {min(new_times):.6f}s")
print(f"speedup: {min(base_times) / max(min(new_times), 1e-9):.3f}")
"#;

fn write(dir: &Path, name: &str, text: &str) {
    std::fs::write(dir.join(name), text).expect("write fixture");
}

/// A task folder with `optimize.py` == `baseline.py` == `source`, and the harness above.
fn python_task(source: &str, function: &str, inputs: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("tempdir");
    write(dir.path(), "optimize.py", source);
    write(dir.path(), "baseline.py", source);
    write(dir.path(), "cases.py", &format!("FUNCTION = {function:?}\n\ndef inputs():\n    return {inputs}\n"));
    write(dir.path(), "evaluate.py", EVALUATE_PY);
    write(dir.path(), "evaluate.sh", "#!/usr/bin/env bash\ncd \"$(dirname \"$0\")\"\nexec python3 evaluate.py\n");
    dir
}

fn task(dir: &Path, function: &str, steps: u32, timeout: Duration) -> EngineTask {
    EngineTask {
        dir: dir.to_path_buf(),
        source_file: "optimize.py".into(),
        eval_command: "bash evaluate.sh".into(),
        metric: "speedup".into(),
        goal: Goal::Maximize,
        steps,
        eval_timeout: timeout,
        additional_instructions: None,
        model: None,
        function: Some(function.into()),
        // These tests watch the engine's own process handling (pids, files the eval leaves);
        // the sandbox has its own tests.
        sandbox: crate::config::SandboxMode::Off,
    }
}

/// Collects events until `Finished`, failing the test after `deadline`.
async fn collect(mut events: UnboundedReceiver<OptimizerEvent>, deadline: Duration) -> Vec<OptimizerEvent> {
    let mut seen = Vec::new();
    let waited = tokio::time::timeout(deadline, async {
        while let Some(event) = events.recv().await {
            let done = matches!(event, OptimizerEvent::Finished { .. });
            seen.push(event);
            if done {
                return;
            }
        }
    })
    .await;
    assert!(waited.is_ok(), "no Finished within {deadline:?}; events: {seen:#?}");
    seen
}

async fn run_rules(task: EngineTask) -> (RunOutcome, Vec<OptimizerEvent>) {
    let (sender, receiver) = tokio::sync::mpsc::unbounded_channel();
    let run = tokio::spawn(run_local(task, ProposerKind::Rules, sender, CancellationToken::new()));
    let events = collect(receiver, Duration::from_secs(240)).await;
    (run.await.expect("run_local"), events)
}

fn finished(events: &[OptimizerEvent]) -> (RunOutcome, Option<BestResult>, Option<String>) {
    match events.last() {
        Some(OptimizerEvent::Finished { outcome, best, message }) => (*outcome, best.clone(), message.clone()),
        other => panic!("last event must be Finished, got {other:?}"),
    }
}

const COMMON: &str = "def common(a, b):\n    out = []\n    for x in a:\n        if x in b:\n            out.append(x)\n    return out\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_find_a_verified_speedup_for_list_membership_and_keep_weco_layout() {
    let dir = python_task(COMMON, "common", "[(list(range(2000)), list(range(0, 4000, 2)))]");
    let (outcome, events) = run_rules(task(dir.path(), "common", 6, Duration::from_secs(120))).await;
    assert_eq!(outcome, RunOutcome::Completed);
    assert!(matches!(events.first(), Some(OptimizerEvent::Started { backend: "local", total_steps: 6, .. })));
    assert!(events.contains(&OptimizerEvent::StepStarted { step: 0 }));
    let (_, best, message) = finished(&events);
    let best = best.unwrap_or_else(|| panic!("an improvement must be confirmed: {message:?}"));
    assert!(best.metric > 1.5, "speedup {} ({message:?})", best.metric);
    assert!(best.code.contains("set(b)"), "{}", best.code);

    let OptimizerEvent::Started { run_id, .. } = &events[0] else { unreachable!() };
    let run = dir.path().join(".runs").join(run_id);
    for file in [
        "steps/0/files/optimize.py",
        "steps/0/manifest.json",
        "steps/1/files/optimize.py",
        "outputs/step_0.out.txt",
        "outputs/step_1.out.txt",
        "exec_output.jsonl",
        "nodes.json",
        "run.json",
        "best/files/optimize.py",
        "best/manifest.json",
    ] {
        assert!(run.join(file).is_file(), "{file} missing under {}", run.display());
    }
    assert!(!run.join("work").join("step_1").exists(), "scratch copies are cleaned up");
    let nodes: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(run.join("nodes.json")).expect("nodes")).expect("json");
    assert_eq!(nodes[0]["id"], 0);
    assert_eq!(nodes[best.step as usize]["status"], "evaluated");
    assert_eq!(std::fs::read_to_string(dir.path().join("optimize.py")).expect("source"), COMMON, "the task's source is untouched");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rules_memoize_uncached_recursion() {
    let fib = "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n";
    let dir = python_task(fib, "fib", "[(22,), (23,)]");
    let (outcome, events) = run_rules(task(dir.path(), "fib", 3, Duration::from_secs(120))).await;
    assert_eq!(outcome, RunOutcome::Completed);
    let (_, best, message) = finished(&events);
    let best = best.unwrap_or_else(|| panic!("memoization must win: {message:?}"));
    assert!(best.code.contains("@functools.lru_cache(maxsize=None)"), "{}", best.code);
    assert!(best.metric > 1.5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hanging_evaluation_is_killed_at_the_timeout() {
    let dir = tempfile::tempdir().expect("tempdir");
    let pid_file = dir.path().join("sleeper.pid");
    write(dir.path(), "optimize.py", "def f():\n    return 1\n");
    write(dir.path(), "evaluate.sh", &format!("sleep 300 &\necho $! > {}\nwait\necho 'speedup: 9'\n", pid_file.display()));
    let started = std::time::Instant::now();
    let (outcome, events) = run_rules(task(dir.path(), "f", 2, Duration::from_secs(1))).await;
    assert_eq!(outcome, RunOutcome::Failed);
    assert!(started.elapsed() < Duration::from_secs(30), "took {:?}", started.elapsed());
    assert!(events.contains(&OptimizerEvent::StepFailed { step: 0, error: "Evaluation timed out after 1 seconds.".into() }));
    let pid: i32 = std::fs::read_to_string(&pid_file).expect("pid").trim().parse().expect("pid number");
    let deadline = std::time::Instant::now() + Duration::from_secs(10);
    // SAFETY: signal 0 only probes whether the process exists.
    while unsafe { libc::kill(pid, 0) } == 0 {
        assert!(std::time::Instant::now() < deadline, "the eval's background sleep {pid} survived");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Baseline prints 1.0; any candidate hangs (`cancel`) or scores 2.0 then 0.9 (`flaky`).
fn scripted_task(candidate_behaviour: &str) -> tempfile::TempDir {
    let dir = python_task(COMMON, "common", "[]");
    let counter = dir.path().join("count.txt");
    let candidate = match candidate_behaviour {
        "hang" => "sleep 300".to_string(),
        _ => format!(
            "n=$(cat {c} 2>/dev/null || echo 0); n=$((n+1)); echo $n > {c}; if [ $n -eq 1 ]; then echo 'speedup: 2.0'; else echo 'speedup: 0.9'; fi",
            c = counter.display()
        ),
    };
    write(dir.path(), "evaluate.sh", &format!("if cmp -s optimize.py baseline.py; then echo 'speedup: 1.0'; else {candidate}; fi\n"));
    dir
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cancelling_mid_run_finishes_cancelled_promptly() {
    let dir = scripted_task("hang");
    let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
    let cancel = CancellationToken::new();
    let run = tokio::spawn(run_local(task(dir.path(), "common", 5, Duration::from_secs(300)), ProposerKind::Rules, sender, cancel.clone()));
    let mut seen = Vec::new();
    let waited = tokio::time::timeout(Duration::from_secs(60), async {
        while let Some(event) = receiver.recv().await {
            if event == (OptimizerEvent::StepStarted { step: 1 }) {
                cancel.cancel();
            }
            let done = matches!(event, OptimizerEvent::Finished { .. });
            seen.push(event);
            if done {
                return;
            }
        }
    })
    .await;
    assert!(waited.is_ok(), "cancel did not finish the run: {seen:#?}");
    assert_eq!(run.await.expect("run"), RunOutcome::Cancelled);
    let (outcome, best, _) = finished(&seen);
    assert_eq!(outcome, RunOutcome::Cancelled);
    assert_eq!(best, None, "nothing beat the baseline before the cancel");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_win_that_does_not_survive_the_re_measure_is_not_offered() {
    let dir = scripted_task("flaky");
    let (outcome, events) = run_rules(task(dir.path(), "common", 5, Duration::from_secs(60))).await;
    assert_eq!(outcome, RunOutcome::Completed);
    assert!(events.iter().any(|e| matches!(e, OptimizerEvent::Metric { step: 1, value, .. } if *value == 2.0)));
    let (_, best, message) = finished(&events);
    assert_eq!(best, None);
    assert!(message.as_deref().is_some_and(|m| m.contains("no improvement")), "{message:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_source_file_fails_with_a_finished_event() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (outcome, events) = run_rules(task(dir.path(), "f", 1, Duration::from_secs(5))).await;
    assert_eq!(outcome, RunOutcome::Failed);
    let (_, best, message) = finished(&events);
    assert_eq!(best, None);
    assert!(message.is_some_and(|m| m.contains("optimize.py")));
}
