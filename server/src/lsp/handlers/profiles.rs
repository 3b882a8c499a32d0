//! Profiles in the workspace (`profile::discover`): read when the workspace opens and whenever one changes, so that
//! lenses and hovers show each function's measured share. Reading a profile runs nothing.

use std::sync::Arc;

use super::ui;
use crate::lsp::session::Session;
use crate::profile;

/// Reads every profile of the workspace roots again, off the async threads, then refreshes the lenses.
pub async fn reload(session: Arc<Session>) {
    let roots = session.roots();
    let loaded = tokio::task::spawn_blocking(move || {
        let mut loaded = Vec::new();
        for root in roots {
            for file in profile::discover(&root) {
                match profile::load(&file) {
                    Ok(p) => {
                        tracing::info!("profile {} ({}, {} frames)", file.display(), p.format.label(), p.frames.len());
                        loaded.push(profile::Loaded::new(file, p, &root));
                    }
                    Err(e) => tracing::warn!("not a profile this server reads: {e}"),
                }
            }
        }
        loaded
    })
    .await
    .unwrap_or_default();
    // Lenses change only when there are profiles now or there were before.
    let changed = match session.profiles.write() {
        Ok(mut profiles) => {
            let changed = !profiles.is_empty() || !loaded.is_empty();
            *profiles = loaded;
            changed
        }
        Err(_) => false,
    };
    if changed {
        ui::refresh_lenses(&session).await;
    }
}

/// Whether a changed file is one of the workspace's profiles.
pub fn is_profile(session: &Session, path: &std::path::Path) -> bool {
    session.roots().iter().any(|root| profile::is_profile_path(path, root))
}
