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
def read_check(path):
    try:
        return json.load(open(path))
    except (OSError, ValueError):
        return {"feasible": False, "vehicles": 0, "distance": float("nan")}
class Solver:
    """One solver's checked results against the reference, row by row."""
    def __init__(self, label, suffix):
        self.label, self.suffix = label, suffix
        self.gaps, self.matched_gaps, self.infeasible, self.more, self.fewer = [], [], 0, 0, 0
    def cells(self, n):
        chk, ref = read_check(f"{out}/{n}{self.suffix}.check.json"), bks[ref_key][n]
        gap = 100.0 * (chk["distance"] - ref["distance"]) / ref["distance"]
        dv = chk["vehicles"] - ref["vehicles"]
        if chk["feasible"]:
            self.gaps.append(gap)
            if dv <= 0:
                self.matched_gaps.append(gap)
        else:
            self.infeasible += 1
        self.more += dv > 0
        self.fewer += dv < 0
        veh = f"{chk['vehicles']}" + (f" ({dv:+d})" if dv else "")
        return f" {veh} | {chk['distance']} | {gap:+.2f} | {chk['feasible']} |"
    def summary(self):
        stat = lambda xs: f"mean {sum(xs) / len(xs):+.3f}%, max {max(xs):+.3f}%" if xs else "none"
        print(f"{self.label}: instances {len(names)}, feasible {len(names) - self.infeasible}, infeasible {self.infeasible}")
        print(f"{self.label}: distance gap over feasible: {stat(self.gaps)}")
        if obj == "hierarchical":
            print(f"{self.label}: vehicles above reference: {self.more}, below reference: {self.fewer}; "
                  f"reference vehicle count matched on {len(self.matched_gaps)}/{len(names)}, distance gap on those: {stat(self.matched_gaps)}")
solvers = [Solver("ours", "")] + ([Solver("PyVRP, same limit", ".pyvrp")] if side else [])
print(f"# dispatch vrptw: {secs}s, convention={conv}, objective={obj}, reference={ref_key}")
print("| instance | ref veh/dist | veh | dist | gap % | feasible |" + (" PyVRP veh | PyVRP dist | PyVRP gap % | PyVRP feasible |" if side else ""))
print("|---|---|---|---|---|---|" + ("---|---|---|---|" if side else ""))
for n in names:
    ref = bks[ref_key][n]
    print(f"| {n} | {ref['vehicles']}/{ref['distance']} |" + "".join(s.cells(n) for s in solvers))
print()
for s in solvers:
    s.summary()
PY
