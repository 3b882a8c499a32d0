-- lua/weco/protocol.lua must match editors/protocol.json, which the server generates from server/src/lsp/ext.rs:
-- the annotated shapes (fields, types, optional/nullable, enums) and the method and command names.
local here = vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2))
local H = dofile(vim.fs.joinpath(here, 'helpers.lua'))
local C = dofile(vim.fs.joinpath(here, 'protocol_check.lua'))
H.load_plugin()

local schema = vim.json.decode(H.read_file(vim.fs.joinpath(vim.fs.dirname(H.plugin_dir), 'protocol.json')))
local source = H.read_file(vim.fs.joinpath(H.plugin_dir, 'lua', 'weco', 'protocol.lua'))
local module = require('weco.protocol')

local names = vim.tbl_keys(schema.types)
table.sort(names)
for _, name in ipairs(names) do
  H.test(('protocol.lua declares %s as the schema does'):format(name), function()
    H.eq({}, C.type_problems(name, schema.types[name], C.parse(source)), name)
  end)
end

H.test('protocol.lua declares nothing but schema types, and M.methods / M.commands are the schema names', function()
  H.eq({}, C.problems(schema, source, module), 'differences from editors/protocol.json')
end)

--- Asserts that `problems` has one entry containing `needle`.
local function reports(problems, needle)
  for _, problem in ipairs(problems) do
    if problem:find(needle, 1, true) then
      return
    end
  end
  error(('expected a problem containing %q, got %s'):format(needle, vim.inspect(problems)), 2)
end

-- The check itself: each kind of drift is reported (so a green run above means something).
local drifts = {
  {
    'a nullable field made required',
    '---@field bestText string|nil\n',
    '---@field bestText string\n',
    'MetricSummary.bestText: optional or nullable',
  },
  {
    'an optional field made required',
    '---@field function? string',
    '---@field function string',
    'OptimizeArgs.function: optional or nullable',
  },
  {
    'a required field made optional',
    '---@field oldStart integer',
    '---@field oldStart? integer',
    'ResultHunk.oldStart: always present',
  },
  {
    'a renamed field',
    '---@field newLines integer',
    '---@field newCount integer',
    'ResultHunk.newLines: in the schema but not',
  },
  { 'a wrong base type', '---@field step integer', '---@field step number', 'RunStatusParams.step: type number' },
  { 'a changed enum', "|'cancelled'", "|'canceled'", 'RunState: enum' },
  { 'a renamed type', 'weco.MetricSummary', 'weco.ResultMetric', 'MetricSummary: no ---@class' },
  {
    'a table type instead of a class',
    '---@field metric weco.MetricSummary',
    '---@field metric {name: string}',
    'ShowResultParams.metric: type {name:',
  },
}
for _, drift in ipairs(drifts) do
  local what, from, to, needle = drift[1], drift[2], drift[3], drift[4]
  H.test('the contract check reports ' .. what, function()
    local start = source:find(from, 1, true)
    H.truthy(start, 'the mutation applies to protocol.lua: ' .. from)
    local mutated = source:sub(1, start - 1) .. to .. source:sub(start + #from)
    reports(C.problems(schema, mutated, module), needle)
  end)
end

H.test('the contract check reports a missing command and an unknown method', function()
  local changed = vim.deepcopy(module)
  changed.commands.install_package = nil
  changed.methods.extra = 'weco/extra'
  local problems = C.problems(schema, source, changed)
  reports(problems, 'M.commands: lacks "weco.installPackage"')
  reports(problems, 'M.methods: has "weco/extra"')
end)

H.finish()
