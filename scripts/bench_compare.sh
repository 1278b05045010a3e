#!/usr/bin/env bash
# Compares `growthstream bench pipeline` of this checkout with an earlier commit, in one
# session on the same machine: both release binaries are built, then run alternately
# (base, head, base, head, ...), so load changes hit both sides alike. Prints every run's
# figures and the medians of the ratios to the raw librdkafka ceiling, which each run
# measures for itself.
#
#   scripts/bench_compare.sh BASE_REF [RUNS] [-- extra bench pipeline options]
#   make bench-compare BASE=98abb13 RUNS=3
set -euo pipefail

base_ref=${1:?usage: scripts/bench_compare.sh BASE_REF [RUNS] [-- bench options]}
shift
runs=3
if [[ $# -gt 0 && $1 != "--" ]]; then runs=$1; shift; fi
if [[ $# -gt 0 && $1 == "--" ]]; then shift; fi
extra=("$@")

root=$(git rev-parse --show-toplevel)
base_commit=$(git -C "$root" rev-parse --short "$base_ref")
base_dir=${BENCH_BASE_DIR:-"$root/.build-bench/$base_commit"}  # an existing checkout of the base may be given
out_dir="$root/.build-bench/runs"
mkdir -p "$out_dir"

if [[ ! -d $base_dir ]]; then
    git -C "$root" worktree add --detach "$base_dir" "$base_commit" >/dev/null
fi
echo "building the base ($base_commit) and this checkout, -c release"
(cd "$base_dir" && swift build -c release --product growthstream >"$out_dir/build-base.log" 2>&1) || {
    tail -20 "$out_dir/build-base.log"; exit 1; }
(cd "$root" && swift build -c release --product growthstream >"$out_dir/build-head.log" 2>&1) || {
    tail -20 "$out_dir/build-head.log"; exit 1; }
base_bin="$base_dir/.build/release/growthstream"
head_bin="$root/.build/release/growthstream"

# One side's run: its own rules and topics (the base may predate keys this checkout has).
run_side() {
    local side=$1 bin=$2 dir=$3 n=$4
    (cd "$dir" && "$bin" bench pipeline "${extra[@]}") >"$out_dir/$side-$n.txt" 2>&1 || {
        echo "$side run $n failed:"; tail -20 "$out_dir/$side-$n.txt"; exit 1; }
}

for ((n = 1; n <= runs; n++)); do
    run_side base "$base_bin" "$base_dir" "$n"
    run_side head "$head_bin" "$root" "$n"
    echo "run $n of $runs done"
done

# The throughput and CPU ratios of each run, then their medians.
summarise() {
    local side=$1 label=$2
    echo "== $label"
    for ((n = 1; n <= runs; n++)); do
        grep -E 'events/s|ratio growthstream / ceiling: [0-9.]+ \(throughput' "$out_dir/$side-$n.txt" | sed 's/^/  /'
    done
    local ratios
    ratios=$(for ((n = 1; n <= runs; n++)); do
        sed -nE 's/.*ceiling: ([0-9.]+) \(throughput\), ([0-9.]+) \(CPU per event\).*/\1 \2/p' "$out_dir/$side-$n.txt"
    done)
    local m=$(((runs + 1) / 2))
    echo "  median of $runs runs: throughput ratio $(cut -d' ' -f1 <<<"$ratios" | sort -n | sed -n "${m}p"), \
CPU-per-event ratio $(cut -d' ' -f2 <<<"$ratios" | sort -n | sed -n "${m}p")"
}
summarise base "base $base_commit"
summarise head "this checkout $(git -C "$root" rev-parse --short HEAD)"
