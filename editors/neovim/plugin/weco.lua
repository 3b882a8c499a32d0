-- Defines :Weco, the <Plug>(weco-*) maps and the progress autocmd. Everything else loads lazily.
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
  desc = 'Weco: optimize|consolidate|profile|cancel|result|apply|discard|report|log',
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
