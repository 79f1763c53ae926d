//! Game expressions: `D(x).adv`, `D(G(z, y), y)`, `10 * l1(G(a), b)`, `feature_matching(D.f)`.
//! Each is typed against the networks' signatures; a wrong argument is reported at the
//! argument with both shapes.

use super::inputs::Inputs;
use super::nets::Nets;
use crate::ast::{BinOp, Call, Expr, ExprKind, Ident};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{CallOutput, GameExpr, GameExprKind, LossFn, Network, Shape, ValueType};
use crate::source::Span;
use crate::suggest::did_you_mean;

/// The loss functions a term may call, with their arity.
pub const FUNCTIONS: &[(&str, LossFn, usize)] = &[
    ("l1", LossFn::L1, 2),
    ("mse", LossFn::Mse, 2),
    ("bce", LossFn::BceWithLogits, 2),
    ("cross_entropy", LossFn::CrossEntropy, 2),
    ("feature_matching", LossFn::FeatureMatching, 2),
    ("pull_away", LossFn::PullAway, 1),
    ("mean", LossFn::Mean, 1),
];

/// The type of a scalar (one number per batch, after reduction).
pub fn scalar() -> ValueType {
    ValueType::Tensor(Shape(Vec::new()))
}

/// Lowers AST expressions of the game to typed [`GameExpr`]s, collecting diagnostics.
pub struct Lowerer<'a> {
    /// Checked inputs.
    pub inputs: &'a Inputs,
    /// Networks.
    pub nets: &'a Nets<'a>,
    /// The judge's real and fake calls, for `feature_matching(D.f)` and `pull_away(D.f)`.
    pub judge_calls: Option<(GameExpr, GameExpr)>,
    /// Data inputs whose labels were read, with their class count.
    pub labels_used: Vec<(String, usize)>,
    /// Problems found.
    pub diags: Vec<Diagnostic>,
}

impl<'a> Lowerer<'a> {
    /// A lowerer without judge calls (for `real` and `fake` themselves).
    pub fn new(inputs: &'a Inputs, nets: &'a Nets<'a>) -> Self {
        Lowerer {
            inputs,
            nets,
            judge_calls: None,
            labels_used: Vec::new(),
            diags: Vec::new(),
        }
    }

    /// Lowers `e`; `None` when it has errors (already reported, or cascading from a network
    /// that failed to check).
    pub fn lower(&mut self, e: &Expr) -> Option<GameExpr> {
        let span = e.span;
        match &e.kind {
            ExprKind::Int(t) => match t.parse::<f64>() {
                Ok(v) => Some(konst(v, span)),
                Err(_) => None,
            },
            ExprKind::Float(v) => Some(konst(*v, span)),
            ExprKind::Name(n) => self.name(n, span),
            ExprKind::Neg(inner) => {
                let a = self.lower(inner)?;
                Some(GameExpr {
                    ty: a.ty.clone(),
                    kind: GameExprKind::Neg(Box::new(a)),
                    span,
                })
            }
            ExprKind::Binary(op, a, b) => {
                let (a, b) = (self.lower(a), self.lower(b));
                self.binary(*op, a?, b?, span)
            }
            ExprKind::Call(c) => self.call(c, None, span),
            ExprKind::Member(base, member) => self.member(base, member, span),
            _ => {
                self.diags.push(
                    Diagnostic::error(
                        codes::GAME_UNKNOWN_NAME,
                        span,
                        format!("{} is not a game expression", super::values::describe(e)),
                    )
                    .with_primary_text("not allowed here")
                    .with_help(
                        "game expressions are inputs, network calls, loss functions and arithmetic",
                    ),
                );
                None
            }
        }
    }

    fn name(&mut self, n: &str, span: Span) -> Option<GameExpr> {
        let inputs = self.inputs;
        if let Some(d) = inputs.data.iter().find(|d| d.name == n) {
            return Some(GameExpr {
                kind: GameExprKind::Data(n.into()),
                ty: ValueType::Tensor(d.shape.clone()),
                span,
            });
        }
        if let Some(l) = inputs.latents.iter().find(|l| l.name == n) {
            return Some(GameExpr {
                kind: GameExprKind::Latent(n.into()),
                ty: l.ty.clone(),
                span,
            });
        }
        if let Some(c) = inputs.conds.iter().find(|c| c.name == n) {
            return Some(GameExpr {
                kind: GameExprKind::Cond(n.into()),
                ty: c.ty.clone(),
                span,
            });
        }
        if inputs.declared.iter().any(|d| d == n) {
            return None;
        }
        if self.nets.is_declared(n) {
            self.diags.push(
                Diagnostic::error(
                    codes::GAME_UNKNOWN_NAME,
                    span,
                    format!("network `{n}` is used without being called"),
                )
                .with_primary_text("a network, not a value")
                .with_help(format!("call it with its inputs, e.g. `{n}(...)`")),
            );
            return None;
        }
        let help = match did_you_mean(n, inputs.declared.iter().map(String::as_str)) {
            Some(s) => format!("did you mean `{s}`?"),
            None if inputs.declared.is_empty() => {
                "declare it with `data`, `latent` or `cond`".to_string()
            }
            None => format!("inputs: {}", inputs.declared.join(", ")),
        };
        self.diags.push(
            Diagnostic::error(
                codes::GAME_UNKNOWN_NAME,
                span,
                format!("unknown name `{n}`"),
            )
            .with_primary_text("not an input")
            .with_help(help),
        );
        None
    }

    fn member(&mut self, base: &Expr, member: &Ident, span: Span) -> Option<GameExpr> {
        match &base.kind {
            ExprKind::Call(c) if self.nets.is_declared(&c.callee.name) => {
                self.call(c, Some(member), span)
            }
            ExprKind::Name(x)
                if member.name == "label" && self.inputs.data.iter().any(|d| &d.name == x) =>
            {
                self.label(x, span)
            }
            ExprKind::Name(n) if self.nets.is_declared(n) => {
                self.diags.push(
                    Diagnostic::error(
                        codes::GAME_UNKNOWN_NAME,
                        span,
                        format!("`{n}.{}` names a feature without inputs", member.name),
                    )
                    .with_primary_text("which call of the network?")
                    .with_help(format!(
                        "call it, e.g. `{n}(x).{}`; inside `feature_matching` and `pull_away`, `{n}.{}` reads the judge's real and fake calls",
                        member.name, member.name
                    )),
                );
                None
            }
            _ => {
                self.lower(base)?;
                self.diags.push(
                    Diagnostic::error(codes::GAME_UNKNOWN_OUTPUT, member.span, format!("`.{}` cannot be read here", member.name))
                        .with_primary_text("no such member")
                        .with_help("`.label` reads a data input's labels; `.name` after a network call reads an output or feature"),
                );
                None
            }
        }
    }

    fn label(&mut self, x: &str, span: Span) -> Option<GameExpr> {
        let data = self.inputs.data.iter().find(|d| d.name == x)?;
        let known = super::datasets::source(&data.dataset).and_then(|s| s.classes);
        let Some(n) = data.label_classes.or(known) else {
            self.diags.push(
                Diagnostic::error(
                    codes::INPUT_LABEL_CLASSES,
                    span,
                    format!("the number of classes of `{x}.label` is not known"),
                )
                .with_primary_text("labels of a file source")
                .with_help(format!(
                    "declare it: `cond y: class(10) from {x}.label`, and use `y`"
                )),
            );
            return None;
        };
        self.labels_used.push((x.to_string(), n));
        Some(GameExpr {
            kind: GameExprKind::Label(x.into()),
            ty: ValueType::Class(n),
            span,
        })
    }

    fn binary(&mut self, op: BinOp, a: GameExpr, b: GameExpr, span: Span) -> Option<GameExpr> {
        let s = scalar();
        let ty = if a.ty == b.ty || b.ty == s {
            a.ty.clone()
        } else if a.ty == s {
            b.ty.clone()
        } else {
            self.diags.push(
                Diagnostic::error(
                    codes::GAME_TERM_OPERANDS,
                    span,
                    format!(
                        "`{}` needs operands of equal shape or a number",
                        op.symbol()
                    ),
                )
                .with_label(a.span, a.ty.to_string())
                .with_label(b.span, b.ty.to_string())
                .with_help(
                    "reduce each side to a number first, e.g. with `mean(...)` or `l1(a, b)`",
                ),
            );
            return None;
        };
        if matches!(a.ty, ValueType::Class(_)) || matches!(b.ty, ValueType::Class(_)) {
            self.diags.push(
                Diagnostic::error(
                    codes::GAME_TERM_OPERANDS,
                    span,
                    "class labels are not numbers",
                )
                .with_label(a.span, a.ty.to_string())
                .with_label(b.span, b.ty.to_string())
                .with_help("use labels in `cross_entropy(logits, labels)`"),
            );
            return None;
        }
        Some(GameExpr {
            kind: GameExprKind::Binary(op, Box::new(a), Box::new(b)),
            ty,
            span,
        })
    }

    /// A call of a network (`D(x)`, `D(x).adv`) or of a loss function.
    fn call(&mut self, c: &Call, member: Option<&Ident>, span: Span) -> Option<GameExpr> {
        let name = &c.callee.name;
        if let Some(&(_, func, arity)) = FUNCTIONS.iter().find(|f| f.0 == name) {
            if let Some(m) = member {
                self.diags.push(
                    Diagnostic::error(
                        codes::GAME_UNKNOWN_OUTPUT,
                        m.span,
                        format!("`{name}(...)` has no member `{}`", m.name),
                    )
                    .with_primary_text("a loss is a single number")
                    .with_help("remove the member"),
                );
                return None;
            }
            return self.function(c, func, arity, span);
        }
        if !self.nets.is_declared(name) {
            let networks: Vec<&str> = self.nets.declared.iter().map(|(n, _)| *n).collect();
            let functions: Vec<&str> = FUNCTIONS.iter().map(|f| f.0).collect();
            // Networks are capitalised by convention: suggest from the likelier kind first.
            let (first, second) = if name.chars().next().is_some_and(char::is_uppercase) {
                (&networks, &functions)
            } else {
                (&functions, &networks)
            };
            let candidates: Vec<&str> = first.iter().chain(second.iter()).copied().collect();
            let capitalised = name.chars().next().is_some_and(char::is_uppercase);
            let suggestion = did_you_mean(name, first.iter().copied()).or_else(|| {
                (!capitalised)
                    .then(|| did_you_mean(name, second.iter().copied()))
                    .flatten()
            });
            let help = match suggestion {
                Some(s) => format!("did you mean `{s}`?"),
                None if capitalised => format!("declared networks: {}", networks.join(", ")),
                None => format!("networks and loss functions: {}", candidates.join(", ")),
            };
            let code = if name.chars().next().is_some_and(char::is_uppercase) {
                codes::GAME_UNKNOWN_NETWORK
            } else {
                codes::GAME_UNKNOWN_FUNCTION
            };
            self.diags.push(
                Diagnostic::error(
                    code,
                    c.callee.span,
                    format!("there is no network or loss function `{name}`"),
                )
                .with_primary_text("unknown")
                .with_help(help),
            );
            for a in &c.args {
                self.lower(a);
            }
            return None;
        }
        let args: Vec<Option<GameExpr>> = c.args.iter().map(|a| self.lower(a)).collect();
        let net = self.nets.get(name)?;
        if !c.named.is_empty() || args.len() != net.inputs.len() {
            let sig: Vec<String> = net
                .inputs
                .iter()
                .map(|p| format!("{}: {}", p.name, p.ty))
                .collect();
            self.diags.push(
                Diagnostic::error(
                    codes::GAME_ARITY,
                    c.callee.span,
                    format!(
                        "`{name}` takes {} inputs, {} given",
                        net.inputs.len(),
                        args.len() + c.named.len()
                    ),
                )
                .with_primary_text(format!("{name}({})", sig.join(", ")))
                .with_label(net.span, "declared here")
                .with_help("pass the inputs positionally, in signature order"),
            );
            return None;
        }
        let mut ok = true;
        let mut checked = Vec::with_capacity(args.len());
        for (i, a) in args.into_iter().enumerate() {
            match a {
                Some(a) => {
                    if let Some(d) = check_arg(net, i, &a, self.inputs) {
                        self.diags.push(d);
                        ok = false;
                    }
                    checked.push(a);
                }
                None => ok = false,
            }
        }
        let (output, ty) = self.output(net, member, span)?;
        ok.then(|| GameExpr {
            kind: GameExprKind::Call {
                network: name.clone(),
                args: checked,
                output,
            },
            ty,
            span,
        })
    }

    fn output(
        &mut self,
        net: &Network,
        member: Option<&Ident>,
        span: Span,
    ) -> Option<(CallOutput, ValueType)> {
        let Some(m) = member else {
            if net.outputs.len() == 1 {
                return Some((CallOutput::Port(0), net.outputs[0].ty.clone()));
            }
            let names: Vec<&str> = net.outputs.iter().map(|p| p.name.as_str()).collect();
            self.diags.push(
                Diagnostic::error(
                    codes::GAME_AMBIGUOUS_OUTPUT,
                    span,
                    format!(
                        "`{}` has {} outputs; say which one is read",
                        net.name,
                        names.len()
                    ),
                )
                .with_primary_text("which output?")
                .with_help(format!(
                    "add `.{}` (outputs: {})",
                    names.first().copied().unwrap_or("out"),
                    names.join(", ")
                )),
            );
            return None;
        };
        if let Some(i) = net.output_index(&m.name) {
            return Some((CallOutput::Port(i), net.outputs[i].ty.clone()));
        }
        if let Some(id) = net.feature(&m.name) {
            return Some((CallOutput::Feature(id), net.node(id).ty.clone()));
        }
        let mut names: Vec<&str> = net.outputs.iter().map(|p| p.name.as_str()).collect();
        names.extend(net.features.iter().map(|(n, _)| n.as_str()));
        let help = match did_you_mean(&m.name, names.iter().copied()) {
            Some(s) => format!("did you mean `.{s}`?"),
            None => format!(
                "`{}` has outputs and features: {}",
                net.name,
                names.join(", ")
            ),
        };
        self.diags.push(
            Diagnostic::error(
                codes::GAME_UNKNOWN_OUTPUT,
                m.span,
                format!("`{}` has no output or feature `{}`", net.name, m.name),
            )
            .with_primary_text("unknown")
            .with_help(help),
        );
        None
    }

    fn function(&mut self, c: &Call, func: LossFn, arity: usize, span: Span) -> Option<GameExpr> {
        let name = &c.callee.name;
        // `feature_matching(D.f)` and `pull_away(D.f)` read a feature of the judge.
        if c.args.len() == 1
            && c.named.is_empty()
            && matches!(func, LossFn::FeatureMatching | LossFn::PullAway)
        {
            if let ExprKind::Member(base, f) = &c.args[0].kind {
                if let ExprKind::Name(n) = &base.kind {
                    if self.nets.is_declared(n) {
                        return self.judge_feature(c, n, f, func, span);
                    }
                }
            }
        }
        if !c.named.is_empty() || c.args.len() != arity {
            self.diags.push(
                Diagnostic::error(
                    codes::GAME_TERM_OPERANDS,
                    c.callee.span,
                    format!(
                        "`{name}` takes {arity} operand(s), {} given",
                        c.args.len() + c.named.len()
                    ),
                )
                .with_primary_text("wrong number of operands")
                .with_help(usage(func)),
            );
            return None;
        }
        let args: Vec<Option<GameExpr>> = c.args.iter().map(|a| self.lower(a)).collect();
        let args: Vec<GameExpr> = args.into_iter().collect::<Option<_>>()?;
        let problem = match (func, args.as_slice()) {
            (LossFn::CrossEntropy, [a, b]) => match (&a.ty, &b.ty) {
                (ValueType::Tensor(Shape(s)), ValueType::Class(n)) if s.as_slice() == [*n] => None,
                _ => Some(format!(
                    "expected logits [B, n] and class(n) labels, found {} and {}",
                    a.ty, b.ty
                )),
            },
            (_, [a, b]) => {
                let tensor = |t: &ValueType| matches!(t, ValueType::Tensor(_));
                let fits = tensor(&a.ty)
                    && (a.ty == b.ty || (func == LossFn::BceWithLogits && b.ty == scalar()));
                (!fits).then(|| {
                    format!(
                        "operands must be tensors of the same shape, found {} and {}",
                        a.ty, b.ty
                    )
                })
            }
            (_, [a]) => (!matches!(a.ty, ValueType::Tensor(_)))
                .then(|| format!("expected a tensor, found {}", a.ty)),
            _ => None,
        };
        if let Some(msg) = problem {
            let mut d = Diagnostic::error(
                codes::GAME_TERM_OPERANDS,
                c.callee.span,
                format!("`{name}`: {msg}"),
            )
            .with_primary_text("operands do not fit");
            for a in &args {
                d = d.with_label(a.span, a.ty.to_string());
            }
            self.diags.push(d.with_help(usage(func)));
            return None;
        }
        Some(GameExpr {
            kind: GameExprKind::Loss { func, args },
            ty: scalar(),
            span,
        })
    }

    fn judge_feature(
        &mut self,
        c: &Call,
        n: &str,
        f: &Ident,
        func: LossFn,
        span: Span,
    ) -> Option<GameExpr> {
        let (real, fake) = self.judge_calls.clone()?;
        let judge = match &fake.kind {
            GameExprKind::Call { network, .. } => network.clone(),
            _ => return None,
        };
        if judge != n {
            self.diags.push(
                Diagnostic::error(
                    codes::GAME_UNKNOWN_OUTPUT,
                    c.args[0].span,
                    format!(
                        "`{n}.{}` reads a feature of the judge, which is `{judge}`",
                        f.name
                    ),
                )
                .with_primary_text(format!("`{n}` is not the judge"))
                .with_help(format!(
                    "write `{judge}.{}`, or pass explicit calls such as `{}({n}(...).{}, ...)`",
                    f.name, c.callee.name, f.name
                )),
            );
            return None;
        }
        let net = self.nets.get(n)?;
        let (output, ty) = self.output(net, Some(f), span)?;
        let with_output = |e: &GameExpr| {
            let mut e = e.clone();
            if let GameExprKind::Call { output: o, .. } = &mut e.kind {
                *o = output;
            }
            e.ty = ty.clone();
            e.span = c.args[0].span;
            e
        };
        let args = match func {
            LossFn::FeatureMatching => vec![with_output(&real), with_output(&fake)],
            _ => vec![with_output(&fake)],
        };
        Some(GameExpr {
            kind: GameExprKind::Loss { func, args },
            ty: scalar(),
            span,
        })
    }
}

fn konst(v: f64, span: Span) -> GameExpr {
    GameExpr {
        kind: GameExprKind::Const(v),
        ty: scalar(),
        span,
    }
}

fn usage(func: LossFn) -> &'static str {
    match func {
        LossFn::L1 => "`l1(a, b)`: mean |a - b| over tensors of one shape",
        LossFn::Mse => "`mse(a, b)`: mean (a - b)^2 over tensors of one shape",
        LossFn::BceWithLogits => {
            "`bce(logits, targets)`: targets of the logits' shape, or a number"
        }
        LossFn::CrossEntropy => {
            "`cross_entropy(logits, labels)`: logits [B, n] and class(n) labels"
        }
        LossFn::FeatureMatching => "`feature_matching(D.f)` or `feature_matching(a, b)`",
        LossFn::PullAway => "`pull_away(E(x).code)` or `pull_away(D.f)`",
        LossFn::Mean => "`mean(e)`: the mean of a tensor",
    }
}

/// Checks argument `i` of a call of `net`; returns the diagnostic when its type differs from
/// the declared input. A network output fed where another network expects samples is a
/// `fake_shape` error; a class input fed wrongly is a `cond_mismatch`.
pub fn check_arg(net: &Network, i: usize, arg: &GameExpr, inputs: &Inputs) -> Option<Diagnostic> {
    let port = &net.inputs[i];
    if arg.ty == port.ty {
        return None;
    }
    let is_class = matches!(arg.ty, ValueType::Class(_)) || matches!(port.ty, ValueType::Class(_));
    let is_cond_input = matches!(arg.kind, GameExprKind::Cond(_) | GameExprKind::Label(_))
        || (is_class && matches!(arg.kind, GameExprKind::Latent(_)));
    if is_class || is_cond_input {
        let mut d = Diagnostic::error(
            codes::GAME_COND_MISMATCH,
            arg.span,
            format!(
                "conditioning input of type {} does not fit `{}`'s input `{}: {}`",
                arg.ty, net.name, port.name, port.ty
            ),
        )
        .with_primary_text(format!("this is {}", arg.ty))
        .with_label(port.span, format!("`{}` expects {}", net.name, port.ty));
        if let Some(s) = input_span(arg, inputs) {
            if s != arg.span {
                d = d.with_label(s, format!("declared {}", arg.ty));
            }
        }
        return Some(d.with_help(format!(
            "both sides of the game must see the same condition: declare `{}` as {} or change `{}`'s input to {}",
            describe_arg(arg),
            port.ty,
            net.name,
            arg.ty
        )));
    }
    if let GameExprKind::Call { network, .. } = &arg.kind {
        let mut d = Diagnostic::error(
            codes::GAME_FAKE_SHAPE,
            arg.span,
            format!(
                "`{network}` produces {} but `{}` takes {} as `{}`",
                arg.ty, net.name, port.ty, port.name
            ),
        )
        .with_primary_text(format!("`{network}` output: {}", arg.ty))
        .with_label(port.span, format!("`{}` input: {}", net.name, port.ty));
        if let Some(data) = inputs
            .data
            .iter()
            .find(|d| ValueType::Tensor(d.shape.clone()) == port.ty)
        {
            d = d.with_label(
                data.span,
                format!("real data `{}`: {}", data.name, data.shape),
            );
        }
        return Some(d.with_help(format!(
            "make `{network}` end in {} (the shape of the samples `{}` judges), or change its last layers",
            port.ty, net.name
        )));
    }
    let mut d = Diagnostic::error(
        codes::GAME_ARGUMENT_TYPE,
        arg.span,
        format!(
            "`{}` expects {} for `{}`, found {}",
            net.name, port.ty, port.name, arg.ty
        ),
    )
    .with_primary_text(format!("this is {}", arg.ty))
    .with_label(port.span, format!("declared {}", port.ty));
    if let Some(s) = input_span(arg, inputs) {
        if s != arg.span {
            d = d.with_label(s, format!("`{}` declared {}", describe_arg(arg), arg.ty));
        }
    }
    Some(d.with_help(format!(
        "declare `{}` as {} or change `{}`'s input `{}` to {}",
        describe_arg(arg),
        port.ty,
        net.name,
        port.name,
        arg.ty
    )))
}

fn input_name(arg: &GameExpr) -> Option<&str> {
    match &arg.kind {
        GameExprKind::Data(n)
        | GameExprKind::Latent(n)
        | GameExprKind::Cond(n)
        | GameExprKind::Label(n) => Some(n),
        _ => None,
    }
}

fn input_span(arg: &GameExpr, inputs: &Inputs) -> Option<Span> {
    input_name(arg).and_then(|n| inputs.type_span_of(n))
}

fn describe_arg(arg: &GameExpr) -> String {
    match &arg.kind {
        GameExprKind::Label(n) => format!("{n}.label"),
        _ => input_name(arg).unwrap_or("the argument").to_string(),
    }
}
