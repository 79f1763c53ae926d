//! `ganc eval recon`: reconstruction error of `G(E(x))` on held-out images, and how close the
//! encoder's codes are to the latent prior.

use super::device;
use ganc_compiler::graph::Split;
use ganc_runtime::data::resolve_data_dir;
use ganc_runtime::error::RunError;
use ganc_runtime::eval::recon::{self, ReconReport};
use ganc_runtime::train::data_source;
use ganc_runtime::train::sample;
use std::path::PathBuf;
use std::process::ExitCode;

use super::saved_run::{checkpoint_of, fail, open, program_of, restore};

/// Images shown in the comparison grid (rows of originals above rows of reconstructions).
const GRID_COLS: usize = 8;
const GRID_IMAGES: usize = 32;

/// Arguments of `ganc eval recon`.
#[derive(clap::Args)]
pub struct ReconArgs {
    /// A run directory written by `ganc run` for a spec with an `encoder` and a `generator`.
    pub run_dir: PathBuf,
    /// Data directory for named datasets (default: $GANC_DATA_DIR, else ./data).
    #[arg(long)]
    pub data_dir: Option<PathBuf>,
    /// Number of held-out images (the first ones of the test split).
    #[arg(short = 'n', long, default_value_t = 1000)]
    pub count: usize,
    /// Seed of the encoder's noise inputs, if it has any (AVB).
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Comparison grid (default: RUN_DIR/samples/recon.png).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Checkpoint file name inside RUN_DIR/checkpoints (default: the latest).
    #[arg(long)]
    pub checkpoint: Option<String>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Prints the reconstruction report; exit status 1 on error.
pub fn run(args: ReconArgs) -> ExitCode {
    let dir = match open(&args.run_dir) {
        Ok(d) => d,
        Err(msg) => return fail(msg),
    };
    if args.count == 0 {
        return fail("error[ganc::cli::bad_count]: `-n 0` asks for no images\n  help: use a positive count such as `-n 1000`".into());
    }
    let program = match program_of(&dir) {
        Ok(p) => p,
        Err(msg) => return fail(msg),
    };
    let Some(input) = program.data.first().cloned() else {
        return fail("error[ganc::eval::no_data]: the spec has no `data` input to reconstruct\n  help: reconstruction needs a `data` declaration with a test split".into());
    };
    let ckpt = match checkpoint_of(&dir, args.checkpoint.as_deref()) {
        Ok(p) => p,
        Err(msg) => return fail(msg),
    };
    let data_dir = resolve_data_dir(args.data_dir.as_deref());
    let measured = (|| -> Result<(ReconReport, PathBuf), RunError> {
        let dataset = data_source::load(&input, &data_dir, program.train.seed, Split::Test)?;
        let count = args.count.min(dataset.len());
        let device = device::open("cpu").map_err(RunError::Invalid)?;
        let indices: Vec<usize> = (0..count).collect();
        let images = dataset.batch(&indices, &device)?.samples;
        let mut session = restore(program, &device, &ckpt)?;
        let (report, recons) = recon::evaluate(&mut session, &images, input.range, 250, args.seed)?;
        let shown = count.min(GRID_IMAGES);
        let grid = recon::comparison_rows(
            &images.narrow(0, 0, shown)?,
            &recons.narrow(0, 0, shown)?,
            GRID_COLS.min(shown),
        )?;
        let out = args
            .out
            .clone()
            .unwrap_or_else(|| dir.samples_dir().join("recon.png"));
        sample::write(&grid, input.range, GRID_COLS.min(shown), None, &out)?;
        Ok((report, out))
    })();
    let (report, out) = match measured {
        Ok(r) => r,
        Err(e) => return fail(format!("error[{}]: {e}\n  help: {}", e.code(), e.help())),
    };
    if args.json {
        let latent = report.latent.as_ref().map(|l| {
            serde_json::json!({
                "prior": l.prior_name,
                "mean_distance": l.mean_distance,
                "cov_distance": l.cov_distance,
                "mean": l.mean,
                "cov": l.cov,
            })
        });
        println!(
            "{}",
            serde_json::json!({
                "run": args.run_dir.display().to_string(),
                "images": report.count,
                "mse": report.mse,
                "mse_unit": report.mse_unit,
                "latent": latent,
                "grid": out.display().to_string(),
            })
        );
    } else {
        println!("images:        {} (test split)", report.count);
        println!(
            "mse:           {:.5} (data range [{}, {}])",
            report.mse, input.range.0, input.range.1
        );
        println!("mse in [0, 1]: {:.5} per pixel", report.mse_unit);
        if let Some(l) = &report.latent {
            println!(
                "codes vs prior `{}`: |mean - prior mean| = {:.4}, ||cov - prior cov||_F = {:.4} ({} dims)",
                l.prior_name,
                l.mean_distance,
                l.cov_distance,
                l.mean.len()
            );
        }
        println!(
            "grid:          {} (originals above reconstructions)",
            out.display()
        );
    }
    ExitCode::SUCCESS
}
