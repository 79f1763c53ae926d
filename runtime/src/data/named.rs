//! Datasets known by name, found inside a data directory laid out like `shared/datasets`.

use std::fmt;
use std::path::{Path, PathBuf};

use super::locate::bundled_dir;
use super::{load_idx, DataError, DataSpec, Dataset, ValueRange};

/// Which part of a dataset to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Split {
    /// The training samples.
    Train,
    /// The held-out samples, for evaluation only.
    Test,
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Split::Train => "train",
            Split::Test => "test",
        })
    }
}

/// A dataset known by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Named {
    /// MNIST digits, 28x28 grey, 60k train + 10k test.
    Mnist,
    /// Fashion-MNIST, 28x28 grey, 60k train + 10k test.
    FashionMnist,
    /// The first 1000 Fashion-MNIST training images; falls back to the committed fixture.
    FashionMnist1k,
    /// 3786 Noto emoji, 32x32 RGB on white, 10 categories; no test split.
    Emoji32,
    /// The same emoji at 64x64 RGBA. A 3-channel declaration composites them on white;
    /// a 4-channel one keeps alpha.
    Emoji64,
    /// UCI optical digits, 8x8 grey with values 0..16 (not 0..255); no test split.
    Digits8x8,
}

impl Named {
    /// Every named dataset, in documentation order.
    pub const ALL: [Named; 6] = [
        Named::Mnist,
        Named::FashionMnist,
        Named::FashionMnist1k,
        Named::Emoji32,
        Named::Emoji64,
        Named::Digits8x8,
    ];

    /// The dataset called `name`.
    pub fn from_name(name: &str) -> Result<Self, DataError> {
        Named::ALL
            .into_iter()
            .find(|n| n.name() == name)
            .ok_or_else(|| DataError::UnknownDataset {
                name: name.to_string(),
                known: Named::ALL.map(Named::name).join(", "),
            })
    }

    /// The name used in `.gan` files.
    pub fn name(self) -> &'static str {
        match self {
            Named::Mnist => "mnist",
            Named::FashionMnist => "fashion_mnist",
            Named::FashionMnist1k => "fashion_mnist_1k",
            Named::Emoji32 => "emoji32",
            Named::Emoji64 => "emoji64",
            Named::Digits8x8 => "digits8x8",
        }
    }

    /// `(images, labels)` paths relative to the data directory, or `None` if there is no such
    /// split.
    pub fn files(self, split: Split) -> Option<(&'static str, &'static str)> {
        use Named::*;
        use Split::*;
        Some(match (self, split) {
            (Mnist, Train) => (
                "mnist/train-images-idx3-ubyte.gz",
                "mnist/train-labels-idx1-ubyte.gz",
            ),
            (Mnist, Test) => (
                "mnist/t10k-images-idx3-ubyte.gz",
                "mnist/t10k-labels-idx1-ubyte.gz",
            ),
            (FashionMnist, Train) => (
                "fashion-mnist/train-images-idx3-ubyte.gz",
                "fashion-mnist/train-labels-idx1-ubyte.gz",
            ),
            (FashionMnist, Test) => (
                "fashion-mnist/t10k-images-idx3-ubyte.gz",
                "fashion-mnist/t10k-labels-idx1-ubyte.gz",
            ),
            (FashionMnist1k, Train) => (
                "fixtures/fashion-mnist-train1k-images-idx3-ubyte.gz",
                "fixtures/fashion-mnist-train1k-labels-idx1-ubyte.gz",
            ),
            (Emoji32, Train) => (
                "emoji-noto/derived/noto-emoji-32-rgb-idx4-ubyte.gz",
                "emoji-noto/derived/noto-emoji-labels-idx1-ubyte.gz",
            ),
            (Emoji64, Train) => (
                "emoji-noto/derived/noto-emoji-64-rgba-idx4-ubyte.gz",
                "emoji-noto/derived/noto-emoji-labels-idx1-ubyte.gz",
            ),
            (Digits8x8, Train) => (
                "fixtures/digits8x8-images-idx3-ubyte.gz",
                "fixtures/digits8x8-labels-idx1-ubyte.gz",
            ),
            _ => return None,
        })
    }

    /// The range the file's raw values span (mapped onto the declared range on loading).
    pub fn source_range(self) -> ValueRange {
        match self {
            Named::Digits8x8 => ValueRange::DIGITS,
            _ => ValueRange::BYTE,
        }
    }

    /// Number of classes of the labels.
    pub fn num_classes(self) -> usize {
        10
    }
}

/// Where named datasets are searched: the data directory, then fallback directories.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Locator {
    /// The data directory (see [`super::resolve_data_dir`]).
    pub data_dir: PathBuf,
    /// Directories searched, in order, for files under `fixtures/` that the data directory
    /// lacks; they hold such files directly (by base name), like the repository's
    /// `tests/fixtures`.
    pub fallback_dirs: Vec<PathBuf>,
}

impl Locator {
    /// A locator for `data_dir` with the repository's fixtures ([`bundled_dir`]) as fallback.
    pub fn new(data_dir: &Path) -> Self {
        Locator {
            data_dir: data_dir.to_path_buf(),
            fallback_dirs: vec![bundled_dir()],
        }
    }

    /// The `(images, labels)` files of `named`'s `split`.
    ///
    /// Each file is looked for at its path in the data directory, then without its `.gz`
    /// suffix (compression is detected from content), then, for `fixtures/` files only, by
    /// base name in each fallback directory. Images and labels are found independently.
    pub fn find(&self, named: Named, split: Split) -> Result<(PathBuf, PathBuf), DataError> {
        let (images, labels) = named.files(split).ok_or_else(|| DataError::NoSplit {
            name: named.name().to_string(),
            split: split.to_string(),
            available: [Split::Train, Split::Test]
                .into_iter()
                .filter(|s| named.files(*s).is_some())
                .map(|s| s.to_string())
                .collect::<Vec<_>>()
                .join(", "),
        })?;
        Ok((
            self.find_file(named, images)?,
            self.find_file(named, labels)?,
        ))
    }

    fn find_file(&self, named: Named, relative: &str) -> Result<PathBuf, DataError> {
        let candidates = self.candidates(relative);
        candidates
            .iter()
            .find(|p| p.is_file())
            .cloned()
            .ok_or_else(|| DataError::NotFound {
                name: named.name().to_string(),
                tried: candidates
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    fn candidates(&self, relative: &str) -> Vec<PathBuf> {
        let mut out = vec![self.data_dir.join(relative)];
        if let Some(plain) = relative.strip_suffix(".gz") {
            out.push(self.data_dir.join(plain));
        }
        if let Some(base) = relative.strip_prefix("fixtures/") {
            out.extend(self.fallback_dirs.iter().map(|d| d.join(base)));
        }
        out
    }
}

/// Loads `split` of `named` to satisfy `spec`, with labels.
pub fn load_named(
    locator: &Locator,
    named: Named,
    split: Split,
    spec: &DataSpec,
) -> Result<Dataset, DataError> {
    let (images, labels) = locator.find(named, split)?;
    load_idx(
        &images,
        Some(&labels),
        Some(named.num_classes()),
        spec,
        Some(named.source_range()),
    )
}
