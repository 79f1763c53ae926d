//! 2-D average and max pooling (no padding, floor mode, like PyTorch's defaults).
//!
//! candle's `max_pool2d` scales its gradient by `1/(k*k)` and its `avg_pool2d` has no
//! backward when kernel != stride, so neither is used.

use candle_core::{Result, Tensor};

use super::conv::conv2d;
use super::error::{arg_error, expect_positive, expect_rank};

/// Validates a pooling call and returns `(N, C, H, W, Ho, Wo)`.
fn pool_dims(
    op: &'static str,
    x: &Tensor,
    kernel: usize,
    stride: usize,
) -> Result<(usize, usize, usize, usize, usize, usize)> {
    expect_rank(op, "x", x, &[4], "rank 4 ([N, C, H, W])")?;
    expect_positive(op, "kernel", kernel)?;
    expect_positive(op, "stride", stride)?;
    let (n, c, h, w) = x.dims4()?;
    if kernel > h || kernel > w {
        return Err(arg_error(
            op,
            format!("kernel {kernel} is larger than the input {h}x{w}"),
        ));
    }
    Ok((
        n,
        c,
        h,
        w,
        (h - kernel) / stride + 1,
        (w - kernel) / stride + 1,
    ))
}

/// Average pooling with a `kernel x kernel` window moved by `stride`, computed as a
/// convolution with a constant kernel.
///
/// Shapes: `x` `[N, C, H, W]` -> `[N, C, Ho, Wo]`, `Ho = (H - kernel) / stride + 1` (floor).
pub fn avg_pool2d(x: &Tensor, kernel: usize, stride: usize) -> Result<Tensor> {
    let (n, c, h, w, ho, wo) = pool_dims("avg_pool2d", x, kernel, stride)?;
    let weight =
        (Tensor::ones((1, 1, kernel, kernel), x.dtype(), x.device())? / (kernel * kernel) as f64)?;
    let y = conv2d(&x.reshape((n * c, 1, h, w))?, &weight, None, stride, 0, 1)?;
    y.reshape((n, c, ho, wo))
}

/// Max pooling with a `kernel x kernel` window moved by `stride`. The gradient goes to the
/// maximum of each window (to every tied maximum).
///
/// Shapes: `x` `[N, C, H, W]` -> `[N, C, Ho, Wo]`, `Ho = (H - kernel) / stride + 1` (floor).
pub fn max_pool2d(x: &Tensor, kernel: usize, stride: usize) -> Result<Tensor> {
    let (n, c, _, _, ho, wo) = pool_dims("max_pool2d", x, kernel, stride)?;
    if kernel == stride {
        // Non-overlapping windows: expose them as axes and reduce.
        return x
            .narrow(2, 0, ho * kernel)?
            .narrow(3, 0, wo * kernel)?
            .reshape((n, c, ho, kernel, wo, kernel))?
            .max(5)?
            .max(3);
    }
    // Overlapping or gapped windows: one strided view per window offset, then reduce.
    let mut taps = Vec::with_capacity(kernel * kernel);
    for i in 0..kernel {
        let rows: Vec<u32> = (0..ho).map(|o| (i + o * stride) as u32).collect();
        let rows = x.index_select(&Tensor::from_vec(rows, ho, x.device())?, 2)?;
        for j in 0..kernel {
            let cols: Vec<u32> = (0..wo).map(|o| (j + o * stride) as u32).collect();
            taps.push(rows.index_select(&Tensor::from_vec(cols, wo, x.device())?, 3)?);
        }
    }
    Tensor::stack(&taps, 0)?.max(0)
}
