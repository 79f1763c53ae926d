//! `--set key=value`: settings of the `train` and `game` sections changed without editing the
//! file. The value is parsed as a `.gan` expression and written into the AST, replacing or
//! adding the entry, so that it is checked exactly like source text. Its spans point at the
//! entry it replaced (or the section it was added to), which is where a bad value is reported.

use super::game::GAME_KEYS;
use super::section::{KeySpec, Subject};
use super::train::TRAIN_KEYS;
use crate::ast::{self, Entry, Expr, ExprKind, Ident, Section};
use crate::diagnostics::{codes, Diagnostic};
use crate::source::Span;
use crate::suggest::did_you_mean;

/// One `--set key=value`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    /// Dotted path: `train.steps`, `train.optim.G` (whole value), `train.optim.G.lr` (one
    /// argument of the call), `game.smooth_real`, `game.penalty.weight`.
    pub key: String,
    /// The new value as `.gan` expression text: `200`, `2e-4`, `[0.5, 0.99]`, `hinge`.
    pub value: String,
}

/// Parameter names of calls whose single arguments may be overridden by name; a positional
/// argument in that slot is replaced, otherwise a named argument is set.
const CALL_PARAMS: &[(&str, &[&str])] = &[
    ("adam", &["lr", "betas", "eps", "weight_decay"]),
    ("rmsprop", &["lr", "alpha", "eps", "momentum"]),
    ("sgd", &["lr", "momentum", "nesterov"]),
    ("gradient", &["weight", "target"]),
    ("anneal", &["start", "end", "steps"]),
    ("clip", &["bound"]),
    ("normal", &["std"]),
    ("energy", &["margin"]),
    ("f_gan", &["divergence"]),
];

/// What [`apply_overrides`] did: the overrides it could not apply, and where the others landed.
#[derive(Debug, Default)]
pub struct Applied {
    /// One diagnostic per override that could not be applied.
    pub diagnostics: Vec<Diagnostic>,
    /// The span each applied value carries, with its `--set key=value` text.
    pub sites: Vec<(Span, String)>,
}

/// Applies `overrides` in order.
pub fn apply_overrides(file: &mut ast::File, overrides: &[Override]) -> Applied {
    let mut applied = Applied::default();
    for o in overrides {
        match apply(file, o) {
            Ok(span) => applied
                .sites
                .push((span, format!("--set {}={}", o.key, o.value))),
            Err(d) => applied.diagnostics.push(d),
        }
    }
    applied
}

/// Later stages report a bad overridden value at the file's text it replaced; this says so in
/// the message, so the user does not look for the mistake in the file.
pub fn mention_overrides(diagnostics: &mut [Diagnostic], sites: &[(Span, String)]) {
    for d in diagnostics {
        let span = d.primary_span();
        if let Some((_, set)) = sites.iter().rev().find(|(site, _)| *site == span) {
            d.message = format!("`{set}`: {}", d.message);
            d.notes.push(format!(
                "the value here comes from `{set}`, not from the file; fix the `--set` flag"
            ));
        }
    }
}

fn key_error(anchor: Span, o: &Override, msg: String, help: String) -> Diagnostic {
    Diagnostic::error(
        codes::OVERRIDE_KEY,
        anchor,
        format!("`--set {}={}`: {msg}", o.key, o.value),
    )
    .with_primary_text("while applying `--set` to this model")
    .with_help(help)
}

fn apply(file: &mut ast::File, o: &Override) -> Result<Span, Diagnostic> {
    let anchor = file.header.name.span;
    let parts: Vec<&str> = o.key.split('.').collect();
    let (keys, is_train): (&[KeySpec], bool) = match parts[0] {
        "train" => (TRAIN_KEYS, true),
        "game" => (GAME_KEYS, false),
        other => {
            let help = match did_you_mean(other, ["train", "game"]) {
                Some(s) => format!(
                    "did you mean `{s}`? keys look like `train.steps` or `train.optim.G.lr`"
                ),
                None => {
                    "keys start with `train.` or `game.`, e.g. `train.steps` or `train.optim.G.lr`"
                        .into()
                }
            };
            return Err(key_error(anchor, o, format!("no section `{other}`"), help));
        }
    };
    let section_name = parts[0];
    let Some(&key) = parts.get(1).filter(|k| !k.is_empty()) else {
        return Err(key_error(
            anchor,
            o,
            "the key names no setting".into(),
            format!(
                "write `{section_name}.<setting>`, e.g. `{section_name}.{}`",
                keys[0].name
            ),
        ));
    };
    let Some(spec) = keys.iter().find(|k| k.name == key) else {
        let help = match did_you_mean(key, keys.iter().map(|k| k.name)) {
            Some(s) => format!("did you mean `{section_name}.{s}`?"),
            None => {
                let list: Vec<&str> = keys.iter().map(|k| k.name).collect();
                format!("`{section_name}` settings are: {}", list.join(", "))
            }
        };
        return Err(key_error(
            anchor,
            o,
            format!("`{section_name}` has no setting `{key}`"),
            help,
        ));
    };
    let needs_subject = spec.subject != Subject::None;
    let rest = &parts[2..];
    let (subject, arg) = match (needs_subject, rest) {
        (false, []) => (None, None),
        (false, [a]) => (None, Some(*a)),
        (true, [s]) => (Some(*s), None),
        (true, [s, a]) => (Some(*s), Some(*a)),
        (true, []) => {
            return Err(key_error(
                anchor,
                o,
                format!("`{key}` needs a subject"),
                format!("write e.g. `{section_name}.{key}.G`"),
            ));
        }
        _ => {
            return Err(key_error(
                anchor,
                o,
                "too many parts in the key".into(),
                format!(
                    "write `{section_name}.{key}{}.<argument>`",
                    if needs_subject { ".<name>" } else { "" }
                ),
            ));
        }
    };
    if arg == Some("") || subject == Some("") {
        return Err(key_error(
            anchor,
            o,
            "an empty part in the key".into(),
            format!("e.g. `{section_name}.{key}`"),
        ));
    }
    let header_span = file.header.name.span;
    let Some(section) = section_mut(file, is_train, header_span) else {
        return Err(key_error(
            anchor,
            o,
            "the section could not be created".into(),
            String::new(),
        ));
    };
    let pos = section
        .entries
        .iter()
        .position(|e| e.key.name == key && e.subject.as_ref().map(|s| s.name.as_str()) == subject);
    let target = pos.map_or(section.span, |i| section.entries[i].value.span);
    let value = parse_value(&o.value, target).ok_or_else(|| {
        Diagnostic::error(codes::OVERRIDE_VALUE, target, format!("`--set {}={}`: the value is not a .gan expression", o.key, o.value))
            .with_primary_text("the setting it was meant to replace")
            .with_help("write a number, a word, a list or a call, e.g. `200`, `2e-4`, `hinge`, `[0.5, 0.999]`, `adam(lr: 1e-4)`")
    })?;
    // `steps` and `epochs` exclude each other: setting one replaces the other.
    if arg.is_none() && is_train && (key == "steps" || key == "epochs") {
        let other = if key == "steps" { "epochs" } else { "steps" };
        section.entries.retain(|e| e.key.name != other);
    }
    let pos = section
        .entries
        .iter()
        .position(|e| e.key.name == key && e.subject.as_ref().map(|s| s.name.as_str()) == subject);
    match (pos, arg) {
        (Some(i), None) => section.entries[i].value = value,
        (None, None) => section.entries.push(Entry {
            key: Ident {
                name: key.to_string(),
                span: target,
            },
            subject: subject.map(|s| Ident {
                name: s.to_string(),
                span: target,
            }),
            value,
            trains: Vec::new(),
            span: target,
        }),
        (Some(i), Some(arg)) => {
            let entry_value = &mut section.entries[i].value;
            let ExprKind::Call(call) = &mut entry_value.kind else {
                return Err(key_error(
                    anchor,
                    o,
                    format!("`{key}` is not a call, so it has no argument `{arg}`"),
                    format!(
                        "set the whole value: `--set {section_name}.{key}{}=...`",
                        subject.map(|s| format!(".{s}")).unwrap_or_default()
                    ),
                ));
            };
            set_arg(call, arg, value);
        }
        (None, Some(arg)) => {
            let what = subject.map_or(key.to_string(), |s| format!("{key} {s}"));
            return Err(key_error(
                anchor,
                o,
                format!(
                    "`{what}` is not set in the file, so its argument `{arg}` cannot be changed"
                ),
                format!(
                    "set the whole value, e.g. `--set {section_name}.{key}{}=...`",
                    subject.map(|s| format!(".{s}")).unwrap_or_default()
                ),
            ));
        }
    }
    Ok(target)
}

/// The `train` or `game` section, created (pointing at the header) when absent.
fn section_mut(file: &mut ast::File, is_train: bool, span: Span) -> Option<&mut Section> {
    let found = file.items.iter().position(|i| match i {
        ast::Item::Train(_) => is_train,
        ast::Item::Game(_) => !is_train,
        _ => false,
    });
    let index = match found {
        Some(i) => i,
        None => {
            let s = Section {
                entries: Vec::new(),
                span,
            };
            file.items.push(if is_train {
                ast::Item::Train(s)
            } else {
                ast::Item::Game(s)
            });
            file.items.len() - 1
        }
    };
    match &mut file.items[index] {
        ast::Item::Train(s) | ast::Item::Game(s) => Some(s),
        _ => None,
    }
}

fn set_arg(call: &mut ast::Call, arg: &str, value: Expr) {
    if let Some(slot) = call.named.iter_mut().find(|(n, _)| n.name == arg) {
        slot.1 = value;
        return;
    }
    let position = CALL_PARAMS
        .iter()
        .find(|(c, _)| *c == call.callee.name)
        .and_then(|(_, ps)| ps.iter().position(|p| *p == arg));
    match position {
        Some(i) if i < call.args.len() => call.args[i] = value,
        _ => call.named.push((
            Ident {
                name: arg.to_string(),
                span: value.span,
            },
            value,
        )),
    }
}

/// Parses `text` as one expression; every span of the result is set to `span`.
fn parse_value(text: &str, span: Span) -> Option<Expr> {
    const PREFIX: &str = "gan set\ntrain { v: ";
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return None;
    }
    let wrapped = format!("{PREFIX}{trimmed}\n}}\n");
    let parsed = crate::parse::parse(span.source, &wrapped).ok()?;
    let [ast::Item::Train(section)] = parsed.items.as_slice() else {
        return None;
    };
    let [entry] = section.entries.as_slice() else {
        return None;
    };
    // Reject values that close the section and smuggle in other entries or items.
    let whole = entry.subject.is_none()
        && entry.trains.is_empty()
        && entry.value.span.start as usize == PREFIX.len()
        && entry.value.span.end as usize == PREFIX.len() + trimmed.len();
    if !whole {
        return None;
    }
    let mut value = entry.value.clone();
    respan(&mut value, span);
    Some(value)
}

fn respan(e: &mut Expr, span: Span) {
    e.span = span;
    match &mut e.kind {
        ExprKind::Neg(a) => respan(a, span),
        ExprKind::Binary(_, a, b) => {
            respan(a, span);
            respan(b, span);
        }
        ExprKind::List(items) => items.iter_mut().for_each(|x| respan(x, span)),
        ExprKind::Call(c) => {
            c.callee.span = span;
            c.args.iter_mut().for_each(|x| respan(x, span));
            for (n, x) in &mut c.named {
                n.span = span;
                respan(x, span);
            }
        }
        ExprKind::Member(a, m) => {
            m.span = span;
            respan(a, span);
        }
        ExprKind::Chain(a, stages) | ExprKind::Repeat(a, stages) => {
            respan(a, span);
            stages.iter_mut().for_each(|x| respan(x, span));
        }
        ExprKind::Int(_) | ExprKind::Float(_) | ExprKind::Str(_) | ExprKind::Name(_) => {}
    }
}
