//! RMSprop as PyTorch defines it (non-centred): `eps` added after the square root, optional
//! momentum on the scaled gradient, optional L2 weight decay folded into the gradient.

use super::{
    check_range, check_unique, decayed, grad_of, read_counter, read_like, rehearsal, sqrt_floored,
    Counter, Lookahead, OptimError, Optimizer,
};
use candle_core::backprop::GradStore;
use candle_core::{Tensor, Var};
use std::collections::HashMap;

/// RMSprop's hyper-parameters; the default is PyTorch's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RmsPropConfig {
    /// Learning rate.
    pub lr: f64,
    /// Decay of the running average of squared gradients.
    pub alpha: f64,
    /// Added to the root of the square average.
    pub eps: f64,
    /// Momentum factor; 0 disables the momentum buffer.
    pub momentum: f64,
    /// L2 penalty coefficient added to the gradient.
    pub weight_decay: f64,
}

impl Default for RmsPropConfig {
    fn default() -> Self {
        Self {
            lr: 1e-2,
            alpha: 0.99,
            eps: 1e-8,
            momentum: 0.0,
            weight_decay: 0.0,
        }
    }
}

/// One variable's running averages: what an update reads and writes.
#[derive(Clone)]
struct Averages {
    square_avg: Tensor,
    /// Present only when momentum is enabled.
    buf: Option<Tensor>,
}

/// Per-variable state.
struct Slot {
    name: String,
    var: Var,
    averages: Averages,
}

/// One RMSprop update of `param` with gradient `grad`: the new parameter and averages. Shared
/// by [`RmsProp::step`] (detached tensors) and its look-ahead (tensors with graphs).
fn advance(
    c: &RmsPropConfig,
    averages: &Averages,
    param: &Tensor,
    grad: &Tensor,
) -> Result<(Tensor, Averages), OptimError> {
    let g = decayed(grad, param, c.weight_decay)?;
    let square_avg = ((&averages.square_avg * c.alpha)? + (g.sqr()? * (1.0 - c.alpha))?)?;
    let scaled = (&g / (sqrt_floored(&square_avg)? + c.eps)?)?;
    let (direction, buf) = match &averages.buf {
        Some(buf) => {
            let buf = ((buf * c.momentum)? + scaled)?;
            (buf.clone(), Some(buf))
        }
        None => (scaled, None),
    };
    Ok(((param - (direction * c.lr)?)?, Averages { square_avg, buf }))
}

/// The RMSprop optimizer.
pub struct RmsProp {
    cfg: RmsPropConfig,
    slots: Vec<Slot>,
    steps: Counter,
}

impl RmsProp {
    /// RMSprop over the named variables, with zero square averages and buffers.
    pub fn new(vars: Vec<(String, Var)>, cfg: RmsPropConfig) -> Result<Self, OptimError> {
        check_unique(&vars)?;
        check_range("lr", cfg.lr, 0.0, f64::MAX, false, "finite lr >= 0")?;
        check_range("alpha", cfg.alpha, 0.0, 1.0, false, "0 <= alpha <= 1")?;
        check_range("eps", cfg.eps, 0.0, f64::MAX, false, "finite eps >= 0")?;
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
        let slots = vars
            .into_iter()
            .map(|(name, var)| {
                let zeros = var.as_tensor().zeros_like()?;
                Ok(Slot {
                    name,
                    averages: Averages {
                        buf: (cfg.momentum > 0.0).then(|| zeros.clone()),
                        square_avg: zeros,
                    },
                    var,
                })
            })
            .collect::<Result<_, OptimError>>()?;
        Ok(Self {
            cfg,
            slots,
            steps: Counter::new(0)?,
        })
    }
}

impl Optimizer for RmsProp {
    fn step(&mut self, grads: &GradStore) -> Result<(), OptimError> {
        let c = self.cfg;
        for slot in &mut self.slots {
            let Some(grad) = grad_of(grads, &slot.var) else {
                continue;
            };
            let (p, averages) = advance(&c, &slot.averages, &slot.var.as_tensor().detach(), &grad)?;
            slot.var.set(&p)?;
            slot.averages = averages;
        }
        self.steps = self.steps.next()?;
        Ok(())
    }

    fn state(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::with_capacity(2 * self.slots.len() + 1);
        for s in &self.slots {
            out.push((format!("{}.v", s.name), s.averages.square_avg.clone()));
            if let Some(buf) = &s.averages.buf {
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
            let square_avg = read_like(named, &format!("{}.v", s.name), &s.var)?;
            let buf = match s.averages.buf {
                Some(_) => Some(read_like(named, &format!("{}.buf", s.name), &s.var)?),
                None => None,
            };
            loaded.push((square_avg, buf));
        }
        let steps = read_counter(named, "step")?;
        for (slot, (square_avg, buf)) in self.slots.iter_mut().zip(loaded) {
            slot.averages = Averages { square_avg, buf };
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
        let states = self
            .slots
            .iter()
            .map(|s| (s.name.clone(), s.averages.clone()));
        rehearsal(self.cfg, states.collect(), advance)
    }
}
