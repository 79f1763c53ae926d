//! Shapes with a symbolic batch dimension, and value types.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The dimensions after the batch axis: `[B, 1, 28, 28]` is `Shape(vec![1, 28, 28])`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub struct Shape(pub Vec<usize>);

impl Shape {
    /// Number of elements per sample.
    pub fn numel(&self) -> usize {
        self.0.iter().product()
    }

    /// Rank including the batch axis.
    pub fn rank_with_batch(&self) -> usize {
        self.0.len() + 1
    }

    /// The full shape for a concrete batch size.
    pub fn with_batch(&self, batch: usize) -> Vec<usize> {
        let mut v = Vec::with_capacity(self.0.len() + 1);
        v.push(batch);
        v.extend_from_slice(&self.0);
        v
    }
}

impl fmt::Display for Shape {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[B")?;
        for d in &self.0 {
            write!(f, ", {d}")?;
        }
        write!(f, "]")
    }
}

/// What flows along an edge or into a network input.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum ValueType {
    /// A float tensor `[B, ...]`.
    Tensor(Shape),
    /// Integer class labels, one per sample (`[B]`, u32), with this many classes.
    Class(usize),
}

impl fmt::Display for ValueType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ValueType::Tensor(s) => write!(f, "{s}"),
            ValueType::Class(n) => write!(f, "class({n})"),
        }
    }
}
