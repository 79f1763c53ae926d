//! The layer catalogue after resolution: every argument concrete.

use serde::Serialize;

/// Elementwise activation functions.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Activation {
    /// max(x, 0)
    Relu,
    /// max(x, slope * x)
    LeakyRelu(f64),
    /// x if x > 0 else alpha * (exp(x) - 1)
    Elu(f64),
    /// tanh(x)
    Tanh,
    /// 1 / (1 + exp(-x))
    Sigmoid,
    /// log(1 + exp(x))
    Softplus,
}

/// Upsampling interpolation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum UpsampleMode {
    /// Repeat each pixel.
    Nearest,
    /// Bilinear, `align_corners = false` (PyTorch's default).
    Bilinear,
}

/// Pooling reduction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PoolKind {
    /// Mean over the window.
    Avg,
    /// Max over the window.
    Max,
}

/// Padding fill.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum PadMode {
    /// Zeros.
    Zero,
    /// Mirror without repeating the edge (PyTorch's `ReflectionPad2d`).
    Reflect,
}

/// Weight initialisation of a parameterised layer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum Init {
    /// PyTorch's default for the layer (Kaiming-uniform with a = sqrt(5); bias U(+-1/sqrt(fan_in))).
    Default,
    /// Weights N(0, std), biases 0, norm scales N(1, std) (DCGAN uses std 0.02).
    Normal(f64),
    /// Glorot/Xavier uniform with gain 1, biases 0.
    Xavier,
}

/// A resolved operation. Axis numbers count the batch axis as 0.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum Op {
    /// The network's `index`-th input.
    Input {
        /// Position in the signature.
        index: usize,
    },
    /// y = x W^T + b on the last axis.
    Linear {
        /// Input features.
        in_features: usize,
        /// Output features.
        out_features: usize,
        /// Whether a bias is added.
        bias: bool,
        /// Spectral normalisation of W (Miyato et al. 2018).
        spectral: bool,
        /// Initialiser.
        init: Init,
    },
    /// 2-D or 3-D convolution (`kernel.len()` spatial axes), possibly transposed.
    Conv {
        /// Transposed ("deconv") when true.
        transposed: bool,
        /// Input channels.
        in_channels: usize,
        /// Output channels.
        out_channels: usize,
        /// Kernel size per spatial axis.
        kernel: Vec<usize>,
        /// Stride per spatial axis.
        stride: Vec<usize>,
        /// Zero padding per spatial axis (both sides).
        padding: Vec<usize>,
        /// Extra size added to one side of a transposed convolution's output.
        output_padding: Vec<usize>,
        /// Dilation per spatial axis.
        dilation: Vec<usize>,
        /// Whether a bias is added.
        bias: bool,
        /// Spectral normalisation of the kernel.
        spectral: bool,
        /// Initialiser.
        init: Init,
    },
    /// Batch normalisation over all axes but 1 (running statistics as buffers).
    BatchNorm {
        /// Channels (axis 1).
        channels: usize,
        /// Added to the variance.
        eps: f64,
        /// Running-average momentum (PyTorch convention: new = (1-m) old + m batch).
        momentum: f64,
        /// Learnable scale and shift.
        affine: bool,
    },
    /// Virtual batch normalisation: statistics of a fixed reference batch (Salimans et al. 2016).
    VirtualBatchNorm {
        /// Channels (axis 1).
        channels: usize,
        /// Added to the variance.
        eps: f64,
    },
    /// Instance normalisation (per sample and channel over spatial axes).
    InstanceNorm {
        /// Channels.
        channels: usize,
        /// Added to the variance.
        eps: f64,
        /// Learnable scale and shift.
        affine: bool,
    },
    /// Layer normalisation over all non-batch axes, with learnable scale and shift.
    LayerNorm {
        /// The normalised (non-batch) shape.
        shape: Vec<usize>,
        /// Added to the variance.
        eps: f64,
    },
    /// Group normalisation.
    GroupNorm {
        /// Number of groups (divides channels).
        groups: usize,
        /// Channels.
        channels: usize,
        /// Added to the variance.
        eps: f64,
    },
    /// Inverted dropout, active in training only.
    Dropout {
        /// Drop probability in [0, 1).
        p: f64,
    },
    /// An elementwise activation.
    Act(Activation),
    /// Parametric ReLU with one slope per channel (axis 1), initialised to 0.25.
    Prelu {
        /// Channels.
        channels: usize,
    },
    /// Reshape the non-batch axes to `shape`.
    Reshape {
        /// The new non-batch shape.
        shape: Vec<usize>,
    },
    /// Flatten all non-batch axes.
    Flatten,
    /// Spatial upsampling by an integer factor.
    Upsample {
        /// Factor per spatial axis.
        scale: usize,
        /// Interpolation.
        mode: UpsampleMode,
    },
    /// 2-D pooling.
    Pool {
        /// Avg or max.
        kind: PoolKind,
        /// Window size.
        kernel: usize,
        /// Stride.
        stride: usize,
    },
    /// 2-D padding `[left, right, top, bottom]`.
    Pad {
        /// Fill mode.
        mode: PadMode,
        /// Left, right, top, bottom.
        sizes: [usize; 4],
    },
    /// `[C*r*r, H, W] -> [C, H*r, W*r]` (PyTorch's ordering).
    PixelShuffle {
        /// Upscale factor r.
        factor: usize,
    },
    /// Class labels -> learned vectors.
    Embedding {
        /// Number of classes.
        classes: usize,
        /// Vector size.
        dim: usize,
    },
    /// Class labels -> one-hot float vectors.
    OneHot {
        /// Number of classes.
        classes: usize,
    },
    /// Minibatch discrimination (Salimans et al. 2016): appends `kernels` similarity features.
    MinibatchDiscrimination {
        /// Input features A.
        in_features: usize,
        /// Number of kernels B (features appended).
        kernels: usize,
        /// Kernel dimension C.
        kernel_dim: usize,
    },
    /// Concatenate the inputs along `axis`.
    Concat {
        /// Axis (1 = channels / features).
        axis: usize,
    },
    /// Elementwise sum of two inputs of equal shape.
    Add,
    /// Elementwise difference.
    Sub,
    /// Elementwise product.
    Mul,
    /// Multiply by a constant.
    Scale(f64),
    /// Add a constant.
    Shift(f64),
}

impl Op {
    /// The layer's name as written in `.gan` (used for node names and tables).
    pub fn keyword(&self) -> &'static str {
        match self {
            Op::Input { .. } => "input",
            Op::Linear { .. } => "linear",
            Op::Conv {
                transposed: false,
                kernel,
                ..
            } if kernel.len() == 3 => "conv3d",
            Op::Conv {
                transposed: true,
                kernel,
                ..
            } if kernel.len() == 3 => "deconv3d",
            Op::Conv {
                transposed: false, ..
            } => "conv",
            Op::Conv {
                transposed: true, ..
            } => "deconv",
            Op::BatchNorm { .. } => "batchnorm",
            Op::VirtualBatchNorm { .. } => "virtual_batchnorm",
            Op::InstanceNorm { .. } => "instancenorm",
            Op::LayerNorm { .. } => "layernorm",
            Op::GroupNorm { .. } => "groupnorm",
            Op::Dropout { .. } => "dropout",
            Op::Act(Activation::Relu) => "relu",
            Op::Act(Activation::LeakyRelu(_)) => "leaky_relu",
            Op::Act(Activation::Elu(_)) => "elu",
            Op::Act(Activation::Tanh) => "tanh",
            Op::Act(Activation::Sigmoid) => "sigmoid",
            Op::Act(Activation::Softplus) => "softplus",
            Op::Prelu { .. } => "prelu",
            Op::Reshape { .. } => "reshape",
            Op::Flatten => "flatten",
            Op::Upsample { .. } => "upsample",
            Op::Pool {
                kind: PoolKind::Avg,
                ..
            } => "avgpool",
            Op::Pool {
                kind: PoolKind::Max,
                ..
            } => "maxpool",
            Op::Pad {
                mode: PadMode::Zero,
                ..
            } => "zeropad",
            Op::Pad {
                mode: PadMode::Reflect,
                ..
            } => "reflectpad",
            Op::PixelShuffle { .. } => "pixel_shuffle",
            Op::Embedding { .. } => "embedding",
            Op::OneHot { .. } => "onehot",
            Op::MinibatchDiscrimination { .. } => "minibatch_discrimination",
            Op::Concat { .. } => "cat",
            Op::Add => "add",
            Op::Sub => "sub",
            Op::Mul => "mul",
            Op::Scale(_) => "scale",
            Op::Shift(_) => "shift",
        }
    }
}
