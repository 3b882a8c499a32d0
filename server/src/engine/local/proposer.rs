//! What a proposer is (given the search tree so far, produce the next candidate) and the deterministic
//! `rules` proposer built on the rewrite catalogue.

use std::collections::{HashMap, HashSet};

use super::rewrites::{self, Rewrite};
use super::runs::{Node, NodeStatus};
use crate::analysis::Language;
use crate::engine::Goal;

/// A read-only snapshot of the search, handed to the proposer (it may run on a blocking thread).
#[derive(Debug, Clone)]
pub struct SearchView {
    /// Every node so far, step order; `nodes[0]` is the baseline.
    pub nodes: Vec<Node>,
    /// Step of the best evaluated node (0 while nothing beat the baseline).
    pub best: u32,
    pub goal: Goal,
    pub metric: String,
    /// The step the proposal will become.
    pub next_step: u32,
    /// The end of the most recent evaluation output.
    pub last_output_tail: String,
    pub additional_instructions: Option<String>,
    pub function: Option<String>,
    pub source_file: String,
}

impl SearchView {
    pub fn node(&self, step: u32) -> Option<&Node> {
        self.nodes.get(step as usize)
    }

    pub fn baseline_metric(&self) -> Option<f64> {
        self.nodes.first().and_then(|n| n.metric)
    }
}

/// The next thing to evaluate.
#[derive(Debug, Clone, PartialEq)]
pub enum Proposal {
    Candidate {
        parent: u32,
        plan: Option<String>,
        code: String,
    },
    /// The proposer tried and produced nothing usable (bad reply, HTTP error): a failed node, not a crash.
    Failed {
        parent: u32,
        plan: Option<String>,
        error: String,
    },
    /// Nothing new to offer: the search ends.
    Exhausted,
}

pub trait Proposer: Send {
    fn propose(&mut self, view: &SearchView) -> Proposal;
}

/// Tries every applicable rewrite on the baseline, then stacks the ones that helped on top of the best node.
pub struct RulesProposer {
    function: Option<String>,
    catalogue: Vec<&'static Rewrite>,
    next_single: usize,
    seen_code: HashSet<String>,
    /// Rewrites contained in each proposed node.
    applied: HashMap<u32, Vec<&'static str>>,
}

impl RulesProposer {
    pub fn new(language: Option<Language>, function: Option<String>) -> RulesProposer {
        RulesProposer {
            function,
            catalogue: language.map(rewrites::catalogue).unwrap_or_default(),
            next_single: 0,
            seen_code: HashSet::new(),
            applied: HashMap::from([(0, Vec::new())]),
        }
    }

    fn fresh(&mut self, code: &str) -> bool {
        self.seen_code.insert(code.to_string())
    }

    fn improves(view: &SearchView, node: &Node) -> bool {
        match (node.status, node.metric, view.baseline_metric()) {
            (NodeStatus::Evaluated, Some(value), Some(baseline)) => view.goal.is_better(value, baseline),
            _ => false,
        }
    }
}

impl Proposer for RulesProposer {
    fn propose(&mut self, view: &SearchView) -> Proposal {
        let Some(baseline) = view.node(0) else { return Proposal::Exhausted };
        let baseline_code = baseline.code.clone();
        self.seen_code.insert(baseline_code.clone());
        while let Some(rewrite) = self.catalogue.get(self.next_single).copied() {
            self.next_single += 1;
            let Some(code) = (rewrite.apply)(&baseline_code, self.function.as_deref()) else { continue };
            if self.fresh(&code) {
                self.applied.insert(view.next_step, vec![rewrite.id]);
                return Proposal::Candidate { parent: 0, plan: Some(format!("[{}] {}", rewrite.id, rewrite.summary)), code };
            }
        }
        // Combinations: rewrites that helped alone, best first, applied on top of the best node so far.
        let mut helpful: Vec<(&'static Rewrite, f64)> = view
            .nodes
            .iter()
            .filter(|node| Self::improves(view, node))
            .filter_map(|node| match self.applied.get(&node.id).map(Vec::as_slice) {
                Some([id]) => self.catalogue.iter().find(|r| r.id == *id).map(|r| (*r, node.metric.unwrap_or_default())),
                _ => None,
            })
            .collect();
        helpful.sort_by(|a, b| {
            let order = a.1.partial_cmp(&b.1).unwrap_or(std::cmp::Ordering::Equal);
            if view.goal == Goal::Maximize { order.reverse() } else { order }
        });
        let Some(best) = view.node(view.best) else { return Proposal::Exhausted };
        let best_code = best.code.clone();
        let in_best = self.applied.get(&view.best).cloned().unwrap_or_default();
        for (rewrite, _) in helpful {
            if in_best.contains(&rewrite.id) {
                continue;
            }
            let Some(code) = (rewrite.apply)(&best_code, self.function.as_deref()) else { continue };
            if self.fresh(&code) {
                let mut combined = in_best.clone();
                combined.push(rewrite.id);
                let plan = format!("[{}] Combine rewrites that each helped: {}", combined.join(" + "), rewrite.summary);
                self.applied.insert(view.next_step, combined);
                return Proposal::Candidate { parent: view.best, plan: Some(plan), code };
            }
        }
        Proposal::Exhausted
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(id: u32, code: &str, metric: Option<f64>) -> Node {
        Node {
            id,
            parent: (id > 0).then_some(0),
            plan: None,
            metric,
            status: if metric.is_some() { NodeStatus::Evaluated } else { NodeStatus::Failed },
            error: None,
            eval_seconds: 0.0,
            code: code.to_string(),
        }
    }

    fn view(nodes: Vec<Node>, best: u32) -> SearchView {
        SearchView {
            next_step: nodes.len() as u32,
            nodes,
            best,
            goal: Goal::Maximize,
            metric: "speedup".into(),
            last_output_tail: String::new(),
            additional_instructions: None,
            function: None,
            source_file: "optimize.py".into(),
        }
    }

    #[test]
    fn rules_try_singles_then_combine_the_helpful_ones_then_stop() {
        let baseline = "def f(a, b):\n    s = \"\"\n    for x in a:\n        if x in b:\n            s += str(x)\n    return s\n";
        let mut proposer = RulesProposer::new(Some(Language::Python), Some("f".into()));
        let mut nodes = vec![node(0, baseline, Some(1.0))];
        let mut plans = Vec::new();
        loop {
            let best = nodes.iter().max_by(|a, b| a.metric.partial_cmp(&b.metric).unwrap()).map(|n| n.id).unwrap();
            match proposer.propose(&view(nodes.clone(), best)) {
                Proposal::Candidate { code, plan, .. } => {
                    let metric = 1.0 + code.matches("_set").count() as f64 + code.matches("join").count() as f64 * 0.5;
                    plans.push(plan.unwrap_or_default());
                    let id = nodes.len() as u32;
                    nodes.push(node(id, &code, Some(metric)));
                }
                Proposal::Exhausted => break,
                Proposal::Failed { error, .. } => panic!("rules never fail: {error}"),
            }
            assert!(nodes.len() < 20, "the rules proposer must run out");
        }
        assert!(plans.iter().any(|p| p.starts_with("[python-membership-set]")), "{plans:?}");
        assert!(plans.iter().any(|p| p.starts_with("[python-string-join]")), "{plans:?}");
        assert!(nodes.iter().any(|n| n.code.contains("_set") && n.code.contains("join")), "a combination was tried");
        assert!(plans.iter().any(|p| p.contains(" + ")), "{plans:?}");
    }

    #[test]
    fn rules_for_unknown_languages_are_exhausted_immediately() {
        let mut proposer = RulesProposer::new(None, None);
        assert_eq!(proposer.propose(&view(vec![node(0, "x", Some(1.0))], 0)), Proposal::Exhausted);
    }
}
