//! Stage 2: names bound, imports loaded, dims evaluated, signatures typed (AST -> [`Hir`]).

mod cycles;
pub mod dims;
mod hir;
mod imports;
mod names;

pub use hir::*;
pub use imports::{LoadError, Loaded};

use crate::ast::{self, ExprKind, Item, Outputs, TypeExpr};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{NetRole, Shape, ValueType};
use crate::source::{SourceId, SourceMap};
use dims::DimEnv;
use std::path::Path;

/// Resolves the main file `file` (already in `sources` as `main`). Imports are read with
/// `load` relative to `main_path`'s folder. Returns the HIR and every diagnostic found.
pub fn resolve(
    file: &ast::File,
    main: SourceId,
    main_path: &Path,
    sources: &mut SourceMap,
    load: &mut dyn FnMut(&Path) -> Result<Loaded, LoadError>,
) -> (Hir, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut loader = imports::Loader::new(sources, load);
    let mut modules = Vec::new();
    let mut blocks = Vec::new();
    loader.module(file, main, main_path, &mut modules, &mut blocks, &mut diags);
    cycles::mark_recursive(&modules, &mut blocks, &mut diags);
    let env = modules.first().map(Module::dim_env).unwrap_or_default();
    let feature_reads = names::feature_reads(file);
    for b in &blocks {
        let visible = &modules[b.module];
        names::check_body(&b.def, visible, &blocks, &feature_reads, &mut diags);
    }
    let mut networks: Vec<HirNetwork> = Vec::new();
    for item in &file.items {
        let Item::Network(def) = item else { continue };
        if let Some(prev) = networks.iter().find(|n| n.name == def.name.name) {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    def.name.span,
                    format!("network `{}` is defined twice", def.name.name),
                )
                .with_primary_text("defined again here")
                .with_label(prev.def.name.span, "first defined here")
                .with_help("rename one of them"),
            );
            continue;
        }
        if let Some(m) = modules.first() {
            names::check_body(def, m, &blocks, &feature_reads, &mut diags);
        }
        networks.push(network(def, &env, &mut diags));
    }
    let hir = Hir {
        name: file.header.name.name.clone(),
        modules,
        blocks,
        networks,
    };
    (hir, diags)
}

/// Evaluates a `dims` section in order; later constants may use earlier ones.
pub fn eval_dims(file: &ast::File, diags: &mut Vec<Diagnostic>) -> Vec<(String, i64)> {
    let mut env = DimEnv::new();
    let mut out: Vec<(String, i64)> = Vec::new();
    let mut spans = Vec::new();
    for item in &file.items {
        let Item::Dims(defs) = item else { continue };
        for d in defs {
            if let Some(i) = out.iter().position(|(n, _)| *n == d.name.name) {
                diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        d.name.span,
                        format!("dimension `{}` is defined twice", d.name.name),
                    )
                    .with_primary_text("defined again here")
                    .with_label(spans[i], "first defined here"),
                );
                continue;
            }
            if d.name.name == "B" {
                diags.push(
                    Diagnostic::error(
                        codes::DUPLICATE_NAME,
                        d.name.span,
                        "`B` is the symbolic batch dimension and cannot be defined",
                    )
                    .with_help("the batch size is set in `train { batch: ... }`"),
                );
                continue;
            }
            match env.eval(&d.value) {
                Ok(v) => {
                    env.insert(d.name.name.clone(), v);
                    out.push((d.name.name.clone(), v));
                    spans.push(d.name.span);
                }
                Err(e) => diags.push(e),
            }
        }
    }
    out
}

fn network(def: &ast::NetworkDef, env: &DimEnv, diags: &mut Vec<Diagnostic>) -> HirNetwork {
    let role = match def.role {
        ast::Role::Generator => NetRole::Generator,
        ast::Role::Discriminator => NetRole::Discriminator,
        ast::Role::Encoder => NetRole::Encoder,
        _ => NetRole::Network,
    };
    let mut ok = true;
    let mut port = |name: &str, ty: &TypeExpr, diags: &mut Vec<Diagnostic>| match port_type(ty, env)
    {
        Ok(t) => Some(HirPort {
            name: name.to_string(),
            ty: t,
            span: ty.span(),
        }),
        Err(e) => {
            diags.push(e);
            ok = false;
            None
        }
    };
    let mut seen: Vec<&ast::Ident> = Vec::new();
    let mut inputs = Vec::new();
    for p in &def.inputs {
        if let Some(prev) = seen.iter().find(|i| i.name == p.name.name) {
            diags.push(
                Diagnostic::error(
                    codes::DUPLICATE_NAME,
                    p.name.span,
                    format!("input `{}` is declared twice", p.name.name),
                )
                .with_label(prev.span, "first declared here"),
            );
        }
        seen.push(&p.name);
        inputs.extend(port(&p.name.name, &p.ty, diags));
    }
    let (outputs, named) = match &def.outputs {
        Outputs::Single(ty) => (port("out", ty, diags).into_iter().collect(), false),
        Outputs::Named(ps) => (
            ps.iter()
                .filter_map(|p| port(&p.name.name, &p.ty, diags))
                .collect::<Vec<_>>(),
            true,
        ),
    };
    HirNetwork {
        name: def.name.name.clone(),
        role,
        inputs: ok.then_some(inputs),
        outputs: ok.then_some(outputs),
        named_outputs: named,
        def: def.clone(),
    }
}

/// The concrete type of a network port: `[B, ...]` with every other dim positive, or
/// `class(n)`.
pub fn port_type(ty: &TypeExpr, env: &DimEnv) -> Result<ValueType, Diagnostic> {
    match ty {
        TypeExpr::Shape(dims, span) => {
            let batch_ok =
                matches!(dims.first().map(|d| &d.kind), Some(ExprKind::Name(n)) if n == "B");
            if !batch_ok {
                let at = dims.first().map(|d| d.span).unwrap_or(*span);
                return Err(Diagnostic::error(
                    codes::BATCH_DIM,
                    at,
                    "a tensor type must start with the batch dimension `B`",
                )
                .with_primary_text("expected `B` here")
                .with_help("write the per-sample shape after `B`, e.g. `[B, 1, 28, 28]`"));
            }
            let mut out = Vec::with_capacity(dims.len() - 1);
            for d in &dims[1..] {
                out.push(env.eval_positive(d, "a dimension")?);
            }
            let fits = out
                .iter()
                .try_fold(1usize, |a, d| a.checked_mul(*d))
                .is_some_and(|n| n <= crate::layers::MAX_ELEMENTS);
            if !fits {
                return Err(Diagnostic::error(
                    codes::TOO_LARGE,
                    *span,
                    format!("{} has too many elements per sample", Shape(out)),
                )
                .with_help(format!(
                    "keep each sample under {} elements",
                    crate::layers::MAX_ELEMENTS
                )));
            }
            Ok(ValueType::Tensor(Shape(out)))
        }
        TypeExpr::Class(n, _) => Ok(ValueType::Class(env.eval_positive(n, "a class count")?)),
        TypeExpr::Int(s) | TypeExpr::Float(s) => Err(Diagnostic::error(
            codes::NOT_A_TENSOR,
            *s,
            "network inputs and outputs are tensors or class labels",
        )
        .with_help("write a shape `[B, ...]` or `class(n)`; scalar parameters belong to blocks")),
    }
}
