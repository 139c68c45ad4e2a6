#!/usr/bin/env bash
# API fuzzing: schemathesis (pinned, in a virtualenv this step makes) against /api/openapi.json
# of a running demo server, with a province admin's token so the admin API is reached too.
#
# Fails the build on: any 5xx, a response body that does not match its documented schema,
# undocumented response headers, the stateful checks (use after free, ignored auth, object
# level authorisation, resource availability), and then on the document's completeness: every
# status code and content type documented, schema-valid input accepted, schema-violating input
# refused, 405 for undeclared methods (docs/TESTING.md). The second run's report is kept in
# target/e2e/schemathesis-conformance.log.
set -euo pipefail
cd "$(dirname "$0")/../.."

VERSION=4.32.5
EXAMPLES=${SCHEMATHESIS_EXAMPLES:-40}
VENV=target/schemathesis-venv
OUT=target/e2e
mkdir -p "$OUT"

if [ ! -x "$VENV/bin/schemathesis" ] || ! "$VENV/bin/schemathesis" --version | grep -q "$VERSION"; then
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$VERSION"
fi
# The test build's binary (see 40-e2e.sh): a `cargo build` would compile much of the tree again.
cargo test --no-run --quiet
[ -d e2e/node_modules ] || (cd e2e && npm ci --no-audit --no-fund --loglevel=error)

TMP=$(mktemp -d)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
DB="sqlite://$TMP/fuzz.db"
GONGSHI_LOG=warn target/debug/gongshi serve --demo --bind "127.0.0.1:$PORT" --database "$DB" \
  --data-dir "$TMP/data" --base-url "$BASE" >"$OUT/schemathesis-server.log" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -rf "$TMP"' EXIT
for _ in $(seq 1 100); do curl -sf "$BASE/healthz" >/dev/null && break; sleep 0.2; done

export GONGSHI_PASSWORD='Fuzz-admin-2025!'
target/debug/gongshi user add --database "$DB" --unit GS --username fuzz.admin --name 接口测试 --role admin >/dev/null
TOKEN=$(cd e2e && node tools/token.js "$BASE" fuzz.admin)
unset GONGSHI_PASSWORD

# Operations that would end the run's own access (its password, its token) are left out; its
# account is safe, as nobody may demote or deactivate themselves (409). The import endpoint
# trips a schemathesis 4.32.5 internal error in its coverage phase.
EXCLUDE='/password$|/projects/import$'
# The paper-report upload (a multipart file) trips internal errors of schemathesis 4.32.5 and its
# hypothesis in the coverage phase, now a KeyError, now Python 3.11's "AST constructor recursion
# depth mismatch", neither about the server. It is fuzzed on its own, without that phase.
UPLOAD='/offline/notices/\{id\}/report$'
PHASES=examples,coverage,fuzzing
st() {
  "$VENV/bin/schemathesis" run "$BASE/api/openapi.json" -H "Authorization: Bearer $TOKEN" \
    --max-examples "$EXAMPLES" --workers 2 --request-timeout 20 --seed 20251 \
    --phases "$PHASES" --suppress-health-check all --no-color --generation-database none \
    --exclude-method DELETE "$@"
}

DOC_CHECKS=status_code_conformance,content_type_conformance,positive_data_acceptance,negative_data_rejection,unsupported_method,missing_required_header
echo "schemathesis $VERSION: no 5xx, responses match the document ($EXAMPLES examples per operation)"
st --checks all --exclude-checks "$DOC_CHECKS" --exclude-path-regex "$EXCLUDE|$UPLOAD"
echo "schemathesis: the paper-report upload, without the coverage phase"
PHASES=examples,fuzzing st --checks all --exclude-checks "$DOC_CHECKS" --include-path-regex "$UPLOAD"

echo "schemathesis: completeness of the document (report in $OUT/schemathesis-conformance.log)"
if st --checks "$DOC_CHECKS" --exclude-path-regex "$EXCLUDE|$UPLOAD" >"$OUT/schemathesis-conformance.log" 2>&1; then
  echo "the document lists every answer the API gives"
else
  sed -n '/^Failures:/,/^Test cases:/p' "$OUT/schemathesis-conformance.log"
  exit 1
fi
