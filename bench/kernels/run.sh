#!/bin/sh
# Per-kernel cycles/MAC, portable reference vs optimized (DSP) path, under the
# m4bench Cortex-M4 cycle model. Usage: bench/kernels/run.sh [m4bench dir] [extra gcc flags]
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
M4=${1:-$ROOT/../shared/m4bench}
[ $# -gt 0 ] && shift
OUT=${TMPDIR:-/tmp}/eg_bench_kernels.$$
mkdir -p "$OUT"
"$M4/m4run" build -o "$OUT/bench.elf" -O2 --ram 192K -I"$M4" -I"$ROOT/runtime" "$@" \
  "$ROOT/bench/kernels/bench_kernels.c" "$ROOT/runtime/eg_conv.c" "$ROOT/runtime/eg_conv_dw.c" "$ROOT/runtime/eg_fc.c" \
  --json "$OUT/bench.json" --quiet > "$OUT/stdout.txt"
python3 - "$OUT/stdout.txt" "$OUT/bench.json" <<'PY'
import json, sys
layers = {}
for line in open(sys.argv[1]):
    f = line.split()
    if f and f[0] == "layer":
        layers[int(f[1])] = (int(f[2]), f[3])
    elif line.strip():
        print(line.rstrip())
regions = {r["id"]: r for r in json.load(open(sys.argv[2]))["regions"]}
print("%-32s %9s %10s %10s %7s" % ("layer", "MACs", "ref c/MAC", "dsp c/MAC", "ratio"))
lost = 0
for i in sorted(layers):
    macs, name = layers[i]
    ref, dsp = regions.get(2 * i), regions.get(2 * i + 1)
    if not (ref and dsp and ref["entries"] == 1 and dsp["entries"] == 1 and not ref["open"] and not dsp["open"]):
        # m4bench can lose a marker on the last instruction of a 1 KiB page (its README)
        print("%-32s %9d  marker lost: rerun with another code placement, e.g. -DEG_BENCH_PAD=8" % (name, macs))
        lost += 1
        continue
    r, d = ref["cycles"] / macs, dsp["cycles"] / macs
    print("%-32s %9d %10.2f %10.2f %6.2fx" % (name, macs, r, d, r / d))
PY
rm -rf "$OUT"
