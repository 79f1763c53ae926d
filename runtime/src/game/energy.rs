//! EBGAN's autoencoder judge (Zhao et al. 2017): when the judge's adversarial output has the
//! type of its first input, the output is a reconstruction and the energy of a sample is its
//! mean squared reconstruction error, `E(x) = ||Dec(Enc(x)) - x||^2 / N` (N: values per sample).

use candle_core::{Result, Tensor};
use ganc_compiler::graph::{AdvLoss, Network};

/// Whether output `out` of `net` is a reconstruction whose error is the energy: the loss is
/// `energy` and the output has the same type as the network's first input.
pub fn is_reconstruction(loss: AdvLoss, net: &Network, out: usize) -> bool {
    matches!(loss, AdvLoss::Energy { .. })
        && match (net.inputs.first(), net.outputs.get(out)) {
            (Some(input), Some(output)) => input.ty == output.ty,
            _ => false,
        }
}

/// Per-sample energy `[B]`: the mean over all non-batch axes of `(reconstruction - input)^2`.
pub fn reconstruction_energy(reconstruction: &Tensor, input: &Tensor) -> Result<Tensor> {
    (reconstruction - input)?.sqr()?.flatten_from(1)?.mean(1)
}
