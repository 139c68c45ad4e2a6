# Shared by the benchmark scripts (sourced, not run): progress lines, the tools a script needs
# (installed with apt-get when missing), and the gongshi binary to measure.

log() { printf '== %s\n' "$*" >&2; }

# Installs the Debian packages named whose command is missing; `nginx` counts as present when
# /usr/sbin/nginx is there (it is not on root's PATH everywhere).
install_missing() {
  local need=()
  for tool in "$@"; do
    command -v "$tool" >/dev/null 2>&1 && continue
    [ "$tool" = nginx ] && [ -x /usr/sbin/nginx ] && continue
    need+=("$tool")
  done
  if [ ${#need[@]} -gt 0 ]; then
    log "installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq "${need[@]}" >/dev/null
  fi
}

# Sets BIN: GONGSHI_BIN when given, else the release build, built now.
gongshi_binary() {
  if [ -n "${GONGSHI_BIN:-}" ]; then
    BIN=$GONGSHI_BIN
  else
    log "building gongshi (release)"
    cargo build --release --quiet --bin gongshi
    BIN="${CARGO_TARGET_DIR:-target}/release/gongshi"
  fi
}

# Waits until URL answers 2xx, polling ten times a second, for at most SECONDS (default 30).
wait_for() {
  local tries=$(( ${2:-30} * 10 ))
  for _ in $(seq 1 "$tries"); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  log "no answer from $1"; return 1
}
