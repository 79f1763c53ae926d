//! `ganc eval info`: InfoGAN's code recovery — how often Q's argmax on generated samples is the
//! categorical code they were generated with.

use super::device;
use ganc_runtime::error::RunError;
use ganc_runtime::train::code_recovery::{code_recovery, CodeRecovery};
use std::path::PathBuf;
use std::process::ExitCode;

use super::saved_run::{checkpoint_of, fail, open, program_of, restore};

/// Arguments of `ganc eval info`.
#[derive(clap::Args)]
pub struct InfoArgs {
    /// A run directory written by `ganc run` for a spec with a term
    /// `cross_entropy(<call>, c)` on a class latent `c` (InfoGAN).
    pub run_dir: PathBuf,
    /// Number of generated samples.
    #[arg(short = 'n', long, default_value_t = 10_000)]
    pub count: usize,
    /// Samples per forward pass.
    #[arg(long, default_value_t = 500)]
    pub batch: usize,
    /// Seed of the latent draw.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Checkpoint file name inside RUN_DIR/checkpoints (default: the latest).
    #[arg(long)]
    pub checkpoint: Option<String>,
    /// Print one JSON object per code instead of the table.
    #[arg(long)]
    pub json: bool,
}

fn print(r: &CodeRecovery, json: bool) {
    if json {
        println!(
            "{}",
            serde_json::json!({
                "term": r.term,
                "code": r.code,
                "classes": r.classes,
                "samples": r.samples,
                "accuracy": r.accuracy,
                "chance": 1.0 / r.classes as f64,
                "per_class": r.per_class,
                "cross_entropy": r.cross_entropy,
            })
        );
        return;
    }
    println!(
        "code `{}` (term `{}`): Q recovers it in {:.1}% of {} samples (chance {:.1}%)",
        r.code,
        r.term,
        100.0 * r.accuracy,
        r.samples,
        100.0 / r.classes as f64
    );
    let per: Vec<String> = r
        .per_class
        .iter()
        .map(|a| format!("{:.0}%", 100.0 * a))
        .collect();
    println!("per code value: {}", per.join(" "));
    println!("cross-entropy:  {:.4} nats", r.cross_entropy);
    println!("(code recovery, not digit class: code k need not show digit k)");
}

/// Prints the code recovery of every categorical code; exit status 1 on error.
pub fn run(args: InfoArgs) -> ExitCode {
    let dir = match open(&args.run_dir) {
        Ok(d) => d,
        Err(msg) => return fail(msg),
    };
    if args.count == 0 || args.batch == 0 {
        return fail("error[ganc::cli::bad_count]: `-n` and `--batch` must be positive\n  help: e.g. `-n 10000 --batch 500`".into());
    }
    let program = match program_of(&dir) {
        Ok(p) => p,
        Err(msg) => return fail(msg),
    };
    let ckpt = match checkpoint_of(&dir, args.checkpoint.as_deref()) {
        Ok(p) => p,
        Err(msg) => return fail(msg),
    };
    let measured = (|| -> Result<Vec<CodeRecovery>, RunError> {
        let device = device::open("cpu").map_err(RunError::Invalid)?;
        let mut session = restore(program, &device, &ckpt)?;
        code_recovery(&mut session, args.count, args.batch, args.seed)
    })();
    match measured {
        Ok(reports) => {
            reports.iter().for_each(|r| print(r, args.json));
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("error[{}]: {e}\n  help: {}", e.code(), e.help())),
    }
}
