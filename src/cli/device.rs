//! `--device cpu | cuda:N`.

use candle_core::Device;

/// Opens the requested device, or says why it is not available.
pub fn open(spec: &str) -> Result<Device, String> {
    if spec == "cpu" {
        return Ok(Device::Cpu);
    }
    let Some(index) = spec
        .strip_prefix("cuda:")
        .or(if spec == "cuda" { Some("0") } else { None })
    else {
        return Err(format!(
            "error[ganc::cli::bad_device]: unknown device `{spec}`\n  help: use `cpu` or `cuda:0`"
        ));
    };
    let index: usize = index.parse().map_err(|_| {
        format!(
            "error[ganc::cli::bad_device]: `{spec}` is not a device index\n  help: use `cuda:0`"
        )
    })?;
    if !cfg!(feature = "cuda") {
        return Err(format!(
            "error[ganc::cli::no_cuda]: `{spec}` requested but this ganc was built without CUDA\n  help: rebuild with `cargo build --release --features cuda` (needs the CUDA toolkit), or use `--device cpu`"
        ));
    }
    Device::new_cuda(index).map_err(|e| {
        format!("error[ganc::cli::no_cuda]: cannot open `{spec}`: {e}\n  help: check the GPU with `nvidia-smi`, or use `--device cpu`")
    })
}
