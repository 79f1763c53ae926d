//! Normalisation layers: `batchnorm`, `instancenorm`, `layernorm`, `groupnorm`,
//! `virtual_batchnorm`.

use super::args::{self, spec, Kind, Spec};
use super::{count, Built, Ctx, Failure};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{Op, ValueType};

const BATCH: &[Spec] = &[
    spec("eps", "", Kind::Float, false),
    spec("momentum", "", Kind::Float, false),
    spec("affine", "", Kind::Bool, false),
];
const INSTANCE: &[Spec] = &[
    spec("eps", "", Kind::Float, false),
    spec("affine", "", Kind::Bool, false),
];
const EPS_ONLY: &[Spec] = &[spec("eps", "", Kind::Float, false)];
const GROUP: &[Spec] = &[
    spec("groups", "", Kind::Size, true),
    spec("eps", "", Kind::Float, false),
];

/// Builds a normalisation layer. Counts follow PyTorch: batch norm has `2C` parameters
/// (weight, bias) and `2C` buffers (running mean and variance; PyTorch's scalar
/// `num_batches_tracked` is not counted); instance norm defaults to `affine: false` and keeps
/// no running statistics; layer norm has a weight and bias per normalised element.
pub fn norm(cx: &Ctx) -> Result<Built, Failure> {
    let specs = match cx.name {
        "batchnorm" => BATCH,
        "instancenorm" => INSTANCE,
        "groupnorm" => GROUP,
        _ => EPS_ONLY,
    };
    let a = args::parse(cx.name, cx.span, cx.call, cx.skip, specs, cx.consts)?;
    let eps = a.float("eps", 1e-5);
    if !(eps > 0.0 && eps.is_finite()) {
        return Err(Diagnostic::error(
            codes::BAD_ARG,
            a.span_of("eps"),
            format!("`eps` of `{}` must be positive", cx.name),
        )
        .into());
    }
    let input = match cx.name {
        "instancenorm" => cx.tensor_rank(&[2, 3, 4], "[B, C, ...spatial]")?,
        "layernorm" => cx.tensor()?,
        _ => cx.tensor_rank(&[1, 2, 3, 4], "[B, C] or [B, C, ...spatial]")?,
    };
    let channels = input.first().copied().unwrap_or(1);
    let c = channels as u128;
    let (op, params, buffers) = match cx.name {
        "batchnorm" => {
            let momentum = a.float("momentum", 0.1);
            if !(0.0..=1.0).contains(&momentum) {
                return Err(Diagnostic::error(
                    codes::BAD_ARG,
                    a.span_of("momentum"),
                    "`momentum` must be between 0 and 1",
                )
                .into());
            }
            let affine = a.bool("affine", true);
            (
                Op::BatchNorm {
                    channels,
                    eps,
                    momentum,
                    affine,
                },
                count(&[(2 * c, affine as u128)], cx.span)?,
                count(&[(2, c)], cx.span)?,
            )
        }
        "instancenorm" => {
            let affine = a.bool("affine", false);
            (
                Op::InstanceNorm {
                    channels,
                    eps,
                    affine,
                },
                count(&[(2 * c, affine as u128)], cx.span)?,
                0,
            )
        }
        "layernorm" => {
            let numel: u128 = input.iter().map(|d| *d as u128).product();
            (
                Op::LayerNorm {
                    shape: input.to_vec(),
                    eps,
                },
                count(&[(2, numel)], cx.span)?,
                0,
            )
        }
        "groupnorm" => {
            let groups = a.int("groups", None)?;
            if channels % groups != 0 {
                return Err(Failure {
                    diag: Diagnostic::error(
                        codes::NOT_DIVISIBLE,
                        a.span_of("groups"),
                        format!("{channels} channels cannot be split into {groups} groups"),
                    )
                    .with_primary_text(format!("{groups} groups"))
                    .with_help(format!(
                        "use a divisor of {channels}, e.g. {}",
                        nearest_divisor(channels, groups)
                    )),
                    axis: Some(0),
                });
            }
            (
                Op::GroupNorm {
                    groups,
                    channels,
                    eps,
                },
                count(&[(2, c)], cx.span)?,
                0,
            )
        }
        _ => (
            Op::VirtualBatchNorm { channels, eps },
            count(&[(2, c)], cx.span)?,
            0,
        ),
    };
    Ok(Built {
        op,
        out: ValueType::Tensor(crate::graph::Shape(input.to_vec())),
        params,
        buffers,
        warnings: Vec::new(),
    })
}

/// The divisor of `n` closest to `want`.
fn nearest_divisor(n: usize, want: usize) -> usize {
    (1..=n)
        .filter(|d| n.is_multiple_of(*d))
        .min_by_key(|d| d.abs_diff(want))
        .unwrap_or(1)
}
