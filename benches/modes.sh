#!/usr/bin/env bash
# Mode-collapse benchmark (docs/models/mode_collapse.md): vanilla GAN, unrolled GAN and WGAN-GP
# on the ring of 8 and the grid of 25 Gaussians, seeds 0 1 2, each measured with
# `ganc eval modes RUN_DIR -n 2500`. Prints one TSV row per run and a mean per (method, data).
#
#   benches/modes.sh [GANC] [RUNS_DIR] [JOBS]
#
# GANC defaults to target/release/ganc when built, else target/debug/ganc; RUNS_DIR to
# runs/modes; JOBS (parallel runs) to 2. Each run is single-threaded (RAYON_NUM_THREADS=1).
# Settings are the examples' own: the command of one result is exactly
#   ganc run examples/<method>_<data>.gan --set train.seed=<seed> --runs RUNS_DIR
#   ganc eval modes RUNS_DIR/<method>_<data>/<timestamp> -n 2500 --json
set -euo pipefail
cd "$(dirname "$0")/.."
GANC=${1:-$( [ -x target/release/ganc ] && echo target/release/ganc || echo target/debug/ganc )}
RUNS=${2:-runs/modes}
JOBS=${3:-2}
SEEDS=${SEEDS:-"0 1 2"}  # SPECS (below) picks a subset of the six specs
export RAYON_NUM_THREADS=1
mkdir -p "$RUNS"

one() {
  local spec=$1 seed=$2 out
  out="$RUNS/seed$seed"
  "$GANC" run "examples/$spec.gan" --set "train.seed=$seed" --runs "$out" > "$out.$spec.log" 2>&1
  local dir
  dir=$(ls -d "$out/$spec"/*/ | tail -n 1)
  local json
  json=$("$GANC" eval modes "$dir" -n 2500 --json)
  local covered hq modes gn
  covered=$(sed -E 's/.*"covered":([0-9]+).*/\1/' <<< "$json")
  modes=$(sed -E 's/.*"modes":([0-9]+).*/\1/' <<< "$json")
  hq=$(sed -E 's/.*"high_quality":([0-9.e-]+).*/\1/' <<< "$json")
  # Mean gradient norm on interpolates over the last 20% of logged steps (WGAN-GP only).
  gn=$(grep -o '"grad_norm":[0-9.e+-]*' "$dir/metrics.jsonl" | cut -d: -f2 |
       awk '{v[NR]=$1} END {if (NR==0) {print "-"; exit} s=0; n=0; for (i=int(NR*0.8)+1; i<=NR; i++) {s+=v[i]; n++} printf "%.3f", s/n}')
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "${spec%_*}" "${spec##*_}" "$seed" "$covered" "$modes" "$hq" "$gn"
}
export -f one
export GANC RUNS

specs=${SPECS:-"gan_ring8 unrolled_ring8 wgan_gp_ring8 gan_grid25 unrolled_grid25 wgan_gp_grid25"}
results="$RUNS/results.tsv"
for spec in $specs; do for seed in $SEEDS; do echo "$spec $seed"; done; done |
  xargs -P "$JOBS" -n 2 bash -c 'one "$0" "$1"' > "$results"
printf 'method\tdata\tseed\tcovered\tmodes\thigh_quality\tgrad_norm\n'
sort "$results"
echo
printf 'method\tdata\tmean covered\tmean high-quality %%\n'
sort "$results" | awk -F'\t' '{k=$1"\t"$2; c[k]+=$4; m[k]=$5; h[k]+=$6; n[k]++}
  END {for (k in c) printf "%s\t%.2f/%d\t%.1f\n", k, c[k]/n[k], m[k], 100*h[k]/n[k]}' | sort
