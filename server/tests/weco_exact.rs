//! weco 0.4.0, driven exactly: the REAL client against the fake API answering like a stricter service.
//! An eval step that raises or is interrupted after its plan, runs refused at creation (credits, login,
//! validation), submits the service did not score, and `-i` text that looks like an option or a file.

mod support;

use support::*;
use weco_lsp::engine::{OptimizerEvent, RunOutcome};

fn failed_steps(events: &[OptimizerEvent]) -> Vec<(u32, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            OptimizerEvent::StepFailed { step, error } => Some((*step, error.clone())),
            _ => None,
        })
        .collect()
}

fn not_scored(events: &[OptimizerEvent]) -> Vec<(u32, String)> {
    events
        .iter()
        .filter_map(|e| match e {
            OptimizerEvent::StepNotScored { step, reason } => Some((*step, reason.clone())),
            _ => None,
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn an_eval_step_that_raises_after_its_plan_is_reported_with_weco_s_error() {
    let fx = fixture();
    let server = FakeWeco::start("not_utf8");
    let (outcome, events) = start(task(&fx.dir, 3), options(&server, &fx.home), fx.dir.join("run.log")).finish().await;
    assert_eq!(outcome, RunOutcome::Failed, "{events:#?}");
    assert_source_untouched(&fx);
    assert!(events.iter().any(|e| matches!(e, OptimizerEvent::Candidate { step: 1, plan: Some(p) } if p == "Print raw bytes")), "{events:#?}");
    let failed = failed_steps(&events);
    assert_eq!(failed.len(), 1, "{failed:?}");
    assert_eq!(failed[0].0, 1);
    assert!(failed[0].1.starts_with("weco could not run the evaluation: 'utf-8' codec can't decode"), "{failed:?}");
    let (_, message) = finished(&events);
    assert!(message.contains("could not run the evaluation of step 1"), "{message}");
    assert!(message.contains("not UTF-8") && message.contains("weco resume"), "{message}");
    assert!(!message.contains("exited with code"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_interrupt_from_outside_during_an_eval_after_its_plan_is_reported_as_a_stop() {
    let fx = fixture();
    let server = FakeWeco::start("slow");
    let mut run = start(task(&fx.dir, 3), options(&server, &fx.home), fx.dir.join("run.log"));
    run.wait_for("step 1", |e| matches!(e, OptimizerEvent::StepStarted { step: 1 })).await;
    let pgid: i32 = wait_for_file(&fx.dir.join("slow-eval.pgid")).await.trim().parse().unwrap();
    // SAFETY: kill(2) only signals the process group of the weco child this test started (Ctrl+C in a terminal).
    assert_eq!(unsafe { libc::kill(-pgid, libc::SIGINT) }, 0);
    let (outcome, events) = run.finish().await;
    assert_eq!(outcome, RunOutcome::Cancelled, "{events:#?}");
    assert_source_untouched(&fx);
    assert!(events.iter().any(|e| matches!(e, OptimizerEvent::Candidate { step: 1, plan: Some(p) } if p == "Sleep first")), "{events:#?}");
    let (_, message) = finished(&events);
    assert!(message.contains("stopped outside the editor") && message.contains("weco resume"), "{message}");
}

async fn refused_run(create_error: &str) -> String {
    let fx = fixture();
    let server = FakeWeco::start_with(&["--scenario", "success", "--create-error", create_error]);
    let (outcome, events) = start(task(&fx.dir, 3), options(&server, &fx.home), fx.dir.join("run.log")).finish().await;
    assert_eq!(outcome, RunOutcome::Failed, "{events:#?}");
    assert_source_untouched(&fx);
    assert!(!events.iter().any(|e| matches!(e, OptimizerEvent::Started { .. })), "{events:#?}");
    let (best, message) = finished(&events);
    assert!(best.is_none());
    assert!(!message.contains("exited with code"), "{message}");
    assert!(!message.contains("test-key"), "{message}");
    message
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_refused_for_credits_at_creation_says_so_and_how_to_top_up() {
    let message = refused_run("402").await;
    assert!(message.starts_with("Your Weco credits are used up"), "{message}");
    assert!(message.contains("https://dashboard.weco.ai") && message.contains("weco credits topup"), "{message}");
    assert!(message.contains("Insufficient credits to start this run"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_refused_for_a_revoked_key_asks_for_weco_login() {
    let message = refused_run("401").await;
    assert!(message.starts_with("Your Weco login is no longer valid"), "{message}");
    assert!(message.contains("`weco login`") && message.contains("Invalid API key"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_refused_for_another_reason_quotes_weco() {
    let message = refused_run("422").await;
    assert!(message.starts_with("Weco refused to start the run"), "{message}");
    assert!(message.contains("metric_name must not be empty"), "{message}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_submit_answered_with_a_server_error_is_not_scored_and_the_candidate_is_scored_after_reconnecting() {
    let fx = fixture();
    // Submit 2 is the first candidate's (speedup 2.5): the service fails it; weco reconnects and resumes.
    let server = FakeWeco::start_with(&["--scenario", "success", "--submit-error", "503@2"]);
    let (outcome, events) = start(task(&fx.dir, 2), options(&server, &fx.home), fx.dir.join("run.log")).finish().await;
    assert_eq!(outcome, RunOutcome::Completed, "{events:#?}");
    assert_source_untouched(&fx);
    assert_eq!(not_scored(&events), vec![(1, "Candidate generation failed; please retry.".to_string())], "{events:#?}");
    assert!(!failed_steps(&events).iter().any(|(step, _)| *step == 1), "the unscored step is no failure: {events:#?}");
    assert!(events.iter().any(|e| matches!(e, OptimizerEvent::Metric { step: 1, value, .. } if *value == 2.5)), "re-queued and scored: {events:#?}");
    let (best, _) = finished(&events);
    assert_eq!(best.map(|b| (b.step, b.metric)), Some((1, 2.5)));
}

#[tokio::test(flavor = "multi_thread")]
async fn a_submit_refused_with_409_or_402_is_not_scored_and_the_end_says_why() {
    for (code, expected) in [("409", "Weco refused the request"), ("402", "Your Weco credits are used up")] {
        let fx = fixture();
        let server = FakeWeco::start_with(&["--scenario", "success", "--submit-error", &format!("{code}@2")]);
        let (outcome, events) = start(task(&fx.dir, 3), options(&server, &fx.home), fx.dir.join("run.log")).finish().await;
        assert_eq!(outcome, RunOutcome::Failed, "{code}: {events:#?}");
        assert_source_untouched(&fx);
        assert_eq!(not_scored(&events).iter().map(|(s, _)| *s).collect::<Vec<_>>(), vec![1], "{code}: {events:#?}");
        assert!(failed_steps(&events).is_empty(), "{code}: {events:#?}");
        let (_, message) = finished(&events);
        assert!(message.starts_with(expected), "{code}: {message}");
        assert!(message.contains("weco resume"), "{code}: {message}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_step_the_service_did_not_score_does_not_count_toward_the_repeated_failure_warning() {
    let fx = fixture();
    // Every candidate fails the same way; the second candidate's submit gets a 503 and is evaluated again.
    let server = FakeWeco::start_with(&["--scenario", "repeat_failure", "--submit-error", "503@3"]);
    let (_, events) = start(task(&fx.dir, 4), options(&server, &fx.home), fx.dir.join("run.log")).finish().await;
    assert_eq!(not_scored(&events).iter().map(|(s, _)| *s).collect::<Vec<_>>(), vec![2], "{events:#?}");
    let warned = events
        .iter()
        .position(|e| matches!(e, OptimizerEvent::Message { text, .. } if text.starts_with("The last 3 steps failed the same way")))
        .expect("the repeated-failure warning");
    let mut steps: Vec<u32> = failed_steps(&events[..warned]).iter().map(|(s, _)| *s).collect();
    steps.dedup();
    assert_eq!(steps, vec![1, 2, 3], "three evaluated failures, not two and an unscored submit: {events:#?}");
}

#[tokio::test(flavor = "multi_thread")]
async fn instructions_that_look_like_an_option_or_a_file_name_reach_weco_as_text() {
    for text in ["-O3 is fine; keep the public API", "evaluate.sh"] {
        let fx = fixture();
        let requests = fx.dir.parent().unwrap().join("requests.jsonl");
        let server = FakeWeco::start_with(&["--scenario", "success", "--requests-log", requests.to_str().unwrap()]);
        let mut with_text = task(&fx.dir, 1);
        with_text.additional_instructions = Some(text.to_string());
        let (outcome, events) = start(with_text, options(&server, &fx.home), fx.dir.join("run.log")).finish().await;
        assert_eq!(outcome, RunOutcome::Completed, "{text}: {events:#?}");
        let created: serde_json::Value = std::fs::read_to_string(&requests)
            .unwrap()
            .lines()
            .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap())
            .find(|r| r["path"] == "/runs/")
            .expect("the run was created");
        assert_eq!(created["body"]["additional_instructions"], text, "{created}");
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_result_refused_after_a_stop_is_not_scored_and_the_run_ends_as_stopped() {
    let fx = fixture();
    // `weco run stop` leaves the run `stopping`; the service then refuses the eval still in flight.
    let server = FakeWeco::start_with(&["--scenario", "slow", "--stop-status", "stopping", "--refuse-submit-after-stop"]);
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
    let refused = not_scored(&events);
    assert_eq!(refused.len(), 1, "{events:#?}");
    assert_eq!(refused[0].0, 1);
    assert!(refused[0].1.contains("stopping; results are no longer accepted"), "{refused:?}");
    assert!(failed_steps(&events).is_empty(), "the refused result is no failure: {events:#?}");
    let (best, message) = finished(&events);
    assert!(best.is_none(), "only the baseline was scored: {best:?}");
    assert!(message.starts_with("Stopped.") && message.contains("weco resume"), "{message}");
}
