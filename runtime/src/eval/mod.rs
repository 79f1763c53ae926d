//! Evaluation of trained runs: measurements computed from generated samples.

pub mod modes;
pub mod recon;
