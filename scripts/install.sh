#!/usr/bin/env bash
# Installs weco-lsp on this developer machine, for every editor found:
#   1. the release server, with `cargo install --locked --path server` (into ~/.cargo/bin);
#   2. the VS Code extension with that server inside (scripts/package-vscode.sh), into every VS Code-compatible
#      command line on PATH: code, code-insiders, codium, code-server;
#   3. prints the Neovim snippet (the plugin is editors/neovim of this checkout).
# Idempotent: running it again reinstalls the same build. Says what it did, and what it skipped and why.
# Usage: scripts/install.sh [--no-vscode] [--no-server] [--server-binary PATH]
#   --server-binary installs that weco-lsp build instead of compiling a release (what the install test does).
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server=1
vscode=1
prebuilt=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --no-server) server=0; shift ;;
    --no-vscode) vscode=0; shift ;;
    --server-binary) prebuilt="${2:?--server-binary needs a path}"; shift 2 ;;
    -h | --help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "install: unknown argument $1" >&2; exit 2 ;;
  esac
done
say() { printf 'install: %s\n' "$*"; }

bin_dir="${CARGO_INSTALL_ROOT:-$HOME/.cargo}/bin"
installed="$bin_dir/weco-lsp"
if [ "$server" = 1 ] && [ -n "$prebuilt" ]; then
  mkdir -p "$bin_dir"
  install -m 755 "$prebuilt" "$installed"
  say "server: installed $prebuilt as $installed ($("$installed" --version))"
elif [ "$server" = 1 ]; then
  command -v cargo > /dev/null || { say "cargo is missing: install Rust from https://rustup.rs, then run this again"; exit 2; }
  say "building and installing the server (cargo install --locked --path server)"
  cargo install --locked --path "$repo/server" --root "${CARGO_INSTALL_ROOT:-$HOME/.cargo}" --force --quiet
  say "server: $installed ($("$installed" --version))"
fi
if [ "$server" = 1 ]; then
  case ":$PATH:" in
    *":$(dirname "$installed"):"*) ;;
    *) say "note: $(dirname "$installed") is not on PATH; add it so that editors find weco-lsp" ;;
  esac
fi

if [ "$vscode" = 1 ]; then
  clis=()
  for cli in code code-insiders codium code-server; do
    if command -v "$cli" > /dev/null; then clis+=("$cli"); fi
  done
  if [ "${#clis[@]}" -eq 0 ]; then
    say "no VS Code command line found (code, code-insiders, codium, code-server): skipped the extension"
  elif ! command -v npm > /dev/null; then
    say "npm is missing: skipped the VS Code extension (install Node.js 20 or newer, then run this again)"
  else
    if [ "$server" = 1 ]; then
      vsix="$(bash "$repo/scripts/package-vscode.sh" --binary "$installed" | tail -n 1)"
    else
      vsix="$(bash "$repo/scripts/package-vscode.sh" | tail -n 1)"
    fi
    for cli in "${clis[@]}"; do
      "$cli" --install-extension "$vsix" --force > /dev/null
      say "VS Code extension: installed $(basename "$vsix") into $cli"
    done
  fi
fi

cat << EOF
install: Neovim 0.11+: add to your init.lua (or see editors/neovim/README.md for a lazy.nvim spec):

    vim.opt.runtimepath:append('$repo/editors/neovim')
    vim.lsp.enable('weco')

  then check with :checkhealth weco
EOF
