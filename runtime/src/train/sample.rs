//! Generating samples from the generator: fixed latents, chosen conditions, PNG output.

use super::sample_inputs::{self, Sweep};
use super::session::Session;
use crate::data::Dataset;
use crate::error::RunError;
use crate::model::{forward, ForwardMode};
use crate::plot::{self, GridOptions, ScatterOptions};
use candle_core::Tensor;
use ganc_compiler::graph::NetRole;
use std::path::Path;

/// What to generate.
#[derive(Debug, Clone)]
pub struct SampleRequest {
    /// Number of samples.
    pub count: usize,
    /// Seed of the latent draw (the same seed gives the same samples for the same weights).
    pub seed: u64,
    /// Fixed class values for class-typed inputs, by input name (`--cond y=3`). Class inputs not
    /// listed cycle through their classes row by row, so a grid shows one class per row.
    pub fixed: Vec<(String, u32)>,
    /// Columns of the grid (rows = count / cols).
    pub cols: usize,
}

/// The network that produces samples: the first `generator`.
pub fn sampler_name(session: &Session) -> Result<String, RunError> {
    session
        .program
        .networks
        .iter()
        .find(|n| n.role == NetRole::Generator)
        .map(|n| n.name.clone())
        .ok_or_else(|| RunError::Invalid("the spec has no `generator` to sample from".into()))
}

/// Draws inputs for the sampler and runs it in evaluation mode (running statistics, no dropout).
pub fn generate(
    session: &mut Session,
    req: &SampleRequest,
    data: Option<&Dataset>,
) -> Result<Tensor, RunError> {
    generate_with(session, req, None, data)
}

/// [`generate`], optionally sweeping one continuous code across the columns
/// ([`sample_inputs::sampler_inputs`] says how the inputs are drawn).
pub fn generate_with(
    session: &mut Session,
    req: &SampleRequest,
    sweep: Option<&Sweep>,
    data: Option<&Dataset>,
) -> Result<Tensor, RunError> {
    let name = sampler_name(session)?;
    let net = session.net(&name)?.net.clone();
    let inputs = sample_inputs::sampler_inputs(session, &net, req, sweep, data)?;
    let Session {
        nets, rng: run_rng, ..
    } = session;
    let state = nets
        .get(&name)
        .ok_or_else(|| RunError::Invalid(format!("no network `{name}`")))?;
    let mut mode = ForwardMode {
        train: false,
        update_buffers: false,
        rng: run_rng,
        overrides: None,
    };
    let values = forward(
        &state.net,
        &state.params,
        state.vbn.as_ref(),
        &inputs,
        &mut mode,
    )?;
    let out = net
        .outputs
        .first()
        .map(|p| p.node.0)
        .unwrap_or(values.len() - 1);
    Ok(values[out].detach())
}

/// Writes samples: an image grid for image-shaped samples, a scatter plot over the real data
/// for 2-D points.
pub fn write(
    samples: &Tensor,
    range: (f64, f64),
    cols: usize,
    real: Option<&Dataset>,
    path: &Path,
) -> Result<(), RunError> {
    match samples.dims() {
        [_, 2] => {
            let fake = plot::points_from_tensor(samples)?;
            let real_points: Vec<[f64; 2]> = real
                .map(|d| {
                    (0..d.len().min(2000))
                        .filter_map(|i| d.sample(i).map(|s| [s[0] as f64, s[1] as f64]))
                        .collect()
                })
                .unwrap_or_default();
            plot::write_scatter(path, &real_points, &fake, &ScatterOptions::default())?;
        }
        [_, c, h, _] if *c == 1 || *c == 3 => {
            let opts = GridOptions {
                cols: Some(cols.max(1)),
                lo: range.0,
                hi: range.1,
                upscale: if *h < 48 { 2 } else { 1 },
                ..GridOptions::default()
            };
            plot::write_grid(path, samples, &opts)?;
        }
        dims => {
            return Err(RunError::Invalid(format!(
                "samples of shape {dims:?} cannot be drawn: expected [N, 2] points or [N, 1|3, H, W] images"
            )))
        }
    }
    Ok(())
}

/// A draw holding fixed latents for the periodic sample grids of a run.
pub fn fixed_request(session: &Session) -> SampleRequest {
    let (rows, cols) = session.program.train.sample_grid;
    SampleRequest {
        count: rows * cols,
        seed: session.program.train.seed ^ 0x5eed_5a3e,
        fixed: Vec::new(),
        cols,
    }
}
