//! Block instantiation: parameters evaluated at the call, shape variables of the input
//! signature bound from the actual inputs, the body expanded inline, the output checked.

use super::{trail, Cx, Frame, V};
use crate::ast::{Call, ExprKind, Outputs, Stmt, TypeExpr};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{Shape, ValueType};
use crate::layers::{args::float_value, Consts};
use crate::source::Span;

/// Deepest nesting of block instances.
pub const MAX_DEPTH: usize = 32;

impl Cx<'_> {
    /// Expands block `b` on `inputs` (the chain input first, then extra tensor arguments).
    pub(super) fn instantiate(
        &mut self,
        b: usize,
        call: Option<&Call>,
        span: Span,
        inputs: Vec<(V, Span)>,
        f: &mut Frame,
    ) -> V {
        let hir = self.hir;
        let block = &hir.blocks[b];
        if block.recursive {
            return V::Poison;
        }
        if self.depth >= MAX_DEPTH {
            self.diags.push(
                Diagnostic::error(
                    codes::GRAPH_TOO_LARGE,
                    span,
                    format!("blocks are nested more than {MAX_DEPTH} levels deep"),
                )
                .with_help("flatten the block structure"),
            );
            return V::Poison;
        }
        let mut ids = Vec::new();
        for (v, s) in &inputs {
            match v {
                V::T(id) => ids.push(*id),
                V::Num(_) => {
                    self.not_a_tensor(*s);
                    return V::Poison;
                }
                V::Poison => return V::Poison,
            }
        }
        let def = &block.def;
        let Some(consts) = self.block_params(b, call, span, f) else {
            return V::Poison;
        };
        let mut consts = consts;
        if ids.len() != def.inputs.len() {
            self.diags.push(
                Diagnostic::error(
                    codes::ARG_COUNT,
                    span,
                    format!(
                        "block `{}` takes {} tensor input{} but gets {}",
                        block.name,
                        def.inputs.len(),
                        if def.inputs.len() == 1 { "" } else { "s" },
                        ids.len()
                    ),
                )
                .with_label(def.name.span, "block defined here")
                .with_help("a block used as a stage gets the chain's value as its first input; further inputs follow its parameters: `x -> up(64, skip)`"),
            );
            return V::Poison;
        }
        // Bind shape variables first (names not yet known), then check every dimension.
        for (p, id) in def.inputs.iter().zip(&ids) {
            if let (TypeExpr::Shape(dims, _), ValueType::Tensor(actual)) = (&p.ty, self.b.ty(*id)) {
                if dims.len() == actual.0.len() + 1 {
                    for (d, a) in dims.iter().skip(1).zip(&actual.0) {
                        if let ExprKind::Name(n) = &d.kind {
                            if consts.ints.get(n).is_none() && !consts.floats.contains_key(n) {
                                consts.ints.insert(n.clone(), *a as i64);
                            }
                        }
                    }
                }
            }
        }
        for (p, id) in def.inputs.iter().zip(&ids) {
            let actual = self.b.ty(*id).clone();
            match expected_type(&p.ty, &consts) {
                Ok(want) if want == actual => {}
                Ok(want) => {
                    let mut d = self.input_mismatch(
                        &block.name,
                        &p.name.name,
                        &want,
                        &actual,
                        span,
                        p.ty.span(),
                    );
                    d = self.operand_label(d, *id, span);
                    if let (ValueType::Tensor(w), ValueType::Tensor(a)) = (&want, &actual) {
                        if let Some(axis) =
                            (0..w.0.len().min(a.0.len())).find(|&i| w.0[i] != a.0[i])
                        {
                            if let Some(t) = trail::trail(&self.b, *id, axis) {
                                d = d.with_note(format!(
                                    "{} came from: {t}",
                                    trail::axis_name(axis, a.0.len())
                                ));
                            }
                        }
                    }
                    self.diags.push(d);
                    return V::Poison;
                }
                Err(d) => {
                    self.diags.push(d.with_note(format!(
                        "in block `{}` instantiated at {}",
                        block.name,
                        self.location(span)
                    )));
                    return V::Poison;
                }
            }
        }
        let mut inner = Frame {
            module: block.module,
            consts,
            vars: def
                .inputs
                .iter()
                .zip(&ids)
                .map(|(p, id)| (p.name.name.clone(), V::T(*id)))
                .collect(),
            prefix: format!("{}{}.{}.", f.prefix, f.binding, block.name),
            binding: String::new(),
        };
        let start = self.diags.len();
        self.depth += 1;
        let mut result = V::Poison;
        let mut ret_span = def.name.span;
        for stmt in &def.body {
            match stmt {
                Stmt::Bind(name, e) => {
                    inner.binding = name.name.clone();
                    let v = self.eval(e, &mut inner);
                    inner.vars.push((name.name.clone(), v));
                }
                Stmt::Return(e, _) => {
                    inner.binding = "out".into();
                    result = self.eval(e, &mut inner);
                    ret_span = e.span;
                }
                Stmt::ReturnNamed(_, kw) => self.diags.push(
                    Diagnostic::error(codes::MISSING_RETURN, *kw, "blocks return a single value")
                        .with_help("return one expression; use several blocks for several outputs"),
                ),
            }
        }
        self.depth -= 1;
        if let V::T(id) = result {
            match &def.outputs {
                Outputs::Single(ty) => match expected_type(ty, &inner.consts) {
                    Ok(want) => {
                        if !self.compare_output(&block.name, id, &want, ret_span, ty.span(), None) {
                            result = V::Poison;
                        }
                    }
                    Err(d) => {
                        self.diags.push(d);
                        result = V::Poison;
                    }
                },
                Outputs::Named(ps) => {
                    let at = ps.first().map_or(def.name.span, |p| p.name.span);
                    self.diags.push(
                        Diagnostic::error(codes::MISSING_RETURN, at, "blocks have a single output")
                            .with_help("declare one output type: `-> [B, C, H, W]`"),
                    );
                    result = V::Poison;
                }
            }
        } else if let V::Num(_) = result {
            self.not_a_tensor(ret_span);
            result = V::Poison;
        }
        let site = format!(
            "in block `{}` instantiated at {}",
            block.name,
            self.location(span)
        );
        for d in &mut self.diags[start..] {
            d.notes.push(site.clone());
        }
        result
    }

    /// The block's compile-time parameters evaluated at the call site, on top of the block
    /// module's dims.
    fn block_params(
        &mut self,
        b: usize,
        call: Option<&Call>,
        span: Span,
        f: &Frame,
    ) -> Option<Consts> {
        let block = &self.hir.blocks[b];
        let def = &block.def;
        let mut consts = Consts {
            ints: self.hir.modules[block.module].dim_env(),
            floats: Default::default(),
        };
        // A misspelt named argument was reported by resolve; a "missing" report would repeat it.
        let misspelt = call.is_some_and(|c| {
            c.named
                .iter()
                .any(|(k, _)| !def.params.iter().any(|p| p.name.name == k.name))
        });
        if misspelt {
            return None;
        }
        for (i, p) in def.params.iter().enumerate() {
            let given = call.and_then(|c| {
                c.named
                    .iter()
                    .find(|(k, _)| k.name == p.name.name)
                    .map(|(_, e)| e)
                    .or_else(|| c.args.get(i))
            });
            let Some(e) = given else {
                self.diags.push(
                    Diagnostic::error(
                        codes::ARG_COUNT,
                        span,
                        format!(
                            "block `{}` needs its parameter `{}`",
                            block.name, p.name.name
                        ),
                    )
                    .with_primary_text(format!("`{}` is missing", p.name.name))
                    .with_label(p.name.span, "declared here"),
                );
                return None;
            };
            match &p.ty {
                TypeExpr::Float(_) => match float_value(e, &f.consts) {
                    Some(v) => {
                        consts.floats.insert(p.name.name.clone(), v);
                    }
                    None => {
                        self.diags.push(
                            Diagnostic::error(
                                codes::ARG_TYPE,
                                e.span,
                                format!("`{}` must be a number", p.name.name),
                            )
                            .with_label(p.ty.span(), "declared `float` here"),
                        );
                        return None;
                    }
                },
                _ => {
                    if matches!(e.kind, ExprKind::Float(_)) {
                        self.diags.push(
                            Diagnostic::error(
                                codes::ARG_TYPE,
                                e.span,
                                format!(
                                    "`{}` of block `{}` must be an integer",
                                    p.name.name, block.name
                                ),
                            )
                            .with_primary_text("expected an integer")
                            .with_label(p.ty.span(), "declared `int` here"),
                        );
                        return None;
                    }
                    match f.consts.ints.eval(e) {
                        Ok(v) => consts.ints.insert(p.name.name.clone(), v),
                        Err(d) => {
                            self.diags.push(d);
                            return None;
                        }
                    }
                }
            }
        }
        Some(consts)
    }

    fn input_mismatch(
        &self,
        block: &str,
        input: &str,
        want: &ValueType,
        got: &ValueType,
        span: Span,
        decl: Span,
    ) -> Diagnostic {
        let channels = matches!((want, got), (ValueType::Tensor(w), ValueType::Tensor(g))
            if w.0.len() == g.0.len() && !w.0.is_empty() && w.0[0] != g.0[0]);
        let code = if channels {
            codes::CHANNEL_MISMATCH
        } else {
            codes::BLOCK_INPUT
        };
        let mut d = Diagnostic::error(
            code,
            span,
            format!("block `{block}` expects {want} for `{input}` but gets {got}"),
        )
        .with_primary_text(format!("gets {got}"))
        .with_label(decl, format!("expects {want}"));
        if channels {
            if let (ValueType::Tensor(w), ValueType::Tensor(g)) = (want, got) {
                d = d.with_help(format!(
                    "{} channels arrive where {} are expected: change the layer before it to output {} channels",
                    g.0[0], w.0[0], w.0[0]
                ));
            }
        }
        d
    }
}

/// A signature type evaluated in `consts` (after shape variables are bound).
fn expected_type(ty: &TypeExpr, consts: &Consts) -> Result<ValueType, Diagnostic> {
    match ty {
        TypeExpr::Shape(dims, span) => {
            if !matches!(dims.first().map(|d| &d.kind), Some(ExprKind::Name(n)) if n == "B") {
                return Err(Diagnostic::error(
                    codes::BATCH_DIM,
                    dims.first().map_or(*span, |d| d.span),
                    "a tensor type must start with the batch dimension `B`",
                ));
            }
            let mut out = Vec::with_capacity(dims.len());
            for d in &dims[1..] {
                out.push(consts.ints.eval_positive(d, "a dimension")?);
            }
            Ok(ValueType::Tensor(Shape(out)))
        }
        TypeExpr::Class(n, _) => Ok(ValueType::Class(
            consts.ints.eval_positive(n, "a class count")?,
        )),
        TypeExpr::Int(s) | TypeExpr::Float(s) => Err(Diagnostic::error(
            codes::NOT_A_TENSOR,
            *s,
            "block inputs and outputs are tensors or class labels",
        )),
    }
}
