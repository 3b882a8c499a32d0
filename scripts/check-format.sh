#!/usr/bin/env bash
# Formatting checks, in seconds: Rust (rustfmt), TypeScript (prettier), Lua (StyLua).
# Every check runs even when an earlier one failed; the script fails at the end if any did.
# `scripts/check-format.sh --fix` rewrites the files instead of checking them.
# Installs the formatters first when they are missing (scripts/setup.sh format-tools).
set -uo pipefail
cd "$(dirname "$0")/.."

fix=false
if [ "${1:-}" = --fix ]; then fix=true; fi

failed=()
check() {
  local name=$1
  shift
  printf '== format: %s\n' "$name"
  if "$@"; then
    echo "ok"
  else
    echo "FAILED: $name"
    failed+=("$name")
  fi
}

if ! bash scripts/setup.sh format-tools; then
  failed+=("installing the formatters")
fi

# TypeScript: the extension's sources and unit tests; Lua: the whole Neovim plugin (stylua.toml there).
ts_globs=("src/**/*.ts" "test/**/*.ts")
if $fix; then
  check "Rust (cargo fmt --all)" cargo fmt --all
  check "TypeScript (prettier --write)" bash -c 'cd editors/vscode && node_modules/.bin/prettier --log-level warn --write "$@"' _ "${ts_globs[@]}"
  check "Lua (stylua)" node scripts/stylua.mjs editors/neovim
else
  check "Rust (cargo fmt --all --check)" cargo fmt --all --check
  check "TypeScript (prettier --check)" bash -c 'cd editors/vscode && node_modules/.bin/prettier --check "$@"' _ "${ts_globs[@]}"
  check "Lua (stylua --check)" node scripts/stylua.mjs --check editors/neovim
fi

if [ "${#failed[@]}" -gt 0 ]; then
  printf 'format check failed: %s\n' "$(IFS=';'; echo "${failed[*]}")"
  $fix || echo "fix with: bash scripts/check-format.sh --fix"
  exit 1
fi
echo "format check: all clean"
