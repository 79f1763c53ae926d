//! Errors of a training run, each naming what failed and where.

use std::path::PathBuf;

/// Why a run (or sampling) stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// A data file could not be loaded.
    #[error(transparent)]
    Data(#[from] crate::data::DataError),
    /// A tensor operation failed (a bug: the compiler should have refused the spec).
    #[error("tensor operation failed: {0}")]
    Candle(#[from] candle_core::Error),
    /// A checkpoint could not be written or read.
    #[error(transparent)]
    Checkpoint(#[from] crate::checkpoint::CheckpointError),
    /// An optimizer could not be built or restored.
    #[error(transparent)]
    Optim(#[from] crate::optim::OptimError),
    /// The run generator's saved state is invalid.
    #[error(transparent)]
    Rng(#[from] crate::rng::RngError),
    /// A run-directory operation failed.
    #[error(transparent)]
    RunDir(#[from] crate::rundir::RunDirError),
    /// A plot could not be written.
    #[error(transparent)]
    Plot(#[from] crate::plot::PlotError),
    /// A loss or gradient became NaN or infinite.
    #[error(
        "{what} became {value} at step {step}; the last checkpoint before it was kept at {kept}"
    )]
    NonFinite {
        /// The quantity.
        what: String,
        /// Its value.
        value: f32,
        /// The step at which it happened.
        step: u64,
        /// The checkpoint that holds the last finite state.
        kept: PathBuf,
    },
    /// The run directory does not belong to this spec, or cannot be resumed.
    #[error("{0}")]
    Resume(String),
    /// A request that the spec cannot serve (e.g. a sampling condition that does not exist).
    #[error("{0}")]
    Invalid(String),
    /// The requested device is not available in this build or on this machine.
    #[error("{0}")]
    Device(String),
}

impl RunError {
    /// The error's code, documented in `docs/errors.md` like the compiler's.
    pub fn code(&self) -> &'static str {
        match self {
            RunError::Data(_) => "ganc::data::invalid",
            RunError::Candle(_) => "ganc::run::internal",
            RunError::Checkpoint(_) | RunError::Rng(_) | RunError::Optim(_) => {
                "ganc::run::checkpoint"
            }
            RunError::RunDir(_) => "ganc::run::run_dir",
            RunError::Plot(_) => "ganc::run::plot",
            RunError::NonFinite { .. } => "ganc::run::non_finite",
            RunError::Resume(_) => "ganc::run::resume",
            RunError::Invalid(_) => "ganc::run::invalid_request",
            RunError::Device(_) => "ganc::cli::no_cuda",
        }
    }

    /// What to do about it.
    pub fn help(&self) -> &'static str {
        match self {
            RunError::Data(_) => {
                "check the file named above, the data directory (--data-dir, $GANC_DATA_DIR, ./data) and the `data` declaration's shape"
            }
            RunError::Candle(_) => {
                "this is a bug in ganc: the compiler should have refused the spec; please report it with the spec"
            }
            RunError::Checkpoint(_) | RunError::Rng(_) | RunError::Optim(_) => {
                "check that the disk has space and the run directory is writable; earlier checkpoints are intact"
            }
            RunError::RunDir(_) => {
                "check the path: a new run needs a writable runs directory (--runs) with space; --resume needs an existing run directory"
            }
            RunError::Plot(_) => "check that the samples directory is writable and has space",
            RunError::NonFinite { .. } => {
                "lower the learning rates, add a gradient penalty or label smoothing, then resume from the kept checkpoint with a new run"
            }
            RunError::Resume(_) => "resume with the spec and overrides the run was started with, or start a new run",
            RunError::Invalid(_) => "see the message for the accepted values",
            RunError::Device(_) => "use --device cpu, or build with --features cuda",
        }
    }
}
