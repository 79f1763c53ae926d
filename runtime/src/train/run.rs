//! The run loop: a fresh or resumed run directory, alternating updates, metrics, sample grids,
//! checkpoints, and a clean stop on Ctrl-C or a non-finite loss.

use super::feed::Feeder;
use super::iteration::iteration;
use super::sample::{self, SampleRequest};
use super::session::Session;
use super::step::Report;
use crate::checkpoint::{self, CheckpointId, CheckpointMeta};
use crate::data::Position;
use crate::error::RunError;
use crate::rng::RunRng;
use crate::rundir::{spec_diff, Interrupt, MetricsWriter, Progress, RunDir};
use candle_core::{DType, Device, Tensor};
use ganc_compiler::graph::{Length, Program};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Settings that may differ when a run is resumed: they change how long and how visibly it
/// runs, not what it computes.
const RESUMABLE_KEYS: &[&str] = &[
    "train.steps",
    "train.epochs",
    "train.sample_every",
    "train.checkpoint_every",
    "train.log_every",
];

/// Where and how to run.
pub struct RunOptions {
    /// The spec's exact text (saved in the run directory and hashed).
    pub spec_text: String,
    /// `--set` overrides as given, in order.
    pub overrides: Vec<(String, String)>,
    /// Device for all tensors.
    pub device: Device,
    /// Data directory for named datasets and relative data paths.
    pub data_dir: PathBuf,
    /// Parent of `<model>/<timestamp>/` run directories.
    pub runs_root: PathBuf,
    /// Resume this run directory instead of starting a new one.
    pub resume: Option<PathBuf>,
    /// Stop after this many iterations of this invocation (tests and benchmarks), if set.
    pub stop_after: Option<u64>,
}

/// What a finished (or stopped) run produced.
#[derive(Debug)]
pub struct RunSummary {
    /// The run directory.
    pub dir: PathBuf,
    /// Iterations completed in total.
    pub step: u64,
    /// Iterations the spec asks for; `step < total` means the run can be resumed.
    pub total: u64,
    /// Whether the run stopped on Ctrl-C before its end.
    pub interrupted: bool,
    /// The last checkpoint written.
    pub checkpoint: PathBuf,
    /// The last metrics line's values.
    pub last: Report,
}

/// Trains `program` as described by `opts`.
pub fn run(program: Program, opts: RunOptions) -> Result<RunSummary, RunError> {
    let interrupt = Interrupt::install().ok();
    let mut session = Session::new(program, opts.device.clone())?;
    let resumed = match &opts.resume {
        Some(path) => Some(resume_into(&mut session, path, &opts)?),
        None => None,
    };
    // Data before a new run directory: a missing or malformed dataset must not leave an empty one.
    let positions = resumed
        .as_ref()
        .map(|(_, positions, _)| positions.as_slice());
    let mut feeder = Feeder::new(&session.program, &opts.data_dir, positions)?;
    let (dir, mut metrics) = match resumed {
        Some((dir, _, metrics)) => (dir, metrics),
        None => {
            let dir = RunDir::create(&opts.runs_root, &session.program.name)?;
            dir.write_spec(&opts.spec_text)?;
            dir.write_settings(&settings_json(&session.program, &opts))?;
            let metrics = MetricsWriter::create(&dir.metrics_path())?;
            (dir, metrics)
        }
    };
    let spec_hash = crate::rundir::spec_sha256(&opts.spec_text);
    let train = session.program.train.clone();
    let judge = session.program.game.judge.clone();
    let judge_updates = train.updates_of(&judge).max(1) as u64;
    let total = match train.length {
        Length::Steps(n) => n,
        Length::Epochs(e) => (e * feeder.batches_per_epoch() as u64 / judge_updates).max(1),
    };
    let start = session.step;
    let end = opts.stop_after.map_or(total, |n| (start + n).min(total));
    let mut progress = Progress::new(total, start, train.log_every.max(1));
    let _ = progress.message(&format!(
        "run directory {}  ({} iterations, batch {}, {} data batches per epoch)",
        dir.path().display(),
        total,
        train.batch,
        feeder.batches_per_epoch()
    ));
    let request = sample::fixed_request(&session);
    let real = session
        .program
        .data
        .first()
        .and_then(|d| feeder.dataset(&d.name))
        .cloned();
    let range = session
        .program
        .data
        .first()
        .map_or((-1.0, 1.0), |d| d.range);
    let started = Instant::now();
    let mut last = Report::new();
    let mut interrupted = false;
    let mut checkpoint_path = PathBuf::new();
    while session.step < end {
        if interrupt.is_some_and(|i| i.requested()) {
            interrupted = true;
            break;
        }
        let step = session.step;
        let noise = instance_noise(&session, step);
        let report = match iteration(&mut session, &mut feeder, noise) {
            Ok(r) => r,
            Err(RunError::NonFinite {
                what, value, step, ..
            }) => {
                // Losses are checked before any update of this step, so the variables still
                // hold the last finite state: keep it.
                let kept = save(
                    &session,
                    &feeder,
                    &dir,
                    CheckpointId::Step(step),
                    &spec_hash,
                )?;
                let _ = progress.finish();
                return Err(RunError::NonFinite {
                    what,
                    value,
                    step,
                    kept,
                });
            }
            Err(e) => return Err(e),
        };
        session.step += 1;
        let step = session.step;
        let mut record = serde_json::Map::new();
        record.insert("step".into(), step.into());
        for (k, v) in &report {
            record.insert(k.clone(), serde_json::json!(v));
        }
        record.insert(
            "time".into(),
            serde_json::json!(started.elapsed().as_secs_f64()),
        );
        metrics.append(&serde_json::Value::Object(record))?;
        let shown: Vec<(&str, f64)> = report
            .iter()
            .filter(|(k, _)| {
                matches!(
                    k.as_str(),
                    "d_loss" | "g_loss" | "d_real" | "d_fake" | "grad_norm"
                )
            })
            .map(|(k, v)| (k.as_str(), *v))
            .collect();
        let _ = progress.update(step, &shown);
        last = report;
        if train.sample_every > 0 && step % train.sample_every == 0 {
            write_samples(
                &mut session,
                &request,
                range,
                real.as_ref(),
                &dir,
                &format!("step-{step:09}.png"),
            )?;
        }
        if train.checkpoint_every > 0 && step % train.checkpoint_every == 0 && step < total {
            checkpoint_path = save(
                &session,
                &feeder,
                &dir,
                CheckpointId::Step(step),
                &spec_hash,
            )?;
        }
    }
    let finished = session.step >= total;
    let id = if finished {
        CheckpointId::Final
    } else {
        CheckpointId::Step(session.step)
    };
    checkpoint_path = if session.step > start || checkpoint_path.as_os_str().is_empty() {
        save(&session, &feeder, &dir, id, &spec_hash)?
    } else {
        checkpoint_path
    };
    write_samples(
        &mut session,
        &request,
        range,
        real.as_ref(),
        &dir,
        "latest.png",
    )?;
    let _ = progress.finish();
    if interrupted {
        let _ = progress.message(&format!(
            "interrupted at step {}: checkpoint written to {}",
            session.step,
            checkpoint_path.display()
        ));
    }
    Ok(RunSummary {
        dir: dir.path().to_path_buf(),
        step: session.step,
        total,
        interrupted,
        checkpoint: checkpoint_path,
        last,
    })
}

/// The instance-noise standard deviation at `step` (linear annealing from `start` at step 0
/// to `end` at `steps`, constant after; Sønderby et al. 2017).
pub fn instance_noise(session: &Session, step: u64) -> f64 {
    match session.program.game.instance_noise {
        Some(n) if n.steps > 0 => {
            let t = (step as f64 / n.steps as f64).min(1.0);
            n.start + (n.end - n.start) * t
        }
        Some(n) => n.end,
        None => 0.0,
    }
}

fn write_samples(
    session: &mut Session,
    request: &SampleRequest,
    range: (f64, f64),
    real: Option<&crate::data::Dataset>,
    dir: &RunDir,
    file: &str,
) -> Result<(), RunError> {
    let samples = sample::generate(session, request, real)?;
    sample::write(
        &samples,
        range,
        request.cols,
        real,
        &dir.samples_dir().join(file),
    )
}

/// Writes a checkpoint of everything: variables, optimizer state, history, batch positions.
fn save(
    session: &Session,
    feeder: &Feeder,
    dir: &RunDir,
    id: CheckpointId,
    spec_hash: &str,
) -> Result<PathBuf, RunError> {
    let mut tensors = session.state_tensors();
    for (i, pos) in feeder.positions().iter().enumerate() {
        tensors.insert(
            format!("feed.{i}.epoch"),
            Tensor::new(pos.epoch as i64, &Device::Cpu)?,
        );
        tensors.insert(
            format!("feed.{i}.cursor"),
            Tensor::new(pos.cursor as i64, &Device::Cpu)?,
        );
    }
    let meta = CheckpointMeta {
        step: session.step,
        rng: session.rng.state(),
        spec_hash: spec_hash.to_string(),
    };
    Ok(checkpoint::save(
        &dir.checkpoints_dir(),
        id,
        &tensors,
        &meta,
    )?)
}

/// The batch positions saved by [`save`].
fn positions_from(named: &HashMap<String, Tensor>) -> Result<Vec<Position>, RunError> {
    let mut out = Vec::new();
    while let (Some(e), Some(c)) = (
        named.get(&format!("feed.{}.epoch", out.len())),
        named.get(&format!("feed.{}.cursor", out.len())),
    ) {
        out.push(Position {
            epoch: e.to_dtype(DType::I64)?.to_scalar::<i64>()? as u64,
            cursor: c.to_dtype(DType::I64)?.to_scalar::<i64>()? as usize,
        });
    }
    Ok(out)
}

fn resume_into(
    session: &mut Session,
    path: &Path,
    opts: &RunOptions,
) -> Result<(RunDir, Vec<Position>, MetricsWriter), RunError> {
    let dir = RunDir::open(path)?;
    let saved_spec = dir.read_spec()?;
    if let Some(diff) = spec_diff(&saved_spec, &opts.spec_text) {
        return Err(RunError::Resume(format!(
            "refusing to resume {}: the spec changed since the run started\n{diff}\nstart a new run, or restore the spec",
            path.display()
        )));
    }
    let settings = dir.read_settings()?;
    check_overrides(&settings, &opts.overrides)?;
    let Some((_, ckpt)) = checkpoint::latest_checkpoint(&dir.checkpoints_dir())? else {
        return Err(RunError::Resume(format!(
            "{} has no checkpoint to resume from",
            dir.checkpoints_dir().display()
        )));
    };
    let (named, meta) = checkpoint::load(&ckpt, &session.device)?;
    session.load_state(&named)?;
    session.rng = RunRng::from_state(&meta.rng)?;
    session.step = meta.step;
    let positions = positions_from(&named)?;
    let metrics = MetricsWriter::resume(&dir.metrics_path(), meta.step)?;
    Ok((dir, positions, metrics))
}

/// Refuses overrides on resume that change what the run computes.
fn check_overrides(settings: &serde_json::Value, now: &[(String, String)]) -> Result<(), RunError> {
    let before: Vec<(String, String)> = settings
        .get("overrides")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let relevant = |list: &[(String, String)]| -> Vec<(String, String)> {
        let mut v: Vec<_> = list
            .iter()
            .filter(|(k, _)| !RESUMABLE_KEYS.contains(&k.as_str()))
            .cloned()
            .collect();
        v.sort();
        v
    };
    let (a, b) = (relevant(&before), relevant(now));
    if a != b {
        let show = |l: &[(String, String)]| {
            if l.is_empty() {
                "none".to_string()
            } else {
                l.iter()
                    .map(|(k, v)| format!("{k}={v}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            }
        };
        return Err(RunError::Resume(format!(
            "refusing to resume: the run was started with overrides [{}] but now [{}]; only {} may change on resume",
            show(&a),
            show(&b),
            RESUMABLE_KEYS.join(", ")
        )));
    }
    Ok(())
}

fn settings_json(program: &Program, opts: &RunOptions) -> serde_json::Value {
    serde_json::json!({
        "ganc_version": env!("CARGO_PKG_VERSION"),
        "model": program.name,
        "overrides": opts.overrides,
        "device": format!("{:?}", opts.device),
        "data_dir": opts.data_dir.display().to_string(),
        "train": program.train,
        "game": program.game,
        "threads": std::env::var("RAYON_NUM_THREADS").ok(),
    })
}
