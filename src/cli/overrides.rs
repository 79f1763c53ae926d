//! `--set KEY=VALUE` arguments.

use ganc_compiler::check::program::Override;

/// Splits `KEY=VALUE` arguments; an argument without `=` is an error message.
pub fn parse(args: &[String]) -> Result<Vec<Override>, String> {
    args.iter()
        .map(|a| match a.split_once('=') {
            Some((k, v)) if !k.trim().is_empty() => Ok(Override {
                key: k.trim().to_string(),
                value: v.trim().to_string(),
            }),
            _ => Err(format!(
                "error[ganc::cli::bad_override]: `--set {a}` is not KEY=VALUE\n  help: write e.g. `--set train.steps=200`"
            )),
        })
        .collect()
}
