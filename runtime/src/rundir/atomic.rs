//! Whole-file writes that never leave a half-written file under the final name.

use super::RunDirError;
use std::fs::File;
use std::io::Write;
use std::path::Path;

/// Writes `bytes` to `path` through a hidden temporary in the same directory, synced and then
/// renamed over `path`; the directory is synced afterwards so the rename survives a crash.
/// On failure the temporary is removed and `path` keeps its previous content (if any).
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), RunDirError> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Same directory, so the rename cannot cross file systems; the pid keeps two processes
    // writing into one run directory from sharing a temporary.
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let io = |op: &'static str, p: &Path| {
        let p = p.to_path_buf();
        move |source| RunDirError::Io {
            op,
            path: p,
            source,
        }
    };
    let written = File::create(&tmp)
        .map_err(io("create", &tmp))
        .and_then(|mut f| {
            f.write_all(bytes).map_err(io("write", &tmp))?;
            f.sync_all().map_err(io("sync", &tmp))
        })
        .and_then(|()| std::fs::rename(&tmp, path).map_err(io("rename", path)));
    if let Err(e) = written {
        // Best effort: the temporary is hidden, so a failed removal only leaves litter.
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    sync_dir(dir)
}

/// Makes a rename or a new entry durable. Only Unix can open and sync a directory.
pub(crate) fn sync_dir(dir: &Path) -> Result<(), RunDirError> {
    if cfg!(unix) {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(|source| RunDirError::Io {
                op: "sync directory",
                path: dir.to_path_buf(),
                source,
            })?;
    }
    Ok(())
}
