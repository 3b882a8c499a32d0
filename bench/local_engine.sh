#!/usr/bin/env bash
# Benchmark of the local engine's `rules` proposer over a set of slow Python functions.
# Prints, per function: the verified speedup, the run's wall time, eval time, and orchestration overhead
# (wall time minus eval-command time) per step. Usage: bench/local_engine.sh [--release] [steps]
set -euo pipefail
cd "$(dirname "$0")/.."
profile=()
if [[ "${1:-}" == "--release" ]]; then profile=(--release); shift; fi
exec cargo run -q "${profile[@]}" -p weco-lsp --example local_engine_bench -- "${1:-8}"
