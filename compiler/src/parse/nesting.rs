//! A linear pre-scan that rejects absurdly deep bracket nesting before the recursive parser
//! sees it, so that hostile input yields a diagnostic rather than a stack overflow.

use crate::diagnostics::{codes, Diagnostic};
use crate::source::{SourceId, Span};

/// Reports the first bracket that opens nesting level `max + 1`, ignoring comments and strings.
pub fn check(source: SourceId, text: &str, max: usize) -> Option<Diagnostic> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b'(' | b'[' | b'{' => {
                depth += 1;
                if depth > max {
                    return Some(
                        Diagnostic::error(
                            codes::SYNTAX_NESTING,
                            Span::new(source, i, i + 1),
                            format!("brackets are nested more than {max} levels deep"),
                        )
                        .with_primary_text("this bracket is too deep")
                        .with_help("split the expression into named bindings"),
                    );
                }
            }
            b')' | b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    None
}
