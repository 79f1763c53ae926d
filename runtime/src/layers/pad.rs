//! Spatial padding of NCHW tensors.

use candle_core::{Result, Tensor};

use super::error::{arg_error, expect_rank};

/// Zero padding: `left`/`right` columns and `top`/`bottom` rows of zeros.
///
/// Shapes: `x` `[N, C, H, W]` -> `[N, C, H + top + bottom, W + left + right]`.
pub fn zero_pad2d(
    x: &Tensor,
    left: usize,
    right: usize,
    top: usize,
    bottom: usize,
) -> Result<Tensor> {
    expect_rank("zero_pad2d", "x", x, &[4], "rank 4 ([N, C, H, W])")?;
    x.pad_with_zeros(3, left, right)?
        .pad_with_zeros(2, top, bottom)
}

/// Source index of each padded position for reflection without repeating the edge:
/// `[before, ..., 1, 0, 1, ..., n-1, n-2, ..., n-1-after]`.
fn reflect_indices(n: usize, before: usize, after: usize) -> Vec<u32> {
    let mut ids: Vec<u32> = (1..=before).rev().map(|i| i as u32).collect();
    ids.extend((0..n).map(|i| i as u32));
    ids.extend((0..after).map(|k| (n - 2 - k) as u32));
    ids
}

/// Reflection padding like PyTorch's `ReflectionPad2d`: the border row/column is not
/// repeated (padding `[a b c d]` by 2 on the left gives `c b a b c d`). Each pad must be
/// smaller than the padded dimension. Implemented as one `index_select` per axis, whose
/// gradient (and second derivative) candle computes exactly.
///
/// Shapes: `x` `[N, C, H, W]` -> `[N, C, H + top + bottom, W + left + right]`.
pub fn reflection_pad2d(
    x: &Tensor,
    left: usize,
    right: usize,
    top: usize,
    bottom: usize,
) -> Result<Tensor> {
    const OP: &str = "reflection_pad2d";
    expect_rank(OP, "x", x, &[4], "rank 4 ([N, C, H, W])")?;
    let (_, _, h, w) = x.dims4()?;
    if left.max(right) >= w || top.max(bottom) >= h {
        return Err(arg_error(
            OP,
            format!(
                "padding (l {left}, r {right}, t {top}, b {bottom}) must be smaller than the input {h}x{w}"
            ),
        ));
    }
    let cols = reflect_indices(w, left, right);
    let rows = reflect_indices(h, top, bottom);
    let (nc, nr) = (cols.len(), rows.len());
    x.index_select(&Tensor::from_vec(cols, nc, x.device())?, 3)?
        .index_select(&Tensor::from_vec(rows, nr, x.device())?, 2)
}
