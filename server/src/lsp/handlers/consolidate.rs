//! `weco.consolidate`: writes the consolidated file, opens it, offers to optimize it; after the run,
//! maps the optimized file back and offers ONE result covering every original file it changes.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::optimize::{APPLY, JobSource, KEEP_SEPARATE, REVIEW, ask, describe_win, run_state, say, send_status, spawn_job};
use super::uri_path;
use crate::analysis::Language;
use crate::consolidate::{Consolidated, write_consolidated};
use crate::lsp::ext::FunctionTarget;
use crate::lsp::jobs::{PendingResult, ResultFile, RunningJob};
use crate::lsp::session::Session;
use crate::optimize::PipelineResult;
use crate::optimize::consolidated::{self as consolidated_run, FileBase};

pub const OPTIMIZE: &str = "Optimize";
pub const NOT_NOW: &str = "Not now";

/// A consolidated file being optimized, and what is needed to bring its result back.
pub struct ConsolidatedJob {
    /// `.weco/<function>_consolidated/consolidated.<ext>`.
    pub file: PathBuf,
    pub table: Consolidated,
    /// The original files' texts when consolidated (the pieces' ranges refer to them).
    pub bases: Vec<FileBase>,
    /// Their document versions then (`None` when not open).
    pub versions: HashMap<PathBuf, Option<i32>>,
}

/// Entry point of the command: consolidation is quick (parsing only), the optimization is a job.
pub async fn start(session: Arc<Session>, target: FunctionTarget) {
    let Some(path) = uri_path(&target.uri) else {
        return say(&session, MessageType::ERROR, format!("weco: {} is not a file on disk.", target.uri.as_str())).await;
    };
    let Some(language) = Language::from_path(&path) else {
        return say(&session, MessageType::ERROR, format!("weco: {} is not a Python or Rust file.", path.display())).await;
    };
    if let Some(doc) = session.snapshot(&target.uri)
        && std::fs::read_to_string(&path).ok().as_deref() != Some(&*doc.text)
    {
        return say(&session, MessageType::WARNING, format!("weco: save {} first; consolidation reads the files on disk.", path.display())).await;
    }
    let root = session.root_for(&path);
    let (for_root, for_path, function) = (root.clone(), path.clone(), target.function.clone());
    let written = tokio::task::spawn_blocking(move || -> Result<(PathBuf, Consolidated, Vec<FileBase>), String> {
        let file = write_consolidated(&for_root, &for_path, &function).map_err(|e| e.to_string())?;
        let table = consolidated_run::table_for(&file).ok_or_else(|| format!("the piece table next to {} could not be read back", file.display()))?;
        let bases = consolidated_run::snapshot(&table, &|p| std::fs::read_to_string(p).ok())?;
        Ok((file, table, bases))
    })
    .await;
    let (file, table, bases) = match written {
        Ok(Ok(written)) => written,
        Ok(Err(e)) => return say(&session, MessageType::ERROR, format!("weco: could not consolidate `{}`: {e}", target.function)).await,
        Err(e) => return say(&session, MessageType::ERROR, format!("weco: consolidation stopped unexpectedly: {e}")).await,
    };
    if let Some(uri) = Uri::from_file_path(&file) {
        let shown = session.client.show_document(ShowDocumentParams { uri, external: Some(false), take_focus: Some(true), selection: None }).await;
        if !matches!(shown, Ok(true)) {
            tracing::debug!("the editor did not open {}", file.display());
        }
    }
    let mut question = format!(
        "weco: consolidated `{}` into {}: {}. Optimize the consolidated file? The result is mapped back to the original files.",
        target.function,
        file.display(),
        consolidated_run::describe_pieces(&table)
    );
    if !table.notes.is_empty() {
        question.push_str(&format!(" Note: {}", table.notes.join(" ")));
    }
    if let Some(alternative) = consolidated_run::sources_alternative(&table, &root) {
        question.push_str(&format!(" Alternative: these files fit weco's --sources limits (10 files, 200 KB each, 500 KB in all), so weco can also optimize them as they are: {alternative}"));
    }
    if ask(&session, question, &[OPTIMIZE, NOT_NOW]).await.as_deref() != Some(OPTIMIZE) {
        return say(
            &session,
            MessageType::INFO,
            format!("weco: the consolidated file stays in {}; run Consolidate again to optimize it later.", file.display()),
        )
        .await;
    }
    let versions = bases
        .iter()
        .map(|base| {
            let version = Uri::from_file_path(&base.path).and_then(|uri| session.snapshot(&uri)).map(|doc| doc.version);
            (base.path.clone(), version)
        })
        .collect();
    let job = ConsolidatedJob { file, table, bases, versions };
    spawn_job(session, target, path, language, JobSource::Consolidated(Box::new(job))).await;
}

/// After the run: the verified improvement of the consolidated file, mapped back, offered as one result.
pub async fn offer_result(session: &Arc<Session>, job: &RunningJob, target: &FunctionTarget, result: PipelineResult, consolidated: ConsolidatedJob) {
    let best = result.summary.best_metric;
    let steps = result.summary.steps.len() as u32;
    send_status(session, job, &result.task.name, &result.task.metric, run_state(&result), steps, steps, best, &result.summary.outcome, "").await;
    let report_note = format!("The report is in {}.", result.report_path.display());
    let Some(proposed) = result.proposed_text.clone() else {
        let text = format!(
            "weco: no verified improvement for `{}` in the consolidated file ({}). Your files are unchanged. {report_note}",
            target.function, result.summary.outcome
        );
        return say(session, MessageType::INFO, text).await;
    };
    let root = session.root_for(&consolidated.file);
    let mapped = consolidated_run::map_result(&consolidated.table, &consolidated.bases, &proposed);
    if !mapped.unmapped.is_empty() {
        if let Err(e) = consolidated_run::append_port_by_hand(&result.report_path, &mapped.unmapped, &root) {
            tracing::warn!("could not add the changes to port by hand to {}: {e}", result.report_path.display());
        }
        let text = format!(
            "weco: {} change(s) of the optimized file could not be mapped back and are not applied; they are listed under \"To port by hand\" in {}:\n{}",
            mapped.unmapped.len(),
            result.report_path.display(),
            consolidated_run::describe_unmapped(&mapped.unmapped, &root)
        );
        say(session, MessageType::WARNING, text).await;
    }
    if mapped.files.is_empty() {
        return say(
            session,
            MessageType::INFO,
            format!("weco: the improvement of `{}` changes nothing that maps back to your files. {report_note}", target.function),
        )
        .await;
    }
    let files: Vec<ResultFile> = mapped
        .files
        .iter()
        .filter_map(|file| {
            let uri = Uri::from_file_path(&file.path)?;
            let labels =
                crate::results::diff::hunks(&file.original, &file.proposed).iter().map(|h| super::results::hunk_label(h, result.summary.best_step)).collect();
            Some(ResultFile {
                uri,
                path: file.path.clone(),
                version: consolidated.versions.get(&file.path).copied().flatten(),
                original: file.original.clone(),
                proposed: file.proposed.clone(),
                hunk_labels: labels,
                applied: false,
            })
        })
        .collect();
    let summary = describe_win(&result);
    let uri = Uri::from_file_path(&consolidated.file).unwrap_or_else(|| target.uri.clone());
    let pending = PendingResult {
        task_id: result.task.name.clone(),
        uri,
        path: consolidated.file.clone(),
        function: target.function.clone(),
        version: None,
        original: result.original_text.clone(),
        proposed,
        hunk_labels: Vec::new(),
        metric_name: result.task.metric.clone(),
        goal: result.task.goal.as_cli().into(),
        baseline: result.summary.baseline_metric,
        best,
        summary: summary.clone(),
        report_path: result.report_path.clone(),
        harness_dir: result.task.harness_dir.clone(),
        files,
    };
    session.jobs.store_result(pending.clone());
    let names: Vec<String> = pending.files.iter().map(|f| f.path.strip_prefix(&root).unwrap_or(&f.path).display().to_string()).collect();
    let question = format!("weco · `{}` (consolidated): {summary}. Apply the change to {}? {report_note}", target.function, names.join(", "));
    match ask(session, question, &[APPLY, REVIEW, KEEP_SEPARATE]).await.as_deref() {
        Some(APPLY) => super::results::apply(session, &pending, None, true).await,
        Some(REVIEW) => super::results::show(session, &pending).await,
        _ => {
            say(
                session,
                MessageType::INFO,
                format!(
                    "weco: kept separate. The optimized consolidated file is in {}; apply the mapped-back change later with Weco: Apply Result. {report_note}",
                    result.task.dir.join(&result.task.source_file).display()
                ),
            )
            .await;
        }
    }
}
