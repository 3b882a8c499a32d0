#!/usr/bin/env bash
# Runs the headless Neovim specs: `tests/run.sh [spec ...]` from anywhere.
# Needs `nvim` 0.11+ ($NVIM, else editors/neovim/.venv-nvim or the repo's .venv-nvim, else PATH)
# and, for the specs that drive the server, weco-lsp ($WECO_LSP_BIN, else target/debug/weco-lsp).
set -u
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
plugin="$(dirname "$here")"
repo="$(cd "$plugin/../.." && pwd)"

nvim="${NVIM:-}"
for candidate in "$plugin/.venv-nvim/bin/nvim" "$repo/.venv-nvim/bin/nvim"; do
  if [ -z "$nvim" ] && [ -x "$candidate" ]; then nvim="$candidate"; fi
done
nvim="${nvim:-nvim}"
export WECO_LSP_BIN="${WECO_LSP_BIN:-$repo/target/debug/weco-lsp}"

# Hermetic editor state: no user config, plugins, shada or logs from the machine.
testenv="$(mktemp -d)"
trap 'rm -rf "$testenv"' EXIT
for dir in config data state cache runtime; do mkdir -p "$testenv/$dir"; done
export XDG_CONFIG_HOME="$testenv/config" XDG_DATA_HOME="$testenv/data" XDG_STATE_HOME="$testenv/state"
export XDG_CACHE_HOME="$testenv/cache" XDG_RUNTIME_DIR="$testenv/runtime"

specs=()
if [ "$#" -gt 0 ]; then
  for spec in "$@"; do specs+=("$(cd "$(dirname "$spec")" && pwd)/$(basename "$spec")"); done
else
  specs=("$here"/*_spec.lua)
fi

passed=0
failed=0
for spec in "${specs[@]}"; do
  echo "== $(basename "$spec")"
  output="$(cd "$plugin" && timeout 600 "$nvim" --clean --headless -l "$spec" 2>&1)"
  status=$?
  echo "$output" | grep -v '^RESULT '
  tally="$(echo "$output" | grep '^RESULT ' | tail -1)"
  if [ -n "$tally" ]; then
    p="$(echo "$tally" | awk '{print $2}')"
    f="$(echo "$tally" | awk '{print $4}')"
    passed=$((passed + p))
    failed=$((failed + f))
  fi
  if [ -z "$tally" ] || { [ "$status" -ne 0 ] && [ "${f:-0}" -eq 0 ]; }; then
    echo "FAIL $(basename "$spec") exited with status $status before reporting"
    failed=$((failed + 1))
  fi
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
