#!/bin/sh
# Runs tests/kernels/test_qadd.c on the emulated Cortex-M4 (m4bench) at -O2 and -Os: the int8
# element-wise and pool kernels (inline asm and ACLE paths) against the per-element references.
# Exit 77 (CTest SKIP) when the ARM toolchain or QEMU is missing.
. "$(dirname "$0")/m4_tools.sh"
for opt in -O2 -Os; do
  "$M4/m4run" build -o "$OUT/test_qadd$opt.elf" $opt --ram 192K -DEG_M4 -I"$M4" -I"$ROOT/runtime" -I"$ROOT/src" \
    "$ROOT/tests/kernels/test_qadd.c" "$ROOT/runtime/eg_eltwise_bin.c" "$ROOT/runtime/eg_eltwise.c" \
    "$ROOT/runtime/eg_math.c" "$ROOT/runtime/eg_pool.c" "$ROOT/src/ops/qadd_fold.c" -lm --quiet --timeout 300 || exit 1
done
