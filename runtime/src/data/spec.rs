//! What a `.gan` data declaration asks of a file: sample shape and value range.

use super::DataError;

/// A closed interval of sample values, e.g. `[-1, 1]` for a tanh generator.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ValueRange {
    lo: f32,
    hi: f32,
}

impl ValueRange {
    /// `[0, 1]`: the range float files are assumed to be in unless told otherwise.
    pub const UNIT: ValueRange = ValueRange { lo: 0.0, hi: 1.0 };
    /// `[-1, 1]`: the usual target for generators ending in tanh.
    pub const SYMMETRIC: ValueRange = ValueRange { lo: -1.0, hi: 1.0 };
    /// `[0, 255]`: the range of 8-bit pixel files.
    pub const BYTE: ValueRange = ValueRange { lo: 0.0, hi: 255.0 };
    /// `[0, 16]`: the range of the UCI 8x8 digits.
    pub const DIGITS: ValueRange = ValueRange { lo: 0.0, hi: 16.0 };

    /// A range `[lo, hi]`; rejects empty, reversed or non-finite bounds.
    pub fn new(lo: f32, hi: f32) -> Result<Self, DataError> {
        if lo.is_finite() && hi.is_finite() && lo < hi {
            Ok(ValueRange { lo, hi })
        } else {
            Err(DataError::Range { lo, hi })
        }
    }

    /// Lower bound.
    pub fn lo(&self) -> f32 {
        self.lo
    }

    /// Upper bound.
    pub fn hi(&self) -> f32 {
        self.hi
    }

    /// The affine map taking `self` onto `to` (lo to lo, hi to hi), as `(scale, offset)`.
    pub fn map_to(&self, to: ValueRange) -> (f32, f32) {
        let scale = (to.hi - to.lo) / (self.hi - self.lo);
        (scale, to.lo - self.lo * scale)
    }
}

/// The shape and range a `.gan` data declaration requires of every sample.
#[derive(Debug, Clone, PartialEq)]
pub struct DataSpec {
    /// How the declaration is named in error messages, e.g. ``data `x: [B,1,28,28]` ``.
    pub context: String,
    /// Shape of one sample without the batch axis: `[C, H, W]` for images (NCHW batches), `[D]`
    /// for vectors. A `[D]` request accepts image files with `C*H*W == D`, flattened in CHW order.
    pub sample_shape: Vec<usize>,
    /// The range sample values are mapped to.
    pub range: ValueRange,
}

impl DataSpec {
    /// A spec whose context is derived from the declaration's name and shape, e.g.
    /// ``data `x: [B,1,28,28]` ``.
    pub fn new(name: &str, sample_shape: &[usize], range: ValueRange) -> Self {
        let dims: Vec<String> = sample_shape.iter().map(|d| d.to_string()).collect();
        DataSpec {
            context: format!("data `{name}: [B,{}]`", dims.join(",")),
            sample_shape: sample_shape.to_vec(),
            range,
        }
    }

    /// Number of values in one sample.
    pub fn sample_len(&self) -> usize {
        self.sample_shape.iter().product()
    }

    /// `(C, H, W)` when the request is for images (rank 3).
    pub fn image_dims(&self) -> Option<(usize, usize, usize)> {
        match self.sample_shape[..] {
            [c, h, w] => Some((c, h, w)),
            _ => None,
        }
    }

    /// Human description of the expected sample, as used in shape errors.
    pub fn describe(&self) -> String {
        match self.image_dims() {
            Some((c, h, w)) => format!("{h}x{w}x{c} images"),
            None => format!("{} values per sample", self.sample_len()),
        }
    }
}
