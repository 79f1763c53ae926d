//! Loading the spec's `data` inputs with the data layer.

use crate::data::{
    load_folder, load_idx, load_named, load_npy, DataError, DataSpec, Dataset, FolderOptions,
    Locator, Named, Split, Synthetic, ValueRange,
};
use ganc_compiler::graph::{self, DataInput};
use std::path::Path;

/// Points drawn for a synthetic 2-D dataset (one pass = this many samples).
const SYNTHETIC_POINTS: usize = 64 * 1024;

/// Loads one data input from `data_dir` (relative paths of `idx`, `npy`, `images` resolve there
/// first, then against the working directory).
pub fn load(
    input: &DataInput,
    data_dir: &Path,
    seed: u64,
    split: graph::Split,
) -> Result<Dataset, DataError> {
    let range = ValueRange::new(input.range.0 as f32, input.range.1 as f32)?;
    let spec = DataSpec::new(&input.name, &input.shape.0, range);
    let split = match split {
        graph::Split::Train => Split::Train,
        graph::Split::Test => Split::Test,
    };
    let locate = |p: &str| {
        let in_dir = data_dir.join(p);
        if in_dir.exists() {
            in_dir
        } else {
            Path::new(p).to_path_buf()
        }
    };
    let option = |key: &str| {
        input
            .options
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| *v)
    };
    if let Some(synthetic) = Synthetic::from_name(&input.dataset) {
        let std = option("std").map_or(synthetic.default_std(), |v| v as f32);
        // The held-out split is drawn from a different stream of the same mixture.
        let seed = if split == Split::Test {
            seed ^ 0x7e57
        } else {
            seed
        };
        return synthetic.sample(SYNTHETIC_POINTS, std, seed);
    }
    match input.dataset.as_str() {
        "idx" => {
            let images = locate(input.path.as_deref().unwrap_or_default());
            let labels = input.labels_path.as_deref().map(locate);
            load_idx(&images, labels.as_deref(), input.label_classes, &spec, None)
        }
        "npy" => load_npy(
            &locate(input.path.as_deref().unwrap_or_default()),
            &spec,
            None,
        ),
        "images" => load_folder(
            &locate(input.path.as_deref().unwrap_or_default()),
            &spec,
            FolderOptions {
                centre_crop: option("crop").is_some_and(|v| v != 0.0),
                labels_from_subdirs: input.label_classes.is_some(),
            },
        ),
        name => {
            let named = Named::from_name(name)?;
            load_named(&Locator::new(data_dir), named, split, &spec)
        }
    }
}
