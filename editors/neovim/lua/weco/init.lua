---@mod weco Weco for Neovim: measured code optimization from the editor.
---@brief [[
--- Public API. Requiring this module does no work; the language server is started by
--- `vim.lsp.enable('weco')` (see `lsp/weco.lua`).
---@brief ]]

local protocol = require('weco.protocol')
local wlsp = require('weco.lsp')

local M = {}

--- Optional: merges `opts` into `vim.g.weco`. It starts nothing.
---@param opts? weco.Opts
function M.setup(opts)
  opts = opts or {}
  local config = require('weco.config')
  local ok, err = config.validate(opts)
  if not ok then
    wlsp.notify('invalid setup options: ' .. tostring(err), vim.log.levels.ERROR)
    return
  end
  local current = type(vim.g.weco) == 'table' and vim.g.weco or {}
  vim.g.weco = vim.tbl_deep_extend('force', current, opts)
  -- The resolved `vim.lsp.config.weco` caches `cmd`; refresh it for the next start.
  vim.lsp.config(protocol.client_name, { cmd = config.server_cmd() })
end

--- Optimizes the function under the cursor (the server asks for mode and workspace).
function M.optimize()
  wlsp.run_at_cursor(protocol.commands.optimize)
end

--- Writes the function under the cursor and its local dependencies into one file to optimize.
function M.consolidate()
  wlsp.run_at_cursor(protocol.commands.consolidate)
end

--- Runs the tests of the current buffer's project under cProfile; lenses then show measured time.
function M.profile()
  local name = vim.api.nvim_buf_get_name(0)
  local target = name ~= '' and name or vim.fn.getcwd()
  wlsp.exec(protocol.commands.profile_tests, { { uri = vim.uri_from_fname(target) } })
end

---@param task_id? string
---@return string?
local function default_task(task_id)
  if task_id and task_id ~= '' then
    return task_id
  end
  local review = require('weco.review').find()
  if review then
    return review.params.taskId
  end
  return require('weco.status').task_ids()[1]
end

--- Stops a run (all runs when no id is given and none is known); the best so far is still offered.
---@param task_id? string
function M.cancel(task_id)
  local arguments = {}
  if task_id and task_id ~= '' then
    arguments = { { taskId = task_id } }
  end
  wlsp.exec(protocol.commands.cancel, arguments)
end

--- Shows a finished task's result again (the server re-sends `weco/showResult`).
---@param task_id? string
function M.result(task_id)
  task_id = default_task(task_id)
  if not task_id then
    return wlsp.notify('no task yet', vim.log.levels.WARN)
  end
  wlsp.exec(protocol.commands.show_result, { { taskId = task_id } })
end

--- Applies every hunk of a result (the one reviewed in this tab, else the latest).
---@param task_id? string
function M.apply(task_id)
  local review = require('weco.review').find(task_id)
  if not review then
    return wlsp.notify('no result to apply', vim.log.levels.WARN)
  end
  require('weco.review').apply(review, nil)
end

--- Discards a result; files stay as they are.
---@param task_id? string
function M.discard(task_id)
  local review = require('weco.review').find(task_id)
  if not review then
    return wlsp.notify('no result to discard', vim.log.levels.WARN)
  end
  require('weco.review').discard(review)
end

--- Opens a task's report.md.
---@param task_id? string
function M.report(task_id)
  task_id = default_task(task_id)
  if not task_id then
    return wlsp.notify('no task yet', vim.log.levels.WARN)
  end
  wlsp.exec(protocol.commands.show_report, { { taskId = task_id } })
end

--- Shows this session's weco events (run states, progress, questions and answers).
function M.log()
  local lines = vim.list_extend({}, require('weco.status').history)
  if #lines == 0 then
    lines = { 'No weco events yet.' }
  end
  table.insert(lines, '')
  table.insert(lines, 'Server log (stderr of weco-lsp): ' .. vim.lsp.log.get_filename())
  vim.cmd('botright new')
  local buf = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].buftype = 'nofile'
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].swapfile = false
  vim.bo[buf].modifiable = false
  pcall(vim.api.nvim_buf_set_name, buf, 'weco://log')
  vim.api.nvim_win_set_cursor(0, { math.max(#lines - 2, 1), 0 })
end

--- A statusline component, e.g. `weco: slow_sum · 3/20 · best 1.84x`; empty when idle.
---@return string
function M.statusline()
  return require('weco.status').statusline()
end

--- Subcommands of `:Weco`: implementation and completion of the optional argument.
---@type table<string, {impl: fun(arg?: string), complete?: fun(): string[]}>
M.subcommands = {
  optimize = { impl = M.optimize },
  consolidate = { impl = M.consolidate },
  profile = { impl = M.profile },
  cancel = {
    impl = M.cancel,
    complete = function()
      return require('weco.status').task_ids()
    end,
  },
  result = {
    impl = M.result,
    complete = function()
      return require('weco.status').task_ids()
    end,
  },
  apply = {
    impl = M.apply,
    complete = function()
      return vim.tbl_keys(require('weco.review').reviews)
    end,
  },
  discard = {
    impl = M.discard,
    complete = function()
      return vim.tbl_keys(require('weco.review').reviews)
    end,
  },
  report = {
    impl = M.report,
    complete = function()
      return require('weco.status').task_ids()
    end,
  },
  log = { impl = M.log },
  keep = {
    impl = function()
      require('weco.inline').resolve('keep')
    end,
  },
  reject = {
    impl = function()
      require('weco.inline').resolve('reject')
    end,
  },
  keepall = {
    impl = function()
      require('weco.inline').resolve('keep', true)
    end,
  },
  rejectall = {
    impl = function()
      require('weco.inline').resolve('reject', true)
    end,
  },
}

--- `:Weco {subcommand} [task]`.
---@param args vim.api.keyset.create_user_command.command_args
function M.command(args)
  local sub, arg = args.fargs[1], args.fargs[2]
  local entry = M.subcommands[sub or '']
  if not entry then
    return wlsp.notify(
      ('unknown subcommand %q; one of: %s'):format(sub or '', table.concat(M.subcommand_names(), ', ')),
      vim.log.levels.ERROR
    )
  end
  entry.impl(arg)
end

---@return string[]
function M.subcommand_names()
  local names = vim.tbl_keys(M.subcommands)
  table.sort(names)
  return names
end

--- Completion for `:Weco`.
---@param arg_lead string
---@param cmdline string
---@return string[]
function M.complete(arg_lead, cmdline)
  local words = vim.split(cmdline:gsub('^%s*%S+%s*', ''), '%s+', { trimempty = false })
  local candidates
  if #words <= 1 then
    candidates = M.subcommand_names()
  else
    local entry = M.subcommands[words[1]]
    candidates = entry and entry.complete and entry.complete() or {}
  end
  return vim.tbl_filter(function(name)
    return vim.startswith(name, arg_lead)
  end, candidates)
end

return M
