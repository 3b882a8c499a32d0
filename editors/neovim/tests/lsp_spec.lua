-- The plugin against the REAL weco-lsp on a copy of tests/fixture: attach, settings, code actions,
-- diagnostics, :Weco optimize dispatch ({uri, position}) and :checkhealth weco.
local H = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'helpers.lua'))
H.load_plugin()
H.capture_notify()

local SECRET = 'wk-test-secret-never-shown'
vim.env.WECO_API_KEY = SECRET

local project = H.fixture_copy()
local slow_py = vim.fs.joinpath(project, 'pkg', 'slow.py')
vim.g.weco = { server_path = H.server_bin(), settings = { backend = 'local', steps = 2 } }
vim.lsp.enable('weco')

-- 1-based lines in tests/fixture/pkg/slow.py.
local COUNT_COMMON = { first = 6, last = 12, body = 10 }
local UNIQUE_NAMES = { body = 20 }

local bufnr, client
H.test('the server attaches to a Python file with the root from pyproject.toml', function()
  bufnr, client = H.open_with_server(slow_py)
  H.eq(vim.fs.normalize(vim.uv.fs_realpath(project)), vim.fs.normalize(vim.uv.fs_realpath(client.root_dir)), 'root_dir')
  H.eq('weco-lsp', client.server_info and client.server_info.name, 'serverInfo.name')
end)

if not client then
  -- Nothing below can run without a server; say so instead of failing each test separately.
  H.finish()
end

H.test('settings from vim.g.weco are the client settings.weco', function()
  H.eq({ backend = 'local', steps = 2 }, client.settings.weco, 'settings.weco')
  H.truthy(
    vim.tbl_contains(client.server_capabilities.executeCommandProvider.commands, 'weco.optimize'),
    'server advertises weco.optimize'
  )
end)

H.test('code actions inside a slow function offer "Optimize with Weco"', function()
  local titles = H.code_action_titles(client, bufnr, COUNT_COMMON.body)
  H.truthy(vim.tbl_contains(titles, 'Optimize with Weco'), 'titles: ' .. vim.inspect(titles))
end)

H.test('a function that uses another module is also offered "Consolidate for optimization"', function()
  local titles = H.code_action_titles(client, bufnr, UNIQUE_NAMES.body)
  H.truthy(vim.tbl_contains(titles, 'Consolidate for optimization'), 'titles: ' .. vim.inspect(titles))
end)

H.test('code lenses are shown without an autocommand of the user', function()
  local lens = H.wait_for(15000, function()
    for _, item in ipairs(vim.lsp.codelens.get(bufnr)) do
      if item.command and item.command.title:find('Optimize with Weco', 1, true) then
        return item
      end
    end
  end, 'an "Optimize with Weco" lens in the buffer')
  H.truthy(
    lens.range.start.line + 1 >= COUNT_COMMON.first - 1,
    'the lens is at count_common: ' .. vim.inspect(lens.range)
  )
end)

H.test('diagnostics arrive for the slow function', function()
  local namespace = vim.lsp.diagnostic.get_namespace(client.id, false)
  local inside = H.wait_for(15000, function()
    for _, diagnostic in ipairs(vim.diagnostic.get(bufnr, { namespace = namespace })) do
      if diagnostic.lnum + 1 >= COUNT_COMMON.first and diagnostic.lnum + 1 <= COUNT_COMMON.last then
        return diagnostic
      end
    end
  end, 'a weco diagnostic inside count_common')
  H.truthy(inside.message ~= '', 'the diagnostic has a message')
end)

--- Records the workspace/executeCommand requests and declines every server question until `restore()`.
---@return {sent: table[], asked: fun(): boolean, restore: fun()}
local function watch_commands()
  local sent, asked = {}, false
  local original_request = client.request
  client.request = function(self, method, params, ...)
    if method == 'workspace/executeCommand' then
      table.insert(sent, params)
    end
    return original_request(self, method, params, ...)
  end
  local original_select = vim.ui.select
  vim.ui.select = function(_, _, on_choice)
    asked = true
    on_choice(nil)
  end
  return {
    sent = sent,
    asked = function()
      return asked
    end,
    restore = function()
      client.request = original_request
      vim.ui.select = original_select
    end,
  }
end

H.test(
  ':Weco optimize sends weco.optimize with the uri and the cursor position; the server finds the function',
  function()
    local watch = watch_commands()
    vim.api.nvim_win_set_cursor(0, { COUNT_COMMON.body, 8 })
    vim.cmd('Weco optimize')
    local params = H.wait_for(10000, function()
      return watch.sent[1]
    end, 'workspace/executeCommand')
    -- The server's first question (the mode, naming the function) arrives after the command's reply; decline it.
    local ok, err = pcall(H.wait_for, 10000, watch.asked, 'the mode question')
    watch.restore()
    H.eq('weco.optimize', params.command, 'command')
    H.eq(vim.uri_from_bufnr(bufnr), params.arguments[1].uri, 'uri argument')
    H.eq({ line = COUNT_COMMON.body - 1, character = 8 }, params.arguments[1].position, 'position argument (0-based)')
    H.eq(nil, params.arguments[1]['function'], 'no function name: the server picks it')
    H.truthy(ok, tostring(err))
  end
)

H.test(':Weco optimize outside any function is refused by the server, and nothing is asked', function()
  local watch = watch_commands()
  local history = require('weco.status').history
  local before = #history
  vim.api.nvim_win_set_cursor(0, { 1, 0 })
  vim.cmd('Weco optimize')
  -- The server answers the command at once and says why with window/showMessage (kept in :Weco log).
  local ok, message = pcall(H.wait_for, 10000, function()
    for i = before + 1, #history do
      if history[i]:find('message: ', 1, true) and history[i]:find('function', 1, true) then
        return history[i]
      end
    end
  end, 'the server saying there is no function here')
  watch.restore()
  H.truthy(ok, tostring(message) .. '\nweco log:\n' .. table.concat(history, '\n'))
  H.eq(false, watch.asked(), 'no question was asked')
  H.eq({ line = 0, character = 0 }, watch.sent[1] and watch.sent[1].arguments[1].position, 'position sent')
end)

H.test(':checkhealth weco reports the server version and never prints the API key', function()
  vim.cmd('silent checkhealth weco')
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
  vim.cmd('bwipeout!')
  H.truthy(text:find('weco-lsp 0.1', 1, true), 'server version in:\n' .. text)
  H.truthy(text:find('Neovim 0.11', 1, true), 'Neovim version in:\n' .. text)
  H.truthy(text:find('WECO_API_KEY is set', 1, true), 'login detected in:\n' .. text)
  H.truthy(text:find('Python: ', 1, true), 'Python interpreter in:\n' .. text)
  H.eq(nil, text:find(SECRET, 1, true), 'position of the API key in the health report')
end)

H.finish()
