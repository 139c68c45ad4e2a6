#!/usr/bin/env bash
# The workspace lints (Cargo.toml [workspace.lints]) hold: no clippy warning, formatted code.
set -euo pipefail
cd "$(dirname "$0")/../.."
cargo fmt --check
cargo clippy --workspace --all-targets -- -D warnings
