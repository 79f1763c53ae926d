//! Loading a finished run for `ganc sample` and `ganc eval`: its directory, its spec compiled
//! with the overrides it was trained with, a checkpoint, and the restored session.

use candle_core::Device;
use ganc_compiler::check::program::Override;
use ganc_compiler::compile::compile_source;
use ganc_compiler::diagnostics::{render_all, RenderOptions};
use ganc_compiler::graph::Program;
use ganc_runtime::checkpoint;
use ganc_runtime::error::RunError;
use ganc_runtime::rundir::RunDir;
use ganc_runtime::train::session::Session;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Prints `msg` and returns the failure status.
pub fn fail(msg: String) -> ExitCode {
    eprintln!("{msg}");
    ExitCode::FAILURE
}

/// Opens a run directory, or says what to pass instead.
pub fn open(path: &Path) -> Result<RunDir, String> {
    RunDir::open(path).map_err(|e| {
        format!("error[ganc::sample::run_dir]: {e}\n  help: pass a directory written by `ganc run`, e.g. runs/<model>/<timestamp>")
    })
}

/// The run's spec compiled with the overrides it was trained with; rendered diagnostics on error.
pub fn program_of(dir: &RunDir) -> Result<Program, String> {
    let text = dir
        .read_spec()
        .map_err(|e| format!("error[ganc::sample::run_dir]: {e}"))?;
    let overrides: Vec<Override> = dir
        .read_settings()
        .ok()
        .and_then(|s| s.get("overrides").cloned())
        .and_then(|v| serde_json::from_value::<Vec<(String, String)>>(v).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|(key, value)| Override { key, value })
        .collect();
    let compilation = compile_source(&dir.spec_path(), &text, &overrides);
    compilation.program.ok_or_else(|| {
        render_all(
            &compilation.diagnostics,
            &compilation.sources,
            RenderOptions::default(),
        )
    })
}

/// The named checkpoint inside the run, or its latest one.
pub fn checkpoint_of(dir: &RunDir, name: Option<&str>) -> Result<PathBuf, String> {
    match name {
        Some(name) => Ok(dir.checkpoints_dir().join(name)),
        None => match checkpoint::latest_checkpoint(&dir.checkpoints_dir()) {
            Ok(Some((_, p))) => Ok(p),
            Ok(None) => Err(format!(
                "error[ganc::sample::no_checkpoint]: {} holds no checkpoint\n  help: train first with `ganc run`",
                dir.checkpoints_dir().display()
            )),
            Err(e) => Err(format!("error[ganc::sample::no_checkpoint]: {e}")),
        },
    }
}

/// A session for `program` with the variables of `ckpt`.
pub fn restore(program: Program, device: &Device, ckpt: &Path) -> Result<Session, RunError> {
    let mut session = Session::new(program, device.clone())?;
    let (named, _) = checkpoint::load(ckpt, device)?;
    session.load_state(&named)?;
    Ok(session)
}
