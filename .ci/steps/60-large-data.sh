#!/usr/bin/env bash
# The large-data benchmark at its small size on the debug build: proves the generator writes
# what the real code reads (gongshi verify accepts its ledger) and reports p50/p99 against the
# demo size. Latency on a shared CI machine is too noisy to fail on; the report lands in
# target/bench/large-data-small.md. The province and country sizes are the documented command
# in docs/TESTING.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
BENCH_PROFILE=debug BENCH_SECONDS=${BENCH_SECONDS:-3} BENCH_ROUNDS=${BENCH_ROUNDS:-1} BENCH_IMPORT=${BENCH_IMPORT:-2000} BENCH_VERIFY=1 \
  bash benches/large-data.sh small
