//! ganc's compiler front end: `.gan` text to a shape-checked graph.
//!
//! Stages: [`parse`] (text -> [`ast`]), resolve and check (AST -> [`graph`]).
//! The compiler never panics on user input and does no IO except reading source files.

// Diagnostics are the error type of every stage; they are built once per finding, so their
// size (spans, labels, notes) costs nothing measurable and boxing them would only add noise.
#![allow(clippy::result_large_err)]

pub mod ast;
pub mod check;
pub mod compile;
pub mod diagnostics;
pub mod graph;
pub mod layers;
pub mod parse;
pub mod resolve;
pub mod source;
pub mod suggest;

pub use compile::{compile_file, compile_source, Compilation};
