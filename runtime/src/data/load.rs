//! Loading array files into a [`Dataset`] that satisfies a declaration.

use std::path::Path;

use super::idx::{read_idx, read_idx_labels};
use super::npy::read_npy;
use super::{DataError, DataSpec, Dataset, ValueRange};

/// Loads an IDX sample file and, optionally, its IDX label file.
///
/// Values map from `source` (default `[0, 255]` for uint8 files, `[0, 1]` for float files) onto
/// `spec.range`. Labels must be below `num_classes`; `None` means "largest label + 1".
pub fn load_idx(
    images: &Path,
    labels: Option<&Path>,
    num_classes: Option<usize>,
    spec: &DataSpec,
    source: Option<ValueRange>,
) -> Result<Dataset, DataError> {
    let raw = read_idx(images)?;
    let values = raw.to_values(spec, source)?;
    let labels = match labels {
        Some(path) => Some(checked_labels(images, path, raw.count(), num_classes)?),
        None => None,
    };
    Dataset::new(spec.sample_shape.clone(), values, labels)
}

/// Loads a `.npy` sample file (no labels). Values map from `source` (default `[0, 1]` for
/// float arrays, `[0, 255]` for uint8) onto `spec.range`.
pub fn load_npy(
    path: &Path,
    spec: &DataSpec,
    source: Option<ValueRange>,
) -> Result<Dataset, DataError> {
    let raw = read_npy(path)?;
    Dataset::new(
        spec.sample_shape.clone(),
        raw.to_values(spec, source)?,
        None,
    )
}

/// Reads labels and checks their count against `count` samples and their values against
/// `num_classes`.
fn checked_labels(
    images: &Path,
    path: &Path,
    count: usize,
    num_classes: Option<usize>,
) -> Result<(Vec<u32>, usize), DataError> {
    let labels = read_idx_labels(path)?;
    if labels.len() != count {
        return Err(DataError::LabelCount {
            images: images.to_path_buf(),
            labels: path.to_path_buf(),
            expected: count,
            found: labels.len(),
        });
    }
    let observed = labels.iter().max().map_or(0, |&m| m as usize + 1);
    let num_classes = num_classes.unwrap_or(observed);
    if let Some((index, &found)) = labels
        .iter()
        .enumerate()
        .find(|(_, &l)| l as usize >= num_classes)
    {
        return Err(DataError::LabelRange {
            file: path.to_path_buf(),
            index,
            found,
            num_classes,
        });
    }
    Ok((labels, num_classes))
}
