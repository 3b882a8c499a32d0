//! Run-end classification: maps how weco ended (exit status, cancel, kill, what it printed) to a `RunOutcome`
//! and a user-facing message, restores the source file if weco left it modified, and looks up the best result.

use std::process::ExitStatus;

use super::refusal::{self, Refusal};
use super::spawn::{LOG_DIR, Runner};
use crate::engine::events::{BestResult, OptimizerEvent, RunOutcome};

impl Runner<'_> {
    pub(super) fn finish_early(mut self, outcome: RunOutcome, message: String) -> RunOutcome {
        self.log_line(&format!("[weco-lsp] {message}"));
        self.emit(OptimizerEvent::Finished { outcome, best: None, message: Some(message) });
        outcome
    }

    pub(super) fn finish(mut self, exit: Option<ExitStatus>, cancelled: bool, killed: bool, snapshot: &[u8]) -> RunOutcome {
        for record in self.parser.finish() {
            self.on_record(record);
        }
        let restored = self.restore_source(snapshot);
        let resume_hint = self.run_id.as_ref().map(|id| format!(" Continue later with `weco resume {id}`.")).unwrap_or_default();
        let (outcome, mut message) = if cancelled && self.hung_for.is_none() {
            (RunOutcome::Cancelled, Some(format!("Stopped.{resume_hint}")))
        } else if exit.is_some_and(|s| s.success()) && self.saw_complete {
            (RunOutcome::Completed, None)
        } else if self.saw_stopped && self.errors.is_empty() && self.hung_for.is_none() {
            (RunOutcome::Cancelled, Some(format!("The run was stopped outside the editor.{resume_hint}")))
        } else {
            (RunOutcome::Failed, Some(self.failure_message(exit, killed, &resume_hint)))
        };
        if let Some(note) = restored {
            message = Some(match message {
                Some(text) => format!("{text} {note}"),
                None => note,
            });
        }
        let best = self.best_result(snapshot);
        if let Some(text) = &message {
            self.log_line(&format!("[weco-lsp] {text}"));
        }
        self.emit(OptimizerEvent::Finished { outcome, best, message });
        outcome
    }

    fn failure_message(&self, exit: Option<ExitStatus>, killed: bool, resume_hint: &str) -> String {
        let all_text = || self.errors.iter().chain(self.tail.iter());
        if let Some(silence) = self.hung_for {
            let status = match &self.last_status {
                Some(status) if status != "running" => format!(" and Weco reports the run as `{status}`"),
                Some(_) => " and Weco showed no progress".to_string(),
                None => String::new(),
            };
            return format!("weco printed nothing for {}s{status}; it was stopped.{resume_hint}", silence.as_secs());
        }
        if all_text().any(|l| l.contains("Authentication Required") || l.contains("Would you like to log in")) {
            return "Not logged in to Weco. Run `weco login` in a terminal (or set WECO_API_KEY), or use the local engine.".to_string();
        }
        if all_text().any(|l| is_connection_error(l)) {
            return format!("Could not reach the Weco service (offline?). Check the connection.{resume_hint} Or use the local engine.");
        }
        if let Some((step, error)) = &self.eval_aborted {
            let hint = if error.contains("codec can't decode") {
                " The evaluation printed bytes that are not UTF-8 text, which weco cannot read: make it print text only."
            } else {
                ""
            };
            return format!("weco could not run the evaluation of step {step} and stopped: {error}.{hint}{resume_hint}");
        }
        if self.run_id.is_none()
            && let Some(refusal) = refusal::classify(&self.before_run_id)
            && !self.before_run_id.iter().any(|l| l.starts_with("Traceback") || l.contains("Error:"))
        {
            return refusal.message(None);
        }
        if let Some(refusal) = self.refused_mid_run() {
            return refusal.message(self.run_id.as_deref());
        }
        if killed {
            return format!("weco did not respond to SIGINT and was killed.{resume_hint}");
        }
        let detail = self.errors.last().or_else(|| self.tail.iter().rev().find(|l| !l.trim().is_empty())).map(|l| format!(": {l}")).unwrap_or_default();
        match exit.and_then(|s| s.code()) {
            Some(code) => format!("weco exited with code {code}{detail}.{resume_hint}"),
            None => {
                let signal = exit.and_then(|s| std::os::unix::process::ExitStatusExt::signal(&s));
                format!("weco was killed (signal {}){detail}.{resume_hint}", signal.unwrap_or(0))
            }
        }
    }

    /// A mid-run `[ERROR]` that is the service refusing (credits, auth, or any answer to a submit), with the
    /// extras weco printed after it.
    fn refused_mid_run(&self) -> Option<Refusal> {
        let error = self.errors.iter().rev().find(|e| !e.starts_with("Auto-resume exhausted") && !e.starts_with("Timeout waiting"))?;
        let mut block = vec![error.clone()];
        if let Some(position) = self.tail.iter().rposition(|l| l == error) {
            block.extend(self.tail.iter().skip(position + 1).take(3).filter(|l| l.contains(": ") && !l.starts_with("To resume")).cloned());
        }
        match refusal::classify(&block)? {
            // Any other error is a refusal only when it is what a submit got back.
            Refusal::Other { .. } if self.not_scored_reason.as_deref() != Some(error.as_str()) => None,
            refusal => Some(refusal),
        }
    }

    /// weco swaps candidates into the source file during every eval; a killed weco can leave one there.
    fn restore_source(&mut self, snapshot: &[u8]) -> Option<String> {
        let current = std::fs::read(&self.source_path).ok();
        if current.as_deref() == Some(snapshot) {
            return None;
        }
        let note = match crate::fsio::write_atomic(&self.source_path, snapshot) {
            Ok(()) => format!("weco left {} modified; it was restored from the snapshot taken before the run.", self.task.source_file.display()),
            Err(e) => format!("weco left {} modified and restoring it failed: {e}.", self.task.source_file.display()),
        };
        self.emit(OptimizerEvent::Message { error: true, text: note.clone() });
        Some(note)
    }

    /// The best candidate's code: weco's `best/files` copy, else the step snapshot weco wrote before its eval.
    fn best_result(&self, snapshot: &[u8]) -> Option<BestResult> {
        let run_id = self.run_id.as_ref()?;
        let (step, metric) = self.best?;
        let run_dir = self.task.dir.join(LOG_DIR).join(run_id);
        let candidates = [
            run_dir.join("best").join("files").join(&self.task.source_file),
            run_dir.join("steps").join(step.to_string()).join("files").join(&self.task.source_file),
        ];
        let code = candidates.iter().find_map(|path| std::fs::read(path).ok())?;
        if code == snapshot {
            return None;
        }
        let code = String::from_utf8(code).ok()?;
        Some(BestResult { step, metric, code, plan: self.plans.get(&step).cloned().flatten() })
    }
}

pub(super) fn is_connection_error(text: &str) -> bool {
    [
        "Auto-resume exhausted",
        "Network error",
        "Error starting run",
        "Connection refused",
        "Max retries exceeded",
        "NameResolutionError",
        "Failed to resolve",
        "ConnectionError",
        "Connection aborted",
        "RemoteDisconnected",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connection_failures_are_recognised() {
        assert!(is_connection_error("Auto-resume exhausted after 1 attempt(s). Use 'weco resume x' to continue manually."));
        assert!(!is_connection_error("RuntimeError: candidate is broken"));
    }
}
