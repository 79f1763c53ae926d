//! Minibatch discrimination (Salimans et al. 2016, section 3.2).

use candle_core::{Result, Tensor};

use super::error::{arg_error, expect_positive, expect_rank, LayerError};

/// Appends to each example features that measure its closeness to the rest of the batch.
///
/// With `M = x T` reshaped to `[N, B, C]` (`B = kernels`, `C = kernel_dim`):
/// `c_b(i, j) = exp(-||M_{i,b} - M_{j,b}||_1)` and `o(x_i)_b = sum_j c_b(i, j)`, the sum
/// running over the whole batch **including `j = i`** as in the paper (that term adds the
/// constant 1). The result is `cat(x, o(x))` along axis 1.
///
/// Shapes: `x` `[N, A]`, `t` `[A, B * C]`; the result is `[N, A + B]`.
pub fn minibatch_discrimination(
    x: &Tensor,
    t: &Tensor,
    kernels: usize,
    kernel_dim: usize,
) -> Result<Tensor> {
    const OP: &str = "minibatch_discrimination";
    expect_rank(OP, "x", x, &[2], "rank 2 ([N, A])")?;
    expect_rank(OP, "t", t, &[2], "rank 2 ([A, B * C])")?;
    expect_positive(OP, "kernels", kernels)?;
    expect_positive(OP, "kernel_dim", kernel_dim)?;
    let (n, a) = x.dims2()?;
    if t.dims() != [a, kernels * kernel_dim] {
        return Err(LayerError::Shape {
            op: OP,
            arg: "t",
            expected: vec![a, kernels * kernel_dim],
            got: t.dims().to_vec(),
        }
        .into());
    }
    if n == 0 {
        return Err(arg_error(OP, "needs a non-empty batch"));
    }
    let m = x.matmul(t)?.reshape((n, kernels, kernel_dim))?;
    let full = (n, n, kernels, kernel_dim);
    let diff = m
        .unsqueeze(1)?
        .broadcast_as(full)?
        .sub(&m.unsqueeze(0)?.broadcast_as(full)?)?;
    let closeness = diff.abs()?.sum(3)?.neg()?.exp()?;
    let o = closeness.sum(1)?;
    Tensor::cat(&[x, &o], 1)
}
