//! NumPy `.npy` files (format versions 1, 2 and 3): little-endian f32, f64 or u8, C order.

use std::path::Path;

use super::bytes::read_maybe_gz;
use super::raw::{Elements, Layout, RawArray};
use super::DataError;

const FORMAT: &str = "NPY";
const MAGIC: &[u8; 6] = b"\x93NUMPY";

/// Reads a `.npy` array of samples (optionally gzip-compressed, detected by content).
///
/// The first axis is the sample axis. `(N,)` and `(N, D)` are vectors, `(N, H, W)` grey images.
/// A 4-D array is taken as NCHW when axis 1 has 1, 3 or 4 entries and axis 3 does not, and as
/// NHWC otherwise. Only C order and little-endian `f4`, `f8` (narrowed to f32) and `u1` are read.
pub fn read_npy(path: &Path) -> Result<RawArray, DataError> {
    let bytes = read_maybe_gz(path)?;
    let file = || path.to_path_buf();
    let bad = |reason: String| DataError::BadHeader {
        file: file(),
        format: FORMAT,
        reason,
    };
    if !bytes.starts_with(MAGIC) {
        return Err(DataError::BadMagic {
            file: file(),
            format: FORMAT,
            expected: "\\x93NUMPY".into(),
            found: format!("{:02x?}", &bytes[..bytes.len().min(6)]),
        });
    }
    let (header_start, header_len) = match bytes.get(6) {
        Some(1) => (
            10,
            bytes
                .get(8..10)
                .map(|b| u16::from_le_bytes([b[0], b[1]]) as usize),
        ),
        Some(2 | 3) => (
            12,
            bytes
                .get(8..12)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize),
        ),
        other => {
            return Err(DataError::Unsupported {
                file: file(),
                format: FORMAT,
                found: format!("format version {other:?}"),
                supported: "versions 1, 2 and 3".into(),
            })
        }
    };
    let header_len = header_len.ok_or_else(|| bad("file ends inside the preamble".into()))?;
    let header_end = header_start + header_len;
    let header = bytes.get(header_start..header_end).ok_or_else(|| {
        bad(format!(
            "header of {header_len} bytes runs past the end of the file"
        ))
    })?;
    let header = std::str::from_utf8(header).map_err(|_| bad("header is not text".into()))?;
    let dict = Header::parse(header).map_err(bad)?;
    if dict.fortran_order {
        return Err(DataError::Unsupported {
            file: file(),
            format: FORMAT,
            found: "fortran_order: True".into(),
            supported: "C order (save with np.ascontiguousarray)".into(),
        });
    }
    let size = match dict.descr.as_str() {
        "<f4" => 4,
        "<f8" => 8,
        "|u1" | "<u1" | ">u1" => 1,
        other => {
            return Err(DataError::Unsupported {
                file: file(),
                format: FORMAT,
                found: format!("dtype '{other}'"),
                supported: "'<f4', '<f8', '|u1'".into(),
            })
        }
    };
    let payload = &bytes[header_end..];
    let expected = dict
        .shape
        .iter()
        .try_fold(size, |acc: usize, &d| acc.checked_mul(d))
        .ok_or_else(|| bad(format!("shape {:?} overflows", dict.shape)))?;
    if payload.len() != expected {
        return Err(DataError::Length {
            file: file(),
            dims: dict.shape,
            expected,
            found: payload.len(),
        });
    }
    let elements = match size {
        4 => Elements::F32(
            payload
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect(),
        ),
        8 => Elements::F32(
            payload
                .chunks_exact(8)
                .map(|c| {
                    f64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]) as f32
                })
                .collect(),
        ),
        _ => Elements::U8(payload.to_vec()),
    };
    let (count, layout) = match dict.shape[..] {
        [n] => (n, Layout::Flat { d: 1 }),
        [n, d] => (n, Layout::Flat { d }),
        [n, h, w] => (n, Layout::Hwc { h, w, c: 1 }),
        [n, a, b, c] if matches!(a, 1 | 3 | 4) && !matches!(c, 1 | 3 | 4) => {
            (n, Layout::Chw { c: a, h: b, w: c })
        }
        [n, h, w, c] => (n, Layout::Hwc { h, w, c }),
        _ => {
            return Err(DataError::Unsupported {
                file: file(),
                format: FORMAT,
                found: format!("shape {:?}", dict.shape),
                supported: "1-D to 4-D arrays with samples on axis 0".into(),
            })
        }
    };
    RawArray::new(path, count, layout, elements)
}

/// The three keys of an `.npy` header dictionary.
struct Header {
    descr: String,
    fortran_order: bool,
    shape: Vec<usize>,
}

impl Header {
    /// Parses the Python dict literal numpy writes, e.g.
    /// `{'descr': '<f8', 'fortran_order': False, 'shape': (200, 25, 25), }`.
    fn parse(text: &str) -> Result<Header, String> {
        let mut cur = Cursor { rest: text.trim() };
        let (mut descr, mut fortran_order, mut shape) = (None, None, None);
        cur.expect('{')?;
        while !cur.eat('}') {
            let key = cur.string()?;
            cur.expect(':')?;
            match key.as_str() {
                "descr" => descr = Some(cur.string()?),
                "fortran_order" => fortran_order = Some(cur.boolean()?),
                "shape" => shape = Some(cur.tuple()?),
                other => return Err(format!("unexpected key '{other}'")),
            }
            if !cur.eat(',') {
                cur.expect('}')?;
                break;
            }
        }
        Ok(Header {
            descr: descr.ok_or("missing 'descr'")?,
            fortran_order: fortran_order.ok_or("missing 'fortran_order'")?,
            shape: shape.ok_or("missing 'shape'")?,
        })
    }
}

/// A position in header text; every method skips leading whitespace.
struct Cursor<'a> {
    rest: &'a str,
}

impl Cursor<'_> {
    fn eat(&mut self, c: char) -> bool {
        self.rest = self.rest.trim_start();
        match self.rest.strip_prefix(c) {
            Some(r) => {
                self.rest = r;
                true
            }
            None => false,
        }
    }

    fn expect(&mut self, c: char) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("expected '{c}' at `{}`", self.snippet()))
        }
    }

    fn snippet(&self) -> String {
        self.rest.chars().take(20).collect()
    }

    fn string(&mut self) -> Result<String, String> {
        self.rest = self.rest.trim_start();
        let quote = match self.rest.chars().next() {
            Some(q @ ('\'' | '"')) => q,
            _ => return Err(format!("expected a quoted string at `{}`", self.snippet())),
        };
        let body = &self.rest[1..];
        let end = body
            .find(quote)
            .ok_or_else(|| format!("unterminated string at `{}`", self.snippet()))?;
        self.rest = &body[end + 1..];
        Ok(body[..end].to_string())
    }

    fn boolean(&mut self) -> Result<bool, String> {
        self.rest = self.rest.trim_start();
        for (word, value) in [("True", true), ("False", false)] {
            if let Some(r) = self.rest.strip_prefix(word) {
                self.rest = r;
                return Ok(value);
            }
        }
        Err(format!("expected True or False at `{}`", self.snippet()))
    }

    fn tuple(&mut self) -> Result<Vec<usize>, String> {
        self.expect('(')?;
        let mut dims = Vec::new();
        while !self.eat(')') {
            self.rest = self.rest.trim_start();
            let digits = self.rest.len()
                - self
                    .rest
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .len();
            let dim = self.rest[..digits]
                .parse()
                .map_err(|_| format!("expected a dimension at `{}`", self.snippet()))?;
            self.rest = &self.rest[digits..];
            dims.push(dim);
            if !self.eat(',') {
                self.expect(')')?;
                break;
            }
        }
        Ok(dims)
    }
}
