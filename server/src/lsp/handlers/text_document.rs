//! Document synchronisation: state changes happen synchronously, before any `.await`.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::uri_path;
use crate::lsp::documents::{ChangeError, DocumentSnapshot};
use crate::lsp::proto;
use crate::lsp::session::Session;
use crate::workspace;

pub async fn did_open(session: &Session, params: DidOpenTextDocumentParams) {
    let doc = params.text_document;
    let snapshot = session.documents.lock().ok().and_then(|mut d| d.open(doc.uri, &doc.language_id, doc.version, doc.text));
    if let Some(snapshot) = snapshot {
        after_update(session, snapshot).await;
    }
}

pub async fn did_change(session: &Session, params: DidChangeTextDocumentParams) {
    let uri = params.text_document.uri;
    let result = match session.documents.lock() {
        Ok(mut docs) => docs.change(&uri, params.text_document.version, params.content_changes, session.encoding()),
        Err(_) => return,
    };
    match result {
        Ok((snapshot, warning)) => {
            if let Some(w) = warning {
                tracing::warn!("{}: {w:?}", uri.as_str());
            }
            after_update(session, snapshot).await;
        }
        Err(ChangeError::NotOpen) => tracing::debug!("change for a document we do not track: {}", uri.as_str()),
        Err(e) => tracing::warn!("{e:?}"),
    }
}

async fn after_update(session: &Session, snapshot: DocumentSnapshot) {
    if let Some(path) = uri_path(&snapshot.uri) {
        session.index_file(path, snapshot.analysis.clone());
    }
    publish(session, &snapshot).await;
}

async fn publish(session: &Session, snapshot: &DocumentSnapshot) {
    let support_code = uri_path(&snapshot.uri).is_some_and(|path| crate::workspace::is_support_code(&session.root_for(&path), &path));
    let mut diagnostics = proto::diagnostics(snapshot, session.encoding(), support_code);
    diagnostics.extend(session.run_diagnostics(&snapshot.uri));
    session.client.publish_diagnostics(snapshot.uri.clone(), diagnostics, Some(snapshot.version)).await;
}

/// Publishes the document's diagnostics again (after run diagnostics changed).
pub async fn republish(session: &Session, uri: &Uri) {
    if let Some(snapshot) = session.snapshot(uri) {
        publish(session, &snapshot).await;
    }
}

pub async fn did_close(session: &Session, params: DidCloseTextDocumentParams) {
    let uri = params.text_document.uri;
    let closed = session.documents.lock().map(|mut d| d.close(&uri)).unwrap_or(false);
    if !closed {
        return;
    }
    // The disk is the truth again for the index.
    if let Some(path) = uri_path(&uri) {
        reindex_from_disk(session, path);
    }
    session.client.publish_diagnostics(uri, Vec::new(), None).await;
}

pub async fn did_change_watched_files(session: &Arc<Session>, params: DidChangeWatchedFilesParams) {
    let mut profiles_changed = false;
    for change in params.changes {
        let Some(path) = uri_path(&change.uri) else { continue };
        if super::profiles::is_profile(session, &path) {
            profiles_changed = true;
            continue;
        }
        if session.snapshot(&change.uri).is_some() {
            continue; // Open documents belong to the client.
        }
        if change.typ == FileChangeType::DELETED {
            if let Ok(mut index) = session.index.write() {
                index.remove(&path);
            }
        } else {
            reindex_from_disk(session, path);
        }
    }
    if profiles_changed {
        tokio::spawn(super::profiles::reload(session.clone()));
    }
}

fn reindex_from_disk(session: &Session, path: std::path::PathBuf) {
    match workspace::analyze_file(&path) {
        Some(analysis) => session.index_file(path, Arc::new(analysis)),
        None => {
            if let Ok(mut index) = session.index.write() {
                index.remove(&path);
            }
        }
    }
}
