//! The inputs fed to the sampler: latents drawn from their priors, class inputs fixed
//! (`--cond y=3`) or one class per grid row, and optionally one continuous code swept linearly
//! across the grid's columns (`--sweep u[0]`, InfoGAN's latent traversals).

use super::sample::SampleRequest;
use super::session::Session;
use crate::data::Dataset;
use crate::error::RunError;
use crate::rng::RunRng;
use candle_core::{DType, Tensor};
use ganc_compiler::graph::{Network, Prior, ValueType};
use std::str::FromStr;

/// One coordinate of a tensor input varied linearly from `lo` (first column) to `hi` (last).
#[derive(Debug, Clone, PartialEq)]
pub struct Sweep {
    /// The generator input, e.g. `u`.
    pub input: String,
    /// The coordinate within one sample's (flattened) value.
    pub index: usize,
    /// The interval; `None` takes it from the latent's prior: `[lo, hi]` of a uniform, the
    /// mean plus or minus two standard deviations of a normal.
    pub range: Option<(f64, f64)>,
}

/// A `--sweep` value that is not `NAME[INDEX]` or `NAME[INDEX]=LO:HI`.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("`{text}` is not NAME[INDEX] or NAME[INDEX]=LO:HI (e.g. `u[0]` or `u[1]=-2:2`)")]
pub struct SweepSyntaxError {
    /// The text given.
    pub text: String,
}

impl FromStr for Sweep {
    type Err = SweepSyntaxError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || SweepSyntaxError { text: text.into() };
        let (code, range) = match text.split_once('=') {
            Some((code, range)) => {
                let (lo, hi) = range.split_once(':').ok_or_else(bad)?;
                let lo: f64 = lo.trim().parse().map_err(|_| bad())?;
                let hi: f64 = hi.trim().parse().map_err(|_| bad())?;
                if !lo.is_finite() || !hi.is_finite() {
                    return Err(bad());
                }
                (code, Some((lo, hi)))
            }
            None => (text, None),
        };
        let (name, index) = code.trim().split_once('[').ok_or_else(bad)?;
        let index: usize = index
            .strip_suffix(']')
            .and_then(|i| i.trim().parse().ok())
            .ok_or_else(bad)?;
        let name = name.trim();
        if name.is_empty() || !name.chars().all(|ch| ch.is_alphanumeric() || ch == '_') {
            return Err(bad());
        }
        Ok(Sweep {
            input: name.into(),
            index,
            range,
        })
    }
}

fn input_names(net: &Network) -> String {
    net.inputs
        .iter()
        .map(|p| p.name.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Checks every `--cond` against the sampler's inputs: it must name a class input and give one
/// of its classes.
fn check_fixed(net: &Network, fixed: &[(String, u32)]) -> Result<(), RunError> {
    for (key, value) in fixed {
        let port = net.inputs.iter().find(|p| &p.name == key).ok_or_else(|| {
            RunError::Invalid(format!(
                "`--cond {key}={value}`: `{}` has no input `{key}`; its inputs are {}",
                net.name,
                input_names(net)
            ))
        })?;
        match &port.ty {
            ValueType::Class(classes) if (*value as usize) < *classes => {}
            ValueType::Class(classes) => {
                return Err(RunError::Invalid(format!(
                    "`--cond {key}={value}`: `{key}` has {classes} classes, expected 0 to {}",
                    classes - 1
                )))
            }
            ValueType::Tensor(_) => {
                return Err(RunError::Invalid(format!(
                    "`--cond {key}={value}`: `{key}` is a tensor input, expected a class input \
                     (`class(n)`); use `--sweep {key}[0]` to vary a continuous code"
                )))
            }
        }
    }
    Ok(())
}

/// The swept input's per-sample width and the interval of the sweep.
fn check_sweep(
    session: &Session,
    net: &Network,
    sweep: &Sweep,
) -> Result<(usize, f64, f64), RunError> {
    let port = net
        .inputs
        .iter()
        .find(|p| p.name == sweep.input)
        .ok_or_else(|| {
            RunError::Invalid(format!(
                "`--sweep {}[{}]`: `{}` has no input `{}`; its inputs are {}",
                sweep.input,
                sweep.index,
                net.name,
                sweep.input,
                input_names(net)
            ))
        })?;
    let ValueType::Tensor(shape) = &port.ty else {
        return Err(RunError::Invalid(format!(
            "`--sweep {}`: `{}` is a class input, expected a tensor input; use `--cond {}=K` \
             to fix a class (without it, each grid row shows one class)",
            sweep.input, sweep.input, sweep.input
        )));
    };
    let width: usize = shape.0.iter().product();
    if sweep.index >= width {
        return Err(RunError::Invalid(format!(
            "`--sweep {}[{}]`: `{}` has {width} values per sample, expected an index from 0 to {}",
            sweep.input,
            sweep.index,
            sweep.input,
            width - 1
        )));
    }
    let prior = session
        .program
        .latents
        .iter()
        .find(|l| l.name == sweep.input)
        .map(|l| l.prior);
    let (lo, hi) = match (sweep.range, prior) {
        (Some(r), _) => r,
        (None, Some(Prior::Uniform { lo, hi })) => (lo, hi),
        (None, Some(Prior::Normal { mean, std })) => (mean - 2.0 * std, mean + 2.0 * std),
        (None, _) => {
            return Err(RunError::Invalid(format!(
                "`--sweep {}[{}]`: `{}` has no continuous prior to take the interval from; \
                 give it as `{}[{}]=LO:HI`",
                sweep.input, sweep.index, sweep.input, sweep.input, sweep.index
            )))
        }
    };
    Ok((width, lo, hi))
}

/// The inputs of the sampler `net` for `req`, in its input order.
///
/// Class inputs take their `--cond` value, or class `row % classes` for the samples of grid row
/// `row` (rows of `req.cols` samples). Tensor inputs are drawn from their latent prior (or taken
/// from `data` when a dataset has their shape, else drawn from N(0, 1)). With a `sweep`, every
/// tensor input is drawn once and shared by all samples, and the swept coordinate goes linearly
/// from the sweep's `lo` in the first column to `hi` in the last: along a row only the swept code
/// changes, down a column only the class inputs.
pub fn sampler_inputs(
    session: &Session,
    net: &Network,
    req: &SampleRequest,
    sweep: Option<&Sweep>,
    data: Option<&Dataset>,
) -> Result<Vec<Tensor>, RunError> {
    check_fixed(net, &req.fixed)?;
    let swept = match sweep {
        Some(s) => Some((s, check_sweep(session, net, s)?)),
        None => None,
    };
    let mut rng = RunRng::from_seed(req.seed);
    let device = session.device.clone();
    let n = req.count;
    let cols = req.cols.max(1);
    // One draw for the whole grid under a sweep, else one per sample.
    let drawn = if swept.is_some() { 1 } else { n };
    let mut inputs = Vec::new();
    for port in &net.inputs {
        let latent = session.program.latents.iter().find(|l| l.name == port.name);
        let t = match &port.ty {
            ValueType::Class(classes) => {
                let fixed = req
                    .fixed
                    .iter()
                    .find(|(k, _)| *k == port.name)
                    .map(|(_, v)| *v);
                let labels: Vec<u32> = (0..n)
                    .map(|i| fixed.unwrap_or(((i / cols) % classes) as u32))
                    .collect();
                Tensor::from_vec(labels, n, &device)?
            }
            ValueType::Tensor(shape) => {
                let dims = shape.with_batch(drawn);
                let t = match latent.map(|l| l.prior) {
                    Some(Prior::Uniform { lo, hi }) => {
                        rng.uniform(&dims, lo, hi, DType::F32, &device)?
                    }
                    Some(Prior::Normal { mean, std }) => {
                        rng.normal(&dims, mean, std, DType::F32, &device)?
                    }
                    Some(Prior::Categorical) => rng.one_hot(
                        drawn,
                        shape.0.last().copied().unwrap_or(1),
                        DType::F32,
                        &device,
                    )?,
                    None => match data {
                        // A generator fed with real data (image-to-image): the first samples.
                        Some(d) if d.sample_shape() == shape.0.as_slice() => {
                            let idx: Vec<usize> = (0..drawn).map(|i| i % d.len()).collect();
                            d.batch(&idx, &device)?.samples
                        }
                        _ => rng.normal(&dims, 0.0, 1.0, DType::F32, &device)?,
                    },
                };
                match swept {
                    Some((s, (width, lo, hi))) => {
                        let mut values = t.flatten_all()?.to_vec1::<f32>()?.repeat(n);
                        if s.input == port.name {
                            for (i, sample) in values.chunks_mut(width).enumerate() {
                                let col = i % cols;
                                let frac = if cols > 1 {
                                    col as f64 / (cols - 1) as f64
                                } else {
                                    0.5
                                };
                                sample[s.index] = (lo + (hi - lo) * frac) as f32;
                            }
                        }
                        Tensor::from_vec(values, shape.with_batch(n), &device)?
                    }
                    None => t,
                }
            }
        };
        inputs.push(t);
    }
    Ok(inputs)
}
