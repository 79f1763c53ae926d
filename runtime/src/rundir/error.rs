//! The one error type of the run-directory module.

use std::path::PathBuf;

/// Errors from creating, opening, reading or writing a run directory. Every variant names the
/// path involved, so "disk full" or "permission denied" says where.
#[derive(Debug, thiserror::Error)]
pub enum RunDirError {
    /// A file-system operation failed (permission, disk full, missing file, ...).
    #[error("run directory: {op} failed for {path}: {source}")]
    Io {
        /// What was being done ("create directory", "write", "rename", ...).
        op: &'static str,
        /// The path it was done to.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// A JSON file could not be parsed or a value could not be serialised.
    #[error("run directory: {path}: expected {expected}: {source}")]
    Json {
        /// The file read or written.
        path: PathBuf,
        /// What the file or value should have been.
        expected: &'static str,
        /// The underlying error.
        source: serde_json::Error,
    },
    /// `RunDir::open` was given a path that is not a run directory.
    #[error("{path} is not a run directory: expected {expected}")]
    NotARunDir {
        /// The path given.
        path: PathBuf,
        /// What was missing.
        expected: &'static str,
    },
    /// The model name cannot be used as a directory name.
    #[error(
        "model name {name:?} cannot name a run directory under {root}: expected letters, digits, \
         '_', '-' or '.', not starting with '.'"
    )]
    BadModelName {
        /// The rejected name.
        name: String,
        /// The runs root it would have been created under.
        root: PathBuf,
    },
    /// A file holds something other than what this module wrote there.
    #[error("{path}:{line}: expected {expected}, found {found:?}")]
    BadContent {
        /// The file.
        path: PathBuf,
        /// One-based line number.
        line: usize,
        /// What was expected.
        expected: &'static str,
        /// A short excerpt of what was found.
        found: String,
    },
    /// A metrics record is not a JSON object with an unsigned integer `step`.
    #[error("metrics record for {path}: expected a JSON object with an unsigned integer \"step\", found {found}")]
    BadRecord {
        /// The metrics file the record was meant for.
        path: PathBuf,
        /// The record, serialised (shortened).
        found: String,
    },
}

/// Shortens `text` for an error message, on a character boundary.
pub(crate) fn excerpt(text: &str) -> String {
    const MAX: usize = 80;
    match text.char_indices().nth(MAX) {
        Some((cut, _)) => format!("{}...", &text[..cut]),
        None => text.to_string(),
    }
}
