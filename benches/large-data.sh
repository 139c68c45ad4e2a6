#!/usr/bin/env bash
# The large-data benchmark: the home page, a notice page, the RSS feed, the public API and search at a
# generated size against the demo size, on the same machine and build; p50/p99 of each and their
# ratios to the demo's (the goal: within 1.5x, both), plus the time `gongshi import` takes for 10,000 projects, and
# the server's resident memory once every notice's page and API answer has been asked for.
#
#   bash benches/large-data.sh [small|province|country]      (default: province)
#
# Sizes (projects / notices / objections): small 2,000/400/20,000 (what CI runs), province
# 20,000/4,000/200,000, country 100,000/20,000/1,000,000.
#
# Env: BENCH_PROFILE=release|debug (default release, built into target/bench); GONGSHI_BIN to
# use an existing binary instead; BENCH_SECONDS per endpoint (default 10); BENCH_CONNECTIONS
# (default 16); BENCH_IMPORT projects to import (default 10000); BENCH_STRICT=1 to exit non-zero
# when a p50 or p99 exceeds 1.5x the demo's; BENCH_VERIFY=1 to run gongshi verify on the generated database (default
# for small). Needs wrk (installed with apt if missing). Writes target/bench/large-data-SIZE.md.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${1:-province}
PROFILE=${BENCH_PROFILE:-release}
SECONDS_EACH=${BENCH_SECONDS:-10}
CONNECTIONS=${BENCH_CONNECTIONS:-16}
IMPORT=${BENCH_IMPORT:-10000}
OUT=target/bench
mkdir -p "$OUT"
REPORT="$OUT/large-data-$SIZE.md"

command -v wrk >/dev/null || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }

if [ -n "${GONGSHI_BIN:-}" ]; then
  BIN=$GONGSHI_BIN
elif [ "$PROFILE" = release ]; then
  CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-target/bench} cargo build --release --bin gongshi
  BIN=${CARGO_TARGET_DIR:-target/bench}/release/gongshi
else
  # The test build's binary: a `cargo build` would compile much of the tree again.
  cargo test --no-run --quiet
  BIN=${CARGO_TARGET_DIR:-target}/debug/gongshi
fi

TMP=$(mktemp -d)
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start() { # start DB_FILE [FLAGS…]: serves it on a fresh port, sets BASE
  local port db=$1
  shift
  port=$(free_port)
  BASE="http://127.0.0.1:$port"
  GONGSHI_LOG=warn "$BIN" serve --bind "127.0.0.1:$port" --database "sqlite://$db" --data-dir "$TMP/data" \
    --base-url "$BASE" "$@" >>"$TMP/server.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 1 150); do curl -sf "$BASE/healthz" >/dev/null && return; sleep 0.2; done
  echo "server did not start"; cat "$TMP/server.log"; exit 1
}

stop() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

open_notice() { # the id of an open notice, from the public API
  curl -sf "$BASE/api/v1/notices?status=open&per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])'
}

# One endpoint: "p50 p99 req/s non-2xx timeouts single" (milliseconds). p50/p99 are wrk's under
# load; "single" is the median of five requests one after another (the latency of a lone reader).
measure() {
  local single
  curl -sf -o /dev/null "$BASE$1" # warm the caches
  single=$(for _ in 1 2 3 4 5; do curl -sf -o /dev/null -w '%{time_total}\n' "$BASE$1"; done |
    sort -n | sed -n 3p | python3 -c 'import sys; print("%.2f" % (float(sys.stdin.read()) * 1000))')
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --timeout 60s --latency "$BASE$1" | python3 -c '
import re, sys
text = sys.stdin.read()
def ms(label):
    m = re.search(r"^\s*" + label + r"\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
    if not m:
        return float("nan")
    v, unit = float(m.group(1)), m.group(2)
    return v / 1000 if unit == "us" else v * 1000 if unit == "s" else v
rps = re.search(r"Requests/sec:\s+([\d.]+)", text).group(1)
errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
timeouts = re.search(r"timeout (\d+)", text)
print("%.2f %.2f %.0f %s %s %s" % (ms("50%"), ms("99%"), float(rps), errors.group(1) if errors else 0,
                                   timeouts.group(1) if timeouts else 0, sys.argv[1]))' "$single"
}

declare -A RESULT RSS SETTLED PEAK
NOTICE_ID=""
bench() { # bench LABEL DB_FILE
  start "$2"
  # The notice and its API answer are the same demo notice at both sizes (the larger database
  # is the demo's, filled), so the two answers are the same bytes and the ratio measures what
  # the data's size costs, not one notice's length against another's.
  NOTICE_ID=${NOTICE_ID:-$(open_notice)}
  local id=$NOTICE_ID
  # The API list asks for a page of 5 at both sizes (the demo has 7 open notices), so the two
  # answers are the same size and the ratio measures what the data's size costs.
  # Search asks for a word only the demo's projects hold (覆冰), so both sizes answer the same
  # cards and the ratio measures the search through every notice.
  for ep in "home:/" "notice:/notices/$id" "feed:/feeds/notices.rss" "api-list:/api/v1/notices?status=open&per_page=5" "api-notice:/api/v1/notices/$id" "search:/?q=%E8%A6%86%E5%86%B0"; do
    RESULT["$1:${ep%%:*}"]=$(measure "${ep#*:}")
    echo "  $1 ${ep%%:*} (${ep#*:}): p50 p99 req/s non-2xx timeouts single = ${RESULT["$1:${ep%%:*}"]}"
  done
  warm_every_notice
  RSS["$1"]=$(resident_mb VmRSS)
  wait_until_idle
  SETTLED["$1"]=$(resident_mb VmRSS)
  PEAK["$1"]=$(resident_mb VmHWM)
  echo "  $1 resident memory with every notice's page and API answer asked for: ${RSS["$1"]} MB" \
    "(${SETTLED["$1"]} MB once the background compression is done; peak ${PEAK["$1"]} MB)"
  stop
}

resident_mb() { echo $(( $(awk "/^$1/ {print \$2}" "/proc/$SERVER/status") / 1024 )); }

# Waits (at most ten minutes) until no brotli build is pending: the stored answers' brotli
# bytes are built in the background, half the cores at a time, after their gzip is served.
wait_until_idle() {
  for _ in $(seq 1 600); do
    [ "$(curl -sf "$BASE/metrics" | awk '/^gongshi_brotli_builds_pending / {print $2}')" = 0 ] && return 0
    sleep 1
  done
  echo "  (brotli builds still pending after ten minutes)"
}

# Asks for every public notice's page and API answer (ids from the API list), so the stored
# answers and per-notice caches are as full as readers could make them.
warm_every_notice() {
  local page=1 ids
  : > "$TMP/ids"
  while :; do
    ids=$(curl -sf "$BASE/api/v1/notices?per_page=100&page=$page" | python3 -c 'import json,sys; print(" ".join(str(n["id"]) for n in json.load(sys.stdin)["items"]))')
    [ -z "$ids" ] && break
    printf '%s\n' $ids >> "$TMP/ids"
    page=$((page + 1))
  done
  sed "s|.*|$BASE/notices/&\n$BASE/api/v1/notices/&|" "$TMP/ids" | xargs -P 4 -n 50 curl -s >/dev/null || true
}

echo "== demo-size database (serve --demo)"
start "$TMP/demo.db" --demo
stop
echo "== $SIZE-size database: the same demo, then gongshi loadgen fill --size $SIZE"
for f in "$TMP"/demo.db*; do cp "$f" "${f/demo.db/large.db}"; done
FILL_START=$(date +%s)
GONGSHI_LOG=warn "$BIN" loadgen fill --database "sqlite://$TMP/large.db" --data-dir "$TMP/data" --size "$SIZE"
FILL_SECONDS=$(( $(date +%s) - FILL_START ))
DB_MB=$(du -m "$TMP/large.db" | cut -f1)
# The generated rows must be what the real code writes: the ledger check rebuilds every entry
# from its rows (default on for small, where it takes seconds).
if [ "${BENCH_VERIFY:-$([ "$SIZE" = small ] && echo 1 || echo 0)}" = 1 ]; then
  "$BIN" verify --database "sqlite://$TMP/large.db"
fi

bench demo "$TMP/demo.db"
bench "$SIZE" "$TMP/large.db"

echo "== import of $IMPORT projects through gongshi import"
"$BIN" loadgen import-file --projects "$IMPORT" "$TMP/import.json" >/dev/null
IMPORT_START=$(date +%s.%N)
GONGSHI_LOG=warn "$BIN" import --database "sqlite://$TMP/demo.db" --campaign 2025 --unit E-GDGS "$TMP/import.json"
IMPORT_SECONDS=$(python3 -c "print(f'{$(date +%s.%N) - $IMPORT_START:.1f}')")

verdict=0
{
  echo "# Large-data benchmark: $SIZE ($(date -u +%Y-%m-%d), $PROFILE build, $(nproc) cores)"
  echo
  echo "Generated with \`gongshi loadgen fill --size $SIZE\` in ${FILL_SECONDS}s; SQLite file ${DB_MB} MB."
  echo "wrk: 2 threads, $CONNECTIONS connections, ${SECONDS_EACH}s per endpoint, loopback."
  echo
  echo "| endpoint | demo p50 | demo p99 | $SIZE p50 | $SIZE p99 | p50 ratio | p99 ratio | demo req/s | $SIZE req/s | one request, demo → $SIZE |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for ep in home notice feed api-list api-notice search; do
    read -r dp50 dp99 drps derr dto d1 <<<"${RESULT["demo:$ep"]}"
    read -r lp50 lp99 lrps lerr lto l1 <<<"${RESULT["$SIZE:$ep"]}"
    ratio50=$(python3 -c "print(f'{$lp50 / max($dp50, 0.01):.2f}x')")
    ratio99=$(python3 -c "print(f'{$lp99 / max($dp99, 0.01):.2f}x')")
    mark=""
    if python3 -c "import sys; sys.exit(0 if $lp50 > 1.5 * max($dp50, 0.01) or $lp99 > 1.5 * max($dp99, 0.01) else 1)"; then
      mark=" (over 1.5x)"
      verdict=1
    fi
    if [ "$derr" != 0 ] || [ "$lerr" != 0 ]; then mark="$mark (non-2xx: $derr/$lerr)"; verdict=1; fi
    if [ "$dto" != 0 ] || [ "$lto" != 0 ]; then mark="$mark (timeouts: $dto/$lto)"; verdict=1; fi
    echo "| $ep | $dp50 ms | $dp99 ms | $lp50 ms | $lp99 ms | $ratio50 | $ratio99$mark | $drps | $lrps | $d1 → $l1 ms |"
  done
  echo
  echo "Import of $IMPORT projects (JSON, one file) through \`gongshi import\`: ${IMPORT_SECONDS}s."
  echo
  echo "Resident memory of the server after the endpoints above and every notice's page and API answer"
  echo "(right after / once the background compression is done / peak):"
  echo "demo ${RSS[demo]} / ${SETTLED[demo]} / ${PEAK[demo]} MB, $SIZE ${RSS[$SIZE]} / ${SETTLED[$SIZE]} / ${PEAK[$SIZE]} MB."
} | tee "$REPORT"
echo "(written to $REPORT)"
if [ "$verdict" = 1 ] && [ "${BENCH_STRICT:-0}" = 1 ]; then exit 1; fi
