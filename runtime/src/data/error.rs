//! The one error type of the data layer.

use std::path::PathBuf;

/// Everything that can go wrong while reading, validating or batching data.
///
/// Every variant that concerns a file names it, and mismatches carry what was expected and what
/// was found, so a message alone is enough to fix the input.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    /// The file could not be opened or read.
    #[error("{file}: cannot read: {source}")]
    Io {
        /// The file being read.
        file: PathBuf,
        /// The operating system's error.
        source: std::io::Error,
    },
    /// The file starts like gzip but does not decompress.
    #[error("{file}: gzip data is corrupt or truncated: {source}")]
    Gzip {
        /// The file being read.
        file: PathBuf,
        /// The decompressor's error.
        source: std::io::Error,
    },
    /// The file does not start with the signature of the expected format.
    #[error("{file}: not a {format} file: expected magic {expected}, found {found}")]
    BadMagic {
        /// The file being read.
        file: PathBuf,
        /// The format that was expected (`IDX`, `NPY`).
        format: &'static str,
        /// The expected signature, as text.
        expected: String,
        /// The bytes found, as text.
        found: String,
    },
    /// The header is well-formed but describes something this reader does not support.
    #[error("{file}: unsupported {format} content: {found} (supported: {supported})")]
    Unsupported {
        /// The file being read.
        file: PathBuf,
        /// The format (`IDX`, `NPY`, `image folder`).
        format: &'static str,
        /// What the file declares.
        found: String,
        /// What would have been accepted.
        supported: String,
    },
    /// The header cannot be parsed.
    #[error("{file}: malformed {format} header: {reason}")]
    BadHeader {
        /// The file being read.
        file: PathBuf,
        /// The format (`IDX`, `NPY`).
        format: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The payload length does not match what the header's dimensions require.
    #[error("{file}: header declares dimensions {dims:?}, which need {expected} data bytes, but the file has {found}")]
    Length {
        /// The file being read.
        file: PathBuf,
        /// The dimensions from the header.
        dims: Vec<usize>,
        /// Bytes required by the header.
        expected: usize,
        /// Bytes actually present after the header.
        found: usize,
    },
    /// The samples in the file do not have the shape the `.gan` file declares.
    #[error("{file}: expected {expected} for {context}, file has {found}")]
    Shape {
        /// The file being read.
        file: PathBuf,
        /// The declaration being satisfied, e.g. ``data `x: [B,1,28,28]` ``.
        context: String,
        /// The expected sample shape, e.g. `28x28x1 images`.
        expected: String,
        /// The sample shape in the file, e.g. `32x32x3`.
        found: String,
    },
    /// Image and label files disagree on the number of samples.
    #[error("{labels}: has {found} labels but {images} has {expected} samples")]
    LabelCount {
        /// The image (sample) file.
        images: PathBuf,
        /// The label file.
        labels: PathBuf,
        /// Number of samples.
        expected: usize,
        /// Number of labels.
        found: usize,
    },
    /// A label is not below the number of classes.
    #[error(
        "{file}: label {found} at index {index} is out of range: expected labels 0..{num_classes}"
    )]
    LabelRange {
        /// The label file.
        file: PathBuf,
        /// Position of the offending label.
        index: usize,
        /// The label found.
        found: u32,
        /// The number of classes the dataset has.
        num_classes: usize,
    },
    /// An image in a folder cannot be decoded.
    #[error("{file}: cannot decode image: {source}")]
    Image {
        /// The image file.
        file: PathBuf,
        /// The decoder's error.
        source: image::ImageError,
    },
    /// A folder holds no usable image.
    #[error("{dir}: no PNG or JPEG images found (expected *.png, *.jpg or *.jpeg{layout})")]
    EmptyFolder {
        /// The folder searched.
        dir: PathBuf,
        /// Extra hint on the expected layout.
        layout: &'static str,
    },
    /// A dataset name is not known.
    #[error("unknown dataset `{name}`: expected one of {known}")]
    UnknownDataset {
        /// The name asked for.
        name: String,
        /// The names that exist, comma-separated.
        known: String,
    },
    /// A named dataset's files are not in any searched place.
    #[error("dataset `{name}` not found: looked for {tried}; point --data-dir (or $GANC_DATA_DIR) at the folder that holds it")]
    NotFound {
        /// The dataset name.
        name: String,
        /// The paths tried, comma-separated.
        tried: String,
    },
    /// The dataset has no such split.
    #[error("dataset `{name}` has no `{split}` split (it has: {available})")]
    NoSplit {
        /// The dataset name.
        name: String,
        /// The split asked for.
        split: String,
        /// The splits it has.
        available: String,
    },
    /// A value range is empty or not finite.
    #[error("invalid value range [{lo}, {hi}]: expected finite bounds with lo < hi")]
    Range {
        /// Lower bound.
        lo: f32,
        /// Upper bound.
        hi: f32,
    },
    /// A parameter of a loader or batcher is out of its domain.
    #[error("invalid {what}: expected {expected}, got {found}")]
    Invalid {
        /// The parameter.
        what: &'static str,
        /// What is accepted.
        expected: String,
        /// What was given.
        found: String,
    },
    /// Building a tensor failed.
    #[error("cannot build tensor: {0}")]
    Tensor(#[from] candle_core::Error),
}
