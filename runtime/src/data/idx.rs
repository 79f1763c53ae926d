//! IDX files (the MNIST format): big-endian header `00 00 TYPE NDIM`, NDIM u32 dims, then data.

use std::path::Path;

use super::bytes::read_maybe_gz;
use super::raw::{Elements, Layout, RawArray};
use super::DataError;

const FORMAT: &str = "IDX";

/// Element types this reader decodes, by IDX type code.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum IdxType {
    U8,
    F32,
    F64,
}

impl IdxType {
    fn from_code(code: u8) -> Option<Self> {
        match code {
            0x08 => Some(IdxType::U8),
            0x0D => Some(IdxType::F32),
            0x0E => Some(IdxType::F64),
            _ => None,
        }
    }

    fn size(self) -> usize {
        match self {
            IdxType::U8 => 1,
            IdxType::F32 => 4,
            IdxType::F64 => 8,
        }
    }
}

/// Header fields and the payload slice of a parsed IDX file.
struct Parsed<'a> {
    kind: IdxType,
    dims: Vec<usize>,
    payload: &'a [u8],
}

/// Reads an IDX sample file (raw or gzip): 2-D `N x D` vectors, 3-D `N x H x W` grey images or
/// 4-D `N x H x W x C` channels-last images, with uint8 (0x08), f32 (0x0D) or f64 (0x0E) data.
pub fn read_idx(path: &Path) -> Result<RawArray, DataError> {
    let bytes = read_maybe_gz(path)?;
    let parsed = parse(path, &bytes)?;
    let (count, layout) = match parsed.dims[..] {
        [n, d] => (n, Layout::Flat { d }),
        [n, h, w] => (n, Layout::Hwc { h, w, c: 1 }),
        [n, h, w, c] => (n, Layout::Hwc { h, w, c }),
        _ => {
            return Err(DataError::Unsupported {
                file: path.to_path_buf(),
                format: FORMAT,
                found: format!("{}-D sample array {:?}", parsed.dims.len(), parsed.dims),
                supported: "2-D (N,D), 3-D (N,H,W) or 4-D (N,H,W,C) samples".into(),
            })
        }
    };
    RawArray::new(path, count, layout, decode(&parsed))
}

/// Reads an IDX label file (raw or gzip): 1-D uint8.
pub fn read_idx_labels(path: &Path) -> Result<Vec<u32>, DataError> {
    let bytes = read_maybe_gz(path)?;
    let parsed = parse(path, &bytes)?;
    if parsed.dims.len() != 1 || parsed.kind != IdxType::U8 {
        return Err(DataError::Unsupported {
            file: path.to_path_buf(),
            format: FORMAT,
            found: format!("{:?} array with dimensions {:?}", parsed.kind, parsed.dims),
            supported: "1-D uint8 labels (idx1-ubyte)".into(),
        });
    }
    Ok(parsed.payload.iter().map(|&b| u32::from(b)).collect())
}

fn parse<'a>(path: &Path, bytes: &'a [u8]) -> Result<Parsed<'a>, DataError> {
    let file = || path.to_path_buf();
    let Some(&[z0, z1, code, ndim]) = bytes.first_chunk::<4>() else {
        return Err(DataError::BadHeader {
            file: file(),
            format: FORMAT,
            reason: format!(
                "file has {} bytes, fewer than the 4-byte magic",
                bytes.len()
            ),
        });
    };
    if z0 != 0 || z1 != 0 {
        return Err(DataError::BadMagic {
            file: file(),
            format: FORMAT,
            expected: "00 00 <type> <ndim>".into(),
            found: format!("{z0:02x} {z1:02x} {code:02x} {ndim:02x}"),
        });
    }
    let kind = IdxType::from_code(code).ok_or_else(|| DataError::Unsupported {
        file: file(),
        format: FORMAT,
        found: format!("type code 0x{code:02x}"),
        supported: "0x08 (uint8), 0x0D (f32), 0x0E (f64)".into(),
    })?;
    let ndim = usize::from(ndim);
    let header_len = 4 + 4 * ndim;
    let Some(dim_bytes) = bytes.get(4..header_len) else {
        return Err(DataError::BadHeader {
            file: file(),
            format: FORMAT,
            reason: format!(
                "{ndim} dimensions need a {header_len}-byte header, file has {} bytes",
                bytes.len()
            ),
        });
    };
    let dims: Vec<usize> = dim_bytes
        .chunks_exact(4)
        .map(|c| u32::from_be_bytes([c[0], c[1], c[2], c[3]]) as usize)
        .collect();
    let payload = &bytes[header_len..];
    let expected = dims
        .iter()
        .try_fold(kind.size(), |acc, &d| acc.checked_mul(d))
        .ok_or_else(|| DataError::BadHeader {
            file: file(),
            format: FORMAT,
            reason: format!("dimensions {dims:?} overflow"),
        })?;
    if payload.len() != expected {
        return Err(DataError::Length {
            file: file(),
            dims,
            expected,
            found: payload.len(),
        });
    }
    Ok(Parsed {
        kind,
        dims,
        payload,
    })
}

fn decode(parsed: &Parsed) -> Elements {
    let p = parsed.payload;
    match parsed.kind {
        IdxType::U8 => Elements::U8(p.to_vec()),
        IdxType::F32 => Elements::F32(
            p.chunks_exact(4)
                .map(|c| f32::from_be_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ),
        IdxType::F64 => Elements::F32(
            p.chunks_exact(8)
                .map(|c| {
                    f64::from_be_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f32
                })
                .collect(),
        ),
    }
}
