---@mod weco.protocol The names and shapes of weco-lsp's protocol extensions.
---@brief [[
--- The contract lives in docs/lsp-extensions.md; this module only spells it in Lua
--- so that no other file repeats a string literal from it.
---@brief ]]

local M = {}

--- The name the client is registered under (`lsp/weco.lua`, `vim.lsp.enable('weco')`).
M.client_name = 'weco'

M.methods = {
  show_result = 'weco/showResult',
  run_status = 'weco/runStatus',
}

M.commands = {
  optimize = 'weco.optimize',
  consolidate = 'weco.consolidate',
  cancel = 'weco.cancel',
  show_result = 'weco.showResult',
  apply_result = 'weco.applyResult',
  discard_result = 'weco.discardResult',
  show_report = 'weco.showReport',
}

--- Code action titles the server offers for the function under the cursor.
M.action_titles = {
  optimize = 'Optimize with Weco',
  consolidate = 'Consolidate for optimization',
}

---@alias weco.RunState 'preparing'|'running'|'finished'|'failed'|'cancelled'

---@class weco.RunStatus
---@field taskId string
---@field uri string
---@field function string
---@field state weco.RunState
---@field step? integer
---@field totalSteps? integer
---@field metricName? string
---@field best? number
---@field backend? string
---@field message? string

---@class weco.Hunk
---@field id integer
---@field range lsp.Range range in `original`
---@field oldText string
---@field newText string
---@field label? string

---@class weco.ShowResultParams
---@field taskId string
---@field uri string
---@field version integer|vim.NIL|nil
---@field function string
---@field original string
---@field proposed string
---@field hunks weco.Hunk[]
---@field metric? {name: string, goal: string, baseline: number, best: number}
---@field summary? string
---@field reportUri? string

return M
