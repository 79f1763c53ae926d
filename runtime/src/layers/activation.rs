//! Elementwise activations, written in forms whose first and second derivatives candle
//! computes correctly and that do not overflow for large inputs.

use candle_core::{Result, Tensor};

use super::error::{arg_error, expect_rank, LayerError};

/// `max(x, 0)`. Any shape.
pub fn relu(x: &Tensor) -> Result<Tensor> {
    x.relu()
}

/// `x` for `x >= 0`, `slope * x` otherwise. Any shape; any finite `slope`.
pub fn leaky_relu(x: &Tensor, slope: f64) -> Result<Tensor> {
    if !slope.is_finite() {
        return Err(arg_error(
            "leaky_relu",
            format!("slope must be finite, got {slope}"),
        ));
    }
    if (0.0..=1.0).contains(&slope) {
        // Two ops instead of five: elementwise chains are a hot spot on CPU.
        x.maximum(&(x * slope)?)
    } else {
        // relu(x) - slope * relu(-x) is right for every slope, unlike max(x, slope * x).
        x.relu()? - (x.neg()?.relu()? * slope)?
    }
}

/// ELU: `x` for `x > 0`, `alpha * (exp(x) - 1)` otherwise. Any shape; finite `alpha`.
pub fn elu(x: &Tensor, alpha: f64) -> Result<Tensor> {
    if !alpha.is_finite() {
        return Err(arg_error(
            "elu",
            format!("alpha must be finite, got {alpha}"),
        ));
    }
    x.elu(alpha)
}

/// PReLU: `x` for `x >= 0`, `weight[c] * x` otherwise, with one learned slope per channel.
///
/// Shapes: `x` `[N, C, ...]` (rank >= 2), `weight` `[C]` or `[1]` (one slope shared by all
/// channels); the output has the shape of `x`.
pub fn prelu(x: &Tensor, weight: &Tensor) -> Result<Tensor> {
    const OP: &str = "prelu";
    expect_rank(OP, "x", x, &[2, 3, 4, 5], "rank 2 to 5 ([N, C, ...])")?;
    let c = x.dim(1)?;
    let wc = match weight.dims() {
        [k] if *k == c || *k == 1 => *k,
        _ => {
            return Err(LayerError::Shape {
                op: OP,
                arg: "weight",
                expected: vec![c],
                got: weight.dims().to_vec(),
            }
            .into())
        }
    };
    let mut view = vec![1; x.rank()];
    view[1] = wc;
    x.relu()? - x.neg()?.relu()?.broadcast_mul(&weight.reshape(view)?)?
}

/// Hyperbolic tangent. Any shape.
pub fn tanh(x: &Tensor) -> Result<Tensor> {
    x.tanh()
}

/// Logistic sigmoid `1 / (1 + exp(-x))`, computed as `(tanh(x / 2) + 1) / 2`, which never
/// overflows. Any shape.
pub fn sigmoid(x: &Tensor) -> Result<Tensor> {
    (x * 0.5)?.tanh()?.affine(0.5, 0.5)
}

/// Softplus `log(1 + exp(x))` in the stable form `relu(x) + log(1 + exp(-|x|))`. Any shape.
pub fn softplus(x: &Tensor) -> Result<Tensor> {
    let tail = (x.abs()?.neg()?.exp()? + 1.0)?.log()?;
    x.relu()? + tail
}

/// `log(sigmoid(x)) = -softplus(-x)`, stable for large `|x|`. Any shape.
pub fn log_sigmoid(x: &Tensor) -> Result<Tensor> {
    softplus(&x.neg()?)?.neg()
}
