//! InfoGAN's measured quantity: how often Q recovers the categorical code from generated
//! samples. Every `cross_entropy(<network call>, c)` term with a class latent `c` is measured:
//! the latents are drawn from their priors, the call is evaluated in evaluation mode (running
//! statistics, no dropout, no updates), and the argmax of its logits is compared with `c`.
//!
//! This measures code recovery, not digit class: nothing ties code `k` to digit `k`, so a Q that
//! recovers every code perfectly may still map them to the digits in any permutation.

use super::eval::Draw;
use super::feed::draw_latents;
use super::session::Session;
use crate::error::RunError;
use crate::model::{forward, ForwardMode};
use crate::rng::RunRng;
use candle_core::{DType, Tensor, D};
use ganc_compiler::graph::{CallOutput, GameExpr, GameExprKind, LossFn, ValueType};

/// The recovery of one categorical code.
#[derive(Debug, Clone, PartialEq)]
pub struct CodeRecovery {
    /// The term that names the code, e.g. `info`.
    pub term: String,
    /// The class latent, e.g. `c`.
    pub code: String,
    /// Its number of classes.
    pub classes: usize,
    /// Samples measured.
    pub samples: usize,
    /// Share of samples whose argmax logit is the drawn code.
    pub accuracy: f64,
    /// Accuracy per code value.
    pub per_class: Vec<f64>,
    /// Mean cross-entropy of the logits against the drawn codes (nats).
    pub cross_entropy: f64,
}

/// The (term, logits expression, class latent, classes) of every `cross_entropy(call, latent)`.
fn targets(session: &Session) -> Vec<(String, GameExpr, String, usize)> {
    fn walk(e: &GameExpr, session: &Session, out: &mut Vec<(GameExpr, String, usize)>) {
        match &e.kind {
            GameExprKind::Loss {
                func: LossFn::CrossEntropy,
                args,
            } => {
                if let [logits @ GameExpr {
                    kind: GameExprKind::Call { .. },
                    ..
                }, GameExpr {
                    kind: GameExprKind::Latent(name),
                    ..
                }] = args.as_slice()
                {
                    let classes = session.program.latents.iter().find_map(|l| match l.ty {
                        ValueType::Class(n) if &l.name == name => Some(n),
                        _ => None,
                    });
                    if let Some(n) = classes {
                        out.push((logits.clone(), name.clone(), n));
                    }
                }
            }
            GameExprKind::Loss { args, .. } => args.iter().for_each(|a| walk(a, session, out)),
            GameExprKind::Binary(_, a, b) => {
                walk(a, session, out);
                walk(b, session, out);
            }
            GameExprKind::Neg(a) => walk(a, session, out),
            _ => {}
        }
    }
    let mut found = Vec::new();
    for term in &session.program.game.terms {
        let mut here = Vec::new();
        walk(&term.expr, session, &mut here);
        found.extend(
            here.into_iter()
                .map(|(e, c, n)| (term.name.clone(), e, c, n)),
        );
    }
    found
}

/// Evaluates latents, conditions and network calls in evaluation mode.
fn eval(session: &mut Session, draw: &Draw, e: &GameExpr) -> Result<Tensor, RunError> {
    match &e.kind {
        GameExprKind::Latent(name) | GameExprKind::Cond(name) => draw
            .values
            .get(name)
            .cloned()
            .ok_or_else(|| RunError::Invalid(format!("no value drawn for `{name}`"))),
        GameExprKind::Call {
            network,
            args,
            output,
        } => {
            let inputs = args
                .iter()
                .map(|a| eval(session, draw, a))
                .collect::<Result<Vec<_>, _>>()?;
            let Session { nets, rng, .. } = session;
            let state = nets
                .get(network)
                .ok_or_else(|| RunError::Invalid(format!("no network `{network}`")))?;
            let mut mode = ForwardMode {
                train: false,
                update_buffers: false,
                rng,
                overrides: None,
            };
            let values = forward(
                &state.net,
                &state.params,
                state.vbn.as_ref(),
                &inputs,
                &mut mode,
            )?;
            let node = match output {
                CallOutput::Port(i) => {
                    state.net.outputs.get(*i).map(|p| p.node).ok_or_else(|| {
                        RunError::Invalid(format!("`{network}` has no output {i}"))
                    })?
                }
                CallOutput::Feature(id) => *id,
            };
            Ok(values[node.0].detach())
        }
        _ => Err(RunError::Invalid(
            "code recovery reads only latents and network calls (e.g. `D(G(z, c)).q_cat`)".into(),
        )),
    }
}

/// Measures every categorical code of the spec's terms on `count` samples drawn in batches of
/// `batch` from a generator seeded with `seed`. Errors when the spec has no such term.
pub fn code_recovery(
    session: &mut Session,
    count: usize,
    batch: usize,
    seed: u64,
) -> Result<Vec<CodeRecovery>, RunError> {
    let found = targets(session);
    if found.is_empty() {
        return Err(RunError::Invalid(
            "the spec has no term `cross_entropy(<network call>, c)` with a class latent `c`: \
             there is no categorical code to recover (InfoGAN's `term info: \
             cross_entropy(D(G(z, c)).q_cat, c) ...`)"
                .into(),
        ));
    }
    if count == 0 || batch == 0 {
        return Err(RunError::Invalid(
            "code recovery needs at least one sample and a batch of at least one".into(),
        ));
    }
    session.rng = RunRng::from_seed(seed);
    let mut out = Vec::new();
    for (term, logits_e, code, classes) in found {
        let (mut hits, mut ce_sum) = (vec![0usize; classes], 0.0);
        let mut totals = vec![0usize; classes];
        let mut done = 0;
        while done < count {
            let n = batch.min(count - done);
            let mut draw = Draw::default();
            draw_latents(session, n, &mut draw)?;
            let logits = eval(session, &draw, &logits_e)?.to_dtype(DType::F32)?;
            let labels = draw
                .values
                .get(&code)
                .cloned()
                .ok_or_else(|| RunError::Invalid(format!("no value drawn for `{code}`")))?;
            ce_sum += crate::game::terms::cross_entropy(&logits, &labels)?
                .to_dtype(DType::F64)?
                .to_scalar::<f64>()?
                * n as f64;
            let predicted = logits.argmax(D::Minus1)?.to_vec1::<u32>()?;
            for (p, c) in predicted
                .iter()
                .zip(labels.to_dtype(DType::U32)?.to_vec1::<u32>()?)
            {
                totals[c as usize] += 1;
                if *p == c {
                    hits[c as usize] += 1;
                }
            }
            done += n;
        }
        out.push(CodeRecovery {
            term,
            code,
            classes,
            samples: count,
            accuracy: hits.iter().sum::<usize>() as f64 / count as f64,
            per_class: hits
                .iter()
                .zip(&totals)
                .map(|(h, t)| {
                    if *t == 0 {
                        f64::NAN
                    } else {
                        *h as f64 / *t as f64
                    }
                })
                .collect(),
            cross_entropy: ce_sum / count as f64,
        });
    }
    Ok(out)
}
