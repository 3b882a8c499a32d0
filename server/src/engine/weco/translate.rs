//! Event handling: turns weco's stdout/stderr lines (via the plain parser) and the answers of its `run stop` /
//! `run status` subcommands into `OptimizerEvent`s and the runner's bookkeeping (best metric, plans, errors, tail).

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::diagnose::summarize_failure;
use super::parser::PlainRecord;
use super::spawn::{LOG_DIR, Runner};
use super::stop::{RunStatus, SubcommandOutput};
use super::{WecoRunRecord, save_run_record};
use crate::engine::events::OptimizerEvent;

impl Runner<'_> {
    fn remember(&mut self, line: &str) {
        if self.tail.len() == 60 {
            self.tail.pop_front();
        }
        self.tail.push_back(line.to_string());
    }

    pub(super) fn on_stdout(&mut self, line: &str) {
        self.last_activity = Instant::now();
        self.log_line(line);
        for record in self.parser.feed(line) {
            self.on_record(record);
        }
    }

    pub(super) fn on_stderr(&mut self, line: &str) {
        self.last_activity = Instant::now();
        self.log_line(&format!("[stderr] {line}"));
        if self.run_id.is_none() && !line.trim().is_empty() {
            self.before_run_id.push(line.to_string());
        }
        self.remember(line);
    }

    pub(super) fn on_record(&mut self, record: PlainRecord) {
        match record {
            PlainRecord::RunId(run_id) => {
                let started_unix_s = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs());
                let saved = WecoRunRecord { run_id: run_id.clone(), source_file: self.task.source_file.to_string_lossy().into_owned(), started_unix_s };
                let record_dir = self.record_dir().to_path_buf();
                if let Err(e) = save_run_record(&record_dir, &saved) {
                    tracing::warn!("cannot save weco-run.json: {e}");
                }
                self.run_id = Some(run_id.clone());
                self.emit(OptimizerEvent::Started { run_id, backend: "weco", total_steps: self.task.steps });
            }
            PlainRecord::TotalSteps(_) => {}
            PlainRecord::StepStarted(step) => self.emit(OptimizerEvent::StepStarted { step }),
            PlainRecord::OutputStarting { step } => {
                if let Some(count) = self.output_line_count(step) {
                    self.parser.expect_output_lines(count);
                }
            }
            PlainRecord::Candidate { step, plan } => {
                self.plans.insert(step, plan.clone());
                self.emit(OptimizerEvent::Candidate { step, plan });
            }
            PlainRecord::EvalOutput { step, output } => {
                self.last_output = Some((step, output.clone()));
                self.emit(OptimizerEvent::EvalOutput { step, output });
            }
            PlainRecord::Metric { step, value, best } => {
                self.detector.record_success();
                if self.best.is_none_or(|(_, incumbent)| self.task.goal.is_better(value, incumbent)) {
                    self.best = Some((step, value));
                }
                self.emit(OptimizerEvent::Metric { step, value, best });
            }
            PlainRecord::NotScored { step, reason } => {
                // The submit failed: the candidate is neither good nor bad, and no failure streak grows.
                self.not_scored_reason = Some(reason.clone());
                self.emit(OptimizerEvent::StepNotScored { step, reason });
            }
            PlainRecord::EvalAborted { step, error } => {
                self.loop_ended = true;
                self.eval_aborted = Some((step, error.clone()));
                self.errors.push(format!("Error: {error}"));
                self.emit(OptimizerEvent::StepFailed { step, error: format!("weco could not run the evaluation: {error}") });
            }
            PlainRecord::NoMetric { step } => {
                let output = match &self.last_output {
                    Some((s, output)) if *s == step => output.clone(),
                    _ => String::new(),
                };
                let error = summarize_failure(&output);
                self.emit(OptimizerEvent::StepFailed { step, error });
                if let Some(signature) = self.detector.record_failure(&output) {
                    self.emit(OptimizerEvent::Message {
                        error: true,
                        text: format!(
                            "The last 3 steps failed the same way: {signature}. weco keeps spending credits on such steps; \
                             consider stopping the run and fixing the evaluation environment."
                        ),
                    });
                }
            }
            PlainRecord::Warning(text) => {
                self.remember(&text);
                self.emit(OptimizerEvent::Message { error: false, text });
            }
            PlainRecord::Error(text) => {
                if is_fatal_loop_error(&text) {
                    self.loop_ended = true;
                }
                self.remember(&text);
                self.errors.push(text.clone());
                self.emit(OptimizerEvent::Message { error: true, text });
            }
            PlainRecord::Reconnecting(detail) => {
                self.emit(OptimizerEvent::Message { error: false, text: format!("Lost the connection to Weco; reconnecting ({detail}).") })
            }
            PlainRecord::Reconnected => self.emit(OptimizerEvent::Message { error: false, text: "Reconnected to Weco.".into() }),
            PlainRecord::Complete => {
                self.saw_complete = true;
                self.loop_ended = true;
            }
            PlainRecord::Stopped | PlainRecord::Interrupted => {
                self.saw_stopped = true;
                self.loop_ended = true;
            }
            PlainRecord::Other(line) => {
                if !line.trim().is_empty() {
                    if self.run_id.is_none() {
                        self.before_run_id.push(line.clone());
                    }
                    self.remember(&line);
                }
            }
        }
    }

    /// weco writes the whole eval output to `.runs/<id>/outputs/step_<n>.out.txt` before printing it, and
    /// `print` adds one newline: the block is exactly `count('\n') + 1` lines.
    fn output_line_count(&self, step: u32) -> Option<usize> {
        let run_id = self.run_id.as_ref()?;
        let path = self.task.dir.join(LOG_DIR).join(run_id).join("outputs").join(format!("step_{step}.out.txt"));
        let content = std::fs::read(path).ok()?;
        Some(content.iter().filter(|b| **b == b'\n').count() + 1)
    }

    pub(super) fn on_stop_answer(&mut self, answer: Result<SubcommandOutput, String>) {
        match answer {
            Ok(output) => {
                for line in output.stdout.lines().chain(output.stderr.lines()) {
                    self.log_line(&format!("[weco run stop] {line}"));
                }
            }
            Err(e) => self.log_line(&format!("[weco run stop] {e}")),
        }
    }

    pub(super) fn on_status(&mut self, status: Result<RunStatus, String>) {
        match status {
            Ok(status) => {
                // A sign of life: the run is `running` on Weco's side and either weco waits on the service
                // (it generates the next candidate after [SUBMITTING], which can take long) or the step moved.
                let moved = status.current_step.is_some() && status.current_step != self.last_status_step;
                let alive = status.status == "running" && (self.parser.waiting_on_service() || (moved && self.last_status_step.is_some()));
                self.last_status_step = status.current_step;
                self.last_status = Some(status.status.clone());
                if alive {
                    self.last_life = Instant::now();
                }
                let verdict = if alive { "alive" } else { "no sign of progress" };
                self.log_line(&format!("[weco-lsp] watchdog: run status {} at step {:?} ({verdict})", status.status, status.current_step));
                if status.is_terminal() && !self.loop_ended {
                    self.emit(OptimizerEvent::Message {
                        error: false,
                        text: format!("Weco reports the run as {}; waiting for the local client to finish.", status.status),
                    });
                }
            }
            Err(e) => self.log_line(&format!("[weco-lsp] watchdog: {e}")),
        }
    }
}

fn is_fatal_loop_error(text: &str) -> bool {
    text.contains("Out of credits") || text.contains("Auto-resume exhausted") || text.contains("Timeout waiting for execution tasks")
}
