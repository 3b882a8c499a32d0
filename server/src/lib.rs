//! weco-lsp: a language server that finds code worth optimizing and drives Weco's measured optimization.

pub mod analysis;
pub mod child;
pub mod cli;
pub mod config;
pub mod consolidate;
pub mod engine;
pub mod fsio;
pub mod lsp;
pub mod optimize;
pub mod profile;
pub mod redact;
pub mod results;
pub mod rules;
pub mod sandbox;
pub mod task;
pub mod workspace;
