//! The hang watchdog with the REAL weco 0.4.0 client: a long, silent candidate generation on the service
//! (after `[SUBMITTING]`) whose run `weco run status` shows `running` is not stopped; a run the service
//! lost (status `error`, the submit never answered) is.

mod support;

use std::time::Duration;

use support::*;
use weco_lsp::engine::RunOutcome;
use weco_lsp::engine::weco::WecoRunOptions;

/// Silence allowed: eval timeout 2 s + margin 4 s, with `weco run status` asked every second of silence.
fn watchdog(server: &FakeWeco, home: &std::path::Path) -> WecoRunOptions {
    let mut opts = options(server, home);
    opts.watchdog_after = Duration::from_secs(1);
    opts.hang_margin = Duration::from_secs(4);
    opts.stop_grace = Duration::from_secs(2);
    opts
}

#[tokio::test(flavor = "multi_thread")]
async fn a_long_silent_generation_with_a_running_status_is_not_stopped() {
    let fx = fixture();
    // The service takes 14 s to answer the baseline's submit: more than twice the silence allowed.
    let server = FakeWeco::start_with(&["--scenario", "success", "--candidate-delay", "14"]);
    let mut quick = task(&fx.dir, 1);
    quick.eval_timeout = Duration::from_secs(2);
    let log = fx.dir.join("run.log");
    let (outcome, events) = start(quick, watchdog(&server, &fx.home), log.clone()).finish().await;
    let log_text = std::fs::read_to_string(&log).unwrap();
    assert_eq!(outcome, RunOutcome::Completed, "{events:#?}\n{log_text}");
    assert_source_untouched(&fx);
    assert!(log_text.contains("watchdog: run status running") && log_text.contains("(alive)"), "the status was asked: {log_text}");
    assert!(!log_text.contains("printed nothing for too long"), "{log_text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn a_run_the_service_lost_is_stopped_after_the_silence_allowed() {
    let fx = fixture();
    let server = FakeWeco::start("hang");
    let mut quick = task(&fx.dir, 3);
    quick.eval_timeout = Duration::from_secs(2);
    let (outcome, events) = start(quick, watchdog(&server, &fx.home), fx.dir.join("run.log")).finish().await;
    assert_eq!(outcome, RunOutcome::Failed, "{events:#?}");
    assert_source_untouched(&fx);
    let (_, message) = finished(&events);
    assert!(message.contains("printed nothing") && message.contains("reports the run as `error`"), "{message}");
}
