//! The `game` section: the adversarial loss, the judge's real and fake calls (written or
//! inferred), the players, and the options and extra terms of the objective.

use super::args::Args;
use super::game_expr::{scalar, Lowerer};
use super::infer::infer;
use super::inputs::Inputs;
use super::lints;
use super::nets::Nets;
use super::section::{KeySpec, Settings, Subject};
use super::values;
use crate::ast::{Entry, Expr, Section};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{
    AdvLoss, CallOutput, FDivergence, Game, GameExpr, GameExprKind, GradientPenalty, InstanceNoise,
    Term,
};
use crate::resolve::dims::DimEnv;
use crate::source::Span;
use crate::suggest::did_you_mean;

const fn key(name: &'static str, subject: Subject, trains: bool, example: &'static str) -> KeySpec {
    KeySpec {
        name,
        subject,
        trains,
        example,
    }
}

/// The settings of `game`.
pub const GAME_KEYS: &[KeySpec] = &[
    key("loss", Subject::None, false, "loss: non_saturating"),
    key("real", Subject::None, false, "real: D(x)"),
    key("fake", Subject::None, false, "fake: D(G(z))"),
    key("patch", Subject::None, false, "patch: true"),
    key("smooth_real", Subject::None, false, "smooth_real: 0.9"),
    key("penalty", Subject::None, false, "penalty: gradient(10)"),
    key(
        "constrain",
        Subject::Network,
        false,
        "constrain D: clip(0.01)",
    ),
    key(
        "term",
        Subject::Name,
        true,
        "term recon: 10 * l1(G(a), b) trains G",
    ),
    key("unroll", Subject::None, false, "unroll: 5"),
    key(
        "instance_noise",
        Subject::None,
        false,
        "instance_noise: anneal(0.1, 0.0, steps: 1000)",
    ),
    key(
        "historical_average",
        Subject::None,
        false,
        "historical_average: 1e-3",
    ),
    key(
        "adversarial",
        Subject::None,
        false,
        "adversarial: judge_only",
    ),
];

const LOSSES: &[&str] = &[
    "minimax",
    "non_saturating",
    "least_squares",
    "hinge",
    "wasserstein",
    "f_gan",
    "energy",
];
const DIVERGENCES: &[(&str, FDivergence)] = &[
    ("kl", FDivergence::Kl),
    ("reverse_kl", FDivergence::ReverseKl),
    ("js", FDivergence::JensenShannon),
    ("pearson", FDivergence::Pearson),
    ("hellinger", FDivergence::SquaredHellinger),
    ("tv", FDivergence::TotalVariation),
];

/// The checked game, with the data inputs whose labels it reads.
pub struct GameResult {
    /// The game.
    pub game: Game,
    /// `(data input, classes)` for every `x.label` read.
    pub labels_used: Vec<(String, usize)>,
}

/// Checks the `game` section. `None` when it has errors (all reported) or depends on a
/// network that failed to check.
pub fn check_game(
    section: Option<&Section>,
    file_span: Span,
    inputs: &Inputs,
    nets: &Nets,
    dims: &DimEnv,
    diags: &mut Vec<Diagnostic>,
) -> Option<GameResult> {
    let Some(section) = section else {
        diags.push(
            Diagnostic::error(codes::SETTING_MISSING, file_span, "the file has no `game` section")
                .with_primary_text("model declared here")
                .with_help("add `game { loss: non_saturating }`; `real` and `fake` are inferred for one G, one D and one data input"),
        );
        return None;
    };
    let s = Settings::new(section, "game", GAME_KEYS, diags);
    let errors_before = diags.iter().filter(|d| d.is_error()).count();

    let loss = match s.one("loss") {
        Some(e) => loss(&e.value, diags),
        None => {
            diags.push(
                Diagnostic::error(codes::SETTING_MISSING, section.span, "the game has no `loss`")
                    .with_primary_text("no adversarial loss")
                    .with_help("add `loss: non_saturating` (or minimax, least_squares, hinge, wasserstein, f_gan(js), energy(margin: 10))"),
            );
            None
        }
    };
    let patch = s
        .one("patch")
        .and_then(|e| report(values::boolean(&e.value, "patch"), diags))
        .unwrap_or(false);

    let mut lower = Lowerer::new(inputs, nets);
    let sides = match (s.one("real"), s.one("fake")) {
        (None, None) => match infer(inputs, nets, section.span) {
            Ok(sides) => sides,
            Err(mut ds) => {
                diags.append(&mut ds);
                None
            }
        },
        (Some(r), Some(f)) => written_sides(r, f, &mut lower),
        (Some(one), None) | (None, Some(one)) => {
            let missing = if one.key.name == "real" {
                "fake"
            } else {
                "real"
            };
            diags.push(
                Diagnostic::error(
                    codes::GAME_CANNOT_INFER,
                    one.key.span,
                    format!("`{}` is written but `{missing}` is not", one.key.name),
                )
                .with_primary_text(format!("`{missing}` missing"))
                .with_help(
                    "write both, e.g. `real: D(x)` and `fake: D(G(z))`; or neither, to infer them",
                ),
            );
            None
        }
    };

    let judge_info = sides
        .as_ref()
        .and_then(|(real, fake)| judge_of(real, fake, nets, &mut lower.diags));
    let players = sides
        .as_ref()
        .map(|(real, fake)| players(fake, real, judge_info.as_ref().map(|j| j.0.as_str())));
    if let (Some((judge, _)), Some(players)) = (&judge_info, &players) {
        if players.is_empty() {
            let span = sides.as_ref().map_or(section.span, |s| s.1.span);
            lower.diags.push(
                Diagnostic::error(
                    codes::GAME_NO_PLAYERS,
                    span,
                    format!("`fake` calls no network other than the judge `{judge}`"),
                )
                .with_primary_text("nothing generates the fake samples")
                .with_help(format!(
                    "feed the judge a generated sample, e.g. `fake: {judge}(G(z))`"
                )),
            );
        }
    }
    lower.judge_calls = sides.clone();

    let smooth_real = s.one("smooth_real").and_then(|e| {
        let v = report(values::number(&e.value, "smooth_real"), diags)?;
        if v > 0.0 && v <= 1.0 {
            Some(v)
        } else {
            diags.push(
                Diagnostic::error(
                    codes::SETTING_OUT_OF_RANGE,
                    e.value.span,
                    format!("`smooth_real` must be in (0, 1], got {v}"),
                )
                .with_primary_text("the target for real samples")
                .with_help(
                    "one-sided label smoothing uses a target just below 1, e.g. `smooth_real: 0.9`",
                ),
            );
            None
        }
    });
    if let (Some(l), Some(e), Some(_)) = (loss, s.one("smooth_real"), smooth_real) {
        smoothing_needs_a_target(l, e.key.span, s.one("loss").map(|e| e.value.span), diags);
    }
    let gradient_penalty = s.one("penalty").and_then(|e| penalty(&e.value, diags));
    let clip = constraints(&s, nets, diags);
    let terms = terms(&s, nets, &mut lower);
    let unroll = s
        .one("unroll")
        .and_then(|e| report(values::positive(&e.value, "unroll", dims), diags))
        .map(|v| v as usize);
    let instance_noise = s
        .one("instance_noise")
        .and_then(|e| instance_noise(&e.value, dims, diags));
    let historical_average = s.one("historical_average").and_then(|e| {
        let v = report(values::number(&e.value, "historical_average"), diags)?;
        if v > 0.0 {
            Some(v)
        } else {
            diags.push(
                Diagnostic::error(codes::SETTING_OUT_OF_RANGE, e.value.span, format!("`historical_average` must be positive, got {v}"))
                    .with_primary_text("a weight")
                    .with_help("Salimans et al. use a small weight, e.g. `historical_average: 1e-3`; remove the line to turn it off"),
            );
            None
        }
    });
    let adversarial_trains_players = s
        .one("adversarial")
        .and_then(|e| adversarial_scope(&e.value, &terms, players.as_deref(), diags))
        .unwrap_or(true);
    // The same condition fed wrongly on both sides is one mistake.
    let mut seen_conds: Vec<String> = Vec::new();
    lower.diags.retain(|d| {
        if d.code != codes::GAME_COND_MISMATCH {
            return true;
        }
        let new = !seen_conds.contains(&d.message);
        seen_conds.push(d.message.clone());
        new
    });
    diags.append(&mut lower.diags);

    let (real, fake) = sides?;
    let (judge, judge_output) = judge_info?;
    let loss = loss?;
    if let Some(net) = nets.get(&judge) {
        let loss_span = s.one("loss").map_or(section.span, |e| e.value.span);
        lints::check_judge(
            net,
            judge_output,
            loss,
            loss_span,
            patch,
            gradient_penalty.is_some(),
            diags,
        );
        lints::check_clip(&clip, loss, &s, diags);
    }
    let errors_after = diags.iter().filter(|d| d.is_error()).count();
    if errors_after > errors_before {
        return None;
    }
    Some(GameResult {
        game: Game {
            loss,
            judge,
            judge_output,
            real,
            fake,
            players: players.unwrap_or_default(),
            smooth_real,
            gradient_penalty,
            clip,
            terms,
            unroll,
            instance_noise,
            historical_average,
            adversarial_trains_players,
        },
        labels_used: lower.labels_used,
    })
}

fn report<T>(r: Result<T, Diagnostic>, diags: &mut Vec<Diagnostic>) -> Option<T> {
    r.map_err(|e| diags.push(e)).ok()
}

fn unknown_value(expr: &Expr, what: &str, found: &str, allowed: &[&str]) -> Diagnostic {
    let help = match did_you_mean(found, allowed.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None => format!("`{what}` is one of: {}", allowed.join(", ")),
    };
    Diagnostic::error(
        codes::SETTING_UNKNOWN_VALUE,
        expr.span,
        format!("unknown {what} `{found}`"),
    )
    .with_primary_text(format!("not a {what}"))
    .with_help(help)
}

fn loss(expr: &Expr, diags: &mut Vec<Diagnostic>) -> Option<AdvLoss> {
    let Some((name, call)) = values::call_or_word(expr) else {
        diags.push(values::wrong_type(
            expr,
            "loss",
            "a loss name",
            "non_saturating",
        ));
        return None;
    };
    let simple = match name {
        "minimax" => Some(AdvLoss::Minimax),
        "non_saturating" => Some(AdvLoss::NonSaturating),
        "least_squares" => Some(AdvLoss::LeastSquares),
        "hinge" => Some(AdvLoss::Hinge),
        "wasserstein" => Some(AdvLoss::Wasserstein),
        "f_gan" | "energy" => None,
        _ => {
            diags.push(unknown_value(expr, "loss", name, LOSSES));
            return None;
        }
    };
    if let Some(l) = simple {
        if let Some(c) = call {
            Args::new(c, &[], diags);
        }
        return Some(l);
    }
    let empty;
    let c = match call {
        Some(c) => c,
        None => {
            empty = crate::ast::Call {
                callee: crate::ast::Ident {
                    name: name.to_string(),
                    span: expr.span,
                },
                args: Vec::new(),
                named: Vec::new(),
            };
            &empty
        }
    };
    if name == "f_gan" {
        let args = Args::new(c, &["divergence"], diags);
        let e = report(args.require("divergence", "f_gan(js)"), diags)?;
        let names: Vec<&str> = DIVERGENCES.iter().map(|d| d.0).collect();
        let word = report(values::word(e, "divergence", "js"), diags)?;
        match DIVERGENCES.iter().find(|d| d.0 == word) {
            Some(d) => Some(AdvLoss::FGan(d.1)),
            None => {
                diags.push(unknown_value(e, "divergence", word, &names));
                None
            }
        }
    } else {
        let args = Args::new(c, &["margin"], diags);
        let e = report(args.require("margin", "energy(margin: 10)"), diags)?;
        let margin = report(values::number(e, "margin"), diags)?;
        if margin > 0.0 {
            Some(AdvLoss::Energy { margin })
        } else {
            diags.push(
                Diagnostic::error(
                    codes::SETTING_OUT_OF_RANGE,
                    e.span,
                    format!("the margin must be positive, got {margin}"),
                )
                .with_primary_text("not positive")
                .with_help("EBGAN uses a margin such as `energy(margin: 10)`"),
            );
            None
        }
    }
}

/// Lowers written `real:` and `fake:`; each must be a call of a network.
fn written_sides(real: &Entry, fake: &Entry, lower: &mut Lowerer) -> Option<(GameExpr, GameExpr)> {
    let r = lower.lower(&real.value);
    let f = lower.lower(&fake.value);
    let mut ok = true;
    for (e, entry) in [(&r, real), (&f, fake)] {
        if let Some(e) = e {
            if !matches!(e.kind, GameExprKind::Call { .. }) {
                ok = false;
                lower.diags.push(
                    Diagnostic::error(
                        codes::GAME_NOT_A_CALL,
                        entry.value.span,
                        format!("`{}` must be a call of the judge network", entry.key.name),
                    )
                    .with_primary_text(format!("this is {}", e.ty))
                    .with_help(if entry.key.name == "real" {
                        "write e.g. `real: D(x)`"
                    } else {
                        "write e.g. `fake: D(G(z))`"
                    }),
                );
            }
        }
    }
    if ok {
        Some((r?, f?))
    } else {
        None
    }
}

/// The judge and its adversarial output, when real and fake agree.
fn judge_of(
    real: &GameExpr,
    fake: &GameExpr,
    nets: &Nets,
    diags: &mut Vec<Diagnostic>,
) -> Option<(String, usize)> {
    let (
        GameExprKind::Call {
            network: rn,
            output: ro,
            ..
        },
        GameExprKind::Call {
            network: fnet,
            output: fo,
            ..
        },
    ) = (&real.kind, &fake.kind)
    else {
        return None;
    };
    if rn != fnet || ro != fo {
        let what = if rn != fnet {
            "call different networks"
        } else {
            "read different outputs"
        };
        diags.push(
            Diagnostic::error(codes::GAME_JUDGE_MISMATCH, fake.span, format!("`real` and `fake` {what}"))
                .with_primary_text(format!("fake: {}", describe_call(nets, fnet, fo)))
                .with_label(real.span, format!("real: {}", describe_call(nets, rn, ro)))
                .with_help("the judge scores real and fake samples with the same network and output, e.g. `real: D(x).adv` and `fake: D(G(z)).adv`"),
        );
        return None;
    }
    match ro {
        CallOutput::Port(i) => Some((rn.clone(), *i)),
        CallOutput::Feature(_) => {
            diags.push(
                Diagnostic::error(codes::GAME_ADV_OUTPUT, real.span, format!("the judge's score must be an output of `{rn}`, not an intermediate feature"))
                    .with_primary_text("a feature")
                    .with_help("return the score as an output of the network"),
            );
            None
        }
    }
}

fn describe_call(nets: &Nets, net: &str, out: &CallOutput) -> String {
    let n = nets.get(net);
    match out {
        CallOutput::Port(i) => match n.and_then(|n| n.outputs.get(*i)) {
            Some(p) => format!("`{net}` output `{}`", p.name),
            None => format!("`{net}` output {i}"),
        },
        CallOutput::Feature(id) => match n.and_then(|n| n.features.iter().find(|f| f.1 == *id)) {
            Some((name, _)) => format!("`{net}` feature `{name}`"),
            None => format!("`{net}` feature"),
        },
    }
}

/// Networks called inside the judge's arguments, fake side first, in order of appearance.
fn players(fake: &GameExpr, real: &GameExpr, judge: Option<&str>) -> Vec<String> {
    fn walk(e: &GameExpr, out: &mut Vec<String>) {
        match &e.kind {
            GameExprKind::Call { network, args, .. } => {
                for a in args {
                    walk(a, out);
                }
                if !out.contains(network) {
                    out.push(network.clone());
                }
            }
            GameExprKind::Loss { args, .. } => args.iter().for_each(|a| walk(a, out)),
            GameExprKind::Binary(_, a, b) => {
                walk(a, out);
                walk(b, out);
            }
            GameExprKind::Neg(a) => walk(a, out),
            _ => {}
        }
    }
    let mut out = Vec::new();
    for side in [fake, real] {
        if let GameExprKind::Call { args, .. } = &side.kind {
            for a in args {
                walk(a, &mut out);
            }
        }
    }
    out.retain(|n| Some(n.as_str()) != judge);
    out
}

fn penalty(expr: &Expr, diags: &mut Vec<Diagnostic>) -> Option<GradientPenalty> {
    let Some((name, Some(c))) = values::call_or_word(expr) else {
        diags.push(values::wrong_type(
            expr,
            "penalty",
            "a penalty call",
            "gradient(10)",
        ));
        return None;
    };
    if name != "gradient" {
        diags.push(unknown_value(expr, "penalty", name, &["gradient"]));
        return None;
    }
    let args = Args::new(c, &["weight", "target"], diags);
    let weight = report(
        args.require("weight", "gradient(10)")
            .and_then(|e| values::number(e, "weight")),
        diags,
    )?;
    let target = match args.get("target") {
        Some(e) => report(values::number(e, "target"), diags)?,
        None => 1.0,
    };
    if weight > 0.0 && target >= 0.0 {
        Some(GradientPenalty { weight, target })
    } else {
        diags.push(
            Diagnostic::error(codes::SETTING_OUT_OF_RANGE, expr.span, format!("gradient penalty needs a positive weight and a target >= 0, got {weight} and {target}"))
                .with_primary_text("out of range")
                .with_help("WGAN-GP uses `gradient(10)` (target 1)"),
        );
        None
    }
}

fn constraints(s: &Settings, nets: &Nets, diags: &mut Vec<Diagnostic>) -> Vec<(String, f64)> {
    let mut out = Vec::new();
    for e in s.all("constrain") {
        let Some(subject) = &e.subject else { continue };
        if let Err(d) = nets.lookup(subject, codes::GAME_UNKNOWN_NETWORK) {
            diags.push(d);
            continue;
        }
        let Some((name, Some(c))) = values::call_or_word(&e.value) else {
            diags.push(values::wrong_type(
                &e.value,
                "constrain",
                "a constraint call",
                "clip(0.01)",
            ));
            continue;
        };
        if name != "clip" {
            diags.push(unknown_value(&e.value, "constraint", name, &["clip"]));
            continue;
        }
        let args = Args::new(c, &["bound"], diags);
        let Some(v) = report(
            args.require("bound", "clip(0.01)")
                .and_then(|x| values::number(x, "bound")),
            diags,
        ) else {
            continue;
        };
        if v > 0.0 {
            out.push((subject.name.clone(), v));
        } else {
            diags.push(
                Diagnostic::error(
                    codes::SETTING_OUT_OF_RANGE,
                    e.value.span,
                    format!("the clipping bound must be positive, got {v}"),
                )
                .with_primary_text("not positive")
                .with_help("WGAN clips weights to [-0.01, 0.01]: `clip(0.01)`"),
            );
        }
    }
    out
}

fn terms(s: &Settings, nets: &Nets, lower: &mut Lowerer) -> Vec<Term> {
    let mut out = Vec::new();
    for e in s.all("term") {
        let Some(name) = &e.subject else { continue };
        let expr = lower.lower(&e.value);
        if e.trains.is_empty() {
            let called = expr
                .as_ref()
                .map(|x| players(x, x, None))
                .unwrap_or_default();
            let suggestion = if called.is_empty() {
                "G".to_string()
            } else {
                called.join(", ")
            };
            lower.diags.push(
                Diagnostic::error(
                    codes::SETTING_TRAINS,
                    name.span,
                    format!("term `{}` does not say which networks it trains", name.name),
                )
                .with_primary_text("no `trains`")
                .with_help(format!(
                    "append `trains {suggestion}` (the networks whose optimizers minimise it)"
                )),
            );
            continue;
        }
        let mut ok = true;
        for t in &e.trains {
            if let Err(d) = nets.lookup(t, codes::GAME_UNKNOWN_NETWORK) {
                lower.diags.push(d);
                ok = false;
            }
        }
        let Some(expr) = expr else { continue };
        if expr.ty != scalar() || !is_reduced(&expr) {
            lower.diags.push(
                Diagnostic::error(
                    codes::GAME_TERM_OPERANDS,
                    e.value.span,
                    format!("term `{}` is not a single number", name.name),
                )
                .with_primary_text(format!("this is {} per sample", expr.ty))
                .with_help(
                    "reduce it with a loss function, e.g. `l1(a, b)`, `mse(a, b)` or `mean(...)`",
                ),
            );
            continue;
        }
        if ok {
            out.push(Term {
                name: name.name.clone(),
                expr,
                trains: e.trains.iter().map(|t| t.name.clone()).collect(),
                span: e.span,
            });
        }
    }
    out
}

/// Whether a scalar-typed expression involves a reduction (a bare constant is not a term).
fn is_reduced(e: &GameExpr) -> bool {
    match &e.kind {
        GameExprKind::Loss { .. } => true,
        GameExprKind::Binary(_, a, b) => is_reduced(a) || is_reduced(b),
        GameExprKind::Neg(a) => is_reduced(a),
        _ => false,
    }
}

/// `adversarial: both | judge_only`: whether the adversarial loss trains the players too.
/// `judge_only` needs a term that trains a player, or the players would learn nothing.
fn adversarial_scope(
    expr: &Expr,
    terms: &[Term],
    players: Option<&[String]>,
    diags: &mut Vec<Diagnostic>,
) -> Option<bool> {
    const SCOPES: &[&str] = &["both", "judge_only"];
    let word = report(values::word(expr, "adversarial", "judge_only"), diags)?;
    match word {
        "both" => Some(true),
        "judge_only" => {
            let players = players?;
            let trained = terms
                .iter()
                .any(|t| t.trains.iter().any(|n| players.contains(n)));
            if !trained {
                diags.push(
                    Diagnostic::error(
                        codes::GAME_UNTRAINED_PLAYERS,
                        expr.span,
                        "`adversarial: judge_only` leaves the players without a loss",
                    )
                    .with_primary_text(format!(
                        "no term trains {}",
                        players.join(" or ")
                    ))
                    .with_help(format!(
                        "add a term that trains them, e.g. `term kl: mean(...) trains {}`, or remove this line",
                        players.join(", ")
                    )),
                );
                return None;
            }
            Some(false)
        }
        other => {
            diags.push(unknown_value(expr, "adversarial scope", other, SCOPES));
            None
        }
    }
}

fn instance_noise(
    expr: &Expr,
    dims: &DimEnv,
    diags: &mut Vec<Diagnostic>,
) -> Option<InstanceNoise> {
    if let Ok(v) = values::number(expr, "instance_noise") {
        if v >= 0.0 {
            return Some(InstanceNoise {
                start: v,
                end: v,
                steps: 0,
            });
        }
    }
    let Some(("anneal", Some(c))) = values::call_or_word(expr) else {
        diags.push(values::wrong_type(
            expr,
            "instance_noise",
            "a standard deviation or `anneal(start, end, steps: n)`",
            "anneal(0.1, 0.0, steps: 1000)",
        ));
        return None;
    };
    let args = Args::new(c, &["start", "end", "steps"], diags);
    let start = report(
        args.require("start", "anneal(0.1, 0.0, steps: 1000)")
            .and_then(|e| values::number(e, "start")),
        diags,
    );
    let end = match args.get("end") {
        Some(e) => report(values::number(e, "end"), diags),
        None => Some(0.0),
    };
    let steps = report(
        args.require("steps", "anneal(0.1, 0.0, steps: 1000)")
            .and_then(|e| values::positive(e, "steps", dims)),
        diags,
    );
    let (start, end, steps) = (start?, end?, steps?);
    if start < 0.0 || end < 0.0 {
        diags.push(
            Diagnostic::error(
                codes::SETTING_OUT_OF_RANGE,
                expr.span,
                "noise standard deviations must not be negative",
            )
            .with_primary_text(format!("anneal({start}, {end}, ...)"))
            .with_help("e.g. `anneal(0.1, 0.0, steps: 1000)`"),
        );
        return None;
    }
    Some(InstanceNoise { start, end, steps })
}

/// One-sided label smoothing replaces the real samples' target label; only the logit and
/// least-squares losses have one, so elsewhere it would be silently ignored.
fn smoothing_needs_a_target(
    loss: AdvLoss,
    span: Span,
    loss_span: Option<Span>,
    diags: &mut Vec<Diagnostic>,
) {
    if matches!(
        loss,
        AdvLoss::Minimax | AdvLoss::NonSaturating | AdvLoss::LeastSquares
    ) {
        return;
    }
    let mut d = Diagnostic::error(
        codes::GAME_SMOOTH_LOSS,
        span,
        "`smooth_real` needs a loss with a target label for real samples",
    )
    .with_primary_text("one-sided label smoothing");
    if let Some(ls) = loss_span {
        d = d.with_label(ls, "this loss has no real-sample target to smooth");
    }
    diags.push(d.with_help(
        "use `loss: non_saturating`, `minimax` or `least_squares`, or remove `smooth_real`",
    ));
}
