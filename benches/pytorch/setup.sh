#!/usr/bin/env bash
# Creates target/bench-venv with PyTorch (CPU) for benches/pytorch/train_bench.py.
# Used only by the benchmark (benches/run.sh), never by the tests.
set -euo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
venv="$root/target/bench-venv"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c 'import torch' 2>/dev/null; then
  echo "torch already installed in $venv"
  exit 0
fi
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --upgrade pip
# The CPU-only wheels are much smaller; their index may be unreachable, then take PyPI's
# default wheel (it also runs on the CPU, it only brings CUDA libraries along).
if ! "$venv/bin/pip" install --quiet --timeout 30 --retries 0 torch --index-url https://download.pytorch.org/whl/cpu; then
  echo "CPU wheel index unreachable; installing torch from PyPI" >&2
  "$venv/bin/pip" install --quiet torch
fi
"$venv/bin/python" -c 'import torch; print("torch", torch.__version__)'
