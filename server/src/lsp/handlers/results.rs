//! Results awaiting the user's decision: apply (all or some hunks), review in the editor, discard, report.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::ui::say;
use crate::lsp::ext::{ResultHunk, ShowResult, ShowResultParams};
use crate::lsp::jobs::PendingResult;
use crate::lsp::position::range_of;
use crate::lsp::session::Session;
use crate::results::diff::{self, Rebased};
use crate::results::set::FileChange;

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
    file: FileChange,
    uri: Uri,
    now: String,
    version: Option<i32>,
    rope: ropey::Rope,
    target: String,
    selected: usize,
}

/// Applies the chosen hunks (all when `None`) through one `workspace/applyEdit` covering every
/// file of the result. When the user edited a file since the run started, the change is merged
/// with their edit, never over it; a conflict in any file applies nothing.
pub async fn apply(session: &Arc<Session>, result: &PendingResult, selected: Option<Vec<usize>>) {
    let files = &result.files;
    let mut plans: Vec<FilePlan> = Vec::new();
    let mut merged: Vec<String> = Vec::new();
    let mut conflicts: Vec<(String, usize)> = Vec::new();
    for file in files {
        let local: Vec<usize> = file.ids().into_iter().filter(|id| selected.as_ref().is_none_or(|s| s.contains(id))).collect();
        if local.is_empty() || file.applied {
            continue;
        }
        let target_from_original = file.apply(&local);
        let Some(uri) = Uri::from_file_path(&file.path) else { continue };
        let Some((now, version, rope)) = current(session, &uri, &file.path) else {
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
        plans.push(FilePlan { file: file.clone(), uri, now, version, rope, target, selected: local.len() });
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
    // Apply means apply: plain edits, never a refactor preview whose hunks all start unticked
    // (`needsConfirmation` annotations, VS Code #207578).
    let mut document_changes = Vec::new();
    for plan in &plans {
        let edits: Vec<OneOf<TextEdit, AnnotatedTextEdit>> = diff::hunks(&plan.now, &plan.target)
            .iter()
            .map(|h| OneOf::Left(TextEdit { range: range_of(&plan.rope, &h.old_range, encoding), new_text: h.new_text.clone() }))
            .collect();
        if !edits.is_empty() {
            document_changes
                .push(TextDocumentEdit { text_document: OptionalVersionedTextDocumentIdentifier { uri: plan.uri.clone(), version: plan.version }, edits });
        }
    }
    let edit = WorkspaceEdit { document_changes: Some(DocumentChanges::Edits(document_changes)), ..Default::default() };
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

/// Sends `weco/showResult` so the editor can show an inline diff with per-hunk accept/reject: one
/// request per changed file (all sharing the task id, hunk ids global across them), sent together.
/// The task id a review of file `index` carries: the task id itself for a single-file result, and
/// `<task>#<index>` for each file of a multi-file one, so that editors which keep one review per
/// task id keep one per file, and their answers name the file they are about.
pub fn review_id(result: &PendingResult, index: usize) -> String {
    if result.files.len() > 1 { format!("{}#{index}", result.task_id) } else { result.task_id.clone() }
}

/// `<task>#<n>` → (`<task>`, Some(n)); a plain task id → (id, None).
pub fn split_review_id(id: &str) -> (&str, Option<usize>) {
    match id.rsplit_once('#') {
        Some((task, n)) => match n.parse() {
            Ok(n) => (task, Some(n)),
            Err(_) => (id, None),
        },
        None => (id, None),
    }
}

/// The global hunk ids of file `index` of a result.
fn file_hunk_ids(result: &PendingResult, index: usize) -> Vec<usize> {
    result.files.get(index).map(FileChange::ids).unwrap_or_default()
}

/// An answer about one file of a result applies to that file only: all of its hunks when none are
/// named, else the named ones that are its own.
pub fn restrict_to_file(result: &PendingResult, file: Option<usize>, hunks: Option<Vec<usize>>) -> Option<Vec<usize>> {
    let Some(index) = file else { return hunks };
    let own = file_hunk_ids(result, index);
    Some(match hunks {
        None => own,
        Some(ids) => ids.into_iter().filter(|id| own.contains(id)).collect(),
    })
}

/// The user rejected file `index` of a multi-file result: it is done with, and the result is
/// forgotten once every file was applied or rejected.
pub async fn decline_file(session: &Arc<Session>, result: PendingResult, index: usize) {
    let mut rest = result;
    let name = rest.files.get(index).map(|f| f.path.display().to_string()).unwrap_or_default();
    if let Some(file) = rest.files.get_mut(index) {
        file.applied = true;
    }
    if rest.files.iter().all(|f| f.applied) {
        session.jobs.forget_result(&rest.task_id);
    } else {
        session.jobs.store_result(rest);
    }
    say(session, MessageType::INFO, format!("weco: discarded the changes to {name}; that file is unchanged.")).await;
}

/// Sends `weco/showResult` so the editor can show an inline diff with per-hunk accept/reject: one
/// request per changed file, sent together, each the stored result set's hunks as they are (only
/// byte ranges become LSP ranges, in the negotiated encoding).
pub async fn show(session: &Arc<Session>, result: &PendingResult) {
    let encoding = session.encoding();
    let mut requests = Vec::new();
    for (index, file) in result.files.iter().enumerate() {
        let Some(uri) = Uri::from_file_path(&file.path) else { continue };
        let rope = ropey::Rope::from_str(&file.original);
        let hunks = file
            .hunks
            .iter()
            .map(|h| ResultHunk {
                id: h.id,
                range: range_of(&rope, &h.old_range, encoding),
                old_start: h.old_start,
                old_lines: h.old_lines,
                new_start: h.new_start,
                new_lines: h.new_lines,
                old_text: h.old_text.clone(),
                new_text: h.new_text.clone(),
                label: h.label.clone(),
                lines: h.lines.clone(),
            })
            .collect();
        let params = ShowResultParams {
            task_id: review_id(result, index),
            uri,
            version: file.version,
            function: result.function.clone(),
            original: file.original.clone(),
            proposed: file.proposed.clone(),
            hunks,
            metric: result.metric.clone(),
            summary: result.summary.clone(),
            report_uri: Uri::from_file_path(&result.report_path),
        };
        let session = session.clone();
        requests.push(tokio::spawn(async move { session.client.send_request::<ShowResult>(params).await }));
    }
    for request in requests {
        if let Ok(Err(e)) = request.await {
            say(
                session,
                MessageType::WARNING,
                format!("weco: the editor could not show the diff ({e}); the optimized file is next to the report in {}.", result.harness_dir.display()),
            )
            .await;
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

#[cfg(test)]
mod tests {
    use super::*;

    fn two_file_result() -> PendingResult {
        let texts = |name: &str, original: &str, proposed: &str| crate::results::set::FileTexts {
            path: format!("/p/{name}").into(),
            version: None,
            original: original.into(),
            proposed: proposed.into(),
        };
        PendingResult {
            task_id: "g".into(),
            path: "/p/c.py".into(),
            function: "g".into(),
            // a.py: two hunks (ids 0, 1); b.py: one hunk (id 2).
            files: crate::results::set::ResultSet::compute(vec![texts("a.py", "1\nx\n2\nx\n", "1\ny\n2\ny\n"), texts("b.py", "b\n", "B\n")], None).files,
            metric: crate::lsp::ext::MetricSummary {
                name: "speedup".into(),
                goal: "max".into(),
                baseline: Some(1.0),
                best: Some(3.0),
                baseline_text: None,
                best_text: None,
            },
            summary: "3x".into(),
            report_path: "/p/.weco/g/report.md".into(),
            harness_dir: "/p/.weco/g".into(),
        }
    }

    #[test]
    fn each_file_of_a_multi_file_result_is_reviewed_under_its_own_id() {
        let result = two_file_result();
        assert_eq!((review_id(&result, 0).as_str(), review_id(&result, 1).as_str()), ("g#0", "g#1"));
        assert_eq!(split_review_id("g#1"), ("g", Some(1)));
        assert_eq!(split_review_id("g"), ("g", None));
        assert_eq!(split_review_id("odd#name"), ("odd#name", None));
        let mut single = two_file_result();
        single.files.truncate(1);
        assert_eq!(review_id(&single, 0), "g");
    }

    #[test]
    fn an_answer_about_one_file_only_touches_that_files_hunks() {
        let result = two_file_result();
        assert_eq!(restrict_to_file(&result, Some(0), None), Some(vec![0, 1]));
        assert_eq!(restrict_to_file(&result, Some(1), None), Some(vec![2]));
        assert_eq!(restrict_to_file(&result, Some(1), Some(vec![0, 2])), Some(vec![2]));
        assert_eq!(restrict_to_file(&result, None, Some(vec![0, 2])), Some(vec![0, 2]));
    }
}
