#!/bin/sh
# Cycles per element of the int8 element-wise kernels (Add/Sub/Mul) and cycles per input tap of the
# int8 pools: the general formula / per-tap reference vs the kernel, under the m4bench Cortex-M4
# cycle model. Usage: bench/kernels/run_eltwise.sh [m4bench dir] [extra gcc flags, e.g. -Os]
set -e
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
M4=${1:-$ROOT/../shared/m4bench}
[ $# -gt 0 ] && shift
OUT=${TMPDIR:-/tmp}/eg_bench_eltwise.$$
mkdir -p "$OUT"
# a lost marker (see bench_eltwise.c) is retried with the code shifted
for pad in 0 3 7 13 29; do
"$M4/m4run" build -o "$OUT/bench.elf" -O2 --ram 192K -DPAD=$pad -I"$M4" -I"$ROOT/runtime" -I"$ROOT/tests/kernels" -I"$ROOT/src" "$@" \
  "$ROOT/bench/kernels/bench_eltwise.c" "$ROOT/runtime/eg_eltwise_bin.c" "$ROOT/runtime/eg_eltwise.c" \
  "$ROOT/runtime/eg_math.c" "$ROOT/runtime/eg_pool.c" "$ROOT/src/ops/qadd_fold.c" -lm \
  --json "$OUT/bench.json" --quiet > "$OUT/stdout.txt"
python3 - "$OUT/bench.json" <<'PY' && break
import json, sys
regions = json.load(open(sys.argv[1]))["regions"]
sys.exit(0 if all(r["entries"] == 1 and not r["open"] for r in regions) else 1)
PY
echo "(a cycle marker was lost with PAD=$pad: rebuilding with the code shifted)" >&2
done
python3 - "$OUT/stdout.txt" "$OUT/bench.json" <<'PY'
import json, sys
cases = {}
for line in open(sys.argv[1]):
    f = line.split()
    if f and f[0] == "case":
        cases[int(f[1])] = (int(f[2]), " ".join(f[3:]))
    elif line.strip():
        print(line.rstrip())
regions = {r["id"]: r for r in json.load(open(sys.argv[2]))["regions"]}
print("%-40s %8s %10s %10s %7s" % ("case", "elements", "ref c/el", "kernel", "ratio"))
for i in sorted(cases):
    n, name = cases[i]
    ref, opt = regions[2 * i], regions[2 * i + 1]
    assert ref["entries"] == 1 and opt["entries"] == 1 and not ref["open"] and not opt["open"]
    r, d = ref["cycles"] / n, opt["cycles"] / n
    print("%-40s %8d %10.2f %10.2f %6.2fx" % (name, n, r, d, r / d))
PY
[ -n "$KEEP" ] && echo "kept $OUT" || rm -rf "$OUT"
