//! `workspace/executeCommand`: the `weco.*` commands. Long work is spawned; the request answers at once.

use std::sync::Arc;

use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types::*;

use super::ui::say;
use crate::lsp::ext::{self, InstallPackageArgs, OptimizeArgs, ProfileTestsArgs, TaskTarget};
use crate::lsp::jobs::PendingResult;
use crate::lsp::session::Session;

fn parse<T: serde::de::DeserializeOwned + Default>(argument: LSPAny) -> Result<T> {
    if argument.is_null() {
        return Ok(T::default());
    }
    serde_json::from_value(argument).map_err(|e| Error::invalid_params(format!("bad command arguments: {e}")))
}

/// The pending result a command names, and the file of a multi-file result when the id is a
/// per-file review id (`<task>#<n>`, see `results::review_id`).
fn pending(session: &Session, target: &TaskTarget) -> Option<(PendingResult, Option<usize>)> {
    match &target.task_id {
        Some(id) => {
            let (task, file) = super::results::split_review_id(id);
            Some((session.jobs.result(task, &session.roots())?, file))
        }
        None => Some((session.jobs.latest_result()?, None)),
    }
}

pub async fn execute(session: &Arc<Session>, params: ExecuteCommandParams) -> Result<Option<LSPAny>> {
    let argument = params.arguments.into_iter().next().unwrap_or(LSPAny::Null);
    match params.command.as_str() {
        ext::CMD_OPTIMIZE => {
            let target: OptimizeArgs =
                serde_json::from_value(argument).map_err(|e| Error::invalid_params(format!("expected {{uri, function}} or {{uri, position}}: {e}")))?;
            tokio::spawn(super::optimize::start(session.clone(), target));
            Ok(None)
        }
        ext::CMD_CONSOLIDATE => {
            let target: OptimizeArgs =
                serde_json::from_value(argument).map_err(|e| Error::invalid_params(format!("expected {{uri, function}} or {{uri, position}}: {e}")))?;
            tokio::spawn(super::consolidate::start(session.clone(), target));
            Ok(None)
        }
        ext::CMD_CANCEL => {
            let target: TaskTarget = parse(argument)?;
            let count = session.jobs.cancel(target.task_id.as_deref());
            let text = if count == 0 {
                "weco: no optimization is running.".to_string()
            } else {
                format!("weco: stopping {count} optimization(s); the best result so far will be offered.")
            };
            say(session, MessageType::INFO, text).await;
            Ok(Some(serde_json::json!({"cancelled": count})))
        }
        ext::CMD_APPLY_RESULT | ext::CMD_SHOW_RESULT | ext::CMD_DISCARD_RESULT | ext::CMD_SHOW_REPORT => {
            let target: TaskTarget = parse(argument)?;
            let Some((result, file)) = pending(session, &target) else {
                say(session, MessageType::INFO, "weco: there is no optimization result waiting for a decision.").await;
                return Ok(None);
            };
            // Apply and discard answer after the edit went through, so editors can wait on the reply;
            // showing a result waits on the editor's review, so it runs on its own.
            match params.command.as_str() {
                ext::CMD_APPLY_RESULT => {
                    let hunks = super::results::restrict_to_file(&result, file, target.hunks);
                    super::results::apply(session, &result, hunks).await
                }
                ext::CMD_SHOW_RESULT => {
                    let session = session.clone();
                    tokio::spawn(async move { super::results::show(&session, &result).await });
                }
                ext::CMD_SHOW_REPORT => super::results::show_report(session, result.report_path.clone()).await,
                _ if file.is_some() => super::results::decline_file(session, result, file.unwrap_or_default()).await,
                _ => {
                    session.jobs.forget_result(&result.task_id);
                    say(
                        session,
                        MessageType::INFO,
                        format!(
                            "weco: discarded the result for `{}`: nothing more of it will be applied to your files. The report stays in {}.",
                            result.function,
                            result.report_path.display()
                        ),
                    )
                    .await;
                }
            }
            Ok(None)
        }
        ext::CMD_INSTALL_PACKAGE => {
            let args: InstallPackageArgs = serde_json::from_value(argument).map_err(|e| Error::invalid_params(format!("expected {{taskId, package}}: {e}")))?;
            tokio::spawn(super::run_problems::install(session.clone(), args.task_id, args.package));
            Ok(None)
        }
        ext::CMD_PROFILE_TESTS => {
            let args: ProfileTestsArgs = serde_json::from_value(argument).map_err(|e| Error::invalid_params(format!("expected {{uri}}: {e}")))?;
            tokio::spawn(super::profiles::profile_tests(session.clone(), args.uri));
            Ok(None)
        }
        other => Err(Error::invalid_params(format!("unknown command {other}"))),
    }
}
