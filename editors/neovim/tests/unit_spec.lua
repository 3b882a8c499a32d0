-- Plugin logic that needs no server: hunk mapping, config, completion, statusline, prompts, the review tab.
local H = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'helpers.lua'))
H.load_plugin()
H.capture_notify()

local review = require('weco.review')

local function range(l1, c1, l2, c2)
  return { start = { line = l1, character = c1 }, ['end'] = { line = l2, character = c2 } }
end

--- A hunk as the server sends it: `range` in `original`, and the line fields the review uses.
local function hunk(id, old_start, old_lines, new_start, new_lines, lines, old_text, new_text)
  return {
    id = id,
    range = range(old_start, 0, old_start + old_lines, 0),
    oldText = old_text or '',
    newText = new_text or '',
    label = '',
    oldStart = old_start,
    oldLines = old_lines,
    newStart = new_start,
    newLines = new_lines,
    lines = lines,
  }
end

H.test("hunk spans are the server's line fields on both sides, in document order", function()
  local spans = review.spans({
    -- Replaces lines 5..6 (2 lines) by 1 line, listed first to check sorting.
    hunk(1, 5, 2, 8, 1, 'lines 6–7', 'a\nb\n', 'c\n'),
    -- Inserts 3 lines before line 1.
    hunk(0, 1, 0, 1, 3, 'line 2', '', 'x\ny\nz\n'),
    -- Deletes line 10.
    hunk(2, 10, 1, 12, 0, 'line 11', 'gone\n', ''),
  })
  H.eq(
    { 0, 1, 2 },
    vim.tbl_map(function(h)
      return h.id
    end, spans),
    'order'
  )
  H.eq({ first = 1, count = 0 }, spans[1].original_span, 'insertion, original side')
  H.eq({ first = 1, count = 3 }, spans[1].proposed_span, 'insertion, proposed side')
  H.eq({ first = 5, count = 2 }, spans[2].original_span, 'replacement, original side')
  H.eq({ first = 8, count = 1 }, spans[2].proposed_span, 'replacement, proposed side')
  H.eq({ first = 10, count = 1 }, spans[3].original_span, 'deletion, original side')
  H.eq({ first = 12, count = 0 }, spans[3].proposed_span, 'deletion, proposed side')
  H.eq('lines 6–7', spans[2].lines, "the server's line label is kept")
end)

H.test('the spans are not recomputed from the texts: the server fields win', function()
  -- newText has 2 lines, but the server says the proposed side spans 5 lines from line 40.
  local spans = review.spans({ hunk(0, 3, 1, 40, 5, 'line 4', 'a\n', 'b\nc\n') })
  H.eq({ first = 40, count = 5 }, spans[1].proposed_span, 'proposed side')
end)

H.test('the cursor line maps to the hunk covering it, empty spans included', function()
  local spans = review.spans({
    hunk(0, 1, 0, 1, 2, 'line 2', '', 'x\ny\n'),
    hunk(1, 5, 2, 7, 1, 'lines 6–7', 'a\nb\n', 'c\n'),
  })
  H.eq(nil, review.hunk_at(spans, 'proposed_span', 0), 'line before any hunk')
  H.eq(0, review.hunk_at(spans, 'proposed_span', 2).id, 'inside the insertion')
  H.eq(0, review.hunk_at(spans, 'original_span', 1).id, 'the line where the insertion sits')
  H.eq(1, review.hunk_at(spans, 'proposed_span', 7).id, 'replacement on the proposed side')
  H.eq(nil, review.hunk_at(spans, 'proposed_span', 8), 'after the replacement')
  H.eq(1, review.hunk_at(spans, 'original_span', 6).id, 'replacement on the original side')
end)

H.test('config validation names the bad key', function()
  local config = require('weco.config')
  H.truthy(config.validate({ settings = { backend = 'local', steps = 3, llm = { model = 'x' } } }), 'valid settings')
  local ok, err = config.validate({ settings = { steps = 'many' } })
  H.eq(false, ok, 'wrong type')
  H.truthy(tostring(err):find('settings.steps', 1, true), 'message names settings.steps: ' .. tostring(err))
  ok, err = config.validate({ settings = { backnd = 'local' } })
  H.eq(false, ok, 'typo')
  H.truthy(tostring(err):find('unknown setting', 1, true), 'message says unknown: ' .. tostring(err))
end)

H.test('settings reach initializationOptions and settings.weco', function()
  vim.g.weco = { settings = { backend = 'local', steps = 3 } }
  local params = {}
  local client_config = { settings = { weco = vim.empty_dict() } }
  local settings_table = client_config.settings
  require('weco.lsp').before_init(params, client_config)
  H.eq({ backend = 'local', steps = 3 }, params.initializationOptions, 'init options')
  H.eq({ backend = 'local', steps = 3 }, client_config.settings.weco, 'settings.weco')
  H.truthy(rawequal(settings_table, client_config.settings), 'the client keeps the same settings table')
  H.eq(
    { weco = { backend = 'local', steps = 3 } },
    vim.json.decode(vim.json.encode(client_config.settings)),
    'JSON round trip'
  )
  vim.g.weco = nil
  params, client_config = {}, { settings = {} }
  require('weco.lsp').before_init(params, client_config)
  H.eq('{}', vim.json.encode(params.initializationOptions), 'empty settings are an object, not an array')
end)

H.test('server command comes from server_path, then settings.server.path, then PATH', function()
  local config = require('weco.config')
  vim.g.weco = nil
  H.eq({ 'weco-lsp' }, config.server_cmd(), 'default')
  vim.g.weco = { settings = { server = { path = '/opt/a/weco-lsp' } } }
  H.eq({ '/opt/a/weco-lsp' }, config.server_cmd(), 'settings.server.path')
  vim.g.weco = { server_path = '/opt/b/weco-lsp', settings = { server = { path = '/opt/a/weco-lsp' } } }
  H.eq({ '/opt/b/weco-lsp' }, config.server_cmd(), 'server_path wins')
  vim.g.weco = nil
  local lsp_config = vim.lsp.config.weco
  H.eq({ 'python', 'rust' }, lsp_config.filetypes, 'filetypes of lsp/weco.lua')
  H.truthy(vim.tbl_contains(lsp_config.root_markers[1], 'pyproject.toml'), 'pyproject.toml is a root marker')
  -- A stray .weco in an ancestor folder does not win over the project's own marker.
  local outer = vim.fn.tempname()
  vim.fn.mkdir(outer .. '/.weco', 'p')
  vim.fn.mkdir(outer .. '/proj', 'p')
  vim.fn.writefile({ '[project]' }, outer .. '/proj/pyproject.toml')
  vim.fn.writefile({ 'x = 1' }, outer .. '/proj/a.py')
  H.eq(
    outer .. '/proj',
    vim.fs.root(outer .. '/proj/a.py', lsp_config.root_markers),
    'the project marker wins over an ancestor .weco'
  )
  vim.fn.delete(outer, 'rf')
  H.truthy(lsp_config.handlers['weco/showResult'], 'showResult handler installed')
end)

H.test(':Weco completes subcommands and task ids', function()
  local weco = require('weco')
  H.eq({ 'cancel', 'consolidate' }, vim.fn.getcompletion('Weco c', 'cmdline'), 'subcommands starting with c')
  require('weco.status').on_run_status({
    taskId = 'count_common',
    uri = 'file:///x.py',
    ['function'] = 'count_common',
    state = 'running',
  })
  H.eq({ 'count_common' }, weco.complete('', 'Weco cancel '), 'task ids for cancel')
  H.eq(13, #weco.complete('', 'Weco '), 'all subcommands')
  H.eq({ 'keep', 'keepall' }, vim.fn.getcompletion('Weco kee', 'cmdline'), 'the inline review commands')
  vim.cmd('Weco frobnicate')
  H.truthy(H.notified('unknown subcommand "frobnicate"'), 'unknown subcommand is reported')
end)

H.test('statusline shows step, total and best while running, and the outcome after', function()
  local status = require('weco.status')
  local events = 0
  vim.api.nvim_create_autocmd('User', {
    pattern = 'WecoRunStatus',
    callback = function()
      events = events + 1
    end,
  })
  status.on_run_status({ taskId = 'slow', uri = 'file:///x.py', ['function'] = 'slow', state = 'preparing' })
  H.eq('weco: slow preparing', require('weco').statusline(), 'preparing')
  status.on_run_status({
    taskId = 'slow',
    uri = 'file:///x.py',
    ['function'] = 'slow',
    state = 'running',
    step = 3,
    totalSteps = 20,
    metricName = 'speedup',
    best = 1.84,
    bestText = '1.84x',
  })
  H.eq('weco: slow · 3/20 · best 1.84x', require('weco').statusline(), 'running')
  status.on_run_status({
    taskId = 'slow',
    uri = 'file:///x.py',
    ['function'] = 'slow',
    state = 'running',
    step = 4,
    totalSteps = 20,
    metricName = 'latency_ms',
    best = 12.34,
    bestText = vim.NIL,
  })
  H.eq('weco: slow · 4/20', require('weco').statusline(), 'no best text from the server: no best shown')
  status.on_run_status({
    taskId = 'slow',
    uri = 'file:///x.py',
    ['function'] = 'slow',
    state = 'finished',
    step = 20,
    totalSteps = 20,
    metricName = 'speedup',
    best = 3.4,
    bestText = '3.40x',
  })
  H.eq('weco: slow done · 3.40x', require('weco').statusline(), 'finished')
  H.eq(4, events, 'User WecoRunStatus fired per notification')
  status.on_run_status({ taskId = 'slow', uri = 'file:///x.py', state = 'failed', message = 'baseline crashed' })
  H.truthy(H.notified('baseline crashed'), 'a failure is notified')
end)

H.test('server messages are shown as one line that fits the echo area; the whole text is in the log', function()
  local baseline = 'weco · baseline of `count_known`: speedup = 1.0000. The function takes 4.3 ms per call '
    .. '(timing noise 0.2%). What that costs depends on how often it runs.\nOne evaluation takes 2.4 s; 20 steps need '
    .. 'at least 49.8 s.\nEvaluations run in a sandbox.'
  local before = #H.notifications
  require('weco.lsp').handlers['window/showMessage'](
    nil,
    { type = 3, message = baseline },
    { client_id = 0, method = 'window/showMessage' }
  )
  local shown = H.notifications[before + 1]
  H.truthy(shown, 'a notification')
  H.truthy(not shown.msg:find('\n'), 'one line: ' .. shown.msg)
  H.truthy(vim.fn.strdisplaywidth(shown.msg) < vim.v.echospace, 'fits the echo area: ' .. shown.msg)
  H.truthy(vim.startswith(shown.msg, 'weco · baseline of `count_known`'), 'the start of the message: ' .. shown.msg)
  H.truthy(shown.msg:find(':Weco log', 1, true), 'says where the rest is: ' .. shown.msg)
  local status = require('weco.status')
  H.eq('weco: done', status.one_line('weco: done'), 'a short message is left as it is')
  H.truthy(
    vim.iter(status.history):any(function(line)
      return line:find('Evaluations run in a sandbox', 1, true) ~= nil
    end),
    'the whole message is in :Weco log'
  )
end)

H.test('server questions go through vim.ui.select with the server message', function()
  local handler = require('weco.lsp').handlers['window/showMessageRequest']
  local seen
  local original_select = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    seen = { prompt = opts.prompt, titles = vim.tbl_map(opts.format_item, items) }
    on_choice(items[2])
  end
  local answer
  coroutine.wrap(function()
    answer = handler(nil, {
      type = 3,
      message = 'Which mode?',
      actions = { { title = 'Vibe Mode' }, { title = 'Assistant Scientist Mode' } },
    }, {})
  end)()
  H.wait_for(2000, function()
    return answer
  end, 'the handler to resume')
  vim.ui.select = original_select
  H.eq('Weco: Which mode?', seen.prompt, 'prompt')
  H.eq({ 'Vibe Mode', 'Assistant Scientist Mode' }, seen.titles, 'choices')
  H.eq({ title = 'Assistant Scientist Mode' }, answer, 'answer sent back')
end)

local function synthetic_result(path)
  local original = table.concat({
    'def f(xs, ys):',
    '    n = 0',
    '    for x in xs:',
    '        if x in ys:',
    '            n += 1',
    '    return n',
    '',
  }, '\n')
  local proposed = table.concat({
    'def f(xs, ys):',
    '    n = 0',
    '    wanted = set(ys)',
    '    for x in xs:',
    '        if x in wanted:',
    '            n += 1',
    '    return n',
    '',
  }, '\n')
  return {
    taskId = 'f',
    uri = vim.uri_from_fname(path),
    version = vim.NIL,
    ['function'] = 'f',
    original = original,
    proposed = proposed,
    summary = '3.4x faster',
    metric = { name = 'speedup', goal = 'max', baseline = 1, best = 3.4, baselineText = '1.00x', bestText = '3.40x' },
    reportUri = vim.NIL,
    hunks = {
      {
        id = 0,
        range = range(2, 0, 2, 0),
        oldText = '',
        newText = '    wanted = set(ys)\n',
        label = 'hoist set',
        oldStart = 2,
        oldLines = 0,
        newStart = 2,
        newLines = 1,
        lines = 'line 3',
      },
      {
        id = 1,
        range = range(3, 0, 4, 0),
        oldText = '        if x in ys:\n',
        newText = '        if x in wanted:\n',
        label = 'use set',
        oldStart = 3,
        oldLines = 1,
        newStart = 4,
        newLines = 1,
        lines = 'line 4',
      },
    },
  }
end

H.test("with review = 'tab' a result opens a diff tab; keys mark hunks; a changed buffer is refused", function()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local path = vim.fs.joinpath(dir, 'f.py')
  local params = synthetic_result(path)
  vim.fn.writefile(vim.split(params.original, '\n', { trimempty = true }), path)
  vim.cmd.edit(path)
  local target = vim.api.nvim_get_current_buf()
  local tabs_before = #vim.api.nvim_list_tabpages()

  vim.g.weco = vim.tbl_extend('force', vim.g.weco or {}, { review = 'tab' })
  review.receive(params, 0)
  vim.g.weco = vim.tbl_extend('force', vim.g.weco, { review = 'inline' })
  H.eq(tabs_before + 1, #vim.api.nvim_list_tabpages(), 'a new tab')
  local wins = vim.api.nvim_tabpage_list_wins(0)
  H.eq(2, #wins, 'two windows')
  for _, win in ipairs(wins) do
    H.eq(true, vim.wo[win].diff, 'diff mode in window ' .. win)
  end
  local current = review.current()
  H.eq(current.proposed_buf, vim.api.nvim_get_current_buf(), 'cursor starts in the proposed buffer')
  H.eq('python', vim.bo[current.proposed_buf].filetype, 'filetype of the scratch buffers')
  H.eq(
    vim.split(params.original, '\n', { trimempty = true }),
    vim.api.nvim_buf_get_lines(current.original_buf, 0, -1, false),
    'original side'
  )
  H.eq('    wanted = set(ys)', vim.api.nvim_buf_get_lines(current.proposed_buf, 2, 3, false)[1], 'proposed side')
  H.eq(3, vim.api.nvim_win_get_cursor(0)[1], 'cursor on the first hunk')

  vim.api.nvim_feedkeys('ga', 'x', false)
  H.eq('accepted', current.decisions[0], 'ga accepts the hunk under the cursor')
  H.eq(5, vim.api.nvim_win_get_cursor(0)[1], 'cursor moves to the next undecided hunk')
  H.eq(nil, current.decisions[1], 'the other hunk is still undecided')

  vim.api.nvim_buf_set_lines(target, 0, 0, false, { '# edited meanwhile' })
  vim.api.nvim_feedkeys('gs', 'x', false)
  H.truthy(H.notified('changed since the result arrived'), 'the plugin refuses and says why')
  H.eq(nil, H.notified('not running'), 'nothing was sent to a server')
  H.truthy(review.reviews.f, 'the result is kept for :Weco result')

  vim.api.nvim_feedkeys('q', 'x', false)
  H.eq(tabs_before, #vim.api.nvim_list_tabpages(), 'q closes the review tab')
  H.eq(false, vim.api.nvim_buf_is_valid(current.proposed_buf), 'scratch buffers are wiped')
end)

--- An in-process stand-in for weco-lsp (Neovim runs a Lua `cmd` as the RPC peer): it records executeCommand.
---@param encoding string the position encoding it negotiates
---@param received table[] gets each workspace/executeCommand's params
local function fake_server(encoding, received)
  return function(dispatchers)
    local closing = false
    return {
      request = function(method, params, callback)
        if method == 'initialize' then
          callback(nil, {
            capabilities = {
              positionEncoding = encoding,
              executeCommandProvider = { commands = { 'weco.optimize', 'weco.consolidate', 'weco.profileTests' } },
            },
          })
        elseif method == 'workspace/executeCommand' then
          table.insert(received, params)
          callback(nil, vim.NIL)
        else
          callback(nil, vim.NIL)
        end
        return true, #received + 1
      end,
      notify = function(method)
        if method == 'exit' then
          dispatchers.on_exit(0, 15)
        end
        return true
      end,
      is_closing = function()
        return closing
      end,
      terminate = function()
        closing = true
      end,
    }
  end
end

for _, encoding in ipairs({ 'utf-16', 'utf-8' }) do
  H.test(('the cursor commands send {uri, position} (%s) and no function name'):format(encoding), function()
    local path = vim.fs.joinpath(vim.fn.tempname(), 'mod.py')
    vim.fn.mkdir(vim.fs.dirname(path), 'p')
    vim.fn.writefile({ 'def f():', "    s = 'éé' + name", '    return s' }, path)
    vim.cmd.edit(path)
    local buf = vim.api.nvim_get_current_buf()
    local received = {}
    local client_id = vim.lsp.start(
      { name = 'weco', cmd = fake_server(encoding, received), root_dir = vim.fs.dirname(path) },
      {
        bufnr = buf,
        reuse_client = function()
          return false
        end,
      }
    )
    H.wait_for(5000, function()
      local client = vim.lsp.get_client_by_id(client_id)
      return client and client.initialized
    end, 'the fake server to initialize')
    -- Byte column 16 is `name`, after two 2-byte characters: 14 in UTF-16, 16 in UTF-8.
    vim.api.nvim_win_set_cursor(0, { 2, 16 })
    vim.cmd('Weco optimize')
    vim.cmd('Weco consolidate')
    vim.cmd('Weco profile')
    H.wait_for(5000, function()
      return #received == 3
    end, 'three executeCommand requests')
    vim.lsp.get_client_by_id(client_id):stop(true)
    local character = encoding == 'utf-16' and 14 or 16
    H.eq('weco.optimize', received[1].command, 'optimize command')
    H.eq('weco.consolidate', received[2].command, 'consolidate command')
    H.eq('weco.profileTests', received[3].command, 'profile command')
    H.eq({ { uri = vim.uri_from_fname(path) } }, received[3].arguments, 'profile arguments: the buffer')
    for _, params in ipairs({ received[1], received[2] }) do
      H.eq(
        { { uri = vim.uri_from_fname(path), position = { line = 1, character = character } } },
        params.arguments,
        'arguments'
      )
    end
    vim.cmd('bwipeout!')
  end)
end

H.test('the help file builds tags for the commands, settings and API', function()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  vim.fn.writefile(vim.fn.readfile(vim.fs.joinpath(H.plugin_dir, 'doc', 'weco.txt')), vim.fs.joinpath(dir, 'weco.txt'))
  vim.cmd.helptags(vim.fn.fnameescape(dir))
  local tags = {}
  for _, line in ipairs(vim.fn.readfile(vim.fs.joinpath(dir, 'tags'))) do
    tags[vim.split(line, '\t')[1]] = true
  end
  for _, tag in ipairs({
    'weco',
    ':Weco',
    ':Weco-optimize',
    ':Weco-log',
    'weco-configuration',
    'weco-review',
    'weco.statusline()',
    'weco-health',
  }) do
    H.truthy(tags[tag], 'tag ' .. tag)
  end
end)

H.finish()
