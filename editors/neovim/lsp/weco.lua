---@brief
---
--- weco-lsp finds Python and Rust functions worth optimizing and runs Weco's
--- measured optimization in the background, then offers the best result as a diff.
---
--- Enable it with:
--- ```lua
--- vim.lsp.enable('weco')
--- ```
--- The binary is `vim.g.weco.server_path`, else `weco-lsp` on $PATH.
--- Server settings (docs/lsp-extensions.md) go in `vim.g.weco.settings`; they are sent
--- as `initializationOptions` and as `workspace/didChangeConfiguration` `settings.weco`.
--- See `:help weco`.

local config = require('weco.config')

---@type vim.lsp.Config
return {
  cmd = config.server_cmd(),
  filetypes = { 'python', 'rust' },
  -- The project's own markers first, as one group of equal priority; `.weco` only when none is found
  -- (a stray `.weco` in an ancestor folder, such as the home folder, must not become the root).
  root_markers = {
    { 'pyproject.toml', 'setup.py', 'setup.cfg', 'requirements.txt', 'Cargo.toml', '.git' },
    '.weco',
  },
  -- Filled in `before_init` from the configuration current at start time.
  settings = { weco = vim.empty_dict() },
  handlers = require('weco.lsp').handlers,
  commands = require('weco.lsp').client_commands,
  before_init = function(params, client_config)
    require('weco.lsp').before_init(params, client_config)
  end,
}
