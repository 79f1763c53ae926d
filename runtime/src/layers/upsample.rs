//! Nearest and bilinear upsampling for NCHW tensors.

use candle_core::{Device, Result, Tensor};

use super::error::{arg_error, expect_positive, expect_rank};

/// Nearest-neighbour upsampling by integer factors: every pixel becomes a
/// `scale_h x scale_w` block. Built from reshape + broadcast (candle's
/// `upsample_nearest2d` backward overwrites instead of accumulating).
///
/// Shapes: `x` `[N, C, H, W]` -> `[N, C, H * scale_h, W * scale_w]`.
pub fn upsample_nearest2d(x: &Tensor, scale_h: usize, scale_w: usize) -> Result<Tensor> {
    const OP: &str = "upsample_nearest2d";
    expect_rank(OP, "x", x, &[4], "rank 4 ([N, C, H, W])")?;
    expect_positive(OP, "scale_h", scale_h)?;
    expect_positive(OP, "scale_w", scale_w)?;
    let (n, c, h, w) = x.dims4()?;
    x.reshape((n, c, h, 1, w, 1))?
        .broadcast_as((n, c, h, scale_h, w, scale_w))?
        .reshape((n, c, h * scale_h, w * scale_w))
}

/// `[out, inp]` matrix of 1-D linear interpolation with PyTorch's `align_corners=False`
/// rule: output `i` samples source `s = (i + 0.5) * inp / out - 0.5`, clamped below at 0,
/// between `floor(s)` and `min(floor(s) + 1, inp - 1)`.
fn interpolation_matrix(out: usize, inp: usize, device: &Device) -> Result<Tensor> {
    let scale = inp as f64 / out as f64;
    let mut m = vec![0f64; out * inp];
    for i in 0..out {
        let src = ((i as f64 + 0.5) * scale - 0.5).max(0.0);
        let lo = (src.floor() as usize).min(inp - 1);
        let hi = (lo + 1).min(inp - 1);
        let frac = src - lo as f64;
        m[i * inp + lo] += 1.0 - frac;
        m[i * inp + hi] += frac;
    }
    Tensor::from_vec(m, (out, inp), device)
}

/// Bilinear resize to `out_h x out_w`, matching PyTorch's
/// `F.interpolate(x, size=(out_h, out_w), mode="bilinear", align_corners=False)`: pixel
/// centres are aligned, sources outside the image are clamped to the border. Computed as
/// `A_h x A_w^T` with two interpolation matrices, so gradients are exact.
///
/// Shapes: `x` `[N, C, H, W]` -> `[N, C, out_h, out_w]`.
pub fn upsample_bilinear2d(x: &Tensor, out_h: usize, out_w: usize) -> Result<Tensor> {
    const OP: &str = "upsample_bilinear2d";
    expect_rank(OP, "x", x, &[4], "rank 4 ([N, C, H, W])")?;
    expect_positive(OP, "out_h", out_h)?;
    expect_positive(OP, "out_w", out_w)?;
    let (n, c, h, w) = x.dims4()?;
    if h == 0 || w == 0 {
        return Err(arg_error(
            OP,
            format!("input must not be empty, got {h}x{w}"),
        ));
    }
    let a_h = interpolation_matrix(out_h, h, x.device())?.to_dtype(x.dtype())?;
    let a_w = interpolation_matrix(out_w, w, x.device())?.to_dtype(x.dtype())?;
    // Columns: [N*C*H, W] x [W, out_w].
    let y = x.reshape((n * c * h, w))?.matmul(&a_w.t()?)?;
    // Rows: [N*C*out_w, H] x [H, out_h], via a transpose of the last two axes.
    let y = y
        .reshape((n * c, h, out_w))?
        .transpose(1, 2)?
        .reshape((n * c * out_w, h))?
        .matmul(&a_h.t()?)?;
    y.reshape((n * c, out_w, out_h))?
        .transpose(1, 2)?
        .reshape((n, c, out_h, out_w))
}
