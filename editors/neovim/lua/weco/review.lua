---@mod weco.review Side-by-side review of an optimization result with per-hunk accept/reject.
---@brief [[
--- `weco/showResult` opens a tab with two scratch buffers in diff mode: the text the
--- result applies to on the left, the proposal on the right. Keys mark the hunk under
--- the cursor accepted or rejected; once every hunk is decided (or on submit) the
--- accepted ids go to the server as `weco.applyResult`, which edits the real buffer
--- through `workspace/applyEdit`. Nothing here edits the user's buffer.
---
--- Neovim 0.11 only version-checks the first file of a workspace edit and reports
--- success even when it skipped it, so we also refuse when the buffer's changedtick
--- moved since the result arrived.
---@brief ]]

local protocol = require('weco.protocol')
local wlsp = require('weco.lsp')

local M = {}

---@class weco.ReviewHunk
---@field id integer
---@field label? string
---@field lines? string the server's "lines 4–7" (1-based, in `original`)
---@field original_span {first: integer, count: integer} 0-based lines in `original`
---@field proposed_span {first: integer, count: integer} 0-based lines in `proposed`

---@class weco.Review
---@field params weco.ShowResultParams
---@field client_id integer
---@field target_buf? integer the user's buffer, when it was loaded at arrival
---@field target_tick? integer its changedtick at arrival
---@field hunks weco.ReviewHunk[]
---@field decisions table<integer, 'accepted'|'rejected'>
---@field tab? integer
---@field original_buf? integer
---@field proposed_buf? integer
---@field closed boolean

--- Results received this session, by task id; a decided result is removed.
---@type table<string, weco.Review>
M.reviews = {}
--- Task id of the most recently received result.
---@type string?
M.latest = nil

local ns = vim.api.nvim_create_namespace('weco.review')

---@param text string
---@return string[]
local function split_lines(text)
  local lines = vim.split(text, '\r?\n')
  if lines[#lines] == '' then
    table.remove(lines)
  end
  return lines
end

--- The hunks' line spans on both sides, in document order, as the server computed them
--- (`oldStart`/`oldLines` in `original`, `newStart`/`newLines` in `proposed`).
---@param hunks weco.ResultHunk[]
---@return weco.ReviewHunk[]
function M.spans(hunks)
  local result = {}
  for _, hunk in ipairs(hunks) do
    table.insert(result, {
      id = hunk.id,
      label = hunk.label,
      lines = hunk.lines,
      original_span = { first = hunk.oldStart, count = hunk.oldLines },
      proposed_span = { first = hunk.newStart, count = hunk.newLines },
    })
  end
  table.sort(result, function(a, b)
    if a.original_span.first ~= b.original_span.first then
      return a.original_span.first < b.original_span.first
    end
    return a.id < b.id
  end)
  return result
end

--- The hunk covering a 0-based line on one side; an empty span (a pure insertion or
--- deletion) covers the line where it sits, because filler lines cannot hold the cursor.
---@param hunks weco.ReviewHunk[]
---@param side 'original_span'|'proposed_span'
---@param line integer
---@return weco.ReviewHunk?
function M.hunk_at(hunks, side, line)
  for _, hunk in ipairs(hunks) do
    local span = hunk[side]
    local last = span.first + math.max(span.count, 1) - 1
    if line >= span.first and line <= last then
      return hunk
    end
  end
  return nil
end

---@param review weco.Review
local function file_name(review)
  return vim.fn.fnamemodify(vim.uri_to_fname(review.params.uri), ':~:.')
end

---@param review weco.Review
---@return integer?
local function current_tick(review)
  if review.target_buf and vim.api.nvim_buf_is_valid(review.target_buf) then
    return vim.api.nvim_buf_get_changedtick(review.target_buf)
  end
  return nil
end

---@param review weco.Review
local function close_tab(review)
  review.closed = true
  if review.tab and vim.api.nvim_tabpage_is_valid(review.tab) then
    local tab_count = #vim.api.nvim_list_tabpages()
    if tab_count > 1 then
      vim.cmd.tabclose(vim.api.nvim_tabpage_get_number(review.tab))
    else
      -- The review is the last tab: leave an empty window rather than quitting.
      vim.cmd.enew()
    end
  end
  for _, buf in ipairs({ review.original_buf, review.proposed_buf }) do
    if buf and vim.api.nvim_buf_is_valid(buf) then
      pcall(vim.api.nvim_buf_delete, buf, { force = true })
    end
  end
  review.tab = nil
end

--- Refuses when the user's buffer changed since the result arrived.
---@param review weco.Review
---@return boolean fresh
local function check_fresh(review)
  local tick = current_tick(review)
  if review.target_tick and tick and tick ~= review.target_tick then
    wlsp.notify(
      (
        '%s changed since the result arrived (changedtick %d -> %d); not applying. '
        .. ':Weco result %s shows the result again.'
      ):format(file_name(review), review.target_tick, tick, review.params.taskId),
      vim.log.levels.ERROR
    )
    return false
  end
  return true
end

--- Sends the accepted hunk ids (all when `ids` is nil) to the server.
---@param review weco.Review
---@param ids? integer[]
---@param on_done? fun(ok: boolean)
function M.apply(review, ids, on_done)
  local function done(ok)
    if on_done then
      on_done(ok)
    end
  end
  if not check_fresh(review) then
    return done(false)
  end
  if ids and #ids == 0 then
    return M.discard(review, on_done)
  end
  ---@type weco.TaskTarget
  local arguments = { taskId = review.params.taskId, hunks = ids }
  local total = #review.hunks
  local applied = ids and #ids or total
  require('weco.status').log(('%s apply %s'):format(review.params.taskId, ids and vim.inspect(ids) or 'all'))
  local sent = wlsp.exec(protocol.commands.apply_result, { arguments }, review.target_buf, function(err)
    if err then
      return done(false)
    end
    M.reviews[review.params.taskId] = nil
    close_tab(review)
    wlsp.notify(('applied %d of %d hunk(s) to %s'):format(applied, total, file_name(review)))
    done(true)
  end)
  if not sent then
    done(false)
  end
end

--- Tells the server to forget the result; files stay as they are.
---@param review weco.Review
---@param on_done? fun(ok: boolean)
function M.discard(review, on_done)
  require('weco.status').log(review.params.taskId .. ' discard')
  local sent = wlsp.exec(
    protocol.commands.discard_result,
    { { taskId = review.params.taskId } },
    review.target_buf,
    function(err)
      if not err then
        M.reviews[review.params.taskId] = nil
        close_tab(review)
        wlsp.notify(('discarded the result for %s'):format(review.params['function'] or review.params.taskId))
      end
      if on_done then
        on_done(not err)
      end
    end
  )
  if not sent and on_done then
    on_done(false)
  end
end

---@param review weco.Review
---@return integer[]
local function accepted_ids(review)
  local ids = {}
  for _, hunk in ipairs(review.hunks) do
    if review.decisions[hunk.id] == 'accepted' then
      table.insert(ids, hunk.id)
    end
  end
  return ids
end

--- Draws each hunk's decision next to its first line on both sides.
---@param review weco.Review
local function render(review)
  local marks = {
    accepted = { 'accepted', 'DiagnosticOk', '✓' },
    rejected = { 'rejected', 'DiagnosticError', '✗' },
    pending = { 'undecided', 'DiagnosticHint', '●' },
  }
  for _, side in ipairs({ { review.original_buf, 'original_span' }, { review.proposed_buf, 'proposed_span' } }) do
    local buf, span_key = side[1], side[2]
    if buf and vim.api.nvim_buf_is_valid(buf) then
      vim.api.nvim_buf_clear_namespace(buf, ns, 0, -1)
      local line_total = vim.api.nvim_buf_line_count(buf)
      for _, hunk in ipairs(review.hunks) do
        local mark = marks[review.decisions[hunk.id] or 'pending']
        local row = math.min(hunk[span_key].first, line_total - 1)
        local text = ('%s hunk %d %s'):format(mark[3], hunk.id, mark[1])
        if hunk.label and hunk.label ~= '' and span_key == 'proposed_span' then
          text = text .. ': ' .. hunk.label
        elseif hunk.lines and hunk.lines ~= '' and span_key == 'original_span' then
          text = text .. ' (' .. hunk.lines .. ')'
        end
        vim.api.nvim_buf_set_extmark(buf, ns, math.max(row, 0), 0, {
          virt_text = { { text, mark[2] } },
          virt_text_pos = 'eol',
          sign_text = mark[3],
          sign_hl_group = mark[2],
        })
      end
    end
  end
end

--- The review shown in the current tab, if any.
---@return weco.Review?
function M.current()
  local tab = vim.api.nvim_get_current_tabpage()
  for _, review in pairs(M.reviews) do
    if review.tab == tab then
      return review
    end
  end
  return nil
end

---@param review weco.Review
---@return weco.ReviewHunk?
local function hunk_under_cursor(review)
  local buf = vim.api.nvim_get_current_buf()
  local side = buf == review.original_buf and 'original_span' or 'proposed_span'
  local line = vim.api.nvim_win_get_cursor(0)[1] - 1
  return M.hunk_at(review.hunks, side, line)
end

---@param review weco.Review
local function jump_to_next_undecided(review)
  local buf = vim.api.nvim_get_current_buf()
  local side = buf == review.original_buf and 'original_span' or 'proposed_span'
  for _, hunk in ipairs(review.hunks) do
    if not review.decisions[hunk.id] then
      local row = math.min(hunk[side].first + 1, vim.api.nvim_buf_line_count(buf))
      vim.api.nvim_win_set_cursor(0, { row, 0 })
      return
    end
  end
end

--- Marks the hunk under the cursor; submits once every hunk is decided.
---@param decision 'accepted'|'rejected'
function M.decide(decision)
  local review = M.current()
  if not review then
    return wlsp.notify('no result is being reviewed in this tab', vim.log.levels.WARN)
  end
  local hunk = hunk_under_cursor(review)
  if not hunk then
    return wlsp.notify('no hunk under the cursor (]c jumps to the next one)', vim.log.levels.WARN)
  end
  review.decisions[hunk.id] = decision
  render(review)
  for _, other in ipairs(review.hunks) do
    if not review.decisions[other.id] then
      jump_to_next_undecided(review)
      return
    end
  end
  M.apply(review, accepted_ids(review))
end

--- Applies the accepted hunks now; undecided ones are left out.
function M.submit()
  local review = M.current()
  if not review then
    return wlsp.notify('no result is being reviewed in this tab', vim.log.levels.WARN)
  end
  M.apply(review, accepted_ids(review))
end

---@param review weco.Review
local function set_keys(review)
  local keys = require('weco.config').get().review_keys or {}
  local actions = {
    accept = {
      function()
        M.decide('accepted')
      end,
      'Weco: accept the hunk under the cursor',
    },
    reject = {
      function()
        M.decide('rejected')
      end,
      'Weco: reject the hunk under the cursor',
    },
    accept_all = {
      function()
        M.apply(review, nil)
      end,
      'Weco: apply every hunk',
    },
    reject_all = {
      function()
        M.discard(review)
      end,
      'Weco: discard the result',
    },
    submit = { M.submit, 'Weco: apply the accepted hunks' },
    close = {
      function()
        close_tab(review)
      end,
      'Weco: close the review (:Weco result reopens it)',
    },
  }
  for _, buf in ipairs({ review.original_buf, review.proposed_buf }) do
    for name, action in pairs(actions) do
      local lhs = keys[name]
      if lhs and lhs ~= '' then
        vim.keymap.set('n', lhs, action[1], { buffer = buf, desc = action[2], nowait = true })
      end
    end
  end
end

---@param name string
---@param lines string[]
---@param filetype string
---@return integer
local function scratch_buffer(name, lines, filetype)
  local buf = vim.api.nvim_create_buf(false, true)
  vim.api.nvim_buf_set_lines(buf, 0, -1, false, lines)
  vim.bo[buf].bufhidden = 'wipe'
  vim.bo[buf].modifiable = false
  vim.bo[buf].filetype = filetype
  -- A second review of the same task may still hold the name while it is being wiped.
  if not pcall(vim.api.nvim_buf_set_name, buf, name) then
    pcall(vim.api.nvim_buf_set_name, buf, name .. '#' .. buf)
  end
  return buf
end

---@param keys table
local function key_hint(keys)
  local parts = {}
  for _, item in ipairs({
    { 'accept', 'accept' },
    { 'reject', 'reject' },
    { 'submit', 'apply accepted' },
    { 'accept_all', 'apply all' },
    { 'reject_all', 'discard' },
    { 'close', 'close' },
  }) do
    if keys[item[1]] and keys[item[1]] ~= '' then
      table.insert(parts, keys[item[1]] .. ' ' .. item[2])
    end
  end
  return table.concat(parts, ' · ')
end

--- Opens the review tab for a received result.
---@param review weco.Review
function M.open(review)
  if review.tab and vim.api.nvim_tabpage_is_valid(review.tab) then
    vim.api.nvim_set_current_tabpage(review.tab)
    return
  end
  local params = review.params
  local fname = vim.uri_to_fname(params.uri)
  local filetype = (
    review.target_buf
    and vim.api.nvim_buf_is_valid(review.target_buf)
    and vim.bo[review.target_buf].filetype
  )
    or vim.filetype.match({ filename = fname })
    or ''
  local base = ('weco://%s/'):format(params.taskId)

  vim.cmd.tabnew()
  review.tab = vim.api.nvim_get_current_tabpage()
  local scratch = vim.api.nvim_get_current_buf()
  review.proposed_buf =
    scratch_buffer(base .. 'proposed/' .. vim.fs.basename(fname), split_lines(params.proposed), filetype)
  local proposed_win = vim.api.nvim_get_current_win()
  vim.api.nvim_win_set_buf(proposed_win, review.proposed_buf)
  if vim.api.nvim_buf_is_valid(scratch) and scratch ~= review.proposed_buf then
    pcall(vim.api.nvim_buf_delete, scratch, { force = true })
  end
  vim.cmd('leftabove vertical new')
  local original_win = vim.api.nvim_get_current_win()
  local empty = vim.api.nvim_get_current_buf()
  review.original_buf =
    scratch_buffer(base .. 'original/' .. vim.fs.basename(fname), split_lines(params.original), filetype)
  vim.api.nvim_win_set_buf(original_win, review.original_buf)
  pcall(vim.api.nvim_buf_delete, empty, { force = true })

  local keys = require('weco.config').get().review_keys or {}
  local summary = params.summary or ''
  vim.wo[original_win].winbar = ('%%#DiffDelete# original %%* %s'):format(vim.fs.basename(fname))
  vim.wo[proposed_win].winbar = ('%%#DiffAdd# proposed %%* %s%%=%s'):format(
    (summary:gsub('%%', '%%%%')),
    key_hint(keys)
  )
  for _, win in ipairs({ original_win, proposed_win }) do
    vim.api.nvim_win_call(win, function()
      vim.cmd.diffthis()
    end)
    vim.wo[win].foldlevel = 99
  end

  set_keys(review)
  render(review)
  vim.api.nvim_create_autocmd('BufWipeout', {
    buffer = review.proposed_buf,
    once = true,
    callback = function()
      review.tab = nil
    end,
  })

  vim.api.nvim_set_current_win(proposed_win)
  jump_to_next_undecided(review)
  if review.target_tick and current_tick(review) ~= review.target_tick then
    wlsp.notify('the file changed after this result arrived; applying will be refused', vim.log.levels.WARN)
  end
end

--- `weco/showResult`: remembers the result and opens the review.
---@param params weco.ShowResultParams
---@param client_id integer
function M.receive(params, client_id)
  local previous = M.reviews[params.taskId]
  if previous then
    close_tab(previous)
  end
  local target_buf = vim.fn.bufnr(vim.uri_to_fname(params.uri))
  if target_buf == -1 or not vim.api.nvim_buf_is_loaded(target_buf) then
    target_buf = nil
  end
  ---@type weco.Review
  local review = {
    params = params,
    client_id = client_id,
    target_buf = target_buf,
    target_tick = target_buf and vim.api.nvim_buf_get_changedtick(target_buf) or nil,
    hunks = M.spans(params.hunks or {}),
    decisions = {},
    closed = false,
  }
  M.reviews[params.taskId] = review
  M.latest = params.taskId
  require('weco.status').log(('%s result: %d hunk(s) %s'):format(params.taskId, #review.hunks, params.summary or ''))
  if target_buf and type(params.version) == 'number' then
    local version = vim.lsp.util.buf_versions[target_buf]
    if version and version ~= params.version then
      wlsp.notify(
        ('the result for %s was computed against version %d, the buffer is at %d'):format(
          file_name(review),
          params.version,
          version
        ),
        vim.log.levels.WARN
      )
    end
  end
  -- Inline in the buffer you edit by default; side by side in a tab when configured, or when the buffer is not open
  -- or no longer holds the text the result was computed against.
  local inline = require('weco.config').get().review ~= 'tab'
    and target_buf
    and require('weco.inline').start(params, client_id, target_buf)
  if not inline then
    M.open(review)
  end
  vim.api.nvim_exec_autocmds('User', { pattern = 'WecoResult', modeline = false, data = { taskId = params.taskId } })
end

--- The review for a task id, else the one in the current tab, else the latest.
---@param task_id? string
---@return weco.Review?
function M.find(task_id)
  if task_id and task_id ~= '' then
    return M.reviews[task_id]
  end
  return M.current() or (M.latest and M.reviews[M.latest])
end

return M
