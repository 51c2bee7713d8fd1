#!/usr/bin/env bash
# Fresh Debian 12 (root): install everything, build, run the whole test suite.
# Ends with ctest's summary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
cd "$root/build"
ctest --output-on-failure -j2 --timeout 1500
