//! The entries of a `game` or `train` section, checked against the section's known keys:
//! unknown keys (with did-you-mean), misplaced subjects and `trains`, and duplicates are
//! reported here, so that the section checkers only see well-formed entries.

use crate::ast::{Entry, Section};
use crate::diagnostics::{codes, Diagnostic};
use crate::suggest::did_you_mean;

/// Whether a key takes a subject (`optim G:`, `term recon:`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Subject {
    /// `key: value`.
    None,
    /// `key Net: value`, the subject being a network.
    Network,
    /// `key name: value`, the subject being a new name.
    Name,
}

/// One known key of a section.
#[derive(Debug, Clone, Copy)]
pub struct KeySpec {
    /// The key.
    pub name: &'static str,
    /// Its subject rule.
    pub subject: Subject,
    /// Whether `trains A, B` may follow the value.
    pub trains: bool,
    /// An example entry, for help texts.
    pub example: &'static str,
}

/// The well-formed entries of one section.
pub struct Settings<'a> {
    entries: Vec<&'a Entry>,
}

impl<'a> Settings<'a> {
    /// Checks `section`'s entries against `keys`; `name` is `game` or `train`.
    pub fn new(
        section: &'a Section,
        name: &str,
        keys: &[KeySpec],
        diags: &mut Vec<Diagnostic>,
    ) -> Self {
        let mut entries: Vec<&Entry> = Vec::new();
        for entry in &section.entries {
            let Some(spec) = keys.iter().find(|k| k.name == entry.key.name) else {
                diags.push(unknown_key(entry, name, keys));
                continue;
            };
            if let Some(d) = subject_problem(entry, spec) {
                diags.push(d);
                continue;
            }
            if !spec.trains && !entry.trains.is_empty() {
                let span = entry.trains[0]
                    .span
                    .to(entry.trains[entry.trains.len() - 1].span);
                diags.push(
                    Diagnostic::error(
                        codes::SETTING_TRAINS,
                        span,
                        format!("`{}` does not take `trains`", spec.name),
                    )
                    .with_primary_text("only `term` entries say which networks they train")
                    .with_help(format!("remove `trains ...`; write `{}`", spec.example)),
                );
                continue;
            }
            let same = |e: &&&Entry| {
                e.key.name == entry.key.name
                    && e.subject.as_ref().map(|s| &s.name)
                        == entry.subject.as_ref().map(|s| &s.name)
            };
            if let Some(first) = entries.iter().find(same) {
                let what = match &entry.subject {
                    Some(s) => format!("{} {}", entry.key.name, s.name),
                    None => entry.key.name.clone(),
                };
                diags.push(
                    Diagnostic::error(
                        codes::SETTING_DUPLICATE,
                        entry.key.span,
                        format!("`{what}` is set twice in `{name}`"),
                    )
                    .with_primary_text("set again here")
                    .with_label(first.key.span, "first set here")
                    .with_help("keep one of the two entries"),
                );
                continue;
            }
            entries.push(entry);
        }
        Settings { entries }
    }

    /// The entry for a key without subject.
    pub fn one(&self, key: &str) -> Option<&'a Entry> {
        self.entries.iter().copied().find(|e| e.key.name == key)
    }

    /// Every entry with this key, in source order.
    pub fn all<'s>(&'s self, key: &'s str) -> impl Iterator<Item = &'a Entry> + 's {
        self.entries
            .iter()
            .copied()
            .filter(move |e| e.key.name == key)
    }
}

fn unknown_key(entry: &Entry, section: &str, keys: &[KeySpec]) -> Diagnostic {
    let name = &entry.key.name;
    let d = Diagnostic::error(
        codes::SETTING_UNKNOWN_KEY,
        entry.key.span,
        format!("`{section}` has no setting `{name}`"),
    )
    .with_primary_text("unknown setting");
    match did_you_mean(name, keys.iter().map(|k| k.name)) {
        Some(s) => {
            let example = keys.iter().find(|k| k.name == s).map_or("", |k| k.example);
            d.with_help(format!("did you mean `{s}`? e.g. `{example}`"))
        }
        None => {
            let list: Vec<&str> = keys.iter().map(|k| k.name).collect();
            d.with_help(format!("`{section}` settings are: {}", list.join(", ")))
        }
    }
}

fn subject_problem(entry: &Entry, spec: &KeySpec) -> Option<Diagnostic> {
    match (&entry.subject, spec.subject) {
        (Some(s), Subject::None) => Some(
            Diagnostic::error(
                codes::SETTING_SUBJECT,
                s.span,
                format!("`{}` takes no subject", spec.name),
            )
            .with_primary_text("unexpected name before `:`")
            .with_help(format!("write `{}`", spec.example)),
        ),
        (None, Subject::Network | Subject::Name) => {
            let what = if spec.subject == Subject::Network {
                "the network it applies to"
            } else {
                "a name"
            };
            Some(
                Diagnostic::error(
                    codes::SETTING_SUBJECT,
                    entry.key.span,
                    format!("`{}` needs {what} before `:`", spec.name),
                )
                .with_primary_text(format!("missing {what}"))
                .with_help(format!("write `{}`", spec.example)),
            )
        }
        _ => None,
    }
}
