//! `ganc`: compile and train generative adversarial networks written as `.gan` files.

mod cli;

use mimalloc::MiMalloc;

/// candle allocates a fresh buffer per op; mimalloc keeps freed buffers for reuse instead of
/// returning them to the OS each time (about 2x faster training on small models).
#[global_allocator]
static GLOBAL: MiMalloc = MiMalloc;

fn main() -> std::process::ExitCode {
    cli::main()
}
