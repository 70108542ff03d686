#!/usr/bin/env bash
# Runs the dispatch VRPTW planner on all Solomon instances, verifies every
# output with the independent checker and prints gaps against bks.json.
#
# Usage: crates/dispatch/bench/solomon.sh [SECONDS] [dimacs|exact] [distance|hierarchical] [SEED]
# Env: BENCH_DIR (default ../shared/bench/vrptw beside the checkout), CARGO_TARGET_DIR,
#      INSTANCES (space-separated names, default all 56), OUT (results dir),
#      ITERATIONS (unset; N budgets each run by N search iterations instead of
#      SECONDS of wall time, so a run repeats exactly on a busy machine).
set -euo pipefail
SECONDS_LIMIT=${1:-1}
CONVENTION=${2:-dimacs}
OBJECTIVE=${3:-distance}
SEED=${4:-1}
BENCH_DIR=${BENCH_DIR:-$(cd "$(dirname "$0")/../../.." && pwd)/../shared/bench/vrptw}
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=${OUT:-$(mktemp -d)}
mkdir -p "$OUT"

(cd "$ROOT" && cargo build --release -q -p dispatch --bin vrptw)
BIN="$TARGET/release/vrptw"

if [ -z "${INSTANCES:-}" ]; then
  INSTANCES=$(cd "$BENCH_DIR/instances/solomon" && ls *.txt | sed 's/\.txt$//' | sort)
fi

for name in $INSTANCES; do
  inst="$BENCH_DIR/instances/solomon/$name.txt"
  "$BIN" "$inst" --seconds "$SECONDS_LIMIT" --convention "$CONVENTION" \
    --objective "$OBJECTIVE" --seed "$SEED" ${ITERATIONS:+--iterations "$ITERATIONS"} > "$OUT/$name.json"
  python3 "$BENCH_DIR/check_solution.py" "$inst" "$OUT/$name.json" \
    --convention "$CONVENTION" > "$OUT/$name.check.json" || true
done

python3 - "$OUT" "$BENCH_DIR/bks.json" "$CONVENTION" "$OBJECTIVE" "$SECONDS_LIMIT" $INSTANCES <<'PY'
import json, sys
out, bks_path, conv, obj, secs, *names = sys.argv[1:]
bks = json.load(open(bks_path))
ref_key = "distance_optimal" if obj == "distance" else "hierarchical"
print(f"# dispatch vrptw: {secs}s, convention={conv}, objective={obj}, reference={ref_key}")
print("| instance | ref veh/dist | veh | dist | gap % | feasible |")
print("|---|---|---|---|---|---|")
gaps, infeasible, fewer, more = [], 0, 0, 0
for n in names:
    chk = json.load(open(f"{out}/{n}.check.json"))
    ref = bks[ref_key][n]
    feas = chk["feasible"]
    gap = 100.0 * (chk["distance"] - ref["distance"]) / ref["distance"]
    if not feas:
        infeasible += 1
    else:
        gaps.append(gap)
    dv = chk["vehicles"] - ref["vehicles"]
    more += dv > 0
    fewer += dv < 0
    veh = f"{chk['vehicles']}" + (f" ({dv:+d})" if dv else "")
    print(f"| {n} | {ref['vehicles']}/{ref['distance']} | {veh} | {chk['distance']} | {gap:+.2f} | {feas} |")
mean = sum(gaps) / len(gaps) if gaps else float("nan")
print()
print(f"instances {len(names)}, feasible {len(names) - infeasible}, infeasible {infeasible}")
print(f"distance gap over feasible: mean {mean:+.3f}%, max {max(gaps) if gaps else float('nan'):+.3f}%")
if obj == "hierarchical":
    print(f"vehicles above reference: {more}, below reference: {fewer}")
PY
