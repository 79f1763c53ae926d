//! `ganc eval modes`: mode coverage of a run trained on `ring8` or `grid25`.

use super::device;
use ganc_runtime::data::Synthetic;
use ganc_runtime::error::RunError;
use ganc_runtime::eval::modes::{centres_of, coverage, default_min_count, ModeReport};
use ganc_runtime::plot::{self, ScatterOptions};
use ganc_runtime::train::sample::{self, SampleRequest};
use std::path::PathBuf;
use std::process::ExitCode;

use super::saved_run::{checkpoint_of, fail, open, program_of, restore};

/// Arguments of `ganc eval modes`.
#[derive(clap::Args)]
pub struct ModesArgs {
    /// A run directory written by `ganc run` for a spec whose data is `ring8` or `grid25`.
    pub run_dir: PathBuf,
    /// Number of generated points.
    #[arg(short = 'n', long, default_value_t = 2500)]
    pub count: usize,
    /// A mode is covered with at least this many high-quality points (default: 20 per 2,500).
    #[arg(long)]
    pub min_count: Option<usize>,
    /// Seed of the latent draw.
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
    /// Scatter plot of real and generated points (default: RUN_DIR/samples/modes-seed<S>.png).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Checkpoint file name inside RUN_DIR/checkpoints (default: the latest).
    #[arg(long)]
    pub checkpoint: Option<String>,
    /// Print one JSON object instead of the table.
    #[arg(long)]
    pub json: bool,
}

/// Prints the coverage report; exit status 1 on error.
pub fn run(args: ModesArgs) -> ExitCode {
    let dir = match open(&args.run_dir) {
        Ok(d) => d,
        Err(msg) => return fail(msg),
    };
    if args.count == 0 {
        return fail("error[ganc::cli::bad_count]: `-n 0` asks for no samples\n  help: use a positive count such as `-n 2500`".into());
    }
    let program = match program_of(&dir) {
        Ok(p) => p,
        Err(msg) => return fail(msg),
    };
    let Some((set, std)) = program.data.first().and_then(|d| {
        let set = Synthetic::from_name(&d.dataset)?;
        let std = d
            .options
            .iter()
            .find(|(k, _)| k == "std")
            .map_or(f64::from(set.default_std()), |(_, v)| *v);
        Some((set, std))
    }) else {
        return fail(format!(
            "error[ganc::eval::not_synthetic]: {} was not trained on `ring8` or `grid25`\n  help: mode coverage needs known mode centres; train a spec such as examples/gan_ring8.gan",
            args.run_dir.display()
        ));
    };
    let ckpt = match checkpoint_of(&dir, args.checkpoint.as_deref()) {
        Ok(p) => p,
        Err(msg) => return fail(msg),
    };
    let seed = program.train.seed;
    let measured = (|| -> Result<(ModeReport, PathBuf), RunError> {
        let device = device::open("cpu").map_err(RunError::Invalid)?;
        let mut session = restore(program, &device, &ckpt)?;
        let request = SampleRequest {
            count: args.count,
            seed: args.seed,
            fixed: Vec::new(),
            cols: 1,
        };
        let samples = sample::generate(&mut session, &request, None)?;
        let fake = plot::points_from_tensor(&samples)?;
        let min_count = args
            .min_count
            .unwrap_or_else(|| default_min_count(args.count));
        let report = coverage(&fake, &centres_of(set), std, min_count);
        let real = set.sample(args.count.min(2000), std as f32, seed)?;
        let real_points: Vec<[f64; 2]> = (0..real.len())
            .filter_map(|i| real.sample(i).map(|s| [f64::from(s[0]), f64::from(s[1])]))
            .collect();
        let out = args.out.clone().unwrap_or_else(|| {
            dir.samples_dir()
                .join(format!("modes-seed{}.png", args.seed))
        });
        plot::write_scatter(&out, &real_points, &fake, &ScatterOptions::default())?;
        Ok((report, out))
    })();
    let (report, out) = match measured {
        Ok(r) => r,
        Err(e) => return fail(format!("error[{}]: {e}\n  help: {}", e.code(), e.help())),
    };
    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "run": args.run_dir.display().to_string(),
                "samples": report.samples,
                "modes": report.counts.len(),
                "covered": report.covered,
                "high_quality": report.high_quality_share(),
                "min_count": report.min_count,
                "counts": report.counts,
                "plot": out.display().to_string(),
            })
        );
    } else {
        println!(
            "modes covered: {}/{} (>= {} high-quality points each)",
            report.covered,
            report.counts.len(),
            report.min_count
        );
        println!(
            "high quality:  {:.1}% ({} of {} within 3 std = {:.3} of the nearest mode)",
            100.0 * report.high_quality_share(),
            report.high_quality,
            report.samples,
            3.0 * std
        );
        let counts: Vec<String> = report.counts.iter().map(usize::to_string).collect();
        println!("per mode:      {}", counts.join(" "));
        println!("scatter plot:  {}", out.display());
    }
    ExitCode::SUCCESS
}
