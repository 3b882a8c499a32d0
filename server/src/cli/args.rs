//! The command line's grammar, parsed by clap: every subcommand and option with its help text, so that
//! `--help` works everywhere, unknown options are refused by name and bad values exit 2 with the choices.
//! Why clap and not our own loop: it gives per-subcommand help, suggestions for misspelled options and
//! conventional error output for free, and it is what rust-analyzer, ruff and typos use.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::config::{Backend, Metric, SandboxMode};
use crate::task::Placement;

/// The exit codes of `init` and `optimize`, shown under their help and in the README.
pub const EXIT_CODES: &str = "Exit codes:\n  \
    0  it ran (with or without a verified improvement)\n  \
    1  it ran, found no verified improvement, and --fail-if-no-win was given\n  \
    2  it could not run: bad arguments, no project folder, no inputs, the baseline rejected by the A/A gate, weco unusable, cancelled";

/// `weco-lsp --version`: the release, the commit it was built from, and the weco CLI release it was tested with.
pub const VERSION: &str = concat!(env!("CARGO_PKG_VERSION"), " (", env!("WECO_LSP_COMMIT"), "; tested with weco 0.4.0)");

#[derive(Debug, Parser)]
#[command(name = "weco-lsp", version = VERSION, args_conflicts_with_subcommands = true, about = "Find code worth optimizing and optimize it with measured runs.", long_about = None)]
pub struct Cli {
    /// Serve the Language Server Protocol over stdio (also what no command does; editors pass it).
    #[arg(long)]
    pub stdio: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List functions worth optimizing, with the reasons (and measured time with --profile).
    Analyze(AnalyzeArgs),
    /// Set up .weco/<task>/ and measure the baseline (the A/A gate), without optimizing.
    #[command(after_help = EXIT_CODES)]
    Init(InitArgs),
    /// Optimize one function in a terminal; --apply writes the verified result.
    #[command(after_help = EXIT_CODES)]
    Optimize(OptimizeArgs),
    /// Write one self-contained file with the function and the project code it uses.
    Consolidate(ConsolidateArgs),
    /// List the guidance documents, or print one.
    Rules(RulesArgs),
}

#[derive(Debug, Args)]
pub struct AnalyzeArgs {
    /// Files or folders to analyze.
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// One JSON object per function, a line each.
    #[arg(long)]
    pub json: bool,
    /// A profile to rank by measured time: cProfile .prof/.pstats, speedscope or pyinstrument JSON, folded
    /// stacks (py-spy, austin). Repeatable.
    #[arg(long, value_name = "FILE")]
    pub profile: Vec<PathBuf>,
    /// Only functions whose lines changed (git).
    #[arg(long)]
    pub changed: bool,
    /// What --changed compares against: HEAD, index or merge-base.
    #[arg(long, value_name = "BASE", default_value = "HEAD", value_parser = super::changed::Base::parse)]
    pub base: super::changed::Base,
}

/// What `init` and `optimize` share: the target and how its task is set up and measured.
#[derive(Debug, Args)]
pub struct TaskArgs {
    /// The function: path/to/file.py::name, file.py::Class.method or src/lib.rs::name.
    #[arg(value_name = "FILE::FUNCTION")]
    pub target: String,
    /// What to optimize for.
    #[arg(long, value_enum, default_value_t = MetricArg::Speedup)]
    pub metric: MetricArg,
    /// Isolated: candidates live in .weco/<task>/ (recommended). In place: your file is rewritten during
    /// evaluations and restored after, with <file>.backup (this flag is the explicit consent).
    #[arg(long, value_enum, default_value_t = WorkspaceArg::Isolated)]
    pub workspace: WorkspaceArg,
    /// Vibe goes straight on; Assistant Scientist runs a 1-step validation first.
    #[arg(long, value_enum, default_value_t = ModeArg::Vibe)]
    pub mode: ModeArg,
    /// Set up a new task folder even when an earlier one for this function exists (its make_inputs() is
    /// otherwise reused).
    #[arg(long)]
    pub fresh: bool,
    /// Seconds one evaluation may take.
    #[arg(long, value_name = "SECONDS")]
    pub eval_timeout: Option<u64>,
    /// How evaluations are isolated: auto (sandbox, no network), network (sandbox with network), off.
    #[arg(long, value_enum, default_value_t = SandboxArg::Auto)]
    pub sandbox: SandboxArg,
    /// One JSON object per line on stdout (messages and the run's facts), for scripts and CI.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub task: TaskArgs,
}

#[derive(Debug, Args)]
pub struct OptimizeArgs {
    #[command(flatten)]
    pub task: TaskArgs,
    #[command(flatten)]
    pub search: SearchArgs,
}

/// What only `optimize` has: the search and what happens with its result.
#[derive(Debug, Args)]
pub struct SearchArgs {
    /// Who proposes candidates: weco (the cloud optimizer), local (the offline engine), auto (weco when it
    /// is installed and logged in, else local).
    #[arg(long, value_enum, default_value_t = BackendArg::Auto)]
    pub backend: BackendArg,
    /// How many candidates to try.
    #[arg(long, short = 'n', value_name = "N")]
    pub steps: Option<u32>,
    /// Extra guidance for the optimizer (weco's --additional-instructions).
    #[arg(long, short = 'i', value_name = "TEXT")]
    pub additional_instructions: Option<String>,
    /// An OpenAI-compatible endpoint for the local engine's LLM proposer.
    #[arg(long, value_name = "URL", requires = "llm_model")]
    pub llm_base_url: Option<String>,
    /// The model the LLM proposer asks.
    #[arg(long, value_name = "NAME")]
    pub llm_model: Option<String>,
    /// The environment variable holding the LLM API key.
    #[arg(long, value_name = "VAR")]
    pub llm_key_env: Option<String>,
    /// Write the verified result into your files (otherwise the diff is printed and nothing is written).
    #[arg(long)]
    pub apply: bool,
    /// Exit 1 when the run finds no verified improvement (for CI).
    #[arg(long)]
    pub fail_if_no_win: bool,
}

#[derive(Debug, Args)]
pub struct ConsolidateArgs {
    /// The function: path/to/file.py::name.
    #[arg(value_name = "FILE::FUNCTION")]
    pub target: String,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// A document's name, as `weco-lsp rules` lists them.
    pub name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BackendArg {
    Auto,
    Weco,
    Local,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MetricArg {
    Speedup,
    #[value(name = "latency_ms")]
    LatencyMs,
    #[value(name = "peak_memory_mb")]
    PeakMemoryMb,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WorkspaceArg {
    Isolated,
    #[value(alias = "in_place")]
    InPlace,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModeArg {
    Vibe,
    #[value(alias = "assistant-scientist")]
    Scientist,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SandboxArg {
    Auto,
    Network,
    Off,
}

impl From<BackendArg> for Backend {
    fn from(value: BackendArg) -> Backend {
        match value {
            BackendArg::Auto => Backend::Auto,
            BackendArg::Weco => Backend::Weco,
            BackendArg::Local => Backend::Local,
        }
    }
}

impl From<MetricArg> for Metric {
    fn from(value: MetricArg) -> Metric {
        match value {
            MetricArg::Speedup => Metric::Speedup,
            MetricArg::LatencyMs => Metric::LatencyMs,
            MetricArg::PeakMemoryMb => Metric::PeakMemoryMb,
        }
    }
}

impl From<WorkspaceArg> for Placement {
    fn from(value: WorkspaceArg) -> Placement {
        match value {
            WorkspaceArg::Isolated => Placement::Isolated,
            WorkspaceArg::InPlace => Placement::InPlace,
        }
    }
}

impl From<SandboxArg> for SandboxMode {
    fn from(value: SandboxArg) -> SandboxMode {
        match value {
            SandboxArg::Auto => SandboxMode::Auto,
            SandboxArg::Network => SandboxMode::Network,
            SandboxArg::Off => SandboxMode::Off,
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_version_names_the_weco_release_the_runner_was_tested_with() {
        assert!(super::VERSION.contains(&format!("tested with weco {})", crate::engine::weco::TESTED_WECO_VERSION)), "{}", super::VERSION);
    }
}
