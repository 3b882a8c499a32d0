//! Benchmark for the language server foundation: whole-file analysis against a bare tree-sitter
//! parse, incremental `didChange` work, project indexing and memory, on large pinned real files.
//!
//! Inputs come from `bench/fetch.sh`; `bench/run.sh` fetches, builds in release and runs this.
//! Everything is measured in one run, interleaved where ratios are taken, because the machine is
//! shared and noisy: only numbers measured side by side are compared. Prints Markdown tables.
//! Settings (environment): BENCH_DATA (default `bench/data`), BENCH_REPS (whole-file repetitions,
//! 30), BENCH_EDITS (edits per file, 200 in process, a quarter of that end to end), BENCH_INDEX_REPS
//! (5), WECO_LSP_BIN (default `target/release/weco-lsp`).

mod end_to_end;
mod in_process;
mod inputs;
mod stats;

use std::io::Write;
use std::path::{Path, PathBuf};

const ANALYSIS_OVER_PARSE_TARGET: f64 = 1.5;
const INCREMENTAL_MEDIAN_TARGET_MS: f64 = 5.0;
const INDEX_TARGET_S: f64 = 3.0;
const MEMORY_TARGET_MB: f64 = 150.0;

fn main() {
    if let Err(e) = run() {
        let _ = writeln!(std::io::stderr(), "benchmark failed: {e}");
        std::process::exit(1);
    }
}

fn setting(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}

fn run() -> Result<(), String> {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf();
    let data = std::env::var_os("BENCH_DATA").map(PathBuf::from).unwrap_or_else(|| workspace.join("bench/data"));
    let binary = std::env::var_os("WECO_LSP_BIN").map(PathBuf::from).unwrap_or_else(|| {
        let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace.join("target"));
        target.join("release/weco-lsp")
    });
    let repetitions = setting("BENCH_REPS", 30);
    let edits = setting("BENCH_EDITS", 200);
    let e2e_edits = (edits / 4).max(10);
    let index_repetitions = setting("BENCH_INDEX_REPS", 5);
    let sympy = data.join("sympy-1.13.3");
    let inputs = inputs::load_all(&data)?;
    if !sympy.join("sympy").is_dir() {
        return Err(format!("{} is missing (run bench/fetch.sh)", sympy.display()));
    }

    let mut out = std::io::stdout().lock();
    let mut say = |line: String| {
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    };
    say(format!("cores seen: {}; load average at start: {}", cores(), load_average()));
    say(String::new());

    say(format!("#### Whole-file analysis vs bare tree-sitter parse ({repetitions} interleaved repetitions, medians)"));
    say(String::new());
    say("| file | lines | bare parse ms | parse + analysis ms | ratio of medians | median paired ratio | median paired thread-CPU ratio | target ≤ 1.5x |"
        .into());
    say("|---|---:|---:|---:|---:|---:|---:|---|".into());
    for input in &inputs {
        let whole = in_process::whole_file(input, repetitions);
        let ratio = whole.ratio_of_medians();
        say(format!(
            "| {} | {} | {:.2} | {:.2} | {:.2}x | {:.2}x | {:.2}x | {} |",
            input.name,
            input.lines(),
            whole.bare_parse.median_ms(),
            whole.parse_and_analysis.median_ms(),
            ratio,
            whole.median_paired_ratio(),
            whole.median_paired_cpu_ratio(),
            verdict(ratio <= ANALYSIS_OVER_PARSE_TARGET)
        ));
    }
    say(String::new());

    say(format!("#### Incremental edit in process: `DocumentStore::change`, one character typed / deleted ({edits} edits)"));
    say(String::new());
    say("| file | change median ms | change p95 ms | change thread-CPU median ms | of which reparse median ms | incremental re-analysis median ms | whole-file re-analysis median ms (same edits, interleaved) | bare walk of all nodes median ms | target median < 5 ms |".into());
    say("|---|---:|---:|---:|---:|---:|---:|---:|---|".into());
    for input in &inputs {
        let inc = in_process::incremental(input, edits);
        let median = inc.store_change.median_ms();
        say(format!(
            "| {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {} |",
            input.name,
            median,
            inc.store_change.p95_ms(),
            inc.store_change_cpu.median_ms(),
            inc.reparse.median_ms(),
            inc.incremental_analysis.median_ms(),
            inc.analysis.median_ms(),
            inc.tree_walk.median_ms(),
            verdict(median < INCREMENTAL_MEDIAN_TARGET_MS)
        ));
    }
    say(String::new());

    say(format!("#### Indexing sympy 1.13.3 with `workspace::build_index` ({index_repetitions} interleaved repetitions)"));
    say(String::new());
    let indexing = in_process::index(&sympy, index_repetitions);
    say("| threads | files indexed / found | lines | median wall s | min wall s | CPU s (all threads) | target < 3 s on 2 cores |".into());
    say("|---:|---:|---:|---:|---:|---:|---|".into());
    for (threads, samples) in [(2, &indexing.two_threads), (1, &indexing.one_thread)] {
        let seconds = samples.median_ms() / 1000.0;
        let (target, cpu) = if threads == 2 {
            (verdict(seconds < INDEX_TARGET_S), format!("{:.2}", indexing.two_threads_cpu.median_ms() / 1000.0))
        } else {
            ("(reference)", "".into())
        };
        say(format!(
            "| {threads} | {} / {} | {} | {:.2} | {:.2} | {cpu} | {target} |",
            indexing.files_indexed,
            indexing.files_found,
            indexing.lines,
            seconds,
            samples.min_ms() / 1000.0
        ));
    }
    say(String::new());

    say(format!("#### End to end through `{}` (sympy 1.13.3 as the workspace)", binary.display()));
    say(String::new());
    let log = std::env::temp_dir().join(format!("weco-lsp-bench-{}.log", std::process::id()));
    let mut session = end_to_end::start(&binary, &sympy, &log)?;
    let (rss_indexed, _) = session.server.memory_mib()?;
    say(format!(
        "- initialized → codeLens/refresh (workspace indexed, {} files, server threads = cores): {:.2} s",
        session.indexed_files.map_or("?".into(), |n| n.to_string()),
        session.index_time.as_secs_f64()
    ));
    say(format!("- VmRSS after indexing, nothing open: {:.1} MiB", rss_indexed));
    say(String::new());
    say("| file | didOpen → diagnostics ms | didChange → diagnostics median ms | p95 ms | didChange → diagnostics + codeLens median ms | p95 ms | lenses | edits |".into());
    say("|---|---:|---:|---:|---:|---:|---:|---:|".into());
    let mut memory = None;
    for input in &inputs {
        let latency = end_to_end::edit_latency(&mut session.server, input, e2e_edits)?;
        if memory.is_none() {
            memory = Some(session.server.memory_mib()?);
        }
        say(format!(
            "| {} | {:.1} | {:.2} | {:.2} | {:.2} | {:.2} | {} | {} |",
            input.name,
            latency.open.as_secs_f64() * 1000.0,
            latency.diagnostics.median_ms(),
            latency.diagnostics.p95_ms(),
            latency.diagnostics_and_lenses.median_ms(),
            latency.diagnostics_and_lenses.p95_ms(),
            latency.lenses,
            latency.diagnostics.len()
        ));
    }
    let (rss, hwm) = memory.expect("at least one input");
    let rss_mb = rss * 1024.0 * 1024.0 / 1e6;
    say(String::new());
    say(format!(
        "- server memory with sympy indexed and {} open: VmRSS {:.1} MiB ({:.1} MB), peak VmHWM {:.1} MiB — target < 150 MB: {}",
        inputs[0].name,
        rss,
        rss_mb,
        hwm,
        verdict(rss_mb < MEMORY_TARGET_MB)
    ));
    session.server.shutdown();
    let _ = std::fs::remove_file(&log);
    say(format!("- load average at end: {}", load_average()));
    Ok(())
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, |n| n.get())
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg").map(|l| l.split_whitespace().take(3).collect::<Vec<_>>().join(" ")).unwrap_or_default()
}
