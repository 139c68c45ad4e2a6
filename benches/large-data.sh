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
# use an existing binary instead; BENCH_SECONDS per run (default 10); BENCH_ROUNDS runs of each
# endpoint on each size, taking turns (default 3; the medians are reported); BENCH_WORKERS
# (default 1); BENCH_CONNECTIONS (default 16); BENCH_IMPORT projects to import (default 10000); BENCH_STRICT=1 to exit non-zero
# when a p50 or p99 exceeds 1.5x the demo's; BENCH_VERIFY=1 to run gongshi verify on the generated database (default
# for small). Needs wrk (installed with apt if missing). Writes target/bench/large-data-SIZE.md.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE=${1:-province}
PROFILE=${BENCH_PROFILE:-release}
SECONDS_EACH=${BENCH_SECONDS:-10}
ROUNDS=${BENCH_ROUNDS:-3}
# One worker: the server has a core and wrk the other. With a worker per core beside wrk's
# threads, the median measures whose turn it is on the cores (0.04 ms medians beside 7 ms p99s).
WORKERS=${BENCH_WORKERS:-1}
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
declare -A BASE_OF PID_OF
cleanup() {
  for label in "${!PID_OF[@]}"; do kill "${PID_OF[$label]}" 2>/dev/null || true; wait "${PID_OF[$label]}" 2>/dev/null || true; done
  rm -rf "$TMP"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

start() { # start LABEL DB_FILE [FLAGS…]: serves the database on a fresh port (BASE_OF[LABEL])
  local label=$1 db=$2 port
  shift 2
  port=$(free_port)
  BASE_OF[$label]="http://127.0.0.1:$port"
  GONGSHI_LOG=warn "$BIN" serve --bind "127.0.0.1:$port" --database "sqlite://$db" --data-dir "$TMP/data" \
    --base-url "${BASE_OF[$label]}" --workers "$WORKERS" "$@" >>"$TMP/server-$label.log" 2>&1 &
  PID_OF[$label]=$!
  for _ in $(seq 1 150); do curl -sf "${BASE_OF[$label]}/healthz" >/dev/null && return; sleep 0.2; done
  echo "server did not start"; cat "$TMP/server-$label.log"; exit 1
}

stop() { kill "${PID_OF[$1]}"; wait "${PID_OF[$1]}" 2>/dev/null || true; unset "PID_OF[$1]"; }

open_notice() { # open_notice BASE: the id of an open notice, from the public API
  curl -sf "$1/api/v1/notices?status=open&per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["items"][0]["id"])'
}

# One endpoint: "p50 p99 req/s non-2xx timeouts single bytes" (milliseconds). p50/p99 are wrk's
# under load; "single" is the median of five requests one after another (the latency of a lone
# reader); "bytes" the answer's length as wrk gets it (identity), since a longer answer costs
# more to send at any size.
measure() { # measure URL
  local single bytes
  bytes=$(curl -sf "$1" | wc -c) # also warms the caches
  single=$(for _ in 1 2 3 4 5; do curl -sf -o /dev/null -w '%{time_total}\n' "$1"; done |
    sort -n | sed -n 3p | python3 -c 'import sys; print("%.2f" % (float(sys.stdin.read()) * 1000))')
  wrk -t2 -c"$CONNECTIONS" -d"${SECONDS_EACH}s" --timeout 60s --latency "$1" | python3 -c '
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
print("%.3f %.2f %.0f %s %s %s %s" % (ms("50%"), ms("99%"), float(rps), errors.group(1) if errors else 0,
                                      timeouts.group(1) if timeouts else 0, sys.argv[1], sys.argv[2]))' "$single" "$bytes"
}

declare -A RESULT RSS SETTLED PEAK

# Each endpoint is measured ROUNDS times on each server, the demo and the generated size taking
# turns, and each figure is the median of its rounds: the machine's load drifts over minutes, and
# measuring one size after the other would put that drift into the ratio.
compare_endpoints() {
  # The notice and its API answer are the same demo notice at both sizes (the larger database
  # is the demo's, filled), so the two answers are the same bytes and the ratio measures what
  # the data's size costs, not one notice's length against another's.
  local id
  id=$(open_notice "${BASE_OF[demo]}")
  # The API list asks for a page of 5 at both sizes (the demo has 7 open notices), so the two
  # answers are the same size and the ratio measures what the data's size costs.
  # Search asks for a word only the demo's projects hold (覆冰), so both sizes answer the same
  # cards and the ratio measures the search through every notice.
  # The feed is the newest 30 events at the larger size and the demo's 21 at its own, so its
  # answer is longer there (the bytes column shows by how much).
  local ep name path label
  for ep in "home:/" "notice:/notices/$id" "feed:/feeds/notices.rss" "api-list:/api/v1/notices?status=open&per_page=5" "api-notice:/api/v1/notices/$id" "search:/?q=%E8%A6%86%E5%86%B0"; do
    name=${ep%%:*} path=${ep#*:}
    for label in demo "$SIZE"; do : > "$TMP/rounds-$label-$name"; done
    for _ in $(seq 1 "$ROUNDS"); do
      for label in demo "$SIZE"; do measure "${BASE_OF[$label]}$path" >> "$TMP/rounds-$label-$name"; done
    done
    for label in demo "$SIZE"; do
      RESULT["$label:$name"]=$(median_of_rounds "$TMP/rounds-$label-$name")
      echo "  $label $name ($path): p50 p99 req/s non-2xx timeouts single bytes = ${RESULT["$label:$name"]}" \
        "(rounds: $(cut -d' ' -f1 "$TMP/rounds-$label-$name" | paste -sd/) ms p50)"
    done
  done
}

# The median of each figure over the rounds; the errors and timeouts of all rounds added up.
median_of_rounds() {
  python3 -c '
import statistics, sys
rows = [line.split() for line in open(sys.argv[1]) if line.strip()]
col = lambda i: [float(r[i]) for r in rows]
print("%.3f %.2f %.0f %d %d %.2f %s" % (statistics.median(col(0)), statistics.median(col(1)), statistics.median(col(2)),
      sum(col(3)), sum(col(4)), statistics.median(col(5)), rows[0][6]))' "$1"
}

# Asks the server for every notice, then reads its resident memory.
crawl_and_read_memory() { # crawl_and_read_memory LABEL
  BASE=${BASE_OF[$1]} SERVER=${PID_OF[$1]}
  warm_every_notice
  RSS["$1"]=$(resident_mb VmRSS)
  wait_until_idle
  SETTLED["$1"]=$(resident_mb VmRSS)
  PEAK["$1"]=$(resident_mb VmHWM)
  echo "  $1 resident memory with every notice's page and API answer asked for: ${RSS["$1"]} MB" \
    "(${SETTLED["$1"]} MB once the background compression is done; peak ${PEAK["$1"]} MB)"
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
start demo "$TMP/demo.db" --demo
stop demo
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

echo "== both sizes served at once, $ROUNDS rounds of each endpoint, taking turns"
start demo "$TMP/demo.db"
start "$SIZE" "$TMP/large.db"
compare_endpoints
crawl_and_read_memory demo
crawl_and_read_memory "$SIZE"
stop demo
stop "$SIZE"

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
  echo "wrk: 2 threads, $CONNECTIONS connections, ${SECONDS_EACH}s a run, loopback; $ROUNDS runs of each endpoint on each size,"
  echo "the two sizes taking turns, medians shown; gongshi on $WORKERS worker(s)."
  echo
  echo "| endpoint | demo p50 | demo p99 | $SIZE p50 | $SIZE p99 | p50 ratio | p99 ratio | demo req/s | $SIZE req/s | one request, demo → $SIZE | bytes, demo → $SIZE |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|"
  for ep in home notice feed api-list api-notice search; do
    read -r dp50 dp99 drps derr dto d1 dbytes <<<"${RESULT["demo:$ep"]}"
    read -r lp50 lp99 lrps lerr lto l1 lbytes <<<"${RESULT["$SIZE:$ep"]}"
    ratio50=$(python3 -c "print(f'{$lp50 / max($dp50, 0.01):.2f}x')")
    ratio99=$(python3 -c "print(f'{$lp99 / max($dp99, 0.01):.2f}x')")
    mark=""
    if python3 -c "import sys; sys.exit(0 if $lp50 > 1.5 * max($dp50, 0.01) or $lp99 > 1.5 * max($dp99, 0.01) else 1)"; then
      mark=" (over 1.5x)"
      verdict=1
    fi
    if [ "$derr" != 0 ] || [ "$lerr" != 0 ]; then mark="$mark (non-2xx: $derr/$lerr)"; verdict=1; fi
    if [ "$dto" != 0 ] || [ "$lto" != 0 ]; then mark="$mark (timeouts: $dto/$lto)"; verdict=1; fi
    echo "| $ep | $dp50 ms | $dp99 ms | $lp50 ms | $lp99 ms | $ratio50 | $ratio99$mark | $drps | $lrps | $d1 → $l1 ms | $dbytes → $lbytes |"
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
