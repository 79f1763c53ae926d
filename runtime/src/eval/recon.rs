//! Reconstruction through an encoder and the generator: `G(E(x))` on held-out data (BiGAN/ALI,
//! adversarial autoencoders, AVB), with the statistics of the codes against the latent prior.
//!
//! The encoder is the spec's `encoder` network; its input of the data's type takes the images,
//! any other input must be a latent (AVB's noise) and is drawn from its prior. The decoder is
//! the sampler (the first `generator`); its one input takes the code. Both run in evaluation
//! mode (running statistics of batch norm, no dropout).

use crate::error::RunError;
use crate::model::{forward, ForwardMode};
use crate::rng::RunRng;
use crate::train::sample::sampler_name;
use crate::train::session::Session;
use candle_core::{DType, Tensor};
use ganc_compiler::graph::{NetRole, Network, Prior, ValueType};

/// What `ganc eval recon` reports.
#[derive(Debug, Clone, PartialEq)]
pub struct ReconReport {
    /// Images encoded and decoded.
    pub count: usize,
    /// Mean squared error per value, in the data's range.
    pub mse: f64,
    /// The same error with the data's range mapped to [0, 1] (divided by (hi - lo)^2).
    pub mse_unit: f64,
    /// Statistics of the codes against the prior of the latent of the code's type, when the
    /// spec has such a latent.
    pub latent: Option<LatentStats>,
}

/// The empirical mean and covariance of the codes compared with the prior's.
#[derive(Debug, Clone, PartialEq)]
pub struct LatentStats {
    /// The latent whose prior the codes are compared with.
    pub prior_name: String,
    /// The empirical mean per code dimension.
    pub mean: Vec<f64>,
    /// The empirical covariance (divided by n - 1), row-major `dim x dim`.
    pub cov: Vec<f64>,
    /// `|mean - prior mean|`, the Euclidean norm over code dimensions.
    pub mean_distance: f64,
    /// `||cov - prior variance * I||_F`.
    pub cov_distance: f64,
}

/// The encoder network: the spec's only `encoder`.
pub fn encoder_name(session: &Session) -> Result<String, RunError> {
    let encoders: Vec<&Network> = session
        .program
        .networks
        .iter()
        .filter(|n| n.role == NetRole::Encoder)
        .collect();
    match encoders.as_slice() {
        [one] => Ok(one.name.clone()),
        [] => Err(RunError::Invalid(
            "the spec has no `encoder` network to reconstruct with (declare one: `encoder E(x: [B, ...]) -> [B, Z]`)".into(),
        )),
        many => Err(RunError::Invalid(format!(
            "the spec has {} encoders ({}); reconstruction needs exactly one",
            many.len(),
            many.iter().map(|n| n.name.as_str()).collect::<Vec<_>>().join(", ")
        ))),
    }
}

/// Runs `name` in evaluation mode and returns its first output.
fn run_eval(session: &mut Session, name: &str, inputs: &[Tensor]) -> Result<Tensor, RunError> {
    let Session { nets, rng, .. } = session;
    let state = nets
        .get(name)
        .ok_or_else(|| RunError::Invalid(format!("no network `{name}`")))?;
    let mut mode = ForwardMode {
        train: false,
        update_buffers: false,
        rng,
        overrides: None,
    };
    let values = forward(
        &state.net,
        &state.params,
        state.vbn.as_ref(),
        inputs,
        &mut mode,
    )?;
    let out = state
        .net
        .outputs
        .first()
        .map(|p| p.node.0)
        .ok_or_else(|| RunError::Invalid(format!("`{name}` has no output")))?;
    Ok(values[out].detach())
}

/// Draws a batch of `n` from a prior.
fn draw(rng: &mut RunRng, prior: Prior, dims: &[usize]) -> Result<Tensor, RunError> {
    let device = candle_core::Device::Cpu;
    Ok(match prior {
        Prior::Normal { mean, std } => rng.normal(dims, mean, std, DType::F32, &device)?,
        Prior::Uniform { lo, hi } => rng.uniform(dims, lo, hi, DType::F32, &device)?,
        Prior::Categorical => {
            return Err(RunError::Invalid(
                "an encoder input drawn from a categorical prior is not supported".into(),
            ))
        }
    })
}

/// Encodes `images` (`[n, ...]`, the data's shape, in its range) and decodes the codes.
/// Returns `(codes, reconstructions)`. `noise_seed` seeds the draws of an encoder's latent
/// inputs (AVB's noise).
pub fn encode_decode(
    session: &mut Session,
    images: &Tensor,
    noise_seed: u64,
) -> Result<(Tensor, Tensor), RunError> {
    let enc = encoder_name(session)?;
    let dec = sampler_name(session)?;
    let enc_net = session.net(&enc)?.net.clone();
    let dec_net = session.net(&dec)?.net.clone();
    let n = images.dim(0)?;
    let data_ty = ValueType::Tensor(ganc_compiler::graph::Shape(images.dims()[1..].to_vec()));
    let mut rng = RunRng::from_seed(noise_seed);
    let mut inputs = Vec::with_capacity(enc_net.inputs.len());
    let mut fed_data = false;
    for port in &enc_net.inputs {
        if port.ty == data_ty && !fed_data {
            inputs.push(images.to_device(&session.device)?);
            fed_data = true;
            continue;
        }
        let latent = session.program.latents.iter().find(|l| l.name == port.name);
        match (latent, &port.ty) {
            (Some(l), ValueType::Tensor(shape)) => {
                let t = draw(&mut rng, l.prior, &shape.with_batch(n))?;
                inputs.push(t.to_device(&session.device)?);
            }
            _ => {
                return Err(RunError::Invalid(format!(
                    "`{enc}`'s input `{}: {}` is neither the data ({data_ty}) nor a latent of that name",
                    port.name, port.ty
                )))
            }
        }
    }
    if !fed_data {
        return Err(RunError::Invalid(format!(
            "`{enc}` has no input of the data's type {data_ty}"
        )));
    }
    let codes = run_eval(session, &enc, &inputs)?;
    let code_ty = enc_net.outputs.first().map(|p| p.ty.clone());
    match dec_net.inputs.as_slice() {
        [port] if Some(&port.ty) == code_ty.as_ref() => {}
        _ => {
            let sig: Vec<String> = dec_net
                .inputs
                .iter()
                .map(|p| format!("{}: {}", p.name, p.ty))
                .collect();
            return Err(RunError::Invalid(format!(
                "the generator `{dec}({})` must take exactly the encoder's code {} to reconstruct",
                sig.join(", "),
                code_ty.map_or("?".to_string(), |t| t.to_string())
            )));
        }
    }
    let recon = run_eval(session, &dec, std::slice::from_ref(&codes))?;
    if recon.dims() != images.dims() {
        return Err(RunError::Invalid(format!(
            "`{dec}` reconstructs shape {:?} but the images have shape {:?}",
            recon.dims(),
            images.dims()
        )));
    }
    Ok((codes, recon))
}

/// Mean and covariance of `codes` `[n, d]` compared with `prior` (a product of independent
/// normals or uniforms, so its covariance is `variance * I`).
pub fn latent_stats(
    codes: &Tensor,
    prior: Prior,
    prior_name: &str,
) -> Result<LatentStats, RunError> {
    let (n, d) = codes.dims2()?;
    if n < 2 {
        return Err(RunError::Invalid(
            "latent statistics need at least 2 codes".into(),
        ));
    }
    let (pm, pvar) = match prior {
        Prior::Normal { mean, std } => (mean, std * std),
        Prior::Uniform { lo, hi } => ((lo + hi) / 2.0, (hi - lo) * (hi - lo) / 12.0),
        Prior::Categorical => {
            return Err(RunError::Invalid(
                "codes cannot be compared with a categorical prior".into(),
            ))
        }
    };
    let c = codes.to_dtype(DType::F64)?;
    let mean_t = c.mean(0)?;
    let centred = c.broadcast_sub(&mean_t)?;
    let cov_t = (centred.t()?.matmul(&centred)? / (n - 1) as f64)?;
    let mean: Vec<f64> = mean_t.to_vec1()?;
    let cov: Vec<f64> = cov_t.flatten_all()?.to_vec1()?;
    let mean_distance = mean.iter().map(|m| (m - pm) * (m - pm)).sum::<f64>().sqrt();
    let cov_distance = cov
        .iter()
        .enumerate()
        .map(|(k, v)| {
            let target = if k / d == k % d { pvar } else { 0.0 };
            (v - target) * (v - target)
        })
        .sum::<f64>()
        .sqrt();
    Ok(LatentStats {
        prior_name: prior_name.to_string(),
        mean,
        cov,
        mean_distance,
        cov_distance,
    })
}

/// Evaluates reconstruction on `images` `[n, ...]` (values in `range`), `batch` at a time.
/// Returns the report and the reconstructions.
pub fn evaluate(
    session: &mut Session,
    images: &Tensor,
    range: (f64, f64),
    batch: usize,
    noise_seed: u64,
) -> Result<(ReconReport, Tensor), RunError> {
    let n = images.dim(0)?;
    if n == 0 {
        return Err(RunError::Invalid("no images to reconstruct".into()));
    }
    let batch = batch.max(1);
    let mut codes = Vec::new();
    let mut recons = Vec::new();
    let mut sq_sum = 0.0;
    for (i, start) in (0..n).step_by(batch).enumerate() {
        let part = images.narrow(0, start, batch.min(n - start))?;
        let (c, r) = encode_decode(session, &part, noise_seed.wrapping_add(i as u64))?;
        let diff = (r.to_device(part.device())? - &part)?;
        sq_sum += diff
            .sqr()?
            .to_dtype(DType::F64)?
            .sum_all()?
            .to_scalar::<f64>()?;
        codes.push(c.to_device(&candle_core::Device::Cpu)?);
        recons.push(r.to_device(&candle_core::Device::Cpu)?);
    }
    let values = images.elem_count() as f64;
    let mse = sq_sum / values;
    let width = range.1 - range.0;
    let codes = Tensor::cat(&codes, 0)?;
    let recons = Tensor::cat(&recons, 0)?;
    let code_ty = match codes.dims() {
        [_, rest @ ..] => ValueType::Tensor(ganc_compiler::graph::Shape(rest.to_vec())),
        [] => ValueType::Tensor(ganc_compiler::graph::Shape(Vec::new())),
    };
    let prior = session
        .program
        .latents
        .iter()
        .find(|l| l.ty == code_ty && !matches!(l.prior, Prior::Categorical));
    let latent = match (prior, codes.rank()) {
        (Some(l), 2) if n >= 2 => Some(latent_stats(&codes, l.prior, &l.name)?),
        _ => None,
    };
    Ok((
        ReconReport {
            count: n,
            mse,
            mse_unit: mse / (width * width),
            latent,
        },
        recons,
    ))
}

/// Interleaves originals and reconstructions in rows of `cols`: a row of originals, then the
/// row of their reconstructions, for a grid image.
pub fn comparison_rows(
    originals: &Tensor,
    recons: &Tensor,
    cols: usize,
) -> Result<Tensor, RunError> {
    let n = originals.dim(0)?.min(recons.dim(0)?);
    let cols = cols.max(1);
    let mut rows = Vec::new();
    for start in (0..n).step_by(cols) {
        let len = cols.min(n - start);
        if len < cols {
            break;
        }
        rows.push(originals.narrow(0, start, len)?);
        rows.push(recons.narrow(0, start, len)?);
    }
    if rows.is_empty() {
        return Err(RunError::Invalid(format!(
            "a comparison grid needs at least {cols} images, got {n}"
        )));
    }
    Ok(Tensor::cat(&rows, 0)?)
}
