---@mod weco.inline Inline review of a result in the real buffer
---@brief [[
--- The proposed change is written into the buffer you are editing as one undo step (not saved); added lines are
--- highlighted, removed lines are shown as virtual lines above them, and each hunk is kept or rejected where it is:
--- `ga` keep, `gr` reject, `]w`/`[w` next/previous hunk, `gA` keep all, `gR` reject all, or `:Weco keep|reject|
--- keepall|rejectall`. The model is the baseline plus the buffer (as VS Code's chat edits do): keeping a hunk moves it
--- into the baseline, rejecting it writes the old lines back, and the remaining hunks are recomputed from the two
--- after every action and every edit of yours, never shifted. When no hunk is left the server forgets the result.
---@brief ]]

local M = {}

local ns = vim.api.nvim_create_namespace('weco.inline')

---@class weco.InlineHunk
---@field base_start integer 1-based first line in the baseline (for a pure addition: the line after which)
---@field base_count integer
---@field buf_start integer 1-based first line in the buffer (for a pure removal: the line after which)
---@field buf_count integer

---@class weco.InlineSession
---@field bufnr integer
---@field task_id string
---@field base string[] the baseline: the original with the kept hunks in it
---@field hunks weco.InlineHunk[]
---@field tick integer `b:changedtick` the hunks were computed for
---@field total integer hunks at the start
---@field kept integer
---@field rejected integer
---@field applying boolean? a change of ours is being written (not one of the user's)

---@type table<integer, weco.InlineSession>
M.sessions = {}

---@param text string
---@return string[]
local function split_lines(text)
  local lines = vim.split(text, '\n', { plain = true })
  if lines[#lines] == '' then
    table.remove(lines)
  end
  -- A CRLF file's buffer lines carry no `\r` (`fileformat=dos`).
  for index, line in ipairs(lines) do
    lines[index] = line:gsub('\r$', '')
  end
  return lines
end

---@param lines string[]
---@return string
local function joined(lines)
  return #lines == 0 and '' or (table.concat(lines, '\n') .. '\n')
end

--- The hunks between the baseline and the buffer now.
---@param session weco.InlineSession
---@return weco.InlineHunk[]
local function compute(session)
  local current = vim.api.nvim_buf_get_lines(session.bufnr, 0, -1, false)
  local diff = vim.text and vim.text.diff or vim.diff
  local indices = diff(joined(session.base), joined(current), { result_type = 'indices', algorithm = 'histogram' })
  local hunks = {}
  for _, h in ipairs(indices or {}) do
    table.insert(hunks, { base_start = h[1], base_count = h[2], buf_start = h[3], buf_count = h[4] })
  end
  return hunks
end

local function keys()
  local configured = require('weco.config').get().review_keys or {}
  return {
    keep = configured.accept or 'ga',
    reject = configured.reject or 'gr',
    keep_all = configured.accept_all or 'gA',
    reject_all = configured.reject_all or 'gR',
    next = ']w',
    prev = '[w',
  }
end

--- Draws the hunks: added lines highlighted, removed lines as virtual lines, a hint at each hunk.
---@param session weco.InlineSession
local function render(session)
  local bufnr = session.bufnr
  vim.api.nvim_buf_clear_namespace(bufnr, ns, 0, -1)
  session.hunks = compute(session)
  session.tick = vim.api.nvim_buf_get_changedtick(bufnr)
  local line_count = vim.api.nvim_buf_line_count(bufnr)
  local k = keys()
  local hint = ('weco: %s keep · %s reject · %s/%s next/prev'):format(k.keep, k.reject, k.next, k.prev)
  for _, hunk in ipairs(session.hunks) do
    for line = hunk.buf_start, hunk.buf_start + hunk.buf_count - 1 do
      vim.api.nvim_buf_set_extmark(bufnr, ns, line - 1, 0, { line_hl_group = 'DiffAdd', priority = 200 })
    end
    local removed = {}
    for index = hunk.base_start, hunk.base_start + hunk.base_count - 1 do
      table.insert(removed, { { session.base[index] or '', 'DiffDelete' } })
    end
    -- Removed lines sit above the hunk's first line (below the line before a pure removal).
    local anchor, above = hunk.buf_start - 1, true
    if hunk.buf_count == 0 then
      anchor, above = hunk.buf_start - 1, false
      if anchor < 0 then
        anchor, above = 0, true
      end
    end
    anchor = math.max(0, math.min(anchor, line_count - 1))
    local mark = { virt_text = { { hint, 'Comment' } }, virt_text_pos = 'eol', priority = 200 }
    if #removed > 0 then
      mark.virt_lines = removed
      mark.virt_lines_above = above
    end
    vim.api.nvim_buf_set_extmark(bufnr, ns, anchor, 0, mark)
  end
  vim.b[bufnr].weco_inline_pending = #session.hunks
  vim.cmd.redrawstatus({ bang = true })
end

--- The hunk under the cursor, if any.
---@param session weco.InlineSession
---@return weco.InlineHunk?
local function hunk_at_cursor(session)
  local line = vim.api.nvim_win_get_cursor(0)[1]
  for _, hunk in ipairs(session.hunks) do
    -- A pure removal sits between its line and the next one: either counts.
    local first = hunk.buf_start
    local last = hunk.buf_count == 0 and hunk.buf_start + 1 or hunk.buf_start + hunk.buf_count - 1
    if line >= first and line <= last then
      return hunk
    end
  end
  return nil
end

local function notify(text, level)
  require('weco.lsp').notify(text, level)
end

---@param session weco.InlineSession
local function finish(session)
  M.sessions[session.bufnr] = nil
  vim.api.nvim_buf_clear_namespace(session.bufnr, ns, 0, -1)
  vim.b[session.bufnr].weco_inline_pending = nil
  local k = keys()
  for _, lhs in pairs(k) do
    pcall(vim.keymap.del, 'n', lhs, { buffer = session.bufnr })
  end
  require('weco.status').log(
    ('%s inline review done: kept %d, rejected %d'):format(session.task_id, session.kept, session.rejected)
  )
  -- The decisions are in the buffer now: the server forgets its copy of the result (the files stay as they are).
  local protocol = require('weco.protocol')
  local done = ('review done: kept %d of %d hunk(s) in %s; not saved yet (:write)'):format(
    session.kept,
    session.total,
    vim.fn.fnamemodify(vim.api.nvim_buf_get_name(session.bufnr), ':~:.')
  )
  require('weco.review').reviews[session.task_id] = nil
  local sent = require('weco.lsp').exec(
    protocol.commands.discard_result,
    { { taskId = session.task_id } },
    session.bufnr,
    function()
      -- Said after the server's own closing message, so it is the one left on screen.
      vim.schedule(function()
        notify(done)
      end)
    end
  )
  if not sent then
    notify(done)
  end
  vim.api.nvim_exec_autocmds(
    'User',
    { pattern = 'WecoReviewDone', modeline = false, data = { taskId = session.task_id } }
  )
end

--- Refuses an action rendered for another version of the buffer: the hunks are recomputed and shown again.
---@param session weco.InlineSession
---@return boolean fresh
local function check_tick(session)
  if vim.api.nvim_buf_get_changedtick(session.bufnr) ~= session.tick then
    render(session)
    notify('the buffer changed since the hunks were shown; they are recomputed: try again', vim.log.levels.WARN)
    return false
  end
  return true
end

--- Whether the 0-based half-open line ranges `[a1, a2)` and `[b1, b2)` overlap; an empty range (an insertion point,
--- a pure removal) overlaps a range that holds it strictly inside, so an edit on the line next to a hunk is not in it.
---@return boolean
local function overlaps(a1, a2, b1, b2)
  if a1 == a2 then
    return b1 < a1 and a1 < b2
  elseif b1 == b2 then
    return a1 < b1 and b1 < a2
  end
  return a1 < b2 and b1 < a2
end

--- A change of yours outside every hunk goes into the baseline too, so it is never taken for part of the proposal
--- (and never undone by a reject); a change inside a hunk becomes part of that hunk. `first`, `last`: the 0-based
--- lines `[first, last)` the change replaced (in the buffer as the hunks were computed), `new_last`: its new end.
---@param session weco.InlineSession
---@param first integer
---@param last integer
---@param new_last integer
local function follow_edit(session, first, last, new_last)
  local offset = 0
  for _, hunk in ipairs(session.hunks) do
    local start = hunk.buf_count > 0 and hunk.buf_start - 1 or hunk.buf_start
    local stop = start + hunk.buf_count
    if overlaps(first, last, start, stop) then
      return -- inside this hunk: it is decided with it
    end
    if stop <= first then
      offset = offset + hunk.base_count - hunk.buf_count
    end
  end
  local replacement = vim.api.nvim_buf_get_lines(session.bufnr, first, new_last, false)
  for _ = first + 1, last do
    table.remove(session.base, first + offset + 1)
  end
  for index, line in ipairs(replacement) do
    table.insert(session.base, first + offset + index, line)
  end
end

---@param session weco.InlineSession
---@param hunk weco.InlineHunk
local function keep(session, hunk)
  local current =
    vim.api.nvim_buf_get_lines(session.bufnr, hunk.buf_start - 1, hunk.buf_start - 1 + hunk.buf_count, false)
  -- In the baseline, replace the hunk's old lines with the buffer's lines.
  local first = hunk.base_count == 0 and hunk.base_start or hunk.base_start - 1
  for _ = 1, hunk.base_count do
    table.remove(session.base, first + 1)
  end
  for offset, line in ipairs(current) do
    table.insert(session.base, first + offset, line)
  end
  session.kept = session.kept + 1
end

---@param session weco.InlineSession
---@param hunk weco.InlineHunk
local function reject(session, hunk)
  local old = {}
  for index = hunk.base_start, hunk.base_start + hunk.base_count - 1 do
    table.insert(old, session.base[index])
  end
  local first = hunk.buf_count == 0 and hunk.buf_start or hunk.buf_start - 1
  session.applying = true
  vim.api.nvim_buf_set_lines(session.bufnr, first, first + hunk.buf_count, false, old)
  session.applying = false
  session.rejected = session.rejected + 1
end

---@param action 'keep'|'reject'
---@param all? boolean every remaining hunk
function M.resolve(action, all)
  local session = M.sessions[vim.api.nvim_get_current_buf()]
  if not session then
    return notify('no inline review in this buffer', vim.log.levels.WARN)
  end
  if not check_tick(session) then
    return
  end
  local targets = all and vim.deepcopy(session.hunks) or { hunk_at_cursor(session) }
  if #targets == 0 then
    return notify('no hunk under the cursor (]w goes to the next one)', vim.log.levels.INFO)
  end
  -- Bottom-up, so that each hunk's line numbers hold while the ones below it change.
  table.sort(targets, function(a, b)
    return a.buf_start > b.buf_start
  end)
  for _, hunk in ipairs(targets) do
    if action == 'keep' then
      keep(session, hunk)
    else
      reject(session, hunk)
    end
  end
  render(session)
  if #session.hunks == 0 then
    finish(session)
  end
end

---@param direction 1|-1
function M.jump(direction)
  local session = M.sessions[vim.api.nvim_get_current_buf()]
  if not session or #session.hunks == 0 then
    return
  end
  local line = vim.api.nvim_win_get_cursor(0)[1]
  local starts = vim.tbl_map(function(h)
    return math.max(1, h.buf_start)
  end, session.hunks)
  local target
  if direction > 0 then
    for _, start in ipairs(starts) do
      if start > line then
        target = start
        break
      end
    end
    target = target or starts[1]
  else
    for index = #starts, 1, -1 do
      if starts[index] < line then
        target = starts[index]
        break
      end
    end
    target = target or starts[#starts]
  end
  vim.api.nvim_win_set_cursor(0, { math.min(target, vim.api.nvim_buf_line_count(0)), 0 })
end

---@param session weco.InlineSession
local function set_keys(session)
  local k = keys()
  local maps = {
    [k.keep] = {
      function()
        M.resolve('keep')
      end,
      'Weco: keep the hunk under the cursor',
    },
    [k.reject] = {
      function()
        M.resolve('reject')
      end,
      'Weco: reject the hunk under the cursor',
    },
    [k.keep_all] = {
      function()
        M.resolve('keep', true)
      end,
      'Weco: keep every remaining hunk',
    },
    [k.reject_all] = {
      function()
        M.resolve('reject', true)
      end,
      'Weco: reject every remaining hunk',
    },
    [k.next] = {
      function()
        M.jump(1)
      end,
      'Weco: next hunk',
    },
    [k.prev] = {
      function()
        M.jump(-1)
      end,
      'Weco: previous hunk',
    },
  }
  for lhs, map in pairs(maps) do
    if lhs ~= '' then
      vim.keymap.set('n', lhs, map[1], { buffer = session.bufnr, desc = map[2], nowait = true })
    end
  end
end

--- Starts the inline review of `params` in `bufnr`, when the buffer still holds the text the result was computed
--- against. Returns false (and says why) otherwise, so the caller can open the side-by-side review instead.
---@param params weco.ShowResultParams
---@param client_id integer
---@param bufnr integer
---@return boolean started
function M.start(params, client_id, bufnr)
  local current = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
  local original = split_lines(params.original)
  if not vim.deep_equal(current, original) then
    notify('the buffer changed during the run: the result opens side by side instead of inline', vim.log.levels.WARN)
    return false
  end
  if M.sessions[bufnr] then
    finish(M.sessions[bufnr])
  end
  ---@type weco.InlineSession
  local session = {
    bufnr = bufnr,
    task_id = params.taskId,
    base = original,
    hunks = {},
    tick = 0,
    total = 0,
    kept = 0,
    rejected = 0,
  }
  M.sessions[bufnr] = session
  -- The whole proposal as one undo step; `u` takes it back like any edit.
  vim.api.nvim_buf_set_lines(bufnr, 0, -1, false, split_lines(params.proposed))
  render(session)
  session.total = #session.hunks
  set_keys(session)
  vim.api.nvim_buf_attach(bufnr, false, {
    on_lines = function(_, _, _, first, last, new_last)
      if M.sessions[bufnr] ~= session then
        return true
      end
      if not session.applying then
        follow_edit(session, first, last, new_last)
        -- One command can make several changes (`:g`, a macro, undo): the next one is mapped with hunks
        -- computed after this one, not the ones drawn before the command.
        session.hunks = compute(session)
      end
      -- Your edits between actions: the hunks are recomputed once the change is done.
      vim.schedule(function()
        if M.sessions[bufnr] == session and vim.api.nvim_buf_get_changedtick(bufnr) ~= session.tick then
          render(session)
          if #session.hunks == 0 then
            finish(session)
          end
        end
      end)
    end,
  })
  local window = vim.fn.bufwinid(bufnr)
  if window ~= -1 and session.hunks[1] then
    vim.api.nvim_win_set_cursor(window, { math.max(1, session.hunks[1].buf_start), 0 })
  end
  -- After a redraw: the question's list still fills the command line, and a message now would ask for Enter.
  local message = ('%d hunk(s) of %s in the buffer: %s keep · %s reject · %s/%s all'):format(
    session.total,
    params['function'] or params.taskId,
    keys().keep,
    keys().reject,
    keys().keep_all,
    keys().reject_all
  )
  vim.schedule(function()
    vim.cmd.redraw()
    notify(require('weco.status').one_line(message))
  end)
  return true
end

--- Hunks still to decide in `bufnr` (for statuslines), or nil without a review.
---@param bufnr? integer
---@return integer?
function M.pending(bufnr)
  local session = M.sessions[bufnr or vim.api.nvim_get_current_buf()]
  return session and #session.hunks or nil
end

return M
