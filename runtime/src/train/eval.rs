//! Evaluating game expressions for one update step.
//!
//! A network call is computed once per step and shared by every expression that reads it
//! (`D(G(z))` in the adversarial loss and `D(G(z)).f` in feature matching use one forward
//! pass). Calls of networks that are not trained in this step and do not depend on one that
//! is are detached: the judge step sees generated samples as constants.

use super::session::Session;
use crate::error::RunError;
use crate::game::terms;
use crate::model::{forward, ForwardMode};
use candle_core::{DType, Tensor};
use ganc_compiler::ast::BinOp;
use ganc_compiler::graph::{CallOutput, GameExpr, GameExprKind};
use std::collections::{BTreeSet, HashMap};

/// The inputs drawn for one step, by name: data `x`, labels `x.label`, latents, conds.
#[derive(Debug, Clone, Default)]
pub struct Draw {
    /// Values by name.
    pub values: HashMap<String, Tensor>,
}

impl Draw {
    fn get(&self, name: &str) -> Result<Tensor, RunError> {
        self.values
            .get(name)
            .cloned()
            .ok_or_else(|| RunError::Invalid(format!("no value drawn for `{name}`")))
    }
}

/// A value with whether it depends on a network trained in this step.
#[derive(Debug, Clone)]
pub struct Value {
    /// The tensor.
    pub tensor: Tensor,
    /// Whether gradients of the trained networks flow through it.
    pub live: bool,
}

/// Evaluation context of one step.
pub struct Evaluator<'a> {
    session: &'a mut Session,
    draw: &'a Draw,
    trained: &'a BTreeSet<String>,
    judge: String,
    noise_std: f64,
    overrides: Option<&'a HashMap<String, Tensor>>,
    cache: CallCache,
    keep: BTreeSet<String>,
    kept: CallCache,
}

/// Node values of network calls by canonical call text, with whether they are live.
pub type CallCache = HashMap<String, (Vec<Tensor>, bool)>;

impl<'a> Evaluator<'a> {
    /// An evaluator over `draw`, training `trained`. `noise_std` is the instance-noise level added
    /// to samples entering the judge.
    pub fn new(
        session: &'a mut Session,
        draw: &'a Draw,
        trained: &'a BTreeSet<String>,
        noise_std: f64,
    ) -> Self {
        let judge = session.program.game.judge.clone();
        Evaluator {
            session,
            draw,
            trained,
            judge,
            noise_std,
            overrides: None,
            cache: CallCache::new(),
            keep: BTreeSet::new(),
            kept: CallCache::new(),
        }
    }

    /// Computes calls of these (untrained) networks with their graph and running-statistics
    /// updates, hands detached copies to this step, and keeps the live values for the next
    /// step on the same draw ([`Evaluator::into_kept`]): one generator forward pass then
    /// serves both the judge's and the players' update, as in hand-written GAN loops.
    pub fn keeping(mut self, networks: BTreeSet<String>) -> Self {
        self.keep = networks;
        self
    }

    /// Starts from calls computed by an earlier step on the same draw.
    pub fn with_cache(mut self, cache: CallCache) -> Self {
        self.cache = cache;
        self
    }

    /// The live call values kept for the next step.
    pub fn into_kept(self) -> CallCache {
        self.kept
    }

    /// Uses these parameter values for the named variables (unrolled look-ahead judges).
    pub fn with_overrides(mut self, overrides: &'a HashMap<String, Tensor>) -> Self {
        self.overrides = Some(overrides);
        self
    }

    /// The session (e.g. for random draws between evaluations).
    pub fn session(&mut self) -> &mut Session {
        self.session
    }

    /// Evaluates `expr`.
    pub fn eval(&mut self, expr: &GameExpr) -> Result<Value, RunError> {
        Ok(match &expr.kind {
            GameExprKind::Data(name) | GameExprKind::Latent(name) | GameExprKind::Cond(name) => {
                Value {
                    tensor: self.draw.get(name)?,
                    live: false,
                }
            }
            GameExprKind::Label(name) => Value {
                tensor: self.draw.get(&format!("{name}.label"))?,
                live: false,
            },
            GameExprKind::Const(v) => Value {
                tensor: Tensor::new(*v as f32, &self.session.device)?,
                live: false,
            },
            GameExprKind::Call {
                network,
                args,
                output,
            } => {
                let (values, live) = self.call(network, args)?;
                let net = &self.session.net(network)?.net;
                let node = match output {
                    CallOutput::Port(i) => {
                        net.outputs.get(*i).map(|p| p.node).ok_or_else(|| {
                            RunError::Invalid(format!("{network} has no output {i}"))
                        })?
                    }
                    CallOutput::Feature(id) => *id,
                };
                Value {
                    tensor: values[node.0].clone(),
                    live,
                }
            }
            GameExprKind::Loss { func, args } => {
                let mut tensors = Vec::with_capacity(args.len());
                let mut live = false;
                for a in args {
                    let v = self.eval(a)?;
                    live |= v.live;
                    tensors.push(v.tensor);
                }
                Value {
                    tensor: terms::apply(*func, &tensors)?,
                    live,
                }
            }
            GameExprKind::Binary(op, lhs, rhs) => {
                let a = self.eval(lhs)?;
                let b = self.eval(rhs)?;
                let t = match op {
                    BinOp::Add => a.tensor.broadcast_add(&b.tensor)?,
                    BinOp::Sub => a.tensor.broadcast_sub(&b.tensor)?,
                    BinOp::Mul => a.tensor.broadcast_mul(&b.tensor)?,
                    BinOp::Div => a.tensor.broadcast_div(&b.tensor)?,
                };
                Value {
                    tensor: t,
                    live: a.live || b.live,
                }
            }
            GameExprKind::Neg(inner) => {
                let v = self.eval(inner)?;
                Value {
                    tensor: v.tensor.neg()?,
                    live: v.live,
                }
            }
        })
    }

    /// Evaluates the arguments of a call, in order.
    pub fn eval_args(&mut self, args: &[GameExpr]) -> Result<Vec<Value>, RunError> {
        args.iter().map(|a| self.eval(a)).collect()
    }

    /// Runs a call expression through the call cache and returns all node values: a later
    /// expression reading the same call (another output, a feature) reuses this forward pass.
    pub fn call_expr(&mut self, expr: &GameExpr) -> Result<(Vec<Tensor>, bool), RunError> {
        match &expr.kind {
            GameExprKind::Call { network, args, .. } => self.call(network, args),
            _ => Err(RunError::Invalid("expected a network call".into())),
        }
    }

    /// Runs `network` on evaluated arguments and returns all node values.
    pub fn call_values(
        &mut self,
        network: &str,
        args: Vec<Value>,
    ) -> Result<(Vec<Tensor>, bool), RunError> {
        self.forward_call(network, args, false)
    }

    /// Runs the network; `as_trained` computes it as if it were trained in this step.
    fn forward_call(
        &mut self,
        network: &str,
        args: Vec<Value>,
        as_trained: bool,
    ) -> Result<(Vec<Tensor>, bool), RunError> {
        let trained = as_trained || self.trained.contains(network);
        let live = trained || args.iter().any(|a| a.live);
        let mut inputs: Vec<Tensor> = args.into_iter().map(|a| a.tensor).collect();
        if network == self.judge && self.noise_std > 0.0 {
            for t in inputs.iter_mut() {
                if t.dtype() == DType::F32 {
                    let noise = self.session.rng.normal(
                        t.dims(),
                        0.0,
                        self.noise_std,
                        DType::F32,
                        t.device(),
                    )?;
                    *t = (&*t + noise)?;
                }
            }
        }
        let Session { nets, rng, .. } = &mut *self.session;
        let state = nets
            .get(network)
            .ok_or_else(|| RunError::Invalid(format!("no network `{network}`")))?;
        let mut mode = ForwardMode {
            train: true,
            update_buffers: trained && self.overrides.is_none(),
            rng,
            overrides: self.overrides,
        };
        let mut values = forward(
            &state.net,
            &state.params,
            state.vbn.as_ref(),
            &inputs,
            &mut mode,
        )?;
        if !live {
            values = values.iter().map(Tensor::detach).collect();
        }
        Ok((values, live))
    }

    fn call(&mut self, network: &str, args: &[GameExpr]) -> Result<(Vec<Tensor>, bool), RunError> {
        let key = call_key(network, args);
        if let Some(hit) = self.cache.get(&key) {
            return Ok(hit.clone());
        }
        let evaluated = self.eval_args(args)?;
        let keep = self.keep.contains(network)
            && !self.trained.contains(network)
            && !evaluated.iter().any(|a| a.live);
        let result = if keep {
            let (values, _) = self.forward_call(network, evaluated, true)?;
            let detached: Vec<Tensor> = values.iter().map(Tensor::detach).collect();
            self.kept.insert(key.clone(), (values, true));
            (detached, false)
        } else {
            self.call_values(network, evaluated)?
        };
        self.cache.insert(key, result.clone());
        Ok(result)
    }
}

/// A canonical text of a call, used as its cache key: `D(G(z),y)`.
pub fn call_key(network: &str, args: &[GameExpr]) -> String {
    let inner: Vec<String> = args.iter().map(expr_key).collect();
    format!("{network}({})", inner.join(","))
}

fn expr_key(e: &GameExpr) -> String {
    match &e.kind {
        GameExprKind::Data(n) | GameExprKind::Latent(n) | GameExprKind::Cond(n) => n.clone(),
        GameExprKind::Label(n) => format!("{n}.label"),
        GameExprKind::Const(v) => v.to_string(),
        GameExprKind::Call {
            network,
            args,
            output,
        } => format!("{}.{output:?}", call_key(network, args)),
        GameExprKind::Loss { func, args } => {
            format!(
                "{func:?}({})",
                args.iter().map(expr_key).collect::<Vec<_>>().join(",")
            )
        }
        GameExprKind::Binary(op, a, b) => {
            format!("({}{}{})", expr_key(a), op.symbol(), expr_key(b))
        }
        GameExprKind::Neg(a) => format!("-{}", expr_key(a)),
    }
}
