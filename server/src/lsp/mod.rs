//! The language server: LSP transport, handlers and everything that knows LSP types.

pub mod documents;
pub mod ext;
pub mod handlers;
pub mod jobs;
pub mod position;
pub mod proto;
pub mod server;
pub mod session;
pub mod transport;

use tower_lsp_server::{LspService, Server};

/// Serves LSP over stdin/stdout until the client exits.
pub async fn run_stdio() {
    let (service, socket) = LspService::build(server::Backend::new)
        .custom_method("window/workDoneProgress/cancel", server::Backend::work_done_progress_cancel)
        .custom_method(transport::INVALID_REQUEST_METHOD, server::Backend::invalid_request)
        .finish();
    // Malformed input is filtered out before tower-lsp sees it (see `transport`).
    let (filtered_writer, filtered_reader) = tokio::io::duplex(1 << 20);
    tokio::spawn(transport::filter_frames(tokio::io::stdin(), filtered_writer));
    Server::new(filtered_reader, tokio::io::stdout(), socket).serve(service).await;
}
