//! The report written for every optimization: what was measured, what was tried, what changed.
//!
//! Rendering is pure: the pipeline gathers a [`RunSummary`] from the backend's events and a
//! final verification, and this module turns it into `report.md`.

use std::fmt::Write;

use crate::engine::Goal;

/// One step of the run as the report tells it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct StepRecord {
    pub step: u32,
    pub plan: Option<String>,
    pub metric: Option<f64>,
    pub error: Option<String>,
    /// Evaluated, but the service never scored it (why).
    pub not_scored: Option<String>,
}

/// Timings from the final, verified measurement (baseline and winner interleaved).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Verification {
    pub baseline_seconds_per_call: Option<f64>,
    pub best_seconds_per_call: Option<f64>,
    pub cv: Option<f64>,
    pub metric: Option<f64>,
    /// Prose: what the harness checked.
    pub checks: String,
    pub passed: bool,
    /// When the winner keeps results across calls: what, and how many entries one batch left.
    pub cache: Option<String>,
}

/// How the per-day and per-month figures are computed.
#[derive(Debug, Clone, PartialEq)]
pub struct ImpactAssumptions {
    pub calls_per_day: f64,
    pub cost_per_hour: f64,
    /// True when these were not given by the user (then the report says so).
    pub inferred: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    pub title: String,
    pub date: String,
    pub file: String,
    pub function: String,
    pub metric: String,
    pub goal: Goal,
    pub backend: String,
    /// `completed`, `cancelled` or `failed`, with the backend's message.
    pub outcome: String,
    pub baseline_metric: Option<f64>,
    pub best_metric: Option<f64>,
    pub best_step: Option<u32>,
    pub steps: Vec<StepRecord>,
    pub verification: Option<Verification>,
    pub diff: String,
    pub inputs: String,
    pub duration_seconds: f64,
}

impl RunSummary {
    /// Which of the ways a run ends without a win this one took, in words for the user.
    pub fn why_no_win(&self) -> String {
        let candidates: Vec<&StepRecord> = self.steps.iter().filter(|s| s.step > 0).collect();
        if candidates.is_empty() {
            if !self.backend.contains("rules") {
                return "the optimizer proposed no candidate".into();
            }
            return "no rewrite matched this function: the offline engine has none for its shape (an LLM endpoint or weco may find one)".into();
        }
        if candidates.iter().all(|s| s.metric.is_none()) {
            return format!("all {} candidate(s) were wrong or failed their evaluation (each reason is in the report)", candidates.len());
        }
        if self.verification.as_ref().is_some_and(|v| !v.passed) {
            return "the best candidate did not hold up when it was verified again".into();
        }
        format!("the {} candidate(s) measured were slower, or not faster than the timing noise", candidates.iter().filter(|s| s.metric.is_some()).count())
    }

    /// True when the verified result beats the baseline.
    pub fn improved(&self) -> bool {
        match (self.baseline_metric, self.best_metric, &self.verification) {
            (Some(base), Some(best), Some(v)) => v.passed && self.goal.is_better(best, base) && !self.diff.is_empty(),
            _ => false,
        }
    }
}

pub fn format_seconds(seconds: f64) -> String {
    let s = seconds.abs();
    if s >= 3600.0 {
        format!("{:.1} h", seconds / 3600.0)
    } else if s >= 60.0 {
        format!("{:.1} min", seconds / 60.0)
    } else if s >= 1.0 {
        format!("{seconds:.2} s")
    } else if s >= 1e-3 {
        format!("{:.2} ms", seconds * 1e3)
    } else {
        format!("{:.1} µs", seconds * 1e6)
    }
}

fn metric_text(metric: &str, value: Option<f64>) -> String {
    match value {
        Some(v) if metric == "speedup" => format!("{v:.2}x"),
        Some(v) => format!("{v:.4} {metric}"),
        None => "no value".into(),
    }
}

/// The impact table rows: per call, per day, per month, money.
fn impact_rows(summary: &RunSummary, impact: &ImpactAssumptions) -> Option<Vec<[String; 4]>> {
    let v = summary.verification.as_ref()?;
    let before = v.baseline_seconds_per_call?;
    let after = v.best_seconds_per_call?;
    let day = |s: f64| s * impact.calls_per_day;
    let month = |s: f64| day(s) * 30.0;
    let money = |s: f64| month(s) / 3600.0 * impact.cost_per_hour;
    Some(vec![
        ["Time per call".into(), format_seconds(before), format_seconds(after), format_seconds(before - after)],
        ["Compute per day".into(), format_seconds(day(before)), format_seconds(day(after)), format_seconds(day(before - after))],
        ["Compute per month".into(), format_seconds(month(before)), format_seconds(month(after)), format_seconds(month(before - after))],
        ["Cost per month".into(), format!("${:.2}", money(before)), format!("${:.2}", money(after)), format!("${:.2}", money(before - after))],
    ])
}

/// Monthly savings in money, for the profile's history.
pub fn monthly_savings(summary: &RunSummary, impact: &ImpactAssumptions) -> Option<f64> {
    let v = summary.verification.as_ref()?;
    let saved = v.baseline_seconds_per_call? - v.best_seconds_per_call?;
    Some(saved * impact.calls_per_day * 30.0 / 3600.0 * impact.cost_per_hour)
}

fn first_line(text: &str) -> String {
    let line = text.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or("");
    if line.chars().count() > 140 { format!("{}…", line.chars().take(140).collect::<String>()) } else { line.to_string() }
}

fn step_verdict(summary: &RunSummary, step: &StepRecord) -> String {
    if let Some(error) = &step.error {
        return format!("failed: {}", first_line(error));
    }
    if let Some(reason) = &step.not_scored {
        return format!("not scored: {}", first_line(reason));
    }
    let Some(value) = step.metric else { return "no metric".into() };
    if step.step == 0 {
        return "baseline".into();
    }
    if Some(step.step) == summary.best_step {
        return "**winner**".into();
    }
    match (summary.best_metric, summary.baseline_metric) {
        (Some(best), _) if summary.goal.is_better(best, value) => {
            format!("measured {} against the winner's {}", metric_text(&summary.metric, Some(value)), metric_text(&summary.metric, Some(best)))
        }
        (_, Some(base)) if !summary.goal.is_better(value, base) => "no better than the baseline".into(),
        _ => "improved, later beaten".into(),
    }
}

/// Renders `report.md`.
pub fn render(summary: &RunSummary, impact: &ImpactAssumptions) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "# {}\n", summary.title);
    let _ = writeln!(out, "| | |\n|---|---|");
    let _ = writeln!(out, "| Date | {} |", summary.date);
    let _ = writeln!(out, "| File | `{}` |", summary.file);
    let _ = writeln!(out, "| Function | `{}` |", summary.function);
    let goal = match summary.goal {
        Goal::Maximize => "maximize",
        Goal::Minimize => "minimize",
    };
    let _ = writeln!(out, "| Metric | `{}` ({goal}) |", summary.metric);
    let _ = writeln!(out, "| Optimizer | {} ({}) |", summary.backend, summary.outcome);
    let _ = writeln!(out, "| Run time | {} |", format_seconds(summary.duration_seconds));
    let result = if summary.improved() {
        format!(
            "{} → {}",
            metric_text(&summary.metric, summary.baseline_metric),
            metric_text(&summary.metric, summary.verification.as_ref().and_then(|v| v.metric).or(summary.best_metric))
        )
    } else {
        "no verified improvement".into()
    };
    let _ = writeln!(out, "| Result | {result} |\n");

    if summary.improved() {
        let _ = writeln!(out, "## Impact\n");
        match impact_rows(summary, impact) {
            Some(rows) => {
                let _ = writeln!(out, "| | Before | After | Saved |\n|---|---|---|---|");
                for [a, b, c, d] in rows {
                    let _ = writeln!(out, "| {a} | {b} | {c} | {d} |");
                }
                let source =
                    if impact.inferred { "assumed (not given yet; set them in `.weco/profile.yaml` under `usage`)" } else { "from `.weco/profile.yaml`" };
                let _ = writeln!(out, "\nAt {} calls per day and ${:.2} per compute hour, {source}.\n", impact.calls_per_day, impact.cost_per_hour);
            }
            None => {
                let _ = writeln!(out, "The metric improved; no per-call timing was recorded to turn it into time and money.\n");
            }
        }
    } else {
        let _ = writeln!(out, "## No verified improvement\n");
        let _ = writeln!(out, "What happened: {}.\n", summary.why_no_win());
        let measured = summary.steps.iter().any(|s| s.step > 0 && s.metric.is_some());
        if summary.verification.as_ref().is_some_and(|v| !v.passed) {
            let _ = writeln!(
                out,
                "The best candidate looked faster during the search but not when it was verified again on inputs the search never saw, so the unchanged code is kept.\n"
            );
        } else if measured {
            let _ = writeln!(
                out,
                "Candidates ran and were checked but none was faster beyond the noise. This usually means one of:\n\n\
                 - the function is already well optimized for these inputs (gains would be incremental);\n\
                 - the time goes elsewhere (I/O, network, the callers), so profiling the whole call path is the next step;\n\
                 - the improvement needs changes beyond this one function (data structures, architecture): try **Consolidate for optimization**, or review the call graph.\n"
            );
        } else {
            let _ = writeln!(out, "This says nothing about how fast the function already is: no candidate was measured. The reason for each step is below.\n");
        }
    }

    let _ = writeln!(out, "## Approaches tried\n");
    let _ = writeln!(out, "| Step | Approach | {} | Outcome |\n|---|---|---|---|", summary.metric);
    for step in &summary.steps {
        let plan = step.plan.as_deref().map(first_line).unwrap_or_else(|| if step.step == 0 { "original code".into() } else { "-".into() });
        let _ =
            writeln!(out, "| {} | {} | {} | {} |", step.step, plan.replace('|', "\\|"), metric_text(&summary.metric, step.metric), step_verdict(summary, step));
    }
    if let Some(best_step) = summary.best_step.filter(|_| summary.improved()) {
        let plan = summary.steps.iter().find(|s| s.step == best_step).and_then(|s| s.plan.clone());
        let runner_up =
            summary.steps.iter().filter(|s| s.step != best_step && s.step != 0 && s.metric.is_some()).filter_map(|s| s.metric).fold(None::<f64>, |acc, m| {
                match acc {
                    Some(a) if !summary.goal.is_better(m, a) => Some(a),
                    _ => Some(m),
                }
            });
        let _ = writeln!(out, "\n### Why the winner won\n");
        let _ = writeln!(out, "{}", plan.map(|p| p.trim().to_string()).unwrap_or_else(|| "The optimizer gave no explanation for this step.".into()));
        match runner_up {
            Some(r) => {
                let _ = writeln!(
                    out,
                    "\nIt measured {} where the next best approach reached {}.",
                    metric_text(&summary.metric, summary.best_metric),
                    metric_text(&summary.metric, Some(r))
                );
            }
            None => {
                let _ = writeln!(out, "\nIt was the only candidate that beat the baseline.");
            }
        }
    }

    let _ = writeln!(out, "\n## What changed\n");
    if summary.diff.is_empty() {
        let _ = writeln!(out, "Nothing: the file is as it was.");
    } else {
        let _ = writeln!(out, "```diff\n{}```", summary.diff);
    }

    let _ = writeln!(out, "\n## Verification\n");
    match &summary.verification {
        Some(v) => {
            let _ = writeln!(out, "- Correctness: {} ({})", if v.passed { "passed" } else { "FAILED" }, v.checks);
            if let Some(cv) = v.cv {
                let _ = writeln!(
                    out,
                    "- Stability: coefficient of variation {:.1}% across interleaved rounds; a speedup is only reported above 1 + 2·CV.",
                    cv * 100.0
                );
            }
            let _ = writeln!(out, "- Inputs: {}", summary.inputs);
            if let Some(cache) = &v.cache {
                let _ = writeln!(out, "- Cache across calls: {cache}");
            }
        }
        None => {
            let _ = writeln!(out, "- The result was not re-measured (no candidate to verify).");
        }
    }
    let _ = writeln!(out, "\nRun the project's test suite after applying the change.");
    out
}

/// Today's date (UTC) as `YYYY-MM-DD`, without a calendar dependency.
pub fn today() -> String {
    let secs = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    civil_date(secs / 86_400)
}

/// Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
fn civil_date(days: u64) -> String {
    let z = days as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn summary() -> RunSummary {
        RunSummary {
            title: "Optimization of `dedupe` (speedup)".into(),
            date: "2026-11-30".into(),
            file: "shop/orders.py".into(),
            function: "dedupe".into(),
            metric: "speedup".into(),
            goal: Goal::Maximize,
            backend: "local engine (rules)".into(),
            outcome: "completed".into(),
            baseline_metric: Some(1.0),
            best_metric: Some(12.5),
            best_step: Some(2),
            steps: vec![
                StepRecord { step: 0, metric: Some(1.0), ..Default::default() },
                StepRecord { step: 1, plan: Some("Hoist regex".into()), metric: Some(1.0), ..Default::default() },
                StepRecord { step: 2, plan: Some("Use a set for membership tests".into()), metric: Some(12.5), ..Default::default() },
                StepRecord { step: 3, plan: Some("Comprehension".into()), error: Some("Constraint violated: results differ".into()), ..Default::default() },
            ],
            verification: Some(Verification {
                baseline_seconds_per_call: Some(0.010),
                best_seconds_per_call: Some(0.0008),
                cv: Some(0.01),
                metric: Some(12.4),
                checks: "outputs equal to the baseline".into(),
                passed: true,
                cache: None,
            }),
            diff: "-    seen = []\n+    seen = set()\n".into(),
            inputs: "synthesized from type hints".into(),
            duration_seconds: 42.0,
        }
    }

    #[test]
    fn a_win_reports_impact_approaches_and_why_it_won() {
        let impact = ImpactAssumptions { calls_per_day: 10_000.0, cost_per_hour: 1.0, inferred: true };
        let text = render(&summary(), &impact);
        for heading in ["## Impact", "## Approaches tried", "### Why the winner won", "## What changed", "## Verification"] {
            assert!(text.contains(heading), "missing {heading}:\n{text}");
        }
        assert!(text.contains("1.00x → 12.40x"), "{text}");
        assert!(text.contains("| Time per call | 10.00 ms | 800.0 µs | 9.20 ms |"), "{text}");
        assert!(text.contains("Use a set for membership tests") && text.contains("**winner**"));
        assert!(text.contains("failed: Constraint violated: results differ"));
        assert!(text.contains("assumed"), "inferred usage must be said");
        let saved = monthly_savings(&summary(), &impact).unwrap();
        assert!((saved - 0.0092 * 10_000.0 * 30.0 / 3600.0).abs() < 1e-9);
    }

    #[test]
    fn no_improvement_is_reported_honestly_with_next_steps() {
        let mut s = summary();
        s.best_metric = Some(1.0);
        s.best_step = None;
        s.diff.clear();
        let text = render(&s, &ImpactAssumptions { calls_per_day: 1.0, cost_per_hour: 1.0, inferred: false });
        assert!(text.contains("## No verified improvement") && text.contains("profiling"));
        assert!(!text.contains("## Impact"));
    }

    #[test]
    fn dates_are_computed_in_utc() {
        assert_eq!(civil_date(0), "1970-01-01");
        assert_eq!(civil_date(20_422), "2025-11-30");
        assert_eq!(today().len(), 10);
    }
}
