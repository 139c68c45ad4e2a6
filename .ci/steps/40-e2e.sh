#!/usr/bin/env bash
# The browser journey, the first campaign from an empty database (README's "Setting up a real
# campaign"), the accessibility check, the XSS corpus and the phone layout (390 px), in Debian's Chromium
# (.ci/packages installs chromium and the CJK fonts) driven by playwright-core from e2e/.
# No browser is ever downloaded. Screenshots and server logs land in target/e2e/.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The debug binary of the test build CI has just made: `cargo test` builds target/debug/gongshi
# for the integration tests, while a `cargo build` would resolve features without the
# dev-dependencies and compile much of the tree (typst included) a second time.
cargo test --no-run --quiet
(cd e2e && npm ci --no-audit --no-fund --loglevel=error)
rm -rf target/e2e
cd e2e
node --test --test-concurrency=1 journey.test.js first-campaign.test.js a11y.test.js xss.test.js mobile.test.js
