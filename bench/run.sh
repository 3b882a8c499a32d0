#!/usr/bin/env bash
# Runs the language-server-foundation benchmark: fetches the pinned inputs, builds the server in
# release, and measures in one run (see server/benches/lsp_foundation/main.rs). Prints Markdown
# tables to paste into BENCHMARKS.md. Settings: BENCH_REPS, BENCH_EDITS, BENCH_INDEX_REPS.
set -euo pipefail
cd "$(dirname "$0")/.."
bash bench/fetch.sh
cargo build --release --locked -p weco-lsp --bin weco-lsp
echo "date: $(date -u +%Y-%m-%dT%H:%MZ); commit: $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- server || echo ' (server modified)'); rustc: $(rustc --version)"
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')"
cargo bench --locked -p weco-lsp --bench lsp_foundation
