//! `ganc sample`: load a run's generator and write a grid, without the dataset.

use super::device;
use ganc_runtime::train::sample::{self, SampleRequest};
use ganc_runtime::train::sample_inputs::Sweep;
use std::path::PathBuf;
use std::process::ExitCode;

use super::saved_run::{checkpoint_of, fail, open, program_of, restore};

/// Arguments of `ganc sample`.
#[derive(clap::Args)]
pub struct SampleArgs {
    /// A run directory written by `ganc run`.
    pub run_dir: PathBuf,
    /// Number of samples.
    #[arg(short = 'n', long, default_value_t = 64)]
    pub count: usize,
    /// Seed of the latent draw.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Output PNG (default: RUN_DIR/samples/sample-seed<S>.png).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Checkpoint file name inside RUN_DIR/checkpoints (default: the latest).
    #[arg(long)]
    pub checkpoint: Option<String>,
    /// Fix a class input of the generator, e.g. `--cond y=3` (repeatable).
    #[arg(long = "cond", value_name = "NAME=CLASS")]
    pub fixed: Vec<String>,
    /// Vary one continuous code linearly across the columns, e.g. `--sweep u[0]` (over the
    /// prior's range: uniform `[lo, hi]`, normal mean +- 2 std) or `--sweep u[0]=-2:2`. Every other
    /// tensor input is drawn once for the whole grid; class inputs not fixed give one row per class.
    #[arg(long, value_name = "NAME[INDEX][=LO:HI]")]
    pub sweep: Option<String>,
    /// Images per row (default: the square root of the count).
    #[arg(long)]
    pub cols: Option<usize>,
    /// `cpu` or `cuda:N`.
    #[arg(long, default_value = "cpu")]
    pub device: String,
}

/// Writes the grid; exit status 1 on error.
pub fn run(args: SampleArgs) -> ExitCode {
    let dir = match open(&args.run_dir) {
        Ok(d) => d,
        Err(msg) => return fail(msg),
    };
    let mut fixed = Vec::new();
    for f in &args.fixed {
        match f.split_once('=').map(|(k, v)| (k.trim(), v.trim().parse::<u32>())) {
            Some((k, Ok(v))) => fixed.push((k.to_string(), v)),
            _ => return fail(format!("error[ganc::cli::bad_cond]: `--cond {f}` is not NAME=CLASS\n  help: e.g. `--cond y=3`")),
        }
    }
    let sweep = match args.sweep.as_deref().map(str::parse::<Sweep>) {
        None => None,
        Some(Ok(sweep)) => Some(sweep),
        Some(Err(e)) => return fail(format!("error[ganc::cli::bad_sweep]: `--sweep`: {e}\n  help: e.g. `--sweep 'u[0]'` or `--sweep 'u[1]=-2:2'`")),
    };
    if args.count == 0 {
        return fail("error[ganc::cli::bad_count]: `-n 0` asks for no samples\n  help: use a positive count such as `-n 64`".into());
    }
    let program = match program_of(&dir) {
        Ok(p) => p,
        Err(msg) => return fail(msg),
    };
    let device = match device::open(&args.device) {
        Ok(d) => d,
        Err(msg) => return fail(msg),
    };
    let ckpt = match checkpoint_of(&dir, args.checkpoint.as_deref()) {
        Ok(p) => p,
        Err(msg) => return fail(msg),
    };
    let range = program.data.first().map_or((-1.0, 1.0), |d| d.range);
    let result = (|| -> Result<PathBuf, ganc_runtime::error::RunError> {
        let mut session = restore(program, &device, &ckpt)?;
        let cols = args
            .cols
            .unwrap_or_else(|| (args.count as f64).sqrt().ceil() as usize);
        let request = SampleRequest {
            count: args.count,
            seed: args.seed,
            fixed,
            cols,
        };
        let samples = sample::generate_with(&mut session, &request, sweep.as_ref(), None)?;
        let out = args.out.clone().unwrap_or_else(|| {
            dir.samples_dir()
                .join(format!("sample-seed{}.png", args.seed))
        });
        sample::write(&samples, range, cols, None, &out)?;
        Ok(out)
    })();
    match result {
        Ok(out) => {
            eprintln!(
                "wrote {} ({} samples from {})",
                out.display(),
                args.count,
                ckpt.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => fail(format!("error[{}]: {e}\n  help: {}", e.code(), e.help())),
    }
}
