//! Inverted dropout with seeded masks (candle's own dropout draws from an unseeded source).

use candle_core::{Result, Tensor};
use rand::rngs::StdRng;
use rand::Rng;

use super::error::{arg_error, expect_shape};

fn check_p(p: f64) -> Result<()> {
    if (0.0..=1.0).contains(&p) {
        Ok(())
    } else {
        Err(arg_error(
            "dropout",
            format!("p must be in [0, 1], got {p}"),
        ))
    }
}

/// A keep-mask for [`dropout_with_mask`]: each entry is 1 with probability `1 - p` and 0
/// otherwise, drawn from `rng` in row-major order, with the shape, dtype and device of `x`.
pub fn dropout_mask(x: &Tensor, p: f64, rng: &mut StdRng) -> Result<Tensor> {
    check_p(p)?;
    let keep: Vec<f64> = (0..x.elem_count())
        .map(|_| if rng.random::<f64>() < p { 0.0 } else { 1.0 })
        .collect();
    Tensor::from_vec(keep, x.dims(), x.device())?.to_dtype(x.dtype())
}

/// Dropout with an explicit keep-mask: `x * mask / (1 - p)`, and all zeros when `p == 1`.
///
/// Shapes: `mask` has the shape of `x` and holds 0/1 values (e.g. from [`dropout_mask`]);
/// the output has the shape of `x`.
pub fn dropout_with_mask(x: &Tensor, mask: &Tensor, p: f64) -> Result<Tensor> {
    check_p(p)?;
    expect_shape("dropout", "mask", mask, x.dims())?;
    if p >= 1.0 {
        return x.zeros_like();
    }
    (x * mask.to_dtype(x.dtype())?)? * (1.0 / (1.0 - p))
}

/// Training-mode dropout: zero each entry with probability `p` (mask drawn from `rng`) and
/// scale the survivors by `1 / (1 - p)`. Any shape; `p` in `[0, 1]`.
pub fn dropout(x: &Tensor, p: f64, rng: &mut StdRng) -> Result<Tensor> {
    let mask = dropout_mask(x, p, rng)?;
    dropout_with_mask(x, &mask, p)
}
