//! Fully connected layer.

use candle_core::{Result, Tensor};

use super::error::{expect_rank, expect_shape, LayerError};

/// `y = x w^T + b`.
///
/// Shapes: `x` is `[..., in]` (rank >= 1), `w` is `[out, in]`, `b` is `[out]`;
/// the result is `[..., out]`. Leading dimensions are folded into one matrix product.
pub fn linear(x: &Tensor, w: &Tensor, b: Option<&Tensor>) -> Result<Tensor> {
    const OP: &str = "linear";
    expect_rank(OP, "w", w, &[2], "rank 2 ([out, in])")?;
    let (out, inp) = w.dims2()?;
    if x.rank() == 0 || x.dims()[x.rank() - 1] != inp {
        let mut expected = x.dims().to_vec();
        match expected.last_mut() {
            Some(last) => *last = inp,
            None => expected.push(inp),
        }
        return Err(LayerError::Shape {
            op: OP,
            arg: "x",
            expected,
            got: x.dims().to_vec(),
        }
        .into());
    }
    let lead = &x.dims()[..x.rank() - 1];
    let rows: usize = lead.iter().product();
    let y = x.reshape((rows, inp))?.matmul(&w.t()?)?;
    let y = match b {
        Some(b) => {
            expect_shape(OP, "b", b, &[out])?;
            y.broadcast_add(b)?
        }
        None => y,
    };
    let mut out_dims = lead.to_vec();
    out_dims.push(out);
    y.reshape(out_dims)
}
