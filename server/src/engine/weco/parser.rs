//! State machine over `weco run --output plain` stdout: turns lines into typed progress records.
//!
//! The `[PLAN]` text and the block between `[EXECUTION OUTPUT START]` and `[EXECUTION OUTPUT END]` are free
//! text that can contain anything, including lines that look like weco's own tags. The output block is
//! therefore consumed by line count when the driver knows it (`expect_output_lines`, computed from
//! `.runs/<id>/outputs/step_<n>.out.txt`, which weco writes before printing the block); otherwise its end is
//! an END line immediately followed by `[SUBMITTING] ...`. A plan ends at the first line that is exactly
//! `[EXECUTION OUTPUT START]`, or, when the eval step itself raised or was interrupted (weco 0.4.0 then prints
//! `[ERROR] Error: <message>` or a blank line and `[INTERRUPTED] Run interrupted (Ctrl+C)` instead of the output
//! block), at the last such line: since a plan may contain those lines too, that split is made only when the
//! stream ends without an output block.
//!
//! A step whose output was submitted ends one of three ways: a `[METRIC]` line (scored), the next step or the
//! end of the loop without one (scored as a failure, `NoMetric`), or an `[ERROR]`/network warning/
//! `[RECONNECTING]`/`[INTERRUPTED]` right after `[SUBMITTING]` (the submit failed, `NotScored`).

const OUTPUT_START: &str = "[EXECUTION OUTPUT START]";
const OUTPUT_END: &str = "[EXECUTION OUTPUT END]";
const SUBMITTING: &str = "[SUBMITTING] Sending result to backend...";
const EVAL_STEP_ERROR: &str = "[ERROR] Error: ";
const INTERRUPTED: &str = "[INTERRUPTED] Run interrupted (Ctrl+C)";

/// One meaningful thing weco said, in stdout order.
#[derive(Debug, Clone, PartialEq)]
pub enum PlainRecord {
    RunId(String),
    TotalSteps(u32),
    StepStarted(u32),
    /// The evaluation output block of `step` begins; the driver may now call `expect_output_lines`.
    OutputStarting {
        step: u32,
    },
    /// The candidate of `step` with its plan (known once its output block begins).
    Candidate {
        step: u32,
        plan: Option<String>,
    },
    EvalOutput {
        step: u32,
        output: String,
    },
    Metric {
        step: u32,
        value: f64,
        best: f64,
    },
    /// `step` was evaluated and submitted but weco printed no metric for it.
    NoMetric {
        step: u32,
    },
    /// `step` was evaluated but its submit failed (the service answered an error, the connection was lost,
    /// weco was interrupted or ended mid-submit): the service never scored it. `reason` is weco's line.
    NotScored {
        step: u32,
        reason: String,
    },
    /// weco's eval step for `step` raised before any output was printed (`[ERROR] Error: <message>`).
    EvalAborted {
        step: u32,
        error: String,
    },
    Warning(String),
    Error(String),
    Reconnecting(String),
    Reconnected,
    Complete,
    Stopped,
    Interrupted,
    /// Any other line outside the free-text blocks (rich console lines after the loop, prompts, ...).
    Other(String),
}

#[derive(Debug)]
enum State {
    Normal,
    Plan { lines: Vec<String> },
    Output { lines: Vec<String>, remaining: Option<usize>, saw_end_candidate: bool },
}

/// Line-by-line parser; feed every stdout line (without its newline) in order, then call `finish`.
#[derive(Debug)]
pub struct PlainParser {
    state: State,
    step: u32,
    plan: Option<String>,
    run_id_seen: bool,
    awaiting_metric: Option<u32>,
    /// A step was claimed and its eval has not printed its output block yet.
    executing: bool,
}

impl Default for PlainParser {
    fn default() -> Self {
        Self::new()
    }
}

impl PlainParser {
    pub fn new() -> Self {
        Self { state: State::Normal, step: 0, plan: None, run_id_seen: false, awaiting_metric: None, executing: false }
    }

    /// The step weco is currently working on.
    pub fn current_step(&self) -> u32 {
        self.step
    }

    /// weco is waiting on the service (submitting a result, or polling while it generates the next
    /// candidate), not running an eval or printing a block.
    pub fn waiting_on_service(&self) -> bool {
        matches!(self.state, State::Normal) && !self.executing
    }

    /// Tell the parser how many stdout lines the current output block holds (`content.count('\n') + 1`).
    pub fn expect_output_lines(&mut self, count: usize) {
        if let State::Output { lines, remaining, .. } = &mut self.state
            && lines.is_empty()
        {
            *remaining = Some(count);
        }
    }

    pub fn feed(&mut self, line: &str) -> Vec<PlainRecord> {
        let mut out = Vec::new();
        match std::mem::replace(&mut self.state, State::Normal) {
            State::Plan { mut lines } => {
                if line == OUTPUT_START {
                    self.plan = Some(lines.join("\n"));
                    self.begin_output(&mut out);
                } else {
                    lines.push(line.to_string());
                    self.state = State::Plan { lines };
                }
            }
            State::Output { mut lines, remaining: Some(left), saw_end_candidate } if left > 0 => {
                lines.push(line.to_string());
                self.state = State::Output { lines, remaining: Some(left - 1), saw_end_candidate };
            }
            State::Output { lines, remaining: Some(_), .. } => {
                // The counted block is complete; this line should be the END marker.
                self.close_output(lines, &mut out);
                if line != OUTPUT_END {
                    out.extend(self.feed(line));
                }
            }
            State::Output { mut lines, remaining: None, saw_end_candidate } => {
                if saw_end_candidate {
                    if line == SUBMITTING {
                        self.close_output(lines, &mut out);
                        out.extend(self.feed(line));
                        return out;
                    }
                    lines.push(OUTPUT_END.to_string());
                }
                if line == OUTPUT_END {
                    self.state = State::Output { lines, remaining: None, saw_end_candidate: true };
                } else {
                    lines.push(line.to_string());
                    self.state = State::Output { lines, remaining: None, saw_end_candidate: false };
                }
            }
            State::Normal => self.feed_normal(line, &mut out),
        }
        out
    }

    /// The stream ended: close any open block and report a step that never got its metric.
    pub fn finish(&mut self) -> Vec<PlainRecord> {
        let mut out = Vec::new();
        match std::mem::replace(&mut self.state, State::Normal) {
            State::Output { lines, .. } => self.close_output(lines, &mut out),
            State::Plan { lines } => self.end_plan_without_output(lines, &mut out),
            State::Normal => {}
        }
        if let Some(step) = self.awaiting_metric.take() {
            out.push(PlainRecord::NotScored { step, reason: "weco ended before Weco scored the result".into() });
        }
        out
    }

    /// The stream ended inside a plan: weco's eval step raised or was interrupted after printing it. The
    /// plan ends before the last line weco prints in that case; the lines from there on are weco's own.
    fn end_plan_without_output(&mut self, lines: Vec<String>, out: &mut Vec<PlainRecord>) {
        let split = lines.iter().rposition(|l| l.starts_with(EVAL_STEP_ERROR) || l == INTERRUPTED).filter(|i| *i > 0);
        let Some(mut split) = split else {
            self.plan = Some(lines.join("\n"));
            return;
        };
        if lines[split] == INTERRUPTED && lines[split - 1].is_empty() && split > 1 {
            split -= 1;
        }
        let (plan, rest) = lines.split_at(split);
        out.push(PlainRecord::Candidate { step: self.step, plan: Some(plan.join("\n")).filter(|p| !p.trim().is_empty()) });
        for line in rest {
            out.extend(self.feed(line));
        }
        if let State::Plan { lines } = std::mem::replace(&mut self.state, State::Normal) {
            self.plan = Some(lines.join("\n"));
        }
    }

    fn begin_output(&mut self, out: &mut Vec<PlainRecord>) {
        self.executing = false;
        out.push(PlainRecord::Candidate { step: self.step, plan: self.plan.take().filter(|p| !p.trim().is_empty()) });
        out.push(PlainRecord::OutputStarting { step: self.step });
        self.state = State::Output { lines: Vec::new(), remaining: None, saw_end_candidate: false };
    }

    fn close_output(&mut self, lines: Vec<String>, out: &mut Vec<PlainRecord>) {
        out.push(PlainRecord::EvalOutput { step: self.step, output: lines.join("\n") });
        self.awaiting_metric = Some(self.step);
    }

    /// A tag after `[SUBMITTING]` without a metric: an error, a network warning, a reconnect or an interrupt
    /// means the submit itself failed; any other tag means the service answered without a metric.
    fn settle_pending(&mut self, line: &str, out: &mut Vec<PlainRecord>) {
        let Some(step) = self.awaiting_metric.take() else { return };
        let submit_failed = (line.starts_with("[ERROR] ") && !line.starts_with("[ERROR] Out of credits"))
            || line.starts_with("[WARNING] Network error")
            || line.starts_with("[RECONNECTING]")
            || line.starts_with("[INTERRUPTED]");
        if submit_failed {
            let reason = line.split_once("] ").map_or(line, |(_, text)| text).trim().to_string();
            out.push(PlainRecord::NotScored { step, reason });
        } else {
            out.push(PlainRecord::NoMetric { step });
        }
    }

    fn feed_normal(&mut self, line: &str, out: &mut Vec<PlainRecord>) {
        if let Some((step, value, best)) = line.strip_prefix("[METRIC] Step ").and_then(parse_metric) {
            if self.awaiting_metric == Some(step) {
                self.awaiting_metric = None;
            }
            out.push(PlainRecord::Metric { step, value, best });
            return;
        }
        if line == SUBMITTING {
            return;
        }
        if line.starts_with('[') {
            // Every other tag closes a step still waiting for its metric.
            self.settle_pending(line, out);
        }
        if let Some((step, tail)) = line.strip_prefix("[STEP ").and_then(parse_step) {
            self.step = step;
            if tail == "Executing code..." {
                self.plan = None;
                self.executing = true;
                out.push(PlainRecord::StepStarted(step));
            }
            return;
        }
        if self.executing
            && let Some(error) = line.strip_prefix(EVAL_STEP_ERROR)
        {
            // The eval step raised (no plan was printed, or the plan ended at this line).
            self.executing = false;
            out.push(PlainRecord::EvalAborted { step: self.step, error: error.to_string() });
            return;
        }
        if line.starts_with("[INTERRUPTED]") {
            self.executing = false;
        }
        if line.starts_with("[TASK CLAIMED]") {
            return;
        }
        if let Some(plan) = line.strip_prefix("[PLAN] ") {
            self.state = State::Plan { lines: vec![plan.to_string()] };
            return;
        }
        if line == OUTPUT_START {
            self.begin_output(out);
            return;
        }
        let record = if let Some(msg) = line.strip_prefix("[WARNING] ") {
            PlainRecord::Warning(msg.to_string())
        } else if let Some(msg) = line.strip_prefix("[ERROR] ") {
            PlainRecord::Error(msg.to_string())
        } else if let Some(msg) = line.strip_prefix("[RECONNECTING] ") {
            PlainRecord::Reconnecting(msg.to_string())
        } else if line.starts_with("[RECONNECTED]") {
            PlainRecord::Reconnected
        } else if line.starts_with("[COMPLETE]") {
            PlainRecord::Complete
        } else if line.starts_with("[STOPPED]") {
            PlainRecord::Stopped
        } else if line.starts_with("[INTERRUPTED]") {
            PlainRecord::Interrupted
        } else if let Some(id) = parse_run_id(line).filter(|_| !self.run_id_seen) {
            self.run_id_seen = true;
            PlainRecord::RunId(id)
        } else if let Some(total) = line.strip_prefix("Total Steps: ").and_then(|n| n.trim().parse().ok()) {
            PlainRecord::TotalSteps(total)
        } else {
            PlainRecord::Other(line.to_string())
        };
        out.push(record);
    }
}

/// `^Run ID: ([0-9a-fA-F-]{36})\b`, the same anchor weco's own agent wrapper uses.
pub fn parse_run_id(line: &str) -> Option<String> {
    let rest = line.strip_prefix("Run ID: ")?;
    let id: String = rest.chars().take(36).collect();
    let well_formed = id.len() == 36 && id.chars().all(|c| c.is_ascii_hexdigit() || c == '-');
    let boundary = rest[id.len()..].chars().next().is_none_or(|c| !(c.is_alphanumeric() || c == '_'));
    (well_formed && boundary).then_some(id)
}

/// `<s>/<N>] <tail>` → (s, tail).
fn parse_step(rest: &str) -> Option<(u32, &str)> {
    let (numbers, tail) = rest.split_once("] ")?;
    let (step, _total) = numbers.split_once('/')?;
    Some((step.parse().ok()?, tail))
}

/// `<s>: <value> (best so far: <best>)` → (s, value, best).
fn parse_metric(rest: &str) -> Option<(u32, f64, f64)> {
    let (step, values) = rest.split_once(": ")?;
    let (value, best) = values.split_once(" (best so far: ")?;
    Some((step.parse().ok()?, value.trim().parse().ok()?, best.strip_suffix(')')?.trim().parse().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed_all(parser: &mut PlainParser, text: &str) -> Vec<PlainRecord> {
        let mut out: Vec<PlainRecord> = text.lines().flat_map(|l| parser.feed(l)).collect();
        out.extend(parser.finish());
        out
    }

    const HEADER: &str = "============================================================\nWECO OPTIMIZATION RUN\n\
        ============================================================\nRun ID: 44138a40-8967-43d2-853a-f59cfd79e1d1\n\
        Run Name: fake-run\nTotal Steps: 4\n============================================================\n\n";

    #[test]
    fn header_yields_run_id_and_total_steps() {
        let records = feed_all(&mut PlainParser::new(), HEADER);
        assert!(records.contains(&PlainRecord::RunId("44138a40-8967-43d2-853a-f59cfd79e1d1".into())));
        assert!(records.contains(&PlainRecord::TotalSteps(4)));
    }

    #[test]
    fn run_id_requires_a_full_uuid() {
        assert_eq!(parse_run_id("Run ID: 1234"), None);
        assert_eq!(parse_run_id("Run ID: 44138a40-8967-43d2-853a-f59cfd79e1d1x"), None);
        assert!(parse_run_id("Run ID: 44138a40-8967-43d2-853a-f59cfd79e1d1").is_some());
    }

    #[test]
    fn plan_with_fake_tags_stays_plan_text() {
        let text = "[STEP 1/4] Executing code...\n[TASK CLAIMED] t\n[PLAN] Cache it.\n[METRIC] Step 7: 123 (best so far: 123)\n\
            [COMPLETE] Optimization finished successfully\n[EXECUTION OUTPUT START]\nspeedup: 2.5\n\n[EXECUTION OUTPUT END]\n\
            [SUBMITTING] Sending result to backend...\n[METRIC] Step 1: 2.5 (best so far: 2.5)\n";
        let records = feed_all(&mut PlainParser::new(), text);
        assert_eq!(
            records,
            vec![
                PlainRecord::StepStarted(1),
                PlainRecord::Candidate {
                    step: 1,
                    plan: Some("Cache it.\n[METRIC] Step 7: 123 (best so far: 123)\n[COMPLETE] Optimization finished successfully".into())
                },
                PlainRecord::OutputStarting { step: 1 },
                PlainRecord::EvalOutput { step: 1, output: "speedup: 2.5\n".into() },
                PlainRecord::Metric { step: 1, value: 2.5, best: 2.5 },
            ]
        );
    }

    const FAKE_TAG_OUTPUT: &str = "[STEP 4/4] Executing code...\n[EXECUTION OUTPUT START]\n[EXECUTION OUTPUT END]\n\
        [SUBMITTING] Sending result to backend...\n[METRIC] Step 9: 99 (best so far: 99)\nspeedup: 1.5\n\n[EXECUTION OUTPUT END]\n\
        [SUBMITTING] Sending result to backend...\n[METRIC] Step 4: 1.5 (best so far: 2.5)\n";

    #[test]
    fn counted_output_block_swallows_fake_end_and_submitting_lines() {
        let mut parser = PlainParser::new();
        let mut records = Vec::new();
        for line in FAKE_TAG_OUTPUT.lines() {
            for record in parser.feed(line) {
                if let PlainRecord::OutputStarting { .. } = record {
                    // "[EXECUTION OUTPUT END]\n[SUBMITTING]...\n[METRIC]...\nspeedup: 1.5\n" has 4 newlines.
                    parser.expect_output_lines(5);
                }
                records.push(record);
            }
        }
        records.extend(parser.finish());
        let output = records.iter().find_map(|r| match r {
            PlainRecord::EvalOutput { output, .. } => Some(output.clone()),
            _ => None,
        });
        assert_eq!(
            output.as_deref(),
            Some("[EXECUTION OUTPUT END]\n[SUBMITTING] Sending result to backend...\n[METRIC] Step 9: 99 (best so far: 99)\nspeedup: 1.5\n")
        );
        assert_eq!(records.last(), Some(&PlainRecord::Metric { step: 4, value: 1.5, best: 2.5 }));
        assert!(!records.iter().any(|r| matches!(r, PlainRecord::Metric { step: 9, .. })));
    }

    #[test]
    fn uncounted_output_block_keeps_end_lines_not_followed_by_submitting() {
        let text = "[STEP 2/4] Executing code...\n[EXECUTION OUTPUT START]\nfirst\n[EXECUTION OUTPUT END]\nstill output\n\
            [EXECUTION OUTPUT END]\n[SUBMITTING] Sending result to backend...\n[STEP 3/4] Polling for task...\n";
        let records = feed_all(&mut PlainParser::new(), text);
        assert!(records.contains(&PlainRecord::EvalOutput { step: 2, output: "first\n[EXECUTION OUTPUT END]\nstill output".into() }));
        assert!(records.contains(&PlainRecord::NoMetric { step: 2 }));
    }

    #[test]
    fn step_without_metric_is_reported_before_the_next_step() {
        let text = "[STEP 2/4] Executing code...\n[EXECUTION OUTPUT START]\nTraceback\n\n[EXECUTION OUTPUT END]\n\
            [SUBMITTING] Sending result to backend...\n[STEP 3/4] Polling for task...\n[STEP 3/4] Executing code...\n";
        let records = feed_all(&mut PlainParser::new(), text);
        let no_metric = records.iter().position(|r| *r == PlainRecord::NoMetric { step: 2 }).expect("no-metric record");
        let next = records.iter().position(|r| *r == PlainRecord::StepStarted(3)).expect("step 3");
        assert!(no_metric < next);
    }

    #[test]
    fn terminal_tags_and_errors_are_recognised() {
        let text = "[ERROR] Out of credits (balance: $0.00): top up\n\n[STOPPED] Run stopped by user request\n\
            [INTERRUPTED] Run interrupted (Ctrl+C)\n[RECONNECTING] attempt 1/1, retry in 5s\n[COMPLETE] Optimization finished successfully\n\
            Optimization complete!\n";
        let records = feed_all(&mut PlainParser::new(), text);
        assert_eq!(
            records,
            vec![
                PlainRecord::Error("Out of credits (balance: $0.00): top up".into()),
                PlainRecord::Other(String::new()),
                PlainRecord::Stopped,
                PlainRecord::Interrupted,
                PlainRecord::Reconnecting("attempt 1/1, retry in 5s".into()),
                PlainRecord::Complete,
                PlainRecord::Other("Optimization complete!".into()),
            ]
        );
    }

    #[test]
    fn an_eval_step_error_after_the_plan_ends_the_plan_and_is_reported() {
        let text = "[STEP 1/4] Executing code...\n[TASK CLAIMED] t\n[PLAN] Print raw bytes\nsecond plan line\n\
            [ERROR] Error: 'utf-8' codec can't decode byte 0xff in position 0: invalid start byte\nNo solution found. No changes to apply.\n";
        let records = feed_all(&mut PlainParser::new(), text);
        assert_eq!(
            records,
            vec![
                PlainRecord::StepStarted(1),
                PlainRecord::Candidate { step: 1, plan: Some("Print raw bytes\nsecond plan line".into()) },
                PlainRecord::EvalAborted { step: 1, error: "'utf-8' codec can't decode byte 0xff in position 0: invalid start byte".into() },
                PlainRecord::Other("No solution found. No changes to apply.".into()),
            ]
        );
        // Without a plan, the error follows the claim directly.
        let records = feed_all(&mut PlainParser::new(), "[STEP 2/4] Executing code...\n[TASK CLAIMED] t\n[ERROR] Error: boom\n");
        assert!(records.contains(&PlainRecord::EvalAborted { step: 2, error: "boom".into() }), "{records:?}");
    }

    #[test]
    fn an_interrupt_during_the_eval_after_the_plan_is_an_interrupt() {
        let text = "[STEP 1/4] Executing code...\n[PLAN] Sleep first\n\n[INTERRUPTED] Run interrupted (Ctrl+C)\n\n\
            To resume this run, use: weco resume x\n";
        let records = feed_all(&mut PlainParser::new(), text);
        assert_eq!(records[1], PlainRecord::Candidate { step: 1, plan: Some("Sleep first".into()) });
        assert!(records.contains(&PlainRecord::Interrupted), "{records:?}");
    }

    #[test]
    fn error_and_interrupt_lines_inside_a_plan_stay_plan_text_when_the_output_follows() {
        let text = "[STEP 1/4] Executing code...\n[PLAN] Plan\n[ERROR] Error: not really\n[INTERRUPTED] Run interrupted (Ctrl+C)\n\
            [EXECUTION OUTPUT START]\nspeedup: 2\n\n[EXECUTION OUTPUT END]\n[SUBMITTING] Sending result to backend...\n\
            [METRIC] Step 1: 2 (best so far: 2)\n";
        let records = feed_all(&mut PlainParser::new(), text);
        assert!(
            records.contains(&PlainRecord::Candidate { step: 1, plan: Some("Plan\n[ERROR] Error: not really\n[INTERRUPTED] Run interrupted (Ctrl+C)".into()) })
        );
        assert!(!records.iter().any(|r| matches!(r, PlainRecord::EvalAborted { .. } | PlainRecord::Interrupted)), "{records:?}");
    }

    #[test]
    fn a_failed_submit_is_not_scored_while_a_submit_answered_without_metric_is_a_failure() {
        let submitted = "[STEP 3/4] Executing code...\n[EXECUTION OUTPUT START]\nspeedup: 2.5\n\n[EXECUTION OUTPUT END]\n\
            [SUBMITTING] Sending result to backend...\n";
        for (after, expected) in [
            (
                "[ERROR] Candidate generation failed; please retry.\n[RECONNECTING] attempt 1/1, retry in 5s\n",
                Some("Candidate generation failed; please retry."),
            ),
            ("[WARNING] Network error during optimization: boom\n", Some("Network error during optimization: boom")),
            ("", Some("weco ended before Weco scored the result")),
            ("[STEP 4/4] Polling for task...\n", None),
            ("[ERROR] Out of credits (balance: $0.00): every evaluated result is saved.\n", None),
        ] {
            let records = feed_all(&mut PlainParser::new(), &format!("{submitted}{after}"));
            let settled = records.iter().find(|r| matches!(r, PlainRecord::NotScored { .. } | PlainRecord::NoMetric { .. })).cloned();
            match expected {
                Some(reason) => assert_eq!(settled, Some(PlainRecord::NotScored { step: 3, reason: reason.into() }), "{after}"),
                None => assert_eq!(settled, Some(PlainRecord::NoMetric { step: 3 }), "{after}"),
            }
        }
    }

    #[test]
    fn metric_values_in_exponent_form_parse() {
        assert_eq!(parse_metric("3: 1.5e-07 (best so far: 1e-07)"), Some((3, 1.5e-7, 1e-7)));
        assert_eq!(parse_metric("3: nonsense"), None);
    }
}
