//! Shared pieces of the normalisation layers: moments, normalising and the affine step,
//! all composed from reductions and broadcasts (candle's fused layer norm has no gradient).

use candle_core::{Result, Tensor};

use super::error::{arg_error, expect_shape};

/// Mean and biased variance of `x` over `dims`, both kept with size-1 dims.
pub(crate) fn moments(x: &Tensor, dims: &[usize]) -> Result<(Tensor, Tensor)> {
    let mean = x.mean_keepdim(dims)?;
    let var = x.broadcast_sub(&mean)?.sqr()?.mean_keepdim(dims)?;
    Ok((mean, var))
}

/// `(x - mean) / sqrt(var + eps)` with `mean`/`var` broadcast over `x`.
pub(crate) fn normalize(x: &Tensor, mean: &Tensor, var: &Tensor, eps: f64) -> Result<Tensor> {
    x.broadcast_sub(mean)?.broadcast_div(&(var + eps)?.sqrt()?)
}

/// Fails unless `eps` is finite and non-negative.
pub(crate) fn check_eps(op: &'static str, eps: f64) -> Result<()> {
    if eps.is_finite() && eps >= 0.0 {
        Ok(())
    } else {
        Err(arg_error(
            op,
            format!("eps must be finite and >= 0, got {eps}"),
        ))
    }
}

/// Shape that broadcasts a per-channel `[C]` vector against an `[N, C, ...]` tensor of
/// rank `rank`.
pub(crate) fn channel_shape(c: usize, rank: usize) -> Vec<usize> {
    let mut shape = vec![1; rank];
    shape[1] = c;
    shape
}

/// `y * gamma + beta`, where both have shape `param_shape` and are reshaped to `view`
/// before broadcasting. `None` leaves `y` unchanged.
pub(crate) fn affine(
    op: &'static str,
    y: Tensor,
    params: Option<(&Tensor, &Tensor)>,
    param_shape: &[usize],
    view: &[usize],
) -> Result<Tensor> {
    match params {
        None => Ok(y),
        Some((gamma, beta)) => {
            expect_shape(op, "gamma", gamma, param_shape)?;
            expect_shape(op, "beta", beta, param_shape)?;
            y.broadcast_mul(&gamma.reshape(view)?)?
                .broadcast_add(&beta.reshape(view)?)
        }
    }
}
