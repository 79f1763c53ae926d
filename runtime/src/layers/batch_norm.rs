//! Batch normalisation (Ioffe & Szegedy 2015) for `[N, C]`, `[N, C, H, W]` and
//! `[N, C, D, H, W]` inputs.

use candle_core::{Result, Tensor};

use super::error::{arg_error, expect_rank, expect_shape};
use super::norm_util::{affine, channel_shape, check_eps, moments, normalize};

/// The per-channel statistics of the batch a training-mode batch norm normalised with.
#[derive(Debug, Clone)]
pub struct BatchStats {
    /// Batch mean per channel, `[C]`.
    pub mean: Tensor,
    /// Biased batch variance per channel, `[C]` (the one used to normalise).
    pub var: Tensor,
    /// Number of values per channel the statistics were taken over (`N * H * W ...`).
    pub count: usize,
}

impl BatchStats {
    /// Unbiased variance `var * count / (count - 1)`, what PyTorch feeds into the running
    /// variance. `count >= 2` is guaranteed by [`batch_norm_train`].
    pub fn unbiased_var(&self) -> Result<Tensor> {
        let n = self.count as f64;
        self.var.affine(n / (n - 1.0), 0.0)
    }
}

/// Axes a batch norm reduces over: every axis but the channel axis 1.
fn reduce_dims(rank: usize) -> Vec<usize> {
    (0..rank).filter(|&d| d != 1).collect()
}

const RANKS: &[usize] = &[2, 4, 5];
const RANKS_TEXT: &str = "rank 2, 4 or 5 ([N, C], [N, C, H, W] or [N, C, D, H, W])";

/// Training-mode batch norm: normalise each channel with the batch mean and biased
/// variance over all axes but axis 1, then scale by `gamma` and shift by `beta`.
///
/// Shapes: `x` `[N, C, ...]` (rank 2, 4 or 5), `affine = Some((gamma [C], beta [C]))`.
/// Returns the output (shape of `x`) and the [`BatchStats`] so the caller can update its
/// running statistics. Fails when a channel has fewer than 2 values.
pub fn batch_norm_train(
    x: &Tensor,
    affine_params: Option<(&Tensor, &Tensor)>,
    eps: f64,
) -> Result<(Tensor, BatchStats)> {
    const OP: &str = "batch_norm_train";
    expect_rank(OP, "x", x, RANKS, RANKS_TEXT)?;
    check_eps(OP, eps)?;
    let c = x.dim(1)?;
    let count = x.elem_count() / c.max(1);
    if count < 2 {
        return Err(arg_error(
            OP,
            format!(
                "needs more than one value per channel in training, got shape {:?}",
                x.dims()
            ),
        ));
    }
    let (mean, var) = moments(x, &reduce_dims(x.rank()))?;
    let y = normalize(x, &mean, &var, eps)?;
    let y = affine(OP, y, affine_params, &[c], &channel_shape(c, x.rank()))?;
    let stats = BatchStats {
        mean: mean.flatten_all()?,
        var: var.flatten_all()?,
        count,
    };
    Ok((y, stats))
}

/// Evaluation-mode batch norm: normalise with given running statistics.
///
/// Shapes: `x` `[N, C, ...]` (rank 2, 4 or 5), `running_mean` and `running_var` `[C]`,
/// `affine = Some((gamma [C], beta [C]))`; the output has the shape of `x`.
pub fn batch_norm_eval(
    x: &Tensor,
    running_mean: &Tensor,
    running_var: &Tensor,
    affine_params: Option<(&Tensor, &Tensor)>,
    eps: f64,
) -> Result<Tensor> {
    const OP: &str = "batch_norm_eval";
    expect_rank(OP, "x", x, RANKS, RANKS_TEXT)?;
    check_eps(OP, eps)?;
    let c = x.dim(1)?;
    expect_shape(OP, "running_mean", running_mean, &[c])?;
    expect_shape(OP, "running_var", running_var, &[c])?;
    let view = channel_shape(c, x.rank());
    let y = normalize(
        x,
        &running_mean.reshape(view.as_slice())?,
        &running_var.reshape(view.as_slice())?,
        eps,
    )?;
    affine(OP, y, affine_params, &[c], &view)
}
