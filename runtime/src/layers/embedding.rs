//! Lookups by integer index: embedding tables and one-hot codes.

use candle_core::{DType, Result, Tensor};

use super::error::{expect_rank, LayerError};

/// Checks that `idx` is a u32 tensor with every entry below `size`.
fn check_indices(op: &'static str, idx: &Tensor, size: usize) -> Result<()> {
    if idx.dtype() != DType::U32 {
        return Err(LayerError::DType {
            op,
            arg: "idx",
            expected: "u32",
            got: format!("{:?}", idx.dtype()),
        }
        .into());
    }
    let values = idx.flatten_all()?.to_vec1::<u32>()?;
    match values.into_iter().find(|&i| i as usize >= size) {
        Some(index) => Err(LayerError::Index { op, index, size }.into()),
        None => Ok(()),
    }
}

/// Rows of `table` selected by `idx`.
///
/// Shapes: `idx` u32 of any shape `S` with entries `< n`, `table` `[n, d]`; the result is
/// `S + [d]`. The gradient flows to `table` only.
pub fn embedding(idx: &Tensor, table: &Tensor) -> Result<Tensor> {
    const OP: &str = "embedding";
    expect_rank(OP, "table", table, &[2], "rank 2 ([n, d])")?;
    let (n, d) = table.dims2()?;
    check_indices(OP, idx, n)?;
    let mut out = idx.dims().to_vec();
    out.push(d);
    table.index_select(&idx.flatten_all()?, 0)?.reshape(out)
}

/// One-hot codes of `idx` with `n` classes, as `dtype`.
///
/// Shapes: `idx` u32 of any shape `S` with entries `< n`; the result is `S + [n]`.
pub fn one_hot(idx: &Tensor, n: usize, dtype: DType) -> Result<Tensor> {
    check_indices("one_hot", idx, n)?;
    let classes = Tensor::arange(0u32, n as u32, idx.device())?;
    let mut out = idx.dims().to_vec();
    out.push(n);
    idx.unsqueeze(idx.rank())?
        .broadcast_as(out.as_slice())?
        .eq(&classes.broadcast_as(out.as_slice())?)?
        .to_dtype(dtype)
}
