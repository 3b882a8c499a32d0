#!/usr/bin/env bash
# Runs every test suite: Rust unit and end-to-end tests (real binary over stdio, real weco client
# against a local fake of Weco's API), the Neovim plugin in headless Neovim, the VS Code extension
# in code-server, the install script on a clean HOME, after the formatting checks. Installs what is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

echo "== formatting (rustfmt, prettier, StyLua)"
bash scripts/check-format.sh

export WECO_BIN="$PWD/.venv-weco/bin/weco"
export PATH="$PWD/.venv-tools/bin:$PATH"

echo "== cargo test (workspace)"
cargo build --locked -p weco-lsp --bin weco-lsp
export WECO_LSP_BIN="$PWD/target/debug/weco-lsp"
cargo test --locked --workspace

echo "== Neovim plugin (headless Neovim 0.11.4, real server)"
bash editors/neovim/tests/run.sh

echo "== VS Code extension: typecheck, unit tests, .vsix"
(cd editors/vscode && npm ci --no-audit --no-fund && npm run typecheck && npm test && npm run package)

echo "== VS Code extension end to end (code-server + Chromium, real server)"
bash editors/vscode/test/e2e/setup.sh
(cd editors/vscode && npm run e2e && npm run e2e:fake)

echo "== install on a clean HOME (install.sh, then code-server and Neovim from there)"
bash scripts/test-install.sh
