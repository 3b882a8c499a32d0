//! `impl LanguageServer`: thin dispatch from LSP methods to handlers.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::Result;
use tower_lsp_server::ls_types::*;
use tower_lsp_server::{Client, LanguageServer};

use super::handlers;
use super::session::Session;

/// How long `shutdown` waits for cancelled jobs (weco's own stop takes up to about 20 s).
const SHUTDOWN_DEADLINE: std::time::Duration = std::time::Duration::from_secs(25);

pub struct Backend {
    session: Arc<Session>,
}

impl Backend {
    pub fn new(client: Client) -> Backend {
        Backend { session: Session::new(client) }
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: InitializeParams) -> Result<InitializeResult> {
        Ok(handlers::lifecycle::initialize(&self.session, params))
    }

    async fn initialized(&self, _: InitializedParams) {
        handlers::lifecycle::initialized(self.session.clone()).await;
    }

    /// Stops every job before answering: evaluations are killed, weco gets its SIGINT rung (so it
    /// restores an in-place file and tells the service). What is still running after the deadline
    /// is left to the reaper when the process exits (`child`).
    async fn shutdown(&self) -> Result<()> {
        let cancelled = self.session.jobs.cancel(None);
        if cancelled > 0 {
            tracing::info!("shutdown: stopping {cancelled} running job(s)");
            if !self.session.jobs.wait_until_idle(SHUTDOWN_DEADLINE).await {
                tracing::warn!("shutdown: jobs still running after {SHUTDOWN_DEADLINE:?}; their processes are killed on exit");
            }
        }
        Ok(())
    }

    async fn did_open(&self, params: DidOpenTextDocumentParams) {
        handlers::text_document::did_open(&self.session, params).await;
    }

    async fn did_change(&self, params: DidChangeTextDocumentParams) {
        handlers::text_document::did_change(&self.session, params).await;
    }

    async fn did_close(&self, params: DidCloseTextDocumentParams) {
        handlers::text_document::did_close(&self.session, params).await;
    }

    async fn did_change_watched_files(&self, params: DidChangeWatchedFilesParams) {
        handlers::text_document::did_change_watched_files(&self.session, params).await;
    }

    async fn did_change_configuration(&self, params: DidChangeConfigurationParams) {
        handlers::lifecycle::did_change_configuration(&self.session, params).await;
    }

    async fn code_lens(&self, params: CodeLensParams) -> Result<Option<Vec<CodeLens>>> {
        Ok(handlers::features::code_lens(&self.session, params))
    }

    async fn hover(&self, params: HoverParams) -> Result<Option<Hover>> {
        Ok(handlers::features::hover(&self.session, params))
    }

    async fn code_action(&self, params: CodeActionParams) -> Result<Option<CodeActionResponse>> {
        Ok(handlers::features::code_action(&self.session, params))
    }

    async fn execute_command(&self, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
        handlers::commands::execute(&self.session, params).await
    }
}

impl Backend {
    /// `window/workDoneProgress/cancel`: the editor's Cancel button on a run's progress.
    pub async fn work_done_progress_cancel(&self, params: WorkDoneProgressCancelParams) {
        if let ProgressToken::String(token) = params.token {
            self.session.jobs.cancel_progress(&token);
        }
    }

    /// A request the transport found malformed (see `transport`): answered with "invalid request".
    pub async fn invalid_request(&self, params: serde_json::Value) -> Result<()> {
        let reason = params.get("reason").and_then(|r| r.as_str()).unwrap_or("malformed request");
        Err(tower_lsp_server::jsonrpc::Error {
            code: tower_lsp_server::jsonrpc::ErrorCode::InvalidRequest,
            message: format!("invalid request: {reason}").into(),
            data: None,
        })
    }
}
