//! Profiles in the workspace (`profile::discover`): read when the workspace opens and whenever one changes, so that
//! lenses and hovers show each function's measured share. Reading a profile runs nothing; `weco.profileTests` (an
//! explicit action) runs the project's tests under cProfile, in the sandbox, and reads the result.

use std::sync::Arc;

use std::time::Duration;

use tower_lsp_server::ls_types::{MessageType, Uri};

use super::{ui, uri_path};
use crate::lsp::session::Session;
use crate::profile;
use crate::sandbox::{self, Jail};

/// Where `weco.profileTests` writes its profile, under the project root.
pub const TESTS_PROFILE: &str = ".weco/profiles/tests.prof";

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

/// Runs the tests of the project holding `uri` under cProfile with the project's interpreter (`python -m cProfile -o
/// .weco/profiles/tests.prof -m pytest -q`), in the sandbox where the machine has one, then reads the profile. Failing
/// tests still leave a profile; a missing pytest or a run that writes none is said plainly.
pub async fn profile_tests(session: Arc<Session>, uri: Uri) {
    let Some(path) = uri_path(&uri) else {
        ui::say(&session, MessageType::ERROR, "weco: profiling needs a file or folder on disk.").await;
        return;
    };
    let root = session.root_for(&path);
    let interpreter = crate::task::interpreter::detect(&root);
    let output = root.join(TESTS_PROFILE);
    let folder = root.join(".weco/profiles");
    if let Err(e) = std::fs::create_dir_all(&folder) {
        ui::say(&session, MessageType::ERROR, format!("weco: cannot create {}: {e}", folder.display())).await;
        return;
    }
    let script = format!(
        "exec {} -m cProfile -o {} -m pytest -q -p no:cacheprovider",
        sandbox::shell_word(&interpreter.path.to_string_lossy()),
        sandbox::shell_word(&output.to_string_lossy())
    );
    let jail = Jail { workspace: root.clone(), writable: vec![folder] };
    let prepared = sandbox::prepare(&jail, &root, &script);
    let timeout = Duration::from_secs(session.settings().eval_timeout.max(1) * 2);
    ui::say(
        &session,
        MessageType::INFO,
        format!("weco: profiling the tests of {} with {} ({})…", root.display(), interpreter.path.display(), interpreter.source),
    )
    .await;
    let before = std::fs::metadata(&output).and_then(|m| m.modified()).ok();
    let finished = tokio::task::spawn_blocking(move || crate::child::run(prepared.std_command(), timeout, None)).await;
    let finished = match finished {
        Ok(Ok(finished)) => finished,
        Ok(Err(e)) => {
            ui::say(&session, MessageType::ERROR, format!("weco: could not start the tests: {e}")).await;
            return;
        }
        Err(_) => return,
    };
    let after = std::fs::metadata(&output).and_then(|m| m.modified()).ok();
    // What the tests print can hold secrets; only scrubbed lines reach a message.
    let printed = format!("{}{}", String::from_utf8_lossy(&finished.stdout), String::from_utf8_lossy(&finished.stderr));
    let printed = crate::redact::scrub(&printed).into_owned();
    if after.is_none() || after == before {
        let why = if printed.contains("No module named pytest") {
            format!("pytest is not installed in {} (install it there, then profile again)", interpreter.path.display())
        } else if matches!(finished.ended, crate::child::Ended::TimedOut) {
            format!("the tests ran past {} s", timeout.as_secs())
        } else {
            let last = printed.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no output");
            format!("the run wrote no profile ({last})")
        };
        ui::say(&session, MessageType::ERROR, format!("weco: profiling the tests failed: {why}.")).await;
        return;
    }
    let summary = printed
        .lines()
        .rev()
        .find(|l| l.contains(" passed") || l.contains(" failed") || l.contains(" error"))
        .map(|l| format!(", {}", l.trim()))
        .unwrap_or_default();
    reload(session.clone()).await;
    ui::say(
        &session,
        MessageType::INFO,
        format!("weco: profiled the tests in {:.1} s{summary}; lenses and hovers now show measured time from {TESTS_PROFILE}.", finished.elapsed.as_secs_f64()),
    )
    .await;
}
