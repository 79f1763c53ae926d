//! Reading setting values: numbers, integers, booleans, words, calls and lists.
//!
//! Each reader returns a `ganc::settings::wrong_type` diagnostic that says what was expected and
//! what was written, so that `batch: "64"` is reported at the value with the fix.

use crate::ast::{BinOp, Call, Expr, ExprKind};
use crate::diagnostics::{codes, Diagnostic};
use crate::resolve::dims::DimEnv;

/// A short description of what an expression is, for "expected X, found Y" messages.
pub fn describe(expr: &Expr) -> &'static str {
    match &expr.kind {
        ExprKind::Int(_) => "an integer",
        ExprKind::Float(_) => "a number",
        ExprKind::Str(_) => "a string",
        ExprKind::Name(_) => "a name",
        ExprKind::List(_) => "a list",
        ExprKind::Neg(_) | ExprKind::Binary(..) => "arithmetic",
        ExprKind::Call(_) => "a call",
        ExprKind::Member(..) => "a member access",
        ExprKind::Chain(..) => "a `->` chain",
        ExprKind::Repeat(..) => "a repeat",
    }
}

/// The wrong-type diagnostic for `what` (a setting or argument name).
pub fn wrong_type(expr: &Expr, what: &str, expected: &str, example: &str) -> Diagnostic {
    Diagnostic::error(
        codes::SETTING_WRONG_TYPE,
        expr.span,
        format!("`{what}` expects {expected}, found {}", describe(expr)),
    )
    .with_primary_text(format!("expected {expected}"))
    .with_help(format!("write it as `{what}: {example}`"))
}

/// A constant number: literals, negation and arithmetic between numbers.
pub fn number(expr: &Expr, what: &str) -> Result<f64, Diagnostic> {
    fold(expr).ok_or_else(|| wrong_type(expr, what, "a number", "0.5"))
}

fn fold(expr: &Expr) -> Option<f64> {
    match &expr.kind {
        ExprKind::Int(t) => t.parse::<f64>().ok(),
        ExprKind::Float(v) => Some(*v),
        ExprKind::Neg(e) => fold(e).map(|v| -v),
        ExprKind::Binary(op, a, b) => {
            let (a, b) = (fold(a)?, fold(b)?);
            let v = match op {
                BinOp::Add => a + b,
                BinOp::Sub => a - b,
                BinOp::Mul => a * b,
                BinOp::Div => a / b,
            };
            v.is_finite().then_some(v)
        }
        _ => None,
    }
}

/// A non-negative integer count (dims names and arithmetic allowed).
pub fn count(expr: &Expr, what: &str, dims: &DimEnv) -> Result<u64, Diagnostic> {
    if !is_integer_expr(expr) {
        return Err(wrong_type(expr, what, "an integer", "64"));
    }
    let v = dims.eval(expr)?;
    u64::try_from(v).map_err(|_| {
        Diagnostic::error(
            codes::SETTING_OUT_OF_RANGE,
            expr.span,
            format!("`{what}` must not be negative, got {v}"),
        )
        .with_primary_text(format!("this is {v}"))
        .with_help(format!("`{what}` counts something: use 0 or more"))
    })
}

/// A count that must be at least 1.
pub fn positive(expr: &Expr, what: &str, dims: &DimEnv) -> Result<u64, Diagnostic> {
    let v = count(expr, what, dims)?;
    if v == 0 {
        return Err(Diagnostic::error(
            codes::SETTING_OUT_OF_RANGE,
            expr.span,
            format!("`{what}` must be at least 1, got 0"),
        )
        .with_primary_text("this is 0")
        .with_help(format!("`{what}` must be a positive integer")));
    }
    Ok(v)
}

/// Whether an expression is integer arithmetic (literals, dims names), so that floats and
/// strings get a type error rather than a dims error.
fn is_integer_expr(expr: &Expr) -> bool {
    match &expr.kind {
        ExprKind::Int(_) | ExprKind::Name(_) => true,
        ExprKind::Neg(e) => is_integer_expr(e),
        ExprKind::Binary(_, a, b) => is_integer_expr(a) && is_integer_expr(b),
        _ => false,
    }
}

/// `true` or `false`.
pub fn boolean(expr: &Expr, what: &str) -> Result<bool, Diagnostic> {
    match &expr.kind {
        ExprKind::Name(n) if n == "true" => Ok(true),
        ExprKind::Name(n) if n == "false" => Ok(false),
        _ => Err(wrong_type(expr, what, "`true` or `false`", "true")),
    }
}

/// A bare word such as `train` or `xavier`.
pub fn word<'a>(expr: &'a Expr, what: &str, example: &str) -> Result<&'a str, Diagnostic> {
    match &expr.kind {
        ExprKind::Name(n) => Ok(n),
        _ => Err(wrong_type(expr, what, "a word", example)),
    }
}

/// A string literal.
pub fn string<'a>(expr: &'a Expr, what: &str, example: &str) -> Result<&'a str, Diagnostic> {
    match &expr.kind {
        ExprKind::Str(s) => Ok(s),
        _ => Err(wrong_type(expr, what, "a string", example)),
    }
}

/// A word or call: `xavier` is a call without arguments.
pub fn call_or_word(expr: &Expr) -> Option<(&str, Option<&Call>)> {
    match &expr.kind {
        ExprKind::Name(n) => Some((n, None)),
        ExprKind::Call(c) => Some((&c.callee.name, Some(c))),
        _ => None,
    }
}

/// A list of exactly `n` numbers.
pub fn numbers(expr: &Expr, what: &str, n: usize, example: &str) -> Result<Vec<f64>, Diagnostic> {
    match &expr.kind {
        ExprKind::List(items) if items.len() == n => {
            items.iter().map(|e| number(e, what)).collect()
        }
        _ => Err(wrong_type(
            expr,
            what,
            &format!("a list of {n} numbers"),
            example,
        )),
    }
}
