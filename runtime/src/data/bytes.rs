//! Reading a whole file, transparently decompressing gzip.

use std::io::Read;
use std::path::Path;

use super::DataError;

/// The two bytes every gzip member starts with (RFC 1952).
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

/// Reads `path` fully; if its content starts with the gzip signature it is decompressed.
///
/// Compression is detected from the bytes, not from the file name, so `train-images-idx3-ubyte`
/// may be compressed and `*.gz` may be plain.
pub fn read_maybe_gz(path: &Path) -> Result<Vec<u8>, DataError> {
    let raw = std::fs::read(path).map_err(|source| DataError::Io {
        file: path.to_path_buf(),
        source,
    })?;
    if !raw.starts_with(&GZIP_MAGIC) {
        return Ok(raw);
    }
    let mut out = Vec::with_capacity(raw.len() * 4);
    flate2::read::MultiGzDecoder::new(&raw[..])
        .read_to_end(&mut out)
        .map_err(|source| DataError::Gzip {
            file: path.to_path_buf(),
            source,
        })?;
    Ok(out)
}
