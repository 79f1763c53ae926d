//! Accumulates the nodes of one network: unique readable names, totals, the node budget.

use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{Node, NodeId, Op, ValueType};
use crate::source::Span;
use std::collections::{HashMap, HashSet};

/// Most nodes one network may expand to (repeats and blocks included); beyond this the spec
/// is almost certainly a mistake, and the bound keeps checking fast.
pub const MAX_NODES: usize = 100_000;

/// The nodes of a network under construction.
#[derive(Debug, Default)]
pub struct Builder {
    /// Nodes in topological order.
    pub nodes: Vec<Node>,
    names: HashSet<String>,
    /// Next suffix to try per base name, so repeated names cost O(1) rather than a scan.
    next_suffix: HashMap<String, usize>,
    /// Set once the node budget is exhausted (reported once).
    pub exhausted: bool,
}

impl Builder {
    /// Adds a node named `base` (suffixed `_1`, `_2`, ... when taken) and returns its id, or
    /// None when the node budget is exhausted.
    #[allow(clippy::too_many_arguments)]
    pub fn add(
        &mut self,
        base: &str,
        op: Op,
        inputs: Vec<NodeId>,
        ty: ValueType,
        params: u64,
        buffers: u64,
        span: Span,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<NodeId> {
        if self.nodes.len() >= MAX_NODES {
            if !self.exhausted {
                self.exhausted = true;
                diags.push(
                    Diagnostic::error(
                        codes::GRAPH_TOO_LARGE,
                        span,
                        format!("the network expands to more than {MAX_NODES} nodes"),
                    )
                    .with_primary_text("expansion stopped here")
                    .with_help("reduce `repeat` counts or nesting of blocks"),
                );
            }
            return None;
        }
        let mut name = base.to_string();
        if self.names.contains(&name) {
            let k = self.next_suffix.entry(base.to_string()).or_insert(1);
            loop {
                name = format!("{base}_{k}");
                *k += 1;
                if !self.names.contains(&name) {
                    break;
                }
            }
        }
        self.names.insert(name.clone());
        let id = NodeId(self.nodes.len());
        self.nodes.push(Node {
            id,
            name,
            op,
            inputs,
            ty,
            params,
            buffers,
            span,
        });
        Some(id)
    }

    /// The type of a node.
    pub fn ty(&self, id: NodeId) -> &ValueType {
        &self.nodes[id.0].ty
    }
}
