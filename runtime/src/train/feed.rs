//! Drawing one step's inputs: data batches (seeded, resumable), latents and conditions.

use super::data_source;
use super::eval::Draw;
use super::session::Session;
use crate::data::{Batcher, Dataset, Position};
use crate::error::RunError;
use candle_core::{DType, Device, Tensor};
use ganc_compiler::graph::{Prior, Program, Split, ValueType};
use std::path::Path;

/// The datasets of a run and their batchers.
pub struct Feeder {
    inputs: Vec<(String, Dataset, Batcher)>,
    batch: usize,
}

impl Feeder {
    /// Loads every data input of `program` and starts its batcher at `positions` (resume) or at
    /// the beginning. Batcher seeds derive from the run seed and the input's position.
    pub fn new(
        program: &Program,
        data_dir: &Path,
        positions: Option<&[Position]>,
    ) -> Result<Self, RunError> {
        let batch = program.train.batch;
        let mut inputs = Vec::new();
        for (i, input) in program.data.iter().enumerate() {
            let dataset = data_source::load(input, data_dir, program.train.seed, Split::Train)?;
            let seed = program.train.seed.wrapping_add(i as u64 + 1);
            let batcher = match positions.and_then(|p| p.get(i)) {
                Some(pos) => Batcher::resume(dataset.len(), batch, seed, *pos)?,
                None => Batcher::new(dataset.len(), batch, seed)?,
            };
            inputs.push((input.name.clone(), dataset, batcher));
        }
        Ok(Feeder { inputs, batch })
    }

    /// Where each batcher stands (saved in checkpoints).
    pub fn positions(&self) -> Vec<Position> {
        self.inputs.iter().map(|(_, _, b)| b.position()).collect()
    }

    /// Full batches in one pass over the first data input.
    pub fn batches_per_epoch(&self) -> usize {
        self.inputs
            .first()
            .map_or(1, |(_, _, b)| b.batches_per_epoch())
    }

    /// The dataset of the data input with this name.
    pub fn dataset(&self, name: &str) -> Option<&Dataset> {
        self.inputs
            .iter()
            .find(|(n, _, _)| n == name)
            .map(|(_, d, _)| d)
    }

    /// Draws the next data batches plus fresh latents and conditions.
    pub fn draw(&mut self, session: &mut Session) -> Result<Draw, RunError> {
        let mut draw = Draw::default();
        for (name, dataset, batcher) in self.inputs.iter_mut() {
            let b = batcher.next_batch(dataset, &session.device)?;
            if let Some(labels) = b.labels {
                draw.values.insert(format!("{name}.label"), labels);
            }
            draw.values.insert(name.clone(), b.samples);
        }
        draw_latents(session, self.batch, &mut draw)?;
        add_conditions(&session.program, &mut draw)?;
        Ok(draw)
    }
}

/// Adds a fresh draw of every latent prior to `draw`.
pub fn draw_latents(session: &mut Session, batch: usize, draw: &mut Draw) -> Result<(), RunError> {
    let device: Device = session.device.clone();
    for latent in &session.program.latents {
        let t = match (&latent.ty, latent.prior) {
            (ValueType::Class(n), _) => session.rng.class_indices(batch, *n, &device)?,
            (ValueType::Tensor(shape), Prior::Normal { mean, std }) => {
                session
                    .rng
                    .normal(&shape.with_batch(batch), mean, std, DType::F32, &device)?
            }
            (ValueType::Tensor(shape), Prior::Uniform { lo, hi }) => {
                session
                    .rng
                    .uniform(&shape.with_batch(batch), lo, hi, DType::F32, &device)?
            }
            (ValueType::Tensor(shape), Prior::Categorical) => {
                let n = shape.0.last().copied().unwrap_or(1);
                session.rng.one_hot(batch, n, DType::F32, &device)?
            }
        };
        draw.values.insert(latent.name.clone(), t);
    }
    Ok(())
}

/// Conditions read the labels of their data input.
pub fn add_conditions(program: &Program, draw: &mut Draw) -> Result<(), RunError> {
    for cond in &program.conds {
        let key = format!("{}.label", cond.from_labels_of);
        let labels: Tensor = draw.values.get(&key).cloned().ok_or_else(|| {
            RunError::Invalid(format!(
                "condition `{}` reads the labels of `{}`, but that dataset has no labels",
                cond.name, cond.from_labels_of
            ))
        })?;
        draw.values.insert(cond.name.clone(), labels);
    }
    Ok(())
}
