//! `initialize`, `initialized` (workspace indexing, file watching) and configuration changes.

use std::sync::Arc;
use std::time::Instant;

use tower_lsp_server::ls_types::*;

use super::uri_path;
use crate::config::Settings;
use crate::lsp::ext::ALL_COMMANDS;
use crate::lsp::position::PositionEncoding;
use crate::lsp::session::{ClientSupport, Session};
use crate::workspace::{self, ProjectLayout};

pub fn initialize(session: &Session, params: InitializeParams) -> InitializeResult {
    let caps = &params.capabilities;
    let offered = caps.general.as_ref().and_then(|g| g.position_encodings.as_deref());
    let encoding = PositionEncoding::negotiate(offered);
    let _ = session.encoding.set(encoding);
    let workspace = caps.workspace.as_ref();
    let _ = session.support.set(ClientSupport {
        code_lens_refresh: workspace.and_then(|w| w.code_lens.as_ref()).and_then(|c| c.refresh_support).unwrap_or(false),
        work_done_progress: caps.window.as_ref().and_then(|w| w.work_done_progress).unwrap_or(false),
        show_document: caps.window.as_ref().and_then(|w| w.show_document.as_ref()).is_some_and(|s| s.support),
        watched_files_dynamic: workspace.and_then(|w| w.did_change_watched_files.as_ref()).and_then(|d| d.dynamic_registration).unwrap_or(false),
    });

    #[allow(deprecated)] // root_uri is the fallback for clients without workspace folders.
    let roots: Vec<_> = match &params.workspace_folders {
        Some(folders) if !folders.is_empty() => folders.iter().filter_map(|f| uri_path(&f.uri)).collect(),
        _ => params.root_uri.as_ref().and_then(uri_path).into_iter().collect(),
    };
    if let Ok(mut layouts) = session.layouts.write() {
        *layouts = roots.iter().map(|r| ProjectLayout::new(r)).collect();
    }
    if let Some(options) = &params.initialization_options {
        match Settings::from_json(options) {
            Ok(settings) => {
                if let Ok(mut s) = session.settings.write() {
                    *s = settings;
                }
            }
            Err(e) => tracing::warn!("{e}; using defaults"),
        }
    }

    InitializeResult {
        capabilities: ServerCapabilities {
            position_encoding: Some(encoding.kind()),
            text_document_sync: Some(TextDocumentSyncCapability::Options(TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::INCREMENTAL),
                ..Default::default()
            })),
            hover_provider: Some(HoverProviderCapability::Simple(true)),
            code_lens_provider: Some(CodeLensOptions { resolve_provider: Some(false) }),
            code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
                code_action_kinds: Some(vec![CodeActionKind::REFACTOR_REWRITE]),
                ..Default::default()
            })),
            execute_command_provider: Some(ExecuteCommandOptions { commands: ALL_COMMANDS.iter().map(|c| c.to_string()).collect(), ..Default::default() }),
            ..Default::default()
        },
        server_info: Some(ServerInfo { name: "weco-lsp".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
        offset_encoding: None,
    }
}

/// Indexes the workspace in the background and asks to be told about file changes.
pub async fn initialized(session: Arc<Session>) {
    if session.support().watched_files_dynamic {
        let watchers = ["**/*.py", "**/*.rs", "*.prof", "*.pstats", "*.speedscope.json", ".weco/profiles/*"]
            .iter()
            .map(|glob| FileSystemWatcher { glob_pattern: GlobPattern::String(glob.to_string()), kind: None })
            .collect();
        let registration = Registration {
            id: "weco-watched-files".into(),
            method: "workspace/didChangeWatchedFiles".into(),
            register_options: serde_json::to_value(DidChangeWatchedFilesRegistrationOptions { watchers }).ok(),
        };
        let client = session.client.clone();
        // Registration is a round trip to the client: never wait for it in the handler.
        tokio::spawn(async move {
            if let Err(e) = client.register_capability(vec![registration]).await {
                tracing::warn!("could not register file watchers: {e}");
            }
        });
    }
    tokio::spawn(super::profiles::reload(session.clone()));
    tokio::spawn(async move {
        let mut layouts = session.layouts.read().map(|l| l.clone()).unwrap_or_default();
        // The filesystem root or a home folder as a workspace folder is not a project: indexing it
        // would read the whole disk. Open files are still analysed one by one.
        layouts.retain(|layout| match crate::workspace::unsuitable_root(&layout.root) {
            Some(why) => {
                tracing::warn!("not indexing {}: {why}", layout.root.display());
                false
            }
            None => true,
        });
        if layouts.is_empty() {
            return;
        }
        let started = Instant::now();
        let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(2);
        let Ok(built) = tokio::task::spawn_blocking(move || workspace::build_index(&layouts, threads)).await else {
            tracing::error!("workspace indexing panicked");
            return;
        };
        let files = built.len();
        let open = session.documents.lock().map(|d| d.snapshots()).unwrap_or_default();
        if let Ok(mut index) = session.index.write() {
            *index = built;
        }
        // Open documents are newer than the disk.
        for doc in open {
            if let Some(path) = uri_path(&doc.uri) {
                session.index_file(path, doc.analysis.clone());
            }
        }
        tracing::info!("indexed {files} files in {:?}", started.elapsed());
        tell_about_interrupted_runs(&session).await;
        if session.support().code_lens_refresh {
            let _ = session.client.code_lens_refresh().await;
        }
    });
}

pub async fn did_change_configuration(session: &Session, params: DidChangeConfigurationParams) {
    match Settings::from_json(&params.settings) {
        Ok(settings) => {
            if let Ok(mut s) = session.settings.write() {
                *s = settings;
            }
        }
        Err(e) => session.client.show_message(MessageType::WARNING, format!("weco: {e}; keeping the previous settings")).await,
    }
}

/// A weco run whose task has no report newer than its start was cut off (editor or server
/// restart, killed process): say so, and offer to resume it with `weco resume` when the task's
/// record allows it (the run continues on Weco's side; resuming follows it to the end here).
async fn tell_about_interrupted_runs(session: &Arc<Session>) {
    let roots = session.roots();
    tell_about_interrupted_runs_in(session, &roots).await;
    // Tests wait for this line to know that nothing more will be offered.
    tracing::info!("looked for interrupted runs in {} workspace folder(s)", roots.len());
}

async fn tell_about_interrupted_runs_in(session: &Arc<Session>, roots: &[std::path::PathBuf]) {
    for root in roots.iter().map(|r| r.as_path()) {
        let Ok(tasks) = std::fs::read_dir(crate::task::layout::weco_dir(root)) else { continue };
        for task in tasks.flatten() {
            let dir = task.path();
            let Some(record) = run_record_of(&dir, root) else { continue };
            let report_time = std::fs::metadata(dir.join("report.md"))
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                .map(|d| d.as_secs());
            if report_time.is_some_and(|t| t >= record.started_unix_s) {
                continue;
            }
            let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
            let record_file = dir.join(crate::optimize::resume::RECORD_FILE);
            let loaded = crate::optimize::resume::ResumeRecord::load(&dir, root);
            if loaded.is_none() && record_file.exists() {
                // A task record this machine did not write (shipped with the repository, copied,
                // altered): nothing is offered for it.
                continue;
            }
            let resumable = loaded.filter(|r| !r.consolidated);
            let Some(task_record) = resumable else {
                let message = format!(
                    "weco: the run for {name} (run {}) was interrupted before it finished. Its log is {}. Resume it with `weco resume {}` from that folder, or start a new optimization.",
                    record.run_id,
                    dir.join("run.log").display(),
                    record.run_id
                );
                session.client.show_message(MessageType::INFO, message).await;
                continue;
            };
            let session = session.clone();
            tokio::spawn(async move {
                let question = format!(
                    "weco: the run for `{}` (run {}) was interrupted before it finished. Resume it? Its log is {}.",
                    task_record.function,
                    record.run_id,
                    dir.join("run.log").display()
                );
                let answer = super::ui::ask(&session, question, &[RESUME, super::ui::NOT_NOW]).await;
                if answer.as_deref() == Some(RESUME) {
                    super::optimize::resume_job(session, task_record, record.run_id).await;
                }
            });
        }
    }
}

/// The weco run record of the task in `dir`: next to its task record, or, for an in-place task whose run
/// was recorded by an older version, in its working directory (the project root) when it is that task's.
fn run_record_of(dir: &std::path::Path, root: &std::path::Path) -> Option<crate::engine::weco::WecoRunRecord> {
    crate::engine::weco::load_run_record(dir).or_else(|| {
        let task = crate::optimize::resume::ResumeRecord::load(dir, root)?;
        let record = crate::engine::weco::load_run_record(&task.dir).filter(|_| task.placement == crate::task::Placement::InPlace)?;
        (std::path::Path::new(&record.source_file) == task.source_file).then_some(record)
    })
}

pub use super::ui::RESUME;
