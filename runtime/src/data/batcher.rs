//! Seeded, resumable shuffling into fixed-size batches.

use candle_core::Device;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::SeedableRng;

use super::{Batch, DataError, Dataset};

/// Where a [`Batcher`] stands: enough to resume it exactly.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    /// Epochs started before the current one.
    pub epoch: u64,
    /// Samples of the current epoch's permutation already handed out.
    pub cursor: usize,
}

/// Hands out shuffled batches of sample indices, epoch after epoch.
///
/// Epoch `e` uses the permutation drawn by a `StdRng` seeded with `seed ^ mix(e)`, so a position
/// `(epoch, cursor)` is all a checkpoint needs: no generator state is carried. Each epoch yields
/// `len / batch_size` full batches; the remaining `len % batch_size` samples of that epoch's
/// permutation are skipped (they land elsewhere in the next permutation), so every batch has the
/// same size and batch statistics keep a fixed meaning.
#[derive(Debug, Clone)]
pub struct Batcher {
    len: usize,
    batch_size: usize,
    seed: u64,
    epoch: u64,
    cursor: usize,
    order: Vec<usize>,
}

impl Batcher {
    /// A batcher over `len` samples at the start of epoch 0.
    pub fn new(len: usize, batch_size: usize, seed: u64) -> Result<Self, DataError> {
        Self::resume(
            len,
            batch_size,
            seed,
            Position {
                epoch: 0,
                cursor: 0,
            },
        )
    }

    /// A batcher continuing from `position`, as reported by [`Batcher::position`] of a batcher
    /// with the same `len`, `batch_size` and `seed`.
    pub fn resume(
        len: usize,
        batch_size: usize,
        seed: u64,
        position: Position,
    ) -> Result<Self, DataError> {
        if batch_size == 0 || batch_size > len {
            return Err(DataError::Invalid {
                what: "batch size",
                expected: format!("between 1 and the dataset size {len}"),
                found: batch_size.to_string(),
            });
        }
        if position.cursor > len {
            return Err(DataError::Invalid {
                what: "batcher position",
                expected: format!("a cursor at most the dataset size {len}"),
                found: position.cursor.to_string(),
            });
        }
        Ok(Batcher {
            len,
            batch_size,
            seed,
            epoch: position.epoch,
            cursor: position.cursor,
            order: permutation(len, seed, position.epoch),
        })
    }

    /// The current position, for checkpoints.
    pub fn position(&self) -> Position {
        Position {
            epoch: self.epoch,
            cursor: self.cursor,
        }
    }

    /// Full batches per epoch.
    pub fn batches_per_epoch(&self) -> usize {
        self.len / self.batch_size
    }

    /// The next batch's sample indices, starting a new epoch when the current one has no full
    /// batch left.
    pub fn next_indices(&mut self) -> &[usize] {
        if self.cursor + self.batch_size > self.len {
            self.epoch += 1;
            self.cursor = 0;
            self.order = permutation(self.len, self.seed, self.epoch);
        }
        let start = self.cursor;
        self.cursor += self.batch_size;
        &self.order[start..self.cursor]
    }

    /// The next batch of `dataset` as tensors on `device`; the dataset must have the length
    /// this batcher was built for.
    pub fn next_batch(&mut self, dataset: &Dataset, device: &Device) -> Result<Batch, DataError> {
        if dataset.len() != self.len {
            return Err(DataError::Invalid {
                what: "dataset for batcher",
                expected: format!("{} samples", self.len),
                found: format!("{} samples", dataset.len()),
            });
        }
        let indices = self.next_indices().to_vec();
        dataset.batch(&indices, device)
    }
}

/// The shuffled order of epoch `epoch`.
fn permutation(len: usize, seed: u64, epoch: u64) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.shuffle(&mut StdRng::seed_from_u64(seed ^ mix(epoch)));
    order
}

/// SplitMix64's finaliser: spreads consecutive epoch numbers over all bits, so that
/// `seed ^ mix(e)` gives unrelated generator seeds for neighbouring epochs and seeds.
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}
