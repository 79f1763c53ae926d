//! ganc's side of the benchmark: compile the spec, build the session and the feeder, and
//! run `iteration` exactly as `ganc run` does (without its logging, samples or checkpoints).

use crate::hand::Losses;
use candle_core::Device;
use ganc_compiler::graph::Program;
use ganc_runtime::data::{bundled_dir, Locator, Named, Split};
use ganc_runtime::train::feed::Feeder;
use ganc_runtime::train::iteration::iteration;
use ganc_runtime::train::session::Session;
use std::path::{Path, PathBuf};

/// Where the images come from.
#[derive(Clone, Debug)]
pub struct DataChoice {
    /// Data directory handed to ganc's feeder.
    pub dir: PathBuf,
    /// True when MNIST was absent and the bundled 1k Fashion-MNIST subset stands in.
    pub fallback: bool,
    /// The image file both sides read.
    pub images: PathBuf,
}

/// MNIST from `GANC_DATA_DIR`, else `../shared/datasets` beside the repository; the bundled
/// 1k Fashion-MNIST subset when neither has it.
pub fn choose_data() -> Result<DataChoice, String> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = match std::env::var_os("GANC_DATA_DIR") {
        Some(d) if !d.is_empty() => PathBuf::from(d),
        _ => root.join("../shared/datasets"),
    };
    if let Ok((images, _)) = Locator::new(&dir).find(Named::Mnist, Split::Train) {
        return Ok(DataChoice {
            dir,
            fallback: false,
            images,
        });
    }
    let bundled = bundled_dir();
    let (images, _) = Locator::new(&bundled)
        .find(Named::FashionMnist1k, Split::Train)
        .map_err(|e| format!("neither MNIST nor the bundled Fashion-MNIST subset found: {e}"))?;
    Ok(DataChoice {
        dir: bundled,
        fallback: true,
        images,
    })
}

/// Compiles `spec`, pointing its data input at the fallback set when `data.fallback`.
pub fn compile(spec: &Path, data: &DataChoice) -> Result<Program, String> {
    let c = ganc_compiler::compile_file(spec, &[]);
    let mut program = c.program.ok_or_else(|| {
        format!(
            "{} does not compile ({} diagnostics)",
            spec.display(),
            c.diagnostics.len()
        )
    })?;
    if data.fallback {
        for input in &mut program.data {
            input.dataset = Named::FashionMnist1k.name().to_string();
        }
    }
    Ok(program)
}

/// A ganc training session with its data.
pub struct GancRun {
    /// Variables, optimizers, generator.
    pub session: Session,
    /// Batches and latents.
    pub feeder: Feeder,
}

impl GancRun {
    /// Session and feeder for `program`.
    pub fn new(program: Program, data: &DataChoice) -> Result<Self, String> {
        let feeder = Feeder::new(&program, &data.dir, None).map_err(|e| e.to_string())?;
        let session = Session::new(program, Device::Cpu).map_err(|e| e.to_string())?;
        Ok(GancRun { session, feeder })
    }

    /// One training iteration and its readouts.
    pub fn iteration(&mut self) -> Result<Losses, String> {
        let report =
            iteration(&mut self.session, &mut self.feeder, 0.0).map_err(|e| e.to_string())?;
        let get = |k: &str| {
            report
                .iter()
                .find(|(n, _)| n == k)
                .map_or(f64::NAN, |(_, v)| *v)
        };
        Ok(Losses {
            d_loss: get("d_loss"),
            g_loss: get("g_loss"),
            d_real: get("d_real"),
            d_fake: get("d_fake"),
        })
    }
}
