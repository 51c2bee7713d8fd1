#!/usr/bin/env bash
# --memory-pool on the shared vww_mbv1_qdq model: the activations split over two RAM regions (a
# fast one of a third of the one-buffer plan, rounded down to KiB, and 512 KiB), then validated on
# the emulated Cortex-M4 against the test set's reference outputs, with and without the pool.
#
#   bench/memory_pool.sh [--edgegen build/edgegen] [--work DIR] [--model NAME]
#
# Prints the one-buffer plan, each region's bytes, capacity and bound, and the M4 validation
# row (errors, cycles) of both builds: the outputs must not change.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
edgegen="$root/build/edgegen"
work="${TMPDIR:-/tmp}/edgegen-bench-pool"
model=vww_mbv1_qdq
while [ $# -gt 0 ]; do
  case "$1" in
    --edgegen) edgegen=$(readlink -f "$2"); shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    *) echo "usage: $0 [--edgegen PATH] [--work DIR] [--model NAME]" >&2; exit 2 ;;
  esac
done
m="$root/../shared/models/$model"
rm -rf "$work"; mkdir -p "$work"
"$edgegen" generate -m "$m/model.onnx" -t stm32f4 -o "$work/one" -v 0
total=$(sed -n 's/^#define STAI_NETWORK_ACTIVATIONS_SIZE_BYTES //p' "$work/one/network.h")
fast_kib=$((total / 3 / 1024))
cat >"$work/pool.json" <<JSON
{"memory": {"mempools": [
  {"name": "dtcm", "size": "${fast_kib}KB", "prop": {"throughput": "high"}},
  {"name": "axisram", "size": "512KB", "prop": {"throughput": "mid"}}]}}
JSON
"$edgegen" generate -m "$m/model.onnx" -t stm32f4 -o "$work/pool" --memory-pool "$work/pool.json" -v 0
echo "$model: one activations buffer $total B; memory pool dtcm ${fast_kib} KiB + axisram 512 KiB:"
/usr/bin/python3 - "$work/pool/network_c_info.json" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["memory_footprint"]["activations_regions"]:
    print("  %-8s %8d B used of %8d B (its own bound %d B)" % (r["name"], r["bytes"], r["capacity"], r["lower_bound"]))
PY
for tag in one pool; do
  extra=()
  [ "$tag" = pool ] && extra=(--memory-pool "$work/pool.json")
  "$edgegen" validate -m "$m/model.onnx" -t stm32f4 --mode target --valinput "$m/test_data_set_0" \
    --valoutput "$m/test_data_set_0" -o "$work/val_$tag" -v 0 "${extra[@]}"
  echo "  M4, $tag: $(grep 'c-model #' "$work/val_$tag/network_validate_report.txt" | head -1 | tr -s ' ')"
  grep -m1 "^ total:" "$work/val_$tag/network_validate_report.txt" | sed "s/^ */    /" || true
done
