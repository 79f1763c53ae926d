//! Elementwise layers: activations, `prelu`, `dropout`.

use super::args::{self, spec, Kind, Spec};
use super::{count, Built, Ctx, Failure};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{Activation, Op, ValueType};

const NONE: &[Spec] = &[];
const SLOPE: &[Spec] = &[spec("slope", "", Kind::Float, true)];
const ALPHA: &[Spec] = &[spec("alpha", "", Kind::Float, true)];
const DROPOUT: &[Spec] = &[spec("p", "", Kind::Float, true)];
const PRELU: &[Spec] = &[spec("shared", "", Kind::Bool, false)];

/// Builds an elementwise layer; the output shape equals the input's.
pub fn pointwise(cx: &Ctx) -> Result<Built, Failure> {
    let specs = match cx.name {
        "leaky_relu" => SLOPE,
        "elu" => ALPHA,
        "dropout" => DROPOUT,
        "prelu" => PRELU,
        _ => NONE,
    };
    let a = args::parse(cx.name, cx.span, cx.call, cx.skip, specs, cx.consts)?;
    let input = cx.tensor()?;
    let mut params = 0;
    let op = match cx.name {
        "relu" => Op::Act(Activation::Relu),
        "tanh" => Op::Act(Activation::Tanh),
        "sigmoid" => Op::Act(Activation::Sigmoid),
        "softplus" => Op::Act(Activation::Softplus),
        "leaky_relu" => Op::Act(Activation::LeakyRelu(a.float("slope", 0.01))),
        "elu" => Op::Act(Activation::Elu(a.float("alpha", 1.0))),
        "prelu" => {
            // One slope per channel (axis 1) like `nn.PReLU(C)`; `shared: true` is `nn.PReLU()`.
            let channels = if a.bool("shared", false) {
                1
            } else {
                input.first().copied().unwrap_or(1)
            };
            params = count(&[(channels as u128, 1)], cx.span)?;
            Op::Prelu { channels }
        }
        _ => {
            let p = a.float("p", 0.5);
            if !(0.0..1.0).contains(&p) {
                return Err(Diagnostic::error(
                    codes::BAD_ARG,
                    a.span_of("p"),
                    format!("dropout probability must be in [0, 1), got {p}"),
                )
                .with_primary_text("out of range")
                .into());
            }
            Op::Dropout { p }
        }
    };
    Ok(Built {
        op,
        out: ValueType::Tensor(crate::graph::Shape(input.to_vec())),
        params,
        buffers: 0,
        warnings: Vec::new(),
    })
}
