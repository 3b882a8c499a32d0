//! The local optimization engine: a tree search over candidates proposed by deterministic rewrites or an LLM.
//!
//! Step 0 evaluates the baseline; each next step asks the proposer for a candidate, evaluates it in an isolated
//! copy of the task folder (sequentially, so timings never overlap), and keeps the best. The winner is measured
//! once more before it is reported, and only a confirmed improvement is offered.

pub mod eval;
pub mod llm;
pub mod proposer;
pub mod rewrites;
pub mod runs;

use std::time::{Duration, Instant};

use tokio::sync::mpsc::UnboundedSender;
use tokio_util::sync::CancellationToken;

use self::eval::{EvalOutcome, EvalResult};
use self::proposer::{Proposal, Proposer, RulesProposer, SearchView};
use self::runs::{Node, NodeStatus, RunDir};
use crate::analysis::Language;
use crate::engine::{BestResult, EngineTask, OptimizerEvent, RunOutcome};

pub use self::llm::LlmSettings;

/// Where candidates come from.
#[derive(Debug, Clone)]
pub enum ProposerKind {
    /// The deterministic rewrite catalogue (offline, free).
    Rules,
    /// Any OpenAI-compatible chat-completions endpoint.
    Llm(LlmSettings),
}

const BACKEND: &str = "local";
const OUTPUT_TAIL_CHARS: usize = 4000;

/// Runs the search. Emits `Started` (once the run folder exists) and always ends with `Finished`.
pub async fn run_local(task: EngineTask, proposer: ProposerKind, events: UnboundedSender<OptimizerEvent>, cancel: CancellationToken) -> RunOutcome {
    let emit = |event: OptimizerEvent| {
        let _ = events.send(event);
    };
    let fail = |text: String| {
        emit(OptimizerEvent::Message { error: true, text: text.clone() });
        emit(OptimizerEvent::Finished { outcome: RunOutcome::Failed, best: None, message: Some(text) });
        RunOutcome::Failed
    };
    let baseline_code = match tokio::fs::read_to_string(task.dir.join(&task.source_file)).await {
        Ok(code) => code,
        Err(error) => return fail(format!("Could not read {}: {error}", task.source_file.display())),
    };
    let run = match RunDir::create(&task.dir, &task.source_file) {
        Ok(run) => run,
        Err(error) => {
            return fail(format!("Could not create the run folder under {}: {error}", task.dir.join(".runs").display()));
        }
    };
    let (proposer, proposer_name): (Box<dyn Proposer>, &str) = match proposer {
        ProposerKind::Rules => (Box::new(RulesProposer::new(Language::from_path(&task.source_file), task.function.clone())), "rules"),
        ProposerKind::Llm(settings) => (Box::new(llm::LlmProposer::new(settings, Language::from_path(&task.source_file))), "llm"),
    };
    emit(OptimizerEvent::Started { run_id: run.id.clone(), backend: BACKEND, total_steps: task.steps });
    let mut search =
        Search { task: &task, run, emit: &emit, cancel: &cancel, nodes: Vec::new(), best: 0, eval_time: Duration::ZERO, last_output: String::new() };
    let started = Instant::now();
    let outcome = search.run(baseline_code, proposer).await;
    let (outcome, best, message) = outcome;
    search.write_summary(proposer_name, outcome, best.as_ref(), started.elapsed());
    emit(OptimizerEvent::Finished { outcome, best, message });
    outcome
}

struct Search<'a, E: Fn(OptimizerEvent)> {
    task: &'a EngineTask,
    run: RunDir,
    emit: &'a E,
    cancel: &'a CancellationToken,
    nodes: Vec<Node>,
    best: u32,
    eval_time: Duration,
    last_output: String,
}

type Ending = (RunOutcome, Option<BestResult>, Option<String>);

impl<E: Fn(OptimizerEvent)> Search<'_, E> {
    async fn run(&mut self, baseline_code: String, mut proposer: Box<dyn Proposer>) -> Ending {
        let metric_name = self.task.metric.clone();
        match self.step(0, None, None, baseline_code).await {
            Some(Some(_)) => {}
            Some(None) => {
                let error = self.nodes[0].error.clone().unwrap_or_default();
                return (RunOutcome::Failed, None, Some(format!("The baseline (step 0) failed, so nothing can be compared: {error}")));
            }
            None => return self.cancelled(),
        }
        for step in 1..=self.task.steps {
            if self.cancel.is_cancelled() {
                return self.cancelled();
            }
            let view = self.view(step);
            let asked = tokio::task::spawn_blocking(move || {
                let proposal = proposer.propose(&view);
                (proposer, proposal)
            });
            let proposal = tokio::select! {
                joined = asked => match joined {
                    Ok((returned, proposal)) => { proposer = returned; proposal }
                    Err(error) => return self.failed(format!("The proposer crashed: {error}")),
                },
                _ = self.cancel.cancelled() => return self.cancelled(),
            };
            match proposal {
                Proposal::Exhausted => {
                    (self.emit)(OptimizerEvent::Message { error: false, text: format!("The proposer has nothing new to try after step {}.", step - 1) });
                    break;
                }
                Proposal::Failed { parent, plan, error } => self.proposal_failed(step, parent, plan, error),
                Proposal::Candidate { parent, plan, code } => {
                    if self.step(step, Some(parent), plan, code).await.is_none() {
                        return self.cancelled();
                    }
                }
            }
        }
        self.finish_with_confirmation(&metric_name).await
    }

    fn view(&self, next_step: u32) -> SearchView {
        let tail_start = self.last_output.char_indices().rev().nth(OUTPUT_TAIL_CHARS).map_or(0, |(i, _)| i);
        SearchView {
            nodes: self.nodes.clone(),
            best: self.best,
            goal: self.task.goal,
            metric: self.task.metric.clone(),
            next_step,
            last_output_tail: self.last_output[tail_start..].to_string(),
            additional_instructions: self.task.additional_instructions.clone(),
            function: self.task.function.clone(),
            source_file: self.task.source_file.to_string_lossy().into_owned(),
        }
    }

    fn persist_nodes(&self) {
        if let Err(error) = self.run.write_nodes(&self.nodes) {
            tracing::warn!("could not write nodes.json: {error}");
        }
    }

    fn best_metric(&self) -> Option<f64> {
        self.nodes.get(self.best as usize).and_then(|n| n.metric)
    }

    /// Evaluates one candidate as step `step`. `None`: cancelled. `Some(metric)` otherwise.
    async fn step(&mut self, step: u32, parent: Option<u32>, plan: Option<String>, code: String) -> Option<Option<f64>> {
        (self.emit)(OptimizerEvent::StepStarted { step });
        (self.emit)(OptimizerEvent::Candidate { step, plan: plan.clone() });
        self.nodes.push(Node { id: step, parent, plan, metric: None, status: NodeStatus::Running, error: None, eval_seconds: 0.0, code });
        if let Err(error) = self.run.write_step(step, &self.nodes[step as usize].code) {
            tracing::warn!("could not write the step {step} snapshot: {error}");
        }
        self.persist_nodes();
        let result = self.evaluate(step, &format!("step_{step}"), "step_").await;
        let node = &mut self.nodes[step as usize];
        node.eval_seconds = result.elapsed.as_secs_f64();
        let metric = match result.outcome {
            EvalOutcome::Cancelled => {
                node.status = NodeStatus::Failed;
                node.error = Some("Cancelled".into());
                self.persist_nodes();
                return None;
            }
            EvalOutcome::Metric(value) => {
                node.status = NodeStatus::Evaluated;
                node.metric = Some(value);
                let beats = self.best_metric().is_none_or(|best| self.task.goal.is_better(value, best));
                if step == 0 || beats {
                    self.best = step;
                }
                let best = self.best_metric().unwrap_or(value);
                (self.emit)(OptimizerEvent::Metric { step, value, best });
                Some(value)
            }
            EvalOutcome::Failed(error) => {
                node.status = NodeStatus::Failed;
                node.error = Some(error.clone());
                (self.emit)(OptimizerEvent::StepFailed { step, error });
                None
            }
        };
        self.persist_nodes();
        Some(metric)
    }

    /// Runs the eval in a scratch copy, records its output under `outputs/<name>.out.txt`.
    async fn evaluate(&mut self, step: u32, output_name: &str, scratch_label: &str) -> EvalResult {
        let code = self.nodes[step as usize].code.clone();
        let scratch = eval::scratch_dir(&self.run.root, step, scratch_label);
        let result = eval::evaluate(self.task, &code, &scratch, self.cancel).await;
        self.eval_time += result.elapsed;
        if let Err(error) = self.run.write_output(step, output_name, &result.output) {
            tracing::warn!("could not write the output of step {step}: {error}");
        }
        if result.outcome != EvalOutcome::Cancelled {
            (self.emit)(OptimizerEvent::EvalOutput { step, output: result.output.clone() });
        }
        self.last_output = result.output.clone();
        result
    }

    fn proposal_failed(&mut self, step: u32, parent: u32, plan: Option<String>, error: String) {
        (self.emit)(OptimizerEvent::StepStarted { step });
        (self.emit)(OptimizerEvent::Candidate { step, plan: plan.clone() });
        self.nodes.push(Node {
            id: step,
            parent: Some(parent),
            plan,
            metric: None,
            status: NodeStatus::Failed,
            error: Some(error.clone()),
            eval_seconds: 0.0,
            code: String::new(),
        });
        (self.emit)(OptimizerEvent::StepFailed { step, error });
        self.persist_nodes();
    }

    fn best_result(&self, metric: f64) -> Option<BestResult> {
        let node = self.nodes.get(self.best as usize).filter(|n| n.id != 0)?;
        Some(BestResult { step: node.id, metric, code: node.code.clone(), plan: node.plan.clone() })
    }

    fn cancelled(&mut self) -> Ending {
        let best = self.best_metric().and_then(|metric| self.best_result(metric));
        let at = self.nodes.len().saturating_sub(1);
        (RunOutcome::Cancelled, best, Some(format!("Cancelled during step {at}.")))
    }

    fn failed(&mut self, text: String) -> Ending {
        (self.emit)(OptimizerEvent::Message { error: true, text: text.clone() });
        let best = self.best_metric().and_then(|metric| self.best_result(metric));
        (RunOutcome::Failed, best, Some(text))
    }

    /// Re-measures the best candidate; only a result that still beats the baseline is offered.
    async fn finish_with_confirmation(&mut self, metric_name: &str) -> Ending {
        let baseline = self.nodes[0].metric.unwrap_or_default();
        let (Some(found), true) = (self.best_metric(), self.best != 0) else {
            return (RunOutcome::Completed, None, Some(format!("No candidate beat the baseline ({metric_name} {baseline}).")));
        };
        let step = self.best;
        (self.emit)(OptimizerEvent::Message { error: false, text: format!("Re-measuring step {step} ({metric_name} {found}) against the baseline.") });
        let result = self.evaluate(step, &format!("confirm_step_{step}"), "confirm_").await;
        match result.outcome {
            EvalOutcome::Cancelled => self.cancelled(),
            EvalOutcome::Metric(again) if self.task.goal.is_better(again, baseline) => {
                // Report the less favourable of the two measurements.
                let metric = if self.task.goal.is_better(again, found) { found } else { again };
                let best = self.best_result(metric);
                if let Err(error) = self.run.write_best(step, &self.nodes[step as usize].code) {
                    tracing::warn!("could not write best/: {error}");
                }
                let message = format!("Best: step {step}, {metric_name} {metric} (baseline {baseline}; measured {found}, then {again}).");
                (RunOutcome::Completed, best, Some(message))
            }
            EvalOutcome::Metric(again) => (
                RunOutcome::Completed,
                None,
                Some(format!(
                    "Step {step} measured {metric_name} {found} but only {again} when re-measured, not better than the baseline ({baseline}): no improvement."
                )),
            ),
            EvalOutcome::Failed(error) => {
                (RunOutcome::Completed, None, Some(format!("Step {step} failed when re-measured ({error}): no improvement is offered.")))
            }
        }
    }

    fn write_summary(&self, proposer: &str, outcome: RunOutcome, best: Option<&BestResult>, wall: Duration) {
        let summary = serde_json::json!({
            "run_id": self.run.id,
            "backend": BACKEND,
            "proposer": proposer,
            "source_file": self.task.source_file.to_string_lossy(),
            "function": self.task.function,
            "metric": self.task.metric,
            "goal": self.task.goal,
            "outcome": outcome,
            "baseline_metric": self.nodes.first().and_then(|n| n.metric),
            "best_step": best.map(|b| b.step),
            "best_metric": best.map(|b| b.metric),
            "steps_run": self.nodes.len(),
            "wall_seconds": wall.as_secs_f64(),
            "eval_seconds": self.eval_time.as_secs_f64(),
        });
        if let Err(error) = self.run.write_summary(&summary) {
            tracing::warn!("could not write run.json: {error}");
        }
        self.persist_nodes();
    }
}

#[cfg(test)]
mod tests;
