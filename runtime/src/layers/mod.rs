//! Functional layer ops on candle tensors (NCHW / NCDHW), every one composed only from
//! candle paths whose first and second-order gradients match finite differences
//! (see `tests/gradients.rs`). Parameters are passed in as tensors; invalid arguments
//! return a [`LayerError`] wrapped in `candle_core::Error`, never a panic.

mod activation;
mod batch_norm;
mod conv;
mod conv3d;
mod dropout;
mod embedding;
mod error;
mod linear;
mod minibatch;
mod norm;
mod norm_util;
mod pad;
mod pixel_shuffle;
mod pool;
mod spectral_norm;
mod upsample;
mod virtual_batch_norm;

pub use activation::{elu, leaky_relu, log_sigmoid, prelu, relu, sigmoid, softplus, tanh};
pub use batch_norm::{batch_norm_eval, batch_norm_train, BatchStats};
pub use conv::{conv2d, conv_transpose2d};
pub use conv3d::{conv3d, conv_transpose3d};
pub use dropout::{dropout, dropout_mask, dropout_with_mask};
pub use embedding::{embedding, one_hot};
pub use error::LayerError;
pub use linear::linear;
pub use minibatch::minibatch_discrimination;
pub use norm::{group_norm, instance_norm, layer_norm};
pub use pad::{reflection_pad2d, zero_pad2d};
pub use pixel_shuffle::pixel_shuffle;
pub use pool::{avg_pool2d, max_pool2d};
pub use spectral_norm::spectral_norm;
pub use upsample::{upsample_bilinear2d, upsample_nearest2d};
pub use virtual_batch_norm::{reference_stats, virtual_batch_norm};

#[cfg(test)]
mod naive;
#[cfg(test)]
mod tests;
