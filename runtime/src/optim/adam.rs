//! Adam as PyTorch defines it: bias-corrected moments, `eps` added outside the square root,
//! optional L2 weight decay folded into the gradient (not decoupled as in AdamW).

use super::{
    check_range, check_unique, decayed, grad_of, read_counter, read_like, rehearsal, sqrt_floored,
    Counter, Lookahead, OptimError, Optimizer,
};
use candle_core::backprop::GradStore;
use candle_core::{Tensor, Var};
use std::collections::HashMap;

/// Adam's hyper-parameters; the default is PyTorch's.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AdamConfig {
    /// Learning rate.
    pub lr: f64,
    /// Decay of the first moment.
    pub beta1: f64,
    /// Decay of the second moment.
    pub beta2: f64,
    /// Added to the bias-corrected root of the second moment.
    pub eps: f64,
    /// L2 penalty coefficient added to the gradient.
    pub weight_decay: f64,
}

impl Default for AdamConfig {
    fn default() -> Self {
        Self {
            lr: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            weight_decay: 0.0,
        }
    }
}

/// One variable's moments and update count: what an update reads and writes.
#[derive(Clone)]
struct Moments {
    m: Tensor,
    v: Tensor,
    /// Updates this variable has received; drives its bias correction.
    t: i64,
}

/// Per-variable state.
struct Slot {
    name: String,
    var: Var,
    moments: Moments,
    /// `moments.t` as a checkpointable counter.
    step: Counter,
}

/// One Adam update of `param` with gradient `grad`: the new parameter and moments. Shared by
/// [`Adam::step`] (detached tensors) and its look-ahead (tensors with graphs).
fn advance(
    c: &AdamConfig,
    moments: &Moments,
    param: &Tensor,
    grad: &Tensor,
) -> Result<(Tensor, Moments), OptimError> {
    let g = decayed(grad, param, c.weight_decay)?;
    let m = ((&moments.m * c.beta1)? + (&g * (1.0 - c.beta1))?)?;
    let v = ((&moments.v * c.beta2)? + (g.sqr()? * (1.0 - c.beta2))?)?;
    let t = moments.t + 1;
    let bias1 = 1.0 - c.beta1.powf(t as f64);
    let bias2 = 1.0 - c.beta2.powf(t as f64);
    let denom = ((sqrt_floored(&v)? / bias2.sqrt())? + c.eps)?;
    let update = ((&m / &denom)? * (c.lr / bias1))?;
    Ok(((param - update)?, Moments { m, v, t }))
}

/// The Adam optimizer.
pub struct Adam {
    cfg: AdamConfig,
    slots: Vec<Slot>,
    steps: Counter,
}

impl Adam {
    /// Adam over the named variables, with zero moments.
    pub fn new(vars: Vec<(String, Var)>, cfg: AdamConfig) -> Result<Self, OptimError> {
        check_unique(&vars)?;
        check_range("lr", cfg.lr, 0.0, f64::MAX, false, "finite lr >= 0")?;
        check_range("beta1", cfg.beta1, 0.0, 1.0, true, "0 <= beta1 < 1")?;
        check_range("beta2", cfg.beta2, 0.0, 1.0, true, "0 <= beta2 < 1")?;
        check_range("eps", cfg.eps, 0.0, f64::MAX, false, "finite eps >= 0")?;
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
                    moments: Moments {
                        m: zeros.clone(),
                        v: zeros,
                        t: 0,
                    },
                    var,
                    step: Counter::new(0)?,
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

impl Optimizer for Adam {
    fn step(&mut self, grads: &GradStore) -> Result<(), OptimError> {
        let c = self.cfg;
        for slot in &mut self.slots {
            let Some(grad) = grad_of(grads, &slot.var) else {
                continue;
            };
            let (p, moments) = advance(&c, &slot.moments, &slot.var.as_tensor().detach(), &grad)?;
            slot.var.set(&p)?;
            slot.moments = moments;
            slot.step = slot.step.next()?;
        }
        self.steps = self.steps.next()?;
        Ok(())
    }

    fn state(&self) -> Vec<(String, Tensor)> {
        let mut out = Vec::with_capacity(3 * self.slots.len() + 1);
        for s in &self.slots {
            out.push((format!("{}.m", s.name), s.moments.m.clone()));
            out.push((format!("{}.v", s.name), s.moments.v.clone()));
            out.push((format!("{}.step", s.name), s.step.tensor.clone()));
        }
        out.push(("step".to_string(), self.steps.tensor.clone()));
        out
    }

    fn load_state(&mut self, named: &HashMap<String, Tensor>) -> Result<(), OptimError> {
        // Read everything before changing anything, so a failed load leaves the state intact.
        let mut loaded = Vec::with_capacity(self.slots.len());
        for s in &self.slots {
            loaded.push((
                read_like(named, &format!("{}.m", s.name), &s.var)?,
                read_like(named, &format!("{}.v", s.name), &s.var)?,
                read_counter(named, &format!("{}.step", s.name))?,
            ));
        }
        let steps = read_counter(named, "step")?;
        for (slot, (m, v, step)) in self.slots.iter_mut().zip(loaded) {
            slot.moments = Moments {
                m,
                v,
                t: step.value,
            };
            slot.step = step;
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
            .map(|s| (s.name.clone(), s.moments.clone()));
        rehearsal(self.cfg, states.collect(), advance)
    }
}
