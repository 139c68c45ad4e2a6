#!/usr/bin/env bash
# Publishing a notice that N confirmed subscribers follow (default 100,000): the time until the
# SMTP server has taken every message, and the public pages' p99 while it happens against their
# p99 at rest, measured in the same run.
#
# Builds the release binary and the SMTP sink (examples/smtp_sink.rs), seeds the demo into a
# throw-away SQLite database, adds N subscribers to every notice (`gongshi loadgen subscribers`),
# starts the sink and the server with --smtp, measures the home page and a notice page at rest
# (wrk, 1 thread, 16 connections, 10 s each), publishes a level-1 notice with the command line,
# and then measures the same pages in 10-second windows until the sink has counted N messages.
# Prints a table, also written to target/bench/subscribers.md.
#
#   scripts/bench-subscribers.sh              # 100,000 subscribers
#   SUBSCRIBERS=2000 scripts/bench-subscribers.sh
#
# Env: SUBSCRIBERS (100000), TIMEOUT seconds to wait for every message (3600), GONGSHI_BIN, PORT.
# Installs wrk, curl, sqlite3 and python3 with apt when missing.
source "$(dirname "$0")/objection-common.sh"

N=${SUBSCRIBERS:-100000}
TIMEOUT=${TIMEOUT:-3600}
SMTP_PORT=${SMTP_PORT:-2625}
SINK=target/release/examples/smtp_sink
log "building the SMTP sink (release)"
cargo build --release --quiet --example smtp_sink

log "seeding the demo"
port_free
"$BIN" serve --demo --database "$DB" --bind "127.0.0.1:$PORT" --data-dir "$WORK/data" >/dev/null 2>&1 &
APP_PID=$!
wait_for "http://127.0.0.1:$PORT/healthz"
stop_server
log "adding $N subscribers"
"$BIN" loadgen subscribers --database "$DB" --data-dir "$WORK/data" --count "$N" --domain bench.example.cn >&2

COUNT_FILE="$WORK/sink.count"
"$SINK" "$SMTP_PORT" "$COUNT_FILE" &
SINK_PID=$!
trap 'kill "$SINK_PID" 2>/dev/null || true; cleanup' EXIT
STARTED=$(date -u +%Y-%m-%dT%H:%M:%S)
LIMIT=$(date -u -d '+5 min' +%Y-%m-%dT%H:%M:%S)
"$BIN" serve --database "$DB" --bind "127.0.0.1:$PORT" --data-dir "$WORK/data" \
  --smtp "smtp://127.0.0.1:$SMTP_PORT" --mail-from 'gongshi <gongshi@bench.example.cn>' >>"$WORK/server.log" 2>&1 &
APP_PID=$!
wait_for "http://127.0.0.1:$PORT/healthz"

# The jobs' first tick runs at start (over every subscription); measuring "at rest" during it
# would take a busy server for an idle one. A job that has run since the start holds a lease
# that ends at its run (a running one: ten minutes later).
for _ in $(seq 1 180); do
  done_jobs=$(sqlite3 "$DB_FILE" "SELECT count(*) FROM job_leases WHERE leased_until >= '$STARTED' AND leased_until < '$LIMIT'" 2>/dev/null || echo 0)
  all_jobs=$(sqlite3 "$DB_FILE" "SELECT count(*) FROM job_leases" 2>/dev/null || echo 1)
  [ "$done_jobs" -ge "$all_jobs" ] && break
  sleep 1
done
log "the jobs' first tick is over ($done_jobs of $all_jobs)"
sleep 5

BASE="http://127.0.0.1:$PORT"
NOTICE=$(sqlite3 "$DB_FILE" "SELECT id FROM notices WHERE state = 'published' ORDER BY id LIMIT 1")
PAGES=("/" "/notices/$NOTICE")
run_wrk() { wrk -t1 -c16 -d"$2" --latency -H 'Accept-Encoding: gzip, br' "$BASE$1" >"$3" 2>&1; }

declare -A IDLE
for page in "${PAGES[@]}"; do
  run_wrk "$page" 3s /dev/null
  run_wrk "$page" 10s "$WORK/idle.txt"
  IDLE[$page]=$(p99_ms "$WORK/idle.txt")
  log "at rest: $page p99 ${IDLE[$page]} ms"
done

today=$(TZ=Asia/Shanghai date +%F)
gen=$("$BIN" notice generate --database "$DB" --campaign 2025 --unit E-HYH --level 1 --projects all --start "$today")
ID=$(printf '%s\n' "$gen" | sed -n 's/^已生成公示草稿 \([0-9]*\)：.*/\1/p')
T0=$(date +%s.%N)
"$BIN" notice publish --database "$DB" "$ID" >&2
log "published notice $ID; waiting for $N messages"

sent() { cut -d' ' -f1 "$COUNT_FILE" 2>/dev/null || echo 0; }
FIRST=""
declare -A WORST
declare -A WINDOWS
for page in "${PAGES[@]}"; do WORST[$page]=0; WINDOWS[$page]=""; done
while :; do
  now=$(date +%s.%N)
  if python3 -c "import sys; sys.exit(0 if $now - $T0 > $TIMEOUT else 1)"; then
    log "gave up after $TIMEOUT s with $(sent) messages"
    exit 1
  fi
  count=$(sent)
  if [ -z "$FIRST" ] && [ "$count" -gt 0 ]; then FIRST=$(python3 -c "print(round($(date +%s.%N) - $T0, 1))"); fi
  [ "$count" -ge "$N" ] && break
  if [ "$count" -gt 0 ]; then
    for page in "${PAGES[@]}"; do
      run_wrk "$page" 10s "$WORK/busy.txt"
      p=$(p99_ms "$WORK/busy.txt")
      WINDOWS[$page]="${WINDOWS[$page]} $p"
      WORST[$page]=$(python3 -c "print(max(${WORST[$page]}, $p))")
    done
    log "$(sent) messages taken; p99 now ${WINDOWS[/]##* } ms (home)"
  else
    sleep 1
  fi
done
DONE=$(python3 -c "print(round($(date +%s.%N) - $T0, 1))")
read -r MESSAGES RECIPIENTS <"$COUNT_FILE"
RSS=$(ps -o rss= -p "$APP_PID" | awk '{printf "%.0f", $1/1024}')

mkdir -p target/bench
{
  echo "## Publishing a notice that $N subscribers follow"
  echo
  echo "| measure | value |"
  echo "|---|---|"
  echo "| published → first message taken by the SMTP server | ${FIRST} s |"
  echo "| published → all $N taken | ${DONE} s |"
  echo "| messages taken / distinct recipients | $MESSAGES / $RECIPIENTS |"
  echo "| rate | $(python3 -c "print(round($MESSAGES / $DONE))") messages/s |"
  echo "| server resident memory at the end | ${RSS} MB |"
  echo
  echo "| page | p99 at rest | worst 10 s p99 while sending | ratio | every window (ms) |"
  echo "|---|---|---|---|---|"
  for page in "${PAGES[@]}"; do
    ratio=$(python3 -c "print(round(${WORST[$page]} / max(${IDLE[$page]}, 0.01), 2))")
    echo "| \`$page\` | ${IDLE[$page]} ms | ${WORST[$page]} ms | ${ratio}× |${WINDOWS[$page]} |"
  done
  echo
  echo "wrk 1 thread, 16 connections, \`Accept-Encoding: gzip, br\`; $(nproc) cores; SQLite."
} | tee target/bench/subscribers.md
[ "$MESSAGES" -ge "$N" ] && [ "$RECIPIENTS" -ge "$N" ]
