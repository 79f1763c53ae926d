//! What the compiler knows about each data source: the sample shape of named datasets, their
//! class counts, and which arguments each source takes. The runtime reads the files; these
//! facts let `ganc check` catch a wrong declaration before any data is loaded.

/// How a source is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SourceKind {
    /// A dataset known by name, with a fixed sample shape.
    Named,
    /// A 2-D synthetic mixture of Gaussians generated from the seed.
    Synthetic,
    /// A file or folder read by format.
    File,
}

/// One data source the language accepts.
#[derive(Debug, Clone, Copy)]
pub struct SourceInfo {
    /// Name in `.gan` (`from mnist(...)`).
    pub name: &'static str,
    /// How it is given.
    pub kind: SourceKind,
    /// Sample shape without the batch axis, when fixed.
    pub shape: Option<&'static [usize]>,
    /// Other accepted sample shapes (emoji64 may keep its alpha channel).
    pub also: Option<&'static [usize]>,
    /// Number of label classes, when the source has labels of a known count.
    pub classes: Option<usize>,
    /// Accepted arguments, positional order first.
    pub params: &'static [&'static str],
    /// Whether the source has a `test` split.
    pub has_test: bool,
}

const NAMED: &[&str] = &["path", "split", "range"];
const SYNTH: &[&str] = &["std"];

/// Every source, in documentation order.
pub const SOURCES: &[SourceInfo] = &[
    named("mnist", &[1, 28, 28], None, Some(10), true),
    named("fashion_mnist", &[1, 28, 28], None, Some(10), true),
    named("fashion_mnist_1k", &[1, 28, 28], None, Some(10), false),
    named("emoji32", &[3, 32, 32], None, Some(10), false),
    named("emoji64", &[3, 64, 64], Some(&[4, 64, 64]), Some(10), false),
    named("digits8x8", &[1, 8, 8], None, Some(10), false),
    SourceInfo {
        name: "ring8",
        kind: SourceKind::Synthetic,
        shape: Some(&[2]),
        also: None,
        classes: Some(8),
        params: SYNTH,
        has_test: false,
    },
    SourceInfo {
        name: "grid25",
        kind: SourceKind::Synthetic,
        shape: Some(&[2]),
        also: None,
        classes: Some(25),
        params: SYNTH,
        has_test: false,
    },
    file("idx", &["path", "labels", "range"]),
    file("npy", &["path", "labels", "range"]),
    file("images", &["path", "range"]),
];

const fn named(
    name: &'static str,
    shape: &'static [usize],
    also: Option<&'static [usize]>,
    classes: Option<usize>,
    has_test: bool,
) -> SourceInfo {
    SourceInfo {
        name,
        kind: SourceKind::Named,
        shape: Some(shape),
        also,
        classes,
        params: NAMED,
        has_test,
    }
}

const fn file(name: &'static str, params: &'static [&'static str]) -> SourceInfo {
    SourceInfo {
        name,
        kind: SourceKind::File,
        shape: None,
        also: None,
        classes: None,
        params,
        has_test: false,
    }
}

/// The source called `name`.
pub fn source(name: &str) -> Option<&'static SourceInfo> {
    SOURCES.iter().find(|s| s.name == name)
}

impl SourceInfo {
    /// Whether a declared sample shape can be read from this source: the dataset's own shape,
    /// an accepted alternative, or the same values flattened to one axis.
    pub fn accepts(&self, declared: &[usize]) -> bool {
        let Some(shape) = self.shape else {
            return true;
        };
        let flat = [shape.iter().product::<usize>()];
        declared == shape || Some(declared) == self.also || (shape.len() > 1 && declared == flat)
    }
}
