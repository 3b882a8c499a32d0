-- Defines :Weco, the <Plug>(weco-*) maps and the progress and code lens autocmds. Everything else loads lazily.
if vim.g.loaded_weco then
  return
end
vim.g.loaded_weco = true

if vim.fn.has('nvim-0.11') ~= 1 then
  vim.notify_once('weco: Neovim 0.11 or newer is required', vim.log.levels.ERROR)
  return
end

vim.api.nvim_create_user_command('Weco', function(args)
  require('weco').command(args)
end, {
  nargs = '+',
  desc = 'Weco: optimize|consolidate|profile|cancel|result|apply|discard|report|log|keep|reject|keepall|rejectall',
  complete = function(arg_lead, cmdline)
    return require('weco').complete(arg_lead, cmdline)
  end,
})

for _, sub in ipairs({ 'optimize', 'consolidate', 'profile', 'cancel', 'result', 'apply', 'discard', 'report', 'log' }) do
  vim.keymap.set('n', ('<Plug>(weco-%s)'):format(sub), function()
    require('weco')[sub]()
  end, { desc = 'Weco: ' .. sub })
end

vim.api.nvim_create_autocmd('LspProgress', {
  group = vim.api.nvim_create_augroup('weco.progress', {}),
  desc = 'Echo weco-lsp progress',
  callback = function(args)
    require('weco.status').on_progress(args)
  end,
})

-- Neovim shows code lenses only after vim.lsp.codelens.refresh(); without this a user sees none unless they
-- add an autocommand themselves. `vim.g.weco.codelens = false` turns it off.
vim.api.nvim_create_autocmd('LspAttach', {
  group = vim.api.nvim_create_augroup('weco.codelens', {}),
  desc = 'Show weco-lsp code lenses',
  callback = function(args)
    local client = vim.lsp.get_client_by_id(args.data.client_id)
    if not client or client.name ~= 'weco' or require('weco.config').get().codelens == false then
      return
    end
    local bufnr = args.buf
    local function refresh()
      if vim.api.nvim_buf_is_valid(bufnr) and #vim.lsp.get_clients({ bufnr = bufnr, name = 'weco' }) > 0 then
        vim.lsp.codelens.refresh({ bufnr = bufnr })
      end
    end
    vim.api.nvim_create_autocmd({ 'BufEnter', 'InsertLeave', 'BufWritePost', 'TextChanged' }, {
      group = vim.api.nvim_create_augroup('weco.codelens.' .. bufnr, {}),
      buffer = bufnr,
      callback = refresh,
    })
    refresh()
  end,
})
