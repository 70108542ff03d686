#!/usr/bin/env bash
# Command (a): set up, build, and run Daojia on SQLite with demo data at
# http://127.0.0.1:3000 (database file: ./data/daojia.db).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/daojia-target}"
export DATABASE_URL="${DATABASE_URL:-sqlite:data/daojia.db}"
export DAOJIA_DEMO="${DAOJIA_DEMO:-1}"
exec cargo leptos serve "$@"
