#!/usr/bin/env bash
# The layers stay layers: fail when top-level modules import each other in a cycle.
set -euo pipefail
cd "$(dirname "$0")/../.."
python3 scripts/module-graph.py src
