//! Arguments of setting calls (`adam(lr: 2e-4)`, `normal(0, 1)`, `mnist(split: train)`):
//! positional arguments fill the parameters in order, named ones by name; unknown, surplus and
//! repeated arguments are reported with the parameter list.

use crate::ast::{Call, Expr};
use crate::diagnostics::{codes, Diagnostic};
use crate::suggest::did_you_mean;

/// The arguments of one call, matched to a fixed parameter list.
pub struct Args<'a> {
    call: &'a Call,
    params: &'static [&'static str],
    values: Vec<Option<&'a Expr>>,
}

impl<'a> Args<'a> {
    /// Matches `call`'s arguments to `params`; reports problems into `diags`.
    pub fn new(
        call: &'a Call,
        params: &'static [&'static str],
        diags: &mut Vec<Diagnostic>,
    ) -> Self {
        let mut values: Vec<Option<&Expr>> = vec![None; params.len()];
        let callee = &call.callee.name;
        let list = params.join(", ");
        for (i, arg) in call.args.iter().enumerate() {
            if i < params.len() {
                values[i] = Some(arg);
            } else {
                diags.push(
                    Diagnostic::error(
                        codes::SETTING_UNKNOWN_ARG,
                        arg.span,
                        format!(
                            "`{callee}` takes at most {} positional arguments",
                            params.len()
                        ),
                    )
                    .with_primary_text("surplus argument")
                    .with_help(format!("`{callee}` takes: {list}")),
                );
            }
        }
        for (name, arg) in &call.named {
            match params.iter().position(|p| *p == name.name) {
                Some(i) if values[i].is_some() => diags.push(
                    Diagnostic::error(
                        codes::SETTING_UNKNOWN_ARG,
                        name.span,
                        format!("`{}` is given twice to `{callee}`", name.name),
                    )
                    .with_primary_text("given again here")
                    .with_help("remove one of them"),
                ),
                Some(i) => values[i] = Some(arg),
                None => {
                    let help = match did_you_mean(&name.name, params.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`? `{callee}` takes: {list}"),
                        None if params.is_empty() => format!("`{callee}` takes no arguments"),
                        None => format!("`{callee}` takes: {list}"),
                    };
                    diags.push(
                        Diagnostic::error(
                            codes::SETTING_UNKNOWN_ARG,
                            name.span,
                            format!("`{callee}` has no argument `{}`", name.name),
                        )
                        .with_primary_text("unknown argument")
                        .with_help(help),
                    );
                }
            }
        }
        Args {
            call,
            params,
            values,
        }
    }

    /// The argument given for `param`, if any.
    pub fn get(&self, param: &str) -> Option<&'a Expr> {
        self.params
            .iter()
            .position(|p| *p == param)
            .and_then(|i| self.values[i])
    }

    /// The argument for `param`, or a diagnostic saying it is required.
    pub fn require(&self, param: &str, example: &str) -> Result<&'a Expr, Diagnostic> {
        self.get(param).ok_or_else(|| {
            let callee = &self.call.callee.name;
            Diagnostic::error(
                codes::SETTING_MISSING,
                self.call.callee.span,
                format!("`{callee}` needs the argument `{param}`"),
            )
            .with_primary_text(format!("`{param}` missing"))
            .with_help(format!("write `{example}`"))
        })
    }
}
