//! Pest pairs -> AST, in one pass. The grammar guarantees the structure matched here, so a
//! mismatch is a bug in this file, reported as a syntax diagnostic rather than a panic.

use super::Rule;
use crate::ast::*;
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{SourceId, Span};
use pest::iterators::Pair;

/// Most operands accepted in one arithmetic chain (`a + b + ...`); bounds later recursion.
const MAX_OPERANDS: usize = 256;

type Res<T> = Result<T, Vec<Diagnostic>>;

struct Cx {
    source: SourceId,
}

impl Cx {
    fn span(&self, pair: &Pair<Rule>) -> Span {
        let s = pair.as_span();
        Span::new(self.source, s.start(), s.end())
    }

    fn ident(&self, pair: Pair<Rule>) -> Ident {
        Ident {
            name: pair.as_str().to_string(),
            span: self.span(&pair),
        }
    }

    fn bug(&self, pair: &Pair<Rule>) -> Vec<Diagnostic> {
        vec![Diagnostic::error(
            codes::SYNTAX,
            self.span(pair),
            format!("internal parser error at {:?}", pair.as_rule()),
        )
        .with_help("please report this with the input that caused it")]
    }
}

/// Converts the `file` pair.
pub fn file(source: SourceId, pair: Pair<Rule>) -> Res<File> {
    let cx = Cx { source };
    let mut inner = pair.into_inner();
    let header_pair = inner.next().ok_or_else(Vec::new)?;
    let header = header(&cx, header_pair)?;
    let mut items = Vec::new();
    let mut errors = Vec::new();
    for p in inner {
        if p.as_rule() == Rule::EOI {
            continue;
        }
        match item(&cx, p) {
            Ok(i) => items.push(i),
            Err(mut e) => errors.append(&mut e),
        }
    }
    if errors.is_empty() {
        Ok(File { header, items })
    } else {
        Err(errors)
    }
}

fn header(cx: &Cx, pair: Pair<Rule>) -> Res<Header> {
    let mut version = None;
    let mut name = None;
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::version => version = Some((p.as_str().to_string(), cx.span(&p))),
            Rule::ident => name = Some(cx.ident(p)),
            _ => return Err(cx.bug(&p)),
        }
    }
    let name = name.ok_or_else(Vec::new)?;
    Ok(Header { name, version })
}

fn item(cx: &Cx, pair: Pair<Rule>) -> Res<Item> {
    let span = cx.span(&pair);
    Ok(match pair.as_rule() {
        Rule::import => {
            let mut inner = pair.into_inner();
            let path_pair = next(cx, &mut inner, span)?;
            let path_span = cx.span(&path_pair);
            let path = string_value(path_pair);
            let names = ident_list(cx, next(cx, &mut inner, span)?);
            Item::Import(Import {
                path,
                path_span,
                names,
                span,
            })
        }
        Rule::dims => {
            let mut defs = Vec::new();
            for d in pair.into_inner() {
                let mut inner = d.into_inner();
                let name = cx.ident(next(cx, &mut inner, span)?);
                let value = expr(cx, next(cx, &mut inner, span)?)?;
                defs.push(DimDef { name, value });
            }
            Item::Dims(defs)
        }
        Rule::data_decl => Item::Data(input_decl(cx, pair)?),
        Rule::latent_decl => Item::Latent(input_decl(cx, pair)?),
        Rule::cond_decl => Item::Cond(input_decl(cx, pair)?),
        Rule::network_def => Item::Network(network(cx, pair, false)?),
        Rule::block_def => Item::Block(network(cx, pair, true)?),
        Rule::game => Item::Game(section(cx, pair)?),
        Rule::train => Item::Train(section(cx, pair)?),
        _ => return Err(cx.bug(&pair)),
    })
}

fn next<'a>(
    cx: &Cx,
    inner: &mut pest::iterators::Pairs<'a, Rule>,
    span: Span,
) -> Res<Pair<'a, Rule>> {
    inner.next().ok_or_else(|| {
        vec![Diagnostic::error(
            codes::SYNTAX,
            span,
            "internal parser error: missing element",
        )
        .with_help(format!("please report this (source {})", cx.source.0))]
    })
}

fn string_value(pair: Pair<Rule>) -> String {
    pair.into_inner()
        .next()
        .map(|b| b.as_str().to_string())
        .unwrap_or_default()
}

fn ident_list(cx: &Cx, pair: Pair<Rule>) -> Vec<Ident> {
    pair.into_inner().map(|p| cx.ident(p)).collect()
}

fn input_decl(cx: &Cx, pair: Pair<Rule>) -> Res<InputDecl> {
    let span = cx.span(&pair);
    let mut inner = pair.into_inner();
    let name = cx.ident(next(cx, &mut inner, span)?);
    let ty = type_expr(cx, next(cx, &mut inner, span)?)?;
    let src = next(cx, &mut inner, span)?;
    let source = match src.as_rule() {
        Rule::call => call_expr(cx, src)?,
        Rule::ident => Expr {
            span: cx.span(&src),
            kind: ExprKind::Name(src.as_str().to_string()),
        },
        _ => expr(cx, src)?,
    };
    Ok(InputDecl {
        name,
        ty,
        source,
        span,
    })
}

fn type_expr(cx: &Cx, pair: Pair<Rule>) -> Res<TypeExpr> {
    let span = cx.span(&pair);
    let inner = next(cx, &mut pair.into_inner(), span)?;
    let ispan = cx.span(&inner);
    Ok(match inner.as_rule() {
        Rule::shape => {
            let dims = inner
                .into_inner()
                .map(|p| expr(cx, p))
                .collect::<Res<Vec<_>>>()?;
            TypeExpr::Shape(dims, ispan)
        }
        Rule::class_type => {
            let n = expr(cx, next(cx, &mut inner.into_inner(), ispan)?)?;
            TypeExpr::Class(n, ispan)
        }
        Rule::scalar_type => {
            let kw = next(cx, &mut inner.into_inner(), ispan)?;
            if kw.as_rule() == Rule::kw_int {
                TypeExpr::Int(ispan)
            } else {
                TypeExpr::Float(ispan)
            }
        }
        _ => return Err(cx.bug(&inner)),
    })
}

fn params(cx: &Cx, pair: Pair<Rule>) -> Res<Vec<Param>> {
    pair.into_inner()
        .map(|p| {
            let span = cx.span(&p);
            let mut inner = p.into_inner();
            let name = cx.ident(next(cx, &mut inner, span)?);
            let ty = type_expr(cx, next(cx, &mut inner, span)?)?;
            Ok(Param { name, ty })
        })
        .collect()
}

fn network(cx: &Cx, pair: Pair<Rule>, is_block: bool) -> Res<NetworkDef> {
    let span = cx.span(&pair);
    let mut role = Role::Block;
    let mut name = None;
    let mut param_lists = Vec::new();
    let mut outputs = None;
    let mut body = Vec::new();
    for p in pair.into_inner() {
        match p.as_rule() {
            Rule::role => {
                role = match p.as_str() {
                    "generator" => Role::Generator,
                    "discriminator" => Role::Discriminator,
                    "encoder" => Role::Encoder,
                    _ => Role::Network,
                }
            }
            Rule::ident => name = Some(cx.ident(p)),
            Rule::params => param_lists.push((cx.span(&p), params(cx, p)?)),
            Rule::outputs => outputs = Some(outputs_of(cx, p)?),
            Rule::body => body = stmts(cx, p)?,
            _ => return Err(cx.bug(&p)),
        }
    }
    // Empty parameter lists produce no `params` pair, so the lists are told apart by position
    // relative to the name: in a block the first `(...)` holds compile-time parameters.
    let name = name.ok_or_else(Vec::new)?;
    let (params, inputs) = split_param_lists(is_block, &name, param_lists);
    Ok(NetworkDef {
        role,
        name,
        params,
        inputs,
        outputs: outputs.ok_or_else(Vec::new)?,
        body,
        span,
    })
}

/// Assigns the parsed parameter lists of a definition to compile-time parameters and inputs.
fn split_param_lists(
    is_block: bool,
    name: &Ident,
    lists: Vec<(Span, Vec<Param>)>,
) -> (Vec<Param>, Vec<Param>) {
    if !is_block {
        return (Vec::new(), lists.into_iter().flat_map(|(_, p)| p).collect());
    }
    match lists.len() {
        2 => {
            let mut it = lists.into_iter();
            let params = it.next().map(|(_, p)| p).unwrap_or_default();
            let inputs = it.next().map(|(_, p)| p).unwrap_or_default();
            (params, inputs)
        }
        1 => {
            // `block b()(x: ...)` or `block b(c: int)()`: the first list directly after the
            // name, `b(` with nothing between, holds parameters when its type is int/float.
            let (_, list) = lists.into_iter().next().unwrap_or_default();
            let all_scalar = list
                .iter()
                .all(|p| matches!(p.ty, TypeExpr::Int(_) | TypeExpr::Float(_)));
            let _ = name;
            if all_scalar {
                (list, Vec::new())
            } else {
                (Vec::new(), list)
            }
        }
        _ => (Vec::new(), Vec::new()),
    }
}

fn outputs_of(cx: &Cx, pair: Pair<Rule>) -> Res<Outputs> {
    let span = cx.span(&pair);
    let inner = next(cx, &mut pair.into_inner(), span)?;
    Ok(match inner.as_rule() {
        Rule::named_outputs => {
            let ps = inner
                .into_inner()
                .map(|p| {
                    let pspan = cx.span(&p);
                    let mut it = p.into_inner();
                    let name = cx.ident(next(cx, &mut it, pspan)?);
                    let ty = type_expr(cx, next(cx, &mut it, pspan)?)?;
                    Ok(Param { name, ty })
                })
                .collect::<Res<Vec<_>>>()?;
            Outputs::Named(ps)
        }
        _ => Outputs::Single(type_expr(cx, inner)?),
    })
}

fn stmts(cx: &Cx, pair: Pair<Rule>) -> Res<Vec<Stmt>> {
    let mut out = Vec::new();
    for p in pair.into_inner() {
        let span = cx.span(&p);
        match p.as_rule() {
            Rule::binding => {
                let mut it = p.into_inner();
                let name = cx.ident(next(cx, &mut it, span)?);
                let value = expr(cx, next(cx, &mut it, span)?)?;
                out.push(Stmt::Bind(name, value));
            }
            Rule::return_stmt => {
                let mut it = p.into_inner();
                let kw = next(cx, &mut it, span)?;
                let kw_span = cx.span(&kw);
                let value = next(cx, &mut it, span)?;
                if value.as_rule() == Rule::named_returns {
                    let mut named = Vec::new();
                    for nr in value.into_inner() {
                        let nspan = cx.span(&nr);
                        let mut it = nr.into_inner();
                        let name = cx.ident(next(cx, &mut it, nspan)?);
                        let e = expr(cx, next(cx, &mut it, nspan)?)?;
                        named.push((name, e));
                    }
                    out.push(Stmt::ReturnNamed(named, kw_span));
                } else {
                    out.push(Stmt::Return(expr(cx, value)?, kw_span));
                }
            }
            _ => return Err(cx.bug(&p)),
        }
    }
    Ok(out)
}

fn section(cx: &Cx, pair: Pair<Rule>) -> Res<Section> {
    let span = cx.span(&pair);
    let mut entries = Vec::new();
    for e in pair.into_inner() {
        let espan = cx.span(&e);
        let mut key = None;
        let mut subject = None;
        let mut value = None;
        let mut trains = Vec::new();
        for p in e.into_inner() {
            match p.as_rule() {
                Rule::ident if key.is_none() => key = Some(cx.ident(p)),
                Rule::ident => subject = Some(cx.ident(p)),
                Rule::expr => value = Some(expr(cx, p)?),
                Rule::trains => {
                    trains = p
                        .into_inner()
                        .filter(|q| q.as_rule() == Rule::ident_list)
                        .flat_map(|q| ident_list(cx, q))
                        .collect()
                }
                _ => return Err(cx.bug(&p)),
            }
        }
        let (Some(key), Some(value)) = (key, value) else {
            return Err(vec![Diagnostic::error(
                codes::SYNTAX,
                espan,
                "internal parser error: incomplete entry",
            )]);
        };
        entries.push(Entry {
            key,
            subject,
            value,
            trains,
            span: espan,
        });
    }
    Ok(Section { entries, span })
}

fn expr(cx: &Cx, pair: Pair<Rule>) -> Res<Expr> {
    let span = cx.span(&pair);
    match pair.as_rule() {
        Rule::expr => {
            let mut it = pair.into_inner();
            let head = expr(cx, next(cx, &mut it, span)?)?;
            let stages = it.map(|p| stage(cx, p)).collect::<Res<Vec<_>>>()?;
            if stages.is_empty() {
                Ok(head)
            } else {
                Ok(Expr {
                    kind: ExprKind::Chain(Box::new(head), stages),
                    span,
                })
            }
        }
        Rule::sum | Rule::product => binary_chain(cx, pair),
        Rule::unary => {
            let mut negs = 0usize;
            let mut operand = None;
            for p in pair.into_inner() {
                if p.as_rule() == Rule::neg {
                    negs += 1;
                } else {
                    operand = Some(expr(cx, p)?);
                }
            }
            let mut e = operand.ok_or_else(Vec::new)?;
            if negs > MAX_OPERANDS {
                return Err(too_long(span));
            }
            // `--x` is `x`; one remaining minus is kept as a negation.
            if negs % 2 == 1 {
                // The pair's span runs on over whitespace after the operand (pest skips it
                // while looking for a `.member`); the negation ends where its operand does.
                let span = Span {
                    end: e.span.end,
                    ..span
                };
                e = Expr {
                    kind: ExprKind::Neg(Box::new(e)),
                    span,
                };
            }
            Ok(e)
        }
        Rule::postfix => {
            let mut it = pair.into_inner();
            let mut e = expr(cx, next(cx, &mut it, span)?)?;
            for (count, m) in it.enumerate() {
                if count > MAX_OPERANDS {
                    return Err(too_long(span));
                }
                let mspan = cx.span(&m);
                let name = cx.ident(next(cx, &mut m.into_inner(), mspan)?);
                let whole = e.span.to(mspan);
                e = Expr {
                    kind: ExprKind::Member(Box::new(e), name),
                    span: whole,
                };
            }
            Ok(e)
        }
        Rule::paren => expr(cx, next(cx, &mut pair.into_inner(), span)?),
        Rule::list => {
            let items = pair
                .into_inner()
                .map(|p| expr(cx, p))
                .collect::<Res<Vec<_>>>()?;
            Ok(Expr {
                kind: ExprKind::List(items),
                span,
            })
        }
        Rule::call => call_expr(cx, pair),
        Rule::ident => Ok(Expr {
            kind: ExprKind::Name(pair.as_str().to_string()),
            span,
        }),
        Rule::int => Ok(Expr {
            kind: ExprKind::Int(pair.as_str().to_string()),
            span,
        }),
        Rule::float => {
            let v: f64 = pair.as_str().parse().map_err(|_| {
                vec![Diagnostic::error(codes::SYNTAX, span, "malformed number")
                    .with_help("write numbers like `0.5`, `2e-4` or `10`")]
            })?;
            if !v.is_finite() {
                return Err(vec![Diagnostic::error(
                    codes::INT_OVERFLOW,
                    span,
                    "number is too large to represent",
                )
                .with_help("use a finite value")]);
            }
            Ok(Expr {
                kind: ExprKind::Float(v),
                span,
            })
        }
        Rule::string => Ok(Expr {
            kind: ExprKind::Str(string_value(pair)),
            span,
        }),
        _ => Err(cx.bug(&pair)),
    }
}

fn too_long(span: Span) -> Vec<Diagnostic> {
    vec![Diagnostic::error(
        codes::SYNTAX_NESTING,
        span,
        format!("expression has more than {MAX_OPERANDS} operands"),
    )
    .with_help("split the expression into named bindings")]
}

/// `a op b op c` -> left-associated binary nodes.
fn binary_chain(cx: &Cx, pair: Pair<Rule>) -> Res<Expr> {
    let span = cx.span(&pair);
    let mut it = pair.into_inner();
    let mut acc = expr(cx, next(cx, &mut it, span)?)?;
    let mut count = 0;
    while let Some(op) = it.next() {
        count += 1;
        if count > MAX_OPERANDS {
            return Err(too_long(span));
        }
        let op = match op.as_str() {
            "+" => BinOp::Add,
            "-" => BinOp::Sub,
            "*" => BinOp::Mul,
            _ => BinOp::Div,
        };
        let rhs = expr(cx, next(cx, &mut it, span)?)?;
        let whole = acc.span.to(rhs.span);
        acc = Expr {
            kind: ExprKind::Binary(op, Box::new(acc), Box::new(rhs)),
            span: whole,
        };
    }
    Ok(acc)
}

fn stage(cx: &Cx, pair: Pair<Rule>) -> Res<Expr> {
    let span = cx.span(&pair);
    match pair.as_rule() {
        Rule::repeat => {
            let mut it = pair.into_inner();
            let _kw = next(cx, &mut it, span)?;
            let count = expr(cx, next(cx, &mut it, span)?)?;
            let stages = it.map(|p| stage(cx, p)).collect::<Res<Vec<_>>>()?;
            Ok(Expr {
                kind: ExprKind::Repeat(Box::new(count), stages),
                span,
            })
        }
        _ => expr(cx, pair),
    }
}

fn call_expr(cx: &Cx, pair: Pair<Rule>) -> Res<Expr> {
    let span = cx.span(&pair);
    let mut it = pair.into_inner();
    let callee = cx.ident(next(cx, &mut it, span)?);
    let mut args = Vec::new();
    let mut named = Vec::new();
    if let Some(arg_list) = it.next() {
        for a in arg_list.into_inner() {
            let aspan = cx.span(&a);
            let inner = next(cx, &mut a.into_inner(), aspan)?;
            if inner.as_rule() == Rule::named_arg {
                let mut ni = inner.into_inner();
                let k = cx.ident(next(cx, &mut ni, aspan)?);
                let v = expr(cx, next(cx, &mut ni, aspan)?)?;
                named.push((k, v));
            } else {
                args.push(expr(cx, inner)?);
            }
        }
    }
    Ok(Expr {
        kind: ExprKind::Call(Call {
            callee,
            args,
            named,
        }),
        span,
    })
}
