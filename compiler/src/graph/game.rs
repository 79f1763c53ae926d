//! The adversarial game: who plays, what is compared, which terms train which networks.

use super::{NodeId, ValueType};
use crate::ast::BinOp;
use crate::source::Span;
use serde::Serialize;

/// The adversarial objective.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum AdvLoss {
    /// Goodfellow et al. 2014: G minimises log(1 - D(G(z))).
    Minimax,
    /// G maximises log D(G(z)) instead.
    NonSaturating,
    /// Mao et al. 2017 (a=0, b=c=1).
    LeastSquares,
    /// Lim & Ye 2017 / Miyato et al. 2018.
    Hinge,
    /// Arjovsky et al. 2017: critic output, no sigmoid.
    Wasserstein,
    /// Nowozin et al. 2016 with this divergence.
    FGan(FDivergence),
    /// Zhao et al. 2017: D's output is an energy; D minimises E(x) + max(0, m - E(G(z))).
    Energy {
        /// The margin m.
        margin: f64,
    },
}

/// f-divergences of f-GAN.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum FDivergence {
    /// Kullback-Leibler.
    Kl,
    /// Reverse KL.
    ReverseKl,
    /// Jensen-Shannon.
    JensenShannon,
    /// Pearson chi-squared.
    Pearson,
    /// Squared Hellinger.
    SquaredHellinger,
    /// Total variation.
    TotalVariation,
}

/// Which value of a network call an expression reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum CallOutput {
    /// The `i`-th declared output.
    Port(usize),
    /// An intermediate binding (`D(x).f`), for feature matching and similar terms.
    Feature(NodeId),
}

/// Reductions to a scalar used by extra terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum LossFn {
    /// mean |a - b|.
    L1,
    /// mean (a - b)^2.
    Mse,
    /// Binary cross-entropy of logits `a` against targets `b` in [0, 1] (stable form).
    BceWithLogits,
    /// Softmax cross-entropy of logits `a` [B, n] against class labels `b`.
    CrossEntropy,
    /// || mean_batch(a) - mean_batch(b) ||^2 (feature matching, Salimans et al. 2016).
    FeatureMatching,
    /// Pull-away term of EBGAN on a batch of codes `a` [B, ...].
    PullAway,
    /// mean of `a`.
    Mean,
}

/// An expression of the game, over inputs and network calls.
#[derive(Debug, Clone, Serialize)]
pub struct GameExpr {
    /// What it computes.
    pub kind: GameExprKind,
    /// Its type; scalar terms have type `Tensor([])`.
    pub ty: ValueType,
    /// Where it was written.
    pub span: Span,
}

/// Kinds of game expression.
#[derive(Debug, Clone, Serialize)]
pub enum GameExprKind {
    /// A batch of real data.
    Data(String),
    /// The labels of a data input.
    Label(String),
    /// A batch drawn from a latent prior.
    Latent(String),
    /// A conditioning input.
    Cond(String),
    /// A network applied to arguments (in signature order).
    Call {
        /// Network name.
        network: String,
        /// Arguments in signature order.
        args: Vec<GameExpr>,
        /// Which value is read.
        output: CallOutput,
    },
    /// A reduction to a scalar.
    Loss {
        /// Which.
        func: LossFn,
        /// Operands.
        args: Vec<GameExpr>,
    },
    /// Arithmetic between expressions (shapes equal or one a scalar).
    Binary(BinOp, Box<GameExpr>, Box<GameExpr>),
    /// Negation.
    Neg(Box<GameExpr>),
    /// A number.
    Const(f64),
}

/// An extra weighted term of the objective.
#[derive(Debug, Clone, Serialize)]
pub struct Term {
    /// Its name (shown in metrics).
    pub name: String,
    /// The scalar expression, weight included.
    pub expr: GameExpr,
    /// Networks whose optimizers minimise this term.
    pub trains: Vec<String>,
    /// Where it was written.
    pub span: Span,
}

/// Gradient penalty on interpolates of real and fake judge inputs (Gulrajani et al. 2017).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GradientPenalty {
    /// Weight lambda.
    pub weight: f64,
    /// Target gradient norm (1 for WGAN-GP).
    pub target: f64,
}

/// Instance noise added to both real and fake judge inputs, annealed linearly (Sønderby et al. 2017).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct InstanceNoise {
    /// Standard deviation at step 0.
    pub start: f64,
    /// Standard deviation at `steps` and after.
    pub end: f64,
    /// Annealing length in steps.
    pub steps: u64,
}

/// The checked game.
#[derive(Debug, Clone, Serialize)]
pub struct Game {
    /// Adversarial objective.
    pub loss: AdvLoss,
    /// The judge network (discriminator or critic).
    pub judge: String,
    /// Which output of the judge is the adversarial score.
    pub judge_output: usize,
    /// The judge on real inputs.
    pub real: GameExpr,
    /// The judge on generated inputs.
    pub fake: GameExpr,
    /// Networks trained to fool the judge (inferred from `fake` and `real`).
    pub players: Vec<String>,
    /// One-sided label smoothing: target for real samples (Salimans et al. 2016).
    pub smooth_real: Option<f64>,
    /// Gradient penalty on the judge.
    pub gradient_penalty: Option<GradientPenalty>,
    /// Weight clipping bound per network (`constrain D: clip(0.01)`).
    pub clip: Vec<(String, f64)>,
    /// Extra weighted terms.
    pub terms: Vec<Term>,
    /// Unrolled GAN: G's update differentiates through this many judge updates.
    pub unroll: Option<usize>,
    /// Instance noise schedule.
    pub instance_noise: Option<InstanceNoise>,
    /// Historical averaging weight (Salimans et al. 2016), applied to every trained network.
    pub historical_average: Option<f64>,
    /// Whether the adversarial loss also trains the players (`adversarial: judge_only` turns
    /// it off: AVB's encoder learns only from terms reading the judge's raw output).
    pub adversarial_trains_players: bool,
}
