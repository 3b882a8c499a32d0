//! The `weco` CLI backend: spawning `weco run`, parsing its plain output, stopping and resuming runs.
