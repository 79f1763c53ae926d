//! The registry of error kinds. Every diagnostic uses one of these codes; a test checks that
//! names are unique and that each is documented in `docs/errors.md`.

use serde::Serialize;

/// An error kind: a unique namespaced name and a one-line summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Code {
    /// Namespaced name such as `ganc::shape::concat_mismatch`.
    pub name: &'static str,
    /// What the kind means, in a few words.
    #[serde(skip)]
    pub summary: &'static str,
}

macro_rules! codes {
    ($($konst:ident = $name:literal, $summary:literal;)*) => {
        $(
            #[doc = $summary]
            pub const $konst: Code = Code { name: $name, summary: $summary };
        )*
        /// Every code, in declaration order.
        pub const ALL: &[Code] = &[$($konst),*];
    };
}

codes! {
    // ---- input files
    IO_READ = "ganc::io::read", "a source file could not be read";
    IO_NOT_UTF8 = "ganc::io::not_utf8", "a source file is not valid UTF-8 text";
    // ---- syntax
    SYNTAX = "ganc::syntax::unexpected", "the text does not follow the grammar";
    SYNTAX_NESTING = "ganc::syntax::too_deep", "expressions are nested too deeply";
    INT_OVERFLOW = "ganc::syntax::int_overflow", "an integer literal or dimension arithmetic overflows";
    // ---- dimensions
    UNKNOWN_DIM = "ganc::dims::unknown", "a dimension name is not defined";
    DIM_DIV_ZERO = "ganc::dims::div_by_zero", "a dimension is divided by zero";
    DIM_INEXACT_DIV = "ganc::dims::inexact_division", "a dimension division leaves a remainder";
    NOT_A_DIM = "ganc::dims::not_integer", "an integer was expected";
    NON_POSITIVE_SIZE = "ganc::dims::non_positive", "a size is zero or negative";
}
