#!/usr/bin/env bash
# Publishing a notice that N confirmed subscribers follow (default 100,000): the time until the
# SMTP server has taken every message, and the public pages' p99 while it happens against their
# p99 at rest, measured in the same run.
#
# Builds the release binary and the SMTP sink (examples/smtp_sink.rs), seeds the demo into a
# throw-away SQLite database, adds N subscribers to every notice (`gongshi loadgen subscribers`),
# starts the sink and the server with --smtp, and reads the home page and a notice page (one wrk
# each, both at once) for REST at rest. It then publishes a level-1 notice with the command line
# and keeps the same readers reading from that instant until the sink has counted N messages, so
# each page's p99 while sending is over every request made during the whole send. It ends with
# REST at rest again, to show whether the machine itself changed meanwhile.
# Prints a table, also written to target/bench/subscribers.md.
#
#   scripts/bench-subscribers.sh              # 100,000 subscribers
#   SUBSCRIBERS=2000 scripts/bench-subscribers.sh
#
# Env: SUBSCRIBERS (100000), TIMEOUT seconds to wait for every message (3600), REST seconds (60),
# GONGSHI_BIN, PORT.
# Installs wrk, curl, sqlite3 and python3 with apt when missing.
source "$(dirname "$0")/objection-common.sh"

N=${SUBSCRIBERS:-100000}
TIMEOUT=${TIMEOUT:-3600}
REST=${REST:-60}
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

# Readers on both pages at once, 8 connections each, for a duration or until stopped (SIGINT:
# wrk then prints what it measured so far). One wrk per page, so each p99 is that page's own.
start_readers() { # $1 tag, $2 duration
  READERS=()
  local i=0
  for page in "${PAGES[@]}"; do
    wrk -t1 -c8 -d"$2" --latency -H 'Accept-Encoding: gzip, br' "$BASE$page" >"$WORK/$1.$i.txt" 2>&1 &
    READERS+=($!)
    i=$((i + 1))
  done
}
wait_readers() { for pid in "${READERS[@]}"; do wait "$pid" || true; done; }
stop_readers() { for pid in "${READERS[@]}"; do kill -INT "$pid" 2>/dev/null || true; done; wait_readers; }
p99_of() { p99_ms "$WORK/$1.$2.txt"; }
rate_of() { sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$WORK/$1.$2.txt" | cut -d. -f1; }

# CPU seconds used so far by each thread of the server, by the sink and by the readers (wrk),
# by thread name.
cpu_snapshot() {
  python3 - "$APP_PID" "$SINK_PID" "${READERS[@]}" >"$1" <<'PY'
import os, re, sys
tick = os.sysconf("SC_CLK_TCK")
for i, pid in enumerate(sys.argv[1:]):
    who = ("server", "sink")[i] if i < 2 else "readers"
    for tid in os.listdir(f"/proc/{pid}/task"):
        stat = open(f"/proc/{pid}/task/{tid}/stat").read()
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        if who != "server":
            name = "(all)"
        elif tid == pid:
            name = "main thread (jobs, mail and webhook senders)"
        elif name.startswith("actix-rt"):
            name = "request workers"
        elif name.startswith("sqlx-sqlite"):
            name = "SQLite connections"
        else:
            name = re.sub(r"[-:_ ]?\d+$", "", name)
        print(who, name, tid, (int(fields[11]) + int(fields[12])) / tick, sep="\t")
PY
}
# Share of one core each process or group of threads used at rest and while sending.
cpu_table() {
  python3 - "$WORK/cpu.rest0" "$WORK/cpu.rest1" "$REST_SECONDS" "$WORK/cpu.before" "$WORK/cpu.after" "$DONE" <<'PY'
import collections, sys
def read(path):
    return {(w, n, t): float(c) for w, n, t, c in (line.rstrip("\n").split("\t") for line in open(path))}
def shares(before, after, wall):
    b, a = read(before), read(after)
    used = collections.Counter()
    for key, cpu in a.items():
        name = key[0] + " " + key[1]
        used[name] += cpu - b.get(key, 0.0)
    return {name: 100 * cpu / float(wall) for name, cpu in used.items()}
rest = shares(*sys.argv[1:4])
busy = shares(*sys.argv[4:7])
print("| process, threads | share of one core at rest | while sending |")
print("|---|---|---|")
for name in sorted(busy, key=lambda n: -busy[n]):
    if busy[name] >= 0.5 or rest.get(name, 0) >= 0.5:
        # The readers at rest were other wrk processes: matched by name.
        print(f"| {name.replace('|', '/')} | {rest.get(name, 0):.0f}% | {busy[name]:.0f}% |")
PY
}

start_readers warmup 3s
wait_readers
start_readers rest "${REST}s"
cpu_snapshot "$WORK/cpu.rest0"
REST_T0=$(date +%s.%N)
# The last snapshot before the readers end (their threads leave /proc with them).
sleep $((REST - 2))
cpu_snapshot "$WORK/cpu.rest1"
REST_SECONDS=$(python3 -c "print($(date +%s.%N) - $REST_T0)")
wait_readers
log "at rest: p99 $(p99_of rest 0) ms (home), $(p99_of rest 1) ms (notice)"

today=$(TZ=Asia/Shanghai date +%F)
gen=$("$BIN" notice generate --database "$DB" --campaign 2025 --unit E-HYH --level 1 --projects all --start "$today")
ID=$(printf '%s\n' "$gen" | sed -n 's/^已生成公示草稿 \([0-9]*\)：.*/\1/p')
start_readers busy 2h
cpu_snapshot "$WORK/cpu.before"
T0=$(date +%s.%N)
"$BIN" notice publish --database "$DB" "$ID" >&2
log "published notice $ID; waiting for $N messages while readers read"

# The sink rewrites the file every 100 ms: a read caught mid-write counts as 0.
sent() {
  local n
  n=$(cut -d' ' -f1 "$COUNT_FILE" 2>/dev/null || true)
  case $n in '' | *[!0-9]*) echo 0 ;; *) echo "$n" ;; esac
}
FIRST=""
last_log=0
while :; do
  now=$(date +%s.%N)
  if python3 -c "import sys; sys.exit(0 if $now - $T0 > $TIMEOUT else 1)"; then
    stop_readers
    log "gave up after $TIMEOUT s with $(sent) messages"
    exit 1
  fi
  count=$(sent)
  if [ -z "$FIRST" ] && [ "$count" -gt 0 ]; then FIRST=$(python3 -c "print(round($(date +%s.%N) - $T0, 1))"); fi
  [ "$count" -ge "$N" ] && break
  if [ $((SECONDS - last_log)) -ge 30 ]; then log "$count messages taken"; last_log=$SECONDS; fi
  sleep 0.2
done
DONE=$(python3 -c "print(round($(date +%s.%N) - $T0, 1))")
cpu_snapshot "$WORK/cpu.after"
stop_readers
read -r MESSAGES RECIPIENTS <"$COUNT_FILE"
RSS=$(ps -o rss= -p "$APP_PID" | awk '{printf "%.0f", $1/1024}')
start_readers after "${REST}s"
wait_readers

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
  echo "| page | p99 at rest before | p99 while sending | ratio | p99 at rest after | requests/s before / while / after |"
  echo "|---|---|---|---|---|---|"
  i=0
  for page in "${PAGES[@]}"; do
    ratio=$(python3 -c "print(round($(p99_of busy $i) / max($(p99_of rest $i), 0.01), 2))")
    echo "| \`$page\` | $(p99_of rest $i) ms | $(p99_of busy $i) ms | ${ratio}× | $(p99_of after $i) ms | $(rate_of rest $i) / $(rate_of busy $i) / $(rate_of after $i) |"
    i=$((i + 1))
  done
  echo
  cpu_table
  echo
  echo "Each page read by its own wrk (1 thread, 8 connections, \`Accept-Encoding: gzip, br\`), both at"
  echo "once: ${REST} s at rest before publishing, from publishing until the last message, ${REST} s at rest"
  echo "after. $(nproc) cores; SQLite."
} | tee target/bench/subscribers.md
[ "$MESSAGES" -ge "$N" ] && [ "$RECIPIENTS" -ge "$N" ]
