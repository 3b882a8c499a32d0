//! Problems found in evaluation output (missing module, missing file, permission) become
//! diagnostics on the user's file, with an "Install <package>" action that asks before installing.

use std::sync::Arc;

use serde_json::json;
use tower_lsp_server::ls_types::*;

use super::ui::{ANSWER_CANCEL, INSTALL, Progress, ask, say};
use crate::engine::weco::EvalProblem;
use crate::lsp::jobs::RunningJob;
use crate::lsp::position::range_of;
use crate::lsp::session::Session;
use crate::task::PreparedTask;

pub const CODE_MISSING_MODULE: &str = "missing-module";
pub const CODE_MISSING_FILE: &str = "missing-file";
pub const CODE_PERMISSION: &str = "permission-denied";

/// Where a problem is shown: the import of the module when the file has one, else the function's name.
fn anchor(session: &Session, job: &RunningJob, needle: Option<&str>) -> Range {
    let Some(doc) = session.snapshot(&job.uri) else { return Range::default() };
    let encoding = session.encoding();
    if let Some(needle) = needle
        && let Some(offset) = doc.text.find(needle)
    {
        return range_of(&doc.rope, &(offset..offset + needle.len()), encoding);
    }
    doc.analysis.functions.iter().find(|f| f.qualified_name == job.function).map(|f| range_of(&doc.rope, &f.name_range, encoding)).unwrap_or_default()
}

pub async fn publish(session: &Arc<Session>, job: &RunningJob, task: &PreparedTask, problems: Vec<EvalProblem>) {
    let mut diagnostics = Vec::new();
    for problem in problems {
        let (range, code, message, data) = match &problem {
            EvalProblem::MissingModule { module, package, .. } => {
                let root_module = module.split('.').next().unwrap_or(module);
                let import = format!("import {root_module}");
                let from = format!("from {root_module}");
                let range = if session.snapshot(&job.uri).is_some_and(|d| d.text.contains(&import)) {
                    anchor(session, job, Some(&import))
                } else {
                    anchor(session, job, Some(&from))
                };
                (
                    range,
                    CODE_MISSING_MODULE,
                    format!(
                        "The evaluation of `{}` failed: Python module `{module}` is not installed in {} (ModuleNotFoundError). Use the quick fix to install `{package}`.",
                        job.function,
                        task.interpreter.path.display()
                    ),
                    json!({"taskId": task.name, "package": package}),
                )
            }
            EvalProblem::MissingFile { path, .. } => (
                anchor(session, job, None),
                CODE_MISSING_FILE,
                format!(
                    "The evaluation could not find `{path}` (FileNotFoundError). It runs from {}: use a path relative to the project root resolved in code, an absolute path, or copy the data there.",
                    task.harness_dir.display()
                ),
                json!({"taskId": task.name}),
            ),
            EvalProblem::Permission { path, .. } => (
                anchor(session, job, None),
                CODE_PERMISSION,
                format!("The evaluation was denied access to `{path}` (PermissionError): make it readable, or executable with `chmod +x` if it is a script."),
                json!({"taskId": task.name}),
            ),
        };
        diagnostics.push(Diagnostic {
            range,
            severity: Some(DiagnosticSeverity::WARNING),
            code: Some(NumberOrString::String(code.into())),
            source: Some("weco".into()),
            message,
            data: Some(data),
            ..Default::default()
        });
    }
    session.set_run_diagnostics(&job.uri, diagnostics);
    super::text_document::republish(session, &job.uri).await;
}

/// Code actions for run diagnostics in the request's context.
pub fn actions(context: &CodeActionContext) -> Vec<CodeActionOrCommand> {
    context
        .diagnostics
        .iter()
        .filter(|d| d.code == Some(NumberOrString::String(CODE_MISSING_MODULE.into())))
        .filter_map(|d| {
            let data = d.data.as_ref()?;
            let package = data["package"].as_str()?;
            Some(CodeActionOrCommand::CodeAction(CodeAction {
                title: format!("Install {package}"),
                kind: Some(CodeActionKind::QUICKFIX),
                diagnostics: Some(vec![d.clone()]),
                command: Some(Command::new(format!("Install {package}"), crate::lsp::ext::CMD_INSTALL_PACKAGE.into(), Some(vec![data.clone()]))),
                ..Default::default()
            }))
        })
        .collect()
}

/// `weco.installPackage {taskId, package}`: asks, then installs with the project's package manager
/// into the evaluation's interpreter, as a job: with progress, and cancellable (the installer is
/// killed).
pub async fn install(session: Arc<Session>, task_id: String, package: String) {
    let valid = !package.is_empty() && package.chars().all(|c| c.is_ascii_alphanumeric() || "-_.[]".contains(c));
    if !valid {
        return say(&session, MessageType::ERROR, format!("weco: `{package}` is not a package name I will install.")).await;
    }
    let roots: Vec<_> = session.layouts.read().map(|l| l.iter().map(|l| l.root.clone()).collect()).unwrap_or_default();
    let Some(root) = roots.iter().find(|r| crate::task::layout::weco_dir(r).join(&task_id).is_dir()).cloned() else {
        return say(&session, MessageType::ERROR, format!("weco: no task folder for {task_id}.")).await;
    };
    let interpreter = crate::task::interpreter::detect(&root);
    let command = interpreter.manager.install_command(&interpreter.path, &package);
    let question = format!("Install `{package}` by running `{}`?", command.join(" "));
    if ask(&session, question, &[INSTALL, ANSWER_CANCEL]).await.as_deref() != Some(INSTALL) {
        return;
    }
    let Some(uri) = Uri::from_file_path(crate::task::layout::weco_dir(&root).join(&task_id)) else { return };
    let guard = match session.jobs.start_guarded(&uri, &format!("install {package}")) {
        Ok(guard) => guard,
        Err(_) => return say(&session, MessageType::INFO, format!("weco: {package} is already being installed.")).await,
    };
    session.jobs.update(guard.job.job_id, |j| j.task_id = Some(task_id.clone()));
    let progress = Progress::begin(&session, &guard.job, format!("weco: installing {package}")).await;
    progress.report(&session, &command.join(" "), 0).await;
    let child = tokio::process::Command::new(&command[0])
        .args(&command[1..])
        .current_dir(&root)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .kill_on_drop(true)
        .process_group(0)
        .spawn();
    // The installer's whole group (pip's build backends included) goes on cancel and with the server.
    let _installer_group = child.as_ref().ok().and_then(|c| c.id()).and_then(crate::child::GroupGuard::adopt);
    let output = match child {
        Ok(child) => tokio::select! {
            output = child.wait_with_output() => output,
            _ = guard.job.cancel.cancelled() => {
                progress.end(&session, "cancelled").await;
                return say(&session, MessageType::INFO, format!("weco: installing {package} was cancelled.")).await;
            }
        },
        Err(e) => Err(e),
    };
    drop(guard);
    match output {
        Ok(o) if o.status.success() => {
            progress.end(&session, "installed").await;
            say(&session, MessageType::INFO, format!("weco: installed {package}. Run the optimization again.")).await
        }
        Ok(o) => {
            progress.end(&session, "failed").await;
            let stderr = crate::redact::scrub(&String::from_utf8_lossy(&o.stderr)).into_owned();
            let tail: String = stderr.lines().rev().take(5).collect::<Vec<_>>().join("\n");
            say(&session, MessageType::ERROR, format!("weco: installing {package} failed:\n{tail}")).await
        }
        Err(e) => {
            progress.end(&session, "failed").await;
            say(&session, MessageType::ERROR, format!("weco: could not run {}: {e}", command[0])).await
        }
    }
}
