//! Syntax errors from pest's furthest parse attempt, with the expected tokens in plain words.

use super::Rule;
use crate::diagnostics::{codes, Diagnostic};
use crate::source::{SourceId, Span};
use pest::error::{Error, InputLocation};
use std::collections::BTreeSet;

/// Converts a pest error into a diagnostic at the furthest position any rule reached.
pub fn from_pest(source: SourceId, text: &str, err: &Error<Rule>) -> Diagnostic {
    let mut expected = BTreeSet::new();
    let position = match err.parse_attempts() {
        Some(attempts) => {
            for token in attempts.expected_tokens() {
                if let Some(t) = describe_token(&token.to_string()) {
                    expected.insert(t);
                }
            }
            for stack in attempts.call_stacks() {
                if let Some(rule) = stack.deepest.get_rule() {
                    if let Some(name) = describe_rule(*rule) {
                        expected.insert(name.to_string());
                    }
                }
            }
            attempts.max_position
        }
        None => match err.location {
            InputLocation::Pos(p) => p,
            InputLocation::Span((s, _)) => s,
        },
    };
    if expected.is_empty() {
        if let pest::error::ErrorVariant::ParsingError { positives, .. } = &err.variant {
            expected.extend(
                positives
                    .iter()
                    .filter_map(|r| describe_rule(*r))
                    .map(String::from),
            );
        }
    }
    let position = position.min(text.len());
    if let Some(diag) = unchained_call(source, text, position, &expected) {
        return diag;
    }
    if let Some(diag) = let_binding(source, text, position, &expected) {
        return diag;
    }
    let found = token_at(text, position);
    let span = Span::new(source, position, position + found.len());
    let found_text = if found.is_empty() {
        "end of file".to_string()
    } else {
        format!("`{found}`")
    };
    let expected: Vec<String> = expected.into_iter().collect();
    let expected_text = join_alternatives(&expected);
    let mut diag = Diagnostic::error(codes::SYNTAX, span, format!("unexpected {found_text}"))
        .with_primary_text(format!("expected {expected_text}"));
    if let Some(help) = help_for(&expected, found) {
        diag = diag.with_help(help);
    } else {
        diag = diag.with_help(format!("write {expected_text} here"));
    }
    diag
}

/// `x -> relu reshape(4)`: the parser read `reshape` as the start of a new binding and then
/// wanted `=`. The real mistake is the missing `->` before the word, so report that.
fn unchained_call(
    source: SourceId,
    text: &str,
    position: usize,
    expected: &BTreeSet<String>,
) -> Option<Diagnostic> {
    if !text[position..].starts_with('(') || !expected.contains("`=`") {
        return None;
    }
    let before = &text[..position];
    let word_start = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_alphanumeric() || *c == '_')
        .last()
        .map(|(i, _)| i)?;
    let word = &before[word_start..];
    let span = Span::new(source, word_start, position);
    Some(
        Diagnostic::error(
            codes::SYNTAX,
            span,
            format!("`{word}(...)` follows an expression without `->`"),
        )
        .with_primary_text(format!("expected `->` before `{word}`"))
        .with_help(format!(
            "chain it: `... -> {word}(...)`; or start a new binding with `name = {word}(...)`"
        )),
    )
}

/// `let h = ...`: the parser read `let` as a binding's name and then wanted `=` where `h`
/// stands. Bindings need no keyword, so point at `let` and say so.
fn let_binding(
    source: SourceId,
    text: &str,
    position: usize,
    expected: &BTreeSet<String>,
) -> Option<Diagnostic> {
    if !expected.contains("`=`") {
        return None;
    }
    let before = text[..position].trim_end();
    let start = before.strip_suffix("let").map(str::len)?;
    let starts_a_word = !before[..start]
        .chars()
        .next_back()
        .is_some_and(|c| c.is_alphanumeric() || c == '_');
    let name = token_at(text, position);
    if !starts_a_word || name.is_empty() {
        return None;
    }
    Some(
        Diagnostic::error(
            codes::SYNTAX,
            Span::new(source, start, start + 3),
            "`let` is not part of a binding",
        )
        .with_primary_text("remove `let`")
        .with_help(format!("write the binding as `{name} = ...`")),
    )
}

/// The token starting at `pos`: a word, a number, or one punctuation character.
fn token_at(text: &str, pos: usize) -> &str {
    let rest = &text[pos..];
    let mut chars = rest.char_indices();
    let Some((_, first)) = chars.next() else {
        return "";
    };
    if first.is_alphanumeric() || first == '_' {
        let end = rest
            .char_indices()
            .find(|(_, c)| !(c.is_alphanumeric() || *c == '_' || *c == '.'))
            .map_or(rest.len(), |(i, _)| i);
        &rest[..end]
    } else if rest.starts_with("->") {
        &rest[..2]
    } else {
        &rest[..first.len_utf8()]
    }
}

/// A literal token in backquotes; whitespace, comment openers, character ranges and
/// built-in rules (pest prints them as `a..z` and `BUILTIN_RULE`) are not worth listing.
fn describe_token(token: &str) -> Option<String> {
    let t = token.trim();
    let is_range = t.chars().count() == 4 && t.get(1..3) == Some("..");
    // `_` is only the first character of a name, which the rule names already say.
    if t.is_empty() || is_range || matches!(t, "//" | "/*" | "*/" | "_" | "BUILTIN_RULE") {
        None
    } else {
        Some(format!("`{t}`"))
    }
}

/// Plain-words names of grammar rules; `None` for rules that only add noise.
fn describe_rule(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::ident | Rule::ident_list => "a name",
        Rule::int => "an integer",
        Rule::float => "a number",
        Rule::string | Rule::string_body => "a string",
        Rule::expr | Rule::sum | Rule::product | Rule::unary | Rule::postfix | Rule::paren => {
            "an expression"
        }
        Rule::call => "a call such as `linear(10)`",
        Rule::shape | Rule::type_expr => "a type such as `[B, 1, 28, 28]` or `class(10)`",
        Rule::role => "`generator`, `discriminator`, `encoder` or `network`",
        Rule::binding => "a binding `name = ...`",
        Rule::return_stmt | Rule::kw_return => "`return`",
        Rule::entry => "a setting `key: value`",
        Rule::header => "the header `gan <name>`",
        Rule::version => "a version such as `0.1`",
        Rule::EOI => "end of file",
        Rule::import
        | Rule::dims
        | Rule::data_decl
        | Rule::latent_decl
        | Rule::cond_decl
        | Rule::block_def
        | Rule::network_def
        | Rule::game
        | Rule::train => {
            "a declaration (`dims`, `data`, `latent`, `cond`, `block`, a network, `game`, `train`)"
        }
        _ => return None,
    })
}

/// "a, b or c".
fn join_alternatives(items: &[String]) -> String {
    match items {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// A targeted hint for common slips.
fn help_for(expected: &[String], found: &str) -> Option<String> {
    let wants = |t: &str| expected.iter().any(|e| e == t);
    if found == "=" && wants("`:`") {
        return Some("settings and named arguments use `key: value`, not `key = value`".into());
    }
    if found == ":" && wants("`=`") {
        return Some("bindings and dims use `name = value`".into());
    }
    if wants("`->`") && found.chars().next().is_some_and(|c| c.is_alphabetic()) {
        return Some(format!("to apply `{found}`, chain it with `->`"));
    }
    None
}
