//! The checked graph: the compiler's output and the runtime's input.
//!
//! Every shape here is concrete except the batch dimension `B`, which is implicit: a
//! [`Shape`] lists the dimensions after the batch axis. Every node carries a span into the
//! source. The runtime trusts these facts and does not re-check them.

mod game;
mod network;
mod op;
mod program;
mod shape;
mod train;

pub use game::*;
pub use network::*;
pub use op::*;
pub use program::*;
pub use shape::*;
pub use train::*;
