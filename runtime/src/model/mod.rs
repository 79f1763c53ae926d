//! Lowering: a checked network becomes named candle variables plus a forward function.

mod forward;
mod init;
mod params;

pub use forward::{forward, vbn_reference, ForwardMode, VbnReference};
pub use init::{draw, ParamRole};
pub use params::ParamSet;
