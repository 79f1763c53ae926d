//! An in-memory dataset: samples as one f32 buffer plus optional class labels.

use candle_core::{Device, Tensor};

use super::DataError;

/// Samples held in memory, already in the declared shape and value range.
///
/// Images are stored NCHW (`sample_shape = [C, H, W]`), points and vectors as `[D]`.
#[derive(Debug, Clone, PartialEq)]
pub struct Dataset {
    sample_shape: Vec<usize>,
    values: Vec<f32>,
    labels: Option<Vec<u32>>,
    num_classes: Option<usize>,
}

/// One batch as tensors on a device.
#[derive(Debug, Clone)]
pub struct Batch {
    /// Samples, f32 `[B, ...sample_shape]` (e.g. `[B, C, H, W]` or `[B, D]`).
    pub samples: Tensor,
    /// Labels, u32 `[B]`, when the dataset has labels.
    pub labels: Option<Tensor>,
}

impl Dataset {
    /// Builds a dataset from `values` (sample after sample) of the given per-sample shape.
    ///
    /// With labels, there must be one per sample, each below `num_classes`.
    pub fn new(
        sample_shape: Vec<usize>,
        values: Vec<f32>,
        labels: Option<(Vec<u32>, usize)>,
    ) -> Result<Self, DataError> {
        let sample_len: usize = sample_shape.iter().product();
        if sample_len == 0 || !values.len().is_multiple_of(sample_len) {
            return Err(DataError::Invalid {
                what: "dataset values",
                expected: format!("a multiple of {sample_len} (shape {sample_shape:?}), non-zero"),
                found: format!("{} values", values.len()),
            });
        }
        let len = values.len() / sample_len;
        let (labels, num_classes) = match labels {
            None => (None, None),
            Some((labels, num_classes)) => {
                if labels.len() != len {
                    return Err(DataError::Invalid {
                        what: "label count",
                        expected: format!("{len} (one per sample)"),
                        found: labels.len().to_string(),
                    });
                }
                if let Some(&bad) = labels.iter().find(|&&l| l as usize >= num_classes) {
                    return Err(DataError::Invalid {
                        what: "label",
                        expected: format!("below {num_classes} classes"),
                        found: bad.to_string(),
                    });
                }
                (Some(labels), Some(num_classes))
            }
        };
        Ok(Dataset {
            sample_shape,
            values,
            labels,
            num_classes,
        })
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.values.len() / self.sample_len()
    }

    /// True when there are no samples.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Shape of one sample, e.g. `[1, 28, 28]` or `[2]`.
    pub fn sample_shape(&self) -> &[usize] {
        &self.sample_shape
    }

    fn sample_len(&self) -> usize {
        self.sample_shape.iter().product()
    }

    /// All values, sample after sample.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// The values of sample `i`, or `None` past the end.
    pub fn sample(&self, i: usize) -> Option<&[f32]> {
        let n = self.sample_len();
        self.values.get(i * n..(i + 1) * n)
    }

    /// Class labels, one per sample, when the source has them.
    pub fn labels(&self) -> Option<&[u32]> {
        self.labels.as_deref()
    }

    /// Number of classes, when labelled.
    pub fn num_classes(&self) -> Option<usize> {
        self.num_classes
    }

    /// The samples at `indices` as tensors on `device`; fails on an index past the end.
    pub fn batch(&self, indices: &[usize], device: &Device) -> Result<Batch, DataError> {
        let n = self.sample_len();
        let mut values = Vec::with_capacity(indices.len() * n);
        for &i in indices {
            let sample = self.sample(i).ok_or_else(|| DataError::Invalid {
                what: "sample index",
                expected: format!("below {}", self.len()),
                found: i.to_string(),
            })?;
            values.extend_from_slice(sample);
        }
        let mut shape = vec![indices.len()];
        shape.extend_from_slice(&self.sample_shape);
        let samples = Tensor::from_vec(values, shape, device)?;
        let labels = match &self.labels {
            Some(all) => {
                let picked: Vec<u32> = indices.iter().map(|&i| all[i]).collect();
                Some(Tensor::from_vec(picked, indices.len(), device)?)
            }
            None => None,
        };
        Ok(Batch { samples, labels })
    }
}
