#!/usr/bin/env bash
# Runs the dispatch benchmarks of issue #4 in release mode on one thread and
# prints their figures: one offer decision (p99 ≤ 20 ms), the slot
# availability check (p99 ≤ 5 ms) and an online day simulation comparing the
# engine, greedy nearest and the offline planner. Exits non-zero when a p99
# target is missed or a simulated plan breaks a hard rule.
#
# Usage: crates/dispatch/bench/dispatch.sh [all|offer|slots|online] [OPTIONS]
#   e.g. dispatch.sh all --seed 2 --sim-orders 500 --sim-workers 60
#   (all options: dispatch_bench --help prints them).
# Env: CARGO_TARGET_DIR as for cargo.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
cd "$ROOT"
case "${1:-}" in
  all | offer | slots | online) ;;
  *) set -- all "$@" ;;
esac
exec cargo run --release -q -p dispatch --features bench --bin dispatch_bench -- "$@"
