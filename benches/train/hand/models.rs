//! The two benchmarked architectures, layer for layer as in `examples/mlp_gan_mnist.gan` and
//! `examples/dcgan_mnist.gan`, with forward passes written out.

use super::layers::{leaky_relu, BatchNorm, Conv, ConvShape, Init, Linear};
use candle_core::{Result, Tensor};

/// Latent size of both specs.
pub const Z: usize = 100;

/// A network of the hand-written loop.
pub trait Net {
    /// The output for `x`; `update` moves batch-norm running statistics.
    fn forward(&self, x: &Tensor, update: bool) -> Result<Tensor>;
}

/// Which architecture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Arch {
    /// Fully connected G 100-256-512-1024-784 and D 784-512-256-1.
    Mlp,
    /// DCGAN at 28x28: G linear + two deconvs, D two convs + linear, batch norm in both.
    Dcgan,
}

/// G of the MLP GAN: ReLU hidden layers, tanh output, reshaped to images.
pub struct MlpG([Linear; 4]);

impl MlpG {
    /// Creates the layers.
    pub fn new(init: &mut Init) -> Result<Self> {
        Ok(MlpG([
            Linear::new(init, "G.h.linear", Z, 256, true)?,
            Linear::new(init, "G.h.linear_1", 256, 512, true)?,
            Linear::new(init, "G.h.linear_2", 512, 1024, true)?,
            Linear::new(init, "G.out.linear", 1024, 784, true)?,
        ]))
    }
}

impl Net for MlpG {
    fn forward(&self, z: &Tensor, _update: bool) -> Result<Tensor> {
        let h = self.0[0].forward(z)?.relu()?;
        let h = self.0[1].forward(&h)?.relu()?;
        let h = self.0[2].forward(&h)?.relu()?;
        self.0[3].forward(&h)?.tanh()?.reshape(((), 1, 28, 28))
    }
}

/// D of the MLP GAN: leaky ReLU(0.2) hidden layers, one logit.
pub struct MlpD([Linear; 3]);

impl MlpD {
    /// Creates the layers.
    pub fn new(init: &mut Init) -> Result<Self> {
        Ok(MlpD([
            Linear::new(init, "D.f.linear", 784, 512, true)?,
            Linear::new(init, "D.f.linear_1", 512, 256, true)?,
            Linear::new(init, "D.out.linear", 256, 1, true)?,
        ]))
    }
}

impl Net for MlpD {
    fn forward(&self, x: &Tensor, _update: bool) -> Result<Tensor> {
        let h = leaky_relu(&self.0[0].forward(&x.flatten_from(1)?)?)?;
        let h = leaky_relu(&self.0[1].forward(&h)?)?;
        self.0[2].forward(&h)
    }
}

/// DCGAN G: linear to 128x7x7 with batch norm, deconv to 64x14x14 with batch norm, deconv
/// to 1x28x28, tanh.
pub struct DcganG {
    fc: Linear,
    bn0: BatchNorm,
    up1: Conv,
    bn1: BatchNorm,
    up2: Conv,
}

impl DcganG {
    /// Creates the layers.
    pub fn new(init: &mut Init) -> Result<Self> {
        let deconv = |inp, out| ConvShape {
            inp,
            out,
            k: 4,
            stride: 2,
            pad: 1,
        };
        Ok(DcganG {
            fc: Linear::new(init, "G.h.linear", Z, 128 * 7 * 7, false)?,
            bn0: BatchNorm::new(init, "G.h.batchnorm", 128 * 7 * 7)?,
            up1: Conv::new(init, "G.out.deconv", deconv(128, 64), false, true)?,
            bn1: BatchNorm::new(init, "G.out.batchnorm", 64)?,
            up2: Conv::new(init, "G.out.deconv_1", deconv(64, 1), true, true)?,
        })
    }
}

impl Net for DcganG {
    fn forward(&self, z: &Tensor, update: bool) -> Result<Tensor> {
        let h = self.bn0.forward(&self.fc.forward(z)?, update)?.relu()?;
        let h = h.reshape(((), 128, 7, 7))?;
        let h = self.bn1.forward(&self.up1.forward(&h)?, update)?.relu()?;
        self.up2.forward(&h)?.tanh()
    }
}

/// DCGAN D: conv to 64x14x14, leaky ReLU, conv to 128x7x7 with batch norm, leaky ReLU,
/// linear to one logit.
pub struct DcganD {
    c1: Conv,
    c2: Conv,
    bn: BatchNorm,
    out: Linear,
}

impl DcganD {
    /// Creates the layers.
    pub fn new(init: &mut Init) -> Result<Self> {
        let conv = |inp, out| ConvShape {
            inp,
            out,
            k: 4,
            stride: 2,
            pad: 1,
        };
        Ok(DcganD {
            c1: Conv::new(init, "D.f.conv", conv(1, 64), true, false)?,
            c2: Conv::new(init, "D.f.conv_1", conv(64, 128), false, false)?,
            bn: BatchNorm::new(init, "D.f.batchnorm", 128)?,
            out: Linear::new(init, "D.out.linear", 128 * 7 * 7, 1, true)?,
        })
    }
}

impl Net for DcganD {
    fn forward(&self, x: &Tensor, update: bool) -> Result<Tensor> {
        let h = leaky_relu(&self.c1.forward(x)?)?;
        let h = leaky_relu(&self.bn.forward(&self.c2.forward(&h)?, update)?)?;
        self.out.forward(&h.flatten_from(1)?)
    }
}
