//! What every handler uses to talk to the user: questions with buttons, messages, work-done
//! progress, `weco/runStatus`, lens refreshes, and the button labels (tests answer by them).
//! Below every other handler module: it imports none of them.

use tower_lsp_server::ls_types::*;

use crate::lsp::ext::{RunState, RunStatus, RunStatusParams};
use crate::lsp::jobs::RunningJob;
use crate::lsp::session::Session;

pub const MODE_VIBE: &str = "Vibe Mode";
/// Marks the mode chosen last time, offered first.
pub const LAST_USED: &str = "(last used)";
pub const MODE_SCIENTIST: &str = "Assistant Scientist Mode";
pub const WORKSPACE_ISOLATED: &str = "Isolated directory (recommended)";
pub const WORKSPACE_IN_PLACE: &str = "In-place";
pub const CONFIRM_IN_PLACE: &str = "Yes, rewrite it in place";
pub const ANSWER_CANCEL: &str = "Cancel";
pub const APPLY: &str = "Apply";
pub const REUSE_EVAL: &str = "Reuse it";
pub const STILL_ACCURATE: &str = "Yes, still accurate";
pub const UPDATE_IT: &str = "Update it";
pub const NEW_EVAL: &str = "Generate a new one";
pub const REVIEW: &str = "Review diff";
pub const KEEP_SEPARATE: &str = "Keep separate";
pub const VALIDATE_FIRST: &str = "Validate first";
pub const SKIP: &str = "Skip";
pub const RUN: &str = "Run";
pub const USE_LOCAL: &str = "Use the local engine";
pub const STOP: &str = "Stop";
pub const KEEP_GOING: &str = "Keep going";
pub const INSTALL: &str = "Install";
pub const OPTIMIZE: &str = "Optimize";
pub const NOT_NOW: &str = "Not now";
pub const RESUME: &str = "Resume";

/// Asks a question with buttons; `None` when the user dismissed it or the client cannot ask.
pub async fn ask(session: &Session, message: String, choices: &[&str]) -> Option<String> {
    let actions = choices.iter().map(|c| MessageActionItem { title: c.to_string(), properties: Default::default() }).collect();
    match session.client.show_message_request(MessageType::INFO, message, Some(actions)).await {
        Ok(Some(item)) => Some(item.title),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!("showMessageRequest failed: {e}");
            None
        }
    }
}

pub async fn say(session: &Session, kind: MessageType, message: impl Into<String>) {
    session.client.show_message(kind, message.into()).await;
}

pub async fn refresh_lenses(session: &Session) {
    if session.support().code_lens_refresh {
        let _ = session.client.code_lens_refresh().await;
    }
}

/// Opens a file in the editor (a harness to fill in, a report, a consolidated file).
pub async fn show_document(session: &Session, path: &std::path::Path) -> bool {
    let Some(uri) = Uri::from_file_path(path) else { return false };
    let shown = session.client.show_document(ShowDocumentParams { uri, external: Some(false), take_focus: Some(true), selection: None }).await;
    matches!(shown, Ok(true))
}

/// Work-done progress of one job (nothing when the client does not support it).
pub struct Progress {
    token: Option<ProgressToken>,
}

impl Progress {
    pub async fn begin(session: &Session, job: &RunningJob, title: String) -> Progress {
        if !session.support().work_done_progress {
            return Progress { token: None };
        }
        let token = ProgressToken::String(job.progress_token.clone());
        if session.client.create_work_done_progress(token.clone()).await.is_err() {
            return Progress { token: None };
        }
        let begin = WorkDoneProgress::Begin(WorkDoneProgressBegin { title, cancellable: Some(true), message: Some("starting".into()), percentage: Some(0) });
        session.client.send_notification::<notification::Progress>(ProgressParams { token: token.clone(), value: ProgressParamsValue::WorkDone(begin) }).await;
        Progress { token: Some(token) }
    }

    pub async fn report(&self, session: &Session, message: &str, percentage: u32) {
        let Some(token) = &self.token else { return };
        let report =
            WorkDoneProgress::Report(WorkDoneProgressReport { cancellable: Some(true), message: Some(message.to_string()), percentage: Some(percentage) });
        session.client.send_notification::<notification::Progress>(ProgressParams { token: token.clone(), value: ProgressParamsValue::WorkDone(report) }).await;
    }

    pub async fn end(&self, session: &Session, message: &str) {
        let Some(token) = &self.token else { return };
        let end = WorkDoneProgress::End(WorkDoneProgressEnd { message: Some(message.to_string()) });
        session.client.send_notification::<notification::Progress>(ProgressParams { token: token.clone(), value: ProgressParamsValue::WorkDone(end) }).await;
    }
}

/// One `weco/runStatus` notification.
pub struct Status<'a> {
    pub task_id: &'a str,
    pub metric: &'a str,
    pub state: RunState,
    pub step: u32,
    pub total: u32,
    pub best: Option<f64>,
    pub message: &'a str,
    pub backend: &'a str,
}

pub async fn send_status(session: &Session, job: &RunningJob, status: Status<'_>) {
    let params = RunStatusParams {
        task_id: status.task_id.to_string(),
        uri: job.uri.clone(),
        function: job.function.clone(),
        state: status.state,
        step: status.step,
        total_steps: status.total,
        metric_name: status.metric.to_string(),
        best: status.best,
        best_text: status.best.map(|b| crate::results::metric::format_metric(status.metric, b)),
        backend: status.backend.to_string(),
        message: status.message.to_string(),
    };
    session.client.send_notification::<RunStatus>(params).await;
}
