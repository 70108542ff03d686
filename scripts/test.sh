#!/usr/bin/env bash
# Command (b): set up and run every test: domain and unit tests, repository
# tests on SQLite and PostgreSQL, HTTP tests of the router, then the browser
# tests (Playwright + Debian Chromium) against a freshly built server.
#
# PostgreSQL: uses TEST_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test,
# starting the local cluster if it is down. With DAOJIA_REQUIRE_POSTGRES=1
# (CI) a missing PostgreSQL fails the run instead of being skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
bash scripts/setup.sh --test
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/daojia-target}"
# A test run builds once; incremental caches would only take disk.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
log() { printf '\033[1;34m[test]\033[0m %s\n' "$*"; }

# The cache outlives the clone and keeps every past commit's artifacts; a
# full disk fails the build halfway. Below 8 GB free it starts over (a cold
# build fits the CI budget).
mkdir -p "$CARGO_TARGET_DIR"
free_kb=$(df -Pk "$CARGO_TARGET_DIR" | awk 'NR == 2 { print $4 }')
if [[ -n "$free_kb" && "$free_kb" -lt $((8 * 1024 * 1024)) ]]; then
  log "less than 8 GB free beside $CARGO_TARGET_DIR: clearing the build cache"
  rm -rf "${CARGO_TARGET_DIR:?}/debug" "${CARGO_TARGET_DIR:?}/release" "${CARGO_TARGET_DIR:?}/wasm32-unknown-unknown" "${CARGO_TARGET_DIR:?}/front"
fi

export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
pg_ready() { command -v pg_isready >/dev/null && pg_isready -q -d "$TEST_DATABASE_URL"; }
if ! pg_ready && command -v pg_ctlcluster >/dev/null; then
  log "starting PostgreSQL"
  for version in $(ls /etc/postgresql 2>/dev/null); do
    pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  done
  for _ in $(seq 1 30); do pg_ready && break; sleep 1; done
fi
if ! pg_ready; then
  if [[ "${DAOJIA_REQUIRE_POSTGRES:-0}" == 1 ]]; then
    echo "PostgreSQL is required but not reachable at $TEST_DATABASE_URL" >&2
    exit 1
  fi
  log "PostgreSQL not reachable: running the SQLite half only"
  unset TEST_DATABASE_URL
fi

TEST_PACKAGES=(-p domain -p booking -p pricing -p dispatch -p payments -p ledger -p uploads -p analytics -p store -p app -p server --features app/ssr)
log "unit, repository and HTTP tests (HTTP tests on SQLite)"
cargo test --locked "${TEST_PACKAGES[@]}"
log "the dispatch benchmark binaries still compile"
cargo check --locked -q -p dispatch --features bench --bins
if [[ -n "${TEST_DATABASE_URL:-}" ]]; then
  log "HTTP tests again on PostgreSQL"
  TEST_BACKEND=postgres cargo test --locked "${TEST_PACKAGES[@]}" --test http --test orders --test worker_money --test catalog_admin
  psql "$TEST_DATABASE_URL" -Atc "SELECT datname FROM pg_database WHERE datname LIKE 'daojia_http_%'" \
    | while read -r db; do psql "$TEST_DATABASE_URL" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)"; done
fi

log "building the site (server + hydrate bundle)"
mkdir -p "$ROOT/end2end/artifacts"
if ! cargo leptos build >"$ROOT/end2end/artifacts/build.log" 2>&1; then
  cat "$ROOT/end2end/artifacts/build.log"
  exit 1
fi
tail -n 3 "$ROOT/end2end/artifacts/build.log"

E2E_DIR=$(mktemp -d)
E2E_PORT="${E2E_PORT:-3107}"
SERVER_LOG="$ROOT/end2end/artifacts/server.log"
mkdir -p "$ROOT/end2end/artifacts"
if curl -fs "http://127.0.0.1:$E2E_PORT/healthz" >/dev/null 2>&1; then
  echo "port $E2E_PORT is already serving something; stop it or set E2E_PORT" >&2
  exit 1
fi
log "starting the server on 127.0.0.1:$E2E_PORT with demo data"
DATABASE_URL="sqlite:$E2E_DIR/e2e.db" DAOJIA_DEMO=1 DAOJIA_LOGIN_LIMIT=200 DAOJIA_OFFER_TIMEOUT_SECS=15 DAOJIA_REPLAN_SECS=3 \
  LEPTOS_SITE_ADDR="127.0.0.1:$E2E_PORT" LEPTOS_SITE_ROOT="$ROOT/target/site" LEPTOS_OUTPUT_NAME=daojia \
  "$CARGO_TARGET_DIR/debug/server" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
trap 'kill $SERVER_PID 2>/dev/null || true; rm -rf "$E2E_DIR"' EXIT
for _ in $(seq 1 60); do
  curl -fs "http://127.0.0.1:$E2E_PORT/healthz" >/dev/null && break
  kill -0 $SERVER_PID 2>/dev/null || { cat "$SERVER_LOG"; exit 1; }
  sleep 1
done

log "browser tests"
if ! (cd end2end && E2E_BASE_URL="http://127.0.0.1:$E2E_PORT" E2E_SERVER_LOG="$SERVER_LOG" npx playwright test); then
  # A CI log is often read from its tail: end with each failure's first error
  # and the server's warnings, so the first failure's cause is not scrolled away.
  node end2end/failure-digest.js end2end/artifacts/results.json || true
  log "server warnings and errors (last 30)"
  sed 's/\x1b\[[0-9;]*m//g' "$SERVER_LOG" | grep -E " (WARN|ERROR) " | tail -n 30 || true
  exit 1
fi
log "all tests passed"
