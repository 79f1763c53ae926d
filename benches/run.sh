#!/usr/bin/env bash
# Runs every benchmark and prints a summary table (see docs/performance.md):
#   1. `ganc check` time per example (benches/check.rs);
#   2. the equivalence check of the hand-written candle loop (benches/train --verify);
#   3. training it/s, ganc and the hand-written loop interleaved in one process;
#   4. each side alone in its own process, for its peak memory;
#   5. the PyTorch CPU script (benches/pytorch), when torch can be installed.
# Outputs are kept in target/bench-results/. Takes a few minutes after the release build.
set -euo pipefail
cd "$(dirname "$0")/.."
export RAYON_NUM_THREADS="${RAYON_NUM_THREADS:-2}"
out=target/bench-results
mkdir -p "$out"
rm -f "$out"/*.txt

echo "== machine: $(nproc) cores, RAYON_NUM_THREADS=$RAYON_NUM_THREADS; $(uptime)" | tee "$out/machine.txt"

echo "== ganc check"
cargo bench --quiet --bench check | tee "$out/check.txt"

echo "== hand-written loop equivalence"
cargo bench --quiet --bench train -- --verify | tee "$out/verify.txt"

echo "== training, interleaved"
cargo bench --quiet --bench train | tee "$out/train.txt"

echo "== training, each side alone (peak memory)"
for model in mlp dcgan; do
  for side in ganc candle; do
    cargo bench --quiet --bench train -- --only "$side" --model "$model" | tee -a "$out/train.txt"
  done
done

echo "== PyTorch"
if bash benches/pytorch/setup.sh >"$out/pytorch-setup.log" 2>&1; then
  for model in mlp dcgan; do
    target/bench-venv/bin/python benches/pytorch/train_bench.py --model "$model" | tee -a "$out/train.txt"
  done
else
  echo "PyTorch could not be installed (see $out/pytorch-setup.log); its column stays empty"
fi

echo "== after: $(uptime)" | tee -a "$out/machine.txt"
echo
echo "== summary (it/s at batch 64, $RAYON_NUM_THREADS threads; peak RSS in MiB, each side in its own process)"
grep '^RESULT' "$out/train.txt" | awk '
  {
    for (i = 2; i <= NF; i++) { split($i, kv, "="); f[kv[1]] = kv[2] }
    key = f["model"] SUBSEP f["side"] SUBSEP f["mode"]
    its[key] = f["its"]; if ("peak_mib" in f) peak[key] = f["peak_mib"]
    models[f["model"]] = 1; delete f
  }
  function v(m, s, mode) { k = m SUBSEP s SUBSEP mode; return (k in its) ? its[k] : "" }
  function p(m, s) { k = m SUBSEP s SUBSEP "alone"; return (k in peak) ? sprintf("%.0f", peak[k]) : "-" }
  function ratio(a, b) { return (a != "" && b != "" && b > 0) ? sprintf("%.2f", a / b) : "-" }
  function show(x) { return x == "" ? "-" : sprintf("%.2f", x) }
  END {
    printf "%-14s %9s %9s %11s | %9s %9s %9s %12s | %6s %6s %7s\n", "model", "ganc", "candle", "ganc/candle", "ganc", "candle", "pytorch", "ganc/pytorch", "ganc", "candle", "pytorch"
    printf "%-14s %31s | %44s | %21s\n", "", "(interleaved, one process)", "(alone, one process each)", "(peak RSS MiB)"
    for (m in models) {
      gi = v(m, "ganc", "interleaved"); ci = v(m, "candle", "interleaved")
      ga = v(m, "ganc", "alone"); ca = v(m, "candle", "alone"); pa = v(m, "pytorch", "alone")
      printf "%-14s %9s %9s %11s | %9s %9s %9s %12s | %6s %6s %7s\n", m, show(gi), show(ci), ratio(gi, ci), show(ga), show(ca), show(pa), ratio(ga, pa), p(m, "ganc"), p(m, "candle"), p(m, "pytorch")
    }
  }' | tee "$out/summary.txt"
