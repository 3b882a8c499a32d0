//! Folds optimizer events into the one-line status editors and terminals show ("step 12/50 · best 1.84x · last: compile error").

use crate::engine::{Goal, OptimizerEvent};
use crate::results::report::StepRecord;

#[derive(Debug, Clone, PartialEq)]
pub struct RunTracker {
    pub metric: String,
    pub goal: Goal,
    pub backend: String,
    pub run_id: Option<String>,
    pub total_steps: u32,
    pub step: u32,
    pub best: Option<f64>,
    pub best_step: Option<u32>,
    pub last: Option<String>,
    pub steps: Vec<StepRecord>,
    /// Consecutive failures with the same one-line error (repeated-failure detection).
    pub same_failure_streak: u32,
    last_failure: Option<String>,
}

impl RunTracker {
    pub fn new(metric: &str, goal: Goal, total_steps: u32) -> RunTracker {
        RunTracker {
            metric: metric.to_string(),
            goal,
            backend: String::new(),
            run_id: None,
            total_steps,
            step: 0,
            best: None,
            best_step: None,
            last: None,
            steps: Vec::new(),
            same_failure_streak: 0,
            last_failure: None,
        }
    }

    fn record(&mut self, step: u32) -> &mut StepRecord {
        if let Some(index) = self.steps.iter().position(|s| s.step == step) {
            return &mut self.steps[index];
        }
        self.steps.push(StepRecord { step, ..Default::default() });
        self.steps.last_mut().expect("just pushed")
    }

    pub fn apply(&mut self, event: &OptimizerEvent) {
        match event {
            OptimizerEvent::Started { run_id, backend, total_steps } => {
                self.run_id = Some(run_id.clone());
                self.backend = backend.to_string();
                self.total_steps = *total_steps;
            }
            OptimizerEvent::StepStarted { step } => {
                self.step = *step;
                self.record(*step);
            }
            OptimizerEvent::Candidate { step, plan } => self.record(*step).plan = plan.clone(),
            OptimizerEvent::EvalOutput { .. } => {}
            OptimizerEvent::Metric { step, value, best } => {
                self.record(*step).metric = Some(*value);
                if self.best.is_none_or(|b| self.goal.is_better(*value, b)) {
                    self.best_step = Some(*step);
                }
                self.best = Some(*best);
                self.last = Some(format!("{} {}", self.metric, format_metric(&self.metric, *value)));
                self.same_failure_streak = 0;
                self.last_failure = None;
            }
            OptimizerEvent::StepFailed { step, error } => {
                self.record(*step).error = Some(error.clone());
                self.last = Some(short(error));
                if self.last_failure.as_deref() == Some(error.as_str()) {
                    self.same_failure_streak += 1;
                } else {
                    self.same_failure_streak = 1;
                    self.last_failure = Some(error.clone());
                }
            }
            // Not the candidate's fault: the failure streak is neither broken nor extended.
            OptimizerEvent::StepNotScored { step, reason } => {
                self.record(*step).not_scored = Some(reason.clone());
                self.last = Some(format!("step {step} not scored"));
            }
            OptimizerEvent::Message { text, .. } => self.last = Some(short(text)),
            OptimizerEvent::Finished { .. } => {}
        }
    }

    /// "step 12/50 · best 1.84x · last: compile error"
    pub fn line(&self) -> String {
        let mut parts = vec![format!("step {}/{}", self.step, self.total_steps)];
        if let Some(best) = self.best {
            parts.push(format!("best {}", format_metric(&self.metric, best)));
        }
        if let Some(last) = &self.last {
            parts.push(format!("last: {last}"));
        }
        parts.join(" · ")
    }

    /// Percentage for progress bars.
    pub fn percentage(&self) -> u32 {
        (self.step * 100).checked_div(self.total_steps).map_or(0, |p| p.min(100))
    }
}

pub fn format_metric(metric: &str, value: f64) -> String {
    if metric == "speedup" { format!("{value:.2}x") } else { format!("{value:.4}") }
}

fn short(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    if line.chars().count() > 80 { format!("{}…", line.chars().take(80).collect::<String>()) } else { line.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_status_line_tracks_steps_best_and_last_outcome() {
        let mut t = RunTracker::new("speedup", Goal::Maximize, 50);
        t.apply(&OptimizerEvent::Started { run_id: "r".into(), backend: "local", total_steps: 50 });
        t.apply(&OptimizerEvent::StepStarted { step: 12 });
        t.apply(&OptimizerEvent::Metric { step: 12, value: 1.84, best: 1.84 });
        t.apply(&OptimizerEvent::StepStarted { step: 13 });
        t.apply(&OptimizerEvent::StepFailed { step: 13, error: "compile error\nat line 3".into() });
        assert_eq!(t.line(), "step 13/50 · best 1.84x · last: compile error");
        assert_eq!((t.best_step, t.percentage()), (Some(12), 26));
        assert_eq!(t.steps.len(), 2);
    }

    #[test]
    fn identical_failures_in_a_row_are_counted_and_a_success_resets() {
        let mut t = RunTracker::new("speedup", Goal::Maximize, 5);
        for step in 1..=3 {
            t.apply(&OptimizerEvent::StepFailed { step, error: "ModuleNotFoundError: No module named 'numba'".into() });
        }
        assert_eq!(t.same_failure_streak, 3);
        t.apply(&OptimizerEvent::StepNotScored { step: 4, reason: "HTTP 503".into() });
        assert_eq!(t.same_failure_streak, 3, "a step the service did not score is no failure and no success");
        t.apply(&OptimizerEvent::StepFailed { step: 5, error: "ModuleNotFoundError: No module named 'numba'".into() });
        assert_eq!(t.same_failure_streak, 4);
        t.apply(&OptimizerEvent::Metric { step: 4, value: 1.0, best: 1.0 });
        assert_eq!(t.same_failure_streak, 0);
    }
}
