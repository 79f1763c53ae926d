//! Stage 2: names bound, imports loaded, blocks instantiated, dims evaluated.

pub mod dims;
