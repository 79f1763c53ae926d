//! 3-D convolution and transposed convolution (NCDHW), composed from 2-D ones.
//!
//! candle has no 3-D convolution. Each kernel-depth tap is a 2-D convolution with the depth
//! folded into the batch; the taps are summed. Only `index_select`, `cat`, `narrow`,
//! reshapes and 2-D convolutions are used, all exact to second order.

use candle_core::{Result, Tensor};

use super::conv::{add_channel_bias, conv2d, conv_transpose2d, pad_and_crop};
use super::error::{
    arg_error, expect_kernel_channels, expect_nonempty, expect_positive, expect_rank,
};

/// Kernel depth tap `t` of a `[A, B, kd, kh, kw]` kernel, as a `[A, B, kh, kw]` 2-D kernel.
fn depth_tap(w: &Tensor, t: usize) -> Result<Tensor> {
    w.narrow(2, t, 1)?.squeeze(2)?.contiguous()
}

/// 3-D cross-correlation, PyTorch's `conv3d` with `groups = 1`, `dilation = 1` and the same
/// stride and padding on all three spatial axes.
///
/// Shapes: `x` `[N, C, D, H, W]`, `w` `[O, C, kd, kh, kw]`, `b` `[O]`; the result is
/// `[N, O, Do, Ho, Wo]` with `Do = (D + 2p - kd) / s + 1` (floor), likewise `Ho`, `Wo`.
pub fn conv3d(
    x: &Tensor,
    w: &Tensor,
    b: Option<&Tensor>,
    stride: usize,
    padding: usize,
) -> Result<Tensor> {
    const OP: &str = "conv3d";
    expect_rank(OP, "x", x, &[5], "rank 5 ([N, C, D, H, W])")?;
    expect_rank(OP, "w", w, &[5], "rank 5 ([O, C, kd, kh, kw])")?;
    expect_positive(OP, "stride", stride)?;
    let (n, c, d, h, wd) = x.dims5()?;
    let (o, _, kd, _, _) = w.dims5()?;
    expect_kernel_channels(OP, w, 1, c)?;
    expect_positive(OP, "kernel depth", kd)?;
    if kd > d + 2 * padding {
        return Err(arg_error(
            OP,
            format!(
                "kernel depth {kd} is larger than the padded depth {}",
                d + 2 * padding
            ),
        ));
    }
    let d_out = (d + 2 * padding - kd) / stride + 1;
    let xp = x.pad_with_zeros(2, padding, padding)?;
    let mut acc: Option<Tensor> = None;
    for t in 0..kd {
        let ids: Vec<u32> = (0..d_out).map(|i| (t + i * stride) as u32).collect();
        let ids = Tensor::from_vec(ids, d_out, x.device())?;
        // [N, C, Do, H, W] -> [N*Do, C, H, W]: every output depth is an independent 2-D conv.
        let slab = xp
            .index_select(&ids, 2)?
            .permute((0, 2, 1, 3, 4))?
            .reshape((n * d_out, c, h, wd))?;
        let y = conv2d(&slab, &depth_tap(w, t)?, None, stride, padding, 1)?;
        acc = Some(match acc {
            None => y,
            Some(a) => (a + y)?,
        });
    }
    let y = acc.ok_or_else(|| arg_error(OP, "kernel depth must be at least 1"))?;
    let (_, _, ho, wo) = y.dims4()?;
    let y = y.reshape((n, d_out, o, ho, wo))?.permute((0, 2, 1, 3, 4))?;
    add_channel_bias(&y, b, OP)
}

/// 3-D transposed convolution, PyTorch's `conv_transpose3d` with `groups = 1`,
/// `dilation = 1` and the same stride, padding and output padding on all three axes.
///
/// Shapes: `x` `[N, I, D, H, W]`, `w` `[I, O, kd, kh, kw]`, `b` `[O]`; the result is
/// `[N, O, Do, Ho, Wo]` with `Do = (D - 1) s - 2p + kd + output_padding`, likewise `Ho`, `Wo`.
pub fn conv_transpose3d(
    x: &Tensor,
    w: &Tensor,
    b: Option<&Tensor>,
    stride: usize,
    padding: usize,
    output_padding: usize,
) -> Result<Tensor> {
    const OP: &str = "conv_transpose3d";
    expect_rank(OP, "x", x, &[5], "rank 5 ([N, I, D, H, W])")?;
    expect_rank(OP, "w", w, &[5], "rank 5 ([I, O, kd, kh, kw])")?;
    expect_nonempty(OP, "x", x)?;
    expect_positive(OP, "stride", stride)?;
    let (n, c, d, h, wd) = x.dims5()?;
    let (_, o, kd, _, _) = w.dims5()?;
    expect_kernel_channels(OP, w, 0, c)?;
    expect_positive(OP, "kernel depth", kd)?;
    let full_d = (d - 1) * stride + kd;
    let d_out = match (full_d + output_padding).checked_sub(2 * padding) {
        Some(v) if v > 0 && padding <= full_d => v,
        _ => {
            return Err(arg_error(
                OP,
                format!("padding {padding} leaves no output for full depth {full_d}"),
            ))
        }
    };
    let folded = x.permute((0, 2, 1, 3, 4))?.reshape((n * d, c, h, wd))?;
    let mut acc: Option<Tensor> = None;
    for t in 0..kd {
        // conv_transpose2d checks output_padding < stride and the H/W output sizes.
        let y = conv_transpose2d(
            &folded,
            &depth_tap(w, t)?,
            None,
            stride,
            padding,
            output_padding,
        )?;
        let (_, _, ho, wo) = y.dims4()?;
        // Input depth i lands on full-output depth i*s + t: interleave s-1 zero slabs after
        // each input slab, drop the trailing ones, then shift by t.
        let spread = y
            .reshape((n, d, 1, o, ho, wo))?
            .pad_with_zeros(2, 0, stride - 1)?
            .reshape((n, d * stride, o, ho, wo))?
            .narrow(1, 0, (d - 1) * stride + 1)?
            .pad_with_zeros(1, t, kd - 1 - t)?;
        acc = Some(match acc {
            None => spread,
            Some(a) => (a + spread)?,
        });
    }
    let y = acc.ok_or_else(|| arg_error(OP, "kernel depth must be at least 1"))?;
    let y = pad_and_crop(&y.narrow(1, padding, full_d - padding)?, 1, 0, d_out)?;
    let y = y.permute((0, 2, 1, 3, 4))?;
    add_channel_bias(&y, b, OP)
}
