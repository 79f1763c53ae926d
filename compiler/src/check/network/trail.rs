//! Where a size came from: the chain of layers that produced one axis of a value, e.g.
//! `height: 28 (x) -conv k4 s2 p1-> 14 -conv k4 s2 p1-> 7`.

use super::builder::Builder;
use crate::graph::{NodeId, Op, ValueType};

/// Longest trail shown; older steps are elided.
const MAX_STEPS: usize = 12;

/// The sizes of axis `axis` (0 = first non-batch axis) along the first-input chain ending at
/// `node`, keeping only the layers that changed it. None when nothing changed it.
pub fn trail(b: &Builder, node: NodeId, axis: usize) -> Option<String> {
    let rank = rank(b.ty(node))?;
    let mut steps: Vec<(String, usize)> = Vec::new();
    let mut cur = node;
    let mut origin = None;
    // Walk back along first inputs while the rank stays the same (a reshape starts a new story).
    for _ in 0..b.nodes.len() {
        let n = &b.nodes[cur.0];
        let size = size(&n.ty, axis)?;
        match n.inputs.first() {
            Some(&prev) if rank_of(b, prev) == Some(rank) && !matches!(n.op, Op::Input { .. }) => {
                let before = size_of(b, prev, axis)?;
                if before != size {
                    steps.push((describe(&n.op), size));
                }
                cur = prev;
            }
            _ => {
                origin = Some((n.name.clone(), size));
                break;
            }
        }
    }
    let (origin_name, origin_size) = origin?;
    if steps.is_empty() {
        return None;
    }
    steps.reverse();
    let mut text = format!("{origin_size} (`{origin_name}`)");
    let skip = steps.len().saturating_sub(MAX_STEPS);
    if skip > 0 {
        text.push_str(" ...");
    }
    for (what, size) in steps.into_iter().skip(skip) {
        text.push_str(&format!(" -{what}-> {size}"));
    }
    Some(text)
}

fn rank(ty: &ValueType) -> Option<usize> {
    match ty {
        ValueType::Tensor(s) => Some(s.0.len()),
        ValueType::Class(_) => None,
    }
}

fn rank_of(b: &Builder, id: NodeId) -> Option<usize> {
    rank(b.ty(id))
}

fn size(ty: &ValueType, axis: usize) -> Option<usize> {
    match ty {
        ValueType::Tensor(s) => s.0.get(axis).copied(),
        ValueType::Class(_) => None,
    }
}

fn size_of(b: &Builder, id: NodeId, axis: usize) -> Option<usize> {
    size(b.ty(id), axis)
}

/// A short description of an op for the trail.
fn describe(op: &Op) -> String {
    match op {
        Op::Conv {
            kernel,
            stride,
            padding,
            output_padding,
            ..
        } => {
            let mut s = format!(
                "{} k{} s{} p{}",
                op.keyword(),
                kernel.first().copied().unwrap_or(0),
                stride.first().copied().unwrap_or(0),
                padding.first().copied().unwrap_or(0)
            );
            if output_padding.iter().any(|x| *x > 0) {
                s.push_str(&format!(
                    " op{}",
                    output_padding.first().copied().unwrap_or(0)
                ));
            }
            s
        }
        Op::Pool { kernel, stride, .. } => format!("{} k{kernel} s{stride}", op.keyword()),
        Op::Upsample { scale, .. } => format!("upsample x{scale}"),
        Op::Linear { out_features, .. } => format!("linear {out_features}"),
        other => other.keyword().to_string(),
    }
}

/// The name of axis `axis` of a tensor of non-batch rank `rank`.
pub fn axis_name(axis: usize, rank: usize) -> String {
    match (rank, axis) {
        (_, 0) if rank >= 2 => "channels".into(),
        (1, 0) => "features".into(),
        (3, 1) | (4, 2) => "height".into(),
        (3, 2) | (4, 3) => "width".into(),
        (4, 1) => "depth".into(),
        _ => format!("axis {}", axis + 1),
    }
}
