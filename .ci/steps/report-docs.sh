#!/usr/bin/env bash
# The report-documents crate (PDF, Word, QR of the 公示结果报告) is tested on its own: the root
# `cargo test` only runs the app's tests. Its tests read the PDFs back with poppler-utils, which
# .ci/packages installs.
set -euo pipefail
# Selected together with the app, so features resolve as in the app's test build and nothing
# is compiled again; `--lib` runs the app's unit tests once more (seconds), `--test render` is
# the report-docs crate's own.
cargo test -p gongshi -p report-docs --lib --test render
