//! Training speed of ganc against a hand-written candle loop doing the same computation.
//!
//! `cargo bench --bench train [-- OPTIONS]` (see `benches/run.sh` and docs/performance.md):
//!   (no option)          both sides interleaved in one process, per model: ganc, hand-written,
//!                        ganc, ... and the median iterations/s of each with their ratio
//!   --only ganc|candle   one side alone (run it in its own process to read its peak memory)
//!   --verify             same start, same batches: losses side by side, counts asserted
//!   --model mlp|dcgan    one model (default: both)
//!   --rounds N           timed rounds per side, --per-round K iterations per round
//!
//! Lines starting with `RESULT` are read by `benches/run.sh`.

mod ganc_side;
mod hand;
mod measure;
mod verify;

use candle_core::Device;
use ganc_side::{choose_data, compile, DataChoice, GancRun};
use hand::data::HandData;
use hand::models::Arch;
use hand::HandGan;
use measure::{load_average, median, peak_rss_mib, quantile};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

#[global_allocator]
/// The allocator of the `ganc` binary, so both sides run as a user's `ganc run` would.
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Iterations run before timing (allocator pools, gemm packing buffers, page faults).
const WARMUP: usize = 3;
/// Seed of the hand-written side's initial values, latents and shuffling.
const HAND_SEED: u64 = 7;

/// Which side of the comparison.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Side {
    Ganc,
    Candle,
}

/// Command-line options.
struct Options {
    models: Vec<Arch>,
    only: Option<Side>,
    verify: bool,
    rounds: Option<usize>,
    per_round: Option<usize>,
}

fn parse_args() -> Result<Options, String> {
    let mut o = Options {
        models: vec![Arch::Mlp, Arch::Dcgan],
        only: None,
        verify: false,
        rounds: None,
        per_round: None,
    };
    let mut args = std::env::args().skip(1);
    let number = |v: Option<String>, what: &str| -> Result<usize, String> {
        v.and_then(|s| s.parse().ok())
            .filter(|&n| n > 0)
            .ok_or_else(|| format!("{what} needs a positive integer"))
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--only" => {
                o.only = Some(match args.next().as_deref() {
                    Some("ganc") => Side::Ganc,
                    Some("candle") => Side::Candle,
                    other => return Err(format!("--only takes ganc or candle, got {other:?}")),
                })
            }
            "--model" => {
                o.models = match args.next().as_deref() {
                    Some("mlp") => vec![Arch::Mlp],
                    Some("dcgan") => vec![Arch::Dcgan],
                    other => return Err(format!("--model takes mlp or dcgan, got {other:?}")),
                }
            }
            "--verify" => o.verify = true,
            "--rounds" => o.rounds = Some(number(args.next(), "--rounds")?),
            "--per-round" => o.per_round = Some(number(args.next(), "--per-round")?),
            // cargo bench appends `--bench` to the arguments of harness-less benches.
            "--bench" => {}
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok(o)
}

fn model_name(arch: Arch) -> &'static str {
    match arch {
        Arch::Mlp => "mlp_gan_mnist",
        Arch::Dcgan => "dcgan_mnist",
    }
}

fn spec_path(arch: Arch) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(format!("{}.gan", model_name(arch)))
}

/// Default (rounds, iterations per round): about 20-30 s per side on 2 cores.
fn schedule(arch: Arch, o: &Options) -> (usize, usize) {
    let (r, k) = match arch {
        Arch::Mlp => (8, 20),
        Arch::Dcgan => (8, 3),
    };
    (o.rounds.unwrap_or(r), o.per_round.unwrap_or(k))
}

/// A runnable side: ganc's session or the hand-written loop with its data.
enum Runner {
    Ganc(Box<GancRun>),
    Candle(Box<HandGan>, HandData, usize),
}

impl Runner {
    fn new(side: Side, arch: Arch, data: &DataChoice) -> Result<Self, String> {
        let program = compile(&spec_path(arch), data)?;
        Ok(match side {
            Side::Ganc => Runner::Ganc(Box::new(GancRun::new(program, data)?)),
            Side::Candle => {
                let batch = program.train.batch;
                let gan = HandGan::new(arch, HAND_SEED, &Device::Cpu).map_err(|e| e.to_string())?;
                let images = HandData::load(&data.images, HAND_SEED, &Device::Cpu)?;
                Runner::Candle(Box::new(gan), images, batch)
            }
        })
    }

    fn iteration(&mut self) -> Result<(), String> {
        match self {
            Runner::Ganc(g) => g.iteration().map(drop),
            Runner::Candle(gan, images, batch) => {
                let mut step = || -> candle_core::Result<()> {
                    let x = images.next_batch(*batch)?;
                    let z = gan.latents(*batch)?;
                    gan.iteration(&x, &z).map(drop)
                };
                step().map_err(|e| e.to_string())
            }
        }
    }

    /// Iterations per second over `k` iterations.
    fn timed(&mut self, k: usize) -> Result<f64, String> {
        let t = Instant::now();
        for _ in 0..k {
            self.iteration()?;
        }
        Ok(k as f64 / t.elapsed().as_secs_f64())
    }
}

fn side_name(side: Side) -> &'static str {
    match side {
        Side::Ganc => "ganc",
        Side::Candle => "candle",
    }
}

fn summary(samples: &[f64]) -> String {
    let m = median(samples);
    format!(
        "{m:>7.2} it/s ({:>6.1} ms/it; rounds {:.2}..{:.2}, p90 {:.2})",
        1e3 / m,
        quantile(samples, 0.0),
        quantile(samples, 1.0),
        quantile(samples, 0.9)
    )
}

fn interleaved(arch: Arch, data: &DataChoice, o: &Options) -> Result<(), String> {
    let (rounds, k) = schedule(arch, o);
    let mut sides = [
        Runner::new(Side::Ganc, arch, data)?,
        Runner::new(Side::Candle, arch, data)?,
    ];
    for r in sides.iter_mut() {
        for _ in 0..WARMUP {
            r.iteration()?;
        }
    }
    let mut samples = [Vec::new(), Vec::new()];
    for _ in 0..rounds {
        for (r, s) in sides.iter_mut().zip(samples.iter_mut()) {
            s.push(r.timed(k)?);
        }
    }
    let (g, c) = (median(&samples[0]), median(&samples[1]));
    println!(
        "{} ({rounds} rounds x {k} iterations per side, interleaved)",
        model_name(arch)
    );
    println!("  ganc         {}", summary(&samples[0]));
    println!("  hand-written {}", summary(&samples[1]));
    println!("  ratio ganc/hand-written it/s: {:.3}", g / c);
    for (side, v) in [(Side::Ganc, g), (Side::Candle, c)] {
        println!(
            "RESULT model={} side={} mode=interleaved its={v:.4}",
            model_name(arch),
            side_name(side)
        );
    }
    Ok(())
}

fn alone(arch: Arch, side: Side, data: &DataChoice, o: &Options) -> Result<(), String> {
    let (rounds, k) = schedule(arch, o);
    let mut runner = Runner::new(side, arch, data)?;
    for _ in 0..WARMUP {
        runner.iteration()?;
    }
    let samples = (0..rounds)
        .map(|_| runner.timed(k))
        .collect::<Result<Vec<_>, _>>()?;
    let peak = peak_rss_mib().unwrap_or(f64::NAN);
    println!(
        "{} {} alone ({rounds} rounds x {k} iterations)",
        model_name(arch),
        side_name(side)
    );
    println!("  {}; peak RSS (VmHWM) {peak:.0} MiB", summary(&samples));
    println!(
        "RESULT model={} side={} mode=alone its={:.4} peak_mib={peak:.1}",
        model_name(arch),
        side_name(side),
        median(&samples)
    );
    Ok(())
}

fn run() -> Result<(), String> {
    let o = parse_args()?;
    let data = choose_data()?;
    println!(
        "threads: RAYON_NUM_THREADS={} (available cores: {}); load average: {}",
        std::env::var("RAYON_NUM_THREADS").unwrap_or_else(|_| "unset (candle's default)".into()),
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        load_average()
    );
    if data.fallback {
        println!(
            "data: MNIST NOT FOUND; using the bundled 1k Fashion-MNIST subset instead ({})",
            data.images.display()
        );
    } else {
        println!("data: MNIST from {}", data.images.display());
    }
    for &arch in &o.models {
        match (o.verify, o.only) {
            (true, _) => {
                println!(
                    "{}: equivalence check (same variables, same batches)",
                    model_name(arch)
                );
                verify::verify(arch, &spec_path(arch), &data)?;
                println!("  ok");
            }
            (false, Some(side)) => alone(arch, side, &data, &o)?,
            (false, None) => interleaved(arch, &data, &o)?,
        }
    }
    if o.only.is_some() && o.models.len() > 1 {
        println!("note: the peak memory above covers every model run so far in this process");
    }
    Ok(())
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
