#!/usr/bin/env bash
# The four MLPerf Tiny reference TFLite models on the emulated Cortex-M4 (m4bench estimate), beside
# the published MLPerf Tiny board times and the same networks compiled from ONNX (../shared/models).
#
#   bench/tflite_bench.sh [--edgegen PATH] [--work DIR]
#
# Per model: edgegen validate --mode target on test_data_set_0 of the .tflite (cycles, FLASH/RAM,
# exactness against TFLite Micro's output) and of the ONNX *_qdq twin (FLASH/RAM, cycles).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
shared="$root/../shared"
edgegen="${EDGEGEN:-$root/build/edgegen}"
work=""
while [ $# -gt 0 ]; do
  case "$1" in
    --edgegen) edgegen="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    -h|--help) sed -n '2,8p' "$0"; exit 0 ;;
    *) echo "tflite_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
[ -x "$edgegen" ] || { echo "tflite_bench.sh: no edgegen binary at $edgegen" >&2; exit 2; }
if [ -x "$shared/m4bench/install-deps.sh" ]; then "$shared/m4bench/install-deps.sh" >/dev/null || exit 2; fi
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/edgegen-tflite-bench.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"

# tflite folder : onnx twin
pairs="mlperf_kws_dscnn:kws_dscnn_qdq mlperf_vww_mobilenetv1_025:vww_mbv1_qdq mlperf_ic_resnet8:ic_resnet8_qdq mlperf_ad_fc_autoencoder:ad_fc_ae_qdq"
for p in $pairs; do
  t=${p%%:*}; o=${p##*:}
  for kind in tflite onnx; do
    if [ $kind = tflite ]; then d="$shared/tflite/$t"; m="$d/model.tflite"; out="$work/$t"
    else d="$shared/models/$o"; m="$d/model.onnx"; out="$work/$o"; fi
    rm -rf "$out"; mkdir -p "$out"
    "$edgegen" validate --mode target --model "$m" --valinput "$d/test_data_set_0" --valoutput "$d/test_data_set_0" \
      --workspace "$out/ws" --output "$out" >"$out/log.txt" 2>&1
    echo $? >"$out/rc"
    echo "  $(basename "$out"): exit $(cat "$out/rc")" >&2
    rm -rf "$out/ws"
  done
done

WORK="$work" SHARED="$shared" PAIRS="$pairs" python3 - <<'PY'
import json, os
work, shared = os.environ["WORK"], os.environ["SHARED"]
pairs = [p.split(":") for p in os.environ["PAIRS"].split()]
# MLPerf Tiny v1.0 closed division, X-CUBE-AI on STM32L4R5 (Cortex-M4) at 120 MHz: board latency in ms.
PUBLISHED_MS = {"mlperf_ic_resnet8": 165.1, "mlperf_kws_dscnn": 43.2, "mlperf_vww_mobilenetv1_025": 88.9}
macs = {}
for line in open(os.path.join(shared, "tflite", "MANIFEST.tsv")).read().splitlines()[1:]:
    f = line.split("\t")
    macs[f[0]] = int(f[18])

def load(name):
    d = os.path.join(work, name)
    if open(os.path.join(d, "rc")).read().strip() != "0":
        return None, open(os.path.join(d, "log.txt"), errors="replace").read().strip().splitlines()[-1:]
    return json.load(open(os.path.join(d, "network_validate_report.json"))), None

hdr = ["model", "MACs", "M4 cycles", "cyc/MAC", "MLPerf X-CUBE-AI cyc/MAC", "ONNX twin cyc/MAC", "FLASH B",
       "ONNX FLASH B", "RAM B", "ONNX RAM B", "max LSB vs TFLM"]
rows = []
for t, o in pairs:
    jt, et = load(t)
    jo, eo = load(o)
    if jt is None:
        rows.append([t, f"failed: {et}"] + [""] * (len(hdr) - 2))
        continue
    mac = macs[t]
    tt = jt["target"]
    pub = PUBLISHED_MS.get(t)
    pub_cpm = f"{pub * 120e3 / mac:.2f} ({pub} ms)" if pub else "-"
    to = jo["target"] if jo else None
    rows.append([t, f"{mac:,}", f"{tt['cycles']:,}", f"{tt['cycles'] / mac:.2f}", pub_cpm,
                 f"{to['cycles'] / mac:.2f}" if to else "-", f"{tt['network']['flash']:,}",
                 f"{to['network']['flash']:,}" if to else "-", f"{tt['network']['ram']:,}",
                 f"{to['network']['ram']:,}" if to else "-", f"{jt['outputs'][0].get('max_lsb', 0):.0f}"])
w = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(hdr)]
line = "-" * (sum(w) + 2 * (len(w) - 1))
print("MLPerf Tiny reference TFLite models: edgegen on the emulated Cortex-M4 (m4bench ESTIMATE, QEMU, -O2,")
print("0 wait states) beside MLPerf Tiny's published board times (X-CUBE-AI, STM32L4R5 @120 MHz, MEASURED)")
print(line)
print("  ".join(h.ljust(w[i]) if i == 0 else h.rjust(w[i]) for i, h in enumerate(hdr)))
print(line)
for r in rows:
    print("  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(r)))
print(line)
print(" cyc/MAC: one inference's cycles / the model's multiply-accumulates (tflite/MANIFEST.tsv). The MLPerf")
print(" column is board time x 120 MHz / MACs: a measurement on silicon with flash wait states and cache, ours an")
print(" estimate of a Cortex-M4 at 0 wait states; compare them as orders of magnitude, not to the percent.")
print(" ONNX twin: the same network from ../shared/models/*_qdq (ONNX QDQ export), compiled the same way.")
print(" FLASH/RAM: firmware minus the harness (code + weights + toolchain code; activations + context).")
PY
