//! One judge update and one players' update.
//!
//! The judge step trains only the judge: generated samples enter it detached. The players'
//! step trains every other network with an optimizer; the judge's variables receive gradients
//! there (they lie on the path to the players) but no optimizer of theirs steps.

use super::eval::{CallCache, Draw, Evaluator, Value};
use super::session::Session;
use crate::error::RunError;
use crate::game::adversarial::{judge_loss, judge_loss_on_real, player_loss, player_loss_on_real};
use crate::game::energy;
use candle_core::{DType, Tensor, Var};
use ganc_compiler::graph::{AdvLoss, GameExpr, GameExprKind, Term};
use std::collections::{BTreeSet, HashMap};

/// Named scalar results of a step, for metrics.
pub type Report = Vec<(String, f64)>;

/// Judge inputs and outputs of one evaluation of the adversarial game.
struct Sides {
    real_args: Vec<Value>,
    fake_args: Vec<Value>,
    real_out: Tensor,
    fake_out: Tensor,
}

fn call_parts(expr: &GameExpr) -> Result<(&str, &[GameExpr], usize), RunError> {
    match &expr.kind {
        GameExprKind::Call {
            network,
            args,
            output: ganc_compiler::graph::CallOutput::Port(i),
        } => Ok((network, args, *i)),
        _ => Err(RunError::Invalid(
            "the game's real/fake sides must call the judge".into(),
        )),
    }
}

fn evaluate_sides(
    ev: &mut Evaluator<'_>,
    real: &GameExpr,
    fake: &GameExpr,
) -> Result<Sides, RunError> {
    let (judge, real_args_e, out) = call_parts(real)?;
    let (_, fake_args_e, _) = call_parts(fake)?;
    let real_args = ev.eval_args(real_args_e)?;
    let fake_args = ev.eval_args(fake_args_e)?;
    let out_node = ev.session().net(judge)?.net.outputs[out].node.0;
    // Through the call cache: a term reading the same judge call (InfoGAN's Q heads on
    // `D(G(z, c))`) reuses this forward pass instead of running the judge again.
    let (rv, _) = ev.call_expr(real)?;
    let (fv, _) = ev.call_expr(fake)?;
    let real_out = judge_score(ev, judge, out, rv[out_node].clone(), &real_args)?;
    let fake_out = judge_score(ev, judge, out, fv[out_node].clone(), &fake_args)?;
    Ok(Sides {
        real_args,
        fake_args,
        real_out,
        fake_out,
    })
}

/// The judge's adversarial value from its raw output: EBGAN's energy when the output is a
/// reconstruction of the first input, else the output itself.
fn judge_score(
    ev: &mut Evaluator<'_>,
    judge: &str,
    out: usize,
    raw: Tensor,
    args: &[Value],
) -> Result<Tensor, RunError> {
    let loss = ev.session().program.game.loss;
    match args.first() {
        Some(input) if energy::is_reconstruction(loss, &ev.session().net(judge)?.net, out) => {
            Ok(energy::reconstruction_energy(&raw, &input.tensor)?)
        }
        _ => Ok(raw),
    }
}

/// [`judge_score`] of a judge call expression evaluated to `raw` (its arguments are cached).
fn score_of_call(ev: &mut Evaluator<'_>, call: &GameExpr, raw: Tensor) -> Result<Tensor, RunError> {
    let (judge, args_e, out) = call_parts(call)?;
    let args = ev.eval_args(args_e)?;
    judge_score(ev, judge, out, raw, &args)
}

/// The judge's score in a readable scale: the probability for logit losses, raw otherwise.
fn score(loss: AdvLoss, out: &Tensor) -> Result<f64, RunError> {
    let t = match loss {
        AdvLoss::Minimax | AdvLoss::NonSaturating => crate::layers::sigmoid(out)?,
        _ => out.clone(),
    };
    Ok(t.mean_all()?.to_dtype(DType::F64)?.to_scalar::<f64>()?)
}

fn scalar(t: &Tensor) -> Result<f64, RunError> {
    Ok(t.to_dtype(DType::F64)?.to_scalar::<f64>()?)
}

/// Gradient penalty (Gulrajani et al. 2017): per-sample interpolates of the judge inputs that
/// differ between the real and fake side, one mixing coefficient per example; the norm runs
/// over all non-batch axes of all interpolated inputs together. Returns (penalty, mean norm).
fn gradient_penalty(
    ev: &mut Evaluator<'_>,
    judge: &str,
    out: usize,
    sides: &Sides,
    real_e: &[GameExpr],
    fake_e: &[GameExpr],
    target: f64,
) -> Result<(Tensor, f64), RunError> {
    let batch = sides.real_out.dim(0)?;
    let device = sides.real_out.device().clone();
    let eps = ev
        .session()
        .rng
        .uniform(&[batch], 0.0, 1.0, DType::F32, &device)?;
    let mut args = Vec::new();
    let mut probes: Vec<Var> = Vec::new();
    for (i, (r, f)) in sides.real_args.iter().zip(&sides.fake_args).enumerate() {
        let differs = format!("{:?}", real_e[i].kind) != format!("{:?}", fake_e[i].kind);
        if differs && r.tensor.dtype() == DType::F32 {
            let mut shape = vec![batch];
            shape.extend(std::iter::repeat_n(1, r.tensor.rank() - 1));
            let e = eps.reshape(shape)?;
            let mixed = (r.tensor.detach().broadcast_mul(&e)?
                + f.tensor.detach().broadcast_mul(&(1.0 - &e)?)?)?;
            let var = Var::from_tensor(&mixed)?;
            args.push(Value {
                tensor: var.as_tensor().clone(),
                live: true,
            });
            probes.push(var);
        } else {
            args.push(r.clone());
        }
    }
    let out_node = ev.session().net(judge)?.net.outputs[out].node.0;
    let (values, _) = ev.call_values(judge, args.clone())?;
    let scores = judge_score(ev, judge, out, values[out_node].clone(), &args)?;
    let grads = scores.sum_all()?.backward()?;
    let mut sq = Tensor::zeros(batch, DType::F32, &device)?;
    for var in &probes {
        let g = grads.get(var.as_tensor()).ok_or_else(|| {
            RunError::Invalid("the judge does not depend on its interpolated input".into())
        })?;
        sq = (sq + g.sqr()?.flatten_from(1)?.sum(1)?)?;
    }
    // The small constant keeps the norm differentiable where a gradient is exactly zero.
    let norm = (sq + 1e-12)?.sqrt()?;
    let mean_norm = scalar(&norm.mean_all()?)?;
    Ok(((norm - target)?.sqr()?.mean_all()?, mean_norm))
}

/// Sum of the extra terms that train any of `nets`, each reported by name.
fn terms_for(
    ev: &mut Evaluator<'_>,
    terms: &[Term],
    nets: &BTreeSet<String>,
    judge: &str,
    report: &mut Report,
) -> Result<Option<Tensor>, RunError> {
    let mut total: Option<Tensor> = None;
    for term in terms
        .iter()
        .filter(|t| t.trains.iter().any(|n| nets.contains(n)))
    {
        let v = ev.eval(&term.expr)?.tensor;
        // A term that trains both sides is evaluated in both steps; the players' value gets a
        // `g_` prefix so that metrics.jsonl keeps both.
        let trains_judge = term.trains.iter().any(|n| *n == judge);
        let name = if trains_judge && !nets.contains(judge) {
            format!("g_{}", term.name)
        } else {
            term.name.clone()
        };
        report.push((name, scalar(&v)?));
        total = Some(match total {
            Some(acc) => (acc + v)?,
            None => v,
        });
    }
    Ok(total)
}

/// Historical averaging (Salimans et al. 2016): `weight * sum ||theta - mean of past thetas||^2`.
fn historical_penalty(
    session: &Session,
    net: &str,
    weight: f64,
) -> Result<Option<Tensor>, RunError> {
    let mut total: Option<Tensor> = None;
    for (name, var) in &session.net(net)?.params.trainable {
        if let Some(avg) = session.hist.get(name) {
            let d = (var.as_tensor() - avg)?.sqr()?.sum_all()?;
            total = Some(match total {
                Some(acc) => (acc + d)?,
                None => d,
            });
        }
    }
    Ok(match total {
        Some(t) => Some((t * weight)?),
        None => None,
    })
}

/// Folds the current parameters of `net` into their running averages.
fn update_history(session: &mut Session, net: &str) -> Result<(), RunError> {
    let t = (session.step + 1) as f64;
    let vars = session.net(net)?.params.trainable.clone();
    for (name, var) in vars {
        let current = var.as_tensor().detach();
        let next = match session.hist.get(&name) {
            Some(avg) => (avg + ((current - avg)? / t)?)?,
            None => current,
        };
        session.hist.insert(name, next);
    }
    Ok(())
}

fn ensure_finite(what: &str, value: f64, step: u64) -> Result<(), RunError> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(RunError::NonFinite {
            what: what.into(),
            value: value as f32,
            step,
            kept: Default::default(),
        })
    }
}

/// One update of the judge. Calls of the networks in `keep` are computed once with their graph
/// and returned for a following [`players_step`] on the same draw.
pub fn judge_step(
    session: &mut Session,
    draw: &Draw,
    noise_std: f64,
    keep: BTreeSet<String>,
) -> Result<(Report, CallCache), RunError> {
    let game = session.program.game.clone();
    let trained: BTreeSet<String> = [game.judge.clone()].into_iter().collect();
    let step = session.step;
    let mut report = Report::new();
    let (loss, kept) = {
        let mut ev = Evaluator::new(session, draw, &trained, noise_std).keeping(keep);
        let sides = evaluate_sides(&mut ev, &game.real, &game.fake)?;
        let target = game.smooth_real.unwrap_or(1.0);
        let mut loss = judge_loss(game.loss, &sides.real_out, &sides.fake_out, target)?;
        report.push(("d_adv".into(), scalar(&loss)?));
        report.push(("d_real".into(), score(game.loss, &sides.real_out)?));
        report.push(("d_fake".into(), score(game.loss, &sides.fake_out)?));
        if let Some(gp) = game.gradient_penalty {
            let (_, real_e, out) = call_parts(&game.real)?;
            let (_, fake_e, _) = call_parts(&game.fake)?;
            let (pen, norm) =
                gradient_penalty(&mut ev, &game.judge, out, &sides, real_e, fake_e, gp.target)?;
            report.push(("gp".into(), scalar(&pen)?));
            report.push(("grad_norm".into(), norm));
            loss = (loss + (pen * gp.weight)?)?;
        }
        if let Some(t) = terms_for(&mut ev, &game.terms, &trained, &game.judge, &mut report)? {
            loss = (loss + t)?;
        }
        (loss, ev.into_kept())
    };
    let mut loss = loss;
    if let Some(w) = game.historical_average {
        if let Some(h) = historical_penalty(session, &game.judge, w)? {
            loss = (loss + h)?;
        }
    }
    let value = scalar(&loss)?;
    ensure_finite("the judge's loss", value, step)?;
    report.insert(0, ("d_loss".into(), value));
    let grads = loss.backward()?;
    if let Some(opt) = session.optims.get_mut(&game.judge) {
        opt.step(&grads)?;
    }
    for (net, bound) in &game.clip {
        for (_, var) in &session.net(net)?.params.trainable {
            var.set(&var.as_tensor().clamp(-bound, *bound)?)?;
        }
    }
    if game.historical_average.is_some() {
        update_history(session, &game.judge)?;
    }
    Ok((report, kept))
}

/// The unrolled GAN's look-ahead judge (Metz et al. 2017).
struct Lookahead {
    /// The judge's variables after `k` differentiable updates, as tensors whose graphs reach
    /// the players' parameters.
    params: HashMap<String, Tensor>,
    /// The real-data half of the surrogate `f(theta_G, theta_D^K)` as a loss of the players:
    /// minus the judge's real-data loss at the look-ahead. It depends on the players only
    /// through `theta_D^K`. `None` when the real side already calls a player (BiGAN's
    /// encoder), whose own real-side loss then stands for it.
    real_term: Option<Tensor>,
}

/// The judge after `k` differentiable updates by its own optimizer on its loss, starting from
/// that optimizer's state (Metz et al. 2017). A judge without an optimizer is not trained, so
/// it does not move.
fn unrolled_judge(
    session: &mut Session,
    draw: &Draw,
    players: &BTreeSet<String>,
    k: usize,
) -> Result<Lookahead, RunError> {
    let game = session.program.game.clone();
    let Some(mut rehearsal) = session.optims.get(&game.judge).map(|o| o.lookahead()) else {
        return Ok(Lookahead {
            params: HashMap::new(),
            real_term: None,
        });
    };
    // The look-ahead judge is trained: its outputs on real data must stay on the graph, or
    // its inner updates would see only the fake half of its loss.
    let mut live: BTreeSet<String> = players.clone();
    live.insert(game.judge.clone());
    let mut current: HashMap<String, Tensor> = session
        .net(&game.judge)?
        .params
        .trainable
        .iter()
        .map(|(n, v)| (n.clone(), v.as_tensor().detach()))
        .collect();
    for _ in 0..k {
        // A zero-valued probe variable per parameter lets backward() report dL/dp while the
        // parameter itself stays a graph node that depends on the players.
        let mut probes = HashMap::new();
        let mut shifted = HashMap::new();
        for (name, t) in &current {
            let probe = Var::zeros(t.dims(), t.dtype(), t.device())?;
            shifted.insert(name.clone(), (t + probe.as_tensor())?);
            probes.insert(name.clone(), probe);
        }
        let loss = {
            let mut ev = Evaluator::new(session, draw, &live, 0.0).with_overrides(&shifted);
            let sides = evaluate_sides(&mut ev, &game.real, &game.fake)?;
            judge_loss(
                game.loss,
                &sides.real_out,
                &sides.fake_out,
                game.smooth_real.unwrap_or(1.0),
            )?
        };
        let grads = loss.backward()?;
        let mut next = HashMap::new();
        for (name, p) in shifted {
            let next_p = match grads.get(probes[&name].as_tensor()) {
                Some(g) => rehearsal.update(&name, &p, g)?,
                None => p,
            };
            next.insert(name, next_p);
        }
        current = next;
    }
    let real_term = if calls_any(&game.real, players) {
        None
    } else {
        let mut ev = Evaluator::new(session, draw, &live, 0.0).with_overrides(&current);
        let real = ev.eval(&game.real)?.tensor;
        let real = score_of_call(&mut ev, &game.real, real)?;
        let target = game.smooth_real.unwrap_or(1.0);
        Some(judge_loss_on_real(game.loss, &real, target)?.neg()?)
    };
    Ok(Lookahead {
        params: current,
        real_term,
    })
}

/// The networks trained by [`players_step`]: every network with an optimizer but the judge.
pub fn player_networks(session: &Session) -> BTreeSet<String> {
    let judge = &session.program.game.judge;
    session
        .optims
        .keys()
        .filter(|n| *n != judge)
        .cloned()
        .collect()
}

/// Whether `expr` calls any of `nets` (then the players' step must evaluate it).
fn calls_any(expr: &GameExpr, nets: &BTreeSet<String>) -> bool {
    match &expr.kind {
        GameExprKind::Call { network, args, .. } => {
            nets.contains(network) || args.iter().any(|a| calls_any(a, nets))
        }
        GameExprKind::Loss { args, .. } => args.iter().any(|a| calls_any(a, nets)),
        GameExprKind::Binary(_, a, b) => calls_any(a, nets) || calls_any(b, nets),
        GameExprKind::Neg(a) => calls_any(a, nets),
        _ => false,
    }
}

/// One update of every network except the judge. `cache` holds live calls computed by the
/// judge step on the same draw.
pub fn players_step(
    session: &mut Session,
    draw: &Draw,
    noise_std: f64,
    cache: CallCache,
) -> Result<Report, RunError> {
    let game = session.program.game.clone();
    let trained = player_networks(session);
    let step = session.step;
    let mut report = Report::new();
    let lookahead = match game.unroll {
        Some(k) if k > 0 => Some(unrolled_judge(session, draw, &trained, k)?),
        _ => None,
    };
    let mut loss = {
        let mut ev = Evaluator::new(session, draw, &trained, noise_std).with_cache(cache);
        if let Some(l) = &lookahead {
            ev = ev.with_overrides(&l.params);
        }
        let mut loss: Option<Tensor> = None;
        let mut fake = ev.eval(&game.fake)?;
        fake.tensor = score_of_call(&mut ev, &game.fake, fake.tensor)?;
        if fake.live && game.adversarial_trains_players {
            let l = player_loss(game.loss, &fake.tensor)?;
            report.push(("g_adv".into(), scalar(&l)?));
            loss = Some(l);
        }
        if let Some(l) = lookahead.as_ref().and_then(|l| l.real_term.as_ref()) {
            if game.adversarial_trains_players {
                report.push(("g_unrolled_real".into(), scalar(l)?));
                loss = Some(match loss {
                    Some(acc) => (acc + l)?,
                    None => l.clone(),
                });
            }
        }
        if game.adversarial_trains_players && calls_any(&game.real, &trained) {
            let mut real = ev.eval(&game.real)?;
            real.tensor = score_of_call(&mut ev, &game.real, real.tensor)?;
            let l = player_loss_on_real(game.loss, &real.tensor)?;
            report.push(("g_adv_real".into(), scalar(&l)?));
            loss = Some(match loss {
                Some(acc) => (acc + l)?,
                None => l,
            });
        }
        if let Some(t) = terms_for(&mut ev, &game.terms, &trained, &game.judge, &mut report)? {
            loss = Some(match loss {
                Some(acc) => (acc + t)?,
                None => t,
            });
        }
        loss
    };
    if let Some(w) = game.historical_average {
        for net in &trained {
            if let Some(h) = historical_penalty(session, net, w)? {
                loss = Some(match loss {
                    Some(acc) => (acc + h)?,
                    None => h,
                });
            }
        }
    }
    let Some(loss) = loss else {
        return Ok(report);
    };
    let value = scalar(&loss)?;
    ensure_finite("the players' loss", value, step)?;
    report.insert(0, ("g_loss".into(), value));
    let grads = loss.backward()?;
    for net in &trained {
        if let Some(opt) = session.optims.get_mut(net) {
            opt.step(&grads)?;
        }
    }
    if game.historical_average.is_some() {
        for net in &trained {
            update_history(session, net)?;
        }
    }
    Ok(report)
}
