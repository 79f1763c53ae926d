//! Training: the session state, per-step evaluation, update steps and the run loop.

pub mod code_recovery;
pub mod data_source;
pub mod eval;
pub mod feed;
pub mod iteration;
pub mod run;
pub mod sample;
pub mod sample_inputs;
pub mod session;
pub mod step;
pub mod vbn;
