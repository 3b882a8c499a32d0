---@mod weco.lsp Client-side handlers of weco-lsp's requests and notifications, and command dispatch.
---@brief [[
--- Handlers are installed per client through `lsp/weco.lua` (`handlers = ...`), so other
--- language servers keep Neovim's defaults.
---@brief ]]

local protocol = require('weco.protocol')

local M = {}

--- Fills `initializationOptions` and `settings.weco` from the configuration current at start time.
--- Settings given through `vim.lsp.config('weco', { settings = { weco = ... } })` win over `vim.g.weco.settings`.
---@param params lsp.InitializeParams
---@param client_config vim.lsp.ClientConfig
function M.before_init(params, client_config)
  local settings = require('weco.config').server_settings()
  local explicit = vim.tbl_get(client_config, 'settings', 'weco')
  if type(explicit) == 'table' and next(explicit) then
    settings = vim.tbl_deep_extend('force', settings, explicit)
  end
  if not next(settings) then
    settings = vim.empty_dict()
  end
  local init_options = params.initializationOptions
  if type(init_options) == 'table' and next(init_options) then
    params.initializationOptions = vim.tbl_deep_extend('force', vim.deepcopy(settings), init_options)
  else
    params.initializationOptions = settings
  end
  -- `client.settings` is this same table, so the `didChangeConfiguration` sent after
  -- `initialized` and the answers to `workspace/configuration` carry these values.
  client_config.settings = client_config.settings or {}
  client_config.settings.weco = settings
end

--- Questions from the server (mode, workspace, confirmation, what to do with a result)
--- always go through `vim.ui.select`, so pickers such as telescope or fzf-lua answer them.
---@param params lsp.ShowMessageRequestParams
local function show_message_request(_, params)
  local actions = params.actions or {}
  require('weco.status').log('question: ' .. params.message)
  local co, is_main = coroutine.running()
  if not co or is_main then
    -- Server requests always run in a coroutine in Neovim 0.11; without one there is
    -- nobody to wait for the answer, and no answer is the safe reply.
    return vim.NIL
  end
  vim.ui.select(actions, {
    -- One "Weco:" in front, not "Weco: weco · ..." (the server's messages carry their own prefix).
    prompt = 'Weco: ' .. params.message:gsub('^weco: ', ''):gsub('^weco · ', ''),
    kind = 'weco.question',
    format_item = function(action)
      return (action.title:gsub('\r?\n', ' '))
    end,
  }, function(choice)
    require('weco.status').log('answer: ' .. (choice and choice.title or '(none)'))
    -- Resume later: the default `vim.ui.select` calls back before we yield.
    vim.schedule(function()
      coroutine.resume(co, choice or vim.NIL)
    end)
  end)
  return coroutine.yield()
end

---@param params weco.ShowResultParams
---@param ctx lsp.HandlerContext
local function show_result(_, params, ctx)
  vim.schedule(function()
    require('weco.review').receive(params, ctx.client_id)
  end)
  return vim.NIL
end

---@param params weco.RunStatusParams
local function run_status(_, params)
  require('weco.status').on_run_status(params)
end

--- Keeps the server's messages in `:Weco log` and shows each as one line: a long or multi-line message
--- (the baseline's context is three lines) would raise "Press ENTER" while the run goes on, and the Enter
--- pressed to get past it could answer the next question.
local function show_message(err, params, ctx)
  local status = require('weco.status')
  status.log('message: ' .. tostring(params and params.message))
  if err or type(params) ~= 'table' or type(params.message) ~= 'string' then
    return vim.lsp.handlers['window/showMessage'](err, params, ctx)
  end
  local levels = { vim.log.levels.ERROR, vim.log.levels.WARN, vim.log.levels.INFO, vim.log.levels.DEBUG }
  local text = status.one_line(params.message:gsub('^weco:%s*', 'weco: '), ' · :Weco log')
  vim.notify(text, levels[params.type] or vim.log.levels.INFO)
  return vim.NIL
end

--- Handlers for this client only (`vim.lsp.Config.handlers`).
M.handlers = {
  ['window/showMessage'] = show_message,
  ['window/showMessageRequest'] = show_message_request,
  [protocol.methods.show_result] = show_result,
  [protocol.methods.run_status] = run_status,
}

--- Client-side implementations of commands (`vim.lsp.Config.commands`), run by
--- `client:exec_cmd` before anything is sent to the server. Every `weco.*` command in
--- docs/lsp-extensions.md is a server command today, so this table is empty; it is the
--- place for a command that only moves the editor, should the server ever send one.
M.client_commands = {}

--- The weco client for a buffer, else any running weco client.
---@param bufnr? integer
---@return vim.lsp.Client?
function M.client(bufnr)
  local clients = vim.lsp.get_clients({ name = protocol.client_name, bufnr = bufnr or 0 })
  if #clients == 0 then
    clients = vim.lsp.get_clients({ name = protocol.client_name })
  end
  return clients[1]
end

---@param msg string
---@param level? integer
function M.notify(msg, level)
  vim.notify('weco: ' .. msg, level or vim.log.levels.INFO)
end

--- Runs a server command. `on_done(err, result)` is called when the server answers.
---@param command string
---@param arguments table
---@param bufnr? integer
---@param on_done? fun(err: lsp.ResponseError?, result: any)
---@return boolean sent
function M.exec(command, arguments, bufnr, on_done)
  local client = M.client(bufnr)
  if not client then
    M.notify('weco-lsp is not running (see :checkhealth weco)', vim.log.levels.ERROR)
    return false
  end
  client:exec_cmd(
    { title = command, command = command, arguments = arguments },
    { bufnr = bufnr },
    function(err, result)
      if err then
        M.notify(('%s failed: %s'):format(command, err.message or vim.inspect(err)), vim.log.levels.ERROR)
      end
      if on_done then
        on_done(err, result)
      end
    end
  )
  return true
end

--- Runs `weco.optimize` or `weco.consolidate` for the cursor: `{uri, position}` in the client's
--- position encoding, and the server picks the innermost function there (or says there is none).
--- This is how `:Weco optimize` finds "the function under the cursor" without knowing any syntax.
---@param command string
---@param on_done? fun(sent: boolean, err?: lsp.ResponseError)
function M.run_at_cursor(command, on_done)
  local bufnr = vim.api.nvim_get_current_buf()
  local win = vim.api.nvim_get_current_win()
  local client = vim.lsp.get_clients({ name = protocol.client_name, bufnr = bufnr })[1]
  if not client then
    M.notify('weco-lsp is not attached to this buffer (see :checkhealth weco)', vim.log.levels.ERROR)
    if on_done then
      on_done(false)
    end
    return
  end
  local params = vim.lsp.util.make_position_params(win, client.offset_encoding)
  ---@type weco.OptimizeArgs
  local args = { uri = params.textDocument.uri, position = params.position }
  M.exec(command, { args }, bufnr, function(err)
    if on_done then
      on_done(true, err)
    end
  end)
end

return M
