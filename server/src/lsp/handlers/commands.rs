//! `workspace/executeCommand`: the `weco.*` commands.

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use crate::lsp::ext::{self, FunctionTarget};
use crate::lsp::session::Session;

pub async fn execute(session: &Session, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
    let argument = params.arguments.into_iter().next().unwrap_or(LSPAny::Null);
    match params.command.as_str() {
        ext::CMD_OPTIMIZE | ext::CMD_CONSOLIDATE => {
            let target: FunctionTarget = serde_json::from_value(argument)
                .map_err(|e| Error::invalid_params(format!("expected {{uri, function}}: {e}")))?;
            session
                .client
                .show_message(
                    MessageType::INFO,
                    format!("weco: `{}` cannot run yet: optimization is not available in this build.", target.function),
                )
                .await;
            Ok(None)
        }
        other if ext::ALL_COMMANDS.contains(&other) => {
            session.client.show_message(MessageType::INFO, "weco: there is no optimization task to act on.").await;
            Ok(None)
        }
        other => Err(Error::invalid_params(format!("unknown command {other}"))),
    }
}
