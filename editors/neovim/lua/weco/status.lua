---@mod weco.status Run state for the statusline, progress in the echo area, and the session log.

local protocol = require('weco.protocol')

local M = {}

---@type table<string, weco.RunStatusParams>
M.tasks = {}
--- Task ids, most recently updated last.
---@type string[]
M.order = {}
--- What `:Weco log` shows: one line per event of this session.
---@type string[]
M.history = {}

local MAX_HISTORY = 2000

---@param line string
function M.log(line)
  table.insert(M.history, os.date('%H:%M:%S ') .. line)
  if #M.history > MAX_HISTORY then
    table.remove(M.history, 1)
  end
end

local function touch(task_id)
  for i, id in ipairs(M.order) do
    if id == task_id then
      table.remove(M.order, i)
      break
    end
  end
  table.insert(M.order, task_id)
end

--- Task ids known to this session, most recent first (for completion and defaults).
---@return string[]
function M.task_ids()
  local ids = {}
  for i = #M.order, 1, -1 do
    table.insert(ids, M.order[i])
  end
  return ids
end

---@param params weco.RunStatusParams
function M.on_run_status(params)
  if type(params) ~= 'table' or type(params.taskId) ~= 'string' then
    return
  end
  local previous = M.tasks[params.taskId]
  M.tasks[params.taskId] = params
  touch(params.taskId)
  if not previous or previous.state ~= params.state or params.message ~= previous.message then
    M.log(('%s [%s] %s'):format(params.taskId, params.state, params.message or ''))
  end
  if params.state == 'failed' and (not previous or previous.state ~= 'failed') then
    vim.notify(
      ('weco: %s failed: %s'):format(params['function'] or params.taskId, params.message or ''),
      vim.log.levels.ERROR
    )
  end
  vim.api.nvim_exec_autocmds('User', { pattern = 'WecoRunStatus', modeline = false, data = params })
  vim.cmd.redrawstatus({ bang = true })
end

--- The server's formatting of the best metric ("3.40x", "12.3 ms"); nil while there is none.
---@param status weco.RunStatusParams
---@return string?
local function format_best(status)
  if type(status.bestText) == 'string' and status.bestText ~= '' then
    return status.bestText
  end
  return nil
end

--- A short statusline component: the most recent task while it runs, and its outcome afterwards.
--- Empty when there is nothing to show. Refresh with `User WecoRunStatus`.
---@return string
function M.statusline()
  local pending = package.loaded['weco.inline'] and require('weco.inline').pending()
  if pending then
    return ('weco: %d hunk%s to review'):format(pending, pending == 1 and '' or 's')
  end
  local task_id = M.order[#M.order]
  local status = task_id and M.tasks[task_id]
  if not status then
    return ''
  end
  local name = status['function'] or status.taskId
  if status.state == 'preparing' then
    return ('weco: %s preparing'):format(name)
  elseif status.state == 'running' then
    local parts = { ('weco: %s'):format(name) }
    if status.step and status.totalSteps then
      table.insert(parts, ('%d/%d'):format(status.step, status.totalSteps))
    end
    local best = format_best(status)
    if best then
      table.insert(parts, 'best ' .. best)
    end
    return table.concat(parts, ' · ')
  elseif status.state == 'finished' then
    local best = format_best(status)
    return ('weco: %s done%s'):format(name, best and (' · ' .. best) or '')
  end
  return ('weco: %s %s'):format(name, status.state)
end

--- `LspProgress` autocmd callback: echoes the weco server's progress.
---@param args {data: {client_id: integer, params: {token: any, value: table}}}
function M.on_progress(args)
  local client = vim.lsp.get_client_by_id(args.data.client_id)
  if not client or client.name ~= protocol.client_name then
    return
  end
  local value = args.data.params.value
  if type(value) ~= 'table' then
    return
  end
  local title = value.title or M.titles[args.data.params.token] or 'weco'
  if value.kind == 'begin' then
    M.titles[args.data.params.token] = title
  elseif value.kind == 'end' then
    M.titles[args.data.params.token] = nil
  end
  local text = title
  if value.message and value.message ~= '' then
    text = text .. ': ' .. value.message
  end
  if value.percentage then
    text = ('%s (%d%%)'):format(text, value.percentage)
  end
  if value.kind == 'end' then
    text = text .. ' (done)'
  end
  M.log('progress ' .. text)
  if require('weco.config').get().progress then
    vim.api.nvim_echo({ { M.one_line('weco: ' .. text:gsub('^weco:%s*', '')) } }, false, {})
  end
  vim.cmd.redrawstatus({ bang = true })
end

--- `text` as one line that fits the echo area: its first line, cut with "…" at the width Neovim can echo
--- without a hit-enter prompt (`v:echospace`). The whole text stays in `:Weco log`.
---@param text string
---@param suffix? string appended when the text had to be cut (" · :Weco log")
---@return string
function M.one_line(text, suffix)
  local first, rest = text:match('^([^\r\n]*)(.*)$')
  local width = math.max(vim.v.echospace - 1, 20)
  local cut = rest:find('%S') ~= nil
  suffix = suffix or ''
  if vim.fn.strdisplaywidth(first) > width or (cut and vim.fn.strdisplaywidth(first .. suffix) > width) then
    local room = width - vim.fn.strdisplaywidth(suffix) - 1
    first = vim.fn.strcharpart(first, 0, math.max(room, 10)) .. '…'
    cut = true
  end
  return cut and (first .. suffix) or first
end

--- Progress titles by token: `report` and `end` values carry no title.
---@type table<any, string>
M.titles = {}

return M
