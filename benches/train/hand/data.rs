//! The hand-written loop's data: an IDX image file read straight into one tensor, batches
//! picked by a shuffled order per epoch with `index_select`.

use super::rng::SplitMix;
use candle_core::{Device, Tensor};
use ganc_runtime::data::read_maybe_gz;
use std::path::Path;

/// All images of a dataset on the device, scaled to [-1, 1], and the shuffling state.
pub struct HandData {
    images: Tensor,
    order: Vec<u32>,
    cursor: usize,
    rng: SplitMix,
}

impl HandData {
    /// Reads a (possibly gzipped) IDX file of `[N, 28, 28]` grey images.
    pub fn load(path: &Path, seed: u64, device: &Device) -> Result<Self, String> {
        let bytes = read_maybe_gz(path).map_err(|e| e.to_string())?;
        let word = |i: usize| -> Option<usize> {
            let b = bytes.get(4 * i..4 * i + 4)?;
            Some(u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize)
        };
        let bad = || format!("{}: not a 3-D IDX file of 28x28 u8 images", path.display());
        if word(0) != Some(0x0803) || word(2) != Some(28) || word(3) != Some(28) {
            return Err(bad());
        }
        let n = word(1).ok_or_else(bad)?;
        let pixels = bytes.get(16..16 + n * 784).ok_or_else(bad)?;
        let values: Vec<f32> = pixels.iter().map(|&p| p as f32 / 127.5 - 1.0).collect();
        let images = Tensor::from_vec(values, (n, 1, 28, 28), device).map_err(|e| e.to_string())?;
        Ok(HandData {
            images,
            order: (0..n as u32).collect(),
            cursor: n,
            rng: SplitMix::new(seed),
        })
    }

    /// The next `batch` images; a new shuffled epoch starts when too few are left.
    pub fn next_batch(&mut self, batch: usize) -> candle_core::Result<Tensor> {
        if self.cursor + batch > self.order.len() {
            for i in (1..self.order.len()).rev() {
                let j = self.rng.below(i + 1);
                self.order.swap(i, j);
            }
            self.cursor = 0;
        }
        let picked = &self.order[self.cursor..self.cursor + batch];
        self.cursor += batch;
        let idx = Tensor::from_slice(picked, batch, self.images.device())?;
        self.images.index_select(&idx, 0)
    }
}
