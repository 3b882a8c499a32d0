-- Shared helpers for the headless specs: a tiny test runner, deadlines, the fixture and the real server.
local H = {}

H.plugin_dir = vim.fs.dirname(vim.fs.dirname(vim.fs.normalize(debug.getinfo(1, 'S').source:sub(2))))
H.repo_root = vim.fs.dirname(vim.fs.dirname(H.plugin_dir))

local results = { passed = 0, failed = 0 }

--- Puts the plugin on the runtimepath and loads plugin/weco.lua like a package manager would.
function H.load_plugin()
  vim.opt.runtimepath:prepend(H.plugin_dir)
  vim.cmd('filetype plugin on')
  vim.cmd('syntax off')
  vim.o.swapfile = false
  vim.o.shortmess = vim.o.shortmess .. 'F'
  vim.cmd.runtime('plugin/weco.lua')
end

--- The weco-lsp binary under test: $WECO_LSP_BIN, else the debug build of this repository.
function H.server_bin()
  local bin = os.getenv('WECO_LSP_BIN')
  if not bin or bin == '' then
    bin = vim.fs.joinpath(H.repo_root, 'target', 'debug', 'weco-lsp')
  end
  return bin
end

--- Runs one test; errors are failures, reported with the test's name.
---@param name string
---@param fn fun()
function H.test(name, fn)
  local ok, err = xpcall(fn, debug.traceback)
  if ok then
    results.passed = results.passed + 1
    io.stdout:write(('ok   %s\n'):format(name))
  else
    results.failed = results.failed + 1
    io.stdout:write(('FAIL %s\n     %s\n'):format(name, tostring(err):gsub('\n', '\n     ')))
  end
  io.stdout:flush()
end

--- Prints the spec's tally (run.sh adds them up) and exits.
function H.finish()
  io.stdout:write(('RESULT %d passed, %d failed\n'):format(results.passed, results.failed))
  io.stdout:flush()
  for _, client in ipairs(vim.lsp.get_clients()) do
    client:stop(true)
  end
  vim.wait(3000, function()
    return #vim.lsp.get_clients() == 0
  end, 20)
  os.exit(results.failed > 0 and 1 or 0)
end

--- Waits for `condition` until `timeout_ms`; fails with `what` when the deadline passes.
---@param timeout_ms integer
---@param condition fun(): any
---@param what string
function H.wait_for(timeout_ms, condition, what)
  local value
  local ok = vim.wait(timeout_ms, function()
    value = condition()
    return value ~= nil and value ~= false
  end, 20)
  if not ok then
    error(('timed out after %d ms waiting for: %s'):format(timeout_ms, what), 2)
  end
  return value
end

function H.eq(expected, actual, what)
  if not vim.deep_equal(expected, actual) then
    error(('%s: expected %s, got %s'):format(what or 'value', vim.inspect(expected), vim.inspect(actual)), 2)
  end
end

function H.truthy(value, what)
  if not value then
    error(('expected %s'):format(what or 'a true value'), 2)
  end
  return value
end

--- Copies tests/fixture into a fresh temporary directory and returns its path.
function H.fixture_copy()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, 'p')
  local source = vim.fs.joinpath(H.plugin_dir, 'tests', 'fixture')
  local result = vim.system({ 'cp', '-R', source .. '/.', dir }):wait()
  assert(result.code == 0, 'copying the fixture failed: ' .. (result.stderr or ''))
  return dir
end

---@param path string
function H.read_file(path)
  local file = assert(io.open(path, 'r'))
  local text = file:read('*a')
  file:close()
  return text
end

--- Records every vim.notify message so tests can assert on them.
H.notifications = {}
--- Answers every `vim.ui.select` with the first item whose title is in `answers` (else its first item), as a
--- user would by button title; returns the list of questions asked, each `{prompt, titles, answer}`.
---@param answers string[]
---@return table[]
function H.answer_by_title(answers)
  local questions = {}
  vim.ui.select = function(items, opts, on_choice)
    local titles = vim.tbl_map(opts.format_item or tostring, items)
    local pick = 1
    for index, title in ipairs(titles) do
      if vim.tbl_contains(answers, title) then
        pick = index
        break
      end
    end
    table.insert(questions, { prompt = opts.prompt, titles = titles, answer = titles[pick] })
    on_choice(items[pick], pick)
  end
  return questions
end

function H.capture_notify()
  vim.notify = function(msg, level)
    table.insert(H.notifications, { msg = msg, level = level })
  end
end

---@param pattern string
function H.notified(pattern)
  for _, item in ipairs(H.notifications) do
    if item.msg:find(pattern) then
      return item
    end
  end
  return nil
end

--- Opens a file of the fixture and waits until the weco client is attached and initialized.
---@param path string
---@return integer bufnr, vim.lsp.Client client
function H.open_with_server(path)
  vim.cmd.edit(vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  local client = H.wait_for(15000, function()
    local c = vim.lsp.get_clients({ name = 'weco', bufnr = bufnr })[1]
    return c and c.initialized and c or nil
  end, 'weco-lsp to attach and initialize')
  return bufnr, client
end

--- The code action titles the server offers at a 1-based line.
---@param client vim.lsp.Client
---@param bufnr integer
---@param line integer
---@return string[]
function H.code_action_titles(client, bufnr, line)
  vim.api.nvim_win_set_cursor(0, { line, 4 })
  local params = vim.lsp.util.make_range_params(0, client.offset_encoding)
  params.context = { diagnostics = {}, triggerKind = 1 }
  local response = client:request_sync('textDocument/codeAction', params, 10000, bufnr)
  assert(response and not response.err, 'codeAction failed: ' .. vim.inspect(response))
  return vim.tbl_map(function(action)
    return action.title
  end, response.result or {})
end

return H
