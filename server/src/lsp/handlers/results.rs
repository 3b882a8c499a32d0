//! Results awaiting the user's decision: apply (all or some hunks), review in the editor, discard, report.

use std::collections::HashMap;
use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::optimize::say;
use crate::lsp::ext::{MetricSummary, ResultHunk, ShowResult, ShowResultParams};
use crate::lsp::jobs::{PendingResult, ResultFile};
use crate::lsp::position::range_of;
use crate::lsp::session::Session;
use crate::results::diff::{self, Hunk, Rebased};

/// A short description of a hunk for change annotations and review lists.
pub fn hunk_label(hunk: &Hunk, step: Option<u32>) -> String {
    let removed = hunk.old_text.lines().count();
    let added = hunk.new_text.lines().count();
    let first = hunk.new_text.lines().chain(hunk.old_text.lines()).map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    let first: String = first.chars().take(60).collect();
    let step = step.map(|s| format!(" (step {s})")).unwrap_or_default();
    format!("-{removed} +{added}: {first}{step}")
}

/// The document's current text and version: the editor's buffer when open, else the disk.
fn current(session: &Session, uri: &Uri, path: &std::path::Path) -> Option<(String, Option<i32>, ropey::Rope)> {
    match session.snapshot(uri) {
        Some(doc) => Some((doc.text.to_string(), Some(doc.version), doc.rope.clone())),
        None => {
            let text = std::fs::read_to_string(path).ok()?;
            let rope = ropey::Rope::from_str(&text);
            Some((text, None, rope))
        }
    }
}

/// One file's part of an apply: the text it has now and the text it should get.
struct FilePlan {
    file: ResultFile,
    now: String,
    version: Option<i32>,
    rope: ropey::Rope,
    target: String,
    selected: usize,
}

/// The hunk ids of each file: global ids run on from one file to the next (see [`PendingResult::result_files`]).
fn local_selection(files: &[ResultFile], selected: &Option<Vec<usize>>) -> Vec<(Vec<Hunk>, Vec<usize>)> {
    let mut offset = 0;
    files
        .iter()
        .map(|file| {
            let hunks = diff::hunks(&file.original, &file.proposed);
            let local: Vec<usize> = match selected {
                None => hunks.iter().map(|h| h.id).collect(),
                Some(ids) => ids.iter().filter(|id| (offset..offset + hunks.len()).contains(*id)).map(|id| id - offset).collect(),
            };
            offset += hunks.len();
            (hunks, local)
        })
        .collect()
}

/// Applies the chosen hunks (all when `None`) through one `workspace/applyEdit` covering every
/// file of the result. When the user edited a file since the run started, the change is merged
/// with their edit, never over it; a conflict in any file applies nothing.
pub async fn apply(session: &Arc<Session>, result: &PendingResult, selected: Option<Vec<usize>>, confirm_each: bool) {
    let files = result.result_files();
    let mut plans: Vec<FilePlan> = Vec::new();
    let mut merged: Vec<String> = Vec::new();
    let mut conflicts: Vec<(String, usize)> = Vec::new();
    for (file, (hunks, local)) in files.iter().zip(local_selection(&files, &selected)) {
        if local.is_empty() || file.applied {
            continue;
        }
        let target_from_original = diff::apply(&file.original, &hunks, &local);
        let Some((now, version, rope)) = current(session, &file.uri, &file.path) else {
            return say(session, MessageType::ERROR, format!("weco: {} cannot be read; nothing applied.", file.path.display())).await;
        };
        let target = match diff::rebase(&file.original, &now, &target_from_original) {
            Rebased::Unchanged => target_from_original,
            Rebased::Merged(text) => {
                merged.push(file.path.display().to_string());
                text
            }
            Rebased::Conflict { conflicts: count } => {
                conflicts.push((file.path.display().to_string(), count));
                continue;
            }
        };
        plans.push(FilePlan { file: file.clone(), now, version, rope, target, selected: local.len() });
    }
    if plans.is_empty() && conflicts.is_empty() {
        return say(session, MessageType::INFO, "weco: no hunk selected; nothing applied.").await;
    }
    if !conflicts.is_empty() {
        let count: usize = conflicts.iter().map(|(_, c)| c).sum();
        let where_: Vec<&str> = conflicts.iter().map(|(p, _)| p.as_str()).collect();
        let in_files = if files.len() > 1 { format!(" in {}", where_.join(", ")) } else { String::new() };
        return say(
            session,
            MessageType::WARNING,
            format!("weco: you edited the same lines the optimization changes ({count} conflicting region(s){in_files}); nothing was applied. Use Review diff to port the change by hand."),
        )
        .await;
    }
    for path in &merged {
        say(session, MessageType::INFO, format!("weco: {path} changed during the run; the optimization was merged with your edits.")).await;
    }
    let encoding = session.encoding();
    let support_annotations = session.support().change_annotations && confirm_each;
    let mut annotations = HashMap::new();
    let mut next_annotation = 0;
    let mut document_changes = Vec::new();
    for plan in &plans {
        let edits: Vec<OneOf<TextEdit, AnnotatedTextEdit>> = diff::hunks(&plan.now, &plan.target)
            .iter()
            .map(|h| {
                let edit = TextEdit { range: range_of(&plan.rope, &h.old_range, encoding), new_text: h.new_text.clone() };
                if support_annotations {
                    let id = format!("weco-hunk-{next_annotation}");
                    next_annotation += 1;
                    let label = if files.len() > 1 { format!("{}: {}", file_name(&plan.file.path), hunk_label(h, None)) } else { hunk_label(h, None) };
                    annotations.insert(id.clone(), ChangeAnnotation { label, needs_confirmation: Some(true), description: Some(format!("weco: {}", result.summary)) });
                    OneOf::Right(AnnotatedTextEdit { text_edit: edit, annotation_id: id })
                } else {
                    OneOf::Left(edit)
                }
            })
            .collect();
        if !edits.is_empty() {
            document_changes.push(TextDocumentEdit { text_document: OptionalVersionedTextDocumentIdentifier { uri: plan.file.uri.clone(), version: plan.version }, edits });
        }
    }
    let edit = WorkspaceEdit {
        document_changes: Some(DocumentChanges::Edits(document_changes)),
        change_annotations: (!annotations.is_empty()).then_some(annotations),
        ..Default::default()
    };
    let count: usize = plans.iter().map(|p| p.selected).sum();
    let paths: Vec<String> = plans.iter().map(|p| p.file.path.display().to_string()).collect();
    match session.client.apply_edit(edit).await {
        Ok(response) if response.applied => {
            // A multi-file result applied one document at a time stays until every file had its turn.
            let mut rest = result.clone();
            for file in rest.files.iter_mut() {
                file.applied |= plans.iter().any(|p| p.file.path == file.path);
            }
            if rest.files.iter().all(|f| f.applied) {
                session.jobs.forget_result(&result.task_id);
            } else {
                session.jobs.store_result(rest);
            }
            say(session, MessageType::INFO, format!("weco: applied {count} change(s) to {}. Run your test suite to confirm.", paths.join(", "))).await;
        }
        Ok(response) => {
            let why = response.failure_reason.unwrap_or_else(|| "the editor declined the edit".into());
            say(session, MessageType::WARNING, format!("weco: nothing applied ({why}). The result is kept: Apply Result or Discard Result later.")).await;
        }
        Err(e) => say(session, MessageType::ERROR, format!("weco: the edit could not be sent: {e}")).await,
    }
}

fn file_name(path: &std::path::Path) -> String {
    path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Sends `weco/showResult` so the editor can show an inline diff with per-hunk accept/reject: one
/// request per changed file (all sharing the task id, hunk ids global across them), sent together.
pub async fn show(session: &Arc<Session>, result: &PendingResult) {
    let encoding = session.encoding();
    let files = result.result_files();
    let mut offset = 0;
    let mut requests = Vec::new();
    for file in &files {
        let rope = ropey::Rope::from_str(&file.original);
        let file_hunks = diff::hunks(&file.original, &file.proposed);
        let count = file_hunks.len();
        let hunks = file_hunks
            .into_iter()
            .map(|h| ResultHunk {
                id: h.id + offset,
                range: range_of(&rope, &h.old_range, encoding),
                label: file.hunk_labels.get(h.id).cloned().unwrap_or_else(|| hunk_label(&h, None)),
                old_text: h.old_text,
                new_text: h.new_text,
            })
            .collect();
        offset += count;
        let params = ShowResultParams {
            task_id: result.task_id.clone(),
            uri: file.uri.clone(),
            version: file.version,
            function: result.function.clone(),
            original: file.original.clone(),
            proposed: file.proposed.clone(),
            hunks,
            metric: MetricSummary { name: result.metric_name.clone(), goal: result.goal.clone(), baseline: result.baseline, best: result.best },
            summary: result.summary.clone(),
            report_uri: Uri::from_file_path(&result.report_path),
        };
        let session = session.clone();
        requests.push(tokio::spawn(async move { session.client.send_request::<ShowResult>(params).await }));
    }
    for request in requests {
        if let Ok(Err(e)) = request.await {
            say(session, MessageType::WARNING, format!("weco: the editor could not show the diff ({e}); the optimized file is next to the report in {}.", result.harness_dir.display())).await;
            return;
        }
    }
}

pub async fn show_report(session: &Arc<Session>, report: std::path::PathBuf) {
    let Some(uri) = Uri::from_file_path(&report) else { return };
    if !report.exists() {
        return say(session, MessageType::WARNING, format!("weco: no report yet at {}.", report.display())).await;
    }
    let shown = session.client.show_document(ShowDocumentParams { uri, external: Some(false), take_focus: Some(true), selection: None }).await;
    if !matches!(shown, Ok(true)) {
        say(session, MessageType::INFO, format!("weco: the report is at {}.", report.display())).await;
    }
}
