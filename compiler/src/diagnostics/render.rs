//! Rendering diagnostics for people (miette's graphical report) and tools (JSON lines).

use super::{Diagnostic, Severity};
use crate::source::SourceMap;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;

/// How to render human-readable reports.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    /// Use ANSI colours and unicode box drawing.
    pub color: bool,
    /// Wrap width in columns.
    pub width: usize,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            color: false,
            width: 100,
        }
    }
}

/// Adapter presenting one of our diagnostics to miette.
struct Report<'a> {
    diag: &'a Diagnostic,
    /// `None` when there is no text to show (a file that could not be read): no empty box.
    source: Option<NamedSource<String>>,
    help: Option<String>,
}

impl fmt::Debug for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl fmt::Display for Report<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.diag.message)
    }
}

impl std::error::Error for Report<'_> {}

impl miette::Diagnostic for Report<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(self.diag.code.name))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diag.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h.as_str()) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.source.as_ref()?;
        let primary_source = self.diag.primary_span().source;
        Some(Box::new(
            self.diag
                .labels
                .iter()
                .filter(move |l| l.span.source == primary_source)
                .map(|l| {
                    let text = (!l.text.is_empty()).then(|| l.text.clone());
                    let span = (l.span.start as usize, l.span.len());
                    if l.primary {
                        LabeledSpan::new_primary_with_span(text, span)
                    } else {
                        LabeledSpan::new_with_span(text, span)
                    }
                }),
        ))
    }
}

/// Renders every diagnostic as a miette report, separated by blank lines.
pub fn render_all(diags: &[Diagnostic], sources: &SourceMap, opts: RenderOptions) -> String {
    let theme = if opts.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(opts.width)
        .with_links(false);
    let mut out = String::new();
    for diag in diags {
        let file = sources.get(diag.primary_span().source);
        let mut help_lines: Vec<String> = diag.notes.iter().map(|n| format!("note: {n}")).collect();
        if let Some(h) = &diag.help {
            help_lines.push(h.clone());
        }
        let report = Report {
            diag,
            source: (!file.text.is_empty())
                .then(|| NamedSource::new(file.path.display().to_string(), file.text.to_string())),
            help: (!help_lines.is_empty()).then(|| help_lines.join("\n")),
        };
        let mut rendered = String::new();
        if handler.render_report(&mut rendered, &report).is_err() {
            rendered = format!("{}: {}\n", diag.code.name, diag.message);
        }
        out.push_str(&rendered);
        out.push('\n');
    }
    out
}

/// Renders diagnostics as JSON, one object per line, with file paths and line/column positions.
pub fn render_json(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let mut out = String::new();
    for diag in diags {
        let labels: Vec<serde_json::Value> = diag
            .labels
            .iter()
            .map(|l| {
                let file = sources.get(l.span.source);
                let (line, column) = line_col(&file.text, l.span.start as usize);
                serde_json::json!({
                    "file": file.path.display().to_string(),
                    "start": l.span.start,
                    "end": l.span.end,
                    "line": line,
                    "column": column,
                    "text": l.text,
                    "primary": l.primary,
                })
            })
            .collect();
        let value = serde_json::json!({
            "code": diag.code.name,
            "severity": diag.severity,
            "message": diag.message,
            "labels": labels,
            "help": diag.help,
            "notes": diag.notes,
        });
        out.push_str(&value.to_string());
        out.push('\n');
    }
    out
}

/// 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}
