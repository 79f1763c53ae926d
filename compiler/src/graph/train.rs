//! The training schedule.

use super::Init;
use crate::source::Span;
use serde::Serialize;

/// An optimizer and its hyper-parameters (PyTorch semantics).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum OptimKind {
    /// Adam (Kingma & Ba 2015) with L2 weight decay added to the gradient.
    Adam {
        /// Learning rate.
        lr: f64,
        /// First-moment decay.
        beta1: f64,
        /// Second-moment decay.
        beta2: f64,
        /// Added to the denominator.
        eps: f64,
        /// L2 weight decay.
        weight_decay: f64,
    },
    /// RMSprop (not centred).
    RmsProp {
        /// Learning rate.
        lr: f64,
        /// Squared-gradient decay.
        alpha: f64,
        /// Added to the denominator.
        eps: f64,
        /// Momentum.
        momentum: f64,
    },
    /// SGD with optional (Nesterov) momentum.
    Sgd {
        /// Learning rate.
        lr: f64,
        /// Momentum.
        momentum: f64,
        /// Nesterov momentum.
        nesterov: bool,
    },
}

/// `optim G: adam(...)`.
#[derive(Debug, Clone, Serialize)]
pub struct OptimizerSpec {
    /// The network it trains.
    pub network: String,
    /// Which optimizer.
    pub kind: OptimKind,
    /// Where it was written.
    pub span: Span,
}

/// How long to train.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Length {
    /// A number of iterations (one iteration = the judge's updates then the players' update).
    Steps(u64),
    /// Passes over the training data.
    Epochs(u64),
}

/// The checked `train` section.
#[derive(Debug, Clone, Serialize)]
pub struct TrainConfig {
    /// Samples per batch.
    pub batch: usize,
    /// Training length.
    pub length: Length,
    /// Seed of every random draw of the run.
    pub seed: u64,
    /// One optimizer per network with parameters.
    pub optimizers: Vec<OptimizerSpec>,
    /// Updates of each network per iteration (`updates D: 5`); absent networks update once.
    pub updates: Vec<(String, usize)>,
    /// Default initialiser of parameterised layers.
    pub init: Init,
    /// Write a sample grid every this many iterations (0: never).
    pub sample_every: u64,
    /// Rows and columns of the sample grid.
    pub sample_grid: (usize, usize),
    /// Write a checkpoint every this many iterations (0: only the final one).
    pub checkpoint_every: u64,
    /// Log metrics every this many iterations.
    pub log_every: u64,
    /// Where the section was written.
    pub span: Span,
}

impl TrainConfig {
    /// Updates per iteration of `network`.
    pub fn updates_of(&self, network: &str) -> usize {
        self.updates
            .iter()
            .find(|(n, _)| n == network)
            .map_or(1, |(_, k)| *k)
    }
}
