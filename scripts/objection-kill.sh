#!/usr/bin/env bash
# Crash safety: flood objection submissions, kill the server with SIGKILL in the middle, restart
# it, and repeat; then check that every receipt code the server acknowledged (HTTP 201) is in the
# database. Exits non-zero if a single acknowledged objection is missing.
#
#   scripts/objection-kill.sh            # 5 rounds
#   ROUNDS=10 scripts/objection-kill.sh
source "$(dirname "$0")/objection-common.sh"

ROUNDS=${ROUNDS:-5}
WRITERS=${WRITERS:-64}
export CODES_DIR="$WORK/codes"
mkdir -p "$CODES_DIR"

prepare_notice
for round in $(seq 1 "$ROUNDS"); do
  start_server
  wrk -t2 -c"$WRITERS" -d8s -s scripts/objection-flood.lua "http://127.0.0.1:$PORT" >"$WORK/round-$round.txt" 2>&1 &
  WRK_PID=$!
  sleep "$(python3 -c 'import random; print(round(random.uniform(2.0, 5.0), 2))')"
  kill -9 "$APP_PID"
  wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
  wait "$WRK_PID" || true
  log "round $round: killed mid-flood; $(cat "$CODES_DIR"/codes-*.txt 2>/dev/null | wc -l) acknowledged so far"
done

# Open the database as the next start would (WAL recovery) and compare.
start_server
stop_server
cat "$CODES_DIR"/codes-*.txt | sort -u >"$WORK/acknowledged.txt"
sqlite3 "$DB_FILE" "SELECT receipt_code FROM objections" | sort -u >"$WORK/stored.txt"
ACKED=$(wc -l <"$WORK/acknowledged.txt")
STORED=$(wc -l <"$WORK/stored.txt")
MISSING=$(comm -23 "$WORK/acknowledged.txt" "$WORK/stored.txt" | wc -l)
VERIFY=$("$BIN" verify --database "$DB" 2>&1 || true)
echo "rounds: $ROUNDS, each killed with SIGKILL mid-flood"
echo "acknowledged receipts: $ACKED; objections in the database: $STORED; acknowledged but missing: $MISSING"
echo "ledger: $VERIFY"
if [ "$MISSING" -ne 0 ]; then
  comm -23 "$WORK/acknowledged.txt" "$WORK/stored.txt" | head >&2
  echo "FAILED: acknowledged receipts were lost"
  exit 1
fi
case "$VERIFY" in 账本完好*) ;; *) echo "FAILED: the ledger does not verify"; exit 1 ;; esac
