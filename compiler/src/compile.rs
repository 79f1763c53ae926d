//! The compile driver: read -> parse -> overrides -> resolve -> check networks -> check
//! the program, collecting the diagnostics of every stage.

use crate::ast;
use crate::check::network::check_networks;
use crate::check::program::{apply_overrides, check_program, mention_overrides, Override};
use crate::diagnostics::{codes, has_errors, Diagnostic};
use crate::graph::Program;
use crate::resolve::{resolve, Hir, LoadError, Loaded};
use crate::source::{SourceMap, Span};
use std::path::{Path, PathBuf};

/// Everything one compilation produced.
#[derive(Debug, Clone, Default)]
pub struct Compilation {
    /// The main file and every imported file (for rendering diagnostics).
    pub sources: SourceMap,
    /// The main file's AST (after overrides), when it parsed.
    pub ast: Option<ast::File>,
    /// The resolved program, when the main file parsed.
    pub hir: Option<Hir>,
    /// The checked program; present only when there are no errors.
    pub program: Option<Program>,
    /// Every diagnostic of every stage, errors and warnings.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compilation {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        has_errors(&self.diagnostics)
    }
}

/// Reads and compiles the file at `path`. Unreadable or non-UTF-8 files become diagnostics.
pub fn compile_file(path: &Path, overrides: &[Override]) -> Compilation {
    match std::fs::read(path) {
        Ok(bytes) => match String::from_utf8(bytes) {
            Ok(text) => compile_source(path, &text, overrides),
            Err(e) => {
                let valid = e.utf8_error().valid_up_to();
                let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
                read_failure(
                    path,
                    lossy,
                    Diagnostic::error(
                        codes::IO_NOT_UTF8,
                        Span::default(),
                        format!("`{}` is not UTF-8 text", path.display()),
                    )
                    .with_help(format!(
                        "the first invalid byte is at offset {valid}; save the file as UTF-8"
                    )),
                    valid,
                )
            }
        },
        Err(e) => read_failure(
            path,
            String::new(),
            Diagnostic::error(
                codes::IO_READ,
                Span::default(),
                format!("cannot read `{}`: {e}", path.display()),
            )
            .with_help("check the path and the file's permissions"),
            0,
        ),
    }
}

fn read_failure(path: &Path, text: String, mut diag: Diagnostic, at: usize) -> Compilation {
    let mut sources = SourceMap::new();
    let end = (at + 1).min(text.len());
    let at = at.min(end);
    let id = sources.add(path.to_path_buf(), text);
    for l in &mut diag.labels {
        l.span = Span::new(id, at, end);
    }
    Compilation {
        sources,
        diagnostics: vec![diag],
        ..Compilation::default()
    }
}

/// Compiles `text` as if read from `path` (imports are resolved relative to `path`).
pub fn compile_source(path: &Path, text: &str, overrides: &[Override]) -> Compilation {
    let mut sources = SourceMap::new();
    let main = sources.add(path.to_path_buf(), text);
    let mut diagnostics = Vec::new();
    let mut file = match crate::parse::parse(main, text) {
        Ok(f) => f,
        Err(errs) => {
            return Compilation {
                sources,
                diagnostics: errs,
                ..Compilation::default()
            }
        }
    };
    let applied = apply_overrides(&mut file, overrides);
    diagnostics.extend(applied.diagnostics);
    // Only later stages' reports can be about an applied value; the overrides' own name their flag.
    let later = diagnostics.len();
    let (hir, mut d) = resolve(&file, main, path, &mut sources, &mut load_import);
    diagnostics.append(&mut d);
    let (networks, mut d) = check_networks(&hir, &sources);
    diagnostics.append(&mut d);
    let (program, mut d) = check_program(&file, &hir.dim_env(), &networks);
    diagnostics.append(&mut d);
    mention_overrides(&mut diagnostics[later..], &applied.sites);
    let program = if has_errors(&diagnostics) {
        None
    } else {
        program
    };
    Compilation {
        sources,
        ast: Some(file),
        hir: Some(hir),
        program,
        diagnostics,
    }
}

/// Reads an imported file; its key is the canonical path so that one file reached by two
/// spellings is loaded once and cycles are found.
fn load_import(path: &Path) -> Result<Loaded, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| LoadError::Missing(e.to_string()))?;
    let text = String::from_utf8(bytes).map_err(|_| LoadError::NotUtf8)?;
    let key = std::fs::canonicalize(path).unwrap_or_else(|_| PathBuf::from(path));
    Ok(Loaded { key, text })
}
