//! `ganc run`: compile, then train.

use super::{device, overrides};
use ganc_compiler::compile::compile_file;
use ganc_compiler::diagnostics::{render_all, RenderOptions};
use ganc_runtime::data::resolve_data_dir;
use ganc_runtime::train::run::{run as train, RunOptions};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `ganc run`.
#[derive(clap::Args)]
pub struct RunArgs {
    /// The .gan file to train.
    pub file: PathBuf,
    /// `cpu` (default) or `cuda:N` (needs a build with `--features cuda`).
    #[arg(long, default_value = "cpu")]
    pub device: String,
    /// Data directory for named datasets (default: $GANC_DATA_DIR, else ./data).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Parent directory of run directories.
    #[arg(long, default_value = "runs")]
    pub runs: PathBuf,
    /// Continue the run in this directory from its latest checkpoint.
    #[arg(long, value_name = "RUN_DIR")]
    pub resume: Option<PathBuf>,
    /// Override a `train` setting, e.g. `--set train.steps=200` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub overrides: Vec<String>,
    /// Stop after this many iterations (the run can be resumed later).
    #[arg(long)]
    pub stop_after: Option<u64>,
}

/// Compiles and trains; exit status 1 on any error, 130 when interrupted.
pub fn run(args: RunArgs) -> ExitCode {
    let overrides = match overrides::parse(&args.overrides) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let compilation = compile_file(&args.file, &overrides);
    let color = std::io::stderr().is_terminal();
    eprint!(
        "{}",
        render_all(
            &compilation.diagnostics,
            &compilation.sources,
            RenderOptions { color, width: 100 }
        )
    );
    let Some(program) = compilation.program else {
        return ExitCode::FAILURE;
    };
    let device = match device::open(&args.device) {
        Ok(d) => d,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    // Second-order gradients (gradient penalties, unrolled judges) need candle to keep the
    // graph of gradients; it reads this once, at the first backward pass of each thread.
    if program.game.gradient_penalty.is_some() || program.game.unroll.is_some_and(|k| k > 0) {
        std::env::set_var("CANDLE_GRAD_DO_NOT_DETACH", "1");
    }
    let spec_text = compilation
        .sources
        .get(ganc_compiler::source::SourceId(0))
        .text
        .to_string();
    if !overrides.is_empty() {
        let shown: Vec<String> = overrides
            .iter()
            .map(|o| format!("{}={}", o.key, o.value))
            .collect();
        eprintln!("overrides: {}", shown.join(", "));
    }
    let opts = RunOptions {
        spec_text,
        overrides: overrides
            .iter()
            .map(|o| (o.key.clone(), o.value.clone()))
            .collect(),
        device,
        data_dir: resolve_data_dir(args.data_dir.as_deref()),
        runs_root: args.runs,
        resume: args.resume,
        stop_after: args.stop_after,
    };
    match train(program, opts) {
        Ok(summary) => {
            let last: Vec<String> = summary
                .last
                .iter()
                .map(|(k, v)| format!("{k}={v:.4}"))
                .collect();
            let state = if summary.interrupted {
                "stopped"
            } else if summary.step < summary.total {
                "paused"
            } else {
                "done"
            };
            // A resumed run that had nothing left to do computed no losses this time.
            let losses = if last.is_empty() {
                "nothing left to train".to_string()
            } else {
                last.join(" ")
            };
            eprintln!(
                "{state} at step {} of {}: {}\n  samples:    {}\n  checkpoint: {}",
                summary.step,
                summary.total,
                losses,
                summary.dir.join("samples").display(),
                summary.checkpoint.display()
            );
            if summary.step < summary.total {
                eprintln!(
                    "  continue:   ganc run {} --resume {}",
                    args.file.display(),
                    summary.dir.display()
                );
            }
            if summary.interrupted {
                ExitCode::from(130)
            } else {
                ExitCode::SUCCESS
            }
        }
        Err(e) => {
            eprintln!("error[{}]: {e}\n  help: {}", e.code(), e.help());
            ExitCode::FAILURE
        }
    }
}
