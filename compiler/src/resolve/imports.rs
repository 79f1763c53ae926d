//! Loading imported files: paths relative to the importing file, each file loaded once,
//! cycles reported with the chain of files.

use super::hir::{Block, Module};
use crate::ast::{self, Item};
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{SourceId, SourceMap, Span};
use std::path::{Path, PathBuf};

/// A file read for an import.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// A key identifying the file (its canonical path), used to detect cycles.
    pub key: PathBuf,
    /// Its text.
    pub text: String,
}

/// Why an imported file could not be read.
#[derive(Debug, Clone)]
pub enum LoadError {
    /// The file does not exist or cannot be opened; the OS's message.
    Missing(String),
    /// The file is not UTF-8 text.
    NotUtf8,
}

/// Most files open at once along one import chain.
const MAX_IMPORT_DEPTH: usize = 32;

/// Loads modules recursively.
pub struct Loader<'a> {
    sources: &'a mut SourceMap,
    load: &'a mut dyn FnMut(&Path) -> Result<Loaded, LoadError>,
    /// Files currently being loaded (the import chain), by key, with their display path.
    stack: Vec<(PathBuf, String)>,
    /// Files already loaded: key -> module index.
    done: Vec<(PathBuf, usize)>,
}

impl<'a> Loader<'a> {
    /// A loader reading through `load`.
    pub fn new(
        sources: &'a mut SourceMap,
        load: &'a mut dyn FnMut(&Path) -> Result<Loaded, LoadError>,
    ) -> Self {
        Loader {
            sources,
            load,
            stack: Vec::new(),
            done: Vec::new(),
        }
    }

    /// Adds `file` (at `path`, key derived from it) and everything it imports; returns its
    /// module index.
    pub fn module(
        &mut self,
        file: &ast::File,
        source: SourceId,
        path: &Path,
        modules: &mut Vec<Module>,
        blocks: &mut Vec<Block>,
        diags: &mut Vec<Diagnostic>,
    ) -> usize {
        let key = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.module_keyed(file, source, path, key, modules, blocks, diags)
    }

    #[allow(clippy::too_many_arguments)]
    fn module_keyed(
        &mut self,
        file: &ast::File,
        source: SourceId,
        path: &Path,
        key: PathBuf,
        modules: &mut Vec<Module>,
        blocks: &mut Vec<Block>,
        diags: &mut Vec<Diagnostic>,
    ) -> usize {
        let index = modules.len();
        let dims = super::eval_dims(file, diags);
        modules.push(Module {
            path: path.display().to_string(),
            source,
            dims,
            blocks: Vec::new(),
        });
        self.done.push((key.clone(), index));
        self.stack.push((key, path.display().to_string()));
        let mut visible: Vec<(String, usize, Span)> = Vec::new();
        for item in &file.items {
            let Item::Block(def) = item else { continue };
            if let Some((_, _, prev)) = visible.iter().find(|(n, _, _)| *n == def.name.name) {
                diags.push(duplicate_block(&def.name.name, def.name.span, *prev));
                continue;
            }
            blocks.push(Block {
                name: def.name.name.clone(),
                module: index,
                recursive: false,
                def: def.clone(),
            });
            visible.push((def.name.name.clone(), blocks.len() - 1, def.name.span));
        }
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        for item in &file.items {
            let Item::Import(imp) = item else { continue };
            let Some(target) = self.import(imp, &dir, modules, blocks, diags) else {
                continue;
            };
            for name in &imp.names {
                // A module still loading (an import cycle) has its own blocks but not yet
                // its visible table.
                let found = modules[target].block(&name.name).or_else(|| {
                    blocks
                        .iter()
                        .position(|b| b.module == target && b.name == name.name)
                });
                match found {
                    Some(id) => {
                        if let Some((_, _, prev)) = visible.iter().find(|(n, _, _)| *n == name.name)
                        {
                            diags.push(duplicate_block(&name.name, name.span, *prev));
                        } else {
                            visible.push((name.name.clone(), id, name.span));
                        }
                    }
                    None => {
                        let names = blocks
                            .iter()
                            .filter(|b| b.module == target)
                            .map(|b| b.name.as_str());
                        let mut d = Diagnostic::error(
                            codes::IMPORT_MISSING,
                            name.span,
                            format!("`{}` has no block `{}`", imp.path, name.name),
                        )
                        .with_primary_text("not defined there");
                        d = match crate::suggest::did_you_mean(&name.name, names) {
                            Some(s) => d.with_help(format!("did you mean `{s}`?")),
                            None => d.with_help(format!(
                                "blocks in `{}`: {}",
                                imp.path,
                                list(
                                    blocks
                                        .iter()
                                        .filter(|b| b.module == target)
                                        .map(|b| b.name.as_str())
                                )
                            )),
                        };
                        diags.push(d);
                    }
                }
            }
        }
        modules[index].blocks = visible.into_iter().map(|(n, i, _)| (n, i)).collect();
        self.stack.pop();
        index
    }

    fn import(
        &mut self,
        imp: &ast::Import,
        dir: &Path,
        modules: &mut Vec<Module>,
        blocks: &mut Vec<Block>,
        diags: &mut Vec<Diagnostic>,
    ) -> Option<usize> {
        let path = dir.join(&imp.path);
        if self.stack.len() >= MAX_IMPORT_DEPTH {
            diags.push(
                Diagnostic::error(
                    codes::IMPORT_CYCLE,
                    imp.path_span,
                    "imports are nested too deeply",
                )
                .with_help(format!(
                    "at most {MAX_IMPORT_DEPTH} files may import each other in a chain"
                )),
            );
            return None;
        }
        let loaded = match (self.load)(&path) {
            Ok(l) => l,
            Err(e) => {
                let (code, why) = match e {
                    LoadError::Missing(msg) => (codes::IMPORT_MISSING, msg),
                    LoadError::NotUtf8 => (codes::IO_NOT_UTF8, "it is not UTF-8 text".to_string()),
                };
                diags.push(
                    Diagnostic::error(
                        code,
                        imp.path_span,
                        format!("cannot import `{}`: {why}", path.display()),
                    )
                    .with_primary_text("imported here")
                    .with_help("import paths are relative to the importing file"),
                );
                return None;
            }
        };
        if let Some(pos) = self.stack.iter().position(|(k, _)| *k == loaded.key) {
            let mut chain: Vec<String> = self.stack[pos..].iter().map(|(_, p)| p.clone()).collect();
            chain.push(self.stack[pos].1.clone());
            diags.push(
                Diagnostic::error(
                    codes::IMPORT_CYCLE,
                    imp.path_span,
                    format!("import cycle: {}", chain.join(" -> ")),
                )
                .with_primary_text("this import closes the cycle")
                .with_help("move the shared blocks into a file that imports neither"),
            );
            return self
                .done
                .iter()
                .find(|(k, _)| *k == loaded.key)
                .map(|(_, i)| *i);
        }
        if let Some((_, idx)) = self.done.iter().find(|(k, _)| *k == loaded.key) {
            return Some(*idx);
        }
        let source = self.sources.add(path.clone(), loaded.text);
        let text = self.sources.get(source).text.clone();
        match crate::parse::parse(source, &text) {
            Ok(file) => {
                Some(self.module_keyed(&file, source, &path, loaded.key, modules, blocks, diags))
            }
            Err(mut errs) => {
                diags.append(&mut errs);
                None
            }
        }
    }
}

fn duplicate_block(name: &str, span: Span, prev: Span) -> Diagnostic {
    Diagnostic::error(
        codes::DUPLICATE_NAME,
        span,
        format!("block `{name}` is defined twice"),
    )
    .with_primary_text("defined again here")
    .with_label(prev, "first defined here")
    .with_help("rename one of them")
}

fn list<'s>(names: impl Iterator<Item = &'s str>) -> String {
    let v: Vec<String> = names.map(|n| format!("`{n}`")).collect();
    if v.is_empty() {
        "none".to_string()
    } else {
        v.join(", ")
    }
}
