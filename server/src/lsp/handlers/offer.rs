//! The end of a run in the editor: the run's result set becomes a pending result (persisted), and
//! the user chooses Apply, Review diff or Keep separate. One path for single- and multi-file results.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::ui::{self, APPLY, KEEP_SEPARATE, REVIEW, Status, say};
use crate::lsp::ext::{MetricSummary, RunState};
use crate::lsp::jobs::{PendingResult, RunningJob};
use crate::lsp::session::Session;
use crate::optimize::RunResult;
use crate::results::metric::format_metric;

pub fn run_state(result: &RunResult) -> RunState {
    match result.outcome {
        crate::engine::RunOutcome::Completed => RunState::Finished,
        crate::engine::RunOutcome::Cancelled => RunState::Cancelled,
        crate::engine::RunOutcome::Failed => RunState::Failed,
    }
}

/// The metric of a result, with the server's formatting of each number.
pub fn metric_summary(result: &RunResult) -> MetricSummary {
    let metric = &result.task.metric;
    MetricSummary {
        name: metric.clone(),
        goal: result.task.goal.as_cli().into(),
        baseline: result.summary.baseline_metric,
        best: result.summary.best_metric,
        baseline_text: result.summary.baseline_metric.map(|v| format_metric(metric, v)),
        best_text: result.summary.best_metric.map(|v| format_metric(metric, v)),
    }
}

/// Tells the editor how the run ended, then offers its verified change, if any.
pub async fn offer(session: &Arc<Session>, job: &RunningJob, result: RunResult, consolidated: bool) {
    let steps = result.summary.steps.len() as u32;
    let status = Status {
        task_id: &result.task.name,
        metric: &result.task.metric,
        state: run_state(&result),
        step: steps,
        total: steps,
        best: result.summary.best_metric,
        message: &result.summary.outcome,
        backend: "",
    };
    ui::send_status(session, job, status).await;
    let root = session.root_for(&result.task.original_path);
    let report_note = format!("The report is in {}.", result.report_path.display());
    let function = &job.function;
    let where_ = if consolidated { " in the consolidated file" } else { "" };
    if result.proposed_text.is_none() {
        let text = if consolidated {
            format!("weco: no verified improvement for `{function}`{where_} ({}). Your files are unchanged. {report_note}", result.summary.outcome)
        } else {
            format!(
                "weco: no verified improvement for `{function}` ({}): {}. Your file is unchanged. {report_note}",
                result.summary.outcome,
                result.summary.why_no_win()
            )
        };
        return say(session, MessageType::INFO, text).await;
    }
    if !result.unmapped.is_empty() {
        let text = format!(
            "weco: {} change(s) of the optimized file could not be mapped back and are not applied; they are listed under \"To port by hand\" in {}:\n{}",
            result.unmapped.len(),
            result.report_path.display(),
            crate::optimize::consolidated::describe_unmapped(&result.unmapped, &root)
        );
        say(session, MessageType::WARNING, text).await;
    }
    if result.changes.is_empty() {
        return say(session, MessageType::INFO, format!("weco: the improvement of `{function}` changes nothing that maps back to your files. {report_note}"))
            .await;
    }
    let pending = PendingResult {
        task_id: result.task.name.clone(),
        function: function.clone(),
        path: result.task.original_path.clone(),
        files: result.changes.files.clone(),
        metric: metric_summary(&result),
        summary: result.win.clone(),
        report_path: result.report_path.clone(),
        harness_dir: result.task.harness_dir.clone(),
    };
    session.jobs.store_result(pending.clone());
    let question = if consolidated {
        let names: Vec<String> = pending.files.iter().map(|f| f.path.strip_prefix(&root).unwrap_or(&f.path).display().to_string()).collect();
        format!("weco · `{function}` (consolidated): {}. Apply the change to {}? {report_note}", result.win, names.join(", "))
    } else {
        format!("weco · `{function}`: {}. Apply the change to {}? {report_note}", result.win, result.task.original_path.display())
    };
    match ui::ask(session, question, &[APPLY, REVIEW, KEEP_SEPARATE]).await.as_deref() {
        Some(APPLY) => super::results::apply(session, &pending, None).await,
        Some(REVIEW) => super::results::show(session, &pending).await,
        _ => {
            let optimized = result.task.dir.join(&result.task.source_file);
            let text = if consolidated {
                format!(
                    "weco: kept separate. The optimized consolidated file is in {}; apply the mapped-back change later with Weco: Apply Result. {report_note}",
                    optimized.display()
                )
            } else {
                format!("weco: kept separate. The optimized code is in {}; apply it later with Weco: Apply Result. {report_note}", optimized.display())
            };
            say(session, MessageType::INFO, text).await;
        }
    }
}
