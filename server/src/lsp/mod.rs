//! The language server: LSP transport, handlers and everything that knows LSP types.

pub mod handlers;
pub mod jobs;
pub mod documents;
pub mod ext;
pub mod position;
pub mod proto;
pub mod server;
pub mod session;

use tower_lsp_server::{LspService, Server};

/// Serves LSP over stdin/stdout until the client exits.
pub async fn run_stdio() {
    let (service, socket) = LspService::build(server::Backend::new)
        .custom_method("window/workDoneProgress/cancel", server::Backend::work_done_progress_cancel)
        .finish();
    Server::new(tokio::io::stdin(), tokio::io::stdout(), socket).serve(service).await;
}
