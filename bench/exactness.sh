#!/usr/bin/env bash
# int8 exactness against ONNX Runtime (graph optimizations disabled) on random and edge inputs,
# every model of ../shared/models, on the host and on the emulated Cortex-M4. See bench/README.md.
#
#   bench/exactness.sh [--samples N] [--mode host|target|both] [--target SERIES] [--only NAME]... [--work DIR]
#
# Prints one row per model and mode: inputs (N random over 4 seeds + 4 edge inputs), output values
# compared, the share identical to ORT's and the largest difference in output steps (LSB).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
exe="${EXACTNESS:-$root/build/tests/exactness}"
[ -x "$exe" ] || { echo "exactness.sh: build first (bash scripts/build.sh): no $exe" >&2; exit 2; }
samples=1000
mode=both
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --samples) samples="$2"; shift 2 ;;
    --mode) mode="$2"; shift 2 ;;
    --only|--work|--seeds|--target) args+=("$1" "$2"); shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "exactness.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
if [ "$mode" != host ] && [ -x "$root/../shared/m4bench/install-deps.sh" ]; then
  "$root/../shared/m4bench/install-deps.sh" >/dev/null || exit 2
fi
exec "$exe" --samples "$samples" --mode "$mode" "${args[@]}"
