//! The `weco-lsp` binary: LSP over stdio by default, plus command-line modes for scripts and CI.

use std::process::ExitCode;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_env("WECO_LSP_LOG").unwrap_or_else(|_| "weco_lsp=info".into()))
        .init();
    let args: Vec<String> = std::env::args().skip(1).collect();
    weco_lsp::cli::main(args)
}
