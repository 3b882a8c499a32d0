-- The inline review end to end with the REAL weco-lsp and its local backend: optimize count_common, answer
-- "Review diff", and decide the hunks in the buffer itself: keep one with `ga`, edit the buffer, reject the other
-- with `gr`. The buffer then holds exactly the kept hunk and the edit; the file on disk changes only on :write.
local here = vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2))
local H = dofile(vim.fs.joinpath(here, 'helpers.lua'))
H.load_plugin()
H.capture_notify()

local RUN_DEADLINE_MS = tonumber(os.getenv('WECO_NVIM_RUN_DEADLINE_MS') or '') or 300000
local COUNT_COMMON_BODY = 10 -- 1-based line inside count_common in tests/fixture/pkg/slow.py

local project = H.fixture_copy()
local slow_py = vim.fs.joinpath(project, 'pkg', 'slow.py')
local original_disk_text = H.read_file(slow_py)
vim.g.weco = { server_path = H.server_bin(), settings = { backend = 'local', steps = 3 } }
vim.lsp.enable('weco')

H.answer_by_title({ 'Vibe Mode', 'Isolated directory (recommended)', 'Review diff' })

local inline = require('weco.inline')
local ns = vim.api.nvim_get_namespaces()['weco.inline']
local bufnr, session

H.test(
  'the result is shown in the buffer itself: the proposal applied, added lines marked, removed lines virtual',
  function()
    bufnr = H.open_with_server(slow_py)
    vim.api.nvim_win_set_cursor(0, { COUNT_COMMON_BODY, 8 })
    vim.cmd('Weco optimize')
    session = H.wait_for(RUN_DEADLINE_MS, function()
      return inline.sessions[bufnr]
    end, 'the inline review')
    ns = vim.api.nvim_get_namespaces()['weco.inline']
    H.truthy(#session.hunks >= 2, 'a result with two hunks: ' .. vim.inspect(session.hunks))
    local text = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n')
    H.truthy(text:find('set(others)', 1, true), 'the proposal is in the buffer: ' .. text)
    local marks = vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, { details = true })
    local added, removed = 0, 0
    for _, mark in ipairs(marks) do
      added = added + (mark[4].line_hl_group == 'DiffAdd' and 1 or 0)
      removed = removed + (mark[4].virt_lines and #mark[4].virt_lines or 0)
    end
    H.truthy(added >= 2 and removed >= 1, ('added lines marked (%d), removed lines shown (%d)'):format(added, removed))
    H.eq('weco: ' .. #session.hunks .. ' hunks to review', require('weco').statusline(), 'statusline')
    H.eq(original_disk_text, H.read_file(slow_py), 'nothing written to disk')
  end
)

if not session then
  H.finish()
end

H.test(
  'ga keeps a hunk, an edit of the user is respected, gr rejects the other; the server forgets the result',
  function()
    local first = session.hunks[1]
    vim.api.nvim_win_set_cursor(0, { first.buf_start, 0 })
    vim.api.nvim_feedkeys('ga', 'x', false)
    H.eq(1, session.kept, 'one hunk kept')
    -- The user edits the buffer between two decisions: the remaining hunks are recomputed, not shifted.
    vim.api.nvim_buf_set_lines(bufnr, 0, 0, false, { '# edited during the review' })
    H.wait_for(5000, function()
      return session.tick == vim.api.nvim_buf_get_changedtick(bufnr)
    end, 'the hunks recomputed after the edit')
    H.truthy(#session.hunks >= 1, 'hunks left to decide')
    while inline.sessions[bufnr] do
      vim.api.nvim_win_set_cursor(0, { math.max(1, session.hunks[1].buf_start), 0 })
      vim.api.nvim_feedkeys('gr', 'x', false)
    end
    local lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false)
    local text = table.concat(lines, '\n')
    H.eq('# edited during the review', lines[1], 'the user edit stays')
    H.truthy(text:find('set(others)', 1, true), 'the kept hunk stays: ' .. text)
    H.truthy(text:find('if item in others:', 1, true), 'the rejected hunk is the original again: ' .. text)
    H.eq({}, vim.api.nvim_buf_get_extmarks(bufnr, ns, 0, -1, {}), 'no marks left')
    H.eq(nil, require('weco.review').reviews[session.task_id], 'the result is resolved')
    H.wait_for(10000, function()
      return H.notified('review done: kept 1 of')
    end, 'the plugin saying what was kept')
    H.eq(original_disk_text, H.read_file(slow_py), 'disk before :write')
    vim.api.nvim_buf_call(bufnr, function()
      vim.cmd('silent write')
    end)
    local check = vim
      .system(
        { 'python3', '-c', 'from pkg.slow import count_common; print(count_common([1, 2, 3, 4], [2, 4, 6]))' },
        { cwd = project, text = true }
      )
      :wait()
    H.eq('2', vim.trim(check.stdout or ''), 'the file still computes the same: ' .. (check.stderr or ''))
    -- `u` takes the decisions back like any edit.
    H.truthy(vim.fn.undotree().seq_last > 0, 'the review is in the undo history')
  end
)

H.finish()
