//! Layers written directly with candle_core ops, with DCGAN's initialisation: weights
//! N(0, 0.02), biases 0, batch-norm scale N(1, 0.02) and shift 0 (the `init: normal(0.02)`
//! of the benchmarked specs).

use super::rng::SplitMix;
use candle_core::{DType, Device, Result, Tensor, Var};

/// Initial standard deviation of weights.
const INIT_STD: f64 = 0.02;
/// Batch-norm constants (PyTorch's defaults, which the specs use).
const BN_EPS: f64 = 1e-5;
const BN_MOMENTUM: f64 = 0.1;

/// Every variable of a network by ganc's naming (`G.h.linear.weight`), so the equivalence
/// check can copy ganc's initial values in and compare shapes one by one.
#[derive(Default)]
pub struct Registry {
    /// Variables trained by the optimizer.
    pub trainable: Vec<(String, Var)>,
    /// Batch-norm running statistics.
    pub buffers: Vec<(String, Var)>,
}

/// Creates variables in a [`Registry`].
pub struct Init<'a> {
    pub rng: &'a mut SplitMix,
    pub device: &'a Device,
    pub registry: Registry,
}

impl Init<'_> {
    fn var(&mut self, name: String, t: Tensor, trainable: bool) -> Result<Var> {
        let var = Var::from_tensor(&t)?;
        let list = if trainable {
            &mut self.registry.trainable
        } else {
            &mut self.registry.buffers
        };
        list.push((name, var.clone()));
        Ok(var)
    }

    fn normal(&mut self, name: String, shape: &[usize], mean: f64) -> Result<Var> {
        let n = shape.iter().product();
        let t = Tensor::from_vec(self.rng.normal(n, mean, INIT_STD), shape, self.device)?;
        self.var(name, t, true)
    }

    fn constant(&mut self, name: String, n: usize, value: f32, trainable: bool) -> Result<Var> {
        let t = Tensor::full(value, n, self.device)?;
        self.var(name, t, trainable)
    }
}

/// A fully connected layer; `w` is `[out, in]`.
pub struct Linear {
    w: Var,
    b: Option<Var>,
}

impl Linear {
    /// A layer `inp -> out` named `prefix.weight` / `prefix.bias`.
    pub fn new(init: &mut Init, prefix: &str, inp: usize, out: usize, bias: bool) -> Result<Self> {
        let w = init.normal(format!("{prefix}.weight"), &[out, inp], 0.0)?;
        let b = if bias {
            Some(init.constant(format!("{prefix}.bias"), out, 0.0, true)?)
        } else {
            None
        };
        Ok(Linear { w, b })
    }

    /// `x w^T + b` for `x: [N, in]`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let y = x.matmul(&self.w.as_tensor().t()?)?;
        match &self.b {
            Some(b) => y.broadcast_add(b.as_tensor()),
            None => Ok(y),
        }
    }
}

/// A 2-D convolution or transposed convolution with square kernel, stride and padding.
pub struct Conv {
    w: Var,
    b: Option<Var>,
    stride: usize,
    pad: usize,
    transposed: bool,
}

/// Sizes of a [`Conv`].
pub struct ConvShape {
    pub inp: usize,
    pub out: usize,
    pub k: usize,
    pub stride: usize,
    pub pad: usize,
}

impl Conv {
    /// A convolution; the weight is `[out, in, k, k]`, or `[in, out, k, k]` when transposed.
    pub fn new(
        init: &mut Init,
        prefix: &str,
        s: ConvShape,
        bias: bool,
        transposed: bool,
    ) -> Result<Self> {
        let shape = if transposed {
            [s.inp, s.out, s.k, s.k]
        } else {
            [s.out, s.inp, s.k, s.k]
        };
        let w = init.normal(format!("{prefix}.weight"), &shape, 0.0)?;
        let b = if bias {
            Some(init.constant(format!("{prefix}.bias"), s.out, 0.0, true)?)
        } else {
            None
        };
        Ok(Conv {
            w,
            b,
            stride: s.stride,
            pad: s.pad,
            transposed,
        })
    }

    /// The layer on `x: [N, C, H, W]`, with candle's own padding.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        let w = self.w.as_tensor();
        let y = if self.transposed {
            x.conv_transpose2d(w, self.pad, 0, self.stride, 1)?
        } else {
            x.conv2d(w, self.pad, self.stride, 1, 1)?
        };
        match &self.b {
            Some(b) => y.broadcast_add(&b.as_tensor().reshape((1, (), 1, 1))?),
            None => Ok(y),
        }
    }
}

/// Batch normalisation in training mode, from mean/var ops, over every axis but 1.
pub struct BatchNorm {
    gamma: Var,
    beta: Var,
    running_mean: Var,
    running_var: Var,
}

impl BatchNorm {
    /// Batch norm of `c` channels named `prefix.weight`, `.bias`, `.running_mean`, `.running_var`.
    pub fn new(init: &mut Init, prefix: &str, c: usize) -> Result<Self> {
        Ok(BatchNorm {
            gamma: init.normal(format!("{prefix}.weight"), &[c], 1.0)?,
            beta: init.constant(format!("{prefix}.bias"), c, 0.0, true)?,
            running_mean: init.constant(format!("{prefix}.running_mean"), c, 0.0, false)?,
            running_var: init.constant(format!("{prefix}.running_var"), c, 1.0, false)?,
        })
    }

    /// Normalises with the batch's statistics; `update` moves the running statistics
    /// (unbiased variance, as PyTorch does).
    pub fn forward(&self, x: &Tensor, update: bool) -> Result<Tensor> {
        let dims: Vec<usize> = (0..x.rank()).filter(|&d| d != 1).collect();
        let mut view = vec![1; x.rank()];
        view[1] = x.dim(1)?;
        let mean = x.mean_keepdim(dims.as_slice())?;
        let var = x
            .broadcast_sub(&mean)?
            .sqr()?
            .mean_keepdim(dims.as_slice())?;
        // `x - mean` is formed twice, as ganc's layer does: the same ops in the same order
        // round the same way, so `--verify` can demand equal variables. Forming it once is
        // a little faster but changes the last bits, which Adam amplifies for gradients
        // near zero (docs/performance.md).
        let y = x
            .broadcast_sub(&mean)?
            .broadcast_div(&(&var + BN_EPS)?.sqrt()?)?;
        if update {
            let n = (x.elem_count() / view[1]) as f64;
            let m = BN_MOMENTUM;
            let rm = ((self.running_mean.as_tensor() * (1.0 - m))?
                + (mean.detach().flatten_all()? * m)?)?;
            let unbiased = (var.detach().flatten_all()? * (n / (n - 1.0)))?;
            let rv = ((self.running_var.as_tensor() * (1.0 - m))? + (unbiased * m)?)?;
            self.running_mean.set(&rm)?;
            self.running_var.set(&rv)?;
        }
        y.broadcast_mul(&self.gamma.as_tensor().reshape(view.as_slice())?)?
            .broadcast_add(&self.beta.as_tensor().reshape(view.as_slice())?)
    }
}

/// Leaky ReLU with slope 0.2 as `max(x, 0.2 x)`.
pub fn leaky_relu(x: &Tensor) -> Result<Tensor> {
    x.maximum(&(x * 0.2)?)
}

/// Mean binary cross-entropy of logits `x` against the constant target `t`, in the stable
/// form `relu(x) - x t + log(1 + exp(-|x|))`.
pub fn bce_with_logits(x: &Tensor, t: f64) -> Result<Tensor> {
    let tail = (x.abs()?.neg()?.exp()? + 1.0)?.log()?;
    ((x.relu()? - (x * t)?)? + tail)?.mean_all()
}

/// Mean of `sigmoid(x)`, the D(x) / D(G(z)) readout of DCGAN training logs.
pub fn mean_sigmoid(x: &Tensor) -> Result<f64> {
    (x * 0.5)?
        .tanh()?
        .affine(0.5, 0.5)?
        .mean_all()?
        .to_dtype(DType::F64)?
        .to_scalar::<f64>()
}
