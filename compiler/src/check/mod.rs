//! Stage 3: checking. Networks are shape-checked by `network`; inputs, game and schedule by `program`.

pub mod network;
pub mod program;
