//! Drives the REAL `weco` 0.4.0 client (found through `WECO_BIN`) against the fake Weco API in
//! `tests/fake_weco/server.py`, and checks the events, the outcome and that the source file is untouched.

mod support;

use std::path::Path;
use std::time::{Duration, Instant};

use support::*;
use weco_lsp::engine::weco::{PreflightEnv, WecoPreflightError, preflight_in};
use weco_lsp::engine::{OptimizerEvent, RunOutcome};

#[tokio::test(flavor = "multi_thread")]
async fn full_run_reports_metrics_failures_and_best_and_leaves_source_untouched() {
    let fx = fixture();
    let server = FakeWeco::start("success");
    let log = fx.dir.join("run.log");
    let run = start(task(&fx.dir, 4), options(&server, &fx.home), log.clone());
    let (outcome, events) = run.finish().await;
    assert_eq!(outcome, RunOutcome::Completed, "{events:#?}");
    assert_source_untouched(&fx);

    let run_id = match &events[0] {
        OptimizerEvent::Started { run_id, backend: "weco", total_steps: 4 } => run_id.clone(),
        other => panic!("first event must be Started: {other:?}"),
    };
    let metrics: Vec<(u32, f64)> = events
        .iter()
        .filter_map(|e| match e {
            OptimizerEvent::Metric { step, value, .. } => Some((*step, *value)),
            _ => None,
        })
        .collect();
    assert_eq!(metrics, vec![(0, 1.0), (1, 2.5), (4, 1.5)], "fake tags in output/plans must not become metrics");
    let failed: Vec<(u32, String)> = events
        .iter()
        .filter_map(|e| match e {
            OptimizerEvent::StepFailed { step, error } => Some((*step, error.clone())),
            _ => None,
        })
        .collect();
    assert_eq!(failed.len(), 2, "{failed:?}");
    assert_eq!(failed[0], (2, "RuntimeError: candidate is broken".to_string()));
    assert_eq!(failed[1].0, 3);
    assert!(failed[1].1.contains("numpy_not_installed_pkg"), "{}", failed[1].1);
    assert!(events.iter().any(|e| matches!(e,
        OptimizerEvent::Candidate { step: 1, plan: Some(plan) } if plan.contains("[METRIC] Step 7: 123"))));
    assert!(events.iter().any(|e| matches!(e,
        OptimizerEvent::EvalOutput { step: 4, output }
            if output.contains("[EXECUTION OUTPUT END]\n[SUBMITTING]") && output.ends_with("speedup: 1.5\n"))));

    let (best, _) = finished(&events);
    let best = best.expect("a best result");
    assert_eq!((best.step, best.metric), (1, 2.5));
    assert!(best.code.contains("SPEEDUP = 2.5"));
    assert!(best.plan.as_deref().unwrap_or_default().starts_with("Cache the result."));

    let record = std::fs::read_to_string(fx.dir.join("weco-run.json")).unwrap();
    assert!(record.contains(&run_id));
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(log_text.contains("[EXECUTION OUTPUT START]") && log_text.contains("[COMPLETE]"));
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_asks_weco_run_stop_and_lets_the_current_eval_finish() {
    let fx = fixture();
    let server = FakeWeco::start("slow");
    let log = fx.dir.join("run.log");
    let mut run = start(task(&fx.dir, 3), options(&server, &fx.home), log.clone());
    run.wait_for("step 1", |e| matches!(e, OptimizerEvent::StepStarted { step: 1 })).await;
    wait_for_file(&fx.dir.join("slow-eval.pgid")).await;
    run.cancel.cancel();
    wait_for_log(&log, "[weco run stop]").await;
    std::fs::write(fx.dir.join("release-eval"), "").unwrap();
    let (outcome, events) = run.finish().await;
    assert_eq!(outcome, RunOutcome::Cancelled, "{events:#?}");
    assert_source_untouched(&fx);
    let (best, message) = finished(&events);
    assert!(message.contains("weco resume"), "{message}");
    assert_eq!(best.map(|b| b.step), Some(1), "the slow candidate (3.0) finished and is the best");
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(log_text.contains("[STOPPED]"), "weco stopped on its own: {log_text}");
    assert!(!log_text.contains("SIGINT"), "no signal was needed: {log_text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn cancel_escalates_to_sigint_which_interrupts_the_eval_and_restores_the_source() {
    let fx = fixture();
    let server = FakeWeco::start("slow");
    let log = fx.dir.join("run.log");
    let mut opts = options(&server, &fx.home);
    opts.stop_grace = Duration::from_millis(500);
    let mut run = start(task(&fx.dir, 3), opts, log.clone());
    run.wait_for("step 1", |e| matches!(e, OptimizerEvent::StepStarted { step: 1 })).await;
    wait_for_file(&fx.dir.join("slow-eval.pgid")).await;
    assert_ne!(std::fs::read(fx.dir.join("optimize.py")).unwrap(), fx.original, "the candidate is swapped in during its eval");
    let cancelled_at = Instant::now();
    run.cancel.cancel();
    let (outcome, events) = run.finish().await;
    assert_eq!(outcome, RunOutcome::Cancelled, "{events:#?}");
    assert!(cancelled_at.elapsed() < Duration::from_secs(25), "the 30 s eval was interrupted");
    assert_source_untouched(&fx);
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert!(log_text.contains("SIGINT") && log_text.contains("[INTERRUPTED]"), "{log_text}");
    assert!(!events.iter().any(|e| matches!(e, OptimizerEvent::Message { text, .. } if text.contains("restored"))), "weco restored the file itself on SIGINT");
}

#[tokio::test(flavor = "multi_thread")]
async fn killed_client_leaves_candidate_code_which_the_runner_restores() {
    let fx = fixture();
    let server = FakeWeco::start("slow");
    let mut run = start(task(&fx.dir, 3), options(&server, &fx.home), fx.dir.join("run.log"));
    run.wait_for("step 1", |e| matches!(e, OptimizerEvent::StepStarted { step: 1 })).await;
    let pgid: i32 = wait_for_file(&fx.dir.join("slow-eval.pgid")).await.trim().parse().unwrap();
    // SAFETY: kill(2) only signals the process group of the weco child this test started.
    assert_eq!(unsafe { libc::kill(-pgid, libc::SIGKILL) }, 0);
    let (outcome, events) = run.finish().await;
    assert_eq!(outcome, RunOutcome::Failed);
    assert_source_untouched(&fx);
    let (_, message) = finished(&events);
    assert!(message.contains("restored"), "{message}");
    assert!(message.contains("killed"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn dropped_connection_fails_with_an_offline_hint_after_weco_gives_up() {
    let fx = fixture();
    let server = FakeWeco::start("drop_connection");
    let (outcome, events) = start(task(&fx.dir, 3), options(&server, &fx.home), fx.dir.join("run.log")).finish().await;
    assert_eq!(outcome, RunOutcome::Failed, "{events:#?}");
    assert_source_untouched(&fx);
    let (_, message) = finished(&events);
    assert!(message.contains("Could not reach the Weco service"), "{message}");
    assert!(message.contains("weco resume"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn out_of_credits_fails_with_top_up_hint_and_keeps_best_so_far() {
    let fx = fixture();
    let server = FakeWeco::start("out_of_credits");
    let (outcome, events) = start(task(&fx.dir, 5), options(&server, &fx.home), fx.dir.join("run.log")).finish().await;
    assert_eq!(outcome, RunOutcome::Failed, "{events:#?}");
    assert_source_untouched(&fx);
    let (best, message) = finished(&events);
    assert!(message.contains("weco credits topup"), "{message}");
    assert_eq!(best.map(|b| (b.step, b.metric)), Some((1, 2.5)));
}

#[tokio::test(flavor = "multi_thread")]
async fn hung_backend_is_detected_by_the_watchdog_and_stopped() {
    let fx = fixture();
    let server = FakeWeco::start("hang");
    let mut hung_task = task(&fx.dir, 3);
    hung_task.eval_timeout = Duration::from_secs(2);
    let mut opts = options(&server, &fx.home);
    opts.stop_grace = Duration::from_secs(2);
    let (outcome, events) = start(hung_task, opts, fx.dir.join("run.log")).finish().await;
    assert_eq!(outcome, RunOutcome::Failed, "{events:#?}");
    assert_source_untouched(&fx);
    let (_, message) = finished(&events);
    assert!(message.contains("printed nothing"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_key_fails_preflight_and_the_run_reports_not_logged_in() {
    let fx = fixture();
    let server = FakeWeco::start("success");
    let env = PreflightEnv { weco_setting: Some(weco_bin()), path: None, home: Some(fx.home.clone()), api_key_present: false };
    assert_eq!(preflight_in(&env, &fx.dir, Path::new("optimize.py")), Err(WecoPreflightError::NotLoggedIn));

    let mut opts = options(&server, &fx.home);
    opts.env.retain(|(k, _)| k != "WECO_API_KEY");
    opts.env_remove.push("WECO_API_KEY".into());
    let (outcome, events) = start(task(&fx.dir, 3), opts, fx.dir.join("run.log")).finish().await;
    assert_eq!(outcome, RunOutcome::Failed, "{events:#?}");
    assert_source_untouched(&fx);
    let (best, message) = finished(&events);
    assert!(message.contains("weco login"), "{message}");
    assert!(best.is_none());
    assert!(!fx.home.join(".config/weco/credentials.json").exists());
}
