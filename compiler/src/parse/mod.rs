//! Stage 1: text -> AST. Pest pairs are converted at once; pest types do not leave this module.

mod convert;
mod nesting;
mod syntax_error;

use crate::ast;
use crate::diagnostics::Diagnostic;
use crate::source::SourceId;
use pest::Parser;

/// The pest parser generated from `grammar/gan.pest`.
#[derive(pest_derive::Parser)]
#[grammar = "../../grammar/gan.pest"]
struct GanParser;

/// Deepest bracket nesting accepted; deeper input is reported instead of overflowing the stack.
pub const MAX_NESTING: usize = 64;

/// Parses one source file. Returns the AST, or the syntax errors found.
pub fn parse(source: SourceId, text: &str) -> Result<ast::File, Vec<Diagnostic>> {
    if let Some(diag) = nesting::check(source, text, MAX_NESTING) {
        return Err(vec![diag]);
    }
    pest::set_error_detail(true);
    match GanParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let file = pairs
                .next()
                .expect("pest returns the `file` rule on success");
            convert::file(source, file)
        }
        Err(err) => Err(vec![syntax_error::from_pest(source, text, &err)]),
    }
}
