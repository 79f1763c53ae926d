//! Looking up networks by name: checked ones, declared ones whose checking failed (used
//! silently, to avoid cascading errors), and unknown names (reported with did-you-mean).

use crate::ast::{self, Ident, Role};
use crate::diagnostics::{Code, Diagnostic};
use crate::graph::{NetRole, Network};
use crate::source::Span;
use crate::suggest::did_you_mean;

/// The networks of the program.
pub struct Nets<'a> {
    /// Networks that passed checking.
    pub checked: &'a [Network],
    /// Every network declared in the file, with its role.
    pub declared: Vec<(&'a str, Role)>,
    /// Where each network's name is written in the file.
    name_spans: Vec<(&'a str, Span)>,
}

impl<'a> Nets<'a> {
    /// The networks of `file`, of which `checked` passed shape checking.
    pub fn new(file: &'a ast::File, checked: &'a [Network]) -> Self {
        let mut declared: Vec<(&str, Role)> = file
            .items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Network(n) => Some((n.name.name.as_str(), n.role)),
                _ => None,
            })
            .collect();
        let name_spans = file
            .items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Network(n) => Some((n.name.name.as_str(), n.name.span)),
                _ => None,
            })
            .collect();
        // Checked networks are declared too, even when the AST at hand was not their source.
        for n in checked {
            if !declared.iter().any(|(d, _)| *d == n.name) {
                let role = match n.role {
                    NetRole::Generator => Role::Generator,
                    NetRole::Discriminator => Role::Discriminator,
                    NetRole::Encoder => Role::Encoder,
                    NetRole::Network => Role::Network,
                };
                declared.push((n.name.as_str(), role));
            }
        }
        Nets {
            checked,
            declared,
            name_spans,
        }
    }

    /// Where `net`'s name is written (its whole definition when not from this file).
    pub fn name_span(&self, net: &Network) -> Span {
        self.name_spans
            .iter()
            .find(|(n, _)| *n == net.name)
            .map_or(net.span, |(_, s)| *s)
    }

    /// The checked network called `name`.
    pub fn get(&self, name: &str) -> Option<&'a Network> {
        self.checked.iter().find(|n| n.name == name)
    }

    /// Whether `name` is a declared network (checked or not).
    pub fn is_declared(&self, name: &str) -> bool {
        self.declared.iter().any(|(n, _)| *n == name)
    }

    /// Declared networks with this role.
    pub fn with_role(&self, role: Role) -> Vec<&'a str> {
        self.declared
            .iter()
            .filter(|(_, r)| *r == role)
            .map(|(n, _)| *n)
            .collect()
    }

    /// `Ok(Some(net))` for a checked network, `Ok(None)` for one that failed checking (its
    /// errors are already reported), and an error with `code` for an unknown name.
    pub fn lookup(&self, ident: &Ident, code: Code) -> Result<Option<&'a Network>, Diagnostic> {
        if let Some(n) = self.get(&ident.name) {
            return Ok(Some(n));
        }
        if self.is_declared(&ident.name) {
            return Ok(None);
        }
        Err(self.unknown(ident, code))
    }

    /// The unknown-network diagnostic for `ident`.
    pub fn unknown(&self, ident: &Ident, code: Code) -> Diagnostic {
        let names: Vec<&str> = self.declared.iter().map(|(n, _)| *n).collect();
        let help = match did_you_mean(&ident.name, names.iter().copied()) {
            Some(s) => format!("did you mean `{s}`?"),
            None if names.is_empty() => "no network is declared in this file".to_string(),
            None => format!("declared networks: {}", names.join(", ")),
        };
        Diagnostic::error(
            code,
            ident.span,
            format!("there is no network `{}`", ident.name),
        )
        .with_primary_text("unknown network")
        .with_help(help)
    }
}
