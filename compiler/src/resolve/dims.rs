//! Compile-time integer arithmetic: `dims` constants, shape dimensions and layer arguments.

use crate::ast::{BinOp, Expr, ExprKind};
use crate::diagnostics::{codes, Diagnostic};
use std::collections::HashMap;

/// Named integer constants in scope (`dims`, block parameters).
#[derive(Debug, Clone, Default)]
pub struct DimEnv {
    values: HashMap<String, i64>,
}

impl DimEnv {
    /// An empty environment.
    pub fn new() -> Self {
        Self::default()
    }

    /// Binds `name` to `value`, replacing an earlier binding.
    pub fn insert(&mut self, name: impl Into<String>, value: i64) {
        self.values.insert(name.into(), value);
    }

    /// The value of `name`.
    pub fn get(&self, name: &str) -> Option<i64> {
        self.values.get(name).copied()
    }

    /// All names, for did-you-mean suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.values.keys().map(String::as_str)
    }

    /// Evaluates an integer expression; reports unknown names, overflow, division by zero and
    /// inexact division.
    pub fn eval(&self, expr: &Expr) -> Result<i64, Diagnostic> {
        match &expr.kind {
            ExprKind::Int(text) => text.parse::<i64>().map_err(|_| {
                Diagnostic::error(
                    codes::INT_OVERFLOW,
                    expr.span,
                    "integer literal is too large",
                )
                .with_primary_text(format!("larger than {}", i64::MAX))
                .with_help("dimensions and counts must fit in a 64-bit signed integer")
            }),
            ExprKind::Name(name) => self.get(name).ok_or_else(|| {
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_DIM,
                    expr.span,
                    format!("unknown dimension `{name}`"),
                )
                .with_primary_text("not defined in `dims` or as a block parameter");
                if let Some(s) = crate::suggest::did_you_mean(name, self.names()) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                } else {
                    d = d.with_help(format!("define it: `dims {{ {name} = ... }}`"));
                }
                d
            }),
            ExprKind::Neg(inner) => {
                let v = self.eval(inner)?;
                v.checked_neg().ok_or_else(|| overflow(expr))
            }
            ExprKind::Binary(op, lhs, rhs) => {
                let a = self.eval(lhs)?;
                let b = self.eval(rhs)?;
                let r = match op {
                    BinOp::Add => a.checked_add(b),
                    BinOp::Sub => a.checked_sub(b),
                    BinOp::Mul => a.checked_mul(b),
                    BinOp::Div => {
                        if b == 0 {
                            return Err(Diagnostic::error(
                                codes::DIM_DIV_ZERO,
                                rhs.span,
                                "division by zero in a dimension",
                            )
                            .with_primary_text("this is 0")
                            .with_help("dimensions are divided exactly by positive integers"));
                        }
                        if a % b != 0 {
                            return Err(Diagnostic::error(
                                codes::DIM_INEXACT_DIV,
                                expr.span,
                                format!("{a} is not divisible by {b}"),
                            )
                            .with_primary_text(format!("{a} / {b} leaves a remainder of {}", a % b))
                            .with_help(format!(
                                "dimensions divide exactly; the nearest multiples of {b} are {} and {}",
                                a - a % b,
                                a - a % b + b
                            )));
                        }
                        a.checked_div(b)
                    }
                };
                r.ok_or_else(|| overflow(expr))
            }
            _ => Err(Diagnostic::error(
                codes::NOT_A_DIM,
                expr.span,
                "expected an integer expression",
            )
            .with_primary_text("not an integer")
            .with_help("write an integer, a `dims` name, or arithmetic with `+ - * /`")),
        }
    }

    /// Evaluates a size that must be at least 1 (a dimension, a channel count, a kernel).
    pub fn eval_positive(&self, expr: &Expr, what: &str) -> Result<usize, Diagnostic> {
        let v = self.eval(expr)?;
        if v < 1 {
            return Err(Diagnostic::error(
                codes::NON_POSITIVE_SIZE,
                expr.span,
                format!("{what} must be positive, got {v}"),
            )
            .with_primary_text(format!("this is {v}"))
            .with_help(format!("{what} must be at least 1")));
        }
        usize::try_from(v).map_err(|_| overflow(expr))
    }
}

fn overflow(expr: &Expr) -> Diagnostic {
    Diagnostic::error(
        codes::INT_OVERFLOW,
        expr.span,
        "integer arithmetic overflows",
    )
    .with_primary_text("the result does not fit in 64 bits")
    .with_help("use smaller dimensions")
}
