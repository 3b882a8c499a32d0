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
---@field review_keys? weco.ReviewKeys buffer-local keys of the review tab

---@type weco.Opts
M.defaults = {
  server_path = nil, -- nil: `settings.server.path`, else `weco-lsp` on $PATH
  settings = {}, -- empty: the server's own defaults apply (server/src/config.rs is the source of truth)
  progress = true, -- echo progress in the echo area
  review_keys = {
    accept = 'ga',
    reject = 'gr',
    accept_all = 'gA',
    reject_all = 'gR',
    submit = 'gs',
    close = 'q',
  },
}

--- Server setting keys from docs/lsp-extensions.md, for validation only.
M.known_settings = {
  backend = 'string',
  steps = 'number',
  model = 'string',
  additionalInstructions = 'string',
  evalTimeout = 'number',
  metric = 'string',
  llm = 'table',
  server = 'table',
}

---@param opts table
---@return boolean ok, string? err
function M.validate(opts)
  return pcall(function()
    vim.validate('server_path', opts.server_path, 'string', true)
    vim.validate('settings', opts.settings, 'table', true)
    vim.validate('progress', opts.progress, 'boolean', true)
    vim.validate('review_keys', opts.review_keys, 'table', true)
    for key, value in pairs(opts.settings or {}) do
      local expected = M.known_settings[key]
      if not expected then
        error(('settings.%s: unknown setting'):format(key), 0)
      end
      if value ~= vim.NIL and type(value) ~= expected then
        error(('settings.%s: expected %s, got %s'):format(key, expected, type(value)), 0)
      end
    end
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
