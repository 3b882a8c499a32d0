---@mod weco.health `:checkhealth weco`

local M = {}

local health = vim.health

---@param cmd string[]
---@return string? first line of stdout (or stderr), nil when it failed
local function version_of(cmd)
  local ok, result = pcall(function()
    return vim.system(cmd, { text = true, stdin = false }):wait(5000)
  end)
  if not ok or not result or result.code ~= 0 then
    return nil
  end
  local out = vim.trim((result.stdout ~= '' and result.stdout or result.stderr) or '')
  return vim.split(out, '\n')[1]
end

local function check_neovim()
  health.start('weco: Neovim')
  local version = tostring(vim.version())
  if vim.fn.has('nvim-0.11') == 1 then
    health.ok('Neovim ' .. version)
  else
    health.error(
      'Neovim ' .. version .. ' is too old',
      'weco needs Neovim 0.11 or newer (vim.lsp.config, vim.lsp.enable).'
    )
  end
end

local function check_config()
  health.start('weco: configuration')
  local config = require('weco.config')
  local user = vim.g.weco
  if type(user) == 'function' then
    user = user()
  end
  local ok, err = config.validate(user or {})
  if ok then
    health.ok('vim.g.weco is valid')
  else
    health.error('vim.g.weco: ' .. tostring(err), 'See :help weco-configuration')
  end
  if vim.lsp.is_enabled and vim.lsp.is_enabled('weco') then
    health.ok("vim.lsp.enable('weco') was called")
  else
    health.warn('the weco language server is not enabled', "Add vim.lsp.enable('weco') to your config.")
  end
end

local function check_server()
  health.start('weco: language server')
  local cmd = require('weco.config').server_cmd()
  local path = vim.fn.exepath(cmd[1])
  if path == '' then
    health.error(('%s not found'):format(cmd[1]), {
      'Install it from a checkout of weco-lsp with `cargo install --locked --path server` (or `bash scripts/install.sh`),',
      "or set vim.g.weco = { server_path = '/path/to/weco-lsp' }.",
    })
    return
  end
  local version = version_of({ path, '--version' })
  if version then
    health.ok(('%s: %s'):format(path, version))
  else
    health.warn(('%s found, but `%s --version` failed'):format(path, cmd[1]))
  end
  for _, client in ipairs(vim.lsp.get_clients({ name = 'weco' })) do
    health.info(('client %d running, root %s'):format(client.id, client.root_dir or '(none)'))
  end
end

--- Whether a Weco API key is available, without reading or printing it.
---@return string? where it was found
local function weco_login()
  local key = vim.env.WECO_API_KEY
  if key and key ~= '' then
    return 'WECO_API_KEY is set'
  end
  local home = vim.env.HOME or vim.fn.expand('~')
  local credentials = vim.fs.joinpath(home, '.config', 'weco', 'credentials.json')
  if vim.uv.fs_stat(credentials) then
    return 'credentials file ' .. vim.fn.fnamemodify(credentials, ':~')
  end
  return nil
end

local function check_optimizer()
  health.start('weco: optimizer')
  local weco = vim.fn.exepath('weco')
  if weco == '' then
    health.warn('weco CLI not found: the local backend is used', 'Install it with `pipx install weco`.')
  else
    health.ok(('weco CLI: %s %s'):format(weco, version_of({ weco, '--version' }) or ''))
  end
  local login = weco_login()
  if login then
    health.ok('logged in to Weco (' .. login .. ')')
  elseif weco ~= '' then
    health.warn('not logged in to Weco: the local backend is used', 'Run `weco login` or set WECO_API_KEY.')
  else
    health.info('not logged in to Weco')
  end
  local python = vim.fn.exepath('python3')
  if python == '' then
    python = vim.fn.exepath('python')
  end
  if python == '' then
    health.error('no Python interpreter found', 'Python 3 runs the evaluation harness of Python tasks.')
  else
    health.ok(('Python: %s (%s)'):format(python, version_of({ python, '--version' }) or 'version unknown'))
  end
end

function M.check()
  check_neovim()
  check_config()
  check_server()
  check_optimizer()
end

return M
