#!/usr/bin/env bash
# Set up and run the whole test suite (the README's second command).
# torch==2.13.0 is pinned first so pip takes the CPU build instead of a multi-GB CUDA one.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
python3 -m pip install --quiet --disable-pip-version-check -e ".[run,test,yaml,lsp]"
# Editor tests drive real editors and language servers, installed here when their installer is
# there (each test is skipped, saying why, without them): the YAML language server
# (tests/test_yaml_language_server.py) and Taplo's (tests/test_schema_servers.py) from npm into
# the git-ignored .cache/node, and Neovim (tests/test_neovim.py) from Debian.
if command -v npm >/dev/null 2>&1; then
  npm install --silent --no-audit --no-fund --prefix .cache/node yaml-language-server@1.19.2 "@taplo/lsp@0.8.0" >/dev/null 2>&1 \
    || echo "note: could not install yaml-language-server and @taplo/lsp; their editor tests will be skipped" >&2
fi
if ! command -v nvim >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1 && [ "$(id -u)" = 0 ]; then
  { apt-get install -y --no-install-recommends neovim || { apt-get update && apt-get install -y --no-install-recommends neovim; }; } >/dev/null 2>&1 \
    || echo "note: could not install neovim; the Neovim test will be skipped" >&2
fi
python3 -m pytest "$@"
