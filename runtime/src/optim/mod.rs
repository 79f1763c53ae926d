//! Optimizers over candle `Var`s whose state can be checkpointed.
//!
//! candle-nn's `AdamW` keeps its moments private (a resumed run would restart them from zero) and
//! decays weights by 0.01 by default, so ganc uses its own Adam, RMSprop and SGD, following
//! PyTorch's update rules. State tensors are named after the variable they belong to:
//! `<var>.m` (first moment), `<var>.v` (second moment / square average), `<var>.buf` (momentum
//! buffer), `<var>.step` (that variable's own update count, as PyTorch keeps per parameter), and
//! `step` for the number of `step` calls. Several optimizers saved into one checkpoint are kept
//! apart with [`with_prefix`] / [`strip_prefix`].

mod adam;
mod rmsprop;
mod sgd;

pub use adam::{Adam, AdamConfig};
pub use rmsprop::{RmsProp, RmsPropConfig};
pub use sgd::{Sgd, SgdConfig};

use candle_core::backprop::GradStore;
use candle_core::{DType, Device, Tensor, Var};
use std::collections::{HashMap, HashSet};

/// Errors from building an optimizer, stepping it or restoring its state.
#[derive(Debug, thiserror::Error)]
pub enum OptimError {
    /// A hyper-parameter was outside its domain.
    #[error("invalid optimizer setting {name}: expected {expected}, got {got}")]
    InvalidHyper {
        /// The setting (e.g. "beta1").
        name: &'static str,
        /// The accepted domain.
        expected: &'static str,
        /// The value given.
        got: f64,
    },
    /// Two variables were registered under the same name.
    #[error("variable name {0:?} given twice to one optimizer")]
    DuplicateName(String),
    /// Saved state lacks a tensor this optimizer needs.
    #[error("optimizer state has no tensor {0:?}")]
    MissingState(String),
    /// A saved state tensor has the wrong shape.
    #[error("optimizer state {name:?}: expected shape {expected:?}, found {found:?}")]
    StateShape {
        /// The state tensor's name.
        name: String,
        /// The shape of its variable.
        expected: Vec<usize>,
        /// The shape found in the saved state.
        found: Vec<usize>,
    },
    /// A tensor operation failed.
    #[error("optimizer tensor operation: {0}")]
    Candle(#[from] candle_core::Error),
}

/// A gradient-descent optimizer with checkpointable state.
pub trait Optimizer {
    /// Applies one update to every variable that has a gradient in `grads`; variables without
    /// one are left alone, state included.
    fn step(&mut self, grads: &GradStore) -> Result<(), OptimError>;
    /// All state tensors, named as described in the module documentation.
    fn state(&self) -> Vec<(String, Tensor)>;
    /// Restores state saved by [`Optimizer::state`]; every tensor this optimizer needs must be
    /// present with its variable's shape.
    fn load_state(&mut self, named: &HashMap<String, Tensor>) -> Result<(), OptimError>;
    /// Changes the learning rate (for schedules).
    fn set_lr(&mut self, lr: f64);
    /// The current learning rate.
    fn lr(&self) -> f64;
    /// A differentiable rehearsal of this optimizer's next updates, starting from its current
    /// state and leaving that state untouched (the unrolled GAN's look-ahead).
    fn lookahead(&self) -> Box<dyn Lookahead>;
}

/// Updates computed exactly as an [`Optimizer`] would make them, but on tensors that keep their
/// graphs, so that a loss evaluated at the updated parameters can be differentiated through
/// the updates (Metz et al. 2017 unroll the judge's own optimizer, moments included).
pub trait Lookahead {
    /// `param` (the variable called `name`) after one update with gradient `grad`, as a graph
    /// of both; the rehearsal's own state for `name` advances, the optimizer's does not.
    fn update(&mut self, name: &str, param: &Tensor, grad: &Tensor) -> Result<Tensor, OptimError>;
}

/// Prefixes every state name with `prefix` and a dot, so that e.g. G's and D's optimizers can
/// share one checkpoint.
pub fn with_prefix(prefix: &str, state: Vec<(String, Tensor)>) -> Vec<(String, Tensor)> {
    state
        .into_iter()
        .map(|(name, t)| (format!("{prefix}.{name}"), t))
        .collect()
}

/// The entries of `named` that start with `prefix` and a dot, with that start removed.
pub fn strip_prefix(prefix: &str, named: &HashMap<String, Tensor>) -> HashMap<String, Tensor> {
    let start = format!("{prefix}.");
    named
        .iter()
        .filter_map(|(name, t)| {
            name.strip_prefix(&start)
                .map(|rest| (rest.to_string(), t.clone()))
        })
        .collect()
}

/// Checks that names are unique; shared by all optimizer constructors.
fn check_unique(vars: &[(String, Var)]) -> Result<(), OptimError> {
    let mut seen = HashSet::new();
    for (name, _) in vars {
        if !seen.insert(name.as_str()) {
            return Err(OptimError::DuplicateName(name.clone()));
        }
    }
    Ok(())
}

/// Fails unless `value` is finite and within `lo..hi` (`hi` excluded when `open_hi`).
fn check_range(
    name: &'static str,
    value: f64,
    lo: f64,
    hi: f64,
    open_hi: bool,
    expected: &'static str,
) -> Result<(), OptimError> {
    let below_hi = if open_hi { value < hi } else { value <= hi };
    if value.is_finite() && value >= lo && below_hi {
        Ok(())
    } else {
        Err(OptimError::InvalidHyper {
            name,
            expected,
            got: value,
        })
    }
}

/// The gradient of `var`, detached: with `CANDLE_GRAD_DO_NOT_DETACH=1` gradients keep their
/// graph, and state built from them would otherwise chain graphs across steps.
fn grad_of(grads: &GradStore, var: &Var) -> Option<Tensor> {
    grads.get(var.as_tensor()).map(Tensor::detach)
}

/// `g + weight_decay * p` (PyTorch's L2 penalty folded into the gradient).
fn decayed(grad: &Tensor, param: &Tensor, weight_decay: f64) -> Result<Tensor, OptimError> {
    if weight_decay == 0.0 {
        Ok(grad.clone())
    } else {
        Ok((grad + (param * weight_decay)?)?)
    }
}

/// `sqrt(x)` with a finite derivative at `x = 0`: the derivative of a plain square root is
/// infinite there, and a look-ahead through a parameter whose gradient is exactly zero (a dead
/// ReLU unit) would turn `0 * inf` into NaN. The floor, 1e-30, vanishes in f32 against any
/// second moment above about 1e-23 and adds at most 1e-15 below, far under Adam's `eps`.
fn sqrt_floored(x: &Tensor) -> Result<Tensor, OptimError> {
    Ok((x + 1e-30)?.sqrt()?)
}

/// One optimizer update: `(config, state, param, grad) -> (new param, new state)`.
type Advance<C, S> = fn(&C, &S, &Tensor, &Tensor) -> Result<(Tensor, S), OptimError>;

/// The [`Lookahead`] of any optimizer: its configuration, a copy of each variable's state,
/// and the update function its real steps use, so a rehearsal cannot drift from a step.
struct Rehearsal<C, S> {
    cfg: C,
    states: HashMap<String, S>,
    advance: Advance<C, S>,
}

impl<C, S> Lookahead for Rehearsal<C, S> {
    fn update(&mut self, name: &str, param: &Tensor, grad: &Tensor) -> Result<Tensor, OptimError> {
        let state = self
            .states
            .get_mut(name)
            .ok_or_else(|| OptimError::MissingState(name.to_string()))?;
        let (p, next) = (self.advance)(&self.cfg, state, param, grad)?;
        *state = next;
        Ok(p)
    }
}

/// A boxed [`Rehearsal`] starting from `states` (variable name -> state).
fn rehearsal<C: 'static, S: 'static>(
    cfg: C,
    states: HashMap<String, S>,
    advance: Advance<C, S>,
) -> Box<dyn Lookahead> {
    Box::new(Rehearsal {
        cfg,
        states,
        advance,
    })
}

/// An update count, kept both as a number (for arithmetic) and as the scalar tensor that
/// [`Optimizer::state`] hands out (building it there could fail, and `state` cannot).
#[derive(Debug, Clone)]
struct Counter {
    value: i64,
    tensor: Tensor,
}

impl Counter {
    /// A counter on the CPU: it is read back as a number, never used in device arithmetic.
    fn new(value: i64) -> Result<Self, OptimError> {
        Ok(Self {
            value,
            tensor: Tensor::new(value, &Device::Cpu)?,
        })
    }

    /// The counter plus one.
    fn next(&self) -> Result<Self, OptimError> {
        Self::new(self.value + 1)
    }
}

/// Reads a counter saved by [`Optimizer::state`], accepting any numeric dtype a checkpoint may
/// hold.
fn read_counter(named: &HashMap<String, Tensor>, name: &str) -> Result<Counter, OptimError> {
    let t = named
        .get(name)
        .ok_or_else(|| OptimError::MissingState(name.to_string()))?;
    if t.elem_count() != 1 {
        return Err(OptimError::StateShape {
            name: name.to_string(),
            expected: vec![],
            found: t.dims().to_vec(),
        });
    }
    Counter::new(t.flatten_all()?.to_dtype(DType::I64)?.to_vec1::<i64>()?[0])
}

/// Reads the state tensor `name` for `var`, moved to the variable's device and dtype.
fn read_like(named: &HashMap<String, Tensor>, name: &str, var: &Var) -> Result<Tensor, OptimError> {
    let t = named
        .get(name)
        .ok_or_else(|| OptimError::MissingState(name.to_string()))?;
    if t.dims() != var.dims() {
        return Err(OptimError::StateShape {
            name: name.to_string(),
            expected: var.dims().to_vec(),
            found: t.dims().to_vec(),
        });
    }
    Ok(t.to_device(var.device())?.to_dtype(var.dtype())?.detach())
}
