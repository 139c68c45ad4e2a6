#!/usr/bin/env bash
# Flood of sign-ins: bursts of 400 concurrent POST /login with wrong passwords (every other one
# for a real account, the rest for unknown ones), one burst every 2 s, while readers load the
# home page. Reports the server's peak memory (VmHWM), how many passwords it checked, and the
# readers' p99 during the flood against idle; then how soon the real account's owner signs in
# from a new address.
#
#   scripts/login-flood.sh                                    # 20 s idle, 20 s per flood
#   DURATION=30 BURST=200 scripts/login-flood.sh
#   GONGSHI_BIN=target/debug/gongshi scripts/login-flood.sh   # another binary
#
# target/release/gongshi is used as it is (built when missing): rebuild it after a change.
# Two floods: from one address (the limits hold it to 20 checks in all), then spread — every
# request from an address of its own (X-Forwarded-For, believed from loopback), where no
# per-address limit applies and only the bound on hashes in flight keeps memory and CPU in check.
# A burst waits for its slowest answer, so once the real account's delay reaches 8 s, spread
# bursts come every ~8 s rather than every 2 s.
# Goals: peak RSS ≤ 512 MB, checks ≤ the limits (one address), readers' p99 ≤ 2× idle.
# Loopback only, on a throw-away SQLite database with the demo.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PORT=${PORT:-18474}
DURATION=${DURATION:-20}
BURST=${BURST:-400}
READERS=${READERS:-16}
REAL_USER=floodtarget
REAL_PASSWORD='压测-Password-2025'
log() { printf '== %s\n' "$*" >&2; }

for tool in wrk curl python3; do
  command -v "$tool" >/dev/null 2>&1 || { log "needs $tool"; exit 1; }
done

BIN=${GONGSHI_BIN:-target/release/gongshi}
if [ ! -x "$BIN" ]; then
  log "building gongshi (release)"
  cargo build --release --quiet --bin gongshi
fi

WORK=$(mktemp -d)
DB="sqlite://$WORK/x.db"
APP_PID=""
READER_PID=""
cleanup() {
  [ -n "$READER_PID" ] && kill "$READER_PID" 2>/dev/null || true
  [ -n "$APP_PID" ] && kill -9 "$APP_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() {
  for _ in $(seq 1 600); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  log "no answer from $1"
  return 1
}

if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
  log "something already answers on port $PORT: choose another with PORT=…"
  exit 1
fi

start_server() {
  GONGSHI_LOG="warn,password_check=debug" NO_COLOR=1 \
    "$BIN" serve --demo --database "$DB" --data-dir "$WORK/data" --bind "127.0.0.1:$PORT" >>"$WORK/server.log" 2>&1 &
  APP_PID=$!
  wait_for "http://127.0.0.1:$PORT/healthz"
}

stop_server() {
  kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
}

peak_mb() { awk '/^VmHWM:/ { printf "%.0f", $2 / 1024 }' "/proc/$APP_PID/status"; }
checks() { grep -c 'password hash' "$WORK/server.log" || true; }
p99_ms() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
value, unit = float(m.group(1)), m.group(2)
print(round(value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 2))
PY
}

log "seeding the demo"
start_server
stop_server
GONGSHI_PASSWORD="$REAL_PASSWORD" "$BIN" user add --database "$DB" --unit GS --username "$REAL_USER" --name 压测账号 >&2

start_server
HOME_PAGE="http://127.0.0.1:$PORT/"
log "server $APP_PID up, VmHWM $(peak_mb) MB"
curl -fsS -c "$WORK/jar" -o "$WORK/login.html" "http://127.0.0.1:$PORT/login"
CSRF=$(sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' "$WORK/login.html" | head -1)
COOKIE="gongshi_csrf=$(awk '$6 == "gongshi_csrf" { print $7 }' "$WORK/jar")"
export CSRF COOKIE REAL_USER

log "warming up"
wrk -t1 -c"$READERS" -d3s "$HOME_PAGE" >/dev/null
log "readers alone for ${DURATION}s"
wrk -t1 -c"$READERS" -d"${DURATION}s" --latency -s scripts/objection-readers.lua "$HOME_PAGE" >"$WORK/idle.txt"
IDLE_PEAK=$(peak_mb)

flood() { # $1: name, $2: "" or spread
  local before
  before=$(checks)
  log "flood '$1': a burst of $BURST sign-ins every 2 s for ${DURATION}s, readers alongside"
  wrk -t1 -c"$READERS" -d"${DURATION}s" --latency -s scripts/objection-readers.lua "$HOME_PAGE" >"$WORK/busy-$1.txt" &
  READER_PID=$!
  python3 scripts/login-burst.py "$PORT" "$BURST" "$DURATION" "$REAL_USER" "$COOKIE" "$CSRF" $2 >"$WORK/flood-$1.txt"
  wait "$READER_PID"
  READER_PID=""
  echo "$(($(checks) - before))" >"$WORK/checks-$1"
  peak_mb >"$WORK/peak-$1"
}

flood one-address ""
flood spread spread

log "the owner signs in from a new address (retrying as Retry-After says)"
curl -fsS -c "$WORK/owner" -o "$WORK/owner.html" "http://127.0.0.1:$PORT/login"
OWNER_CSRF=$(sed -n 's/.*name="_csrf" value="\([0-9a-f]*\)".*/\1/p' "$WORK/owner.html" | head -1)
OWNER_START=$(date +%s.%N)
for _ in $(seq 1 30); do
  OWNER_STATUS=$(curl -sS -b "$WORK/owner" -o /dev/null -D "$WORK/owner.headers" -w '%{http_code}' \
    -H 'X-Forwarded-For: 192.0.2.200' --data-urlencode "_csrf=$OWNER_CSRF" \
    --data-urlencode "username=$REAL_USER" --data-urlencode "password=$REAL_PASSWORD" \
    "http://127.0.0.1:$PORT/login")
  [ "$OWNER_STATUS" != 429 ] && break
  sleep "$(awk 'tolower($1) == "retry-after:" { print $2 + 0 }' "$WORK/owner.headers")"
done
OWNER="$OWNER_STATUS $(python3 -c "import sys; print(float(sys.argv[2]) - float(sys.argv[1]))" "$OWNER_START" "$(date +%s.%N)")"
AUDITED=$(python3 - "$WORK/x.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
print(db.execute("SELECT count(*) FROM audit_log WHERE action = 'auth.login_failed'").fetchone()[0])
PY
)
FINAL_PEAK=$(peak_mb)
stop_server

for name in one-address spread; do
  printf '%s: %s\n' "$name" "$(cat "$WORK/flood-$name.txt")" >&2
done

python3 - "$DURATION" "$BURST" "$READERS" "$IDLE_PEAK" "$FINAL_PEAK" "$AUDITED" "$OWNER" \
  "$(p99_ms "$WORK/idle.txt")" \
  "$(p99_ms "$WORK/busy-one-address.txt")" "$(cat "$WORK/checks-one-address")" "$(cat "$WORK/peak-one-address")" \
  "$(p99_ms "$WORK/busy-spread.txt")" "$(cat "$WORK/checks-spread")" "$(cat "$WORK/peak-spread")" <<'PY'
import sys
(duration, burst, readers, idle_peak, final_peak, audited, owner, idle,
 busy1, checks1, peak1, busy2, checks2, peak2) = sys.argv[1:]
idle, busy1, busy2 = float(idle), float(busy1), float(busy2)
checks1, checks2, final_peak = int(checks1), int(checks2), int(final_peak)
status, seconds = owner.split()
print(f"readers' p99 on / ({readers} paced connections), idle: {idle} ms; peak RSS before the floods: {idle_peak} MB")
print(f"bursts of {burst} from one address for {duration} s: {checks1} password checks, "
      f"readers' p99 {busy1} ms ({busy1 / idle:.1f}× idle), peak RSS {peak1} MB")
print(f"bursts of {burst} from many addresses for {duration} s: {checks2} password checks "
      f"({checks2 / float(duration):.0f}/s), readers' p99 {busy2} ms ({busy2 / idle:.1f}× idle), peak RSS {peak2} MB")
print(f"failed sign-ins to the real account in the audit log: {audited}")
print(f"then the owner from a new address: {status} within {float(seconds):.2f} s")
failed = []
if final_peak > 512:
    failed.append(f"peak RSS {final_peak} MB > 512 MB")
if checks1 > 20:
    failed.append(f"{checks1} checks from one address > 20")
if busy1 > 2 * idle:
    failed.append(f"readers' p99 during the one-address flood {busy1} ms > 2× idle")
if status != "303":
    failed.append(f"the owner got {status}")
print("goals met" if not failed else "MISSED: " + "; ".join(failed))
if busy2 > 2 * idle:
    print(f"(from many addresses every check is a real Argon2 hash: readers' p99 {busy2 / idle:.1f}× idle)")
sys.exit(1 if failed else 0)
PY
