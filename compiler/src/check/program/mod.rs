//! Checking the experiment around the networks: `data` / `latent` / `cond` declarations, the
//! `game` and the `train` schedule, producing the [`graph::Program`] the runtime executes;
//! and `--set` overrides of settings, applied to the AST before checking.

// Diagnostics are this module's error values: built only on bad input, and moved rather than
// copied, so boxing them would add noise without a measurable gain.
#![allow(clippy::result_large_err)]

mod args;
mod datasets;
mod game;
mod game_expr;
mod infer;
mod inputs;
mod lints;
mod nets;
mod overrides;
mod section;
mod train;
mod values;

pub use overrides::{apply_overrides, mention_overrides, Applied, Override};
pub use train::{
    DEFAULT_CHECKPOINT_EVERY, DEFAULT_LOG_EVERY, DEFAULT_SAMPLE_EVERY, DEFAULT_SAMPLE_GRID,
};

use crate::ast;
use crate::diagnostics::{has_errors, Diagnostic};
use crate::graph;
use crate::resolve::dims::DimEnv;

/// Checks the inputs, game and schedule of `file` against the checked `networks` (those that
/// failed their own checks are absent and cause no further reports). Returns the program when
/// no error was found, and every diagnostic (warnings included) in either case.
pub fn check_program(
    file: &ast::File,
    dims: &DimEnv,
    networks: &[graph::Network],
) -> (Option<graph::Program>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut inputs = inputs::check_inputs(file, dims, &mut diags);
    let nets = nets::Nets::new(file, networks);
    let file_span = file.header.name.span;
    let section = |want_game: bool| {
        file.items.iter().find_map(|i| match i {
            ast::Item::Game(s) if want_game => Some(s),
            ast::Item::Train(s) if !want_game => Some(s),
            _ => None,
        })
    };
    duplicate_sections(file, &mut diags);
    let game = game::check_game(section(true), file_span, &inputs, &nets, dims, &mut diags);
    let train = train::check_train(section(false), file_span, &nets, dims, &mut diags);
    let all_networks_checked = nets.declared.iter().all(|(n, _)| nets.get(n).is_some());
    if has_errors(&diags) || !all_networks_checked {
        return (None, diags);
    }
    let (Some(game), Some(train)) = (game, train) else {
        return (None, diags);
    };
    for (x, n) in &game.labels_used {
        if let Some(d) = inputs.data.iter_mut().find(|d| &d.name == x) {
            d.label_classes.get_or_insert(*n);
        }
    }
    let program = graph::Program {
        name: file.header.name.name.clone(),
        version: file.header.version.as_ref().map(|(v, _)| v.clone()),
        data: inputs.data,
        latents: inputs.latents,
        conds: inputs.conds,
        networks: networks.to_vec(),
        game: game.game,
        train,
    };
    (Some(program), diags)
}

/// A second `game` or `train` section would silently be ignored: report it.
fn duplicate_sections(file: &ast::File, diags: &mut Vec<Diagnostic>) {
    for want_game in [true, false] {
        let spans: Vec<_> = file
            .items
            .iter()
            .filter_map(|i| match i {
                ast::Item::Game(s) if want_game => Some(s.span),
                ast::Item::Train(s) if !want_game => Some(s.span),
                _ => None,
            })
            .collect();
        let name = if want_game { "game" } else { "train" };
        for extra in spans.iter().skip(1) {
            diags.push(
                Diagnostic::error(
                    crate::diagnostics::codes::SETTING_DUPLICATE,
                    *extra,
                    format!("a second `{name}` section"),
                )
                .with_primary_text("second section")
                .with_label(spans[0], "first section")
                .with_help(format!("merge the entries into one `{name}` section")),
            );
        }
    }
}
