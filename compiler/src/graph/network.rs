//! Networks: a DAG of shape-checked nodes.

use super::{Op, ValueType};
use crate::source::Span;
use serde::Serialize;

/// Index of a node within its network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, PartialOrd, Ord)]
pub struct NodeId(pub usize);

/// The role a network plays in the game.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum NetRole {
    /// Maps latents (and conditions) to samples.
    Generator,
    /// Judges samples.
    Discriminator,
    /// Maps samples to latents.
    Encoder,
    /// Any other trainable network (e.g. an auxiliary head).
    Network,
}

/// A named input or output of a network.
#[derive(Debug, Clone, Serialize)]
pub struct Port {
    /// The name in the signature (`out` for an unnamed single output).
    pub name: String,
    /// Declared (and checked) type.
    pub ty: ValueType,
    /// The node that produces it (for inputs: the `Op::Input` node).
    pub node: NodeId,
    /// Where it was declared.
    pub span: Span,
}

/// One operation applied to the outputs of earlier nodes.
#[derive(Debug, Clone, Serialize)]
pub struct Node {
    /// Position in `Network::nodes`, which is a topological order.
    pub id: NodeId,
    /// Stable, readable name used for variables: `h.linear`, `f.conv_1`, `down1.conv`
    /// (block instantiations prefix their binding). Unique within the network.
    pub name: String,
    /// The operation with all arguments resolved.
    pub op: Op,
    /// Operands, in the order the op expects them.
    pub inputs: Vec<NodeId>,
    /// Output type.
    pub ty: ValueType,
    /// Trainable parameters of this node.
    pub params: u64,
    /// Non-trainable state (batch-norm running statistics, spectral-norm vectors).
    pub buffers: u64,
    /// The source of this node (for block bodies: inside the block).
    pub span: Span,
}

/// A checked network: nodes in topological order, inputs first.
#[derive(Debug, Clone, Serialize)]
pub struct Network {
    /// The name in the source (`G`, `D`, ...).
    pub name: String,
    /// Its role.
    pub role: NetRole,
    /// Inputs in signature order.
    pub inputs: Vec<Port>,
    /// Outputs in signature order.
    pub outputs: Vec<Port>,
    /// Named intermediate values other networks or the game may read (`D.f`): every binding
    /// of the body, by name.
    pub features: Vec<(String, NodeId)>,
    /// All nodes, topologically ordered.
    pub nodes: Vec<Node>,
    /// Total trainable parameters.
    pub params: u64,
    /// Total buffers.
    pub buffers: u64,
    /// Where the network is defined.
    pub span: Span,
}

impl Network {
    /// The node with this id.
    pub fn node(&self, id: NodeId) -> &Node {
        &self.nodes[id.0]
    }

    /// Index of the output port with this name.
    pub fn output_index(&self, name: &str) -> Option<usize> {
        self.outputs.iter().position(|p| p.name == name)
    }

    /// The node of a named feature (any binding of the body).
    pub fn feature(&self, name: &str) -> Option<NodeId> {
        self.features
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, id)| *id)
    }
}
