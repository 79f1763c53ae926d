//! Argument parsing shared by every layer: positional and named arguments with defaults,
//! typed values, did-you-mean for unknown names.

use crate::ast::{Call, Expr, ExprKind, Ident};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::Init;
use crate::resolve::dims::DimEnv;
use crate::source::Span;
use std::collections::HashMap;

/// Compile-time constants visible to layer arguments: integer dims and block parameters,
/// and float block parameters.
#[derive(Debug, Clone, Default)]
pub struct Consts {
    /// Integer constants (`dims`, `int` block parameters, pattern variables).
    pub ints: DimEnv,
    /// Float block parameters.
    pub floats: HashMap<String, f64>,
}

/// The kind of value an argument takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A positive integer size.
    Size,
    /// A non-negative integer (padding, output padding).
    Count,
    /// A real number.
    Float,
    /// `true` or `false`.
    Bool,
    /// One of the listed words.
    Word(&'static [&'static str]),
    /// An initialiser: `default`, `xavier`, `normal(std)`.
    Init,
    /// One or more non-negative integers: `2` or `[1, 2, 0, 1]`.
    Counts,
}

/// One accepted argument.
#[derive(Debug, Clone, Copy)]
pub struct Spec {
    /// Its name (usable as a named argument).
    pub name: &'static str,
    /// Its short alias (`k` for `kernel`), or "" for none.
    pub alias: &'static str,
    /// What it takes.
    pub kind: Kind,
    /// Whether it may also be given by position (in the order of the spec list).
    pub positional: bool,
}

/// Shorthand for a spec.
pub const fn spec(name: &'static str, alias: &'static str, kind: Kind, positional: bool) -> Spec {
    Spec {
        name,
        alias,
        kind,
        positional,
    }
}

/// A parsed argument value.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// An integer.
    Int(i64),
    /// A real.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// A word from a fixed list.
    Word(String),
    /// An initialiser.
    Init(Init),
    /// Several integers.
    Ints(Vec<i64>),
}

/// The arguments of one call after parsing, by spec position.
#[derive(Debug, Clone)]
pub struct Args {
    values: Vec<Option<(Value, Span)>>,
    specs: &'static [Spec],
    /// Span of the whole call (for errors about missing arguments).
    pub span: Span,
    /// The layer's name as written.
    pub layer: String,
}

impl Args {
    fn index(&self, name: &str) -> usize {
        self.specs
            .iter()
            .position(|s| s.name == name)
            .unwrap_or(usize::MAX)
    }

    /// Where the argument was written, or the call's span.
    pub fn span_of(&self, name: &str) -> Span {
        self.values
            .get(self.index(name))
            .and_then(|v| v.as_ref().map(|(_, s)| *s))
            .unwrap_or(self.span)
    }

    /// Whether the argument was given.
    pub fn given(&self, name: &str) -> bool {
        matches!(self.values.get(self.index(name)), Some(Some(_)))
    }

    fn get(&self, name: &str) -> Option<&Value> {
        self.values
            .get(self.index(name))
            .and_then(|v| v.as_ref().map(|(v, _)| v))
    }

    /// An integer argument, or `default` when absent.
    pub fn int(&self, name: &str, default: Option<i64>) -> Result<usize, Diagnostic> {
        match self.get(name) {
            Some(Value::Int(v)) => usize::try_from(*v).map_err(|_| {
                Diagnostic::error(
                    codes::BAD_ARG,
                    self.span_of(name),
                    format!("`{name}` is negative"),
                )
            }),
            _ => match default {
                Some(d) => Ok(d.max(0) as usize),
                None => Err(Diagnostic::error(
                    codes::ARG_COUNT,
                    self.span,
                    format!("`{}` needs the argument `{name}`", self.layer),
                )
                .with_primary_text(format!("`{name}` is missing"))
                .with_help(format!("write `{}({name}: ...)`", self.layer))),
            },
        }
    }

    /// A float argument, or `default`.
    pub fn float(&self, name: &str, default: f64) -> f64 {
        match self.get(name) {
            Some(Value::Float(v)) => *v,
            Some(Value::Int(v)) => *v as f64,
            _ => default,
        }
    }

    /// A boolean argument, or `default`.
    pub fn bool(&self, name: &str, default: bool) -> bool {
        match self.get(name) {
            Some(Value::Bool(b)) => *b,
            _ => default,
        }
    }

    /// A word argument, or `default`.
    pub fn word(&self, name: &str, default: &'static str) -> String {
        match self.get(name) {
            Some(Value::Word(w)) => w.clone(),
            _ => default.to_string(),
        }
    }

    /// An initialiser, or [`Init::Default`].
    pub fn init(&self) -> Init {
        match self.get("init") {
            Some(Value::Init(i)) => *i,
            _ => Init::Default,
        }
    }

    /// A list of integers (a single integer gives a one-element list).
    pub fn ints(&self, name: &str) -> Option<Vec<usize>> {
        match self.get(name) {
            Some(Value::Ints(v)) => Some(v.iter().map(|x| (*x).max(0) as usize).collect()),
            Some(Value::Int(v)) => Some(vec![(*v).max(0) as usize]),
            _ => None,
        }
    }
}

/// Parses `call`'s arguments (skipping the first `skip` positional ones, which are tensor
/// operands) against `specs`.
pub fn parse(
    layer: &str,
    span: Span,
    call: Option<&Call>,
    skip: usize,
    specs: &'static [Spec],
    consts: &Consts,
) -> Result<Args, Diagnostic> {
    let mut values: Vec<Option<(Value, Span)>> = vec![None; specs.len()];
    let Some(call) = call else {
        return Ok(Args {
            values,
            specs,
            span,
            layer: layer.to_string(),
        });
    };
    let positional: Vec<usize> = (0..specs.len()).filter(|&i| specs[i].positional).collect();
    for (n, arg) in call.args.iter().enumerate().skip(skip) {
        let Some(&i) = positional.get(n - skip) else {
            let names: Vec<&str> = positional.iter().map(|&i| specs[i].name).collect();
            return Err(Diagnostic::error(
                codes::ARG_COUNT,
                arg.span,
                format!(
                    "`{layer}` takes at most {} positional argument{}",
                    positional.len(),
                    if positional.len() == 1 { "" } else { "s" }
                ),
            )
            .with_primary_text("one too many")
            .with_help(if names.is_empty() {
                format!("`{layer}` takes no positional arguments")
            } else {
                format!("the positional arguments are: {}", names.join(", "))
            }));
        };
        values[i] = Some((value(layer, &specs[i], arg, consts)?, arg.span));
    }
    for (key, arg) in &call.named {
        let i = find_named(layer, specs, key)?;
        if values[i].is_some() {
            return Err(Diagnostic::error(
                codes::DUPLICATE_NAME,
                key.span,
                format!("argument `{}` is given twice", specs[i].name),
            )
            .with_primary_text("given again here")
            .with_help("remove one of them"));
        }
        values[i] = Some((value(layer, &specs[i], arg, consts)?, arg.span));
    }
    Ok(Args {
        values,
        specs,
        span,
        layer: layer.to_string(),
    })
}

fn find_named(layer: &str, specs: &[Spec], key: &Ident) -> Result<usize, Diagnostic> {
    if let Some(i) = specs
        .iter()
        .position(|s| s.name == key.name || (!s.alias.is_empty() && s.alias == key.name))
    {
        return Ok(i);
    }
    let names = specs
        .iter()
        .flat_map(|s| [s.name, s.alias])
        .filter(|n| !n.is_empty());
    let mut d = Diagnostic::error(
        codes::UNKNOWN_ARG,
        key.span,
        format!("`{layer}` has no argument `{}`", key.name),
    )
    .with_primary_text("unknown argument");
    let all: Vec<&str> = specs.iter().map(|s| s.name).collect();
    d = match crate::suggest::did_you_mean(&key.name, names) {
        Some(s) => d.with_help(format!("did you mean `{s}`?")),
        None if all.is_empty() => d.with_help(format!("`{layer}` takes no arguments")),
        None => d.with_help(format!("`{layer}` accepts: {}", all.join(", "))),
    };
    Err(d)
}

fn wrong(layer: &str, spec: &Spec, e: &Expr, want: &str) -> Diagnostic {
    Diagnostic::error(
        codes::ARG_TYPE,
        e.span,
        format!("`{}` of `{layer}` must be {want}", spec.name),
    )
    .with_primary_text(format!("expected {want}"))
}

fn value(layer: &str, spec: &Spec, e: &Expr, consts: &Consts) -> Result<Value, Diagnostic> {
    match spec.kind {
        Kind::Size | Kind::Count => {
            if !is_int_expr(e, consts) {
                return Err(wrong(layer, spec, e, "an integer"));
            }
            let v = consts.ints.eval(e)?;
            let min = if spec.kind == Kind::Size { 1 } else { 0 };
            if v < min {
                return Err(Diagnostic::error(
                    codes::NON_POSITIVE_SIZE,
                    e.span,
                    format!(
                        "`{}` of `{layer}` must be at least {min}, got {v}",
                        spec.name
                    ),
                )
                .with_primary_text(format!("this is {v}")));
            }
            Ok(Value::Int(v))
        }
        Kind::Float => float_value(e, consts)
            .map(Value::Float)
            .ok_or_else(|| wrong(layer, spec, e, "a number")),
        Kind::Bool => match &e.kind {
            ExprKind::Name(n) if n == "true" => Ok(Value::Bool(true)),
            ExprKind::Name(n) if n == "false" => Ok(Value::Bool(false)),
            _ => Err(wrong(layer, spec, e, "`true` or `false`")),
        },
        Kind::Word(words) => match &e.kind {
            ExprKind::Name(n) if words.contains(&n.as_str()) => Ok(Value::Word(n.clone())),
            ExprKind::Name(n) => {
                let mut d = Diagnostic::error(
                    codes::BAD_ARG,
                    e.span,
                    format!("`{n}` is not a valid `{}` for `{layer}`", spec.name),
                )
                .with_primary_text("unknown value");
                d = match crate::suggest::did_you_mean(n, words.iter().copied()) {
                    Some(s) => d.with_help(format!("did you mean `{s}`?")),
                    None => d.with_help(format!("one of: {}", words.join(", "))),
                };
                Err(d)
            }
            _ => Err(wrong(
                layer,
                spec,
                e,
                &format!("one of {}", words.join(", ")),
            )),
        },
        Kind::Init => init_value(e, consts).ok_or_else(|| {
            wrong(layer, spec, e, "an initialiser")
                .with_help("use `default`, `xavier` or `normal(0.02)`")
        }),
        Kind::Counts => match &e.kind {
            ExprKind::List(items) => {
                let mut out = Vec::with_capacity(items.len());
                for it in items {
                    let v = consts.ints.eval(it)?;
                    if v < 0 {
                        return Err(Diagnostic::error(
                            codes::NON_POSITIVE_SIZE,
                            it.span,
                            format!("`{}` of `{layer}` must not be negative", spec.name),
                        ));
                    }
                    out.push(v);
                }
                Ok(Value::Ints(out))
            }
            _ if is_int_expr(e, consts) => {
                let v = consts.ints.eval(e)?;
                if v < 0 {
                    return Err(Diagnostic::error(
                        codes::NON_POSITIVE_SIZE,
                        e.span,
                        format!("`{}` of `{layer}` must not be negative", spec.name),
                    ));
                }
                Ok(Value::Int(v))
            }
            _ => Err(wrong(layer, spec, e, "an integer or a list of integers")),
        },
    }
}

/// Whether `e` looks like integer arithmetic (so that `0.5` given for a size is an argument
/// type error rather than an unknown dimension).
fn is_int_expr(e: &Expr, consts: &Consts) -> bool {
    match &e.kind {
        ExprKind::Int(_) => true,
        ExprKind::Name(n) => !consts.floats.contains_key(n) && n != "true" && n != "false",
        ExprKind::Neg(x) => is_int_expr(x, consts),
        ExprKind::Binary(_, a, b) => is_int_expr(a, consts) && is_int_expr(b, consts),
        _ => false,
    }
}

/// Evaluates a real-valued argument: literals, float parameters, integer arithmetic, negation.
pub fn float_value(e: &Expr, consts: &Consts) -> Option<f64> {
    match &e.kind {
        ExprKind::Float(v) => Some(*v),
        ExprKind::Name(n) if consts.floats.contains_key(n) => consts.floats.get(n).copied(),
        ExprKind::Neg(x) => float_value(x, consts).map(|v| -v),
        ExprKind::Int(_) | ExprKind::Name(_) | ExprKind::Binary(..) => {
            consts.ints.eval(e).ok().map(|v| v as f64)
        }
        _ => None,
    }
}

fn init_value(e: &Expr, consts: &Consts) -> Option<Value> {
    match &e.kind {
        ExprKind::Name(n) if n == "default" => Some(Value::Init(Init::Default)),
        ExprKind::Name(n) if n == "xavier" => Some(Value::Init(Init::Xavier)),
        ExprKind::Call(c)
            if c.callee.name == "normal" && c.args.len() == 1 && c.named.is_empty() =>
        {
            float_value(&c.args[0], consts)
                .filter(|s| *s > 0.0)
                .map(|s| Value::Init(Init::Normal(s)))
        }
        _ => None,
    }
}
