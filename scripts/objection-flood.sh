#!/usr/bin/env bash
# Flood: objection submissions as fast as the server acknowledges them, while readers load the
# notice page. Reports durable acknowledgements per second (each 201 is sent only after its
# commit, synchronous=FULL) and the readers' p99 during the flood against idle, then checks that
# the database holds every acknowledged objection.
#
#   scripts/objection-flood.sh              # 20 s idle readers, 20 s flood
#   DURATION=30 scripts/objection-flood.sh
#   GONGSHI_BIN=target/debug/gongshi scripts/objection-flood.sh   # skip the release build
#   FLOOD_DELAY_MS=60 scripts/objection-flood.sh   # a paced flood (~1,000/s) instead of saturation
#
# Writers: wrk, 2 threads, $WRITERS connections (default 64), as fast as answers come. Readers:
# wrk, 1 thread, $READERS connections (default 16), each pausing $READER_DELAY_MS (default 10)
# between pages. Both on loopback against a throw-away SQLite database.
source "$(dirname "$0")/objection-common.sh"

DURATION=${DURATION:-20}
WRITERS=${WRITERS:-64}
READERS=${READERS:-16}

prepare_notice
start_server
PAGE="http://127.0.0.1:$PORT/notices/$NOTICE_ID"
wait_for "$PAGE"

log "warming up"
wrk -t1 -c"$READERS" -d3s "$PAGE" >/dev/null
log "readers alone for ${DURATION}s"
wrk -t1 -c"$READERS" -d"${DURATION}s" --latency -s scripts/objection-readers.lua "$PAGE" >"$WORK/idle.txt"

log "flood for ${DURATION}s with readers alongside"
wrk -t1 -c"$READERS" -d"${DURATION}s" --latency -s scripts/objection-readers.lua "$PAGE" >"$WORK/busy.txt" &
READER_PID=$!
wrk -t2 -c"$WRITERS" -d"${DURATION}s" --latency -s scripts/objection-flood.lua \
  "http://127.0.0.1:$PORT" >"$WORK/flood.txt"
wait "$READER_PID"
stop_server

ACKED=$(sed -n 's/^acknowledged: \([0-9]*\)$/\1/p' "$WORK/flood.txt")
STORED=$(sqlite3 "$DB_FILE" "SELECT count(*) FROM objections")
IDLE=$(p99_ms "$WORK/idle.txt")
IDLE_RPS=$(sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p' "$WORK/idle.txt")
BUSY_RPS=$(sed -n 's/^Requests\/sec: *\([0-9.]*\)/\1/p' "$WORK/busy.txt")
BUSY=$(p99_ms "$WORK/busy.txt")
SYNC=$(sqlite3 "$DB_FILE" "PRAGMA journal_mode")
cat "$WORK/flood.txt" >&2
python3 - "$ACKED" "$DURATION" "$STORED" "$IDLE" "$BUSY" "$WRITERS" "$READERS" "$SYNC" "$IDLE_RPS" "$BUSY_RPS" <<'PY'
import sys
acked, duration, stored, idle, busy, writers, readers, journal, idle_rps, busy_rps = sys.argv[1:]
acked, duration, stored, idle, busy = int(acked), float(duration), int(stored), float(idle), float(busy)
print(f"durable acknowledgements: {acked} in {duration:.0f} s = {acked / duration:.0f}/s "
      f"({writers} writer connections, SQLite {journal}, synchronous=FULL)")
print(f"rows in the database:     {stored} (every acknowledged one, plus any committed as the flood stopped)")
print(f"readers' p99 on the notice page ({readers} paced connections): idle {idle} ms at {idle_rps} pages/s, "
      f"during the flood {busy} ms at {busy_rps} pages/s ({busy / idle:.1f}× idle)")
if stored < acked:
    print("FAILED: fewer rows than acknowledgements")
    sys.exit(1)
PY
