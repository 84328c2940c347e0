-- Headless Neovim with trainer-lint's language server attached (run by tests/test_neovim.py).
-- Opens $TL_FILE, waits for the diagnostics Neovim shows, applies the server's "fix all safe
-- problems" code action through Neovim's own workspace-edit code, waits for the new diagnostics,
-- and writes both sets and the edited buffer to $TL_OUT as JSON. Works with Neovim 0.7 and later.
local function report(result)
  local out = io.open(vim.env.TL_OUT, "w")
  out:write(vim.fn.json_encode(result))
  out:close()
  vim.cmd("qa!")
end

local function shown(bufnr)
  local items = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local lsp = (d.user_data or {}).lsp or {}
    table.insert(items, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      severity = d.severity, message = d.message, source = d.source, code = d.code or lsp.code,
    })
  end
  return items
end

local ok_start, client_id = pcall(vim.lsp.start_client, {
  name = "trainer-lint",
  cmd = vim.fn.json_decode(vim.env.TL_CMD),
  root_dir = vim.env.TL_ROOT,
})
if not ok_start or not client_id then
  report({ error = "could not start the server: " .. tostring(client_id) })
  return
end
vim.cmd("edit " .. vim.fn.fnameescape(vim.env.TL_FILE))
local bufnr = vim.api.nvim_get_current_buf()
vim.lsp.buf_attach_client(bufnr, client_id)

local first = vim.wait(30000, function() return #vim.diagnostic.get(bufnr) > 0 end, 20)
local before = shown(bufnr)

local client = vim.lsp.get_client_by_id(client_id)
local params = {
  textDocument = { uri = vim.uri_from_bufnr(bufnr) },
  range = { start = { line = 0, character = 0 }, ["end"] = { line = vim.api.nvim_buf_line_count(bufnr), character = 0 } },
  context = { diagnostics = {}, only = { "source.fixAll" } },
}
local responses = vim.lsp.buf_request_sync(bufnr, "textDocument/codeAction", params, 30000) or {}
local applied = nil
for _, response in pairs(responses) do
  for _, action in ipairs(response.result or {}) do
    if action.edit and not applied then
      vim.lsp.util.apply_workspace_edit(action.edit, client.offset_encoding or "utf-16")
      applied = action.title
    end
  end
end
local changed = vim.wait(30000, function()
  local now = shown(bufnr)
  return #now ~= #before
end, 20)

report({
  first = first,
  before = before,
  applied = applied,
  changed = changed,
  after = shown(bufnr),
  lines = vim.api.nvim_buf_get_lines(bufnr, 0, -1, false),
  encoding = client.offset_encoding,
})
