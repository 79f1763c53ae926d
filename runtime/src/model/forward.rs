//! Evaluating a network's nodes in topological order.

use super::params::ParamSet;
use crate::layers;
use crate::rng::RunRng;
use candle_core::{DType, Result, Tensor};
use ganc_compiler::graph::{Activation, Network, Node, Op, PadMode, PoolKind, UpsampleMode};
use std::collections::HashMap;

/// Spectral-norm power iterations per forward pass (one, as in Miyato et al. 2018).
const SPECTRAL_ITERATIONS: usize = 1;
const SPECTRAL_EPS: f64 = 1e-12;

/// How a forward pass behaves.
pub struct ForwardMode<'a> {
    /// Training mode: batch statistics, dropout active.
    pub train: bool,
    /// Update running statistics and spectral-norm vectors (off for the second evaluation of
    /// the same batch, e.g. in a generator step, so statistics move once per batch).
    pub update_buffers: bool,
    /// Randomness for dropout.
    pub rng: &'a mut RunRng,
    /// Parameters to use instead of the stored ones (unrolled GANs evaluate the judge with
    /// look-ahead weights), by full name.
    pub overrides: Option<&'a HashMap<String, Tensor>>,
}

/// Reference statistics of virtual batch norm, per node name: (mean, var, reference size).
pub type VbnReference = HashMap<String, (Tensor, Tensor, usize)>;

/// Runs `net` on `inputs` and returns every node's value (index = node id).
pub fn forward(
    net: &Network,
    params: &ParamSet,
    vbn: Option<&VbnReference>,
    inputs: &[Tensor],
    mode: &mut ForwardMode<'_>,
) -> Result<Vec<Tensor>> {
    let mut values: Vec<Tensor> = Vec::with_capacity(net.nodes.len());
    for node in &net.nodes {
        let args: Vec<&Tensor> = node.inputs.iter().map(|i| &values[i.0]).collect();
        let out = eval_node(net, params, vbn, node, &args, inputs, mode)?;
        values.push(out);
    }
    Ok(values)
}

/// Computes the reference statistics of every virtual-batch-norm node on a reference batch
/// (Salimans et al. 2016): the batch is run with ordinary batch statistics at those nodes.
pub fn vbn_reference(
    net: &Network,
    params: &ParamSet,
    inputs: &[Tensor],
    rng: &mut RunRng,
) -> Result<VbnReference> {
    let mut refs = VbnReference::new();
    let mut values: Vec<Tensor> = Vec::with_capacity(net.nodes.len());
    let mut mode = ForwardMode {
        train: true,
        update_buffers: false,
        rng,
        overrides: None,
    };
    for node in &net.nodes {
        let args: Vec<&Tensor> = node.inputs.iter().map(|i| &values[i.0]).collect();
        if let Op::VirtualBatchNorm { .. } = node.op {
            let x = args[0].detach();
            let (mean, var) = layers::reference_stats(&x)?;
            refs.insert(node.name.clone(), (mean, var, x.dim(0)?));
        }
        let out = eval_node(net, params, Some(&refs), node, &args, inputs, &mut mode)?;
        values.push(out);
    }
    Ok(refs)
}

fn param(
    net: &Network,
    params: &ParamSet,
    mode: &ForwardMode<'_>,
    node: &Node,
    suffix: &str,
) -> Result<Tensor> {
    let name = format!("{}.{}.{suffix}", net.name, node.name);
    if let Some(t) = mode.overrides.and_then(|o| o.get(&name)) {
        return Ok(t.clone());
    }
    params
        .get(&name)
        .map(|v| v.as_tensor().clone())
        .ok_or_else(|| candle_core::Error::Msg(format!("missing parameter {name}")))
}

/// The weight after spectral normalisation, updating the stored `u` when allowed.
fn spectral_weight(
    net: &Network,
    params: &ParamSet,
    mode: &ForwardMode<'_>,
    node: &Node,
) -> Result<Tensor> {
    let w = param(net, params, mode, node, "weight")?;
    let u_name = format!("{}.{}.u", net.name, node.name);
    let u_var = params
        .get(&u_name)
        .ok_or_else(|| candle_core::Error::Msg(format!("missing buffer {u_name}")))?;
    let (w_sn, u_new) =
        layers::spectral_norm(&w, u_var.as_tensor(), SPECTRAL_ITERATIONS, SPECTRAL_EPS)?;
    if mode.train && mode.update_buffers {
        u_var.set(&u_new.detach())?;
    }
    Ok(w_sn)
}

fn eval_node(
    net: &Network,
    params: &ParamSet,
    vbn: Option<&VbnReference>,
    node: &Node,
    args: &[&Tensor],
    inputs: &[Tensor],
    mode: &mut ForwardMode<'_>,
) -> Result<Tensor> {
    let x = || args[0];
    Ok(match &node.op {
        Op::Input { index } => inputs.get(*index).cloned().ok_or_else(|| {
            candle_core::Error::Msg(format!("network {} lacks input {index}", net.name))
        })?,
        Op::Linear { bias, spectral, .. } => {
            let w = if *spectral {
                spectral_weight(net, params, mode, node)?
            } else {
                param(net, params, mode, node, "weight")?
            };
            let b = if *bias {
                Some(param(net, params, mode, node, "bias")?)
            } else {
                None
            };
            layers::linear(x(), &w, b.as_ref())?
        }
        Op::Conv {
            transposed,
            kernel,
            stride,
            padding,
            output_padding,
            dilation,
            bias,
            spectral,
            ..
        } => {
            let w = if *spectral {
                spectral_weight(net, params, mode, node)?
            } else {
                param(net, params, mode, node, "weight")?
            };
            let b = if *bias {
                Some(param(net, params, mode, node, "bias")?)
            } else {
                None
            };
            let (s, p, op, d) = (stride[0], padding[0], output_padding[0], dilation[0]);
            match (kernel.len(), transposed) {
                (3, false) => layers::conv3d(x(), &w, b.as_ref(), s, p)?,
                (3, true) => layers::conv_transpose3d(x(), &w, b.as_ref(), s, p, op)?,
                (_, false) => layers::conv2d(x(), &w, b.as_ref(), s, p, d)?,
                (_, true) => layers::conv_transpose2d(x(), &w, b.as_ref(), s, p, op)?,
            }
        }
        Op::BatchNorm {
            eps,
            momentum,
            affine,
            ..
        } => {
            let affine_params = if *affine {
                Some((
                    param(net, params, mode, node, "weight")?,
                    param(net, params, mode, node, "bias")?,
                ))
            } else {
                None
            };
            let ap = affine_params.as_ref().map(|(g, b)| (g, b));
            let rm_name = format!("{}.{}.running_mean", net.name, node.name);
            let rv_name = format!("{}.{}.running_var", net.name, node.name);
            let (rm, rv) = match (params.get(&rm_name), params.get(&rv_name)) {
                (Some(m), Some(v)) => (m, v),
                _ => {
                    return Err(candle_core::Error::Msg(format!(
                        "missing running statistics of {}",
                        node.name
                    )))
                }
            };
            if mode.train {
                let (y, stats) = layers::batch_norm_train(x(), ap, *eps)?;
                if mode.update_buffers {
                    let m = *momentum;
                    let new_mean = ((rm.as_tensor() * (1.0 - m))? + (stats.mean.detach() * m)?)?;
                    let new_var =
                        ((rv.as_tensor() * (1.0 - m))? + (stats.unbiased_var()?.detach() * m)?)?;
                    rm.set(&new_mean)?;
                    rv.set(&new_var)?;
                }
                y
            } else {
                layers::batch_norm_eval(x(), rm.as_tensor(), rv.as_tensor(), ap, *eps)?
            }
        }
        Op::VirtualBatchNorm { eps, .. } => {
            let g = param(net, params, mode, node, "weight")?;
            let b = param(net, params, mode, node, "bias")?;
            match vbn.and_then(|r| r.get(&node.name)) {
                Some((mean, var, n)) => {
                    layers::virtual_batch_norm(x(), mean, var, *n, Some((&g, &b)), *eps)?
                }
                // Before a reference batch exists (the reference pass itself), normalise with
                // the batch's own statistics.
                None => layers::batch_norm_train(x(), Some((&g, &b)), *eps)?.0,
            }
        }
        Op::InstanceNorm { eps, affine, .. } => {
            let ap = if *affine {
                Some((
                    param(net, params, mode, node, "weight")?,
                    param(net, params, mode, node, "bias")?,
                ))
            } else {
                None
            };
            layers::instance_norm(x(), ap.as_ref().map(|(g, b)| (g, b)), *eps)?
        }
        Op::LayerNorm { eps, .. } => {
            let g = param(net, params, mode, node, "weight")?;
            let b = param(net, params, mode, node, "bias")?;
            layers::layer_norm(x(), Some((&g, &b)), *eps)?
        }
        Op::GroupNorm { groups, eps, .. } => {
            let g = param(net, params, mode, node, "weight")?;
            let b = param(net, params, mode, node, "bias")?;
            layers::group_norm(x(), *groups, Some((&g, &b)), *eps)?
        }
        Op::Dropout { p } => {
            if mode.train && *p > 0.0 {
                let mask = mode
                    .rng
                    .bernoulli(x().dims(), 1.0 - p, x().dtype(), x().device())
                    .map_err(|e| candle_core::Error::Msg(e.to_string()))?;
                layers::dropout_with_mask(x(), &mask, *p)?
            } else {
                x().clone()
            }
        }
        Op::Act(act) => match act {
            Activation::Relu => layers::relu(x())?,
            Activation::LeakyRelu(s) => layers::leaky_relu(x(), *s)?,
            Activation::Elu(a) => layers::elu(x(), *a)?,
            Activation::Tanh => layers::tanh(x())?,
            Activation::Sigmoid => layers::sigmoid(x())?,
            Activation::Softplus => layers::softplus(x())?,
        },
        Op::Prelu { .. } => layers::prelu(x(), &param(net, params, mode, node, "weight")?)?,
        Op::Reshape { shape } => {
            let mut full = vec![x().dim(0)?];
            full.extend_from_slice(shape);
            x().reshape(full)?
        }
        Op::Flatten => x().flatten_from(1)?,
        Op::Upsample { scale, mode: m } => match m {
            UpsampleMode::Nearest => layers::upsample_nearest2d(x(), *scale, *scale)?,
            UpsampleMode::Bilinear => {
                let (_, _, h, w) = x().dims4()?;
                layers::upsample_bilinear2d(x(), h * scale, w * scale)?
            }
        },
        Op::Pool {
            kind,
            kernel,
            stride,
        } => match kind {
            PoolKind::Avg => layers::avg_pool2d(x(), *kernel, *stride)?,
            PoolKind::Max => layers::max_pool2d(x(), *kernel, *stride)?,
        },
        Op::Pad { mode: m, sizes } => {
            let [l, r, t, b] = *sizes;
            match m {
                PadMode::Zero => layers::zero_pad2d(x(), l, r, t, b)?,
                PadMode::Reflect => layers::reflection_pad2d(x(), l, r, t, b)?,
            }
        }
        Op::PixelShuffle { factor } => layers::pixel_shuffle(x(), *factor)?,
        Op::Embedding { .. } => layers::embedding(x(), &param(net, params, mode, node, "weight")?)?,
        Op::OneHot { classes } => layers::one_hot(x(), *classes, DType::F32)?,
        Op::MinibatchDiscrimination {
            kernels,
            kernel_dim,
            ..
        } => layers::minibatch_discrimination(
            x(),
            &param(net, params, mode, node, "T")?,
            *kernels,
            *kernel_dim,
        )?,
        Op::Concat { axis } => Tensor::cat(args, *axis)?,
        Op::Add => (args[0] + args[1])?,
        Op::Sub => (args[0] - args[1])?,
        Op::Mul => (args[0] * args[1])?,
        Op::Scale(f) => (x() * *f)?,
        Op::Shift(f) => (x() + *f)?,
    })
}
