//! Per-example normalisations: instance, layer and group norm.

use candle_core::{Result, Tensor};

use super::error::{arg_error, expect_positive, expect_rank};
use super::norm_util::{affine, channel_shape, check_eps, moments, normalize};

/// Instance norm (Ulyanov et al. 2016): normalise each `(example, channel)` over its
/// spatial axes with the biased variance, then apply an optional per-channel affine.
///
/// Shapes: `x` `[N, C, ...]` with at least one spatial axis (rank >= 3),
/// `affine = Some((gamma [C], beta [C]))`; the output has the shape of `x`.
pub fn instance_norm(
    x: &Tensor,
    affine_params: Option<(&Tensor, &Tensor)>,
    eps: f64,
) -> Result<Tensor> {
    const OP: &str = "instance_norm";
    expect_rank(
        OP,
        "x",
        x,
        &[3, 4, 5],
        "rank 3, 4 or 5 ([N, C, spatial...])",
    )?;
    check_eps(OP, eps)?;
    let dims: Vec<usize> = (2..x.rank()).collect();
    let (mean, var) = moments(x, &dims)?;
    let y = normalize(x, &mean, &var, eps)?;
    let c = x.dim(1)?;
    affine(OP, y, affine_params, &[c], &channel_shape(c, x.rank()))
}

/// Layer norm (Ba et al. 2016) over all non-batch axes with an elementwise affine.
///
/// Shapes: `x` `[N, ...]` (rank >= 2), `gamma` and `beta` of shape `x.dims()[1..]`;
/// the output has the shape of `x`.
pub fn layer_norm(
    x: &Tensor,
    affine_params: Option<(&Tensor, &Tensor)>,
    eps: f64,
) -> Result<Tensor> {
    const OP: &str = "layer_norm";
    expect_rank(OP, "x", x, &[2, 3, 4, 5], "rank 2 to 5 ([N, ...])")?;
    check_eps(OP, eps)?;
    let dims: Vec<usize> = (1..x.rank()).collect();
    let (mean, var) = moments(x, &dims)?;
    let y = normalize(x, &mean, &var, eps)?;
    let feature = &x.dims()[1..];
    let mut view = vec![1];
    view.extend_from_slice(feature);
    affine(OP, y, affine_params, feature, &view)
}

/// Group norm (Wu & He 2018): split the channels into `groups` consecutive groups and
/// normalise each `(example, group)` over its channels and spatial axes, then apply an
/// optional per-channel affine.
///
/// Shapes: `x` `[N, C, ...]` (rank >= 2) with `C % groups == 0`,
/// `affine = Some((gamma [C], beta [C]))`; the output has the shape of `x`.
pub fn group_norm(
    x: &Tensor,
    groups: usize,
    affine_params: Option<(&Tensor, &Tensor)>,
    eps: f64,
) -> Result<Tensor> {
    const OP: &str = "group_norm";
    expect_rank(OP, "x", x, &[2, 3, 4, 5], "rank 2 to 5 ([N, C, ...])")?;
    expect_positive(OP, "groups", groups)?;
    check_eps(OP, eps)?;
    let n = x.dim(0)?;
    let c = x.dim(1)?;
    if c % groups != 0 {
        return Err(arg_error(
            OP,
            format!("channels ({c}) must be divisible by groups ({groups})"),
        ));
    }
    let grouped = x.reshape((n, groups, x.elem_count() / (n * groups).max(1)))?;
    let (mean, var) = moments(&grouped, &[2])?;
    let y = normalize(&grouped, &mean, &var, eps)?.reshape(x.dims())?;
    affine(OP, y, affine_params, &[c], &channel_shape(c, x.rank()))
}
