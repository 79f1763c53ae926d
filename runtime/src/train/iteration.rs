//! One training iteration: the judge's updates (each on a fresh draw), then the players'.

use super::eval::CallCache;
use super::feed::Feeder;
use super::session::Session;
use super::step::{judge_step, player_networks, players_step, Report};
use super::vbn;
use crate::error::RunError;
use std::collections::BTreeSet;

/// Runs `updates D` judge steps and one players' step. The players' step uses the last judge
/// step's draw, and reuses the generated batch computed there (with its graph), as the PyTorch
/// DCGAN example does; the judge's outputs are recomputed after its update.
pub fn iteration(
    session: &mut Session,
    feeder: &mut Feeder,
    noise_std: f64,
) -> Result<Report, RunError> {
    let judge = session.program.game.judge.clone();
    let updates = session.program.train.updates_of(&judge).max(1);
    let players = player_networks(session);
    let mut report = Report::new();
    let mut last = None;
    // Virtual batch norm: statistics of the fixed reference batch under the current
    // parameters, recomputed after each update of a network that has the layer.
    vbn::update(session, feeder, |_| false)?;
    for i in 0..updates {
        let draw = feeder.draw(session)?;
        let keep = if i + 1 == updates {
            players.clone()
        } else {
            BTreeSet::new()
        };
        let (r, kept): (Report, CallCache) = judge_step(session, &draw, noise_std, keep)?;
        vbn::update(session, feeder, |n| n == judge)?;
        report = r;
        last = Some((draw, kept));
    }
    if let Some((draw, kept)) = last {
        if !players.is_empty() {
            report.extend(players_step(session, &draw, noise_std, kept)?);
            vbn::update(session, feeder, |n| players.contains(n))?;
        }
    }
    Ok(report)
}
