#!/usr/bin/env bash
# Benchmark: the public page of a notice listing 50 projects, served by gongshi (release build)
# and — in the same run — the very same bytes served as a static file by nginx. Load from wrk
# on loopback, 64 connections. Prints requests/s of each, the ratio, and p50/p99 latency.
#
#   scripts/bench-notice-page.sh            # 20 s per server
#   DURATION=30s scripts/bench-notice-page.sh
#
# Installs nginx and wrk with apt-get when they are missing. Uses a throw-away SQLite database
# seeded with the demo (units, campaign) plus 50 generated projects, published as a level-1
# notice that is open now.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
APP_PORT=${APP_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}

log() { printf '== %s\n' "$*" >&2; }

need=()
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx)
command -v wrk >/dev/null 2>&1 || need+=(wrk)
command -v curl >/dev/null 2>&1 || need+=(curl)
command -v python3 >/dev/null 2>&1 || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
  log "installing ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${need[@]}" >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

log "building gongshi (release)"
cargo build --release --quiet --bin gongshi
BIN="${CARGO_TARGET_DIR:-target}/release/gongshi"

WORK=$(mktemp -d)
# nginx workers run as an unprivileged user: let them read the page.
chmod 755 "$WORK"
APP_PID=""
cleanup() {
  [ -n "$APP_PID" ] && kill "$APP_PID" 2>/dev/null || true
  [ -f "$WORK/nginx.pid" ] && kill "$(cat "$WORK/nginx.pid")" 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

DB="sqlite://$WORK/bench.db"
export GONGSHI_LOG=warn

wait_for() {
  for _ in $(seq 1 100); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  log "no answer from $1"; return 1
}

log "seeding the demo and 50 projects"
"$BIN" serve --demo --database "$DB" --bind "127.0.0.1:$APP_PORT" --data-dir "$WORK/data" >/dev/null &
APP_PID=$!
wait_for "http://127.0.0.1:$APP_PORT/healthz"
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""

# 50 projects for one enterprise: its own demo projects (same keys, so re-importing updates
# them) and the other demo projects cycled under new keys and names.
python3 - "$WORK/projects.json" <<'PY'
import json, sys
demo = json.load(open("src/demo/projects.json", encoding="utf-8"))
own = [p for p in demo if p["unit"] == "E-HYH"]
out = [dict(p) for p in own]
i = 0
while len(out) < 50:
    p = dict(demo[i % len(demo)])
    p["import_key"] = f"BENCH-{i + 1:02d}"
    p["name"] = f"{p['name']}（{i + 1}）"
    out.append(p)
    i += 1
for p in out:
    p.pop("unit", None)
json.dump(out, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
PY
"$BIN" import --database "$DB" --campaign 2025 --unit E-HYH "$WORK/projects.json" >&2
TODAY=$(TZ=Asia/Shanghai date +%F)
GEN=$("$BIN" notice generate --database "$DB" --campaign 2025 --unit E-HYH --level 1 --projects all --start "$TODAY")
NOTICE=$(printf '%s\n' "$GEN" | sed -n 's/^已生成公示草稿 \([0-9]*\)：.*/\1/p')
"$BIN" notice publish --database "$DB" "$NOTICE" >&2

"$BIN" serve --database "$DB" --bind "127.0.0.1:$APP_PORT" --data-dir "$WORK/data" >/dev/null &
APP_PID=$!
URL_APP="http://127.0.0.1:$APP_PORT/notices/$NOTICE"
wait_for "$URL_APP"

mkdir -p "$WORK/www/notices"
curl -fsS "$URL_APP" -o "$WORK/www/notices/$NOTICE"
BYTES=$(wc -c < "$WORK/www/notices/$NOTICE")
ITEMS=$(grep -o 'class="item"' "$WORK/www/notices/$NOTICE" | wc -l)
log "notice $NOTICE: $ITEMS projects, $BYTES bytes"

cat > "$WORK/nginx.conf" <<CONF
worker_processes auto;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location / { root $WORK/www; default_type "text/html; charset=utf-8"; }
  }
}
CONF
"$NGINX" -c "$WORK/nginx.conf"
URL_NGINX="http://127.0.0.1:$NGINX_PORT/notices/$NOTICE"
wait_for "$URL_NGINX"
cmp -s <(curl -fsS "$URL_APP") <(curl -fsS "$URL_NGINX") || { log "the two servers do not serve the same bytes"; exit 1; }

run() {
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1" > "$WORK/$2.txt"
  cat "$WORK/$2.txt" >&2
}
log "warming up"
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "$URL_APP" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d3s "$URL_NGINX" >/dev/null
log "gongshi"
run "$URL_APP" app
log "nginx"
run "$URL_NGINX" nginx

python3 - "$WORK/app.txt" "$WORK/nginx.txt" "$BYTES" "$ITEMS" "$CONNECTIONS" "$DURATION" <<'PY'
import re, sys
def parse(path):
    text = open(path).read()
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
    def pct(p):
        m = re.search(rf"^\s+{p}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    return rps, pct(50), pct(99), int(errors.group(1)) if errors else 0
app, nginx = parse(sys.argv[1]), parse(sys.argv[2])
print(f"notice page: {sys.argv[4]} projects, {sys.argv[3]} bytes; wrk {sys.argv[5]} connections, {sys.argv[6]} each")
print(f"{'server':8} {'req/s':>10} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}")
for name, r in (("gongshi", app), ("nginx", nginx)):
    print(f"{name:8} {r[0]:10.0f} {r[1]:8.2f} {r[2]:8.2f} {r[3]:7d}")
print(f"ratio gongshi/nginx: {app[0] / nginx[0]:.2f}")
PY
