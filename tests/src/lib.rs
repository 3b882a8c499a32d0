//! Shared helpers for the end-to-end tests: an LSP client that drives the real binary over stdio.
