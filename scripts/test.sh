#!/usr/bin/env bash
# Set up and run the whole test suite (the README's second command).
# torch==2.13.0 is pinned first so pip takes the CPU build instead of a multi-GB CUDA one.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
python3 -m pip install --quiet --disable-pip-version-check -e ".[run,test,yaml]"
# The YAML language server, for tests/test_yaml_language_server.py: an npm package, installed when
# npm is there (the test is skipped without it).
if command -v npm >/dev/null 2>&1; then
  npm install --silent --no-audit --no-fund --prefix .cache/node yaml-language-server@1.19.2 >/dev/null 2>&1 \
    || echo "note: could not install yaml-language-server; its editor test will be skipped" >&2
fi
python3 -m pytest "$@"
