#!/bin/sh
# Runs tests/kernels/test_qadd.c on the emulated Cortex-M4 (m4bench) at -O2 and -Os: the int8
# element-wise and pool kernels (inline asm and ACLE paths) against the per-element references.
# Exit 77 (CTest SKIP) when the ARM toolchain or QEMU is missing.
M4=$1
ROOT=$2
OUT=$3
command -v arm-none-eabi-gcc >/dev/null 2>&1 || { echo "arm-none-eabi-gcc missing: skipped"; exit 77; }
command -v qemu-system-arm >/dev/null 2>&1 || { echo "qemu-system-arm missing: skipped"; exit 77; }
[ -x "$M4/m4run" ] || { echo "m4run missing: skipped"; exit 77; }
mkdir -p "$OUT"
for opt in -O2 -Os; do
  "$M4/m4run" build -o "$OUT/test_qadd$opt.elf" $opt --ram 192K -DEG_M4 -I"$M4" -I"$ROOT/runtime" -I"$ROOT/src" \
    "$ROOT/tests/kernels/test_qadd.c" "$ROOT/runtime/eg_eltwise_bin.c" "$ROOT/runtime/eg_eltwise.c" \
    "$ROOT/runtime/eg_math.c" "$ROOT/runtime/eg_pool.c" "$ROOT/src/ops/qadd_fold.c" -lm --quiet --timeout 300 || exit 1
done
