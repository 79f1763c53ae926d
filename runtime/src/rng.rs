//! The run's seeded randomness.
//!
//! Every random number of a run (initial weights, noise, labels, masks, shuffles) comes from one
//! [`RunRng`]. It wraps ChaCha8 rather than `StdRng` because ChaCha's position in its stream can be
//! read and set, so a checkpoint can store [`RngState`] and a resumed run draws exactly the numbers
//! the uninterrupted run would have drawn. candle's own `randn`/`rand` are never used: the CPU
//! device cannot be seeded.

use candle_core::{DType, Device, Tensor};
use rand::distr::{Bernoulli, Distribution, Uniform};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::Normal;
use serde::{Deserialize, Serialize};

/// Errors from drawing random tensors or restoring a saved generator state.
#[derive(Debug, thiserror::Error)]
pub enum RngError {
    /// A distribution parameter was out of its domain.
    #[error("invalid {what}: expected {expected}, got {got}")]
    InvalidParameter {
        /// Which parameter (e.g. "normal std").
        what: &'static str,
        /// The accepted domain.
        expected: &'static str,
        /// The value given.
        got: String,
    },
    /// A saved seed was not 64 hexadecimal digits.
    #[error("invalid saved rng seed {got:?}: expected 64 hexadecimal digits")]
    BadSeed {
        /// The text found in the saved state.
        got: String,
    },
    /// candle failed to build the tensor.
    #[error("building random tensor: {0}")]
    Candle(#[from] candle_core::Error),
}

/// Serialisable position of a [`RunRng`]: restoring it reproduces all later draws exactly.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RngState {
    /// The 32-byte ChaCha key as 64 lowercase hexadecimal digits.
    pub seed: String,
    /// The ChaCha stream (nonce).
    pub stream: u64,
    /// Offset from the start of the stream in 32-bit words. A decimal string, because the
    /// value is 68 bits wide and JSON readers commonly lose integers above 2^53.
    pub word_pos: String,
}

/// The run's single seeded random generator, with helpers that draw candle tensors.
#[derive(Debug, Clone)]
pub struct RunRng {
    rng: ChaCha8Rng,
}

impl RunRng {
    /// A generator seeded from a 64-bit run seed.
    pub fn from_seed(seed: u64) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
        }
    }

    /// The current position, to be stored in a checkpoint.
    pub fn state(&self) -> RngState {
        let seed = self
            .rng
            .get_seed()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        RngState {
            seed,
            stream: self.rng.get_stream(),
            word_pos: self.rng.get_word_pos().to_string(),
        }
    }

    /// A generator positioned exactly where `state` was taken.
    pub fn from_state(state: &RngState) -> Result<Self, RngError> {
        let bad_seed = || RngError::BadSeed {
            got: state.seed.clone(),
        };
        let text = state.seed.as_bytes();
        if text.len() != 64 {
            return Err(bad_seed());
        }
        let mut seed = [0u8; 32];
        for (byte, pair) in seed.iter_mut().zip(text.chunks(2)) {
            let pair = std::str::from_utf8(pair).map_err(|_| bad_seed())?;
            *byte = u8::from_str_radix(pair, 16).map_err(|_| bad_seed())?;
        }
        let word_pos: u128 = state
            .word_pos
            .parse()
            .map_err(|_| RngError::InvalidParameter {
                what: "saved rng word position",
                expected: "a non-negative decimal integer",
                got: state.word_pos.clone(),
            })?;
        let mut rng = ChaCha8Rng::from_seed(seed);
        rng.set_stream(state.stream);
        rng.set_word_pos(word_pos);
        Ok(Self { rng })
    }

    /// Direct access for draws the helpers do not cover (e.g. shuffling a dataset).
    pub fn generator(&mut self) -> &mut ChaCha8Rng {
        &mut self.rng
    }

    /// Normally distributed values. Drawn in f64 and converted, so the same seed gives the same
    /// numbers whatever `dtype` is.
    pub fn normal(
        &mut self,
        shape: &[usize],
        mean: f64,
        std: f64,
        dtype: DType,
        device: &Device,
    ) -> Result<Tensor, RngError> {
        let invalid = || RngError::InvalidParameter {
            what: "normal mean/std",
            expected: "finite mean and finite std >= 0",
            got: format!("mean {mean}, std {std}"),
        };
        if !(mean.is_finite() && std.is_finite() && std >= 0.0) {
            return Err(invalid());
        }
        let dist = Normal::new(mean, std).map_err(|_| invalid())?;
        let values = self.draw(shape, &dist);
        to_tensor(values, shape, dtype, device)
    }

    /// Uniform values in `[lo, hi)`.
    pub fn uniform(
        &mut self,
        shape: &[usize],
        lo: f64,
        hi: f64,
        dtype: DType,
        device: &Device,
    ) -> Result<Tensor, RngError> {
        let dist = Uniform::new(lo, hi).map_err(|_| RngError::InvalidParameter {
            what: "uniform range",
            expected: "finite lo < hi",
            got: format!("[{lo}, {hi})"),
        })?;
        let values = self.draw(shape, &dist);
        to_tensor(values, shape, dtype, device)
    }

    /// `n` class indices drawn uniformly from `0..num_classes`, as a U32 tensor of shape `[n]`.
    pub fn class_indices(
        &mut self,
        n: usize,
        num_classes: usize,
        device: &Device,
    ) -> Result<Tensor, RngError> {
        let indices = self.indices(n, num_classes)?;
        Ok(Tensor::from_vec(indices, n, device)?)
    }

    /// `n` uniformly drawn classes as one-hot rows, shape `[n, num_classes]`. Consumes the same
    /// draws as [`RunRng::class_indices`], so both give the same classes from the same state.
    pub fn one_hot(
        &mut self,
        n: usize,
        num_classes: usize,
        dtype: DType,
        device: &Device,
    ) -> Result<Tensor, RngError> {
        let indices = self.indices(n, num_classes)?;
        let mut values = vec![0.0f64; n * num_classes];
        for (row, &class) in indices.iter().enumerate() {
            values[row * num_classes + class as usize] = 1.0;
        }
        to_tensor(values, &[n, num_classes], dtype, device)
    }

    /// A mask of ones (with probability `p`) and zeros.
    pub fn bernoulli(
        &mut self,
        shape: &[usize],
        p: f64,
        dtype: DType,
        device: &Device,
    ) -> Result<Tensor, RngError> {
        let dist = Bernoulli::new(p).map_err(|_| RngError::InvalidParameter {
            what: "bernoulli probability",
            expected: "0 <= p <= 1",
            got: p.to_string(),
        })?;
        let values = (0..shape.iter().product::<usize>())
            .map(|_| if dist.sample(&mut self.rng) { 1.0 } else { 0.0 })
            .collect();
        to_tensor(values, shape, dtype, device)
    }

    fn indices(&mut self, n: usize, num_classes: usize) -> Result<Vec<u32>, RngError> {
        let classes = u32::try_from(num_classes)
            .ok()
            .filter(|&k| k > 0)
            .ok_or_else(|| RngError::InvalidParameter {
                what: "number of classes",
                expected: "1 ..= u32::MAX",
                got: num_classes.to_string(),
            })?;
        Ok((0..n).map(|_| self.rng.random_range(0..classes)).collect())
    }

    fn draw<D: Distribution<f64>>(&mut self, shape: &[usize], dist: &D) -> Vec<f64> {
        let count = shape.iter().product::<usize>();
        (0..count).map(|_| dist.sample(&mut self.rng)).collect()
    }
}

fn to_tensor(
    values: Vec<f64>,
    shape: &[usize],
    dtype: DType,
    device: &Device,
) -> Result<Tensor, RngError> {
    let tensor = Tensor::from_vec(values, shape, device)?;
    Ok(if dtype == DType::F64 {
        tensor
    } else {
        tensor.to_dtype(dtype)?
    })
}
