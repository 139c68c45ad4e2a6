#!/usr/bin/env bash
# Backup at size, under a flood of objections: fills a throw-away SQLite database to the
# province's or the country's size (`gongshi loadgen fill`), serves it, floods the filing API
# without a backup and then while `gongshi backup` runs, restores the archive into a new folder,
# runs `gongshi verify` on it, and checks that every acknowledged objection is in the live
# database and every one acknowledged before the backup began is in the restored one. Prints
# the backup's time and archive size, the flood's acknowledgements per second and errors with
# and without the backup, and the server's and the backup's resident memory.
#
#   scripts/bench-backup.sh                          # SIZE=province: 836 MB-ish, ~5 minutes
#   SIZE=country scripts/bench-backup.sh             # ~3.9 GB, ~20 minutes, ~20 GB of disk
#   TMPDIR=/srv/scratch SIZE=country scripts/bench-backup.sh   # where the data goes
#
# Env: SIZE=province|country (small works too, for a quick look); BASELINE seconds of flood
# without a backup (default 30); WRITERS connections (64); FLOOD_DELAY_MS for a paced flood
# (objection-flood.lua); GONGSHI_BIN to use an existing binary instead of building the release
# one; PORT. Installs wrk, curl, sqlite3 and python3 with apt when missing. Everything lives in
# one temporary folder under $TMPDIR, removed at the end. The table also goes to
# target/bench/backup-SIZE.md. Exits non-zero when an acknowledged objection is missing, the
# restore fails or the restored ledger does not verify.
source "$(dirname "$0")/objection-common.sh"

SIZE=${SIZE:-province}
BASELINE=${BASELINE:-30}
WRITERS=${WRITERS:-64}
case "$SIZE" in
  small) NEED_GB=2 ;;
  province) NEED_GB=6 ;;
  country) NEED_GB=20 ;;
  *) log "SIZE must be province or country (or small), not $SIZE"; exit 2 ;;
esac
FREE_GB=$(df -P -BG "$WORK" | awk 'NR == 2 { sub("G", "", $4); print $4 }')
if [ "$FREE_GB" -lt "$NEED_GB" ]; then
  log "$SIZE needs about ${NEED_GB} GB free under $WORK, only ${FREE_GB} GB: set TMPDIR elsewhere"
  exit 1
fi
ARCHIVE="$WORK/backup.zip"
RESTORED="$WORK/restored"
FLOOD_PID=""
SAMPLER_PID=""
bench_cleanup() {
  [ -n "$FLOOD_PID" ] && kill "$FLOOD_PID" 2>/dev/null || true
  [ -n "$SAMPLER_PID" ] && kill "$SAMPLER_PID" 2>/dev/null || true
  cleanup
}
trap bench_cleanup EXIT

now() { date +%s.%N; }
seconds() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$2"; }
# Receipt codes acknowledged so far (both floods), complete lines only: a code is written with
# its newline after its 201 arrived, so a line without one is still being written.
acknowledged_codes() {
  python3 - "$WORK" <<'PY'
import glob, sys
for name in glob.glob(sys.argv[1] + "/codes-*/codes-*.txt"):
    for line in open(name).read().split("\n")[:-1]:
        print(line)
PY
}
acked_so_far() { cat "$WORK"/codes-*/codes-*.txt 2>/dev/null | grep -c . || true; }
kib_of() { sed -n "s/^$2:[[:space:]]*\([0-9]*\) kB/\1/p" "/proc/$1/status" 2>/dev/null; }
mb() { python3 -c "import sys; print(round(int(sys.argv[1] or 0) / 1048576))" "$1"; }
mb_of_kib() { python3 -c "import sys; print(round(int(sys.argv[1] or 0) / 1024))" "$1"; }
size_of() { stat -c %s "$1" 2>/dev/null || echo 0; }

# Every half second: time, server RSS (kB), WAL bytes, acknowledgements so far, and whether the
# backup has reached the zip stage (its .partial file exists).
sample() {
  while :; do
    printf '%s %s %s %s %s\n' "$(now)" "$(kib_of "$APP_PID" VmRSS)" "$(size_of "$DB_FILE-wal")" \
      "$(acked_so_far)" "$([ -e "$ARCHIVE.partial" ] && echo 1 || echo 0)"
    sleep 0.5
  done
}

# flood_start CODES_DIR DURATION OUTPUT: the objection flood in the background.
flood_start() {
  mkdir -p "$1"
  CODES_DIR=$1 wrk -t2 -c"$WRITERS" -d"$2" --timeout 30s --latency -s scripts/objection-flood.lua \
    "http://127.0.0.1:$PORT" >"$3" 2>&1 &
  FLOOD_PID=$!
}

flood_stop() { kill -INT "$FLOOD_PID" 2>/dev/null || true; wait "$FLOOD_PID" || true; FLOOD_PID=""; }

# wrk's output → "acknowledged non2xx socket_errors p99_ms max_ms".
flood_summary() {
  python3 - "$1" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(value, unit):
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
acked = re.search(r"^acknowledged: (\d+)", text, re.M)
non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
p99 = re.search(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", text, re.M)
mx = re.search(r"^\s*Latency\s+\S+\s+\S+\s+([\d.]+)(us|ms|s)", text, re.M)
print(acked.group(1) if acked else 0, non2xx.group(1) if non2xx else 0,
      sum(map(int, sock.groups())) if sock else 0,
      round(ms(*p99.groups()), 1) if p99 else "nan", round(ms(*mx.groups()), 1) if mx else "nan")
PY
}

# "max_rss_kB longest_stall_s max_wal_bytes" over the samples between two instants.
window() {
  python3 - "$WORK/samples.txt" "$1" "$2" <<'PY'
import sys
rows = [line.split() for line in open(sys.argv[1]) if len(line.split()) == 5]
start, end = float(sys.argv[2]), float(sys.argv[3])
rows = [(float(t), int(r or 0), int(w), int(a)) for t, r, w, a, _ in rows if start <= float(t) <= end]
stall, since, last = 0.0, start, None
for t, _, _, a in rows:
    if last is None or a > last:
        since, last = t, a
    stall = max(stall, t - since)
print(max((r for _, r, _, _ in rows), default=0), round(stall, 1), max((w for _, _, w, _ in rows), default=0))
PY
}

# -------------------------------------------------------------------------------------------
prepare_notice
log "filling to the $SIZE size (gongshi loadgen fill)"
FILL_START=$(now)
"$BIN" loadgen fill --database "$DB" --data-dir "$WORK/data" --size "$SIZE" >&2
FILL_SECONDS=$(seconds "$FILL_START" "$(now)")
DB_BYTES=$(size_of "$DB_FILE")
OBJECTIONS_BEFORE=$(sqlite3 "$DB_FILE" "SELECT count(*) FROM objections")

start_server
sample >"$WORK/samples.txt" &
SAMPLER_PID=$!
RSS_IDLE=$(kib_of "$APP_PID" VmRSS)

log "flood without a backup for ${BASELINE}s"
B0=$(now)
flood_start "$WORK/codes-baseline" "${BASELINE}s" "$WORK/flood-baseline.txt"
wait "$FLOOD_PID" || true
FLOOD_PID=""
B1=$(now)
read -r BASE_ACKED BASE_NON2XX BASE_SOCK BASE_P99 BASE_MAX <<<"$(flood_summary "$WORK/flood-baseline.txt")"
read -r BASE_RSS BASE_STALL _ <<<"$(window "$B0" "$B1")"

log "flood with gongshi backup running"
flood_start "$WORK/codes-backup" 3600s "$WORK/flood-backup.txt"
sleep 3
# Receipt codes on file now were acknowledged before the backup started: each must be in the copy.
acknowledged_codes | sort -u >"$WORK/before-backup.txt"
T0=$(now)
ACKED_T0=$(acked_so_far)
BACKUP_USAGE=$(python3 - "$BIN" "$DB" "$WORK/data" "$ARCHIVE" "$WORK/backup.log" <<'PY'
import resource, subprocess, sys
binary, db, data, out, log = sys.argv[1:]
with open(log, "w") as f:
    code = subprocess.run([binary, "backup", "--database", db, "--data-dir", data, "--out", out],
                          stdout=f, stderr=subprocess.STDOUT).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
PY
)
T1=$(now)
ACKED_T1=$(acked_so_far)
sleep 3
flood_stop
kill "$SAMPLER_PID" 2>/dev/null || true
SAMPLER_PID=""
read -r BACKUP_RC BACKUP_RSS <<<"$BACKUP_USAGE"
cat "$WORK/backup.log" >&2
[ "$BACKUP_RC" = 0 ] || { log "gongshi backup failed"; exit 1; }
BACKUP_SECONDS=$(seconds "$T0" "$T1")
ZIP_T=$(awk '$5 == 1 { print $1; exit }' "$WORK/samples.txt")
COPY_SECONDS=$([ -n "$ZIP_T" ] && seconds "$T0" "$ZIP_T" || echo "?")
ARCHIVE_BYTES=$(size_of "$ARCHIVE")
read -r DURING_ACKED_ALL DURING_NON2XX DURING_SOCK DURING_P99 DURING_MAX <<<"$(flood_summary "$WORK/flood-backup.txt")"
read -r DURING_RSS DURING_STALL DURING_WAL <<<"$(window "$T0" "$T1")"
DURING_ACKED=$((ACKED_T1 - ACKED_T0))
RSS_END=$(kib_of "$APP_PID" VmRSS)
RSS_PEAK=$(kib_of "$APP_PID" VmHWM)
stop_server

log "checking the live database holds every acknowledged objection"
acknowledged_codes | sort -u >"$WORK/acknowledged.txt"
sqlite3 "$DB_FILE" "SELECT receipt_code FROM objections" | sort -u >"$WORK/live.txt"
LIVE_MISSING=$(comm -23 "$WORK/acknowledged.txt" "$WORK/live.txt" | wc -l)

log "restoring into a new folder and verifying it"
R0=$(now)
"$BIN" restore --from "$ARCHIVE" --database "sqlite://$RESTORED/gongshi.db" --data-dir "$RESTORED/data" >&2
R1=$(now)
VERIFY=$("$BIN" verify --database "sqlite://$RESTORED/gongshi.db" 2>&1 | tail -1) && VERIFY_OK=1 || VERIFY_OK=0
R2=$(now)
sqlite3 "$RESTORED/gongshi.db" "SELECT receipt_code FROM objections" | sort -u >"$WORK/restored.txt"
RESTORED_MISSING=$(comm -23 "$WORK/before-backup.txt" "$WORK/restored.txt" | wc -l)
RESTORED_ROWS=$(wc -l <"$WORK/restored.txt")
KEY_SAME=$(cmp -s "$WORK/data/master.key" "$RESTORED/data/master.key" && echo yes || echo NO)

rate() { python3 -c "import sys; print(round(int(sys.argv[1]) / float(sys.argv[2])))" "$1" "$2"; }
BASE_SECONDS=$(seconds "$B0" "$B1")
mkdir -p target/bench
REPORT=target/bench/backup-$SIZE.md
{
  echo "# Backup under a flood of objections: $SIZE ($(date -u +%Y-%m-%d), $(basename "$(dirname "$BIN")") build, $(nproc) cores)"
  echo
  echo "Filled with \`gongshi loadgen fill --size $SIZE\` in ${FILL_SECONDS}s: SQLite file $(mb "$DB_BYTES") MB," \
    "$OBJECTIONS_BEFORE objections. Flood: wrk, 2 threads, $WRITERS connections${FLOOD_DELAY_MS:+, ${FLOOD_DELAY_MS} ms pause}, loopback."
  echo
  echo "| | without a backup | during \`gongshi backup\` |"
  echo "|---|---|---|"
  echo "| seconds | $BASE_SECONDS | $BACKUP_SECONDS (database copy ${COPY_SECONDS}, then zip) |"
  echo "| acknowledged objections | $BASE_ACKED | $DURING_ACKED |"
  echo "| acknowledgements/s | $(rate "$BASE_ACKED" "$BASE_SECONDS") | $(rate "$DURING_ACKED" "$BACKUP_SECONDS") |"
  echo "| longest time without an acknowledgement | ${BASE_STALL} s | ${DURING_STALL} s |"
  echo "| errors (non-2xx / socket) | $BASE_NON2XX / $BASE_SOCK | $DURING_NON2XX / $DURING_SOCK (the whole flood, 3 s either side) |"
  echo "| filing p99 / max | $BASE_P99 / $BASE_MAX ms | $DURING_P99 / $DURING_MAX ms (the whole flood) |"
  echo "| server RSS, highest sample | $(mb_of_kib "$BASE_RSS") MB (idle $(mb_of_kib "$RSS_IDLE") MB) | $(mb_of_kib "$DURING_RSS") MB (VmHWM $(mb_of_kib "$RSS_PEAK") MB, at the end $(mb_of_kib "$RSS_END") MB) |"
  echo "| WAL, largest | | $(mb "$DURING_WAL") MB |"
  echo
  echo "| backup | |"
  echo "|---|---|"
  echo "| archive | $(mb "$ARCHIVE_BYTES") MB ($(python3 -c "print(round(100 * $ARCHIVE_BYTES / max($DB_BYTES, 1)))")% of the database as filled) |"
  echo "| \`gongshi backup\` peak RSS | $(mb_of_kib "$BACKUP_RSS") MB |"
  echo "| restore | $(seconds "$R0" "$R1") s |"
  echo "| \`gongshi verify\` on the restored database | $(seconds "$R1" "$R2") s: $VERIFY |"
  echo "| acknowledged (all $(wc -l <"$WORK/acknowledged.txt")) missing from the live database | $LIVE_MISSING |"
  echo "| acknowledged before the backup ($(wc -l <"$WORK/before-backup.txt")) missing from the restored one | $RESTORED_MISSING |"
  echo "| objections in the restored database | $RESTORED_ROWS |"
  echo "| master.key restored unchanged | $KEY_SAME |"
} | tee "$REPORT"
echo "(written to $REPORT)"
[ "$LIVE_MISSING" = 0 ] && [ "$RESTORED_MISSING" = 0 ] && [ "$VERIFY_OK" = 1 ] && [ "$KEY_SAME" = yes ] || {
  echo "FAILED"
  exit 1
}
