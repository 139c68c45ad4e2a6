#!/usr/bin/env bash
# Instructions gongshi spends in user space on one request for a stored public page, counted by
# callgrind: a figure the machine's load does not move, to set beside the wrk ratios of
# scripts/bench-public-pages.sh when comparing two builds.
#
# The server answers SMALL, then (a fresh start on the same database) LARGE GETs of PAGE over
# one kept-alive connection, without Accept-Encoding (identity); the difference between the two
# totals, divided by LARGE - SMALL, is the cost of one request, start-up and shut-down cancelled.
#
#   scripts/instructions-per-request.sh                          # /feeds/notices.rss
#   PAGE=/notices/1 scripts/instructions-per-request.sh
#   GONGSHI_BIN=path/to/gongshi scripts/instructions-per-request.sh   # an existing binary
#   SMALL=500 LARGE=1500 (the defaults)
#
# Installs valgrind with apt-get when it is missing. Uses a throw-away SQLite database seeded with
# the demo.
set -euo pipefail
cd "$(dirname "$0")/.."

PAGE=${PAGE:-/feeds/notices.rss}
SMALL=${SMALL:-500}
LARGE=${LARGE:-1500}
PORT=${PORT:-18095}

. scripts/bench-common.sh
install_missing valgrind curl python3
gongshi_binary

WORK=$(mktemp -d)
PID=""
cleanup() {
  [ -n "$PID" ] && kill "$PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT
DB="sqlite://$WORK/gongshi.db?mode=rwc"
URL="http://127.0.0.1:$PORT"

log "seeding the demo"
"$BIN" serve --demo --database "$DB" --bind "127.0.0.1:$PORT" --data-dir "$WORK/data" >/dev/null 2>&1 &
PID=$!
wait_for "$URL/healthz"
kill "$PID"; wait "$PID" 2>/dev/null || true; PID=""

# Total instructions of a server that answered $1 requests for the page (plus two to build it).
count() {
  local out="$WORK/callgrind-$1.out"
  valgrind --tool=callgrind --callgrind-out-file="$out" \
    "$BIN" serve --database "$DB" --bind "127.0.0.1:$PORT" --data-dir "$WORK/data" >/dev/null 2>&1 &
  PID=$!
  wait_for "$URL/healthz" 300 # valgrind starts slowly
  python3 - "$PORT" "$PAGE" "$1" <<'PY'
import http.client, sys
port, page, n = int(sys.argv[1]), sys.argv[2], int(sys.argv[3])
connection = http.client.HTTPConnection("127.0.0.1", port)
for _ in range(n + 2):
    connection.request("GET", page)
    response = connection.getresponse()
    response.read()
    if response.status != 200:
        sys.exit(f"{page}: {response.status}")
PY
  kill -INT "$PID"; wait "$PID" 2>/dev/null || true; PID=""
  awk '/^(summary|totals):/ {print $2; exit}' "$out"
}

log "counting $SMALL requests of $PAGE"
small=$(count "$SMALL")
log "counting $LARGE requests of $PAGE"
large=$(count "$LARGE")
printf '%s: %s instructions for %s requests, %s for %s: %s per request\n' \
  "$PAGE" "$small" "$SMALL" "$large" "$LARGE" "$(( (large - small) / (LARGE - SMALL) ))"
