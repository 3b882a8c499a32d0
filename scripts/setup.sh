#!/usr/bin/env bash
# Installs everything the tests and the main job need, idempotently, from the package registries.
# Safe to run again: each step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
log() { printf '\n== setup: %s\n' "$*"; }

# Rust: the workspace builds with the machine's toolchain; fetch crates once.
log "cargo fetch"
cargo fetch --locked >/dev/null

# The real weco client (0.4.0) for the weco-backend tests, in its own venv.
if [ ! -x .venv-weco/bin/weco ]; then
  log "weco 0.4.0 into .venv-weco"
  python3 -m venv .venv-weco
  .venv-weco/bin/pip install --quiet --disable-pip-version-check weco==0.4.0
fi

# Python tools used by harness tests and benchmarks (pytest for recorded inputs, pyperf for comparison).
if [ ! -x .venv-tools/bin/pytest ]; then
  log "pytest and pyperf into .venv-tools"
  python3 -m venv .venv-tools
  .venv-tools/bin/pip install --quiet --disable-pip-version-check pytest==9.2.0 pyperf==2.10.0
fi
