//! Ctrl-C handling: the first Ctrl-C asks the trainer to stop at the next step boundary (so it
//! can write a checkpoint). SIGTERM and SIGHUP take the same path (ctrlc's `termination`
//! feature), because `kill`, `timeout` and job schedulers stop runs that way and would otherwise
//! lose everything since the last checkpoint. A second signal, while the first is still
//! pending, exits the process at once with [`INTERRUPT_EXIT_CODE`] (130, the shell convention
//! for death by SIGINT), for when the checkpoint itself hangs.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// Exit status of the process when a second Ctrl-C arrives while the first is pending.
pub const INTERRUPT_EXIT_CODE: i32 = 130;

/// Set by the handler (or [`Interrupt::request`]), cleared by [`Interrupt::reset`].
static REQUESTED: AtomicBool = AtomicBool::new(false);

/// Outcome of the one installation attempt in this process, shared by every later `install`.
static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();

/// The handler could not be installed (for example another library already owns SIGINT).
/// Training still works; Ctrl-C then just kills the process without a checkpoint.
#[derive(Debug, Clone, thiserror::Error)]
#[error("could not install the Ctrl-C handler (Ctrl-C will stop without a checkpoint): {0}")]
pub struct InterruptError(String);

/// Handle to the process-wide interrupt flag. Cheap to copy; all handles see the same flag.
#[derive(Debug, Clone, Copy, Default)]
pub struct Interrupt;

impl Interrupt {
    /// Installs the Ctrl-C handler the first time it is called in the process; later calls
    /// (from any thread) install nothing and return the first call's outcome.
    pub fn install() -> Result<Interrupt, InterruptError> {
        INSTALLED
            .get_or_init(|| ctrlc::set_handler(on_ctrl_c).map_err(|e| e.to_string()))
            .clone()
            .map(|()| Interrupt)
            .map_err(InterruptError)
    }

    /// Whether a stop was requested (by Ctrl-C or [`Interrupt::request`]) and not yet reset.
    pub fn requested(&self) -> bool {
        REQUESTED.load(Ordering::SeqCst)
    }

    /// Clears a pending request.
    pub fn reset(&self) {
        REQUESTED.store(false, Ordering::SeqCst);
    }

    /// Requests a stop exactly as a first Ctrl-C would, without a signal (for tests, and for
    /// callers that stop a run programmatically).
    pub fn request(&self) {
        REQUESTED.store(true, Ordering::SeqCst);
    }
}

/// Runs on ctrlc's own thread, not in signal context, so printing and exiting are allowed.
fn on_ctrl_c() {
    if REQUESTED.swap(true, Ordering::SeqCst) {
        eprintln!("\ninterrupted again: exiting without a checkpoint");
        std::process::exit(INTERRUPT_EXIT_CODE);
    }
    eprintln!(
        "\ninterrupt: stopping after this step and writing a checkpoint (interrupt again to quit now)"
    );
}
