//! Decoded array files before they meet a declaration: element type, layout, conversion.

use std::path::{Path, PathBuf};

use super::{DataError, DataSpec, ValueRange};

/// Element storage of a decoded file. Wider float types are narrowed to `f32` on reading.
#[derive(Debug, Clone, PartialEq)]
pub enum Elements {
    /// 8-bit unsigned values.
    U8(Vec<u8>),
    /// 32-bit floats.
    F32(Vec<f32>),
}

impl Elements {
    fn len(&self) -> usize {
        match self {
            Elements::U8(v) => v.len(),
            Elements::F32(v) => v.len(),
        }
    }

    /// The range the stored type is assumed to span when the caller does not say: `[0, 255]`
    /// for bytes, `[0, 1]` for floats.
    pub fn default_range(&self) -> ValueRange {
        match self {
            Elements::U8(_) => ValueRange::BYTE,
            Elements::F32(_) => ValueRange::UNIT,
        }
    }
}

/// How one sample's values are ordered in a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Image, channels last (IDX files, NHWC arrays).
    Hwc {
        /// Height.
        h: usize,
        /// Width.
        w: usize,
        /// Channels.
        c: usize,
    },
    /// Image, channels first (NCHW arrays).
    Chw {
        /// Channels.
        c: usize,
        /// Height.
        h: usize,
        /// Width.
        w: usize,
    },
    /// A flat vector.
    Flat {
        /// Length.
        d: usize,
    },
}

impl Layout {
    fn len(&self) -> usize {
        match *self {
            Layout::Hwc { h, w, c } | Layout::Chw { c, h, w } => h * w * c,
            Layout::Flat { d } => d,
        }
    }

    fn image(&self) -> Option<(usize, usize, usize)> {
        match *self {
            Layout::Hwc { h, w, c } | Layout::Chw { c, h, w } => Some((c, h, w)),
            Layout::Flat { .. } => None,
        }
    }

    fn describe(&self) -> String {
        match self.image() {
            Some((c, h, w)) => format!("{h}x{w}x{c}"),
            None => format!("{} values per sample", self.len()),
        }
    }
}

/// A decoded file: `count` samples of `layout`, with the invariant that the element count matches.
#[derive(Debug, Clone, PartialEq)]
pub struct RawArray {
    file: PathBuf,
    count: usize,
    layout: Layout,
    elements: Elements,
}

impl RawArray {
    /// Wraps decoded elements; fails when their number is not `count` samples of `layout`.
    pub fn new(
        file: &Path,
        count: usize,
        layout: Layout,
        elements: Elements,
    ) -> Result<Self, DataError> {
        let expected = count.checked_mul(layout.len());
        if expected != Some(elements.len()) {
            return Err(DataError::Invalid {
                what: "decoded array",
                expected: format!("{count} samples of {}", layout.describe()),
                found: format!("{} values", elements.len()),
            });
        }
        Ok(RawArray {
            file: file.to_path_buf(),
            count,
            layout,
            elements,
        })
    }

    /// Number of samples.
    pub fn count(&self) -> usize {
        self.count
    }

    /// Layout of one sample.
    pub fn layout(&self) -> Layout {
        self.layout
    }

    /// The file it was read from.
    pub fn file(&self) -> &Path {
        &self.file
    }

    /// The stored values.
    pub fn elements(&self) -> &Elements {
        &self.elements
    }

    /// Converts to the values a declaration asks for: samples laid out as `spec.sample_shape`
    /// (CHW order for images) and mapped linearly from `source` (default: the element type's
    /// [`Elements::default_range`]) onto `spec.range`. Values outside `source` are not clamped.
    ///
    /// A 4-channel file meets a 3-channel request by compositing on white (alpha is the fourth
    /// channel, in `source` units), so transparent pixels become white rather than black.
    pub fn to_values(
        &self,
        spec: &DataSpec,
        source: Option<ValueRange>,
    ) -> Result<Vec<f32>, DataError> {
        let source = source.unwrap_or_else(|| self.elements.default_range());
        let composite = self.check_shape(spec)?;
        let plan = Plan {
            layout: self.layout,
            composite,
            source,
            target: spec.range,
        };
        Ok(match &self.elements {
            Elements::U8(v) => plan.run(v, self.count),
            Elements::F32(v) => plan.run(v, self.count),
        })
    }

    /// Checks the file's samples against the request; `Ok(true)` means RGBA to RGB compositing.
    fn check_shape(&self, spec: &DataSpec) -> Result<bool, DataError> {
        let mismatch = || DataError::Shape {
            file: self.file.clone(),
            context: spec.context.clone(),
            expected: spec.describe(),
            found: self.layout.describe(),
        };
        match (spec.image_dims(), self.layout.image()) {
            (Some((c, h, w)), Some((fc, fh, fw))) => {
                if (fh, fw) != (h, w) {
                    Err(mismatch())
                } else if fc == c {
                    Ok(false)
                } else if fc == 4 && c == 3 {
                    Ok(true)
                } else {
                    Err(mismatch())
                }
            }
            _ if self.layout.len() == spec.sample_len() => Ok(false),
            _ => Err(mismatch()),
        }
    }
}

/// One conversion: reorder to CHW, optionally composite, map ranges.
struct Plan {
    layout: Layout,
    composite: bool,
    source: ValueRange,
    target: ValueRange,
}

impl Plan {
    fn run<T: Copy + Into<f32>>(&self, src: &[T], count: usize) -> Vec<f32> {
        let (scale, offset) = self.source.map_to(self.target);
        let Layout::Hwc { h, w, c } = self.layout else {
            // Channels-first and flat samples are already in output order.
            return src.iter().map(|&v| v.into() * scale + offset).collect();
        };
        let out_c = if self.composite { 3 } else { c };
        let span = self.source.hi() - self.source.lo();
        let mut out = Vec::with_capacity(count * out_c * h * w);
        for n in 0..count {
            let sample = &src[n * h * w * c..(n + 1) * h * w * c];
            for ch in 0..out_c {
                for pixel in 0..h * w {
                    let v: f32 = sample[pixel * c + ch].into();
                    let v = if self.composite {
                        let alpha = (sample[pixel * c + 3].into() - self.source.lo()) / span;
                        v * alpha + self.source.hi() * (1.0 - alpha)
                    } else {
                        v
                    };
                    out.push(v * scale + offset);
                }
            }
        }
        out
    }
}
