//! Spectral normalisation of weights (Miyato et al. 2018).

use candle_core::{Result, Tensor};

use super::error::{arg_error, expect_positive, expect_shape};

/// `v / (||v||_2 + eps)` for a vector.
fn unit(v: &Tensor, eps: f64) -> Result<Tensor> {
    v.broadcast_div(&(v.sqr()?.sum_all()?.sqrt()? + eps)?)
}

/// Divides `w` by an estimate of its largest singular value.
///
/// `w` (rank >= 2) is viewed as the matrix `W = [out, rest]` (axis 0 against the others,
/// as PyTorch does for linear and conv weights). Starting from `u` (`[out]`), each of the
/// `n_power_iterations` (>= 1) steps does `v = unit(W^T u)`, `u = unit(W v)` with
/// `unit(a) = a / (||a|| + eps)`. Then `sigma = u^T W v`, where `u` and `v` are constants
/// (not differentiated through) and `W` is not, and the result is `(w / sigma, u)`; keep
/// the new `u` for the next call.
pub fn spectral_norm(
    w: &Tensor,
    u: &Tensor,
    n_power_iterations: usize,
    eps: f64,
) -> Result<(Tensor, Tensor)> {
    const OP: &str = "spectral_norm";
    expect_positive(OP, "n_power_iterations", n_power_iterations)?;
    if w.rank() < 2 {
        return Err(arg_error(
            OP,
            format!("w must have rank >= 2, got shape {:?}", w.dims()),
        ));
    }
    if !(eps.is_finite() && eps >= 0.0) {
        return Err(arg_error(
            OP,
            format!("eps must be finite and >= 0, got {eps}"),
        ));
    }
    let out = w.dim(0)?;
    expect_shape(OP, "u", u, &[out])?;
    let mat = w.reshape((out, w.elem_count() / out.max(1)))?;
    let fixed = mat.detach();
    let mut u = u.detach().reshape((out, 1))?;
    let mut v = u.clone();
    for _ in 0..n_power_iterations {
        v = unit(&fixed.t()?.matmul(&u)?, eps)?;
        u = unit(&fixed.matmul(&v)?, eps)?;
    }
    let sigma = u.t()?.matmul(&mat.matmul(&v)?)?.reshape(())?;
    Ok((w.broadcast_div(&sigma)?, u.reshape(out)?))
}
