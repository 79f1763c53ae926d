//! The `train` section: batch, length, seed, initialiser, one optimizer per network with
//! parameters, update ratios, and the sampling / checkpoint / logging intervals.

use super::args::Args;
use super::nets::Nets;
use super::section::{KeySpec, Settings, Subject};
use super::values;
use crate::ast::{Call, Expr, Section};
use crate::diagnostics::{codes, Diagnostic};
use crate::graph::{Init, Length, OptimKind, OptimizerSpec, TrainConfig};
use crate::resolve::dims::DimEnv;
use crate::source::Span;
use crate::suggest::did_you_mean;

const fn key(name: &'static str, subject: Subject, example: &'static str) -> KeySpec {
    KeySpec {
        name,
        subject,
        trains: false,
        example,
    }
}

/// The settings of `train`.
pub const TRAIN_KEYS: &[KeySpec] = &[
    key("batch", Subject::None, "batch: 64"),
    key("steps", Subject::None, "steps: 5000"),
    key("epochs", Subject::None, "epochs: 1"),
    key("seed", Subject::None, "seed: 0"),
    key("init", Subject::None, "init: normal(0.02)"),
    key(
        "optim",
        Subject::Network,
        "optim G: adam(lr: 2e-4, betas: [0.5, 0.999])",
    ),
    key("updates", Subject::Network, "updates D: 5"),
    key("sample_every", Subject::None, "sample_every: 500"),
    key("sample_grid", Subject::None, "sample_grid: 8"),
    key("checkpoint_every", Subject::None, "checkpoint_every: 1000"),
    key("log_every", Subject::None, "log_every: 50"),
];

/// Default interval between sample grids, in iterations.
pub const DEFAULT_SAMPLE_EVERY: u64 = 500;
/// Default sample grid: 8 rows of 8.
pub const DEFAULT_SAMPLE_GRID: (usize, usize) = (8, 8);
/// Default interval between checkpoints, in iterations.
pub const DEFAULT_CHECKPOINT_EVERY: u64 = 1000;
/// Default interval between metric lines, in iterations.
pub const DEFAULT_LOG_EVERY: u64 = 50;

const OPTIMIZERS: &[&str] = &["adam", "rmsprop", "sgd"];

/// A ready-to-paste optimizer line for `net`.
pub fn optim_example(net: &str) -> String {
    format!("optim {net}: adam(lr: 2e-4, betas: [0.5, 0.999])")
}

/// Checks the `train` section; `None` when it has errors.
pub fn check_train(
    section: Option<&Section>,
    file_span: Span,
    nets: &Nets,
    dims: &DimEnv,
    diags: &mut Vec<Diagnostic>,
) -> Option<TrainConfig> {
    let Some(section) = section else {
        let optims: Vec<String> = nets
            .checked
            .iter()
            .filter(|n| n.params > 0)
            .map(|n| format!("  {}\n", optim_example(&n.name)))
            .collect();
        diags.push(
            Diagnostic::error(
                codes::SETTING_MISSING,
                file_span,
                "the file has no `train` section",
            )
            .with_primary_text("model declared here")
            .with_help(format!(
                "add:\ntrain {{\n  batch: 64\n  steps: 5000\n{}}}",
                optims.concat()
            )),
        );
        return None;
    };
    let before = diags.iter().filter(|d| d.is_error()).count();
    let s = Settings::new(section, "train", TRAIN_KEYS, diags);
    let report =
        |r: Result<u64, Diagnostic>, diags: &mut Vec<Diagnostic>| r.map_err(|e| diags.push(e)).ok();

    let batch = match s.one("batch") {
        Some(e) => report(values::positive(&e.value, "batch", dims), diags),
        None => {
            diags.push(
                Diagnostic::error(
                    codes::SETTING_MISSING,
                    section.span,
                    "`train` has no `batch`",
                )
                .with_primary_text("batch size missing")
                .with_help("add `batch: 64`"),
            );
            None
        }
    };
    let length = match (s.one("steps"), s.one("epochs")) {
        (Some(st), None) => {
            report(values::positive(&st.value, "steps", dims), diags).map(Length::Steps)
        }
        (None, Some(ep)) => {
            report(values::positive(&ep.value, "epochs", dims), diags).map(Length::Epochs)
        }
        (Some(st), Some(ep)) => {
            diags.push(
                Diagnostic::error(
                    codes::TRAIN_LENGTH,
                    ep.key.span,
                    "`train` sets both `steps` and `epochs`",
                )
                .with_primary_text("epochs here")
                .with_label(st.key.span, "steps here")
                .with_help("keep one: `steps` counts iterations, `epochs` passes over the data"),
            );
            None
        }
        (None, None) => {
            diags.push(
                Diagnostic::error(
                    codes::TRAIN_LENGTH,
                    section.span,
                    "`train` says neither `steps` nor `epochs`",
                )
                .with_primary_text("how long to train?")
                .with_help("add `steps: 5000` or `epochs: 1`"),
            );
            None
        }
    };
    let opt = |k: &str, default: u64, diags: &mut Vec<Diagnostic>| match s.one(k) {
        Some(e) => report(values::count(&e.value, k, dims), diags).unwrap_or(default),
        None => default,
    };
    let seed = opt("seed", 0, diags);
    let sample_every = opt("sample_every", DEFAULT_SAMPLE_EVERY, diags);
    let checkpoint_every = opt("checkpoint_every", DEFAULT_CHECKPOINT_EVERY, diags);
    let log_every = match s.one("log_every") {
        Some(e) => report(values::positive(&e.value, "log_every", dims), diags)
            .unwrap_or(DEFAULT_LOG_EVERY),
        None => DEFAULT_LOG_EVERY,
    };
    let sample_grid = s
        .one("sample_grid")
        .map_or(DEFAULT_SAMPLE_GRID, |e| grid(&e.value, dims, diags));
    let init = s
        .one("init")
        .map_or(Init::Default, |e| init(&e.value, diags));

    let mut optimizers = Vec::new();
    for e in s.all("optim") {
        let Some(net) = &e.subject else { continue };
        match nets.lookup(net, codes::TRAIN_UNKNOWN_NETWORK) {
            Err(d) => diags.push(d.with_help(unknown_net_help(nets, &net.name))),
            Ok(_) => {
                if let Some(kind) = optimizer(&e.value, diags) {
                    optimizers.push(OptimizerSpec {
                        network: net.name.clone(),
                        kind,
                        span: e.span,
                    });
                }
            }
        }
    }
    let mut updates = Vec::new();
    for e in s.all("updates") {
        let Some(net) = &e.subject else { continue };
        if let Err(d) = nets.lookup(net, codes::TRAIN_UNKNOWN_NETWORK) {
            diags.push(d.with_help(unknown_net_help(nets, &net.name)));
            continue;
        }
        if let Some(k) = report(values::positive(&e.value, "updates", dims), diags) {
            updates.push((net.name.clone(), k as usize));
        }
    }
    let first_optim = s.all("optim").next().map(|e| e.span);
    for net in nets.checked.iter().filter(|n| n.params > 0) {
        let has = s
            .all("optim")
            .any(|e| e.subject.as_ref().is_some_and(|n| n.name == net.name));
        if !has {
            let mut d = Diagnostic::error(
                codes::TRAIN_MISSING_OPTIMIZER,
                nets.name_span(net),
                format!(
                    "network `{}` has {} parameters but no optimizer",
                    net.name, net.params
                ),
            )
            .with_primary_text("never trained");
            if let Some(span) = first_optim {
                d = d.with_label(span, "optimizers are declared in `train`");
            }
            diags.push(d.with_help(format!("add to `train`: `{}`", optim_example(&net.name))));
        }
    }
    let after = diags.iter().filter(|d| d.is_error()).count();
    if after > before {
        return None;
    }
    Some(TrainConfig {
        batch: batch? as usize,
        length: length?,
        seed,
        optimizers,
        updates,
        init,
        sample_every,
        sample_grid,
        checkpoint_every,
        log_every,
        span: section.span,
    })
}

fn unknown_net_help(nets: &Nets, name: &str) -> String {
    let names: Vec<&str> = nets.declared.iter().map(|(n, _)| *n).collect();
    match did_you_mean(name, names.iter().copied()) {
        Some(s) => format!("did you mean `{s}`?"),
        None if names.is_empty() => "no network is declared in this file".into(),
        None => format!("networks: {}", names.join(", ")),
    }
}

fn grid(e: &Expr, dims: &DimEnv, diags: &mut Vec<Diagnostic>) -> (usize, usize) {
    if let crate::ast::ExprKind::List(items) = &e.kind {
        if items.len() == 2 {
            let r = values::positive(&items[0], "sample_grid", dims);
            let c = values::positive(&items[1], "sample_grid", dims);
            return match (r, c) {
                (Ok(r), Ok(c)) => (r as usize, c as usize),
                (r, c) => {
                    diags.extend(r.err());
                    diags.extend(c.err());
                    DEFAULT_SAMPLE_GRID
                }
            };
        }
        diags.push(values::wrong_type(
            e,
            "sample_grid",
            "a size or [rows, columns]",
            "[8, 8]",
        ));
        return DEFAULT_SAMPLE_GRID;
    }
    match values::positive(e, "sample_grid", dims) {
        Ok(n) => (n as usize, n as usize),
        Err(d) => {
            diags.push(d);
            DEFAULT_SAMPLE_GRID
        }
    }
}

fn init(e: &Expr, diags: &mut Vec<Diagnostic>) -> Init {
    let allowed = ["normal", "xavier", "default"];
    let Some((name, call)) = values::call_or_word(e) else {
        diags.push(values::wrong_type(
            e,
            "init",
            "an initialiser",
            "normal(0.02)",
        ));
        return Init::Default;
    };
    match name {
        "xavier" | "default" => {
            if let Some(c) = call {
                Args::new(c, &[], diags);
            }
            if name == "xavier" {
                Init::Xavier
            } else {
                Init::Default
            }
        }
        "normal" => {
            let std = call.and_then(|c| {
                let args = Args::new(c, &["std"], diags);
                args.get("std")
                    .and_then(|x| values::number(x, "std").map_err(|d| diags.push(d)).ok())
            });
            match std {
                Some(v) if v > 0.0 => Init::Normal(v),
                Some(v) => {
                    diags.push(
                        Diagnostic::error(
                            codes::SETTING_OUT_OF_RANGE,
                            e.span,
                            format!("the standard deviation must be positive, got {v}"),
                        )
                        .with_primary_text("not positive")
                        .with_help("DCGAN uses `init: normal(0.02)`"),
                    );
                    Init::Default
                }
                None => Init::Normal(0.02),
            }
        }
        _ => {
            let help = match did_you_mean(name, allowed) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "initialisers: normal(std), xavier, default".into(),
            };
            diags.push(
                Diagnostic::error(
                    codes::SETTING_UNKNOWN_VALUE,
                    e.span,
                    format!("unknown initialiser `{name}`"),
                )
                .with_primary_text("not an initialiser")
                .with_help(help),
            );
            Init::Default
        }
    }
}

/// Reads an optimizer call; PyTorch's defaults fill unspecified hyper-parameters, except the
/// learning rate, which GAN papers always state and which must be written.
fn optimizer(e: &Expr, diags: &mut Vec<Diagnostic>) -> Option<OptimKind> {
    let Some((name, call)) = values::call_or_word(e) else {
        diags.push(values::wrong_type(
            e,
            "optim",
            "an optimizer call",
            "adam(lr: 2e-4)",
        ));
        return None;
    };
    if !OPTIMIZERS.contains(&name) {
        let help = match did_you_mean(name, OPTIMIZERS.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None => "optimizers: adam(lr, betas, eps, weight_decay), rmsprop(lr, alpha, eps, momentum), sgd(lr, momentum, nesterov)".into(),
        };
        diags.push(
            Diagnostic::error(
                codes::TRAIN_UNKNOWN_OPTIMIZER,
                call.map_or(e.span, |c| c.callee.span),
                format!("unknown optimizer `{name}`"),
            )
            .with_primary_text("not an optimizer")
            .with_help(help),
        );
        return None;
    }
    let Some(c) = call else {
        diags.push(
            Diagnostic::error(
                codes::SETTING_MISSING,
                e.span,
                format!("`{name}` needs a learning rate"),
            )
            .with_primary_text("no `lr`")
            .with_help(format!("write `{name}(lr: 2e-4)`")),
        );
        return None;
    };
    let before = diags.len();
    let kind = match name {
        "adam" => {
            let a = Args::new(c, &["lr", "betas", "eps", "weight_decay"], diags);
            let betas = match a.get("betas") {
                Some(b) => values::numbers(b, "betas", 2, "[0.5, 0.999]")
                    .map_err(|d| diags.push(d))
                    .ok()?,
                None => vec![0.9, 0.999],
            };
            let kind = OptimKind::Adam {
                lr: lr(c, &a, diags)?,
                beta1: betas[0],
                beta2: betas[1],
                eps: num(&a, "eps", 1e-8, diags)?,
                weight_decay: num(&a, "weight_decay", 0.0, diags)?,
            };
            for (i, b) in betas.iter().enumerate() {
                if !(0.0..1.0).contains(b) {
                    diags.push(range(
                        a.get("betas").map_or(c.callee.span, |x| x.span),
                        &format!("beta{} must be in [0, 1), got {b}", i + 1),
                        "DCGAN uses `betas: [0.5, 0.999]`",
                    ));
                }
            }
            kind
        }
        "rmsprop" => {
            let a = Args::new(c, &["lr", "alpha", "eps", "momentum"], diags);
            let kind = OptimKind::RmsProp {
                lr: lr(c, &a, diags)?,
                alpha: num(&a, "alpha", 0.99, diags)?,
                eps: num(&a, "eps", 1e-8, diags)?,
                momentum: num(&a, "momentum", 0.0, diags)?,
            };
            if let OptimKind::RmsProp { alpha, .. } = kind {
                if !(0.0..1.0).contains(&alpha) {
                    diags.push(range(
                        a.get("alpha").map_or(c.callee.span, |x| x.span),
                        &format!("alpha must be in [0, 1), got {alpha}"),
                        "the default is `alpha: 0.99`",
                    ));
                }
            }
            kind
        }
        _ => {
            let a = Args::new(c, &["lr", "momentum", "nesterov"], diags);
            let nesterov = match a.get("nesterov") {
                Some(x) => values::boolean(x, "nesterov")
                    .map_err(|d| diags.push(d))
                    .ok()?,
                None => false,
            };
            let kind = OptimKind::Sgd {
                lr: lr(c, &a, diags)?,
                momentum: num(&a, "momentum", 0.0, diags)?,
                nesterov,
            };
            if let OptimKind::Sgd {
                momentum,
                nesterov: true,
                ..
            } = kind
            {
                if momentum <= 0.0 {
                    diags.push(range(
                        c.callee.span,
                        "Nesterov momentum needs `momentum` > 0",
                        "write e.g. `sgd(lr: 0.01, momentum: 0.9, nesterov: true)`",
                    ));
                }
            }
            kind
        }
    };
    (diags.len() == before).then_some(kind)
}

fn lr(c: &Call, a: &Args, diags: &mut Vec<Diagnostic>) -> Option<f64> {
    let e = a
        .require("lr", &format!("{}(lr: 2e-4)", c.callee.name))
        .map_err(|d| diags.push(d))
        .ok()?;
    let v = values::number(e, "lr").map_err(|d| diags.push(d)).ok()?;
    if v > 0.0 {
        Some(v)
    } else {
        diags.push(range(
            e.span,
            &format!("the learning rate must be positive, got {v}"),
            "GANs commonly use `lr: 2e-4`",
        ));
        None
    }
}

fn num(a: &Args, name: &str, default: f64, diags: &mut Vec<Diagnostic>) -> Option<f64> {
    let Some(e) = a.get(name) else {
        return Some(default);
    };
    let v = values::number(e, name).map_err(|d| diags.push(d)).ok()?;
    if v < 0.0 {
        diags.push(range(
            e.span,
            &format!("`{name}` must not be negative, got {v}"),
            &format!("the default is {default}"),
        ));
        return None;
    }
    Some(v)
}

fn range(span: Span, msg: &str, help: &str) -> Diagnostic {
    Diagnostic::error(codes::SETTING_OUT_OF_RANGE, span, msg.to_string())
        .with_primary_text("out of range")
        .with_help(help.to_string())
}
