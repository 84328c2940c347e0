#!/usr/bin/env bash
# The target check of issue 14 on a machine with an NVIDIA GPU, as one prepared script.
#
# 1. what `--target local` detects (nvidia-smi, honouring CUDA_VISIBLE_DEVICES) next to what torch sees;
# 2. the 2,240-cell grid (precision x accelerator x strategy x devices) linted with `--target local`
#    against the real Trainer on this GPU, without mocks (tests/differential/test_targets.py);
# 3. what bf16 autocast does on this GPU (native from compute capability 8.0, emulated below).
# Prints the figures for docs/targets.md. Everything it writes goes to a temporary folder.
#
#   bash scripts/gpu_targets.sh          # well under a minute after start-up
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
work=$(mktemp -d "${TMPDIR:-/tmp}/trainer-lint-targets.XXXXXX")
trap 'rm -rf "$work"' EXIT
failed=0

echo "== machine"
nvidia-smi --query-gpu=index,name,compute_cap,memory.total --format=csv,noheader || echo "nvidia-smi: not found"
python - <<'PY' || failed=1
import torch, lightning
from trainer_lint.target import resolve
m = resolve("local")
print("trainer-lint --target local:", m.describe())
print("torch", torch.__version__, "cuda", torch.version.cuda, "devices", torch.cuda.device_count(),
      "capability", torch.cuda.is_available() and torch.cuda.get_device_capability(0), "lightning", lightning.__version__)
assert m.gpus == torch.cuda.device_count(), "detection disagrees with torch"
PY

echo "== the 2,240-cell grid with --target local against the real Trainer"
python -m pytest tests/differential/test_targets.py -q -p no:cacheprovider -k "real_gpu or bf16 or deepspeed" -rs 2>&1 | tail -n 6 || failed=1
cat "${TMPDIR:-/tmp}"/trainer-lint-grid-local*.json 2>/dev/null

echo "== bf16 autocast on this GPU"
python - <<'PY' || failed=1
import time, torch
cap = torch.cuda.get_device_capability(0)
print("capability", cap, "is_bf16_supported()", torch.cuda.is_bf16_supported(), "native", torch.cuda.is_bf16_supported(including_emulation=False))
a = torch.randn(4096, 4096, device="cuda")
for dtype in (torch.float16, torch.bfloat16):
    with torch.autocast("cuda", dtype=dtype):
        torch.matmul(a, a); torch.cuda.synchronize(); t = time.perf_counter()
        for _ in range(20): torch.matmul(a, a)
        torch.cuda.synchronize()
    print(f"{dtype}: {(time.perf_counter() - t) / 20 * 1e3:.2f} ms per 4096x4096 matmul")
PY
exit $failed
