//! The run directory `<root>/<model>/<timestamp>/` and the run's side channels: metrics log,
//! progress reporting, Ctrl-C handling, and the spec diff shown when a resume is refused.
//!
//! Layout of one run:
//! ```text
//! runs/dcgan_mnist/20250101-120000/
//!   spec.gan        exact text of the spec the run was started with
//!   spec.sha256     its SHA-256, in `sha256sum` format (`sha256sum -c spec.sha256` works)
//!   settings.json   resolved settings, overrides, device, data dir, ganc version
//!   metrics.jsonl   one JSON object per logged step
//!   checkpoints/    safetensors checkpoints
//!   samples/        sample grids
//! ```
//! Every whole-file write goes through a temporary file and a rename, so a crash never leaves a
//! half-written spec or settings file.

mod atomic;
mod diff;
mod error;
mod interrupt;
mod metrics;
mod progress;
mod timestamp;

pub use diff::spec_diff;
pub use error::RunDirError;
pub use interrupt::{Interrupt, InterruptError, INTERRUPT_EXIT_CODE};
pub use metrics::MetricsWriter;
pub use progress::Progress;
pub use timestamp::{utc_timestamp, utc_timestamp_now};

use sha2::{Digest, Sha256};
use std::io::ErrorKind;
use std::path::{Path, PathBuf};

/// Root under which run directories are created when none is configured.
pub const DEFAULT_ROOT: &str = "runs";

const SPEC_FILE: &str = "spec.gan";
const SPEC_HASH_FILE: &str = "spec.sha256";
const SETTINGS_FILE: &str = "settings.json";
const METRICS_FILE: &str = "metrics.jsonl";
const CHECKPOINTS_DIR: &str = "checkpoints";
const SAMPLES_DIR: &str = "samples";

/// A run directory: where one training run keeps its spec, settings, metrics, checkpoints and
/// samples.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunDir {
    path: PathBuf,
}

impl RunDir {
    /// Creates `<root>/<model>/<UTC now as YYYYMMDD-HHMMSS>/` with its `checkpoints/` and
    /// `samples/` subdirectories. See [`RunDir::create_at`].
    pub fn create(root: &Path, model: &str) -> Result<Self, RunDirError> {
        Self::create_at(root, model, &utc_timestamp_now())
    }

    /// Creates `<root>/<model>/<timestamp>/`; if that exists (two runs started in the same
    /// second), `<timestamp>-2`, `<timestamp>-3`, ... instead. `model` must be a plain name
    /// (letters, digits, `_`, `-`, `.`, not starting with `.`) so it cannot escape `root`.
    pub fn create_at(root: &Path, model: &str, timestamp: &str) -> Result<Self, RunDirError> {
        let plain = |s: &str| {
            !s.is_empty()
                && !s.starts_with('.')
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
        };
        if !plain(model) {
            return Err(RunDirError::BadModelName {
                name: model.to_string(),
                root: root.to_path_buf(),
            });
        }
        let parent = root.join(model);
        std::fs::create_dir_all(&parent).map_err(|source| RunDirError::Io {
            op: "create directory",
            path: parent.clone(),
            source,
        })?;
        // `create_dir` (not `_all`) fails on an existing directory, so two processes racing
        // for the same name cannot both get it.
        let mut suffix = 1u32;
        let path = loop {
            let name = if suffix == 1 {
                timestamp.to_string()
            } else {
                format!("{timestamp}-{suffix}")
            };
            let candidate = parent.join(name);
            match std::fs::create_dir(&candidate) {
                Ok(()) => break candidate,
                Err(e) if e.kind() == ErrorKind::AlreadyExists => suffix += 1,
                Err(source) => {
                    return Err(RunDirError::Io {
                        op: "create directory",
                        path: candidate,
                        source,
                    })
                }
            }
        };
        let dir = RunDir { path };
        for sub in [dir.checkpoints_dir(), dir.samples_dir()] {
            std::fs::create_dir(&sub).map_err(|source| RunDirError::Io {
                op: "create directory",
                path: sub.clone(),
                source,
            })?;
        }
        atomic::sync_dir(&parent)?;
        Ok(dir)
    }

    /// Opens an existing run directory (for resume or sampling). It must be a directory holding
    /// `spec.gan`; missing `checkpoints/` or `samples/` are created again.
    pub fn open(path: &Path) -> Result<Self, RunDirError> {
        if !path.is_dir() {
            return Err(RunDirError::NotARunDir {
                path: path.to_path_buf(),
                expected: "an existing directory",
            });
        }
        let dir = RunDir {
            path: path.to_path_buf(),
        };
        if !dir.spec_path().is_file() {
            return Err(RunDirError::NotARunDir {
                path: path.to_path_buf(),
                expected: "a spec.gan file inside it",
            });
        }
        for sub in [dir.checkpoints_dir(), dir.samples_dir()] {
            std::fs::create_dir_all(&sub).map_err(|source| RunDirError::Io {
                op: "create directory",
                path: sub.clone(),
                source,
            })?;
        }
        Ok(dir)
    }

    /// The run directory itself.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// `checkpoints/`.
    pub fn checkpoints_dir(&self) -> PathBuf {
        self.path.join(CHECKPOINTS_DIR)
    }

    /// `samples/`.
    pub fn samples_dir(&self) -> PathBuf {
        self.path.join(SAMPLES_DIR)
    }

    /// `metrics.jsonl`.
    pub fn metrics_path(&self) -> PathBuf {
        self.path.join(METRICS_FILE)
    }

    /// `spec.gan`.
    pub fn spec_path(&self) -> PathBuf {
        self.path.join(SPEC_FILE)
    }

    /// `spec.sha256`.
    pub fn spec_hash_path(&self) -> PathBuf {
        self.path.join(SPEC_HASH_FILE)
    }

    /// `settings.json`.
    pub fn settings_path(&self) -> PathBuf {
        self.path.join(SETTINGS_FILE)
    }

    /// Writes the exact spec text to `spec.gan` and its hash to `spec.sha256`; returns the hash
    /// (lowercase hex, as [`spec_sha256`]).
    pub fn write_spec(&self, text: &str) -> Result<String, RunDirError> {
        let hash = spec_sha256(text);
        atomic::write_atomic(&self.spec_path(), text.as_bytes())?;
        let line = format!("{hash}  {SPEC_FILE}\n");
        atomic::write_atomic(&self.spec_hash_path(), line.as_bytes())?;
        Ok(hash)
    }

    /// Reads `spec.gan` back, byte for byte.
    pub fn read_spec(&self) -> Result<String, RunDirError> {
        let path = self.spec_path();
        std::fs::read_to_string(&path).map_err(|source| RunDirError::Io {
            op: "read",
            path,
            source,
        })
    }

    /// Reads the hash recorded in `spec.sha256`.
    pub fn read_spec_hash(&self) -> Result<String, RunDirError> {
        let path = self.spec_hash_path();
        let text = std::fs::read_to_string(&path).map_err(|source| RunDirError::Io {
            op: "read",
            path: path.clone(),
            source,
        })?;
        let first = text.split_whitespace().next().unwrap_or("");
        let is_hex = first.len() == 64 && first.bytes().all(|b| b.is_ascii_hexdigit());
        if !is_hex {
            return Err(RunDirError::BadContent {
                path,
                line: 1,
                expected: "a 64-digit hexadecimal SHA-256",
                found: error::excerpt(text.lines().next().unwrap_or("")),
            });
        }
        Ok(first.to_ascii_lowercase())
    }

    /// Writes `settings` to `settings.json` (pretty-printed).
    pub fn write_settings(&self, settings: &serde_json::Value) -> Result<(), RunDirError> {
        let path = self.settings_path();
        let mut bytes =
            serde_json::to_vec_pretty(settings).map_err(|source| RunDirError::Json {
                path: path.clone(),
                expected: "serialisable settings",
                source,
            })?;
        bytes.push(b'\n');
        atomic::write_atomic(&path, &bytes)
    }

    /// Reads `settings.json` back.
    pub fn read_settings(&self) -> Result<serde_json::Value, RunDirError> {
        let path = self.settings_path();
        let bytes = std::fs::read(&path).map_err(|source| RunDirError::Io {
            op: "read",
            path: path.clone(),
            source,
        })?;
        serde_json::from_slice(&bytes).map_err(|source| RunDirError::Json {
            path,
            expected: "a JSON settings document",
            source,
        })
    }
}

/// SHA-256 of the spec text as 64 lowercase hex digits.
pub fn spec_sha256(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}
