//! Inferring `real: D(x)` and `fake: D(G(z))` when the game does not write them: exactly one
//! discriminator, one generator and one data input. G's inputs are matched to latents and
//! conditions by name, then by type; D's inputs to the data (real) or G's output (fake), then
//! to conditions. Inferred expressions carry the spans of the declarations they came from.

use super::game_expr::check_arg;
use super::inputs::Inputs;
use super::nets::Nets;
use crate::ast::Role;
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{CallOutput, GameExpr, GameExprKind, Network, ValueType};
use crate::source::Span;

/// The inferred `(real, fake)` judge calls; `Ok(None)` when a network involved failed to check.
pub fn infer(
    inputs: &Inputs,
    nets: &Nets,
    span: Span,
) -> Result<Option<(GameExpr, GameExpr)>, Vec<Diagnostic>> {
    let checked = inputs.data.len() + inputs.latents.len() + inputs.conds.len();
    if checked < inputs.declared.len() {
        // An input declaration had errors (already reported); matching without it would
        // only produce follow-on errors.
        return Ok(None);
    }
    let gens = nets.with_role(Role::Generator);
    let discs = nets.with_role(Role::Discriminator);
    if gens.len() != 1 || discs.len() != 1 || inputs.data.len() != 1 {
        let found = format!(
            "found {} generator(s), {} discriminator(s) and {} data input(s)",
            gens.len(),
            discs.len(),
            inputs.data.len()
        );
        return Err(vec![cannot_infer(
            span,
            &found,
            "write `real: D(x)` and `fake: D(G(z))` in the game",
        )]);
    }
    let (Some(g), Some(d)) = (nets.get(gens[0]), nets.get(discs[0])) else {
        return Ok(None);
    };
    let data = &inputs.data[0];
    let mut diags = Vec::new();

    let mut g_args = Vec::new();
    let mut used: Vec<&str> = Vec::new();
    for port in &g.inputs {
        match pick_source(inputs, &port.name, &port.ty, &used) {
            Some((name, kind, ty, s)) => {
                used.push(name);
                g_args.push(GameExpr { kind, ty, span: s });
            }
            None => diags.push(cannot_infer(
                port.span,
                &format!(
                    "no latent or condition fits `{}`'s input `{}: {}`",
                    g.name, port.name, port.ty
                ),
                &format!(
                    "declare e.g. `latent {}: {} ~ normal(0, 1)`, or write `fake:` yourself",
                    port.name, port.ty
                ),
            )),
        }
    }
    for (i, a) in g_args.iter().enumerate() {
        if let Some(diag) = check_arg(g, i, a, inputs) {
            diags.push(diag);
        }
    }
    let Some(adv) = adv_output(d) else {
        let names: Vec<&str> = d.outputs.iter().map(|p| p.name.as_str()).collect();
        diags.push(
            Diagnostic::error(
                codes::GAME_AMBIGUOUS_OUTPUT,
                d.span,
                format!("`{}` has several outputs and none is called `adv`", d.name),
            )
            .with_primary_text(format!("outputs: {}", names.join(", ")))
            .with_help(format!(
                "write `real: {0}(...).{1}` and `fake: {0}(...).{1}` with the adversarial output",
                d.name,
                names.first().copied().unwrap_or("adv")
            )),
        );
        return Err(diags);
    };
    let fake_g = GameExpr {
        kind: GameExprKind::Call {
            network: g.name.clone(),
            args: g_args,
            output: CallOutput::Port(0),
        },
        ty: g
            .outputs
            .first()
            .map_or(ValueType::Class(0), |p| p.ty.clone()),
        span: g.outputs.first().map_or(g.span, |p| p.span),
    };
    if g.outputs.len() != 1 {
        diags.push(cannot_infer(
            g.span,
            &format!("`{}` has several outputs", g.name),
            "write `fake: D(G(z).out)` naming the sample output",
        ));
        return Err(diags);
    }
    let sample_ty = ValueType::Tensor(data.shape.clone());
    let tensor_ports = d
        .inputs
        .iter()
        .filter(|p| matches!(p.ty, ValueType::Tensor(_)))
        .count();
    let (mut real_args, mut fake_args) = (Vec::new(), Vec::new());
    let mut sample_port_done = false;
    let mut used: Vec<&str> = Vec::new();
    for port in &d.inputs {
        let is_sample_port = !sample_port_done
            && matches!(port.ty, ValueType::Tensor(_))
            && (port.ty == sample_ty || tensor_ports == 1);
        if is_sample_port {
            sample_port_done = true;
            real_args.push(GameExpr {
                kind: GameExprKind::Data(data.name.clone()),
                ty: sample_ty.clone(),
                span: data.span,
            });
            fake_args.push(fake_g.clone());
            continue;
        }
        match pick_source(inputs, &port.name, &port.ty, &used) {
            Some((name, kind, ty, s)) if !matches!(kind, GameExprKind::Data(_)) => {
                used.push(name);
                let e = GameExpr { kind, ty, span: s };
                real_args.push(e.clone());
                fake_args.push(e);
            }
            _ => diags.push(cannot_infer(
                port.span,
                &format!(
                    "nothing fits `{}`'s input `{}: {}`",
                    d.name, port.name, port.ty
                ),
                "write `real:` and `fake:` yourself",
            )),
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    for args in [&real_args, &fake_args] {
        for (i, a) in args.iter().enumerate() {
            if let Some(diag) = check_arg(d, i, a, inputs) {
                if !diags.iter().any(|x: &Diagnostic| x.message == diag.message) {
                    diags.push(diag);
                }
            }
        }
    }
    if !diags.is_empty() {
        return Err(diags);
    }
    let call = |args| GameExpr {
        kind: GameExprKind::Call {
            network: d.name.clone(),
            args,
            output: CallOutput::Port(adv),
        },
        ty: d.outputs[adv].ty.clone(),
        span,
    };
    Ok(Some((call(real_args), call(fake_args))))
}

/// The adversarial output of a judge: its only output, or the one called `adv`.
pub fn adv_output(d: &Network) -> Option<usize> {
    if d.outputs.len() == 1 {
        Some(0)
    } else {
        d.output_index("adv")
    }
}

/// A latent or condition for an input called `name` of type `ty`: same name first, then the
/// only unused input of that type.
fn pick_source<'a>(
    inputs: &'a Inputs,
    name: &str,
    ty: &ValueType,
    used: &[&str],
) -> Option<(&'a str, GameExprKind, ValueType, Span)> {
    let mut cands: Vec<(&str, GameExprKind, ValueType, Span)> = Vec::new();
    for l in &inputs.latents {
        cands.push((
            &l.name,
            GameExprKind::Latent(l.name.clone()),
            l.ty.clone(),
            l.span,
        ));
    }
    for c in &inputs.conds {
        cands.push((
            &c.name,
            GameExprKind::Cond(c.name.clone()),
            c.ty.clone(),
            c.span,
        ));
    }
    if let Some(i) = cands.iter().position(|c| c.0 == name) {
        return Some(cands.swap_remove(i));
    }
    let mut typed: Vec<_> = cands
        .into_iter()
        .filter(|c| &c.2 == ty && !used.contains(&c.0))
        .collect();
    (typed.len() == 1).then(|| typed.remove(0))
}

fn cannot_infer(span: Span, why: &str, help: &str) -> Diagnostic {
    Diagnostic::error(
        codes::GAME_CANNOT_INFER,
        span,
        format!("cannot infer the game's `real` and `fake`: {why}"),
    )
    .with_primary_text("write them in the game")
    .with_help(help.to_string())
}
