//! Command-line entry points: argument parsing and dispatch to the server or a headless mode.

pub mod analyze;
pub mod args;
pub mod changed;
pub mod consolidate;
pub mod optimize;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use args::{Cli, Command};

pub fn main(arguments: Vec<String>) -> ExitCode {
    let cli = match Cli::try_parse_from(std::iter::once("weco-lsp".to_string()).chain(arguments)) {
        Ok(cli) => cli,
        Err(error) => {
            // Help and --version go to stdout and exit 0; a usage error goes to stderr and exits 2.
            let _ = error.print();
            return if error.use_stderr() { ExitCode::from(COULD_NOT_RUN) } else { ExitCode::SUCCESS };
        }
    };
    let mut stdout = std::io::stdout();
    match cli.command {
        None => serve(),
        Some(Command::Analyze(args)) => analyze::run(args, &mut stdout.lock()),
        Some(Command::Init(args)) => optimize::run_init(args, &mut stdout),
        Some(Command::Optimize(args)) => optimize::run(args, &mut stdout),
        Some(Command::Rules(args)) => rules(args.name.as_deref(), &mut stdout.lock()),
        Some(Command::Consolidate(args)) => consolidate::run(&args.target, &mut stdout.lock()),
    }
}

/// The language server over stdio.
fn serve() -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(rt) => {
            rt.block_on(crate::lsp::run_stdio());
            // The stdin reader is a blocking thread that never returns on its own;
            // waiting for it would keep the process alive after `exit`.
            rt.shutdown_background();
            ExitCode::SUCCESS
        }
        Err(e) => fail(&format!("cannot start the async runtime: {e}")),
    }
}

/// `weco-lsp rules [NAME]`: lists the embedded guidance documents, or prints one.
fn rules(name: Option<&str>, out: &mut impl Write) -> ExitCode {
    match name {
        None => {
            for name in crate::rules::DOCS.iter().chain(crate::rules::REWRITES).map(|d| d.name) {
                let _ = writeln!(out, "{name}");
            }
            ExitCode::SUCCESS
        }
        Some(name) => match crate::rules::doc(name) {
            Some(text) => {
                let _ = write!(out, "{text}");
                ExitCode::SUCCESS
            }
            None => fail(&format!("no guidance document `{name}`; `weco-lsp rules` lists them")),
        },
    }
}

/// Prints an error for a person on stderr and returns the failure exit code.
pub fn fail(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "weco-lsp: {message}");
    ExitCode::FAILURE
}

/// Exit code of an `optimize` that could not run (bad arguments, no project, the baseline rejected,
/// weco unusable): 2, as documented in the README; 0 means it ran, with or without a win.
pub const COULD_NOT_RUN: u8 = 2;

/// [`fail`] with [`COULD_NOT_RUN`].
pub fn could_not_run(message: &str) -> ExitCode {
    let _ = writeln!(std::io::stderr(), "weco-lsp: {message}");
    ExitCode::from(COULD_NOT_RUN)
}
