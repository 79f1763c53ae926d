pub use ganc_compiler;
pub mod checkpoint;
pub mod data;
pub mod layers;
pub mod optim;
pub mod plot;
pub mod rng;
pub mod rundir;
