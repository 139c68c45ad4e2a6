#!/usr/bin/env bash
# The report-documents crate (PDF, Word, QR of the 公示结果报告) is tested on its own: the root
# `cargo test` only runs the app's tests. Its tests read the PDFs back with poppler-utils, which
# .ci/packages installs.
set -euo pipefail
cargo test -p report-docs
