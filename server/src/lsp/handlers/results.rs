//! Results awaiting the user's decision: apply (all or some hunks), review in the editor, discard, report.

use std::collections::HashMap;
use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::optimize::say;
use crate::lsp::ext::{MetricSummary, ResultHunk, ShowResult, ShowResultParams};
use crate::lsp::jobs::PendingResult;
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
fn current(session: &Session, result: &PendingResult) -> Option<(String, Option<i32>, ropey::Rope)> {
    match session.snapshot(&result.uri) {
        Some(doc) => Some((doc.text.to_string(), Some(doc.version), doc.rope.clone())),
        None => {
            let text = std::fs::read_to_string(&result.path).ok()?;
            let rope = ropey::Rope::from_str(&text);
            Some((text, None, rope))
        }
    }
}

/// Applies the chosen hunks (all when `None`) through `workspace/applyEdit`. When the user edited
/// the file since the run started, the change is merged with their edit, never over it.
pub async fn apply(session: &Arc<Session>, result: &PendingResult, selected: Option<Vec<usize>>, confirm_each: bool) {
    let hunks = diff::hunks(&result.original, &result.proposed);
    let selected = selected.unwrap_or_else(|| hunks.iter().map(|h| h.id).collect());
    if selected.is_empty() {
        return say(session, MessageType::INFO, "weco: no hunk selected; nothing applied.").await;
    }
    let target_from_original = diff::apply(&result.original, &hunks, &selected);
    let Some((now, version, rope)) = current(session, result) else {
        return say(session, MessageType::ERROR, format!("weco: {} cannot be read; nothing applied.", result.path.display())).await;
    };
    let target = match diff::rebase(&result.original, &now, &target_from_original) {
        Rebased::Unchanged => target_from_original,
        Rebased::Merged(merged) => {
            say(session, MessageType::INFO, format!("weco: {} changed during the run; the optimization was merged with your edits.", result.path.display())).await;
            merged
        }
        Rebased::Conflict { conflicts } => {
            return say(
                session,
                MessageType::WARNING,
                format!("weco: you edited the same lines the optimization changes ({conflicts} conflicting region(s)); nothing was applied. Use Review diff to port the change by hand."),
            )
            .await;
        }
    };
    let edits_hunks = diff::hunks(&now, &target);
    let encoding = session.encoding();
    let support_annotations = session.support().change_annotations && confirm_each;
    let mut annotations = HashMap::new();
    let edits: Vec<OneOf<TextEdit, AnnotatedTextEdit>> = edits_hunks
        .iter()
        .map(|h| {
            let edit = TextEdit { range: range_of(&rope, &h.old_range, encoding), new_text: h.new_text.clone() };
            if support_annotations {
                let id = format!("weco-hunk-{}", h.id);
                annotations.insert(
                    id.clone(),
                    ChangeAnnotation { label: hunk_label(h, None), needs_confirmation: Some(true), description: Some(format!("weco: {}", result.summary)) },
                );
                OneOf::Right(AnnotatedTextEdit { text_edit: edit, annotation_id: id })
            } else {
                OneOf::Left(edit)
            }
        })
        .collect();
    let edit = WorkspaceEdit {
        document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
            text_document: OptionalVersionedTextDocumentIdentifier { uri: result.uri.clone(), version },
            edits,
        }])),
        change_annotations: (!annotations.is_empty()).then_some(annotations),
        ..Default::default()
    };
    match session.client.apply_edit(edit).await {
        Ok(response) if response.applied => {
            session.jobs.forget_result(&result.task_id);
            say(session, MessageType::INFO, format!("weco: applied {} change(s) to {}. Run your test suite to confirm.", selected.len(), result.path.display())).await;
        }
        Ok(response) => {
            let why = response.failure_reason.unwrap_or_else(|| "the editor declined the edit".into());
            say(session, MessageType::WARNING, format!("weco: nothing applied ({why}). The result is kept: Apply Result or Discard Result later.")).await;
        }
        Err(e) => say(session, MessageType::ERROR, format!("weco: the edit could not be sent: {e}")).await,
    }
}

/// Sends `weco/showResult` so the editor can show an inline diff with per-hunk accept/reject.
pub async fn show(session: &Arc<Session>, result: &PendingResult) {
    let rope = ropey::Rope::from_str(&result.original);
    let encoding = session.encoding();
    let hunks = diff::hunks(&result.original, &result.proposed)
        .into_iter()
        .map(|h| ResultHunk {
            id: h.id,
            range: range_of(&rope, &h.old_range, encoding),
            label: result.hunk_labels.get(h.id).cloned().unwrap_or_else(|| hunk_label(&h, None)),
            old_text: h.old_text,
            new_text: h.new_text,
        })
        .collect();
    let params = ShowResultParams {
        task_id: result.task_id.clone(),
        uri: result.uri.clone(),
        version: result.version,
        function: result.function.clone(),
        original: result.original.clone(),
        proposed: result.proposed.clone(),
        hunks,
        metric: MetricSummary { name: result.metric_name.clone(), goal: result.goal.clone(), baseline: result.baseline, best: result.best },
        summary: result.summary.clone(),
        report_uri: Uri::from_file_path(&result.report_path),
    };
    if let Err(e) = session.client.send_request::<ShowResult>(params).await {
        say(session, MessageType::WARNING, format!("weco: the editor could not show the diff ({e}); the optimized file is next to the report in {}.", result.harness_dir.display())).await;
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
