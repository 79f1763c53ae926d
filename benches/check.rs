//! Benchmark of `ganc check`'s work: parse + resolve + shape-check of every `examples/*.gan`.
//!
//! The source text is read once before timing, so file IO and process start are excluded.
//! Run with `cargo bench --bench check` (or `benches/run.sh`). Target (issue 2): under 10 ms
//! for the largest example.

use ganc_compiler::compile_source;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Compilations discarded before timing (page faults, lazily built tables).
const WARMUP: usize = 5;
/// Timed compilations per example, at least and at most; the time budget decides in between.
const MIN_REPS: usize = 30;
const MAX_REPS: usize = 2000;
/// Wall-clock budget per example.
const BUDGET: Duration = Duration::from_secs(2);
/// The target for the largest example, in milliseconds.
const TARGET_MS: f64 = 10.0;

/// Timing summary of one example.
struct Row {
    name: String,
    bytes: usize,
    reps: usize,
    median_ms: f64,
    p90_ms: f64,
    min_ms: f64,
}

/// The value below which `q` of the sorted samples lie (nearest rank).
fn quantile(sorted: &[f64], q: f64) -> f64 {
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1]
}

fn examples(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "gan"))
        .collect();
    files.sort();
    Ok(files)
}

/// Times `compile_source` on `text`; fails when the example does not check cleanly, since
/// timing a compilation that stops at its first error would flatter the compiler.
fn bench_one(path: &Path, text: &str) -> Result<Row, String> {
    let first = compile_source(path, text, &[]);
    if first.has_errors() || first.program.is_none() {
        return Err(format!(
            "{} does not pass `ganc check` ({} diagnostics)",
            path.display(),
            first.diagnostics.len()
        ));
    }
    for _ in 0..WARMUP {
        std::hint::black_box(compile_source(path, text, &[]));
    }
    let mut samples = Vec::new();
    let start = Instant::now();
    while samples.len() < MIN_REPS || (samples.len() < MAX_REPS && start.elapsed() < BUDGET) {
        let t = Instant::now();
        let c = compile_source(path, std::hint::black_box(text), &[]);
        samples.push(t.elapsed().as_secs_f64() * 1e3);
        std::hint::black_box(c);
    }
    samples.sort_by(f64::total_cmp);
    Ok(Row {
        name: path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned()),
        bytes: text.len(),
        reps: samples.len(),
        median_ms: quantile(&samples, 0.5),
        p90_ms: quantile(&samples, 0.9),
        min_ms: samples[0],
    })
}

fn main() -> ExitCode {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let files = match examples(&dir) {
        Ok(f) if !f.is_empty() => f,
        Ok(_) => {
            eprintln!("no .gan files in {}", dir.display());
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("cannot list {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
    };
    println!("ganc check benchmark: parse + resolve + check, source preloaded (no file IO, no process start)");
    println!(
        "{:<24} {:>7} {:>6} {:>11} {:>9} {:>9}",
        "example", "bytes", "reps", "median ms", "p90 ms", "min ms"
    );
    let mut rows = Vec::new();
    let mut failed = false;
    for path in &files {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) => {
                eprintln!("cannot read {}: {e}", path.display());
                failed = true;
                continue;
            }
        };
        match bench_one(path, &text) {
            Ok(r) => {
                println!(
                    "{:<24} {:>7} {:>6} {:>11.3} {:>9.3} {:>9.3}",
                    r.name, r.bytes, r.reps, r.median_ms, r.p90_ms, r.min_ms
                );
                rows.push(r);
            }
            Err(e) => {
                eprintln!("{e}");
                failed = true;
            }
        }
    }
    if let Some(largest) = rows.iter().max_by_key(|r| r.bytes) {
        let met = largest.p90_ms < TARGET_MS;
        println!(
            "largest example: {} ({} bytes): median {:.3} ms, p90 {:.3} ms; target < {TARGET_MS} ms: {}",
            largest.name,
            largest.bytes,
            largest.median_ms,
            largest.p90_ms,
            if met { "met" } else { "NOT met" }
        );
        failed |= !met;
    }
    if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    }
}
