#!/usr/bin/env bash
# The online day of issue #4 on Solomon instances, side by side with the
# reference kit's `online_sim.py` (greedy insertion, periodic PyVRP, offline
# PyVRP) on the same day: the same fleet cap and the same release times.
#
# For each instance: release times from the script's own generator (seed,
# --dod 0.5, --lead 0.7), our `online_day` binary (engine, greedy, our offline
# plan), then `online_sim.py` when a Python with PyVRP is given, and
# `check_solution.py` on the engine's executed routes. Prints one table.
#
# Usage: crates/dispatch/bench/online.sh [INSTANCE …]   (default: the kit's 8-instance panel)
# Env:  VRPTW_PY   Python with pyvrp 0.14.1 (e.g. $HOME/vrptw-venv/bin/python); without it
#                  the reference columns are left out
#       CAP        fleet cap as a multiple of the best-known vehicle count (default 1.2, rounded up),
#                  or "instance" for the instance's own fleet (online_sim.py's default)
#       SEEDS ("1"; several, e.g. "1 2 3", run each instance on that many days: one
#       day is noisy, the engine's gap moves by several points between days; with
#       two or more days the summary gives the 95% interval of the mean over days),
#       HINDSIGHT (unset; N adds the engine's hindsight curve at N+1 times, see
#       `online_day --hindsight`: where in the day its extra travel is incurred),
#       CLAIRVOYANT (unset; 1 adds `online_day --clairvoyant`: the engine told
#       every order at the start but sending nobody before the booking, i.e.
#       about the best any anticipation of bookings could do),
#       RELEASE_BOUND (unset; 1 adds `online_day --release-bound`: the best plan of the
#       day knowing every order, no service before its booking plus the shortest leg into
#       it, a lower bound on what any policy that sends nobody before the booking drives),
#       FORECAST (unset; oracle or sample: the engine plans with forecast orders, see
#       `online_day --forecast`; the engine columns are then that engine's),
#       FORECAST_JITTER (0.5; `--forecast-jitter`),
#       ITERS (unset; N budgets our searches by N iterations per second of budget
#       instead of wall time, so a run is reproducible and two policies compare
#       on equal search effort; the PyVRP columns stay on wall time),
#       DECISION_SECONDS (0.2), INITIAL_SECONDS (2), OFFLINE_SECONDS (10),
#       BENCH_DIR (../shared/bench/vrptw beside the checkout), OUT (results dir), CARGO_TARGET_DIR
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
BENCH_DIR=${BENCH_DIR:-$ROOT/../shared/bench/vrptw}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
OUT=${OUT:-$(mktemp -d)}
SEEDS=${SEEDS:-${SEED:-1}}
CAP=${CAP:-1.2}
mkdir -p "$OUT"
INSTANCES=${*:-C101 C201 R101 R201 RC101 RC201 R112 RC208}

(cd "$ROOT" && cargo build --release -q -p dispatch --bin online_day)
BIN="$TARGET/release/online_day"

RUNS=()
for SEED in $SEEDS; do
  for name in $INSTANCES; do
    run="$name.s$SEED"
    RUNS+=("$run")
    inst="$BENCH_DIR/instances/solomon/$name.txt"
    if [ "$CAP" = instance ]; then
      workers=$(awk 'f { print $1; exit } /NUMBER/ { f = 1 }' "$inst")
    else
      workers=$(python3 -c "import json,math,sys; b=json.load(open(sys.argv[1])); print(math.ceil(float(sys.argv[3]) * b['hierarchical'][sys.argv[2]]['vehicles'] - 1e-9))" "$BENCH_DIR/bks.json" "$name" "$CAP")
    fi
    # online_sim.py's own day: the same generator, seed and parameters.
    (cd "$BENCH_DIR" && python3 - "$inst" "$SEED" > "$OUT/$run.releases.json") <<'PY'
import json, random, sys
from solve_reference import euclid, parse_solomon
inst = parse_solomon(sys.argv[1])
rng = random.Random(int(sys.argv[2]))
N = inst["nodes"]
release = {}
for nd in N[1:]:
    latest = max(0.0, nd[5] - euclid(N[0], nd))
    release[nd[0]] = rng.uniform(0, 0.7 * latest) if rng.random() < 0.5 else 0.0
print(json.dumps(release))
PY
    "$BIN" "$inst" --releases "$OUT/$run.releases.json" --workers "$workers" --seed "$SEED" \
      --decision-seconds "${DECISION_SECONDS:-0.2}" --initial-seconds "${INITIAL_SECONDS:-2}" \
      --offline-seconds "${OFFLINE_SECONDS:-10}" ${HINDSIGHT:+--hindsight "$HINDSIGHT"} ${ITERS:+--iters-per-second "$ITERS"} \
      ${CLAIRVOYANT:+--clairvoyant} ${RELEASE_BOUND:+--release-bound} \
      ${FORECAST:+--forecast "$FORECAST" --forecast-jitter "${FORECAST_JITTER:-0.5}"} > "$OUT/$run.ours.json"
    python3 -c "import json,sys; d=json.load(open(sys.argv[1])); json.dump({'routes': d['routes']}, open(sys.argv[2], 'w'))" \
      "$OUT/$run.ours.json" "$OUT/$run.engine-routes.json"
    python3 "$BENCH_DIR/check_solution.py" "$inst" "$OUT/$run.engine-routes.json" --convention exact \
      > "$OUT/$run.check.json" 2>&1 || true
    if [ -n "${CLAIRVOYANT:-}" ]; then
      python3 -c "import json,sys; d=json.load(open(sys.argv[1])); json.dump({'routes': d['clairvoyant_routes']}, open(sys.argv[2], 'w'))" \
        "$OUT/$run.ours.json" "$OUT/$run.clairvoyant-routes.json"
      python3 "$BENCH_DIR/check_solution.py" "$inst" "$OUT/$run.clairvoyant-routes.json" --convention exact \
        > "$OUT/$run.clairvoyant-check.json" 2>&1 || true
    fi
    if [ -n "${VRPTW_PY:-}" ]; then
      (cd "$BENCH_DIR" && "$VRPTW_PY" online_sim.py "$inst" --workers "$workers" --seed "$SEED" \
        --offline-time "${OFFLINE_SECONDS:-10}") > "$OUT/$run.reference.json"
    fi
  done
done

python3 - "$OUT" "${RUNS[@]}" <<'PY'
import json, os, random, sys
out, *names = sys.argv[1:]
print(f"# online day (dod 0.5, lead 0.7), results in {out}")
print("| instance | day (seed) | workers | engine served | engine km/order | vs our offline | vs PyVRP offline | checker | greedy served | greedy km/order | PyVRP periodic served | PyVRP periodic km/order | vs PyVRP offline | engine p50/p99 ms per day booking |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
by_instance = {}
days_ours = {}
curves = []
tot = {"served": 0, "orders": 0, "gap_ours": [], "gap_ref": [], "ref_gap": [], "greedy": 0, "ref_served": 0,
       "clair_served": 0, "clair_ours": [], "clair_ref": [], "bound_ours": [], "bound_executable": 0}
clair_rows = []
bound_rows = []
lost_rows = []
gap = lambda a, b: 100.0 * (a / b - 1.0)
def checked(path):
    try:
        return "feasible" if json.load(open(path)).get("feasible") else "INFEASIBLE"
    except Exception:
        return "not all served"
for n in names:
    d = json.load(open(f"{out}/{n}.ours.json"))
    e, g, o = d["engine"], d["greedy"], d["offline"]
    if "hindsight" in d:
        curves.append((n, o["travel_total"], d["hindsight"]))
    ref = json.load(open(f"{out}/{n}.reference.json")) if os.path.exists(f"{out}/{n}.reference.json") else None
    check = checked(f"{out}/{n}.check.json")
    g_ours = gap(e["travel_per_order"], o["travel_per_order"])
    tot["gap_ours"].append(g_ours)
    name, seed = n.rsplit(".s", 1)
    days_ours.setdefault(name, []).append(g_ours)
    tot["served"] += e["served"]; tot["orders"] += e["orders"]; tot["greedy"] += g["served"]
    for policy in ("engine", "greedy", "clairvoyant", "offline"):
        for l in d.get(policy, {}).get("lost", []):
            lost_rows.append(f"{name} day {seed}, {policy}: customer {l['customer']} booked at {l['booked_at']}: {l['reason']}")
    if "release_bound" in d:
        rb = d["release_bound"]
        tot["bound_ours"].append(gap(rb["travel_per_order"], o["travel_per_order"]))
        tot["bound_executable"] += int(rb["executable"])
        bound_rows.append(f"{name} day {seed}: {rb['served']}/{e['orders']} served, {rb['travel_per_order']:.2f} per order, "
                          f"{tot['bound_ours'][-1]:+.1f}% vs our offline, {'executable' if rb['executable'] else 'relaxed only'}")
    if "clairvoyant" in d:
        c = d["clairvoyant"]
        tot["clair_served"] += c["served"]
        tot["clair_ours"].append(gap(c["travel_per_order"], o["travel_per_order"]))
        if ref:
            tot["clair_ref"].append(gap(c["travel_per_order"], ref["offline"]["travel_per_order"]))
        clair_rows.append(f"{name} day {seed}: {c['served']}/{c['orders']} served ({checked(f'{out}/{n}.clairvoyant-check.json')}), {c['travel_per_order']:.2f} per order, "
                          f"{tot['clair_ours'][-1]:+.1f}% vs our offline" + (f", {tot['clair_ref'][-1]:+.1f}% vs PyVRP offline" if ref else ""))
    if ref:
        g_ref = gap(e["travel_per_order"], ref["offline"]["travel_per_order"])
        b = ref["batch"]
        r_gap = gap(b["travel_per_order"], ref["offline"]["travel_per_order"])
        tot["gap_ref"].append(g_ref); tot["ref_gap"].append(r_gap); tot["ref_served"] += b["served"]
        by_instance.setdefault(name, []).append((g_ref, r_gap))
        refcols = f"{g_ref:+.1f}% | {check} | {g['served']}/{g['orders']} | {g['travel_per_order']:.2f} | {b['served']}/{b['orders']} | {b['travel_per_order']:.2f} | {r_gap:+.1f}%"
    else:
        refcols = f"– | {check} | {g['served']}/{g['orders']} | {g['travel_per_order']:.2f} | – | – | –"
    print(f"| {name} | {seed} | {d['workers']} | {e['served']}/{e['orders']} | {e['travel_per_order']:.2f} | {g_ours:+.1f}% | {refcols} | {e['latency_ms_p50']:.0f}/{e['latency_ms_p99']:.0f} |")
mean = lambda xs: sum(xs) / len(xs) if xs else float("nan")
if lost_rows:
    print()
    print("orders not served, with the reason:")
    for row in lost_rows:
        print(row)
if clair_rows:
    print()
    print("clairvoyant (every order known at the start, nobody sent before the booking):")
    for row in clair_rows:
        print(row)
if bound_rows:
    print()
    print("release bound (every order known, no service before its booking plus the shortest leg into it):")
    for row in bound_rows:
        print(row)
if curves:
    print()
    print("hindsight: orders committed → best day total then, vs our offline plan")
    for n, off, curve in curves:
        print(f"{n}: " + ", ".join(f"{h['committed']}→{100.0 * (h['best_total'] / off - 1.0):+.1f}%" for h in curve))
print()
print(f"engine served {tot['served']}/{tot['orders']} ({100.0 * tot['served'] / tot['orders']:.1f}%), greedy {tot['greedy']}/{tot['orders']}")
def day_interval(days):
    """95% interval of the panel's mean gap over other days of the same
    instances: each instance's days resampled with replacement (a stratified
    bootstrap), so a policy change smaller than this is not yet measured."""
    if any(len(gs) < 2 for gs in days.values()):
        return ""
    rng = random.Random(0)
    means = sorted(mean([rng.choice(gs) for gs in days.values() for _ in gs]) for _ in range(2000))
    return f" (95% interval over other days: {means[49]:+.2f}% to {means[1949]:+.2f}%)"
print(f"engine travel per order vs our offline plan: mean {mean(tot['gap_ours']):+.2f}%{day_interval(days_ours)}, max {max(tot['gap_ours']):+.2f}%")
if tot["clair_ours"]:
    print(f"clairvoyant served {tot['clair_served']}/{tot['orders']}, travel per order vs our offline plan: mean {mean(tot['clair_ours']):+.2f}%")
if tot["bound_ours"]:
    print(f"release bound, travel per order vs our offline plan: mean {mean(tot['bound_ours']):+.2f}%, "
          f"min {min(tot['bound_ours']):+.2f}%, max {max(tot['bound_ours']):+.2f}%; executable on {tot['bound_executable']}/{len(tot['bound_ours'])} days")
if tot["gap_ref"]:
    print(f"engine travel per order vs PyVRP offline: mean {mean(tot['gap_ref']):+.2f}%, max {max(tot['gap_ref']):+.2f}%")
    if tot["clair_ref"]:
        print(f"clairvoyant travel per order vs PyVRP offline: mean {mean(tot['clair_ref']):+.2f}%")
    print(f"PyVRP periodic: served {tot['ref_served']}/{tot['orders']}, travel per order vs PyVRP offline mean {mean(tot['ref_gap']):+.2f}%")
    if len(names) > len(by_instance):
        print("per instance, mean over the days (engine / PyVRP periodic, vs PyVRP offline): " + ", ".join(
            f"{k} {mean([e for e, _ in v]):+.1f}% / {mean([r for _, r in v]):+.1f}%" for k, v in by_instance.items()))
PY
