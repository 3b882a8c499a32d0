#!/usr/bin/env bash
# Runs every test suite: Rust unit and end-to-end tests (real binary over stdio, real weco client
# against a local fake of Weco's API), the Neovim plugin in headless Neovim, the VS Code extension
# in code-server. Installs what is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export WECO_BIN="$PWD/.venv-weco/bin/weco"
export PATH="$PWD/.venv-tools/bin:$PATH"

echo "== cargo test (workspace)"
cargo build --locked -p weco-lsp --bin weco-lsp
export WECO_LSP_BIN="$PWD/target/debug/weco-lsp"
cargo test --locked --workspace
