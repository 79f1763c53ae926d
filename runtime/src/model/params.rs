//! The variables of one network, named `<network>.<node>.<param>` (e.g. `G.h.linear.weight`).

use super::init::{draw, ParamRole};
use crate::rng::RunRng;
use candle_core::{Device, Result, Tensor, Var};
use ganc_compiler::graph::{Init, Network, Node, Op};
use std::collections::BTreeMap;

/// Trainable parameters and buffers of one network, by full name.
#[derive(Debug, Clone)]
pub struct ParamSet {
    /// Trainable variables in creation order (node order, then weight before bias).
    pub trainable: Vec<(String, Var)>,
    /// Buffers (batch-norm running statistics, spectral-norm vectors), not trained.
    pub buffers: Vec<(String, Var)>,
    index: BTreeMap<String, Var>,
}

impl ParamSet {
    /// Creates every variable of `net` with values drawn from `rng`. Nodes are visited in
    /// topological order so that the same spec and seed always give the same values.
    pub fn create(
        net: &Network,
        default_init: Init,
        rng: &mut RunRng,
        device: &Device,
    ) -> Result<Self> {
        let mut set = ParamSet {
            trainable: Vec::new(),
            buffers: Vec::new(),
            index: BTreeMap::new(),
        };
        for node in &net.nodes {
            set.create_node(&net.name, node, default_init, rng, device)?;
        }
        Ok(set)
    }

    fn add(&mut self, name: String, value: Tensor, trainable: bool) -> Result<()> {
        let var = Var::from_tensor(&value)?;
        self.index.insert(name.clone(), var.clone());
        if trainable {
            self.trainable.push((name, var));
        } else {
            self.buffers.push((name, var));
        }
        Ok(())
    }

    fn create_node(
        &mut self,
        net: &str,
        node: &Node,
        default_init: Init,
        rng: &mut RunRng,
        device: &Device,
    ) -> Result<()> {
        let p = |suffix: &str| format!("{net}.{}.{suffix}", node.name);
        match &node.op {
            Op::Linear {
                in_features,
                out_features,
                bias,
                spectral,
                init,
            } => {
                let init = pick(*init, default_init);
                let (i, o) = (*in_features, *out_features);
                let w = draw(
                    rng,
                    init,
                    ParamRole::Weight {
                        fan_in: i,
                        fan_out: o,
                    },
                    &[o, i],
                    device,
                )?;
                self.add(p("weight"), w, true)?;
                if *bias {
                    let b = draw(rng, init, ParamRole::Bias { fan_in: i }, &[o], device)?;
                    self.add(p("bias"), b, true)?;
                }
                if *spectral {
                    let u = draw(
                        rng,
                        Init::Normal(1.0),
                        ParamRole::Weight {
                            fan_in: 1,
                            fan_out: 1,
                        },
                        &[o],
                        device,
                    )?;
                    self.add(p("u"), u, false)?;
                }
            }
            Op::Conv {
                transposed,
                in_channels,
                out_channels,
                kernel,
                bias,
                spectral,
                init,
                ..
            } => {
                let init = pick(*init, default_init);
                let taps: usize = kernel.iter().product();
                let (i, o) = (*in_channels, *out_channels);
                // PyTorch stores transposed kernels as [in, out, k...] and takes fan-in from
                // axis 1, so a deconv's default bound uses out * taps.
                let (shape_head, fan_in, fan_out) = if *transposed {
                    ([i, o], o * taps, i * taps)
                } else {
                    ([o, i], i * taps, o * taps)
                };
                let mut shape = shape_head.to_vec();
                shape.extend_from_slice(kernel);
                let w = draw(
                    rng,
                    init,
                    ParamRole::Weight { fan_in, fan_out },
                    &shape,
                    device,
                )?;
                self.add(p("weight"), w, true)?;
                if *bias {
                    let b = draw(rng, init, ParamRole::Bias { fan_in }, &[o], device)?;
                    self.add(p("bias"), b, true)?;
                }
                if *spectral {
                    let u = draw(
                        rng,
                        Init::Normal(1.0),
                        ParamRole::Weight {
                            fan_in: 1,
                            fan_out: 1,
                        },
                        &[shape[0]],
                        device,
                    )?;
                    self.add(p("u"), u, false)?;
                }
            }
            Op::BatchNorm {
                channels, affine, ..
            } => {
                let c = *channels;
                if *affine {
                    self.add(
                        p("weight"),
                        draw(rng, default_init, ParamRole::NormScale, &[c], device)?,
                        true,
                    )?;
                    self.add(
                        p("bias"),
                        draw(rng, default_init, ParamRole::NormShift, &[c], device)?,
                        true,
                    )?;
                }
                self.add(
                    p("running_mean"),
                    Tensor::zeros(c, candle_core::DType::F32, device)?,
                    false,
                )?;
                self.add(
                    p("running_var"),
                    Tensor::ones(c, candle_core::DType::F32, device)?,
                    false,
                )?;
            }
            Op::VirtualBatchNorm { channels, .. }
            | Op::InstanceNorm {
                channels,
                affine: true,
                ..
            }
            | Op::GroupNorm { channels, .. } => {
                let c = *channels;
                self.add(
                    p("weight"),
                    draw(rng, default_init, ParamRole::NormScale, &[c], device)?,
                    true,
                )?;
                self.add(
                    p("bias"),
                    draw(rng, default_init, ParamRole::NormShift, &[c], device)?,
                    true,
                )?;
            }
            Op::LayerNorm { shape, .. } => {
                self.add(
                    p("weight"),
                    draw(rng, default_init, ParamRole::NormScale, shape, device)?,
                    true,
                )?;
                self.add(
                    p("bias"),
                    draw(rng, default_init, ParamRole::NormShift, shape, device)?,
                    true,
                )?;
            }
            Op::Prelu { channels } => {
                self.add(
                    p("weight"),
                    draw(
                        rng,
                        default_init,
                        ParamRole::Constant(0.25),
                        &[*channels],
                        device,
                    )?,
                    true,
                )?;
            }
            Op::Embedding { classes, dim } => {
                self.add(
                    p("weight"),
                    draw(
                        rng,
                        default_init,
                        ParamRole::Embedding,
                        &[*classes, *dim],
                        device,
                    )?,
                    true,
                )?;
            }
            Op::MinibatchDiscrimination {
                in_features,
                kernels,
                kernel_dim,
            } => {
                let init = match default_init {
                    Init::Default => Init::Normal(0.05),
                    other => other,
                };
                let t = draw(
                    rng,
                    init,
                    ParamRole::Weight {
                        fan_in: *in_features,
                        fan_out: kernels * kernel_dim,
                    },
                    &[*in_features, kernels * kernel_dim],
                    device,
                )?;
                self.add(p("T"), t, true)?;
            }
            _ => {}
        }
        Ok(())
    }

    /// The variable with this full name.
    pub fn get(&self, name: &str) -> Option<&Var> {
        self.index.get(name)
    }

    /// Every variable (trainable and buffer) with its current value.
    pub fn named_tensors(&self) -> Vec<(String, Tensor)> {
        self.index
            .iter()
            .map(|(n, v)| (n.clone(), v.as_tensor().clone()))
            .collect()
    }

    /// Number of trainable scalars.
    pub fn trainable_count(&self) -> usize {
        self.trainable.iter().map(|(_, v)| v.elem_count()).sum()
    }
}

/// A layer's own initialiser wins over the run's default.
fn pick(own: Init, default: Init) -> Init {
    if own == Init::Default {
        default
    } else {
        own
    }
}
