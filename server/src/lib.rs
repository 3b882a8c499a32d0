//! weco-lsp: a language server that finds code worth optimizing and drives Weco's measured optimization.

pub mod analysis;
pub mod cli;
pub mod config;
pub mod lsp;
pub mod optimize;
pub mod results;
pub mod engine;
pub mod rules;
pub mod task;
pub mod workspace;
pub mod consolidate;
