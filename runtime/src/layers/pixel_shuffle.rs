//! Sub-pixel rearrangement (Shi et al. 2016).

use candle_core::{Result, Tensor};

use super::error::{arg_error, expect_positive, expect_rank};

/// PyTorch's `pixel_shuffle`: input channel `c * r^2 + i * r + j` at `(h, w)` moves to
/// output channel `c` at `(h * r + i, w * r + j)`.
///
/// Shapes: `x` `[N, C * r^2, H, W]` -> `[N, C, H * r, W * r]`.
pub fn pixel_shuffle(x: &Tensor, r: usize) -> Result<Tensor> {
    const OP: &str = "pixel_shuffle";
    expect_rank(OP, "x", x, &[4], "rank 4 ([N, C * r^2, H, W])")?;
    expect_positive(OP, "r", r)?;
    let (n, cr, h, w) = x.dims4()?;
    if cr % (r * r) != 0 {
        return Err(arg_error(
            OP,
            format!("channels ({cr}) must be divisible by r^2 ({})", r * r),
        ));
    }
    let c = cr / (r * r);
    x.reshape((n, c, r, r, h, w))?
        .permute((0, 1, 4, 2, 5, 3))?
        .reshape((n, c, h * r, w * r))
}
