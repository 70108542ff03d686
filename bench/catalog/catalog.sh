#!/usr/bin/env bash
# Benchmark: server response time of the catalog page (首页, GET /) and of the
# catalog server function it loads (POST /api/home_catalog) with 200 listed
# services, against a RELEASE build of the server, over real HTTP on 127.0.0.1.
#
#   bash bench/catalog/catalog.sh [N]
#
# N (default 500, or $N) sequential measured requests per target, after
# $WARMUP (default 20) unmeasured ones. Other knobs: SERVICES (default 200
# listed services), BENCH_PORT (default 3190, the next free one is used if
# taken), BENCH_REV=<git revision> (build that commit, exported with
# `git archive` to $BENCH_SRC_DIR, default ~/.cache/daojia-bench-src, instead
# of the working tree),
# SKIP_BUILD=1 (use the existing release binary as is).
#
# The catalog is filled through the product's own path: the server starts
# with DAOJIA_DEMO=1 (12 services + admin 13700000000/admin1234), the script
# logs in as that admin over HTTP and creates and lists services with the
# admin's server functions (admin_save_service, admin_set_service_listed)
# until SERVICES are listed. Database, uploads and logs live in a temporary
# folder that is removed on exit, together with the server process.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)

N="${1:-${N:-500}}"
WARMUP="${WARMUP:-20}"
SERVICES="${SERVICES:-200}"
PORT="${BENCH_PORT:-3190}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/daojia-target}"
BIN="$CARGO_TARGET_DIR/release/server"

log() { printf '\033[1;34m[bench]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[bench] FAILED:\033[0m %s\n' "$*" >&2; exit 1; }

[[ "$N" =~ ^[1-9][0-9]*$ ]] || die "N must be a positive integer, got '$N'"
[[ "$WARMUP" =~ ^[0-9]+$ ]] || die "WARMUP must be a non-negative integer, got '$WARMUP'"
[[ "$SERVICES" =~ ^[1-9][0-9]*$ ]] || die "SERVICES must be a positive integer, got '$SERVICES'"
for tool in curl jq awk sort; do
  command -v "$tool" >/dev/null || die "$tool is required"
done

# ---------------------------------------------------------------- start
WORK=$(mktemp -d "${TMPDIR:-/tmp}/daojia-bench.XXXXXX")
SERVER_LOG="$WORK/server.log"
JAR="$WORK/cookies.txt"
SERVER_PID=""
cleanup() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 && -f "$SERVER_LOG" ]]; then
    echo "---- last lines of the server log ----" >&2
    tail -n 40 "$SERVER_LOG" >&2 || true
  fi
  rm -rf "$WORK"
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---------------------------------------------------------------- build
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  # server depends on app with the `ssr` feature unconditionally, so the plain
  # release build of the `server` package is the SSR server cargo-leptos
  # would build (bin-features = [], bin-default-features = false).
  SRC="$ROOT"
  if [[ -n "${BENCH_REV:-}" ]]; then
    # A committed revision, exported read-only from git (the repository is
    # not touched), so an unfinished edit in the working tree cannot break or
    # skew the run. The export lives next to the target dir, like it a cache:
    # a second run of the same revision does not recompile.
    SRC="${BENCH_SRC_DIR:-$(dirname "$CARGO_TARGET_DIR")/daojia-bench-src}"
    rm -rf "$SRC" && mkdir -p "$SRC"
    git -C "$ROOT" archive --format=tar "$BENCH_REV" | tar -x -C "$SRC" || die "cannot export revision '$BENCH_REV'"
    log "building revision $(git -C "$ROOT" rev-parse --short "$BENCH_REV") (exported to $SRC)"
  else
    log "building the working tree"
  fi
  # --locked keeps the repository's Cargo.lock untouched. An exported
  # revision is a private copy, so there cargo may complete a Cargo.lock that
  # was committed out of step with a Cargo.toml (it keeps the locked versions).
  LOCKED=(--locked)
  [[ -n "${BENCH_REV:-}" ]] && LOCKED=()
  lock_before=$(cksum <"$SRC/Cargo.lock")
  log "cargo build ${LOCKED[*]:+${LOCKED[*]} }--release -p server (CARGO_TARGET_DIR=$CARGO_TARGET_DIR)"
  (cd "$SRC" && cargo build "${LOCKED[@]}" --release -p server) || die "the release build failed"
  [[ "$(cksum <"$SRC/Cargo.lock")" == "$lock_before" ]] || LOCK_NOTE=" (its committed Cargo.lock was incomplete; cargo completed the copy)"
fi
[[ -x "$BIN" ]] || die "no release server binary at $BIN"
if [[ "${SKIP_BUILD:-0}" == 1 ]]; then
  BUILT_FROM="an existing binary (SKIP_BUILD=1)"
elif [[ -n "${BENCH_REV:-}" ]]; then
  BUILT_FROM="git $(git -C "$ROOT" rev-parse --short "$BENCH_REV")${LOCK_NOTE:-}"
else
  BUILT_FROM="the working tree at git $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$ROOT" diff --quiet HEAD 2>/dev/null || echo ' + uncommitted changes')"
fi

port_taken() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for _ in $(seq 1 20); do
  port_taken "$PORT" || break
  log "port $PORT is in use, trying $((PORT + 1))"
  PORT=$((PORT + 1))
done
port_taken "$PORT" && die "no free port found near ${BENCH_PORT:-3190}"
BASE="http://127.0.0.1:$PORT"

mkdir -p "$WORK/site" "$WORK/uploads"
log "starting the release server on 127.0.0.1:$PORT with demo data (work dir $WORK)"
# Run from the work dir so nothing is written into the repository; the
# LEPTOS_* variables replace [workspace.metadata.leptos]. The hydrate bundle
# is not built: only the server's HTML and JSON are measured.
(
  cd "$WORK"
  exec env DATABASE_URL="sqlite:$WORK/bench.db" DAOJIA_DEMO=1 DAOJIA_LOGIN_LIMIT=200 \
    DAOJIA_UPLOADS="$WORK/uploads" \
    LEPTOS_SITE_ADDR="127.0.0.1:$PORT" LEPTOS_SITE_ROOT="$WORK/site" LEPTOS_OUTPUT_NAME=daojia \
    LEPTOS_ENV=PROD \
    "$BIN"
) >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!
for i in $(seq 1 120); do
  curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER_PID" 2>/dev/null || die "the server exited during start-up"
  [[ $i == 120 ]] && die "the server did not answer /healthz within 120 s"
  sleep 1
done
log "server up (pid $SERVER_PID): $(curl -fsS "$BASE/healthz")"

# ---------------------------------------------------------------- seed
# POST a server function as a form; prints the body, fails on a non-2xx/3xx.
call() {
  local endpoint=$1; shift
  local args=() kv
  for kv in "$@"; do args+=(--data-urlencode "$kv"); done
  ((${#args[@]} > 0)) || args=(--data '')
  local out="$WORK/call.out" code
  code=$(curl -sS -o "$out" -w '%{http_code}' -b "$JAR" -c "$JAR" \
    -H 'Accept: application/json' -H 'Content-Type: application/x-www-form-urlencoded' \
    "${args[@]}" "$BASE/api/$endpoint") || die "POST /api/$endpoint: curl failed"
  if [[ ! "$code" =~ ^[23] ]]; then
    die "POST /api/$endpoint answered HTTP $code: $(head -c 500 "$out")"
  fi
  cat "$out"
}
catalog_json() { call home_catalog; }
listed_count() { catalog_json | jq '.services | length'; }

log "logging in as the demo admin 13700000000"
call login phone=13700000000 password=admin1234 >/dev/null
grep -q 'dj_sid' "$JAR" || die "login set no session cookie (dj_sid)"
role=$(call current_session | jq -r '.role // empty')
[[ "$role" == admin ]] || die "after login the session is '$role', not admin"

CATALOG=$(catalog_json)
mapfile -t CATEGORIES < <(jq -r '.categories[].code' <<<"$CATALOG")
((${#CATEGORIES[@]} > 0)) || die "home_catalog lists no categories"
have=$(jq '.services | length' <<<"$CATALOG")
((have <= SERVICES)) || die "the demo data already lists $have services, more than SERVICES=$SERVICES"
log "the demo catalog lists $have services in ${#CATEGORIES[@]} categories; creating $((SERVICES - have)) more as the admin"
UNITS=(hour visit appliance day)
i=0
while ((have < SERVICES)); do
  i=$((i + 1))
  name=$(printf '基准服务 %03d' "$i")
  id=$(call admin_save_service id=0 \
    "category_code=${CATEGORIES[$((i % ${#CATEGORIES[@]}))]}" \
    "name=$name" \
    "summary=基准测试用服务 $i：上门清洁、整理与护理" \
    "content=这是第 $i 个基准测试服务。服务人员按约定时间上门，按流程完成服务，完成后由客户验收。" \
    "process_steps=$(printf '上门查看\n按区域服务\n客户验收')" \
    "supplies=专业清洁工具" \
    "qualifications=岗前培训合格" \
    "unit=${UNITS[$((i % ${#UNITS[@]}))]}" \
    "price=$((30 + (i * 37) % 900)).$((i % 10))0" \
    default_units=1 min_units=1)
  [[ "$id" =~ ^[0-9]+$ ]] || die "admin_save_service for '$name' returned '$id', not a service id"
  call admin_set_service_listed "id=$id" listed=true >/dev/null
  have=$((have + 1))
  ((i % 50 == 0)) && log "  $i created"
done
listed=$(listed_count)
[[ "$listed" == "$SERVICES" ]] || die "home_catalog lists $listed services, expected $SERVICES"
log "home_catalog now lists $listed services"

# The page itself must show every one of them.
page_code=$(curl -sS -o "$WORK/home.html" -w '%{http_code}' -H 'Accept: text/html' "$BASE/")
[[ "$page_code" == 200 ]] || die "GET / answered HTTP $page_code"
cards=$(grep -o 'class="service-card"' "$WORK/home.html" | wc -l)
[[ "$cards" == "$SERVICES" ]] || die "GET / rendered $cards service cards, expected $SERVICES"
grep -q '基准服务 '"$(printf '%03d' "$i")" "$WORK/home.html" || die "GET / does not show the last created service"
page_bytes=$(wc -c <"$WORK/home.html")
json_bytes=$(catalog_json | wc -c)

# ---------------------------------------------------------------- measure
# One curl process per request (a new connection each time, as a browser's
# first visit); records status, time to first byte and total time.
measure() {
  local label=$1 count=$2 out=$3; shift 3
  : >"$out"
  local k
  for ((k = 0; k < count; k++)); do
    curl -sS -o /dev/null -w '%{http_code} %{time_starttransfer} %{time_total}\n' "$@" >>"$out" \
      || die "$label: curl failed"
  done
  local bad
  bad=$(awk '$1 != 200' "$out" | wc -l)
  ((bad == 0)) || die "$label: $bad of $count responses were not HTTP 200 ($(awk '$1 != 200 {print $1}' "$out" | sort | uniq -c | tr '\n' ' '))"
}
# p50 / p99 (nearest rank) / max / mean in milliseconds of column $2.
stats() {
  awk -v col="$2" '{print $col * 1000}' "$1" | sort -n | awk '
    function rank(p,  r) { r = p * NR / 100; return (r == int(r)) ? r : int(r) + 1 }
    { v[NR] = $1; sum += $1 }
    END { printf "p50 %7.2f ms   p99 %7.2f ms   max %7.2f ms   mean %7.2f ms", v[rank(50)], v[rank(99)], v[NR], sum / NR }'
}

PAGE_ARGS=(-H 'Accept: text/html' "$BASE/")
FN_ARGS=(-X POST -H 'Accept: application/json' -H 'Content-Type: application/x-www-form-urlencoded' --data '' "$BASE/api/home_catalog")

rss_seeded=$(awk '/^VmRSS/ {print $2 " " $3}' "/proc/$SERVER_PID/status" 2>/dev/null || echo "n/a")
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
log "warming up ($WARMUP requests each), then $N sequential requests each"
measure "warm-up GET /" "$WARMUP" "$WORK/warm1.txt" "${PAGE_ARGS[@]}"
measure "warm-up home_catalog" "$WARMUP" "$WORK/warm2.txt" "${FN_ARGS[@]}"
measure "GET /" "$N" "$WORK/page.txt" "${PAGE_ARGS[@]}"
measure "POST /api/home_catalog" "$N" "$WORK/fn.txt" "${FN_ARGS[@]}"
load_after=$(cut -d' ' -f1-3 /proc/loadavg)

hwm=$(awk '/^VmHWM/ {print $2 " " $3}' "/proc/$SERVER_PID/status" 2>/dev/null || echo "n/a")
rss=$(awk '/^VmRSS/ {print $2 " " $3}' "/proc/$SERVER_PID/status" 2>/dev/null || echo "n/a")

# ---------------------------------------------------------------- report
cat <<EOF

Daojia catalog benchmark ($(date -u '+%Y-%m-%d %H:%M UTC'), built from $BUILT_FROM)
  server        release build, SQLite, 127.0.0.1:$PORT, $(nproc) CPU(s), load avg $load_before -> $load_after
  catalog       $listed listed services (home_catalog JSON: $listed; GET / HTML: $cards service cards)
  page size     GET / $page_bytes bytes HTML, home_catalog $json_bytes bytes JSON
  requests      $N sequential per target after $WARMUP warm-up, one curl (new connection) each, all HTTP 200

GET /  (customer home / catalog page, SSR HTML, anonymous)
  total         $(stats "$WORK/page.txt" 3)
  first byte    $(stats "$WORK/page.txt" 2)
POST /api/home_catalog  (the catalog server function the page loads)
  total         $(stats "$WORK/fn.txt" 3)
  first byte    $(stats "$WORK/fn.txt" 2)

server memory  peak RSS (VmHWM) $hwm; RSS $rss_seeded after seeding, $rss after measuring
EOF
