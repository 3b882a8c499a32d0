-- End to end with the REAL weco-lsp and its local backend: optimize count_common from the fixture,
-- answer the server's questions through vim.ui.select, review the diff, accept one hunk,
-- then check the buffer and the file on disk. This is the side-by-side review (review = 'tab'); inline_spec.lua the default.
local here = vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2))
local H = dofile(vim.fs.joinpath(here, 'helpers.lua'))
local C = dofile(vim.fs.joinpath(here, 'protocol_check.lua'))
H.load_plugin()
H.capture_notify()
local schema = vim.json.decode(H.read_file(vim.fs.joinpath(vim.fs.dirname(H.plugin_dir), 'protocol.json')))

local RUN_DEADLINE_MS = tonumber(os.getenv('WECO_NVIM_RUN_DEADLINE_MS') or '') or 300000
local COUNT_COMMON_BODY = 10 -- 1-based line inside count_common in tests/fixture/pkg/slow.py

local project = H.fixture_copy()
local slow_py = vim.fs.joinpath(project, 'pkg', 'slow.py')
local original_disk_text = H.read_file(slow_py)
vim.g.weco = { server_path = H.server_bin(), review = 'tab', settings = { backend = 'local', steps = 3 } }
vim.lsp.enable('weco')

-- The answers a user would give, by button title; anything else (a confirmation) gets its first button.
local questions = H.answer_by_title({ 'Vibe Mode', 'Isolated directory (recommended)', 'Review diff' })

local states = {}
local failure
-- What the server sent that editors/protocol.json does not allow (checked on every message of the run).
local payload_problems = {}
vim.api.nvim_create_autocmd('User', {
  pattern = 'WecoRunStatus',
  callback = function(args)
    vim.list_extend(payload_problems, C.value_problems(schema, 'RunStatusParams', args.data))
    states[args.data.state] = require('weco').statusline()
    if args.data.state == 'failed' then
      failure = args.data.message or 'failed'
    end
  end,
})

local function answered(title)
  for _, question in ipairs(questions) do
    if question.answer == title then
      return true
    end
  end
  return false
end

local review = require('weco.review')
local bufnr, result

H.test('a local-backend optimization runs to the end and opens the review', function()
  local client
  bufnr, client = H.open_with_server(slow_py)
  -- Notes when the server answered weco.optimize, to fail fast when nothing follows.
  local answered_at
  local original_request = client.request
  client.request = function(self, method, params, handler, ...)
    if method == 'workspace/executeCommand' and params.command == 'weco.optimize' then
      local inner = handler
      handler = function(...)
        answered_at = vim.uv.now()
        if inner then
          return inner(...)
        end
      end
    end
    return original_request(self, method, params, handler, ...)
  end
  local function session_log()
    return table.concat(require('weco.status').history, '\n')
  end
  vim.api.nvim_win_set_cursor(0, { COUNT_COMMON_BODY, 8 })
  vim.cmd('Weco optimize')
  H.wait_for(RUN_DEADLINE_MS, function()
    if failure then
      error('the run failed: ' .. failure .. '\nweco log:\n' .. session_log(), 0)
    end
    if H.notified('weco.optimize failed') then
      error('the server refused weco.optimize at count_common\nweco log:\n' .. session_log(), 0)
    end
    if answered_at and #questions == 0 and vim.tbl_isempty(states) and vim.uv.now() - answered_at > 30000 then
      error(
        'weco.optimize was answered but no question or run status followed in 30 s\nweco log:\n' .. session_log(),
        0
      )
    end
    return review.current()
  end, 'weco/showResult')
  result = review.current()
  H.truthy(client, 'client')
  H.truthy(answered('Vibe Mode'), 'the mode question was asked: ' .. vim.inspect(questions))
  H.truthy(answered('Isolated directory (recommended)'), 'the workspace question was asked: ' .. vim.inspect(questions))
  H.truthy(answered('Review diff'), 'the after-run question was asked: ' .. vim.inspect(questions))
  H.truthy(
    states.running and states.running:find('count_common', 1, true),
    'statusline while running: ' .. vim.inspect(states)
  )
  H.truthy(#result.hunks >= 1, 'at least one hunk')
  H.eq('count_common', result.params['function'], 'function of the result')
  H.truthy(vim.uv.fs_stat(vim.fs.joinpath(project, '.weco')), '.weco/ was created in the project')
  H.eq(original_disk_text, H.read_file(slow_py), 'the isolated run left the file on disk alone')
end)

if not result then
  H.finish()
end

H.test("the server's weco/runStatus and weco/showResult payloads match editors/protocol.json", function()
  local problems = vim.list_extend({}, payload_problems)
  vim.list_extend(problems, C.value_problems(schema, 'ShowResultParams', result.params))
  H.eq({}, problems, 'payloads against the schema')
  H.truthy(type(result.params.metric.bestText) == 'string', 'a finished run has a best metric text')
end)

H.test('accepting one hunk applies exactly that hunk to the buffer, not to disk until :write', function()
  local first = result.hunks[1]
  local hunk
  for _, h in ipairs(result.params.hunks) do
    if h.id == first.id then
      hunk = h
    end
  end
  -- What the buffer must become: the original with only this hunk's lines replaced.
  local expected = vim.split(result.params.original, '\n', { plain = true })
  if expected[#expected] == '' then
    table.remove(expected)
  end
  local new_lines = vim.split(hunk.newText, '\n', { plain = true })
  if new_lines[#new_lines] == '' then
    table.remove(new_lines)
  end
  local first_line = hunk.range.start.line
  local end_line = hunk.range['end'].line + (hunk.range['end'].character > 0 and 1 or 0)
  for _ = first_line + 1, end_line do
    table.remove(expected, first_line + 1)
  end
  for offset, line in ipairs(new_lines) do
    table.insert(expected, first_line + offset, line)
  end

  local tick = vim.api.nvim_buf_get_changedtick(bufnr)
  vim.api.nvim_set_current_win(vim.fn.bufwinid(result.proposed_buf))
  vim.api.nvim_win_set_cursor(0, { first.proposed_span.first + 1, 0 })
  vim.api.nvim_feedkeys('ga', 'x', false)
  H.eq('accepted', result.decisions[first.id], 'the hunk under the cursor is accepted')
  if review.reviews[result.params.taskId] and not result.closed then
    vim.api.nvim_feedkeys('gs', 'x', false) -- other hunks stay undecided and are left out
  end
  H.wait_for(20000, function()
    return vim.api.nvim_buf_get_changedtick(bufnr) ~= tick and review.reviews[result.params.taskId] == nil
  end, 'the server to apply the hunk through workspace/applyEdit')
  H.truthy(H.notified('applied 1 of %d+ hunk'), 'the plugin says what it applied: ' .. vim.inspect(H.notifications))
  H.eq(expected, vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), 'buffer text')
  H.eq(original_disk_text, H.read_file(slow_py), 'disk before :write')
  vim.api.nvim_buf_call(bufnr, function()
    vim.cmd('silent write')
  end)
  H.eq(table.concat(expected, '\n') .. '\n', H.read_file(slow_py), 'disk after :write')
end)

H.finish()
