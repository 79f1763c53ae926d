//! Adversarial objectives in numerically stable form, as functions of the judge's raw outputs.
//!
//! Logit losses never take `log(sigmoid(x))` directly: `-log sigmoid(x) = softplus(-x)` and
//! `-log(1 - sigmoid(x)) = softplus(x)`, with `softplus(x) = relu(x) + log(1 + exp(-|x|))`,
//! so confident judges give finite losses and gradients.

use crate::layers::softplus;
use candle_core::{Result, Tensor};
use ganc_compiler::graph::{AdvLoss, FDivergence};

/// Binary cross-entropy of logits `x` against a constant target `t`, averaged:
/// `mean(softplus(x) - t * x)` (equal to `-t log s(x) - (1 - t) log(1 - s(x))`).
pub fn bce_with_logits_const(x: &Tensor, t: f64) -> Result<Tensor> {
    (softplus(x)? - (x * t)?)?.mean_all()
}

/// Binary cross-entropy of logits `x` against a target tensor `t` of the same shape, averaged.
pub fn bce_with_logits(x: &Tensor, t: &Tensor) -> Result<Tensor> {
    (softplus(x)? - (x * t)?)?.mean_all()
}

/// The judge's loss on a batch of real outputs and a batch of fake outputs.
/// `real_target` is 1, or the smoothed target of one-sided label smoothing.
pub fn judge_loss(loss: AdvLoss, real: &Tensor, fake: &Tensor, real_target: f64) -> Result<Tensor> {
    judge_loss_on_real(loss, real, real_target)? + judge_loss_on_fake(loss, fake)?
}

/// The real-data half of [`judge_loss`].
pub fn judge_loss_on_real(loss: AdvLoss, real: &Tensor, real_target: f64) -> Result<Tensor> {
    match loss {
        AdvLoss::Minimax | AdvLoss::NonSaturating => bce_with_logits_const(real, real_target),
        AdvLoss::LeastSquares => (real - real_target)?.sqr()?.mean_all()? * 0.5,
        AdvLoss::Hinge => (1.0 - real)?.relu()?.mean_all(),
        AdvLoss::Wasserstein => real.mean_all()?.neg(),
        // D maximises E_P[g(v)] - E_Q[f*(g(v))]; it minimises the negation.
        AdvLoss::FGan(div) => activation(div, real)?.mean_all()?.neg(),
        AdvLoss::Energy { .. } => real.mean_all(),
    }
}

/// The generated-data half of [`judge_loss`].
pub fn judge_loss_on_fake(loss: AdvLoss, fake: &Tensor) -> Result<Tensor> {
    match loss {
        AdvLoss::Minimax | AdvLoss::NonSaturating => bce_with_logits_const(fake, 0.0),
        AdvLoss::LeastSquares => fake.sqr()?.mean_all()? * 0.5,
        AdvLoss::Hinge => (fake + 1.0)?.relu()?.mean_all(),
        AdvLoss::Wasserstein => fake.mean_all(),
        AdvLoss::FGan(div) => conjugate_of_activation(div, fake)?.mean_all(),
        AdvLoss::Energy { margin } => (margin - fake)?.relu()?.mean_all(),
    }
}

/// The players' loss on the judge's outputs for generated samples.
pub fn player_loss(loss: AdvLoss, fake: &Tensor) -> Result<Tensor> {
    match loss {
        // Minimax: G minimises log(1 - D(G(z))) = -softplus(x).
        AdvLoss::Minimax => softplus(fake)?.mean_all()?.neg(),
        AdvLoss::NonSaturating => bce_with_logits_const(fake, 1.0),
        AdvLoss::LeastSquares => (fake - 1.0)?.sqr()?.mean_all()? * 0.5,
        AdvLoss::Hinge | AdvLoss::Wasserstein => fake.mean_all()?.neg(),
        // Nowozin et al. 2016, section 3.2: G maximises E_Q[g(v)] (the non-saturating form).
        AdvLoss::FGan(div) => activation(div, fake)?.mean_all()?.neg(),
        AdvLoss::Energy { .. } => fake.mean_all(),
    }
}

/// The players' loss on the judge's outputs for real samples, for games where a player also
/// acts on the real side (BiGAN/ALI's encoder): the labels are swapped, so the player wants
/// real pairs to look generated. Where `player_loss` is the judge's real-label term applied to
/// fakes (non-saturating, least squares, Wasserstein, f-GAN, EBGAN), this is the judge's
/// fake-label term applied to reals; minimax negates the value's real term (zero-sum), and
/// hinge mirrors its linear player loss.
pub fn player_loss_on_real(loss: AdvLoss, real: &Tensor) -> Result<Tensor> {
    match loss {
        AdvLoss::Minimax => softplus(&real.neg()?)?.mean_all()?.neg(),
        AdvLoss::NonSaturating => bce_with_logits_const(real, 0.0),
        AdvLoss::LeastSquares => real.sqr()?.mean_all()? * 0.5,
        AdvLoss::Hinge | AdvLoss::Wasserstein => real.mean_all(),
        // Not `g_f(v)`: that saturates when the judge is confidently right, unlike the fake side.
        AdvLoss::FGan(div) => conjugate_of_activation(div, real)?.mean_all(),
        AdvLoss::Energy { margin } => (margin - real)?.relu()?.mean_all(),
    }
}

/// Output activation g_f of f-GAN (Nowozin et al. 2016, table 6), mapping raw outputs into
/// the domain of the conjugate.
pub fn activation(div: FDivergence, v: &Tensor) -> Result<Tensor> {
    match div {
        FDivergence::Kl | FDivergence::Pearson => Ok(v.clone()),
        FDivergence::ReverseKl => v.neg()?.exp()?.neg(),
        FDivergence::SquaredHellinger => 1.0 - v.neg()?.exp()?,
        // log 2 - log(1 + exp(-v)) = log 2 - softplus(-v)
        FDivergence::JensenShannon => std::f64::consts::LN_2 - softplus(&v.neg()?)?,
        FDivergence::TotalVariation => v.tanh()? * 0.5,
    }
}

/// `f*(g_f(v))`: the Fenchel conjugate (Nowozin et al. 2016, table 6) composed with the output
/// activation, simplified so that no intermediate leaves its domain:
/// KL `exp(v - 1)`; reverse KL `v - 1`; Pearson `v^2/4 + v`; squared Hellinger `exp(v) - 1`;
/// Jensen-Shannon `softplus(v) - log 2`; total variation `tanh(v)/2`.
pub fn conjugate_of_activation(div: FDivergence, v: &Tensor) -> Result<Tensor> {
    match div {
        FDivergence::Kl => (v - 1.0)?.exp(),
        FDivergence::ReverseKl => v - 1.0,
        FDivergence::Pearson => (v.sqr()? * 0.25)? + v,
        FDivergence::SquaredHellinger => v.exp()? - 1.0,
        FDivergence::JensenShannon => softplus(v)? - std::f64::consts::LN_2,
        FDivergence::TotalVariation => v.tanh()? * 0.5,
    }
}
