#!/usr/bin/env bash
# Runs the evaluation of this task folder (template `rust_evaluate_sh`): appends src/inputs.rs to copies of
# baseline.rs and optimize.rs under gen/, builds the harness crate in release, and runs it.
# The folder is relocatable: everything is found next to this script; only the cargo target folder is shared
# (WECO_CARGO_TARGET_DIR overrides it), so that rebuilds stay incremental wherever the copy runs.
cd "$(dirname "$0")" || exit 2
export CARGO_TARGET_DIR="${WECO_CARGO_TARGET_DIR:-__TARGET_DIR__}"
mkdir -p gen
refresh() { # only rewrite what changed, so an unchanged side does not trigger a rebuild
  cat "$1" src/inputs.rs > "gen/.$2.tmp" || exit 2
  if cmp -s "gen/.$2.tmp" "gen/$2"; then rm -f "gen/.$2.tmp"; else mv "gen/.$2.tmp" "gen/$2"; fi
}
refresh baseline.rs baseline.rs
refresh optimize.rs candidate.rs
build() { cargo build --release --quiet --message-format=short "$@" 2>&1; }
# Offline first: the project's dependencies are normally in the local registry already; online only if needed.
log=$(build --offline); status=$?
if [ $status -ne 0 ] && ! grep -q -e '^error\[' -e 'could not compile' <<<"$log"; then
  log=$(build); status=$?
fi
if [ $status -eq 0 ]; then
  exec "$CARGO_TARGET_DIR/release/weco_harness" "$@"
fi
readable() { sed -e 's#\(src/\.\./\)\{0,1\}gen/candidate\.rs#optimize.rs#g' -e 's#\(src/\.\./\)\{0,1\}gen/baseline\.rs#baseline.rs#g'; }
if cmp -s baseline.rs optimize.rs; then
  echo "The harness does not build with the unchanged baseline (check src/inputs.rs, e.g. make_inputs()):"
  readable <<<"$log" | head -n 40
  exit 2
fi
readable <<<"$log" | head -n 40
first=$(grep -e '^[^ ]*: *error' -e '^error' <<<"$log" | grep -v -e '^error: could not compile' | readable | head -n 3 | tr '\n' ' ')
echo "Constraint violated: the candidate does not compile: ${first:-see the build output above}"
__ON_VIOLATION__
