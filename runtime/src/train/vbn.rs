//! The reference batch of virtual batch normalisation (Salimans et al. 2016, section 3.4).
//!
//! The paper normalises every example with the statistics of a reference batch "chosen once and
//! fixed at the start of training". The batch is fixed; its statistics are not: they are those
//! of the reference examples under the network's current parameters. So the inputs are drawn
//! once ([`reference_draw`]) and the statistics are recomputed whenever a network with a
//! `virtual_batchnorm` layer has changed ([`refresh`]), then kept in [`NetState::vbn`] for the
//! next forward passes (training and sampling) and saved in checkpoints.
//!
//! [`NetState::vbn`]: super::session::NetState

use super::eval::{Draw, Evaluator};
use super::feed::{add_conditions, draw_latents, Feeder};
use super::session::Session;
use crate::error::RunError;
use crate::model::{vbn_reference, VbnReference};
use crate::rng::RunRng;
use candle_core::{DType, Device, Tensor};
use ganc_compiler::graph::{GameExpr, GameExprKind, Op};
use std::collections::{BTreeSet, HashMap};

/// Mixed into the run seed for the reference latents, so that the reference batch does not
/// consume (or depend on) the training stream.
const REFERENCE_SALT: u64 = 0x7662_6e5f_7265_6631;
/// Mixed into the run seed for dropout inside the reference passes.
const PASS_SALT: u64 = 0x7662_6e5f_7061_7373;

/// Whether `network` of the session has a virtual-batch-norm layer.
pub fn has_vbn(session: &Session, network: &str) -> bool {
    session.nets.get(network).is_some_and(|s| {
        s.net
            .nodes
            .iter()
            .any(|n| matches!(n.op, Op::VirtualBatchNorm { .. }))
    })
}

/// The fixed inputs of the reference batch: latents drawn from the run seed with a dedicated
/// salt, the first `batch` examples of every data input (with their labels and conditions).
/// The same run seed and data always give the same batch, so a resumed run recomputes it.
pub fn reference_draw(session: &mut Session, feeder: &Feeder) -> Result<Draw, RunError> {
    let batch = session.program.train.batch;
    let mut draw = Draw::default();
    for input in &session.program.data {
        let Some(dataset) = feeder.dataset(&input.name) else {
            continue;
        };
        let indices: Vec<usize> = (0..batch.min(dataset.len())).collect();
        let b = dataset.batch(&indices, &session.device)?;
        if let Some(labels) = b.labels {
            draw.values.insert(format!("{}.label", input.name), labels);
        }
        draw.values.insert(input.name.clone(), b.samples);
    }
    let salted = RunRng::from_seed(session.program.train.seed ^ REFERENCE_SALT);
    let training = std::mem::replace(&mut session.rng, salted);
    let drawn = draw_latents(session, batch, &mut draw);
    session.rng = training;
    drawn?;
    add_conditions(&session.program, &mut draw)?;
    Ok(draw)
}

/// Every network call of `expr`, callees before callers.
fn calls_post_order<'e>(expr: &'e GameExpr, out: &mut Vec<(&'e str, &'e [GameExpr])>) {
    match &expr.kind {
        GameExprKind::Call { network, args, .. } => {
            for a in args {
                calls_post_order(a, out);
            }
            out.push((network, args));
        }
        GameExprKind::Loss { args, .. } => args.iter().for_each(|a| calls_post_order(a, out)),
        GameExprKind::Binary(_, a, b) => {
            calls_post_order(a, out);
            calls_post_order(b, out);
        }
        GameExprKind::Neg(a) => calls_post_order(a, out),
        _ => {}
    }
}

/// Recomputes the reference statistics of every network with a virtual batch norm for which
/// `changed` holds, on the inputs its first call in the game (`real`, then `fake`, then the
/// terms) receives under `reference`. Networks are visited callees first, so a judge whose
/// reference inputs are generated sees its generator's fresh statistics. The statistics are
/// constants for the gradient (see docs/models/tricks.md).
pub fn refresh(
    session: &mut Session,
    reference: &Draw,
    changed: impl Fn(&str) -> bool,
) -> Result<(), RunError> {
    let game = session.program.game.clone();
    let mut calls = Vec::new();
    calls_post_order(&game.real, &mut calls);
    calls_post_order(&game.fake, &mut calls);
    for term in &game.terms {
        calls_post_order(&term.expr, &mut calls);
    }
    let mut done = BTreeSet::new();
    for (network, args) in calls {
        if !done.insert(network) || !changed(network) || !has_vbn(session, network) {
            continue;
        }
        let nothing_trained = BTreeSet::new();
        let inputs: Vec<_> = Evaluator::new(session, reference, &nothing_trained, 0.0)
            .eval_args(args)?
            .into_iter()
            .map(|v| v.tensor.detach())
            .collect();
        let mut pass_rng = RunRng::from_seed(session.program.train.seed ^ PASS_SALT);
        let state = session
            .nets
            .get_mut(network)
            .ok_or_else(|| RunError::Invalid(format!("no network `{network}`")))?;
        state.vbn = Some(vbn_reference(
            &state.net,
            &state.params,
            &inputs,
            &mut pass_rng,
        )?);
    }
    for network in session.nets.keys() {
        if has_vbn(session, network) && changed(network) && !done.contains(network.as_str()) {
            return Err(RunError::Invalid(format!(
                "`{network}` has a virtual batch norm but the game never calls it, so it has no reference batch"
            )));
        }
    }
    Ok(())
}

/// Draws the reference batch on first use (a new or resumed run: everything is then computed
/// afresh from the current parameters), then recomputes the statistics of the networks for
/// which `changed` holds. Does nothing for a spec without virtual batch norm.
pub fn update(
    session: &mut Session,
    feeder: &Feeder,
    changed: impl Fn(&str) -> bool,
) -> Result<(), RunError> {
    if !session.nets.keys().any(|n| has_vbn(session, n)) {
        return Ok(());
    }
    let (batch, fresh) = match session.vbn_batch.take() {
        Some(b) => (b, false),
        None => (reference_draw(session, feeder)?, true),
    };
    let result = refresh(session, &batch, |n| fresh || changed(n));
    session.vbn_batch = Some(batch);
    result
}

/// The reference statistics as checkpoint tensors: `vbn.<net>.<node>.{mean,var,size}`.
pub fn state_tensors(session: &Session) -> Vec<(String, Tensor)> {
    let mut out = Vec::new();
    for (net, state) in &session.nets {
        for (node, (mean, var, size)) in state.vbn.iter().flatten() {
            let key = format!("vbn.{net}.{node}");
            out.push((format!("{key}.mean"), mean.clone()));
            out.push((format!("{key}.var"), var.clone()));
            if let Ok(t) = Tensor::new(*size as i64, &Device::Cpu) {
                out.push((format!("{key}.size"), t));
            }
        }
    }
    out
}

/// Restores what [`state_tensors`] saved (for sampling from a checkpoint). A checkpoint
/// without them leaves the statistics unset.
pub fn load_state(session: &mut Session, named: &HashMap<String, Tensor>) -> Result<(), RunError> {
    let device = session.device.clone();
    for (net, state) in session.nets.iter_mut() {
        let mut refs = VbnReference::new();
        for node in &state.net.nodes {
            if !matches!(node.op, Op::VirtualBatchNorm { .. }) {
                continue;
            }
            let key = format!("vbn.{net}.{}", node.name);
            let (Some(mean), Some(var), Some(size)) = (
                named.get(&format!("{key}.mean")),
                named.get(&format!("{key}.var")),
                named.get(&format!("{key}.size")),
            ) else {
                continue;
            };
            let size = size.to_dtype(DType::I64)?.to_scalar::<i64>()?;
            let size = usize::try_from(size).map_err(|_| {
                RunError::Resume(format!("`{key}.size` is {size}, not a batch size"))
            })?;
            refs.insert(
                node.name.clone(),
                (mean.to_device(&device)?, var.to_device(&device)?, size),
            );
        }
        if !refs.is_empty() {
            state.vbn = Some(refs);
        }
    }
    Ok(())
}
