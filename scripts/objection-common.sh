# Shared by objection-flood.sh and objection-kill.sh (sourced, not run): tools, the release
# binary, a throw-away SQLite database with the demo and a notice open now, and starting and
# stopping the server.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

PORT=${PORT:-18473}
log() { printf '== %s\n' "$*" >&2; }

need=()
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v sqlite3 >/dev/null 2>&1 || need+=(sqlite3)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi

BIN=${GONGSHI_BIN:-target/release/gongshi}
if [ -z "${GONGSHI_BIN:-}" ]; then
  log "building gongshi (release)"
  cargo build --release --quiet --bin gongshi
fi

WORK=$(mktemp -d)
DB_FILE="$WORK/objections.db"
DB="sqlite://$DB_FILE"
APP_PID=""
export GONGSHI_LOG=${GONGSHI_LOG:-warn}
# The floods send each filing from an address of its own (X-Forwarded-For), believed only from
# a trusted proxy: loopback is one here, so the per-address limit on filings does not refuse them.
export GONGSHI_TRUSTED_PROXY=${GONGSHI_TRUSTED_PROXY:-127.0.0.1/32}
cleanup() {
  [ -n "$APP_PID" ] && kill -9 "$APP_PID" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() {
  for _ in $(seq 1 300); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  log "no answer from $1"
  return 1
}

port_free() {
  if curl -fsS -o /dev/null "http://127.0.0.1:$PORT/healthz" 2>/dev/null; then
    log "something already answers on port $PORT: choose another with PORT=…"
    exit 1
  fi
}

start_server() {
  port_free
  "$BIN" serve --database "$DB" --bind "127.0.0.1:$PORT" --data-dir "$WORK/data" >>"$WORK/server.log" 2>&1 &
  APP_PID=$!
  wait_for "http://127.0.0.1:$PORT/healthz"
}

stop_server() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null && wait "$APP_PID" 2>/dev/null || true
  APP_PID=""
}

# The demo, then a level-1 notice of one enterprise starting today (China time), open now.
prepare_notice() {
  port_free
  "$BIN" serve --demo --database "$DB" --bind "127.0.0.1:$PORT" --data-dir "$WORK/data" >/dev/null 2>&1 &
  APP_PID=$!
  wait_for "http://127.0.0.1:$PORT/healthz"
  stop_server
  local today gen
  today=$(TZ=Asia/Shanghai date +%F)
  gen=$("$BIN" notice generate --database "$DB" --campaign 2025 --unit E-HYH --level 1 --projects all --start "$today")
  NOTICE_ID=$(printf '%s\n' "$gen" | sed -n 's/^已生成公示草稿 \([0-9]*\)：.*/\1/p')
  "$BIN" notice publish --database "$DB" "$NOTICE_ID" >&2
  PROJECT_ID=$(sqlite3 "$DB_FILE" "SELECT i.project_id FROM notice_items i JOIN notice_revisions r ON r.id = i.revision_id WHERE r.notice_id = $NOTICE_ID ORDER BY i.position LIMIT 1")
  export NOTICE_ID PROJECT_ID
  log "notice $NOTICE_ID is open; objections go to project $PROJECT_ID"
}

# Percentile lines of `wrk --latency` → milliseconds.
p99_ms() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
m = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
value, unit = float(m.group(1)), m.group(2)
print(round(value * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit], 2))
PY
}
