//! The game at run time: adversarial objectives, extra terms, penalties and the update steps.

pub mod adversarial;
pub mod energy;
pub mod terms;
