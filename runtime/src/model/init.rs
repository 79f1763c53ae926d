//! Initial parameter values, drawn from the run's seeded generator.
//!
//! `Init::Default` follows PyTorch's layer defaults so that a ganc model starts where the
//! equivalent PyTorch module would (in distribution): weights and biases U(-1/sqrt(fan_in),
//! 1/sqrt(fan_in)) for linear and convolutions (kaiming-uniform with a = sqrt(5) reduces to
//! this bound), norm scales 1 and shifts 0, embeddings N(0, 1).

use crate::rng::RunRng;
use candle_core::{DType, Device, Result, Tensor};
use ganc_compiler::graph::Init;

/// What a parameter is, which decides how each initialiser fills it.
#[derive(Debug, Clone, Copy)]
pub enum ParamRole {
    /// A linear or convolution weight with this fan-in and fan-out.
    Weight {
        /// Inputs feeding one output.
        fan_in: usize,
        /// Outputs fed by one input.
        fan_out: usize,
    },
    /// The bias of a layer with this fan-in.
    Bias {
        /// Inputs feeding one output.
        fan_in: usize,
    },
    /// A normalisation scale (gamma).
    NormScale,
    /// A normalisation shift (beta).
    NormShift,
    /// An embedding table.
    Embedding,
    /// A constant value (PReLU slopes, running variances).
    Constant(f64),
}

/// Draws a tensor of `shape` for a parameter of `role` under `init`.
pub fn draw(
    rng: &mut RunRng,
    init: Init,
    role: ParamRole,
    shape: &[usize],
    device: &Device,
) -> Result<Tensor> {
    let to_candle = |e: crate::rng::RngError| candle_core::Error::Msg(e.to_string());
    match (init, role) {
        (_, ParamRole::Constant(v)) => Tensor::full(v as f32, shape, device),
        (_, ParamRole::NormShift) => Tensor::zeros(shape, DType::F32, device),
        (Init::Normal(std), ParamRole::NormScale) => rng
            .normal(shape, 1.0, std, DType::F32, device)
            .map_err(to_candle),
        (_, ParamRole::NormScale) => Tensor::ones(shape, DType::F32, device),
        (Init::Normal(std), ParamRole::Weight { .. }) => rng
            .normal(shape, 0.0, std, DType::F32, device)
            .map_err(to_candle),
        (Init::Normal(_) | Init::Xavier, ParamRole::Bias { .. }) => {
            Tensor::zeros(shape, DType::F32, device)
        }
        (Init::Xavier, ParamRole::Weight { fan_in, fan_out }) => {
            let a = (6.0 / (fan_in + fan_out).max(1) as f64).sqrt();
            rng.uniform(shape, -a, a, DType::F32, device)
                .map_err(to_candle)
        }
        (Init::Default, ParamRole::Weight { fan_in, .. } | ParamRole::Bias { fan_in }) => {
            let b = 1.0 / (fan_in.max(1) as f64).sqrt();
            rng.uniform(shape, -b, b, DType::F32, device)
                .map_err(to_candle)
        }
        (Init::Normal(std), ParamRole::Embedding) => rng
            .normal(shape, 0.0, std, DType::F32, device)
            .map_err(to_candle),
        (_, ParamRole::Embedding) => rng
            .normal(shape, 0.0, 1.0, DType::F32, device)
            .map_err(to_candle),
    }
}
