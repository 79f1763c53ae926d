//! Checkpoints: named tensors plus run metadata in one safetensors file, written atomically.
//!
//! The metadata (step, generator state, spec hash) travels inside the same file as a U8 tensor
//! holding JSON, under [`META_KEY`]. One file means one rename commits everything: a sidecar
//! would need two renames, and a crash between them would pair new metadata with old tensors.
//!
//! A file is first written under a hidden temporary name in the destination directory, synced,
//! then renamed over the final name and the directory synced, so a crash or a full disk never
//! leaves a partial file under a name [`list_checkpoints`] reports.
//!
//! Names: `ckpt-000001000.safetensors` (step zero-padded to nine digits, so names sort by step)
//! and `final.safetensors`.

use crate::rng::RngState;
use candle_core::{DType, Device, Tensor};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fs::File;
use std::path::{Path, PathBuf};

/// Reserved tensor name that carries the JSON-encoded [`CheckpointMeta`].
pub const META_KEY: &str = "__ganc_meta__";

const EXTENSION: &str = ".safetensors";
const STEP_PREFIX: &str = "ckpt-";
const FINAL_STEM: &str = "final";

/// Errors from writing, reading or listing checkpoints. Every variant names the path involved.
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    /// A file-system operation failed (permission, disk full, missing directory, ...).
    #[error("checkpoint {op} failed for {path}: {source}")]
    Io {
        /// What was being done ("create", "sync", "rename", "read directory", ...).
        op: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// Serialising or deserialising the tensors failed (including I/O errors inside candle).
    #[error("checkpoint tensors in {path}: {source}")]
    Tensors {
        /// The checkpoint file.
        path: PathBuf,
        /// The underlying error.
        source: candle_core::Error,
    },
    /// The caller tried to store a tensor under the reserved metadata name.
    #[error("tensor name {META_KEY:?} is reserved for checkpoint metadata (writing {path})")]
    ReservedName {
        /// The checkpoint that was being written.
        path: PathBuf,
    },
    /// The file has no metadata tensor, or it is not the expected JSON.
    #[error("checkpoint {path} has bad metadata: expected {expected}: {detail}")]
    BadMeta {
        /// The checkpoint file.
        path: PathBuf,
        /// What was expected.
        expected: &'static str,
        /// What was wrong.
        detail: String,
    },
}

/// Run metadata stored with every checkpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CheckpointMeta {
    /// Training step the checkpoint was taken after.
    pub step: u64,
    /// The run generator's position, so a resume draws the same numbers.
    pub rng: RngState,
    /// Hash of the model spec, so a resume with a changed spec can be refused.
    pub spec_hash: String,
}

/// Which checkpoint of a run a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CheckpointId {
    /// Taken during training after this many steps.
    Step(u64),
    /// Taken when training finished; orders after every step checkpoint.
    Final,
}

impl CheckpointId {
    /// The file name for this checkpoint.
    pub fn file_name(self) -> String {
        match self {
            CheckpointId::Step(step) => format!("{STEP_PREFIX}{step:09}{EXTENSION}"),
            CheckpointId::Final => format!("{FINAL_STEM}{EXTENSION}"),
        }
    }

    /// Recognises a checkpoint file name; anything else (temporaries included) gives `None`.
    pub fn parse(file_name: &str) -> Option<Self> {
        let stem = file_name.strip_suffix(EXTENSION)?;
        if stem == FINAL_STEM {
            return Some(CheckpointId::Final);
        }
        let digits = stem.strip_prefix(STEP_PREFIX)?;
        if digits.len() < 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok().map(CheckpointId::Step)
    }
}

/// Writes `tensors` and `meta` to `dir/<id's file name>` atomically and returns that path.
/// An existing checkpoint of the same name is replaced only once the new one is complete.
pub fn save(
    dir: &Path,
    id: CheckpointId,
    tensors: &HashMap<String, Tensor>,
    meta: &CheckpointMeta,
) -> Result<PathBuf, CheckpointError> {
    let path = dir.join(id.file_name());
    if tensors.contains_key(META_KEY) {
        return Err(CheckpointError::ReservedName { path });
    }
    let json = serde_json::to_vec(meta).map_err(|e| CheckpointError::BadMeta {
        path: path.clone(),
        expected: "serialisable metadata",
        detail: e.to_string(),
    })?;
    let meta_len = json.len();
    let meta_tensor = Tensor::from_vec(json, meta_len, &Device::Cpu).map_err(|source| {
        CheckpointError::Tensors {
            path: path.clone(),
            source,
        }
    })?;
    let mut all = tensors.clone();
    all.insert(META_KEY.to_string(), meta_tensor);

    // Same directory, so the rename cannot cross file systems; the pid keeps two processes
    // writing into one run directory from sharing a temporary.
    let tmp = dir.join(format!(".{}.tmp-{}", id.file_name(), std::process::id()));
    let written = write_synced(&all, &tmp).and_then(|()| {
        std::fs::rename(&tmp, &path).map_err(|source| CheckpointError::Io {
            op: "rename",
            path: path.clone(),
            source,
        })
    });
    if let Err(e) = written {
        // Best effort: the temporary is hidden and never listed, so a failed removal is harmless.
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(dir)?;
    Ok(path)
}

/// Reads a checkpoint's tensors (onto `device`) and its metadata.
pub fn load(
    path: &Path,
    device: &Device,
) -> Result<(HashMap<String, Tensor>, CheckpointMeta), CheckpointError> {
    let bytes = std::fs::read(path).map_err(|source| CheckpointError::Io {
        op: "read",
        path: path.to_path_buf(),
        source,
    })?;
    let mut tensors = candle_core::safetensors::load_buffer(&bytes, device).map_err(|source| {
        CheckpointError::Tensors {
            path: path.to_path_buf(),
            source,
        }
    })?;
    let bad = |detail: String| CheckpointError::BadMeta {
        path: path.to_path_buf(),
        expected: "a U8 tensor of JSON under __ganc_meta__",
        detail,
    };
    let meta_tensor = tensors
        .remove(META_KEY)
        .ok_or_else(|| bad("no metadata tensor".to_string()))?;
    if meta_tensor.dtype() != DType::U8 || meta_tensor.rank() != 1 {
        return Err(bad(format!(
            "found {:?} of shape {:?}",
            meta_tensor.dtype(),
            meta_tensor.dims()
        )));
    }
    let json = meta_tensor
        .to_vec1::<u8>()
        .map_err(|e| bad(e.to_string()))?;
    let meta = serde_json::from_slice(&json).map_err(|e| bad(e.to_string()))?;
    Ok((tensors, meta))
}

/// The checkpoints in `dir`, oldest first (step order, `final` last).
pub fn list_checkpoints(dir: &Path) -> Result<Vec<(CheckpointId, PathBuf)>, CheckpointError> {
    let io = |op, source| CheckpointError::Io {
        op,
        path: dir.to_path_buf(),
        source,
    };
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| io("read directory", e))? {
        let entry = entry.map_err(|e| io("read directory", e))?;
        let name = entry.file_name();
        if let Some(id) = name.to_str().and_then(CheckpointId::parse) {
            found.push((id, entry.path()));
        }
    }
    found.sort();
    Ok(found)
}

/// The newest checkpoint in `dir` (`final` if present, else the highest step), if any.
pub fn latest_checkpoint(dir: &Path) -> Result<Option<(CheckpointId, PathBuf)>, CheckpointError> {
    Ok(list_checkpoints(dir)?.pop())
}

/// Serialises to `tmp` and forces the bytes to disk before the caller renames it.
fn write_synced(all: &HashMap<String, Tensor>, tmp: &Path) -> Result<(), CheckpointError> {
    candle_core::safetensors::save(all, tmp).map_err(|source| CheckpointError::Tensors {
        path: tmp.to_path_buf(),
        source,
    })?;
    File::open(tmp)
        .and_then(|f| f.sync_all())
        .map_err(|source| CheckpointError::Io {
            op: "sync",
            path: tmp.to_path_buf(),
            source,
        })
}

/// Makes the rename itself durable. Only Unix can open and sync a directory.
fn sync_dir(dir: &Path) -> Result<(), CheckpointError> {
    if cfg!(unix) {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|source| CheckpointError::Io {
                op: "sync directory",
                path: dir.to_path_buf(),
                source,
            })?;
    }
    Ok(())
}
