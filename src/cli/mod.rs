//! Command-line interface: argument parsing and dispatch. Each command lives in its own file.

mod check;
mod device;
mod eval_info;
mod eval_modes;
mod eval_recon;
mod overrides;
mod run;
mod sample;
mod saved_run;
mod shapes;

use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;
use std::process::ExitCode;

/// Compile and train generative adversarial networks written as `.gan` files.
#[derive(Parser)]
#[command(name = "ganc", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Output format of diagnostics.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum MessageFormat {
    /// Rendered reports for people.
    Human,
    /// One JSON object per diagnostic per line, for tools.
    Json,
}

/// Intermediate representation to print.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum DumpStage {
    /// The syntax tree.
    Ast,
    /// Names resolved, blocks instantiated, dims evaluated.
    Hir,
    /// The shape-checked graph the runtime trains.
    Graph,
}

#[derive(Subcommand)]
enum Command {
    /// Parse, resolve and shape-check .gan files (exit status 0 when all are free of errors).
    Check {
        /// Files to check.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Print a table per network: node, op, output shape, parameters.
        #[arg(long)]
        shapes: bool,
        /// Print an intermediate representation as JSON.
        #[arg(long, value_enum)]
        dump: Option<DumpStage>,
        /// How to print diagnostics.
        #[arg(long, value_enum, default_value = "human")]
        message_format: MessageFormat,
        /// Override a `train` setting, e.g. `--set train.steps=200`.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        overrides: Vec<String>,
        /// Use colour in reports (default: when stderr is a terminal).
        #[arg(long)]
        color: Option<bool>,
    },
    /// Train a .gan file: writes runs/<model>/<timestamp>/ with samples, metrics and checkpoints.
    Run(run::RunArgs),
    /// Generate a sample grid from a run's latest (or a named) checkpoint.
    Sample(sample::SampleArgs),
    /// Measure a trained run.
    #[command(subcommand)]
    Eval(EvalCommand),
}

/// Measurements of `ganc eval`.
#[derive(Subcommand)]
enum EvalCommand {
    /// Modes covered and share of high-quality samples on `ring8` / `grid25` (2-D mixtures).
    Modes(eval_modes::ModesArgs),
    /// Reconstruction error of G(E(x)) on held-out images; codes against the latent prior.
    Recon(eval_recon::ReconArgs),
    /// InfoGAN: how often Q recovers the categorical code from generated samples.
    Info(eval_info::InfoArgs),
}

/// Entry point called by `main`.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    // Training keeps the broken-pipe error (its progress writes ignore it) so that a closed
    // pipe never kills a run before its checkpoint; every other command only prints a report.
    if !matches!(cli.command, Command::Run(_)) {
        exit_quietly_on_broken_pipe();
    }
    match cli.command {
        Command::Check {
            files,
            shapes,
            dump,
            message_format,
            overrides,
            color,
        } => check::run(check::CheckArgs {
            files,
            shapes,
            dump,
            message_format,
            overrides,
            color,
        }),
        Command::Run(args) => run::run(args),
        Command::Sample(args) => sample::run(args),
        Command::Eval(EvalCommand::Modes(args)) => eval_modes::run(args),
        Command::Eval(EvalCommand::Recon(args)) => eval_recon::run(args),
        Command::Eval(EvalCommand::Info(args)) => eval_info::run(args),
    }
}

/// Lets `ganc eval modes RUN | head -1` end the way Unix tools do, silently on SIGPIPE, instead
/// of panicking in `println!` (Rust ignores SIGPIPE by default).
fn exit_quietly_on_broken_pipe() {
    #[cfg(unix)]
    // SAFETY: called once on the main thread before any other thread exists; SIG_DFL is a
    // valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}
