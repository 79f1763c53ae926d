//! `ganc check`: compile files and report diagnostics, shapes or an IR dump.

use super::{overrides, shapes, DumpStage, MessageFormat};
use ganc_compiler::compile::compile_file;
use ganc_compiler::diagnostics::{render_all, render_json, RenderOptions};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `ganc check`.
pub struct CheckArgs {
    pub files: Vec<PathBuf>,
    pub shapes: bool,
    pub dump: Option<DumpStage>,
    pub message_format: MessageFormat,
    pub overrides: Vec<String>,
    pub color: Option<bool>,
}

/// Checks every file; exit status 1 when any has an error.
pub fn run(args: CheckArgs) -> ExitCode {
    let overrides = match overrides::parse(&args.overrides) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("{msg}");
            return ExitCode::from(2);
        }
    };
    let color = args
        .color
        .unwrap_or_else(|| std::io::stderr().is_terminal());
    let width = terminal_width();
    let mut failed = false;
    for file in &args.files {
        let compilation = compile_file(file, &overrides);
        match args.message_format {
            MessageFormat::Human => eprint!(
                "{}",
                render_all(
                    &compilation.diagnostics,
                    &compilation.sources,
                    RenderOptions { color, width }
                )
            ),
            MessageFormat::Json => print!(
                "{}",
                render_json(&compilation.diagnostics, &compilation.sources)
            ),
        }
        failed |= compilation.has_errors();
        if let Some(stage) = args.dump {
            let json = match stage {
                DumpStage::Ast => compilation.ast.as_ref().map(serde_json::to_string_pretty),
                DumpStage::Hir => compilation.hir.as_ref().map(serde_json::to_string_pretty),
                DumpStage::Graph => compilation
                    .program
                    .as_ref()
                    .map(serde_json::to_string_pretty),
            };
            match json {
                Some(Ok(text)) => println!("{text}"),
                Some(Err(e)) => eprintln!("cannot serialise the IR: {e}"),
                None => eprintln!(
                    "{}: no {} to dump (see the errors above)",
                    file.display(),
                    stage_name(stage)
                ),
            }
        }
        if args.shapes {
            if let Some(program) = &compilation.program {
                print!("{}", shapes::tables(program));
            }
        }
        if args.message_format == MessageFormat::Human && !compilation.has_errors() {
            let warnings = compilation.diagnostics.len();
            let note = if warnings > 0 {
                format!(" ({warnings} warning(s))")
            } else {
                String::new()
            };
            eprintln!("{}: ok{note}", file.display());
        }
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}

fn stage_name(stage: DumpStage) -> &'static str {
    match stage {
        DumpStage::Ast => "AST",
        DumpStage::Hir => "HIR",
        DumpStage::Graph => "graph",
    }
}

/// Wrap width: `COLUMNS` when set, else 100.
fn terminal_width() -> usize {
    std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse().ok())
        .filter(|w: &usize| *w >= 40)
        .unwrap_or(100)
}
