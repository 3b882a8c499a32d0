//! Optimizer backends behind one interface: the real `weco` CLI and the local engine emit the same events.

pub mod events;
pub mod local;
pub mod weco;

pub use events::{BestResult, EngineTask, Goal, OptimizerEvent, RunOutcome};
