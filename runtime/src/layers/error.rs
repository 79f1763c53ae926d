//! Typed argument errors of the layer ops, carried inside `candle_core::Error`.

use thiserror::Error;

/// Why a layer op refused its arguments. Every op converts this into a
/// `candle_core::Error` (via `Error::wrap`), so callers keep one error type while the
/// message still names the op, what it expected and what it got.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum LayerError {
    /// The tensor has the wrong number of dimensions.
    #[error("{op}: `{arg}` must have {expected}, got shape {got:?}")]
    Rank {
        /// The op that refused the tensor.
        op: &'static str,
        /// The argument's name.
        arg: &'static str,
        /// The accepted ranks, in words.
        expected: &'static str,
        /// The shape that was passed.
        got: Vec<usize>,
    },
    /// A tensor's shape does not fit the other arguments.
    #[error("{op}: `{arg}` must have shape {expected:?}, got {got:?}")]
    Shape {
        /// The op that refused the tensor.
        op: &'static str,
        /// The argument's name.
        arg: &'static str,
        /// The shape that would fit.
        expected: Vec<usize>,
        /// The shape that was passed.
        got: Vec<usize>,
    },
    /// A scalar argument is out of its valid range or inconsistent with the input.
    #[error("{op}: {message}")]
    Argument {
        /// The op that refused the argument.
        op: &'static str,
        /// What is wrong and what was expected.
        message: String,
    },
    /// An index tensor holds an entry outside `0..size`.
    #[error("{op}: index {index} is out of range for size {size}")]
    Index {
        /// The op that refused the index.
        op: &'static str,
        /// The offending index.
        index: u32,
        /// The number of valid entries.
        size: usize,
    },
    /// A dtype the op does not accept.
    #[error("{op}: `{arg}` must have dtype {expected}, got {got}")]
    DType {
        /// The op that refused the tensor.
        op: &'static str,
        /// The argument's name.
        arg: &'static str,
        /// The accepted dtype(s), in words.
        expected: &'static str,
        /// The dtype that was passed.
        got: String,
    },
}

impl From<LayerError> for candle_core::Error {
    fn from(e: LayerError) -> Self {
        candle_core::Error::wrap(e)
    }
}

/// Shorthand for an [`LayerError::Argument`] already converted to a candle error.
pub(crate) fn arg_error(op: &'static str, message: impl Into<String>) -> candle_core::Error {
    LayerError::Argument {
        op,
        message: message.into(),
    }
    .into()
}

/// Fails with [`LayerError::Rank`] unless `t` has a rank in `ranks`.
pub(crate) fn expect_rank(
    op: &'static str,
    arg: &'static str,
    t: &candle_core::Tensor,
    ranks: &[usize],
    expected: &'static str,
) -> candle_core::Result<()> {
    if ranks.contains(&t.rank()) {
        Ok(())
    } else {
        Err(LayerError::Rank {
            op,
            arg,
            expected,
            got: t.dims().to_vec(),
        }
        .into())
    }
}

/// Fails with [`LayerError::Shape`] unless `t` has exactly shape `expected`.
pub(crate) fn expect_shape(
    op: &'static str,
    arg: &'static str,
    t: &candle_core::Tensor,
    expected: &[usize],
) -> candle_core::Result<()> {
    if t.dims() == expected {
        Ok(())
    } else {
        Err(LayerError::Shape {
            op,
            arg,
            expected: expected.to_vec(),
            got: t.dims().to_vec(),
        }
        .into())
    }
}

/// Fails with [`LayerError::Shape`] unless kernel `w` has `channels` entries on `axis` (1 for a
/// convolution's `[O, C, ...]` kernel, 0 for a transposed convolution's `[I, O, ...]`).
pub(crate) fn expect_kernel_channels(
    op: &'static str,
    w: &candle_core::Tensor,
    axis: usize,
    channels: usize,
) -> candle_core::Result<()> {
    let mut expected = w.dims().to_vec();
    expected[axis] = channels;
    expect_shape(op, "w", w, &expected)
}

/// Fails unless `value >= 1`; strides, kernel sizes, factors and counts use it.
pub(crate) fn expect_positive(
    op: &'static str,
    name: &'static str,
    value: usize,
) -> candle_core::Result<()> {
    if value == 0 {
        Err(arg_error(op, format!("{name} must be at least 1, got 0")))
    } else {
        Ok(())
    }
}

/// Fails unless every dimension of `t` is at least 1 (output-size formulas subtract 1).
pub(crate) fn expect_nonempty(
    op: &'static str,
    arg: &'static str,
    t: &candle_core::Tensor,
) -> candle_core::Result<()> {
    if t.dims().contains(&0) {
        Err(arg_error(
            op,
            format!(
                "`{arg}` must not have an empty dimension, got shape {:?}",
                t.dims()
            ),
        ))
    } else {
        Ok(())
    }
}
