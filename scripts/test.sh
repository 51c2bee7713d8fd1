#!/usr/bin/env bash
# Fresh Debian 12 (root): install everything, build, run the whole test suite.
# Ends with ctest's summary.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh"
# the compiler under ASan + UBSan for ctest's sanitize_* tests (fast gtest subset, corpus, fuzz smoke)
SAN_FLAGS="-O0 -gline-tables-only" "$root/scripts/build-sanitize.sh" edgegen test_core edgegen_fuzz >/dev/null
cd "$root/build"
ctest --output-on-failure -j2 --timeout 1500
