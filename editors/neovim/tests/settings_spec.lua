-- The plugin's list of server settings (weco.config.settings_spec) against editors/settings.json, which the
-- server generates from server/src/config.rs: same keys in the same order, same types, defaults and enums.
local H = dofile(vim.fs.joinpath(vim.fs.dirname(debug.getinfo(1, 'S').source:sub(2)), 'helpers.lua'))
H.load_plugin()

local config = require('weco.config')
local settings_json = vim.fs.joinpath(vim.fs.dirname(H.plugin_dir), 'settings.json')
local generated = vim.json.decode(H.read_file(settings_json))

---@param key string
local function short(key)
  return (key:gsub('^weco%.', ''))
end

--- A JSON type list as one comparable value: 'string' and { 'string' } are the same.
local function types(value)
  if type(value) == 'table' then
    return #value == 1 and value[1] or table.concat(value, '|')
  end
  return value
end

H.test('the plugin lists the settings of editors/settings.json, in the same order', function()
  H.eq(
    vim.tbl_map(function(spec)
      return short(spec.key)
    end, generated),
    vim.tbl_map(function(spec)
      return spec.key
    end, config.settings_spec),
    'setting keys (editors/settings.json vs weco.config.settings_spec)'
  )
end)

for _, spec in ipairs(generated) do
  local key = short(spec.key)
  H.test(('setting %s has the type, default and enum of editors/settings.json'):format(key), function()
    local mine = vim.iter(config.settings_spec):find(function(candidate)
      return candidate.key == key
    end)
    H.truthy(mine, 'weco.config.settings_spec lacks ' .. key)
    H.eq(types(spec.type), types(mine.type), key .. ': type')
    H.eq(spec.default, mine.default, key .. ': default')
    H.eq(spec.enum, mine.enum, key .. ': enum')
  end)
end

H.test('validation accepts every default and rejects a wrong type, a value outside the enum and a typo', function()
  local settings = {}
  for _, spec in ipairs(config.settings_spec) do
    local path = vim.split(spec.key, '.', { plain = true })
    local node = settings
    for i = 1, #path - 1 do
      node[path[i]] = node[path[i]] or {}
      node = node[path[i]]
    end
    node[path[#path]] = spec.default
  end
  H.truthy(config.validate({ settings = settings }), 'the defaults are valid: ' .. vim.inspect(settings))
  local ok, err = config.validate({ settings = { evalTimeout = 1.5 } })
  H.eq(false, ok, 'a fraction for an integer')
  H.truthy(tostring(err):find('settings.evalTimeout', 1, true), 'message names the key: ' .. tostring(err))
  ok, err = config.validate({ settings = { metric = 'speed' } })
  H.eq(false, ok, 'a value outside the enum')
  H.truthy(tostring(err):find('latency_ms', 1, true), 'message lists the values: ' .. tostring(err))
  ok, err = config.validate({ settings = { llm = { baseURL = 'http://x' } } })
  H.eq(false, ok, 'a typo in a nested key')
  H.truthy(tostring(err):find('settings.llm.baseURL: unknown setting', 1, true), 'message: ' .. tostring(err))
  ok, err = config.validate({ settings = { llm = 'x' } })
  H.eq(false, ok, 'a group that is not a table')
  H.truthy(config.validate({ settings = { model = vim.NIL, server = { path = '/bin/weco-lsp' } } }), 'null and nested')
end)

H.finish()
