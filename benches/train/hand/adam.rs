//! A minimal Adam (Kingma & Ba 2015, PyTorch's form, no weight decay) for the hand-written loop.

use candle_core::backprop::GradStore;
use candle_core::{Result, Tensor, Var};

/// Hyper-parameters of both players in the benchmarked specs.
pub const LR: f64 = 2e-4;
const BETA1: f64 = 0.5;
const BETA2: f64 = 0.999;
const EPS: f64 = 1e-8;

/// Adam state for one network's variables.
pub struct Adam {
    vars: Vec<Var>,
    m: Vec<Tensor>,
    v: Vec<Tensor>,
    t: i32,
}

impl Adam {
    /// Zero moments for `vars`.
    pub fn new(vars: Vec<Var>) -> Result<Self> {
        let m = vars
            .iter()
            .map(|v| v.as_tensor().zeros_like())
            .collect::<Result<Vec<_>>>()?;
        Ok(Adam {
            v: m.clone(),
            m,
            vars,
            t: 0,
        })
    }

    /// One update from `grads`; variables without a gradient are left alone.
    pub fn step(&mut self, grads: &GradStore) -> Result<()> {
        self.t += 1;
        let step_size = LR / (1.0 - BETA1.powi(self.t));
        let root_bias2 = (1.0 - BETA2.powi(self.t)).sqrt();
        for ((var, m), v) in self.vars.iter().zip(&mut self.m).zip(&mut self.v) {
            let Some(g) = grads.get(var.as_tensor()) else {
                continue;
            };
            *m = ((&*m * BETA1)? + (g * (1.0 - BETA1))?)?;
            *v = ((&*v * BETA2)? + (g.sqr()? * (1.0 - BETA2))?)?;
            let denom = ((v.sqrt()? / root_bias2)? + EPS)?;
            var.set(&(var.as_tensor() - ((&*m / denom)? * step_size)?)?)?;
        }
        Ok(())
    }
}
