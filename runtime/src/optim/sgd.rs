//! SGD as PyTorch defines it, with dampening 0: `buf = momentum * buf + g`, then the step is
//! `buf` (or `g + momentum * buf` with Nesterov), plus optional L2 weight decay.

use super::{
    check_range, check_unique, decayed, grad_of, read_counter, read_like, rehearsal, Counter,
    Lookahead, OptimError, Optimizer,
};
use candle_core::backprop::GradStore;
use candle_core::{Tensor, Var};
use std::collections::HashMap;

/// SGD's hyper-parameters. The default is plain SGD with PyTorch's default learning rate.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SgdConfig {
    /// Learning rate.
    pub lr: f64,
    /// Momentum factor; 0 disables the momentum buffer.
    pub momentum: f64,
    /// Nesterov momentum (needs momentum > 0).
    pub nesterov: bool,
    /// L2 penalty coefficient added to the gradient.
    pub weight_decay: f64,
}

impl Default for SgdConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            momentum: 0.0,
            nesterov: false,
            weight_decay: 0.0,
        }
    }
}

/// Per-variable state.
struct Slot {
    name: String,
    var: Var,
    /// Present only when momentum is enabled. Starting from zero equals PyTorch's "first step
    /// copies the gradient" because dampening is 0.
    buf: Option<Tensor>,
}

/// One SGD update of `param` with gradient `grad`: the new parameter and momentum buffer.
/// Shared by [`Sgd::step`] (detached tensors) and its look-ahead (tensors with graphs).
fn advance(
    c: &SgdConfig,
    buf: &Option<Tensor>,
    param: &Tensor,
    grad: &Tensor,
) -> Result<(Tensor, Option<Tensor>), OptimError> {
    let g = decayed(grad, param, c.weight_decay)?;
    let (direction, buf) = match buf {
        Some(buf) => {
            let buf = ((buf * c.momentum)? + &g)?;
            let direction = if c.nesterov {
                (g + (&buf * c.momentum)?)?
            } else {
                buf.clone()
            };
            (direction, Some(buf))
        }
        None => (g, None),
    };
    Ok(((param - (direction * c.lr)?)?, buf))
}

/// The SGD optimizer.
pub struct Sgd {
    cfg: SgdConfig,
    slots: Vec<Slot>,
    steps: Counter,
}

impl Sgd {
    /// SGD over the named variables, with zero momentum buffers.
    pub fn new(vars: Vec<(String, Var)>, cfg: SgdConfig) -> Result<Self, OptimError> {
        check_unique(&vars)?;
        check_range("lr", cfg.lr, 0.0, f64::MAX, false, "finite lr >= 0")?;
        check_range(
            "momentum",
            cfg.momentum,
            0.0,
            f64::MAX,
            false,
            "finite momentum >= 0",
        )?;
        check_range(
            "weight_decay",
            cfg.weight_decay,
            0.0,
            f64::MAX,
            false,
            "finite weight_decay >= 0",
        )?;
        if cfg.nesterov && cfg.momentum == 0.0 {
            return Err(OptimError::InvalidHyper {
                name: "momentum",
                expected: "momentum > 0 when nesterov is set",
                got: cfg.momentum,
            });
        }
        let slots = vars
            .into_iter()
            .map(|(name, var)| {
                let buf = if cfg.momentum > 0.0 {
                    Some(var.as_tensor().zeros_like()?)
                } else {
                    None
                };
                Ok(Slot { name, var, buf })
            })
            .collect::<Result<_, OptimError>>()?;
        Ok(Self {
            cfg,
            slots,
            steps: Counter::new(0)?,
        })
    }
}

impl Optimizer for Sgd {
    fn step(&mut self, grads: &GradStore) -> Result<(), OptimError> {
        let c = self.cfg;
        for slot in &mut self.slots {
            let Some(grad) = grad_of(grads, &slot.var) else {
                continue;
            };
            let (p, buf) = advance(&c, &slot.buf, &slot.var.as_tensor().detach(), &grad)?;
            slot.var.set(&p)?;
            slot.buf = buf;
        }
        self.steps = self.steps.next()?;
        Ok(())
    }

    fn state(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::with_capacity(self.slots.len() + 1);
        for s in &self.slots {
            if let Some(buf) = &s.buf {
                out.push((format!("{}.buf", s.name), buf.clone()));
            }
        }
        out.push(("step".to_string(), self.steps.tensor.clone()));
        out
    }

    fn load_state(&mut self, named: &HashMap<String, Tensor>) -> Result<(), OptimError> {
        // Read everything before changing anything, so a failed load leaves the state intact.
        let mut loaded = Vec::with_capacity(self.slots.len());
        for s in &self.slots {
            loaded.push(match s.buf {
                Some(_) => Some(read_like(named, &format!("{}.buf", s.name), &s.var)?),
                None => None,
            });
        }
        let steps = read_counter(named, "step")?;
        for (slot, buf) in self.slots.iter_mut().zip(loaded) {
            slot.buf = buf;
        }
        self.steps = steps;
        Ok(())
    }

    fn set_lr(&mut self, lr: f64) {
        self.cfg.lr = lr;
    }

    fn lr(&self) -> f64 {
        self.cfg.lr
    }

    fn lookahead(&self) -> Box<dyn Lookahead> {
        let states = self.slots.iter().map(|s| (s.name.clone(), s.buf.clone()));
        rehearsal(self.cfg, states.collect(), advance)
    }
}
