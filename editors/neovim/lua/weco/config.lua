---@mod weco.config Configuration: defaults, user overrides from `vim.g.weco`, validation.
---@brief [[
--- Nothing here starts anything. `require('weco').setup(opts)` only merges `opts`
--- into `vim.g.weco`; the values are read when the server starts.
---@brief ]]

local M = {}

---@class weco.ReviewKeys
---@field accept string accept the hunk under the cursor
---@field reject string reject the hunk under the cursor
---@field accept_all string apply every hunk and close the review
---@field reject_all string discard the whole result and close the review
---@field submit string apply the accepted hunks now (undecided ones are left out)
---@field close string close the review tab; `:Weco result` reopens it

---@class weco.Opts
---@field server_path? string path of the `weco-lsp` binary (default: `weco-lsp` on $PATH)
---@field settings? table server settings, keys as in docs/lsp-extensions.md (sent as init_options and `settings.weco`)
---@field progress? boolean echo `$/progress` messages of the server in the echo area
---@field review? 'inline'|'tab' where a result is reviewed: in the buffer itself (default) or side by side in a tab
---@field codelens? boolean show the server's code lenses (refreshed on enter, leaving insert mode and writing)
---@field review_keys? weco.ReviewKeys buffer-local keys of the review tab

---@type weco.Opts
M.defaults = {
  server_path = nil, -- nil: `settings.server.path`, else `weco-lsp` on $PATH
  settings = {}, -- empty: the server's own defaults apply (server/src/config.rs is the source of truth)
  progress = true, -- echo progress in the echo area
  review = 'inline', -- 'inline': hunks in the buffer you edit, kept or rejected in place; 'tab': side by side
  codelens = true, -- show the lenses ("Optimize with Weco", run progress) without an autocommand of your own
  review_keys = {
    accept = 'ga',
    reject = 'gr',
    accept_all = 'gA',
    reject_all = 'gR',
    submit = 'gs',
    close = 'q',
  },
}

---@class weco.SettingSpec
---@field key string dotted name under `weco.` (`llm.baseUrl`); nested as tables in `settings`
---@field type string|string[] JSON type(s): 'string', 'integer', 'boolean', 'null'
---@field default any the server's default (`vim.NIL` for null)
---@field enum? string[] the allowed values

--- The server's settings, in order: a hand copy of editors/settings.json (generated from
--- server/src/config.rs); editors/neovim/tests/settings_spec.lua fails when the two differ.
---@type weco.SettingSpec[]
M.settings_spec = {
  { key = 'backend', type = 'string', default = 'auto', enum = { 'auto', 'weco', 'local' } },
  { key = 'steps', type = 'integer', default = 20 },
  { key = 'model', type = { 'string', 'null' }, default = vim.NIL },
  { key = 'additionalInstructions', type = { 'string', 'null' }, default = vim.NIL },
  { key = 'evalTimeout', type = 'integer', default = 300 },
  { key = 'metric', type = 'string', default = 'speedup', enum = { 'speedup', 'latency_ms', 'peak_memory_mb' } },
  { key = 'sandbox', type = 'string', default = 'auto', enum = { 'auto', 'network', 'off' } },
  { key = 'mode', type = 'string', default = 'ask', enum = { 'ask', 'vibe', 'scientist' } },
  { key = 'llm.baseUrl', type = { 'string', 'null' }, default = vim.NIL },
  { key = 'llm.model', type = { 'string', 'null' }, default = vim.NIL },
  { key = 'llm.apiKeyEnv', type = 'string', default = 'OPENAI_API_KEY' },
  { key = 'server.path', type = { 'string', 'null' }, default = vim.NIL },
}

--- The JSON type of a Lua value, as settings.json spells types.
---@param value any
---@return string
local function json_type(value)
  if value == vim.NIL then
    return 'null'
  elseif type(value) == 'number' then
    return (value == math.floor(value)) and 'integer' or 'number'
  end
  return type(value)
end

---@param spec weco.SettingSpec
---@param value any
---@return string? err
local function check_setting(spec, value)
  local types = type(spec.type) == 'table' and spec.type or { spec.type }
  local actual = json_type(value)
  if not vim.tbl_contains(types, actual) and not (actual == 'integer' and vim.tbl_contains(types, 'number')) then
    return ('settings.%s: expected %s, got %s'):format(spec.key, table.concat(types, ' or '), actual)
  end
  if spec.enum and value ~= vim.NIL and not vim.tbl_contains(spec.enum, value) then
    return ('settings.%s: expected one of %s, got %q'):format(spec.key, table.concat(spec.enum, ', '), tostring(value))
  end
  return nil
end

--- Checks `settings` (nested at the dots) against `M.settings_spec`; raises on the first bad key.
---@param settings table
---@param prefix? string
local function validate_settings(settings, prefix)
  local specs = {}
  for _, spec in ipairs(M.settings_spec) do
    specs[spec.key] = spec
  end
  for key, value in pairs(settings) do
    local dotted = prefix and (prefix .. '.' .. key) or key
    local spec = specs[dotted]
    local is_group = vim.iter(M.settings_spec):any(function(s)
      return vim.startswith(s.key, dotted .. '.')
    end)
    if spec then
      local err = check_setting(spec, value)
      if err then
        error(err, 0)
      end
    elseif is_group and type(value) == 'table' then
      validate_settings(value, dotted)
    elseif is_group then
      error(('settings.%s: expected table, got %s'):format(dotted, json_type(value)), 0)
    else
      error(('settings.%s: unknown setting'):format(dotted), 0)
    end
  end
end

---@param opts table
---@return boolean ok, string? err
function M.validate(opts)
  return pcall(function()
    vim.validate('server_path', opts.server_path, 'string', true)
    vim.validate('settings', opts.settings, 'table', true)
    vim.validate('progress', opts.progress, 'boolean', true)
    vim.validate('codelens', opts.codelens, 'boolean', true)
    vim.validate('review', opts.review, function(value)
      return value == nil or value == 'inline' or value == 'tab'
    end, "'inline' or 'tab'")
    vim.validate('review_keys', opts.review_keys, 'table', true)
    validate_settings(opts.settings or {})
  end)
end

--- The effective configuration: defaults, then `vim.g.weco`.
---@return weco.Opts
function M.get()
  local user = vim.g.weco
  if type(user) == 'function' then
    user = user()
  end
  return vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), user or {})
end

--- The server command line.
---@return string[]
function M.server_cmd()
  local opts = M.get()
  local settings_path = vim.tbl_get(opts.settings or {}, 'server', 'path')
  local path = opts.server_path or settings_path or 'weco-lsp'
  return { vim.fs.normalize(path) }
end

--- Settings as the server reads them (init_options and `settings.weco`).
---@return table
function M.server_settings()
  return vim.deepcopy(M.get().settings or {})
end

return M
