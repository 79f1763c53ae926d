//! The hand-written candle baseline: the same GAN training iteration as ganc's, written
//! directly with candle_core ops and no ganc code on the timed path.
//!
//! One iteration: G(z) once with its graph; D step on D(x) and D(G(z) detached) with
//! `bce(D(x), 1) + bce(D(G(z)), 0)`; G step on D(G(z)) from the same G forward with the
//! non-saturating loss `bce(D(G(z)), 1)`; Adam(2e-4, 0.5, 0.999) for each player.

pub mod adam;
pub mod data;
pub mod layers;
pub mod models;
pub mod rng;

use adam::Adam;
use candle_core::{DType, Device, Result, Tensor, Var};
use layers::{bce_with_logits, mean_sigmoid, Init, Registry};
use models::{Arch, DcganD, DcganG, MlpD, MlpG, Net, Z};
use rng::SplitMix;
use std::collections::HashMap;

/// Readouts of one iteration.
#[derive(Debug, Clone, Copy)]
pub struct Losses {
    /// D's loss (before its update).
    pub d_loss: f64,
    /// G's non-saturating loss (after D's update).
    pub g_loss: f64,
    /// Mean sigmoid of D on real data.
    pub d_real: f64,
    /// Mean sigmoid of D on generated data.
    pub d_fake: f64,
}

/// Both networks, their variables and optimizers.
pub struct HandGan {
    g: Box<dyn Net>,
    d: Box<dyn Net>,
    /// G's variables by ganc's names.
    pub g_vars: Registry,
    /// D's variables by ganc's names.
    pub d_vars: Registry,
    opt_g: Adam,
    opt_d: Adam,
    rng: SplitMix,
    device: Device,
}

fn scalar(t: &Tensor) -> Result<f64> {
    t.to_dtype(DType::F64)?.to_scalar::<f64>()
}

fn vars_of(r: &Registry) -> Vec<Var> {
    r.trainable.iter().map(|(_, v)| v.clone()).collect()
}

impl HandGan {
    /// Networks of `arch` initialised from `seed`.
    pub fn new(arch: Arch, seed: u64, device: &Device) -> Result<Self> {
        let mut rng = SplitMix::new(seed);
        let mut init = Init {
            rng: &mut rng,
            device,
            registry: Registry::default(),
        };
        let g: Box<dyn Net> = match arch {
            Arch::Mlp => Box::new(MlpG::new(&mut init)?),
            Arch::Dcgan => Box::new(DcganG::new(&mut init)?),
        };
        let g_vars = std::mem::take(&mut init.registry);
        let d: Box<dyn Net> = match arch {
            Arch::Mlp => Box::new(MlpD::new(&mut init)?),
            Arch::Dcgan => Box::new(DcganD::new(&mut init)?),
        };
        let d_vars = init.registry;
        Ok(HandGan {
            opt_g: Adam::new(vars_of(&g_vars))?,
            opt_d: Adam::new(vars_of(&d_vars))?,
            g,
            d,
            g_vars,
            d_vars,
            rng,
            device: device.clone(),
        })
    }

    /// Overwrites every variable with the tensor of the same name in `values` (for the
    /// equivalence check). Fails on a missing name or a different shape.
    pub fn load(&self, values: &HashMap<String, Tensor>) -> Result<()> {
        let all = [&self.g_vars, &self.d_vars];
        for (name, var) in all
            .iter()
            .flat_map(|r| r.trainable.iter().chain(&r.buffers))
        {
            let t = values
                .get(name)
                .ok_or_else(|| candle_core::Error::Msg(format!("ganc has no variable `{name}`")))?;
            if t.dims() != var.dims() {
                return Err(candle_core::Error::Msg(format!(
                    "`{name}`: ganc {:?}, hand-written {:?}",
                    t.dims(),
                    var.dims()
                )));
            }
            var.set(t)?;
        }
        Ok(())
    }

    /// A fresh latent batch from N(0, 1).
    pub fn latents(&mut self, batch: usize) -> Result<Tensor> {
        Tensor::from_vec(
            self.rng.normal(batch * Z, 0.0, 1.0),
            (batch, Z),
            &self.device,
        )
    }

    /// One training iteration on data `x` and latents `z`.
    pub fn iteration(&mut self, x: &Tensor, z: &Tensor) -> Result<Losses> {
        let fake = self.g.forward(z, true)?;
        let real_out = self.d.forward(x, true)?;
        let fake_out = self.d.forward(&fake.detach(), true)?;
        let d_loss = (bce_with_logits(&real_out, 1.0)? + bce_with_logits(&fake_out, 0.0)?)?;
        let (d_real, d_fake) = (mean_sigmoid(&real_out)?, mean_sigmoid(&fake_out)?);
        let d_value = scalar(&d_loss)?;
        self.opt_d.step(&d_loss.backward()?)?;

        let g_loss = bce_with_logits(&self.d.forward(&fake, false)?, 1.0)?;
        let g_value = scalar(&g_loss)?;
        self.opt_g.step(&g_loss.backward()?)?;
        Ok(Losses {
            d_loss: d_value,
            g_loss: g_value,
            d_real,
            d_fake,
        })
    }
}
