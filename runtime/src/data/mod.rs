//! The data layer: reading datasets into memory and serving seeded, resumable batches.
//!
//! Sources:
//! - IDX files ([`load_idx`]), raw or gzip (detected from content), uint8/f32/f64, 2-D to 4-D;
//!   4-D files are channels-last and are converted to NCHW.
//! - `.npy` arrays ([`load_npy`]), versions 1-3, little-endian f32/f64/u8, C order.
//! - Folders of PNG/JPEG images ([`load_folder`]), resized to the declared size.
//! - Synthetic 2-D mixtures ([`Synthetic`]): `ring8`, `grid25`.
//! - Named datasets ([`Named`], [`load_named`]) inside a data directory laid out like
//!   `shared/datasets`, found through [`resolve_data_dir`] and a [`Locator`].
//!
//! Every loader checks samples against a [`DataSpec`] (the declared sample shape and value
//! range) and fails with a [`DataError`] naming the file, the declaration and what was found.
//! A [`Batcher`] then shuffles per epoch from a seed and yields [`Batch`]es of tensors.

mod batcher;
mod bytes;
mod dataset;
mod error;
mod folder;
mod idx;
mod load;
mod locate;
mod named;
mod npy;
mod raw;
mod spec;
mod synthetic;

pub use batcher::{Batcher, Position};
pub use bytes::read_maybe_gz;
pub use dataset::{Batch, Dataset};
pub use error::DataError;
pub use folder::{load_folder, FolderOptions};
pub use idx::{read_idx, read_idx_labels};
pub use load::{load_idx, load_npy};
pub use locate::{bundled_dir, resolve_data_dir, resolve_data_dir_with, DATA_DIR_ENV};
pub use named::{load_named, Locator, Named, Split};
pub use npy::read_npy;
pub use raw::{Elements, Layout, RawArray};
pub use spec::{DataSpec, ValueRange};
pub use synthetic::Synthetic;
