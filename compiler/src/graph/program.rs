//! The whole checked experiment.

use super::{Game, Network, Shape, TrainConfig, ValueType};
use crate::source::Span;
use serde::Serialize;

/// A checked `.gan` file: everything the runtime needs.
#[derive(Debug, Clone, Serialize)]
pub struct Program {
    /// The model's name from the header.
    pub name: String,
    /// Language version, when declared.
    pub version: Option<String>,
    /// Real data inputs.
    pub data: Vec<DataInput>,
    /// Latent priors.
    pub latents: Vec<LatentInput>,
    /// Conditioning inputs.
    pub conds: Vec<CondInput>,
    /// All networks (blocks are inlined into them).
    pub networks: Vec<Network>,
    /// The adversarial game.
    pub game: Game,
    /// The training schedule.
    pub train: TrainConfig,
}

impl Program {
    /// The network with this name.
    pub fn network(&self, name: &str) -> Option<&Network> {
        self.networks.iter().find(|n| n.name == name)
    }
}

/// Which part of a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Split {
    /// Training split.
    Train,
    /// Held-out split.
    Test,
}

/// `data x: [B, ...] from source(...)`.
#[derive(Debug, Clone, Serialize)]
pub struct DataInput {
    /// Name in the spec.
    pub name: String,
    /// Per-sample shape.
    pub shape: Shape,
    /// Dataset kind: `mnist`, `fashion_mnist`, `fashion_mnist_1k`, `emoji32`, `emoji64`,
    /// `digits8x8`, `idx`, `npy`, `images`, `ring8`, `grid25`.
    pub dataset: String,
    /// File or folder for `idx`, `npy`, `images` (relative paths: to the data directory).
    pub path: Option<String>,
    /// Label file for `idx`, when given.
    pub labels_path: Option<String>,
    /// Split.
    pub split: Split,
    /// Values are scaled linearly into this range.
    pub range: (f64, f64),
    /// Numeric options of synthetic sets (e.g. `std`).
    pub options: Vec<(String, f64)>,
    /// Number of classes of `x.label`, when labels are used (declared by a `cond`).
    pub label_classes: Option<usize>,
    /// Where it was declared.
    pub span: Span,
}

/// A latent prior.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Prior {
    /// Independent N(mean, std^2).
    Normal {
        /// Mean.
        mean: f64,
        /// Standard deviation.
        std: f64,
    },
    /// Independent U(lo, hi).
    Uniform {
        /// Lower bound.
        lo: f64,
        /// Upper bound.
        hi: f64,
    },
    /// Uniform over classes (the type is `class(n)`).
    Categorical,
}

/// `latent z: [B, Z] ~ normal(0, 1)`.
#[derive(Debug, Clone, Serialize)]
pub struct LatentInput {
    /// Name in the spec.
    pub name: String,
    /// Tensor shape or class labels.
    pub ty: ValueType,
    /// The prior.
    pub prior: Prior,
    /// Where it was declared.
    pub span: Span,
}

/// `cond y: class(10) from x.label`.
#[derive(Debug, Clone, Serialize)]
pub struct CondInput {
    /// Name in the spec.
    pub name: String,
    /// Its type.
    pub ty: ValueType,
    /// The data input whose labels it is.
    pub from_labels_of: String,
    /// Where it was declared.
    pub span: Span,
}
