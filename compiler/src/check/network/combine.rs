//! `cat(a, b, ..., axis: 1)` and `add(a, b, ...)`: operands must agree in shape (outside the
//! concatenation axis); mismatches name a binding of the right size when one exists.

use super::{name_of, trail, Cx, Frame, V};
use crate::ast::{Call, Expr};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{NodeId, Op, Shape, ValueType};
use crate::source::Span;

impl Cx<'_> {
    /// Combines operands with `cat` or `add`. `exprs[i]` is operand i's expression when
    /// written as an argument (None for a chain's input).
    pub(super) fn combine(
        &mut self,
        c: &Call,
        span: Span,
        ops: Vec<(V, Span)>,
        exprs: &[Option<&Expr>],
        f: &mut Frame,
    ) -> V {
        let is_cat = c.callee.name == "cat";
        let mut ids = Vec::with_capacity(ops.len());
        for (v, s) in &ops {
            match v {
                V::T(id) => {
                    if let ValueType::Class(_) = self.b.ty(*id) {
                        self.diags.push(
                            Diagnostic::error(
                                codes::TYPE_MISMATCH,
                                *s,
                                format!("`{}` cannot take class labels", c.callee.name),
                            )
                            .with_primary_text(self.b.ty(*id).to_string())
                            .with_help("turn labels into a tensor first: `onehot(y, n)` or `embed(y, dim)`"),
                        );
                        return V::Poison;
                    }
                    ids.push(*id);
                }
                V::Num(_) => {
                    self.not_a_tensor(*s);
                    return V::Poison;
                }
                V::Poison => return V::Poison,
            }
        }
        if ids.len() < 2 {
            self.diags.push(
                Diagnostic::error(
                    codes::ARG_COUNT,
                    span,
                    format!("`{}` needs at least two tensors", c.callee.name),
                )
                .with_help(format!("write `{}(a, b)`", c.callee.name)),
            );
            return V::Poison;
        }
        let mut axis = 1usize;
        for (k, v) in &c.named {
            if is_cat && k.name == "axis" {
                match f.consts.ints.eval_positive(v, "the concatenation axis") {
                    Ok(a) => axis = a,
                    Err(d) => {
                        self.diags.push(d);
                        return V::Poison;
                    }
                }
            } else {
                self.diags.push(
                    Diagnostic::error(
                        codes::UNKNOWN_ARG,
                        k.span,
                        format!("`{}` has no argument `{}`", c.callee.name, k.name),
                    )
                    .with_help(if is_cat {
                        "`cat` accepts `axis:` (1 = channels, the default)"
                    } else {
                        "`add` takes only tensors"
                    }),
                );
                return V::Poison;
            }
        }
        let shapes: Vec<Shape> = ids
            .iter()
            .map(|id| match self.b.ty(*id) {
                ValueType::Tensor(s) => s.clone(),
                ValueType::Class(_) => Shape::default(),
            })
            .collect();
        let rank = shapes[0].0.len();
        if let Some(bad) = shapes.iter().position(|s| s.0.len() != rank) {
            let mut d = Diagnostic::error(
                codes::RANK_MISMATCH,
                c.callee.span,
                format!(
                    "`{}` operands have different ranks: {} and {}",
                    c.callee.name, shapes[0], shapes[bad]
                ),
            )
            .with_primary_text("operands must have the same rank");
            for (i, (_, s)) in ops.iter().enumerate() {
                d = d.with_label(*s, shapes[i].to_string());
            }
            self.diags
                .push(d.with_help("flatten or reshape one operand first"));
            return V::Poison;
        }
        if is_cat && axis > rank {
            self.diags.push(
                Diagnostic::error(
                    codes::RANK_MISMATCH,
                    span,
                    format!("axis {axis} does not exist in {}", shapes[0]),
                )
                .with_help(format!("axes count from 1 (after B) to {rank}")),
            );
            return V::Poison;
        }
        let differs =
            |s: &Shape| (0..rank).any(|i| (!is_cat || i + 1 != axis) && s.0[i] != shapes[0].0[i]);
        if let Some(bad) = shapes.iter().position(differs) {
            self.diags
                .push(self.mismatch(c, is_cat, axis, &ops, exprs, &shapes, &ids, bad, f));
            return V::Poison;
        }
        if is_cat {
            let mut dims = shapes[0].0.clone();
            let total = shapes
                .iter()
                .try_fold(0usize, |acc, s| acc.checked_add(s.0[axis - 1]));
            let Some(total) = total else { return V::Poison };
            dims[axis - 1] = total;
            let ty = match crate::layers::tensor_out(dims, span) {
                Ok(t) => t,
                Err(fail) => {
                    self.diags.push(fail.diag);
                    return V::Poison;
                }
            };
            let name = f.node_name("cat");
            self.b
                .add(
                    &name,
                    Op::Concat { axis },
                    ids,
                    ty,
                    0,
                    0,
                    span,
                    &mut self.diags,
                )
                .map_or(V::Poison, V::T)
        } else {
            let ty = ValueType::Tensor(shapes[0].clone());
            let mut cur = ids[0];
            for next in &ids[1..] {
                let name = f.node_name("add");
                match self.b.add(
                    &name,
                    Op::Add,
                    vec![cur, *next],
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

    #[allow(clippy::too_many_arguments)]
    fn mismatch(
        &self,
        c: &Call,
        is_cat: bool,
        axis: usize,
        ops: &[(V, Span)],
        exprs: &[Option<&Expr>],
        shapes: &[Shape],
        ids: &[NodeId],
        bad: usize,
        f: &Frame,
    ) -> Diagnostic {
        let rank = shapes[0].0.len();
        let label = |i: usize| -> String {
            exprs
                .get(i)
                .copied()
                .flatten()
                .and_then(name_of)
                .map(|n| format!("`{n}`"))
                .unwrap_or_else(|| {
                    if i == 0 {
                        "the chain's input".into()
                    } else {
                        format!("operand {}", i + 1)
                    }
                })
        };
        let diff_axis = (0..rank)
            .find(|&i| (!is_cat || i + 1 != axis) && shapes[bad].0[i] != shapes[0].0[i])
            .unwrap_or(0);
        let axis_word = trail::axis_name(diff_axis, rank);
        let (message, primary) = if is_cat {
            let on = if axis == 1 {
                "the channel axis".to_string()
            } else {
                format!("axis {axis}")
            };
            let need = if axis == 1 && rank == 3 {
                "channel concat needs equal H and W".to_string()
            } else {
                format!("concatenation on axis {axis} needs all other sizes equal")
            };
            (
                format!(
                    "cannot concatenate {} and {} on {on}: {axis_word} differs",
                    label(0),
                    label(bad)
                ),
                need,
            )
        } else {
            (
                format!("cannot add {} and {}: shapes differ", label(0), label(bad)),
                "`add` needs equal shapes".to_string(),
            )
        };
        let code = if is_cat {
            codes::CONCAT_MISMATCH
        } else {
            codes::ELEMENTWISE_MISMATCH
        };
        let mut d = Diagnostic::error(code, c.callee.span, message).with_primary_text(primary);
        for (i, (_, s)) in ops.iter().enumerate() {
            d = d.with_label(*s, shapes[i].to_string());
        }
        // A binding in scope whose shape would fit in place of the odd operand.
        let reference = if bad == 0 { &shapes[1] } else { &shapes[0] };
        let fits = |s: &Shape| {
            s.0.len() == rank
                && (0..rank).all(|i| (is_cat && i + 1 == axis) || s.0[i] == reference.0[i])
        };
        let candidate = f.vars.iter().find_map(|(n, v)| match v {
            V::T(id) if !ids.contains(id) => match self.b.ty(*id) {
                ValueType::Tensor(s) if fits(s) => Some((n.clone(), s.clone())),
                _ => None,
            },
            _ => None,
        });
        if let Some((name, shape)) = candidate {
            let written: Option<Vec<String>> = (0..ops.len())
                .map(|i| {
                    if i == bad {
                        Some(name.clone())
                    } else {
                        exprs
                            .get(i)
                            .copied()
                            .flatten()
                            .and_then(name_of)
                            .map(str::to_string)
                    }
                })
                .collect();
            d = match written {
                Some(args) if exprs.first().copied().flatten().is_some() => d.with_help(format!(
                    "`{name}` is {shape} and would fit: did you mean `{}({})`?",
                    c.callee.name,
                    args.join(", ")
                )),
                _ => d.with_help(format!(
                    "`{name}` is {shape} and would fit in place of {}",
                    label(bad)
                )),
            };
        } else {
            d = d.with_help(format!(
                "make {} {} {} (resample it with `upsample`/`avgpool`, or change the layers before it)",
                label(bad),
                axis_word,
                reference.0[diff_axis]
            ));
        }
        if let Some(t) = trail::trail(&self.b, ids[bad], diff_axis) {
            d = d.with_note(format!("{axis_word} of {} came from: {t}", label(bad)));
        }
        d
    }
}
