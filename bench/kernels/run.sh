#!/bin/sh
# Per-kernel cycles/MAC, portable reference vs optimized path, under the m4bench
# Cortex-M4 cycle model.
#   bench/kernels/run.sh [int8|f32] [m4bench dir] [extra gcc flags]
# int8 (default): the DSP conv/depthwise/FC kernels (bench_kernels.c);
# f32: the FPU conv/FC kernels (bench_kernels_f32.c). Element-wise and pools: run_eltwise.sh.
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
SUITE=int8
case "${1:-}" in int8|f32) SUITE=$1; shift ;; esac
M4=${1:-$ROOT/../shared/m4bench}
[ $# -gt 0 ] && shift
if [ "$SUITE" = f32 ]; then
  SRC="$ROOT/bench/kernels/bench_kernels_f32.c $ROOT/runtime/eg_conv_f32.c $ROOT/runtime/eg_fc_f32.c"
else
  SRC="$ROOT/bench/kernels/bench_kernels.c $ROOT/runtime/eg_conv.c $ROOT/runtime/eg_conv_dw.c $ROOT/runtime/eg_lut.c $ROOT/runtime/eg_fc.c"
fi
OUT=${TMPDIR:-/tmp}/eg_bench_kernels_$SUITE.$$
mkdir -p "$OUT"
# shellcheck disable=SC2086 # SRC is a list of paths without spaces (the project's own)
"$M4/m4run" build -o "$OUT/bench.elf" -O2 --ram 192K -I"$M4" -I"$ROOT/runtime" -I"$ROOT/tests/kernels" "$@" $SRC \
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
print("%-32s %9s %10s %10s %7s" % ("layer", "MACs", "ref c/MAC", "opt c/MAC", "ratio"))
for i in sorted(layers):
    macs, name = layers[i]
    ref, opt = regions.get(2 * i), regions.get(2 * i + 1)
    if not (ref and opt and ref["entries"] == 1 and opt["entries"] == 1 and not ref["open"] and not opt["open"]):
        # m4bench can lose a marker on the last instruction of a 1 KiB page (its README)
        print("%-32s %9d  marker lost: rerun with another code placement, e.g. -DEG_BENCH_PAD=8" % (name, macs))
        continue
    r, d = ref["cycles"] / macs, opt["cycles"] / macs
    print("%-32s %9d %10.2f %10.2f %6.2fx" % (name, macs, r, d, r / d))
PY
rm -rf "$OUT"
