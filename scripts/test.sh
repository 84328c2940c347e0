#!/usr/bin/env bash
# Set up and run the whole test suite (the README's second command).
# torch==2.13.0 is pinned first so pip takes the CPU build instead of a multi-GB CUDA one.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
python3 -m pip install --quiet --disable-pip-version-check -e ".[run,test,lsp]"
# Editor tests (skipped with a reason when these are missing): Taplo's language server from npm
# into .tools/npm (git-ignored), and Neovim for the headless-editor test.
if command -v npm >/dev/null 2>&1 && [ ! -f .tools/npm/node_modules/@taplo/lsp/package.json ]; then
  npm install --silent --no-audit --no-fund --prefix .tools/npm "@taplo/lsp@0.8.0" >/dev/null 2>&1 \
    || echo "scripts/test.sh: could not install @taplo/lsp; its tests will be skipped" >&2
fi
if ! command -v nvim >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  { apt-get install -y --no-install-recommends neovim || { apt-get update && apt-get install -y --no-install-recommends neovim; }; } >/dev/null 2>&1 \
    || echo "scripts/test.sh: could not install neovim; the Neovim test will be skipped" >&2
fi
python3 -m pytest "$@"
