#!/usr/bin/env bash
# Benchmark: every public page of the demo served by gongshi (release build) against nginx
# serving the very same bytes as static files, in one run. For each page three encodings:
#
#   identity  no Accept-Encoding: gongshi vs nginx sending the file;
#   gzip      Accept-Encoding: gzip: gongshi vs nginx compressing on the fly (its default level);
#   br        Accept-Encoding: gzip, deflate, br (what browsers send): gongshi vs nginx, which
#             has no brotli and answers gzip on the fly.
#
# Load from wrk on loopback: 1 thread, 64 connections. nginx and gongshi run 1 worker each, so
# each server has a core and wrk the other (`WORKERS=2`, or `WORKERS=` for one per core, to run
# gongshi otherwise). Prints a table of requests/s, p50 and p99 of both servers and the ratio
# gongshi/nginx, and writes it to target/bench/public-pages.md.
#
#   scripts/bench-public-pages.sh                 # 5 s per run (90 runs, about 8 minutes)
#   DURATION=3s scripts/bench-public-pages.sh     # about 5 minutes
#   DURATION=10s scripts/bench-public-pages.sh
#   GONGSHI_BIN=path/to/gongshi scripts/bench-public-pages.sh   # an existing binary, no build
#   PAGES="home notice" scripts/bench-public-pages.sh            # some pages only
#
# Installs nginx and wrk with apt-get when they are missing. Uses a throw-away SQLite database
# seeded with the demo, plus a notice of 50 projects open today (page `notice-50`, about 120 KB:
# the longest page readers open).
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-5s}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-1}
APP_PORT=${APP_PORT:-18080}
NGINX_PORT=${NGINX_PORT:-18081}
OUT=${OUT:-target/bench/public-pages.md}

. scripts/bench-common.sh
install_missing nginx wrk curl python3
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
gongshi_binary

WORK=$(mktemp -d)
# nginx workers run as an unprivileged user: let them read the pages.
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
APP="http://127.0.0.1:$APP_PORT"


log "seeding the demo and a notice of 50 projects"
"$BIN" serve --demo --database "$DB" --bind "127.0.0.1:$APP_PORT" --data-dir "$WORK/data" >/dev/null 2>&1 &
APP_PID=$!
wait_for "$APP/healthz"
kill "$APP_PID"; wait "$APP_PID" 2>/dev/null || true; APP_PID=""

# A long notice besides the demo's short ones: 50 projects of one enterprise, its own demo
# projects (same keys, so importing again updates them) and the other demo projects cycled
# under new keys and names, published as a level-1 notice open today.
python3 - "$WORK/projects.json" <<'PY'
import json, sys
demo = json.load(open("src/demo/projects.json", encoding="utf-8"))
out = [dict(p) for p in demo if p["unit"] == "E-HYH"]
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
"$BIN" import --database "$DB" --campaign 2025 --unit E-HYH "$WORK/projects.json" >/dev/null
TODAY=$(TZ=Asia/Shanghai date +%F)
GEN=$("$BIN" notice generate --database "$DB" --campaign 2025 --unit E-HYH --level 1 --projects all --start "$TODAY")
LONG_NOTICE=$(printf '%s\n' "$GEN" | sed -n 's/^已生成公示草稿 \([0-9]*\)：.*/\1/p')
"$BIN" notice publish --database "$DB" "$LONG_NOTICE" >/dev/null

WORKERS=${WORKERS-1}
"$BIN" serve --database "$DB" --bind "127.0.0.1:$APP_PORT" --data-dir "$WORK/data" ${WORKERS:+--workers "$WORKERS"} >/dev/null 2>&1 &
APP_PID=$!
wait_for "$APP/healthz"

# The pages: an open notice of the demo, its unit, a result report.
read -r NOTICE UNIT < <(curl -fsS "$APP/api/v1/notices?status=open&per_page=100" | python3 -c '
import json, sys
n = next(n for n in json.load(sys.stdin)["items"] if n["id"] != int(sys.argv[1]))
print(n["id"], n["unit"]["code"])' "$LONG_NOTICE")
REPORT=$(curl -fsS "$APP/api/v1/notices?status=closed&per_page=100" | python3 -c '
import json, sys
print(next(n["report_code"] for n in json.load(sys.stdin)["items"] if n["report_code"]))')
# name|path|content type
PAGE_LIST="home|/|text/html; charset=utf-8
notice|/notices/$NOTICE|text/html; charset=utf-8
notice-50|/notices/$LONG_NOTICE|text/html; charset=utf-8
revision|/notices/$NOTICE/revisions/1|text/html; charset=utf-8
poster|/notices/$NOTICE/poster|text/html; charset=utf-8
unit|/units/$UNIT|text/html; charset=utf-8
campaign|/campaigns/2025|text/html; charset=utf-8
rss|/feeds/notices.rss|application/rss+xml; charset=utf-8
atom|/feeds/notices.atom|application/atom+xml; charset=utf-8
rss-level1|/feeds/notices.rss?level=1|application/rss+xml; charset=utf-8
api-list|/api/v1/notices?per_page=20|application/json
api-notice|/api/v1/notices/$NOTICE|application/json
report|/reports/$REPORT|text/html; charset=utf-8
api-report|/api/v1/reports/$REPORT|application/json
transparency|/transparency|text/html; charset=utf-8"
if [ -n "${PAGES:-}" ]; then
  PAGE_LIST=$(printf '%s\n' "$PAGE_LIST" | grep -E "^($(echo "$PAGES" | tr ' ' '|'))\|")
fi

# nginx serves each page's bytes as a file at the same path (query strings folded into the
# file name), with gzip on the fly at nginx's default level for the compressed runs.
mkdir -p "$WORK/www"
LOCATIONS=""
while IFS='|' read -r name path type; do
  curl -fsS "$APP$path" -o "$WORK/www/$name"
  # The charset apart, or nginx's gzip_types would not match the type and it would not compress.
  charset=""
  case $type in *charset=*) charset="charset ${type#*charset=}; charset_types *;" ;; esac
  LOCATIONS+="    location = /$name { default_type \"${type%%;*}\"; $charset try_files /$name =404; }
"
done <<< "$PAGE_LIST"
cat > "$WORK/nginx.conf" <<CONF
worker_processes 1;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_requests 1000000;
  gzip on;
  gzip_types application/json application/rss+xml application/atom+xml;
  gzip_vary on;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    root $WORK/www;
    types { }
$LOCATIONS  }
}
CONF
"$NGINX" -c "$WORK/nginx.conf"
wait_for "http://127.0.0.1:$NGINX_PORT/$(printf '%s\n' "$PAGE_LIST" | head -1 | cut -d'|' -f1)"

run() { # name server url encoding
  local header=()
  [ -n "$4" ] && header=(-H "Accept-Encoding: $4")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "${header[@]}" "$3" > "$WORK/$1-$2.txt"
}
# Waits (at most a minute) until no brotli build is queued: they run half the cores at a time,
# and a page measured before its own is built would send gzip to brotli readers.
brotli_built() {
  for _ in $(seq 1 600); do
    [ "$(curl -fsS "$APP/metrics" | awk '/^gongshi_brotli_builds_pending / {print $2}')" = 0 ] && return 0
    sleep 0.1
  done
}
RESULTS="$WORK/results.tsv"
: > "$RESULTS"
while IFS='|' read -r name path type; do
  url_app="$APP$path"
  url_nginx="http://127.0.0.1:$NGINX_PORT/$name"
  cmp -s <(curl -fsS "$url_app") <(curl -fsS "$url_nginx") || log "$name: the page changed since it was copied (a minute boundary?)"
  bytes=$(wc -c < "$WORK/www/$name")
  for enc in identity gzip br; do
    case $enc in identity) ae="" ;; gzip) ae="gzip" ;; br) ae="gzip, deflate, br" ;; esac
    header=()
    [ -n "$ae" ] && header=(-H "Accept-Encoding: $ae")
    log "$name ($bytes bytes) $enc"
    # Warm gongshi (stored answers, brotli made in the background), then measure both.
    wrk -t1 -c8 -d1s "${header[@]}" "$url_app" >/dev/null
    brotli_built
    # What gongshi sends as the run starts (a page with a countdown is built again each minute,
    # and sends gzip to brotli readers for the moment its brotli takes).
    app_enc=$(curl -sS -o /dev/null -D - "${header[@]}" "$url_app" | tr -d '\r' | sed -n 's/^[Cc]ontent-[Ee]ncoding: //p')
    run "$name-$enc" app "$url_app" "$ae"
    run "$name-$enc" nginx "$url_nginx" "$ae"
    printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$name" "$bytes" "$enc" "${app_enc:-identity}" "$WORK/$name-$enc-app.txt" "$WORK/$name-$enc-nginx.txt" >> "$RESULTS"
  done
done <<< "$PAGE_LIST"

mkdir -p "$(dirname "$OUT")"
python3 - "$RESULTS" "$CONNECTIONS" "$DURATION" "$THREADS" "$WORKERS" <<'PY' | tee "$OUT"
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
workers = sys.argv[5] or "one per core"
print(f"wrk {sys.argv[4]} thread, {sys.argv[2]} connections, {sys.argv[3]} per run; nginx 1 worker, gongshi workers: {workers}; same bytes; "
      "gzip and br runs: nginx gzip on the fly (default level)\n")
print("| page | bytes | encoding | gongshi sends | gongshi req/s | nginx req/s | ratio | gongshi p50 / p99 ms | nginx p50 / p99 ms | errors |")
print("|---|---|---|---|---|---|---|---|---|---|")
for line in open(sys.argv[1]):
    name, size, enc, sent, app_path, nginx_path = line.rstrip("\n").split("\t")
    a, n = parse(app_path), parse(nginx_path)
    print(f"| {name} | {size} | {enc} | {sent} | {a[0]:.0f} | {n[0]:.0f} | {a[0] / n[0]:.2f}x | "
          f"{a[1]:.2f} / {a[2]:.2f} | {n[1]:.2f} / {n[2]:.2f} | {a[3] + n[3]} |")
PY
RSS_KB=$(awk '/^VmRSS/ {print $2}' "/proc/$APP_PID/status")
printf '\ngongshi resident memory after the run, every answer above stored: %s MB\n' "$((RSS_KB / 1024))" | tee -a "$OUT"
log "table written to $OUT"
