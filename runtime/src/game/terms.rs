//! Reductions used by extra game terms (`l1`, `mse`, `cross_entropy`, feature matching, ...).

use super::adversarial::bce_with_logits;
use candle_core::{DType, Result, Tensor, D};
use ganc_compiler::graph::LossFn;

/// Applies `func` to its operands and returns a scalar.
pub fn apply(func: LossFn, args: &[Tensor]) -> Result<Tensor> {
    let arg = |i: usize| {
        args.get(i)
            .ok_or_else(|| candle_core::Error::Msg(format!("{func:?} lacks operand {i}")))
    };
    match func {
        LossFn::L1 => (arg(0)? - arg(1)?)?.abs()?.mean_all(),
        LossFn::Mse => (arg(0)? - arg(1)?)?.sqr()?.mean_all(),
        LossFn::BceWithLogits => bce_with_logits(arg(0)?, arg(1)?),
        LossFn::CrossEntropy => cross_entropy(arg(0)?, arg(1)?),
        LossFn::FeatureMatching => feature_matching(arg(0)?, arg(1)?),
        LossFn::PullAway => pull_away(arg(0)?),
        LossFn::Mean => arg(0)?.mean_all(),
    }
}

/// Softmax cross-entropy of `logits` [B, n] against class labels [B] (u32), averaged over the
/// batch. Uses log-sum-exp with the row maximum subtracted, composed from ops whose gradients
/// are verified (candle's fused softmax has none).
pub fn cross_entropy(logits: &Tensor, labels: &Tensor) -> Result<Tensor> {
    let max = logits.max_keepdim(D::Minus1)?.detach();
    let shifted = logits.broadcast_sub(&max)?;
    let lse = shifted.exp()?.sum_keepdim(D::Minus1)?.log()?;
    let picked = shifted.gather(&labels.to_dtype(DType::U32)?.unsqueeze(1)?, 1)?;
    (lse - picked)?.mean_all()
}

/// `|| mean_batch(a) - mean_batch(b) ||^2` over the flattened features (Salimans et al. 2016).
pub fn feature_matching(real: &Tensor, fake: &Tensor) -> Result<Tensor> {
    let a = real.flatten_from(1)?.mean(0)?;
    let b = fake.flatten_from(1)?.mean(0)?;
    (a - b)?.sqr()?.sum_all()
}

/// EBGAN's pull-away term (Zhao et al. 2017, eq. 6):
/// `1/(N(N-1)) sum_{i != j} (s_i . s_j / (|s_i| |s_j|))^2` over the flattened codes `s`.
pub fn pull_away(codes: &Tensor) -> Result<Tensor> {
    let s = codes.flatten_from(1)?;
    let n = s.dim(0)?;
    if n < 2 {
        return Err(candle_core::Error::Msg(
            "the pull-away term needs a batch of at least 2".into(),
        ));
    }
    let norm = (s.sqr()?.sum_keepdim(1)? + 1e-12)?.sqrt()?;
    let unit = s.broadcast_div(&norm)?;
    let cos = unit.matmul(&unit.t()?)?;
    // The diagonal is exactly 1 for every non-zero code: remove it from the sum.
    let total = cos.sqr()?.sum_all()?;
    let diag = cos
        .sqr()?
        .mul(&Tensor::eye(n, s.dtype(), s.device())?)?
        .sum_all()?;
    (total - diag)? / (n * (n - 1)) as f64
}
