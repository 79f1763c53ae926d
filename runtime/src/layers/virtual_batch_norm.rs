//! Virtual batch normalisation (Salimans et al. 2016, "Improved Techniques for Training GANs").

use candle_core::{Result, Tensor};

use super::error::{arg_error, expect_rank, expect_shape};
use super::norm_util::{affine, channel_shape, check_eps, moments};

/// Per-channel mean and biased variance of a reference batch `[N, C, ...]`, both `[C]`:
/// the `reference_mean` / `reference_var` that [`virtual_batch_norm`] takes. Compute it
/// from the reference batch's activations in the same forward pass so gradients flow
/// through the reference statistics as in the paper.
pub fn reference_stats(reference: &Tensor) -> Result<(Tensor, Tensor)> {
    expect_rank(
        "reference_stats",
        "reference",
        reference,
        &[2, 3, 4, 5],
        "rank 2 to 5 ([N, C, ...])",
    )?;
    let dims: Vec<usize> = (0..reference.rank()).filter(|&d| d != 1).collect();
    let (mean, var) = moments(reference, &dims)?;
    Ok((mean.flatten_all()?, var.flatten_all()?))
}

/// Virtual batch norm: each example is normalised with statistics of the fixed reference
/// batch (size `m = reference_size`) combined with the example itself, as in the authors'
/// reference implementation. Per example `i` and channel `c`, with `mean_s` the mean over
/// the spatial axes (the value itself for `[N, C]` input):
///
/// ```text
/// mu  = (mean_s(x_i)   + m * ref_mean)                   / (m + 1)
/// sq  = (mean_s(x_i^2) + m * (ref_var + ref_mean^2))     / (m + 1)
/// y_i = gamma * (x_i - mu) / sqrt(sq - mu^2 + eps) + beta
/// ```
///
/// Shapes: `x` `[N, C, ...]` (rank 2 to 5), `reference_mean`/`reference_var` `[C]`
/// (biased variance, e.g. from [`reference_stats`]), `affine = Some((gamma [C], beta [C]))`.
/// The output has the shape of `x`. Examples do not affect each other.
pub fn virtual_batch_norm(
    x: &Tensor,
    reference_mean: &Tensor,
    reference_var: &Tensor,
    reference_size: usize,
    affine_params: Option<(&Tensor, &Tensor)>,
    eps: f64,
) -> Result<Tensor> {
    const OP: &str = "virtual_batch_norm";
    expect_rank(OP, "x", x, &[2, 3, 4, 5], "rank 2 to 5 ([N, C, ...])")?;
    check_eps(OP, eps)?;
    if reference_size == 0 {
        return Err(arg_error(OP, "reference_size must be at least 1"));
    }
    let c = x.dim(1)?;
    expect_shape(OP, "reference_mean", reference_mean, &[c])?;
    expect_shape(OP, "reference_var", reference_var, &[c])?;
    let view = channel_shape(c, x.rank());
    let spatial: Vec<usize> = (2..x.rank()).collect();
    let (own_mean, own_sq) = if spatial.is_empty() {
        (x.clone(), x.sqr()?)
    } else {
        (
            x.mean_keepdim(spatial.as_slice())?,
            x.sqr()?.mean_keepdim(spatial.as_slice())?,
        )
    };
    let m = reference_size as f64;
    let w_new = 1.0 / (m + 1.0);
    let w_ref = m / (m + 1.0);
    let ref_mean = reference_mean.reshape(view.as_slice())?;
    let ref_sq = (reference_var + reference_mean.sqr()?)?.reshape(view.as_slice())?;
    let mu = (own_mean * w_new)?.broadcast_add(&(ref_mean * w_ref)?)?;
    let sq = (own_sq * w_new)?.broadcast_add(&(ref_sq * w_ref)?)?;
    let var = (sq - mu.sqr()?)?;
    let y = x.broadcast_sub(&mu)?.broadcast_div(&(var + eps)?.sqrt()?)?;
    affine(OP, y, affine_params, &[c], &view)
}
