//! Benchmark of the local engine (`rules` proposer) over slow Python functions: verified speedup, time taken,
//! and orchestration overhead (engine wall time minus eval-command time) next to eval time.
//! Run with `bench/local_engine.sh`.

use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

use tokio_util::sync::CancellationToken;
use weco_lsp::engine::local::{ProposerKind, run_local};
use weco_lsp::engine::{EngineTask, Goal, OptimizerEvent};

struct Case {
    function: &'static str,
    source: &'static str,
    inputs: &'static str,
}

const CASES: &[Case] = &[
    Case {
        function: "common",
        source: "def common(a, b):\n    out = []\n    for x in a:\n        if x in b:\n            out.append(x)\n    return out\n",
        inputs: "[(list(range(2000)), list(range(0, 4000, 2)))]",
    },
    Case { function: "fib", source: "def fib(n):\n    if n < 2:\n        return n\n    return fib(n - 1) + fib(n - 2)\n", inputs: "[(24,)]" },
    Case {
        function: "drain",
        source: "def drain(n):\n    queue = list(range(n))\n    total = 0\n    while queue:\n        total += queue.pop(0)\n    return total\n",
        inputs: "[(60000,)]",
    },
    Case {
        function: "smallest_each",
        source: "def smallest_each(rows):\n    out = []\n    for row in rows:\n        out.append(sorted(row)[0])\n    return out\n",
        inputs: "[([[(i * 7919 + j * 104729) % 100003 for i in range(3000)] for j in range(150)],)]",
    },
    Case {
        function: "count_words",
        source: "import re\n\n\ndef count_words(lines):\n    total = 0\n    for line in lines:\n        total += len(re.findall(r\"[a-z]+\", line))\n    return total\n",
        inputs: "[([\"the quick brown fox jumps\"] * 40000,)]",
    },
    Case {
        function: "render",
        source: "def render(n):\n    s = \"\"\n    for i in range(n):\n        s += str(i)\n        s += \",\"\n    return s\n",
        inputs: "[(200000,)]",
    },
];

fn prepare(dir: &Path, case: &Case) -> std::io::Result<()> {
    std::fs::write(dir.join("optimize.py"), case.source)?;
    std::fs::write(dir.join("baseline.py"), case.source)?;
    let cases = format!("FUNCTION = {:?}\n\n\ndef inputs():\n    return {}\n", case.function, case.inputs);
    std::fs::write(dir.join("cases.py"), cases)?;
    std::fs::write(dir.join("evaluate.py"), include_str!("harness/evaluate.py"))?;
    std::fs::write(dir.join("evaluate.sh"), include_str!("harness/evaluate.sh"))
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let steps: u32 = std::env::args().nth(1).and_then(|s| s.parse().ok()).unwrap_or(8);
    let mut out = std::io::stdout().lock();
    writeln!(out, "local engine benchmark (rules proposer, up to {steps} steps, sequential evals)")?;
    writeln!(
        out,
        "{:<14} {:>9} {:>7} {:>8} {:>8} {:>9} {:>11} {:>9}  plan",
        "function", "speedup", "steps", "wall s", "eval s", "overhead", "ovh/step ms", "ovh %"
    )?;
    let (mut total_wall, mut total_eval) = (0.0, 0.0);
    for case in CASES {
        let dir = tempfile::tempdir()?;
        prepare(dir.path(), case)?;
        let task = EngineTask {
            dir: dir.path().to_path_buf(),
            source_file: "optimize.py".into(),
            eval_command: "bash evaluate.sh".into(),
            metric: "speedup".into(),
            goal: Goal::Maximize,
            steps,
            eval_timeout: Duration::from_secs(300),
            additional_instructions: None,
            model: None,
            function: Some(case.function.into()),
            sandbox: weco_lsp::config::SandboxMode::Auto,
        };
        let (sender, mut receiver) = tokio::sync::mpsc::unbounded_channel();
        let started = Instant::now();
        run_local(task, ProposerKind::Rules, sender, CancellationToken::new()).await;
        let taken = started.elapsed().as_secs_f64();
        let mut run_id = String::new();
        let mut best = None;
        while let Ok(event) = receiver.try_recv() {
            match event {
                OptimizerEvent::Started { run_id: id, .. } => run_id = id,
                OptimizerEvent::Finished { best: found, .. } => best = found,
                _ => {}
            }
        }
        let summary_path = dir.path().join(".runs").join(&run_id).join("run.json");
        let summary: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(summary_path)?)?;
        let wall = summary["wall_seconds"].as_f64().unwrap_or(taken);
        let eval = summary["eval_seconds"].as_f64().unwrap_or(0.0);
        // Every evaluation: the steps plus the confirming re-measure when there was a winner.
        let evaluations = summary["steps_run"].as_u64().unwrap_or(1) as f64 + f64::from(u8::from(best.is_some()));
        let overhead = wall - eval;
        total_wall += wall;
        total_eval += eval;
        let (speedup, plan) = match &best {
            Some(best) => (format!("{:.2}x", best.metric), best.plan.clone().unwrap_or_default()),
            None => ("none".to_string(), String::new()),
        };
        let plan: String = plan.chars().take(60).collect();
        writeln!(
            out,
            "{:<14} {:>9} {:>7} {:>8.2} {:>8.2} {:>8.3}s {:>11.1} {:>8.2}%  {plan}",
            case.function,
            speedup,
            summary["steps_run"],
            wall,
            eval,
            overhead,
            overhead / evaluations * 1000.0,
            overhead / wall * 100.0
        )?;
    }
    writeln!(
        out,
        "total: wall {total_wall:.2}s, eval {total_eval:.2}s, orchestration overhead {:.3}s = {:.2}% of wall time",
        total_wall - total_eval,
        (total_wall - total_eval) / total_wall * 100.0
    )?;
    Ok(())
}
