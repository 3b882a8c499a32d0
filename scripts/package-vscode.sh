#!/usr/bin/env bash
# Builds the VS Code extension with the weco-lsp server inside, for this machine's platform, as VS Code's
# platform-specific extensions are named: editors/vscode/weco-<target>.vsix (linux-x64, linux-arm64, darwin-arm64,
# darwin-x64). Installing it (`code --install-extension weco-linux-x64.vsix`) is all a user does: the extension
# starts the bundled server without any setting.
#
# Usage: scripts/package-vscode.sh [--profile release|debug] [--binary PATH]
#   release (default) builds `cargo build --release -p weco-lsp --locked`; debug packages target/debug/weco-lsp as
#   it is (what the end-to-end test does, to skip a release build); --binary packages that file. The copy is
#   stripped of debug symbols.
# Prints the path of the .vsix on its last line.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
profile=release
binary=""
while [ "$#" -gt 0 ]; do
  case "$1" in
    --profile) profile="${2:?--profile needs release or debug}"; shift 2 ;;
    --binary) binary="${2:?--binary needs a path}"; profile=given; shift 2 ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "package-vscode: unknown argument $1" >&2; exit 2 ;;
  esac
done
case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) target=linux-x64 ;;
  Linux-aarch64 | Linux-arm64) target=linux-arm64 ;;
  Darwin-arm64) target=darwin-arm64 ;;
  Darwin-x86_64) target=darwin-x64 ;;
  *) echo "package-vscode: no VS Code target for $(uname -s)-$(uname -m)" >&2; exit 2 ;;
esac
case "$profile" in
  release) (cd "$repo" && cargo build --release -p weco-lsp --locked) ;;
  debug | given) ;;
  *) echo "package-vscode: --profile is release or debug, not $profile" >&2; exit 2 ;;
esac
binary="${binary:-$repo/target/$profile/weco-lsp}"
[ -x "$binary" ] || { echo "package-vscode: $binary is missing (cargo build -p weco-lsp)" >&2; exit 2; }

extension="$repo/editors/vscode"
rm -rf "$extension/server"
mkdir -p "$extension/server"
cp "$binary" "$extension/server/weco-lsp"
if command -v strip > /dev/null; then strip --strip-debug "$extension/server/weco-lsp" 2> /dev/null || strip "$extension/server/weco-lsp"; fi
# Read by the extension: a package for another platform says so instead of failing to start.
echo "$target" > "$extension/server/target"
cd "$extension"
[ -d node_modules ] || npm ci --no-audit --no-fund
npm run --silent build
npx --no-install vsce package --no-dependencies --target "$target" --out "weco-$target.vsix" > /dev/null
echo "$extension/weco-$target.vsix"
