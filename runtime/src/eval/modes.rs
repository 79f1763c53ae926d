//! Mode coverage of a 2-D mixture of Gaussians (ring of 8, grid of 25), the mode-collapse
//! measurement of Metz et al. 2017 and Srivastava et al. 2017 (VEEGAN).
//!
//! Each generated point is assigned to its nearest mode centre. It is *high quality* when it
//! lies within `3 * std` of that centre (VEEGAN's definition). A mode is *covered* when at least
//! `min_count` high-quality points are assigned to it; the default, [`default_min_count`], is
//! 20 per 2,500 samples (one fifth of a grid mode's expected 100), the convention of PacGAN
//! (Lin et al. 2018) for the 25-mode grid.

use crate::data::Synthetic;

/// Per-mode counts and the two summary numbers of a coverage measurement.
#[derive(Debug, Clone, PartialEq)]
pub struct ModeReport {
    /// Number of points measured.
    pub samples: usize,
    /// High-quality points per mode, in the dataset's mode order.
    pub counts: Vec<usize>,
    /// Points within `3 * std` of their nearest mode (the sum of `counts`).
    pub high_quality: usize,
    /// Modes with at least `min_count` high-quality points.
    pub covered: usize,
    /// The coverage threshold used.
    pub min_count: usize,
}

impl ModeReport {
    /// Share of high-quality points, in [0, 1] (0 for no points).
    pub fn high_quality_share(&self) -> f64 {
        if self.samples == 0 {
            0.0
        } else {
            self.high_quality as f64 / self.samples as f64
        }
    }
}

/// The coverage threshold for `samples` points: `ceil(20 * samples / 2500)`, at least 1.
pub fn default_min_count(samples: usize) -> usize {
    (20 * samples).div_ceil(2500).max(1)
}

/// Measures `points` against the mixture with these `centres` and per-axis standard deviation
/// `std`. Non-finite points count as samples but never as high quality.
pub fn coverage(
    points: &[[f64; 2]],
    centres: &[[f64; 2]],
    std: f64,
    min_count: usize,
) -> ModeReport {
    let radius_sq = (3.0 * std).powi(2);
    let mut counts = vec![0usize; centres.len()];
    for p in points
        .iter()
        .filter(|p| p[0].is_finite() && p[1].is_finite())
    {
        let nearest = centres
            .iter()
            .enumerate()
            .map(|(i, c)| (i, (p[0] - c[0]).powi(2) + (p[1] - c[1]).powi(2)))
            .min_by(|a, b| a.1.total_cmp(&b.1));
        if let Some((i, d2)) = nearest {
            if d2 <= radius_sq {
                counts[i] += 1;
            }
        }
    }
    ModeReport {
        samples: points.len(),
        high_quality: counts.iter().sum(),
        covered: counts.iter().filter(|&&c| c >= min_count).count(),
        counts,
        min_count,
    }
}

/// The mode centres of a built-in mixture, in f64.
pub fn centres_of(set: Synthetic) -> Vec<[f64; 2]> {
    set.centres()
        .into_iter()
        .map(|[x, y]| [f64::from(x), f64::from(y)])
        .collect()
}
