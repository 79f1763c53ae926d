//! 2-D convolution and transposed convolution (NCHW).
//!
//! Both go through shapes for which candle's backward is exact to second order: candle's
//! conv2d backward fails when H and W leave different remainders modulo the stride, so
//! [`conv2d`] pads explicitly and crops the input to exactly the rows and columns the kernel
//! visits; [`conv_transpose2d`] runs candle's op without padding and crops the full output.

use candle_core::{Result, Tensor};

use super::error::{
    arg_error, expect_kernel_channels, expect_nonempty, expect_positive, expect_rank, expect_shape,
};

/// Adds a per-channel bias `[c]` to an `[N, c, ...]` tensor.
pub(crate) fn add_channel_bias(y: &Tensor, b: Option<&Tensor>, op: &'static str) -> Result<Tensor> {
    match b {
        None => Ok(y.clone()),
        Some(b) => {
            let c = y.dim(1)?;
            expect_shape(op, "b", b, &[c])?;
            let mut shape = vec![1; y.rank()];
            shape[1] = c;
            y.broadcast_add(&b.reshape(shape)?)
        }
    }
}

/// Zero-pads `x` by `before`/`after` along `dim`, then keeps the first `len` entries.
/// `len` may exceed the padded size only through `after` being too small: then the
/// missing tail is zero-padded too.
pub(crate) fn pad_and_crop(x: &Tensor, dim: usize, before: usize, len: usize) -> Result<Tensor> {
    let size = x.dim(dim)?;
    let after = len.saturating_sub(before + size);
    x.pad_with_zeros(dim, before, after)?.narrow(dim, 0, len)
}

/// 2-D cross-correlation, PyTorch's `conv2d` with `groups = 1`.
///
/// Shapes: `x` `[N, C, H, W]`, `w` `[O, C, kh, kw]`, `b` `[O]`; the result is
/// `[N, O, Ho, Wo]` with `Ho = (H + 2p - d(kh-1) - 1) / s + 1` (floor), likewise `Wo`.
/// `stride` and `dilation` must be >= 1 and the dilated kernel must fit the padded input.
pub fn conv2d(
    x: &Tensor,
    w: &Tensor,
    b: Option<&Tensor>,
    stride: usize,
    padding: usize,
    dilation: usize,
) -> Result<Tensor> {
    const OP: &str = "conv2d";
    expect_rank(OP, "x", x, &[4], "rank 4 ([N, C, H, W])")?;
    expect_rank(OP, "w", w, &[4], "rank 4 ([O, C, kh, kw])")?;
    expect_positive(OP, "stride", stride)?;
    expect_positive(OP, "dilation", dilation)?;
    let (_, c, h, wd) = x.dims4()?;
    let (_, _, kh, kw) = w.dims4()?;
    expect_kernel_channels(OP, w, 1, c)?;
    expect_positive(OP, "kernel height", kh)?;
    expect_positive(OP, "kernel width", kw)?;
    let span_h = dilation * (kh - 1) + 1;
    let span_w = dilation * (kw - 1) + 1;
    if span_h > h + 2 * padding || span_w > wd + 2 * padding {
        return Err(arg_error(
            OP,
            format!(
                "dilated kernel {span_h}x{span_w} is larger than the padded input {}x{}",
                h + 2 * padding,
                wd + 2 * padding
            ),
        ));
    }
    let ho = (h + 2 * padding - span_h) / stride + 1;
    let wo = (wd + 2 * padding - span_w) / stride + 1;
    let rem_h = (h + 2 * padding - span_h) % stride;
    let rem_w = (wd + 2 * padding - span_w) % stride;
    if rem_h == rem_w {
        // candle's own padded convolution is exact here (the backward bug needs different
        // remainders) and avoids copying the input.
        let y = x.conv2d(w, padding, stride, dilation, 1)?;
        return add_channel_bias(&y, b, OP);
    }
    // Exactly the rows/columns the kernel reaches, so both remainders are zero.
    let x = pad_and_crop(x, 2, padding, (ho - 1) * stride + span_h)?;
    let x = pad_and_crop(&x, 3, padding, (wo - 1) * stride + span_w)?;
    let y = x.conv2d(w, 0, stride, dilation, 1)?;
    add_channel_bias(&y, b, OP)
}

/// 2-D transposed convolution, PyTorch's `conv_transpose2d` with `groups = 1`, `dilation = 1`.
///
/// Shapes: `x` `[N, I, H, W]`, `w` `[I, O, kh, kw]`, `b` `[O]`; the result is
/// `[N, O, Ho, Wo]` with `Ho = (H - 1) s - 2p + kh + output_padding`, likewise `Wo`.
/// Requires `stride >= 1`, `output_padding < stride` and a positive output size.
pub fn conv_transpose2d(
    x: &Tensor,
    w: &Tensor,
    b: Option<&Tensor>,
    stride: usize,
    padding: usize,
    output_padding: usize,
) -> Result<Tensor> {
    const OP: &str = "conv_transpose2d";
    expect_rank(OP, "x", x, &[4], "rank 4 ([N, I, H, W])")?;
    expect_rank(OP, "w", w, &[4], "rank 4 ([I, O, kh, kw])")?;
    expect_nonempty(OP, "x", x)?;
    expect_positive(OP, "stride", stride)?;
    let (_, c, h, wd) = x.dims4()?;
    let (_, _, kh, kw) = w.dims4()?;
    expect_kernel_channels(OP, w, 0, c)?;
    expect_positive(OP, "kernel height", kh)?;
    expect_positive(OP, "kernel width", kw)?;
    if output_padding >= stride {
        return Err(arg_error(
            OP,
            format!("output_padding ({output_padding}) must be smaller than stride ({stride})"),
        ));
    }
    let full_h = (h - 1) * stride + kh;
    let full_w = (wd - 1) * stride + kw;
    let (ho, wo) = match (
        (full_h + output_padding).checked_sub(2 * padding),
        (full_w + output_padding).checked_sub(2 * padding),
    ) {
        (Some(ho), Some(wo)) if ho > 0 && wo > 0 && padding <= full_h.min(full_w) => (ho, wo),
        _ => {
            return Err(arg_error(
                OP,
                format!("padding {padding} leaves no output for a {full_h}x{full_w} full output"),
            ))
        }
    };
    if output_padding <= padding {
        // candle's padded transposed convolution computes only the kept outputs.
        let y = x.conv_transpose2d(w, padding, output_padding, stride, 1)?;
        if y.dim(2)? == ho && y.dim(3)? == wo {
            return add_channel_bias(&y, b, OP);
        }
    }
    let y = x.conv_transpose2d(w, 0, 0, stride, 1)?;
    // Cropping `padding` from the front and keeping `ho` is what padding/output_padding mean.
    let y = pad_and_crop(&y.narrow(2, padding, full_h - padding)?, 2, 0, ho)?;
    let y = pad_and_crop(&y.narrow(3, padding, full_w - padding)?, 3, 0, wo)?;
    add_channel_bias(&y, b, OP)
}
