#!/usr/bin/env bash
# --compression on a shared float model (default ad_fc_ae_f32): for each level, the weights blob
# (network_c_info.json memory_footprint.weights) and the linked flash (code + weights, the report's
# memory by section for the Cortex-M4), the validation against the test sets' ONNX Runtime outputs
# with the accuracy change (compressed vs uncompressed model), and the inference cycles on the
# emulated Cortex-M4 (validate --mode target).
#
#   bench/compression.sh [--edgegen build/edgegen] [--work DIR] [--model NAME] [--no-target]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
edgegen="$root/build/edgegen"
work="${TMPDIR:-/tmp}/edgegen-bench-compression"
model=ad_fc_ae_f32
target=1
while [ $# -gt 0 ]; do
  case "$1" in
    --edgegen) edgegen=$(readlink -f "$2"); shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --model) model="$2"; shift 2 ;;
    --no-target) target=0; shift ;;
    *) echo "usage: $0 [--edgegen PATH] [--work DIR] [--model NAME] [--no-target]" >&2; exit 2 ;;
  esac
done
m="$root/../shared/models/$model"
rm -rf "$work"; mkdir -p "$work"
for level in none lossless low medium high; do
  "$edgegen" generate -m "$m/model.onnx" -t stm32f4 -o "$work/$level" -c "$level" -v 0
  "$edgegen" validate -m "$m/model.onnx" -t stm32f4 -o "$work/$level-val" -c "$level" -vi "$m" -vo "$m" -v 0
  if [ "$target" = 1 ]; then
    "$edgegen" validate -m "$m/model.onnx" -t stm32f4 -o "$work/$level-m4" -c "$level" -vi "$m" -vo "$m" \
      --mode target -v 0 || true
  fi
done
/usr/bin/python3 - "$work" "$model" <<'PY'
import json, os, sys
work, model = sys.argv[1], sys.argv[2]
base = None
print("%s: --compression level, weights blob, linked flash (code + weights, Cortex-M4), errors vs ONNX Runtime,"
      " accuracy change vs the uncompressed model, M4 cycles" % model)
for level in ("none", "lossless", "low", "medium", "high"):
    info = json.load(open(os.path.join(work, level, "network_c_info.json")))
    blob = info["memory_footprint"]["weights"]
    flash = (info.get("summary_flash_ram") or {}).get("total", {}).get("flash")
    if base is None:
        base = (blob, flash)
    v = json.load(open(os.path.join(work, level + "-val", "network_validate_report.json")))["outputs"][0]
    ch = v.get("compressed_vs_uncompressed")
    cyc = "n.a."
    m4 = os.path.join(work, level + "-m4", "network_validate_report.json")
    if os.path.exists(m4):
        t = json.load(open(m4)).get("target", {})
        cyc = t.get("cycles") or t.get("cycles_per_inference") or "see %s" % m4
    print("  %-8s blob %8d B (%5.2fx)  flash %s  vs ORT l2r %.3g cos %.6f  change %s  cycles %s" % (
        level, blob, base[0] / blob, "%8d B (%5.2fx)" % (flash, base[1] / flash) if flash else "n.a.",
        v["l2r"], v["cos"], "l2r %.3g cos %.6f" % (ch["l2r"], ch["cos"]) if ch else "none (exact)", cyc))
PY
