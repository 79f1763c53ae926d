//! Checks of the judge network against the game: the adversarial output's shape, a sigmoid
//! before a loss that applies its own (or none), batch norm under a gradient penalty, and
//! weight clipping outside WGAN.

use super::section::Settings;
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{Activation, AdvLoss, Network, Node, Op, Shape, ValueType};
use crate::source::Span;

/// Checks the judge's adversarial output `out` for the game's `loss`.
pub fn check_judge(
    net: &Network,
    out: usize,
    loss: AdvLoss,
    loss_span: Span,
    patch: bool,
    penalty: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let Some(port) = net.outputs.get(out) else {
        return;
    };
    check_adv_shape(net, out, loss, patch, diags);
    if let Some(sig) = final_sigmoid(net, port.node) {
        match loss {
            AdvLoss::Wasserstein | AdvLoss::Hinge => {
                let which = if loss == AdvLoss::Wasserstein {
                    "wasserstein"
                } else {
                    "hinge"
                };
                diags.push(
                    Diagnostic::error(
                        codes::GAME_SIGMOID_CRITIC,
                        sig.span,
                        format!("the {which} critic `{}` ends in a sigmoid", net.name),
                    )
                    .with_primary_text("squashes the critic's score into (0, 1)")
                    .with_label(loss_span, format!("loss: {which} needs an unbounded score"))
                    .with_help(format!("remove `-> sigmoid` at the end of `{}`: the critic's output is used as it is", net.name)),
                );
            }
            AdvLoss::Minimax | AdvLoss::NonSaturating => diags.push(
                Diagnostic::warning(
                    codes::GAME_DOUBLE_SIGMOID,
                    sig.span,
                    format!(
                        "`{}` ends in a sigmoid, but the loss already applies one to its logits",
                        net.name
                    ),
                )
                .with_primary_text("sigmoid applied twice")
                .with_label(loss_span, "this loss reads logits")
                .with_help(format!(
                    "remove `-> sigmoid` at the end of `{}`; the loss computes log-sigmoid stably",
                    net.name
                )),
            ),
            _ => {}
        }
    }
    if penalty {
        let bns: Vec<&Node> = net
            .nodes
            .iter()
            .filter(|n| matches!(n.op, Op::BatchNorm { .. }))
            .collect();
        if let Some(first) = bns.first() {
            let mut d = Diagnostic::warning(
                codes::GAME_BATCHNORM_PENALTY,
                first.span,
                format!("the gradient-penalty critic `{}` uses batch normalisation", net.name),
            )
            .with_primary_text("couples the samples of a batch")
            .with_help("the penalty is per sample (Gulrajani et al. 2017): use `layernorm` or `instancenorm` instead");
            if bns.len() > 1 {
                d = d.with_note(format!("`{}` has {} batchnorm layers", net.name, bns.len()));
            }
            diags.push(d);
        }
    }
}

fn check_adv_shape(
    net: &Network,
    out: usize,
    loss: AdvLoss,
    patch: bool,
    diags: &mut Vec<Diagnostic>,
) {
    let port = &net.outputs[out];
    let ValueType::Tensor(Shape(dims)) = &port.ty else {
        diags.push(
            Diagnostic::error(
                codes::GAME_ADV_OUTPUT,
                port.span,
                format!("the judge `{}` outputs class labels", net.name),
            )
            .with_primary_text(format!("{}", port.ty))
            .with_help("the judge's score is a tensor [B, 1]"),
        );
        return;
    };
    let per_sample = dims.is_empty() || dims.as_slice() == [1];
    let patch_map = patch && dims.len() >= 2 && dims[0] == 1;
    // EBGAN's discriminator is an autoencoder: its energy is the reconstruction error.
    let reconstruction = matches!(loss, AdvLoss::Energy { .. })
        && net.inputs.first().is_some_and(|i| i.ty == port.ty);
    if per_sample || patch_map || reconstruction {
        return;
    }
    let producer = net.node(port.node);
    let help = if dims.len() >= 2 && dims[0] == 1 && !patch {
        format!("end `{}` with `-> flatten -> linear(1)` for one score per sample, or declare `patch: true` in the game for a PatchGAN judge", net.name)
    } else {
        format!(
            "end `{}` with `-> flatten -> linear(1)` to give one score per sample",
            net.name
        )
    };
    diags.push(
        Diagnostic::error(
            codes::GAME_ADV_OUTPUT,
            port.span,
            format!(
                "the judge `{}` must give one score per sample, but its output is {}",
                net.name, port.ty
            ),
        )
        .with_primary_text(format!("{} instead of [B, 1]", port.ty))
        .with_label(
            producer.span,
            format!("`{}` produces {}", producer.op.keyword(), producer.ty),
        )
        .with_help(help),
    );
}

/// The sigmoid node that the value of `id` comes out of, looking through shape-only layers.
fn final_sigmoid(net: &Network, id: crate::graph::NodeId) -> Option<&Node> {
    let mut node = net.node(id);
    loop {
        match node.op {
            Op::Act(Activation::Sigmoid) => return Some(node),
            Op::Reshape { .. } | Op::Flatten | Op::Dropout { .. } => {
                node = net.node(*node.inputs.first()?);
            }
            _ => return None,
        }
    }
}

/// Weight clipping belongs to WGAN; elsewhere it is most likely a mistake.
pub fn check_clip(
    clip: &[(String, f64)],
    loss: AdvLoss,
    s: &Settings,
    diags: &mut Vec<Diagnostic>,
) {
    if loss == AdvLoss::Wasserstein {
        return;
    }
    for e in s.all("constrain") {
        if e.subject
            .as_ref()
            .is_some_and(|n| clip.iter().any(|(c, _)| *c == n.name))
        {
            diags.push(
                Diagnostic::warning(codes::GAME_CLIP_WITHOUT_WASSERSTEIN, e.span, "weight clipping without `loss: wasserstein`")
                    .with_primary_text("clips the weights")
                    .with_help("clipping enforces the Lipschitz bound of a WGAN critic (Arjovsky et al. 2017): use `loss: wasserstein`, or remove the constraint"),
            );
        }
    }
}
