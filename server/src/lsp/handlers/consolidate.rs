//! `weco.consolidate`: writes the consolidated file, opens it, offers to optimize it. The run is
//! the ordinary pipeline on the consolidated file, with the piece table in the run's facts, so its
//! verified result comes back as ONE result covering every original file it changes.

use std::path::PathBuf;
use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::optimize::{capture, resolve_target, spawn_run};
use super::ui::{self, NOT_NOW, OPTIMIZE, say};
use crate::consolidate::{Consolidated, write_consolidated};
use crate::lsp::ext::OptimizeArgs;
use crate::lsp::session::Session;
use crate::optimize::consolidated::{self as consolidated_run, FileBase};
use crate::optimize::pipeline::consolidation_bases;
use crate::optimize::run::{ConsolidatedSource, Run};
use crate::optimize::source::{self, StartText};
use crate::task::Placement;

/// Entry point of the command: consolidation is quick (parsing only), the optimization is a job.
pub async fn start(session: Arc<Session>, args: OptimizeArgs) {
    let target = match resolve_target(&session, &args) {
        Ok(target) => target,
        Err(message) => return say(&session, MessageType::ERROR, message).await,
    };
    let (path, language, _) = match capture(&session, &target, "consolidation") {
        Ok(captured) => captured,
        Err((kind, message)) => return say(&session, kind, message).await,
    };
    let root = session.root_for(&path);
    let (for_root, for_path, function) = (root.clone(), path.clone(), target.function.clone());
    let written = tokio::task::spawn_blocking(move || -> Result<(PathBuf, Consolidated, Vec<FileBase>, String), String> {
        let file = write_consolidated(&for_root, &for_path, &function).map_err(|e| e.to_string())?;
        let table = consolidated_run::table_for(&file).ok_or_else(|| format!("the piece table next to {} could not be read back", file.display()))?;
        let bases = consolidation_bases(&table)?;
        let text = source::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        Ok((file, table, bases, text))
    })
    .await;
    let (file, table, bases, text) = match written {
        Ok(Ok(written)) => written,
        Ok(Err(e)) => return say(&session, MessageType::ERROR, format!("weco: could not consolidate `{}`: {e}", target.function)).await,
        Err(e) => return say(&session, MessageType::ERROR, format!("weco: consolidation stopped unexpectedly: {e}")).await,
    };
    if !ui::show_document(&session, &file).await {
        tracing::debug!("the editor did not open {}", file.display());
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
        question.push_str(&format!(
            " Alternative: these files fit weco's --sources limits (10 files, 200 KB each, 500 KB in all), so weco can also optimize them as they are: {alternative}"
        ));
    }
    if ui::ask(&session, question, &[OPTIMIZE, NOT_NOW]).await.as_deref() != Some(OPTIMIZE) {
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
    let settings = session.settings();
    let run = Run {
        function: target.function.clone(),
        language,
        file: path,
        source_path: file,
        start: StartText { text, version: None },
        consolidated: Some(ConsolidatedSource { table, bases, versions }),
        root,
        metric: settings.metric.into(),
        settings,
        placement: Placement::Isolated,
        cancel: Default::default(),
        resume: None,
    };
    spawn_run(session, target, run).await;
}
