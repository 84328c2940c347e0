#!/usr/bin/env bash
# The GPU check of issue 5, as one prepared script for a machine with an NVIDIA GPU.
#
# Runs `trainer-lint run examples/demo.toml` on one GPU at each precision (32-true, 16-mixed,
# bf16-mixed, bf16-true, 16-true) and prints, per run: exit code, wall time, final loss, device and
# precision plugin class (from the closing line `trainer-lint run` prints), then runs the
# CUDA-only tests (tests/test_gpu.py). Everything it writes goes to a temporary folder.
#
#   bash scripts/gpu_check.sh            # about a minute or two; prints a table
#   KEEP=1 bash scripts/gpu_check.sh     # keep the per-run logs and checkpoints
set -uo pipefail
cd "$(dirname "$0")/.."
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
work=$(mktemp -d "${TMPDIR:-/tmp}/trainer-lint-gpu.XXXXXX")
[[ -n "${KEEP:-}" ]] || trap 'rm -rf "$work"' EXIT

echo "== machine"
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader || echo "nvidia-smi: not found"
python -c 'import torch, lightning; print("torch", torch.__version__, "cuda", torch.version.cuda, "available", torch.cuda.is_available(), "bf16", torch.cuda.is_available() and torch.cuda.is_bf16_supported()); print("lightning", lightning.__version__)'

echo "== trainer-lint run examples/demo.toml on the GPU, one run per precision"
failed=0
for precision in 32-true 16-mixed bf16-mixed bf16-true 16-true; do
  log="$work/$precision.log"
  start=$(date +%s.%N)
  python -m trainer_lint run examples/demo.toml --isolated \
    --set 'trainer.accelerator="gpu"' --set 'trainer.devices=1' \
    --set "trainer.precision=\"$precision\"" \
    --set 'trainer.enable_progress_bar=false' \
    --set "trainer.default_root_dir=\"$work/$precision\"" \
    --set "trainer.callbacks[0].init_args.dirpath=\"$work/$precision/checkpoints\"" \
    >"$log" 2>&1
  code=$?
  wall=$(python -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}s')" "$start" "$(date +%s.%N)")
  summary=$(grep -E '^trainer-lint: fit finished' "$log" | tail -n 1)
  loss=$(sed -nE 's/.* train_loss=([^ ;]+).*/\1/p' <<<"$summary")
  val=$(sed -nE 's/.* val_loss=([^ ;]+).*/\1/p' <<<"$summary")
  device=$(sed -nE 's/.* on ([^ ]+) with .*/\1/p' <<<"$summary")
  plugin=$(sed -nE 's/.* with ([A-Za-z]+)\(.*/\1/p' <<<"$summary")
  printf 'precision=%-10s exit=%s wall=%-6s train_loss=%-8s val_loss=%-8s device=%-7s plugin=%s\n' \
    "$precision" "$code" "$wall" "${loss:--}" "${val:--}" "${device:--}" "${plugin:--}"
  if [[ $code -ne 0 || -z "$summary" ]]; then
    failed=1
    echo "---- last lines of $precision.log"
    tail -n 15 "$log"
  fi
  echo "  $summary"
done

echo "== CUDA tests (tests/test_gpu.py)"
python -m pytest tests/test_gpu.py -q -p no:cacheprovider || failed=1

[[ -n "${KEEP:-}" ]] && echo "logs and checkpoints kept in $work"
exit $failed
