//! Evaluating body expressions: names, chains, layer stages, arithmetic.

use super::{trail, Cx, Frame, V};
use crate::ast::{BinOp, Call, Expr, ExprKind};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{Op, ValueType};
use crate::layers::{self, Ctx};
use crate::source::Span;

/// Most repetitions of one `repeat`.
pub const MAX_REPEAT: i64 = 1024;

impl Cx<'_> {
    /// The value of an expression.
    pub(super) fn eval(&mut self, e: &Expr, f: &mut Frame) -> V {
        match &e.kind {
            ExprKind::Name(n) => f.lookup(n).unwrap_or(V::Poison),
            ExprKind::Int(t) => t.parse::<f64>().map_or(V::Poison, V::Num),
            ExprKind::Float(x) => V::Num(*x),
            ExprKind::Neg(a) => {
                let v = self.eval(a, f);
                self.arith(BinOp::Mul, (V::Num(-1.0), e.span), (v, a.span), e.span, f)
            }
            ExprKind::Binary(op, a, b) => {
                let va = self.eval(a, f);
                let vb = self.eval(b, f);
                self.arith(*op, (va, a.span), (vb, b.span), e.span, f)
            }
            ExprKind::Call(c) => self.head_call(c, e.span, f),
            ExprKind::Chain(head, stages) => {
                let mut v = self.eval(head, f);
                for s in stages {
                    v = self.stage(s, v, f);
                }
                v
            }
            ExprKind::Member(..) | ExprKind::Str(_) | ExprKind::List(_) | ExprKind::Repeat(..) => {
                self.diags.push(
                    Diagnostic::error(
                        codes::NOT_A_TENSOR,
                        e.span,
                        "this is not a tensor expression",
                    )
                    .with_primary_text("not allowed in a network body")
                    .with_help("network bodies combine inputs and bindings with layers, `cat`, `+`, `-`, `*`"),
                );
                V::Poison
            }
        }
    }

    /// Applies one chain stage to `input`.
    pub(super) fn stage(&mut self, s: &Expr, input: V, f: &mut Frame) -> V {
        let input = match input {
            V::T(_) => input,
            V::Poison => return V::Poison,
            V::Num(_) => {
                self.not_a_tensor(s.span);
                return V::Poison;
            }
        };
        match &s.kind {
            ExprKind::Name(n) => {
                if let Some(b) = self.hir.modules[f.module].block(n) {
                    self.instantiate(b, None, s.span, vec![(input, s.span)], f)
                } else if layers::is_layer(n) && n != "cat" && n != "add" {
                    self.layer(n, None, 0, s.span, input, f)
                } else {
                    V::Poison
                }
            }
            ExprKind::Call(c) => {
                let name = c.callee.name.as_str();
                if name == "cat" || name == "add" {
                    let mut ops = vec![(input, self.node_span(input))];
                    for a in &c.args {
                        ops.push((self.eval(a, f), a.span));
                    }
                    let ops_exprs: Vec<Option<&Expr>> = std::iter::once(None)
                        .chain(c.args.iter().map(Some))
                        .collect();
                    self.combine(c, s.span, ops, &ops_exprs, f)
                } else if let Some(b) = self.hir.modules[f.module].block(name) {
                    let mut inputs = vec![(input, s.span)];
                    let params = self.hir.blocks[b].def.params.len();
                    for a in c.args.iter().skip(params) {
                        inputs.push((self.eval(a, f), a.span));
                    }
                    self.instantiate(b, Some(c), s.span, inputs, f)
                } else if layers::is_layer(name) {
                    self.layer(name, Some(c), 0, s.span, input, f)
                } else {
                    V::Poison
                }
            }
            ExprKind::Repeat(count, stages) => {
                let n = match f.consts.ints.eval(count) {
                    Ok(n) if (1..=MAX_REPEAT).contains(&n) => n,
                    Ok(n) => {
                        let (code, why) = if n < 1 {
                            (codes::NON_POSITIVE_SIZE, "at least 1")
                        } else {
                            (codes::GRAPH_TOO_LARGE, "at most 1024")
                        };
                        self.diags.push(
                            Diagnostic::error(
                                code,
                                count.span,
                                format!("`repeat {n}`: the count must be {why}"),
                            )
                            .with_primary_text(format!("this is {n}")),
                        );
                        return V::Poison;
                    }
                    Err(d) => {
                        self.diags.push(d);
                        return V::Poison;
                    }
                };
                let mut v = input;
                for _ in 0..n {
                    for st in stages {
                        v = self.stage(st, v, f);
                    }
                    if v == V::Poison || self.b.exhausted {
                        return V::Poison;
                    }
                }
                v
            }
            _ => {
                self.not_a_tensor(s.span);
                V::Poison
            }
        }
    }

    /// A call in value position: `cat(a, b)`, `add(a, b)`, `onehot(y, 10)`, `blk(64, x)`.
    fn head_call(&mut self, c: &Call, span: Span, f: &mut Frame) -> V {
        let name = c.callee.name.as_str();
        if name == "cat" || name == "add" {
            let ops: Vec<(V, Span)> = c.args.iter().map(|a| (self.eval(a, f), a.span)).collect();
            let exprs: Vec<Option<&Expr>> = c.args.iter().map(Some).collect();
            return self.combine(c, span, ops, &exprs, f);
        }
        if let Some(b) = self.hir.modules[f.module].block(name) {
            let params = self.hir.blocks[b].def.params.len();
            let inputs: Vec<(V, Span)> = c
                .args
                .iter()
                .skip(params)
                .map(|a| (self.eval(a, f), a.span))
                .collect();
            return self.instantiate(b, Some(c), span, inputs, f);
        }
        if !layers::is_layer(name) {
            return V::Poison;
        }
        let Some(first) = c.args.first() else {
            self.diags.push(
                Diagnostic::error(
                    codes::ARG_COUNT,
                    span,
                    format!(
                        "`{name}(...)` written as a value needs its input as the first argument"
                    ),
                )
                .with_help(format!("write `x -> {name}(...)` or `{name}(x, ...)`")),
            );
            return V::Poison;
        };
        let input = self.eval(first, f);
        match input {
            V::T(_) => self.layer(name, Some(c), 1, span, input, f),
            V::Num(_) => {
                self.not_a_tensor(first.span);
                V::Poison
            }
            V::Poison => V::Poison,
        }
    }

    /// Builds a layer node on `input`.
    fn layer(
        &mut self,
        name: &str,
        call: Option<&Call>,
        skip: usize,
        span: Span,
        input: V,
        f: &mut Frame,
    ) -> V {
        let V::T(id) = input else { return V::Poison };
        let ty = self.b.ty(id).clone();
        let cx = Ctx {
            name,
            span,
            call,
            skip,
            consts: &f.consts,
            input: &ty,
        };
        match layers::build(&cx) {
            Ok(built) => {
                self.diags.extend(built.warnings);
                let keyword = built.op.keyword();
                let node_name = f.node_name(keyword);
                self.b
                    .add(
                        &node_name,
                        built.op,
                        vec![id],
                        built.out,
                        built.params,
                        built.buffers,
                        span,
                        &mut self.diags,
                    )
                    .map_or(V::Poison, V::T)
            }
            Err(fail) => {
                let mut d = fail.diag;
                if d.code.name.starts_with("ganc::shape::") {
                    d = self.operand_label(d, id, span);
                }
                if let Some(axis) = fail.axis {
                    if let Some(t) = trail::trail(&self.b, id, axis) {
                        let rank = match &ty {
                            ValueType::Tensor(s) => s.0.len(),
                            ValueType::Class(_) => 0,
                        };
                        d = d.with_note(format!("{} came from: {t}", trail::axis_name(axis, rank)));
                    }
                }
                self.diags.push(d);
                V::Poison
            }
        }
    }

    /// Adds a label with the operand's type at the node that produced it, when that is in the
    /// same file and does not overlap the primary label.
    pub(super) fn operand_label(
        &self,
        d: Diagnostic,
        id: crate::graph::NodeId,
        primary: Span,
    ) -> Diagnostic {
        let node = &self.b.nodes[id.0];
        let s = node.span;
        let overlaps = s.start < primary.end && primary.start < s.end;
        if s.source == primary.source && !overlaps {
            let ty = node.ty.to_string();
            d.with_label(s, ty)
        } else {
            d
        }
    }

    /// Where a value was produced (for operand labels).
    pub(super) fn node_span(&self, v: V) -> Span {
        match v {
            V::T(id) => self.b.nodes[id.0].span,
            _ => Span::default(),
        }
    }

    /// `a op b` on tensors and numbers.
    fn arith(
        &mut self,
        op: BinOp,
        (a, sa): (V, Span),
        (b, sb): (V, Span),
        span: Span,
        f: &mut Frame,
    ) -> V {
        match (a, b) {
            (V::Poison, _) | (_, V::Poison) => V::Poison,
            (V::Num(x), V::Num(y)) => V::Num(match op {
                BinOp::Add => x + y,
                BinOp::Sub => x - y,
                BinOp::Mul => x * y,
                BinOp::Div => x / y,
            }),
            (V::T(x), V::T(y)) => {
                if !(self.tensor_operand(x, sa) && self.tensor_operand(y, sb)) {
                    return V::Poison;
                }
                let node_op = match op {
                    BinOp::Add => Op::Add,
                    BinOp::Sub => Op::Sub,
                    BinOp::Mul => Op::Mul,
                    BinOp::Div => {
                        self.diags.push(
                            Diagnostic::error(
                                codes::NOT_A_TENSOR,
                                span,
                                "tensors cannot be divided by tensors",
                            )
                            .with_help("multiply by a number instead: `0.5 * x`"),
                        );
                        return V::Poison;
                    }
                };
                let (tx, ty) = (self.b.ty(x).clone(), self.b.ty(y).clone());
                if tx != ty {
                    self.diags.push(
                        Diagnostic::error(
                            codes::ELEMENTWISE_MISMATCH,
                            span,
                            format!("`{}` needs equal shapes, got {tx} and {ty}", op.symbol()),
                        )
                        .with_primary_text("elementwise operation")
                        .with_label(sa, tx.to_string())
                        .with_label(sb, ty.to_string())
                        .with_help("make both operands the same shape (no broadcasting), or concatenate with `cat`"),
                    );
                    return V::Poison;
                }
                let name = f.node_name(node_op.keyword());
                self.b
                    .add(&name, node_op, vec![x, y], tx, 0, 0, span, &mut self.diags)
                    .map_or(V::Poison, V::T)
            }
            (V::Num(n), V::T(t)) | (V::T(t), V::Num(n)) => {
                let tensor_first = matches!(a, V::T(_));
                if !self.tensor_operand(t, if tensor_first { sa } else { sb }) {
                    return V::Poison;
                }
                let steps: Vec<Op> = match (op, tensor_first) {
                    (BinOp::Add, _) => vec![Op::Shift(n)],
                    (BinOp::Mul, _) => vec![Op::Scale(n)],
                    (BinOp::Sub, true) => vec![Op::Shift(-n)],
                    (BinOp::Sub, false) => vec![Op::Scale(-1.0), Op::Shift(n)],
                    (BinOp::Div, true) if n != 0.0 => vec![Op::Scale(1.0 / n)],
                    (BinOp::Div, _) => {
                        self.diags.push(
                            Diagnostic::error(
                                codes::NOT_A_TENSOR,
                                span,
                                if tensor_first {
                                    "division of a tensor by zero"
                                } else {
                                    "a number cannot be divided by a tensor"
                                },
                            )
                            .with_help("scale by a non-zero number: `x / 2` or `0.5 * x`"),
                        );
                        return V::Poison;
                    }
                };
                let ty = self.b.ty(t).clone();
                let mut cur = t;
                for st in steps {
                    let name = f.node_name(st.keyword());
                    match self.b.add(
                        &name,
                        st,
                        vec![cur],
                        ty.clone(),
                        0,
                        0,
                        span,
                        &mut self.diags,
                    ) {
                        Some(id) => cur = id,
                        None => return V::Poison,
                    }
                }
                V::T(cur)
            }
        }
    }

    /// Class labels cannot take part in arithmetic.
    fn tensor_operand(&mut self, id: crate::graph::NodeId, span: Span) -> bool {
        if let ValueType::Class(n) = self.b.ty(id) {
            self.diags.push(
                Diagnostic::error(
                    codes::TYPE_MISMATCH,
                    span,
                    format!("class labels (class({n})) cannot be used in arithmetic"),
                )
                .with_primary_text("class labels")
                .with_help("turn them into a tensor first: `onehot(y, n)` or `embed(y, dim)`"),
            );
            return false;
        }
        true
    }
}
