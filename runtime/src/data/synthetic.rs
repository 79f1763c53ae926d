//! Built-in 2-D mixtures of Gaussians, the classic mode-collapse probes.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rand_distr::{Distribution, Normal};

use super::{DataError, Dataset};

/// A built-in mixture of isotropic 2-D Gaussians with equally likely modes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Synthetic {
    /// 8 modes evenly spaced on a circle of radius 2 (mode `k` at angle `2*pi*k/8`).
    Ring8,
    /// 25 modes on the grid `{-4,-2,0,2,4}^2` (mode `5*i + j` at `(x_i, y_j)`).
    Grid25,
}

impl Synthetic {
    /// The dataset called `name` (`ring8`, `grid25`), if any.
    pub fn from_name(name: &str) -> Option<Self> {
        match name {
            "ring8" => Some(Synthetic::Ring8),
            "grid25" => Some(Synthetic::Grid25),
            _ => None,
        }
    }

    /// The standard deviation used when the declaration does not give one.
    pub fn default_std(self) -> f32 {
        match self {
            Synthetic::Ring8 => 0.02,
            Synthetic::Grid25 => 0.05,
        }
    }

    /// Mode centres; the label of a sample is its mode's index here.
    pub fn centres(self) -> Vec<[f32; 2]> {
        match self {
            Synthetic::Ring8 => (0..8)
                .map(|k| {
                    let angle = std::f64::consts::TAU * f64::from(k) / 8.0;
                    [(2.0 * angle.cos()) as f32, (2.0 * angle.sin()) as f32]
                })
                .collect(),
            Synthetic::Grid25 => {
                let axis = [-4.0, -2.0, 0.0, 2.0, 4.0];
                axis.iter()
                    .flat_map(|&x| axis.iter().map(move |&y| [x, y]))
                    .collect()
            }
        }
    }

    /// `count` points drawn from a `StdRng` seeded with `seed`: a uniformly chosen mode plus
    /// Gaussian noise of standard deviation `std` on each axis. Samples have shape `[2]`.
    pub fn sample(self, count: usize, std: f32, seed: u64) -> Result<Dataset, DataError> {
        let invalid = || DataError::Invalid {
            what: "standard deviation",
            expected: "a finite value >= 0".into(),
            found: std.to_string(),
        };
        // rand_distr accepts a negative deviation (mirrored noise); a declaration must not.
        if std < 0.0 {
            return Err(invalid());
        }
        let noise = Normal::new(0.0f32, std).map_err(|_| invalid())?;
        let centres = self.centres();
        let mut rng = StdRng::seed_from_u64(seed);
        let mut values = Vec::with_capacity(2 * count);
        let mut labels = Vec::with_capacity(count);
        for _ in 0..count {
            let mode = rng.random_range(0..centres.len());
            let [x, y] = centres[mode];
            values.push(x + noise.sample(&mut rng));
            values.push(y + noise.sample(&mut rng));
            labels.push(mode as u32);
        }
        Dataset::new(vec![2], values, Some((labels, centres.len())))
    }
}
