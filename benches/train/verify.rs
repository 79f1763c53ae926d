//! Equivalence check: ganc and the hand-written loop start from the same variables and see
//! the same batches; their losses must agree iteration by iteration and their variables
//! after the updates. Parameter counts and every variable's name and shape must be equal.

use crate::ganc_side::{compile, DataChoice, GancRun};
use crate::hand::models::Arch;
use crate::hand::HandGan;
use candle_core::{Device, Tensor};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// Iterations compared.
const ITERATIONS: usize = 3;
/// Largest accepted loss difference (relative to max(1, |loss|)): summation order differs.
const LOSS_TOL: f64 = 1e-4;
/// Variable values further apart than this after the updates are counted as differing.
const VAR_TOL: f64 = 1e-6;
/// Largest accepted share of differing variable values.
const MAX_OFF_FRACTION: f64 = 1e-3;

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// (trainable scalars, buffer scalars, name -> shape) of a list of named variables.
type Census = (usize, usize, BTreeMap<String, Vec<usize>>);

fn census<'a>(
    trainable: impl Iterator<Item = (&'a String, &'a [usize])>,
    buffers: impl Iterator<Item = (&'a String, &'a [usize])>,
) -> Census {
    let mut shapes = BTreeMap::new();
    let mut t = 0;
    for (n, s) in trainable {
        t += s.iter().product::<usize>();
        shapes.insert(n.clone(), s.to_vec());
    }
    let mut b = 0;
    for (n, s) in buffers {
        b += s.iter().product::<usize>();
        shapes.insert(n.clone(), s.to_vec());
    }
    (t, b, shapes)
}

/// Runs the check for `arch` with the spec at `spec`; prints the comparison and returns an
/// error describing the first disagreement.
pub fn verify(arch: Arch, spec: &Path, data: &DataChoice) -> Result<(), String> {
    let program = compile(spec, data)?;
    let batch = program.train.batch;
    let data_name = program
        .data
        .first()
        .ok_or("the spec has no data input")?
        .name
        .clone();
    let latent_name = program
        .latents
        .first()
        .ok_or("the spec has no latent")?
        .name
        .clone();
    let mut ganc = GancRun::new(program.clone(), data)?;
    // A twin session with the same seed replays ganc's draws for the hand-written loop.
    let mut twin = GancRun::new(program, data)?;
    let hand = HandGan::new(arch, 1, &Device::Cpu).map_err(err)?;

    for (net, reg) in [("G", &hand.g_vars), ("D", &hand.d_vars)] {
        let state = ganc.session.net(net).map_err(err)?;
        let ganc_census = census(
            state.params.trainable.iter().map(|(n, v)| (n, v.dims())),
            state.params.buffers.iter().map(|(n, v)| (n, v.dims())),
        );
        let hand_census = census(
            reg.trainable.iter().map(|(n, v)| (n, v.dims())),
            reg.buffers.iter().map(|(n, v)| (n, v.dims())),
        );
        println!(
            "  {net}: trainable parameters ganc {} / hand-written {}; buffer values ganc {} / hand-written {}",
            ganc_census.0, hand_census.0, ganc_census.1, hand_census.1
        );
        if ganc_census != hand_census {
            return Err(format!(
                "{net}: variables differ: ganc {:?} vs hand-written {:?}",
                ganc_census.2, hand_census.2
            ));
        }
    }
    let initial: HashMap<String, Tensor> = twin
        .session
        .nets
        .values()
        .flat_map(|s| s.params.named_tensors())
        .map(|(n, t)| t.copy().map(|t| (n, t)))
        .collect::<Result<_, _>>()
        .map_err(err)?;
    hand.load(&initial).map_err(err)?;
    let mut hand = hand;

    println!("  iter  side          d_loss      g_loss        D(x)     D(G(z))");
    for i in 0..ITERATIONS {
        let draw = twin.feeder.draw(&mut twin.session).map_err(err)?;
        let x = draw.values.get(&data_name).ok_or("no data batch drawn")?;
        let z = draw
            .values
            .get(&latent_name)
            .ok_or("no latent batch drawn")?;
        if x.dim(0).map_err(err)? != batch {
            return Err(format!(
                "batch of {} images, expected {batch}",
                x.dim(0).map_err(err)?
            ));
        }
        let g = ganc.iteration()?;
        let h = hand.iteration(x, z).map_err(err)?;
        for (side, l) in [("ganc", g), ("hand-written", h)] {
            println!(
                "  {i:>4}  {side:<12} {:>10.6}  {:>10.6}  {:>10.6}  {:>10.6}",
                l.d_loss, l.g_loss, l.d_real, l.d_fake
            );
        }
        let pairs = [
            ("d_loss", g.d_loss, h.d_loss),
            ("g_loss", g.g_loss, h.g_loss),
            ("D(x)", g.d_real, h.d_real),
            ("D(G(z))", g.d_fake, h.d_fake),
        ];
        for (what, a, b) in pairs {
            // NaN on either side fails too.
            let close = (a - b).abs() <= LOSS_TOL * a.abs().max(1.0);
            if !close {
                return Err(format!(
                    "iteration {i}: {what} differs: ganc {a} vs hand-written {b}"
                ));
            }
        }
    }
    // Adam's first steps move a variable by about lr whatever its gradient's size, so a
    // gradient at rounding level may flip sign between the two sides and its variable then
    // differs by up to 2 lr per step: allow that for a few elements, not for many.
    let (mut worst, mut worst_name, mut off, mut total) = (0.0f64, String::new(), 0usize, 0usize);
    let all = [&hand.g_vars, &hand.d_vars];
    for (name, var) in all
        .iter()
        .flat_map(|r| r.trainable.iter().chain(&r.buffers))
    {
        let net = if name.starts_with("G.") { "G" } else { "D" };
        let theirs = ganc
            .session
            .net(net)
            .map_err(err)?
            .params
            .get(name)
            .ok_or("variable vanished")?;
        let diff = (var.as_tensor() - theirs.as_tensor())
            .and_then(|d| d.abs())
            .and_then(|d| d.flatten_all())
            .and_then(|d| d.to_vec1::<f32>())
            .map_err(err)?;
        total += diff.len();
        off += diff.iter().filter(|&&d| f64::from(d) > VAR_TOL).count();
        let m = diff.iter().fold(0.0f32, |a, &b| a.max(b)) as f64;
        if m > worst {
            (worst, worst_name) = (m, name.clone());
        }
    }
    let fraction = off as f64 / total.max(1) as f64;
    println!(
        "  after {ITERATIONS} iterations: {off} of {total} variable values differ by more than {VAR_TOL:e} ({:.4}%); largest difference {worst:.3e} ({worst_name})",
        100.0 * fraction
    );
    if fraction > MAX_OFF_FRACTION || worst > 2.0 * ITERATIONS as f64 * crate::hand::adam::LR {
        return Err(format!("variables differ after {ITERATIONS} iterations"));
    }
    Ok(())
}
