//! `metrics.jsonl`: one JSON object per logged step, appended and flushed line by line.

use super::error::excerpt;
use super::{atomic, RunDirError};
use serde::Serialize;
use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Appends metrics records to a JSON-lines file. Each record must be a JSON object with an
/// unsigned integer `"step"`, which is what [`MetricsWriter::resume`] filters on.
#[derive(Debug)]
pub struct MetricsWriter {
    path: PathBuf,
    file: File,
}

impl MetricsWriter {
    /// Opens `path` for appending, creating it if needed. Existing lines are kept.
    pub fn create(path: &Path) -> Result<Self, RunDirError> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .map_err(|source| RunDirError::Io {
                op: "open for appending",
                path: path.to_path_buf(),
                source,
            })?;
        Ok(MetricsWriter {
            path: path.to_path_buf(),
            file,
        })
    }

    /// Prepares `path` for a run resumed from the checkpoint at `step`: keeps, byte for byte,
    /// the lines whose `"step"` is at most `step`, drops the later ones (they will be logged
    /// again), rewrites the file atomically and opens it for appending. A missing file is
    /// created empty. A final line without its newline is what a crash mid-write leaves, so it
    /// is dropped; any other line that is not a record is an error naming the line.
    pub fn resume(path: &Path, step: u64) -> Result<Self, RunDirError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(RunDirError::Io {
                    op: "read",
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        let mut kept = String::with_capacity(text.len());
        for (index, line) in text.split_inclusive('\n').enumerate() {
            let complete = line.ends_with('\n');
            let body = line.trim_end_matches(['\n', '\r']);
            if body.trim().is_empty() {
                continue;
            }
            match record_step(body) {
                Some(s) if s <= step && complete => kept.push_str(line),
                Some(_) => {}
                None if !complete => {}
                None => {
                    return Err(RunDirError::BadContent {
                        path: path.to_path_buf(),
                        line: index + 1,
                        expected: "a JSON object with an unsigned integer \"step\"",
                        found: excerpt(body),
                    })
                }
            }
        }
        atomic::write_atomic(path, kept.as_bytes())?;
        Self::create(path)
    }

    /// The file being written.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends `record` as one line and flushes it, so a crash loses at most this line.
    pub fn append<T: Serialize>(&mut self, record: &T) -> Result<(), RunDirError> {
        let value = serde_json::to_value(record).map_err(|source| RunDirError::Json {
            path: self.path.clone(),
            expected: "a serialisable metrics record",
            source,
        })?;
        let has_step = value.get("step").and_then(|s| s.as_u64()).is_some();
        // `to_string` on a `Value` cannot fail: its keys are strings and it holds no foreign types.
        let mut line = value.to_string();
        if !has_step {
            return Err(RunDirError::BadRecord {
                path: self.path.clone(),
                found: excerpt(&line),
            });
        }
        line.push('\n');
        // One `write_all` on an unbuffered file: the whole line reaches the OS in one call.
        self.file
            .write_all(line.as_bytes())
            .and_then(|()| self.file.flush())
            .map_err(|source| RunDirError::Io {
                op: "append",
                path: self.path.clone(),
                source,
            })
    }
}

/// The `"step"` of one metrics line, or `None` if the line is not such a record.
fn record_step(line: &str) -> Option<u64> {
    let value: serde_json::Value = serde_json::from_str(line).ok()?;
    value.get("step")?.as_u64()
}
