//! Where data files are looked for.

use std::ffi::OsString;
use std::path::{Path, PathBuf};

/// Environment variable naming the data directory.
pub const DATA_DIR_ENV: &str = "GANC_DATA_DIR";

/// The data directory, by precedence: the explicit `cli` value (e.g. `--data-dir`), else the
/// `GANC_DATA_DIR` environment variable when set and non-empty, else `data` relative to the
/// current working directory.
pub fn resolve_data_dir(cli: Option<&Path>) -> PathBuf {
    resolve_data_dir_with(cli, std::env::var_os(DATA_DIR_ENV))
}

/// [`resolve_data_dir`] with the environment value passed in, so callers and tests need not
/// mutate the process environment.
pub fn resolve_data_dir_with(cli: Option<&Path>, env: Option<OsString>) -> PathBuf {
    match (cli, env) {
        (Some(dir), _) => dir.to_path_buf(),
        (None, Some(env)) if !env.is_empty() => PathBuf::from(env),
        _ => PathBuf::from("data"),
    }
}

/// The repository's committed fixtures (`tests/fixtures`), located at compile time from this
/// crate's manifest. Only meaningful where the source tree is present (development, CI); an
/// installed binary should pass its own fallback directories instead.
pub fn bundled_dir() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/fixtures"))
}
