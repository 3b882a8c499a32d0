-- Compares the LuaCATS annotations of lua/weco/protocol.lua with editors/protocol.json (the schema the server
-- generates from its Rust types). Every schema type has a `---@class weco.X` with the same `---@field`s (or, for
-- an enum, `---@alias weco.X 'a'|'b'`); base types map integer→integer, number→number, string→string,
-- boolean→boolean, X→weco.X (Range and Position may be lsp.Range / lsp.Position), X[]→weco.X[]; a field is
-- marked `?` or `|nil` / `|vim.NIL` exactly when the schema says optional or nullable. Pure: returns the
-- differences as a list of strings.
local C = {}

--- Schema types the Lua side may spell as Neovim's own LSP types instead of declaring `weco.X`.
C.lsp_builtins = { Range = 'lsp.Range', Position = 'lsp.Position' }

local scalars = { string = 'string', integer = 'integer', number = 'number', boolean = 'boolean' }

--- The Lua spellings a schema type may have.
---@param schema_type string
---@return string[]
function C.expected_lua_types(schema_type)
  local element = schema_type:match('^(.*)%[%]$')
  if element then
    return vim.tbl_map(function(t)
      return t .. '[]'
    end, C.expected_lua_types(element))
  end
  if scalars[schema_type] then
    return { scalars[schema_type] }
  end
  local spellings = { 'weco.' .. schema_type }
  if C.lsp_builtins[schema_type] then
    table.insert(spellings, C.lsp_builtins[schema_type])
  end
  return spellings
end

---@class weco.test.LuaField
---@field type string the annotation's type expression
---@field question boolean `name?`

---@class weco.test.LuaDecl
---@field kind 'class'|'alias'
---@field fields? table<string, weco.test.LuaField>
---@field order? string[]
---@field alias? string the alias's type expression

--- The `weco.*` classes and aliases of an annotated Lua file.
---@param text string
---@return table<string, weco.test.LuaDecl>
function C.parse(text)
  local decls = {}
  local current
  for line in (text .. '\n'):gmatch('([^\n]*)\n') do
    local class = line:match('^%-%-%-@class%s+weco%.([%w_]+)')
    local alias_name, alias = line:match('^%-%-%-@alias%s+weco%.([%w_]+)%s+(.-)%s*$')
    local field, question, field_type = line:match('^%-%-%-@field%s+([%w_]+)(%??)%s+(%S+)')
    if class then
      current = { kind = 'class', fields = {}, order = {} }
      decls[class] = current
    elseif alias_name then
      decls[alias_name] = { kind = 'alias', alias = alias }
      current = nil
    elseif field and current then
      current.fields[field] = { type = field_type, question = question == '?' }
      table.insert(current.order, field)
    elseif not line:match('^%-%-%-') then
      current = nil
    end
  end
  return decls
end

--- `integer|vim.NIL|nil` → base 'integer', nullable true.
---@param expression string
---@return string base, boolean nullable
local function split_type(expression)
  local rest, nullable = {}, false
  for member in vim.gsplit(expression, '|', { plain = true }) do
    if member == 'nil' or member == 'vim.NIL' then
      nullable = true
    else
      table.insert(rest, member)
    end
  end
  return table.concat(rest, '|'), nullable
end

---@param name string
---@param schema table a type of protocol.json
---@param decls table<string, weco.test.LuaDecl>
---@return string[]
function C.type_problems(name, schema, decls)
  local decl = decls[name]
  if not decl then
    if C.lsp_builtins[name] then
      return {} -- the Lua side uses Neovim's lsp.* type instead
    end
    return { ('%s: no ---@class or ---@alias weco.%s in protocol.lua'):format(name, name) }
  end
  if schema.enum then
    if decl.kind ~= 'alias' then
      return {
        ('%s: the schema has an enum, so protocol.lua needs ---@alias weco.%s with the values'):format(name, name),
      }
    end
    local values = {}
    for member in vim.gsplit(decl.alias, '|', { plain = true }) do
      local value = vim.trim(member):match("^'(.*)'$") or vim.trim(member):match('^"(.*)"$')
      if not value then
        return { ('%s: alias member %s is not a string literal'):format(name, member) }
      end
      table.insert(values, value)
    end
    local expected = vim.deepcopy(schema.enum)
    table.sort(values)
    table.sort(expected)
    if not vim.deep_equal(values, expected) then
      return {
        ('%s: enum %s in protocol.lua, %s in the schema'):format(name, vim.inspect(values), vim.inspect(expected)),
      }
    end
    return {}
  end
  if decl.kind ~= 'class' then
    return { ('%s: the schema has fields, so protocol.lua needs ---@class weco.%s'):format(name, name) }
  end
  local problems = {}
  local fields = schema.fields or {}
  for _, field in ipairs(decl.order) do
    local spec = fields[field]
    local mine = decl.fields[field]
    if not spec then
      table.insert(problems, ('%s.%s: in protocol.lua but not in the schema'):format(name, field))
    else
      local base, nullable = split_type(mine.type)
      local expected = C.expected_lua_types(spec.type)
      if not vim.tbl_contains(expected, base) then
        table.insert(
          problems,
          ('%s.%s: type %s in protocol.lua, %s (Lua %s) in the schema'):format(
            name,
            field,
            base,
            spec.type,
            table.concat(expected, ' or ')
          )
        )
      end
      local marked = mine.question or nullable
      local may_lack = spec.optional or spec.nullable
      if marked and not may_lack then
        table.insert(
          problems,
          ('%s.%s: always present and not null in the schema, drop ?/nil/vim.NIL'):format(name, field)
        )
      elseif may_lack and not marked then
        table.insert(problems, ('%s.%s: optional or nullable in the schema, needs ? or |vim.NIL'):format(name, field))
      end
    end
  end
  local names = vim.tbl_keys(fields)
  table.sort(names)
  for _, field in ipairs(names) do
    if not decl.fields[field] then
      table.insert(problems, ('%s.%s: in the schema but not in protocol.lua'):format(name, field))
    end
  end
  return problems
end

---@param what string
---@param actual table<string, string> the Lua table (values are the names)
---@param expected table<string, any> the schema's table (keys are the names)
local function same_names(what, actual, expected)
  local problems = {}
  local have = {}
  for _, value in pairs(actual or {}) do
    have[value] = true
    if expected[value] == nil then
      table.insert(problems, ('%s: has %q, which the schema does not'):format(what, value))
    end
  end
  local names = vim.tbl_keys(expected)
  table.sort(names)
  for _, name in ipairs(names) do
    if not have[name] then
      table.insert(problems, ('%s: lacks %q'):format(what, name))
    end
  end
  return problems
end

--- Every difference between protocol.lua and the schema; empty when they agree.
---@param protocol table decoded editors/protocol.json
---@param text string protocol.lua's source
---@param module table protocol.lua's value (for M.methods and M.commands)
---@return string[]
function C.problems(protocol, text, module)
  local decls = C.parse(text)
  local problems = {}
  local names = vim.tbl_keys(protocol.types)
  table.sort(names)
  for _, name in ipairs(names) do
    vim.list_extend(problems, C.type_problems(name, protocol.types[name], decls))
  end
  for name in pairs(decls) do
    if protocol.types[name] == nil then
      table.insert(problems, ('weco.%s: declared in protocol.lua but not a schema type'):format(name))
    end
  end
  vim.list_extend(problems, same_names('M.methods', module.methods, protocol.methods))
  vim.list_extend(problems, same_names('M.commands', module.commands, protocol.commands))
  return problems
end

--- Differences between a decoded JSON value and a schema type. A JSON null is `vim.NIL`, or, for an
--- object's field as the LSP client decodes messages (`luanil.object`), a missing key: a missing key is
--- accepted when the field is optional or nullable.
---@param protocol table decoded editors/protocol.json
---@param schema_type string
---@param value any
---@param where? string
---@return string[]
function C.value_problems(protocol, schema_type, value, where)
  where = where or schema_type
  local element = schema_type:match('^(.*)%[%]$')
  if element then
    if type(value) ~= 'table' or (next(value) ~= nil and not vim.islist(value)) then
      return { ('%s: expected a list of %s, got %s'):format(where, element, vim.inspect(value)) }
    end
    local problems = {}
    for i, item in ipairs(value) do
      vim.list_extend(problems, C.value_problems(protocol, element, item, ('%s[%d]'):format(where, i)))
    end
    return problems
  end
  local scalar_ok = {
    string = type(value) == 'string',
    number = type(value) == 'number',
    integer = type(value) == 'number' and value == math.floor(value),
    boolean = type(value) == 'boolean',
  }
  if scalar_ok[schema_type] ~= nil then
    return scalar_ok[schema_type] and {}
      or { ('%s: expected %s, got %s'):format(where, schema_type, vim.inspect(value)) }
  end
  local spec = protocol.types[schema_type]
  if not spec then
    return { ('%s: unknown schema type %s'):format(where, schema_type) }
  end
  if spec.enum then
    return vim.tbl_contains(spec.enum, value) and {}
      or { ('%s: %s is not one of %s'):format(where, vim.inspect(value), table.concat(spec.enum, ', ')) }
  end
  if type(value) ~= 'table' then
    return { ('%s: expected an object, got %s'):format(where, vim.inspect(value)) }
  end
  local problems = {}
  for name, field in pairs(spec.fields or {}) do
    local item = value[name]
    local at = where .. '.' .. name
    if item == nil then
      if not field.optional and not field.nullable then
        table.insert(problems, at .. ': missing, and the schema says it is always sent and never null')
      end
    elseif item == vim.NIL then
      if not field.nullable then
        table.insert(problems, at .. ': null, and the schema says it is not nullable')
      end
    else
      vim.list_extend(problems, C.value_problems(protocol, field.type, item, at))
    end
  end
  for name in pairs(value) do
    if type(name) == 'string' and (spec.fields or {})[name] == nil then
      table.insert(problems, ('%s.%s: sent, but not in the schema'):format(where, name))
    end
  end
  table.sort(problems)
  return problems
end

return C
