//! Command-line entry points: argument parsing and dispatch to the server or a headless mode.

pub mod analyze;
pub mod changed;
pub mod consolidate;
pub mod optimize;

use std::io::Write;
use std::process::ExitCode;

const USAGE: &str = "\
weco-lsp: find code worth optimizing and optimize it with measured runs

Usage:
  weco-lsp [--stdio]                 serve the Language Server Protocol over stdio (default)
  weco-lsp --version                 print the version
  weco-lsp analyze PATH... [--json] [--profile FILE]
                                     list functions worth optimizing (JSON: one object per line); with
                                     profiles (cProfile .prof, speedscope or pyinstrument JSON, folded
                                     stacks), ranked by measured time; --changed [--base HEAD|index|
                                     merge-base]: only functions whose lines changed
  weco-lsp rules [NAME]              list the guidance documents, or print one
  weco-lsp init FILE::FUNCTION       set up .weco/<task>/ and measure the baseline, no search
  weco-lsp optimize FILE::FUNCTION [--backend auto|weco|local] [--steps N] [--apply]
                                     optimize one function in a terminal; --apply writes the result
                                     (`weco-lsp optimize --help` for every option and the exit codes)
  weco-lsp consolidate FILE::FUNCTION
                                     write one self-contained file with the function and the project
                                     code it uses (.weco/<function>_consolidated/), to optimize as one file
";

pub fn main(args: Vec<String>) -> ExitCode {
    let mut stdout = std::io::stdout().lock();
    match args.first().map(String::as_str) {
        None | Some("--stdio") => {
            drop(stdout);
            let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build();
            match runtime {
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
        Some("--version" | "-V") => {
            let _ = writeln!(stdout, "weco-lsp {}", env!("CARGO_PKG_VERSION"));
            ExitCode::SUCCESS
        }
        Some("--help" | "-h" | "help") => {
            let _ = write!(stdout, "{USAGE}");
            ExitCode::SUCCESS
        }
        Some("analyze") => analyze::run(&args[1..], &mut stdout),
        Some("optimize") => {
            // The run's frontend is shared across tasks: it writes through the (Send) handle.
            drop(stdout);
            optimize::run(&args[1..], &mut std::io::stdout())
        }
        Some("init") => {
            drop(stdout);
            optimize::run_init(&args[1..], &mut std::io::stdout())
        }
        Some("rules") => rules(&args[1..], &mut stdout),
        Some("consolidate") => consolidate::run(&args[1..], &mut stdout),
        Some(other) => fail(&format!("unknown command `{other}`\n\n{USAGE}")),
    }
}

/// `weco-lsp rules [NAME]`: lists the embedded guidance documents, or prints one.
fn rules(args: &[String], out: &mut impl Write) -> ExitCode {
    match args.first() {
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
