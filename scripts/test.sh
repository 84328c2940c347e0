#!/usr/bin/env bash
# Set up and run the whole test suite (the README's second command).
# torch==2.13.0 is pinned first so pip takes the CPU build instead of a multi-GB CUDA one.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m pip install --quiet --disable-pip-version-check "torch==2.13.0"
python3 -m pip install --quiet --disable-pip-version-check -e ".[run,test,yaml]"
python3 -m pytest "$@"
