//! The local optimization engine: a tree search over candidates proposed by deterministic rewrites or an LLM.

pub mod rewrites;
