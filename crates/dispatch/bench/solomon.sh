#!/usr/bin/env bash
# Runs the dispatch VRPTW planner on all Solomon instances, verifies every
# output with the independent checker and prints gaps against bks.json.
#
# Usage: crates/dispatch/bench/solomon.sh [SECONDS] [dimacs|exact] [distance|hierarchical] [SEED]
# Env: BENCH_DIR (default ../shared/bench/vrptw beside the checkout), CARGO_TARGET_DIR,
#      INSTANCES (space-separated names, default all 56), OUT (results dir),
#      ITERATIONS (unset; N budgets each run by N search iterations instead of
#      SECONDS of wall time, so a run repeats exactly on a busy machine),
#      VRPTW_PY (unset; a Python with pyvrp 0.14.1, e.g. $HOME/vrptw-venv/bin/python:
#      the kit's solve_reference.py (PyVRP) then runs each instance with the same
#      limit, convention, objective and seed, at the same time as ours, one
#      thread each, and the table gains its columns).
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
  if [ -n "${VRPTW_PY:-}" ]; then
    (cd "$BENCH_DIR" && "$VRPTW_PY" solve_reference.py "$inst" --time-limit "$SECONDS_LIMIT" --convention "$CONVENTION" \
      --objective "$OBJECTIVE" --seed "$SEED") > "$OUT/$name.pyvrp.json" &
  fi
  "$BIN" "$inst" --seconds "$SECONDS_LIMIT" --convention "$CONVENTION" \
    --objective "$OBJECTIVE" --seed "$SEED" ${ITERATIONS:+--iterations "$ITERATIONS"} > "$OUT/$name.json"
  python3 "$BENCH_DIR/check_solution.py" "$inst" "$OUT/$name.json" \
    --convention "$CONVENTION" > "$OUT/$name.check.json" || true
  if [ -n "${VRPTW_PY:-}" ]; then
    wait
    python3 "$BENCH_DIR/check_solution.py" "$inst" "$OUT/$name.pyvrp.json" \
      --convention "$CONVENTION" > "$OUT/$name.pyvrp.check.json" || true
  fi
done

python3 - "$OUT" "$BENCH_DIR/bks.json" "$CONVENTION" "$OBJECTIVE" "$SECONDS_LIMIT" $INSTANCES <<'PY'
import json, os, sys
out, bks_path, conv, obj, secs, *names = sys.argv[1:]
bks = json.load(open(bks_path))
ref_key = "distance_optimal" if obj == "distance" else "hierarchical"
side = all(os.path.exists(f"{out}/{n}.pyvrp.check.json") for n in names)
print(f"# dispatch vrptw: {secs}s, convention={conv}, objective={obj}, reference={ref_key}")
print("| instance | ref veh/dist | veh | dist | gap % | feasible |" + (" PyVRP veh | PyVRP dist | PyVRP gap % | PyVRP feasible |" if side else ""))
print("|---|---|---|---|---|---|" + ("---|---|---|---|" if side else ""))
def read_check(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return {"feasible": False, "vehicles": 0, "distance": float("nan")}
gaps, infeasible, fewer, more = [], 0, 0, 0
ref_gaps, ref_infeasible, ref_matched = [], 0, 0
matched = 0
for n in names:
    chk = read_check(f"{out}/{n}.check.json")
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
    matched += feas and dv <= 0
    veh = f"{chk['vehicles']}" + (f" ({dv:+d})" if dv else "")
    row = f"| {n} | {ref['vehicles']}/{ref['distance']} | {veh} | {chk['distance']} | {gap:+.2f} | {feas} |"
    if side:
        rc = read_check(f"{out}/{n}.pyvrp.check.json")
        rgap = 100.0 * (rc["distance"] - ref["distance"]) / ref["distance"]
        if rc["feasible"]:
            ref_gaps.append(rgap)
        else:
            ref_infeasible += 1
        rdv = rc["vehicles"] - ref["vehicles"]
        ref_matched += rc["feasible"] and rdv <= 0
        row += f" {rc['vehicles']}" + (f" ({rdv:+d})" if rdv else "") + f" | {rc['distance']} | {rgap:+.2f} | {rc['feasible']} |"
    print(row)
mean = sum(gaps) / len(gaps) if gaps else float("nan")
print()
print(f"instances {len(names)}, feasible {len(names) - infeasible}, infeasible {infeasible}")
print(f"distance gap over feasible: mean {mean:+.3f}%, max {max(gaps) if gaps else float('nan'):+.3f}%")
if obj == "hierarchical":
    print(f"vehicles above reference: {more}, below reference: {fewer}; reference vehicle count matched on {matched}/{len(names)}")
if side:
    ref_mean = sum(ref_gaps) / len(ref_gaps) if ref_gaps else float("nan")
    print(f"PyVRP, same limit: feasible {len(names) - ref_infeasible}, distance gap mean {ref_mean:+.3f}%, max {max(ref_gaps) if ref_gaps else float('nan'):+.3f}%"
          + (f"; reference vehicle count matched on {ref_matched}/{len(names)}" if obj == "hierarchical" else ""))
PY
