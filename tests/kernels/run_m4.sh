#!/bin/sh
# Runs tests/kernels/test_kernels.c on the emulated Cortex-M4 (m4bench): the DSP
# paths (real ACLE intrinsics and inline asm) against the portable references.
# Exit 77 (CTest SKIP) when the ARM toolchain or QEMU is missing.
M4=$1
ROOT=$2
OUT=$3
command -v arm-none-eabi-gcc >/dev/null 2>&1 || { echo "arm-none-eabi-gcc missing: skipped"; exit 77; }
command -v qemu-system-arm >/dev/null 2>&1 || { echo "qemu-system-arm missing: skipped"; exit 77; }
[ -x "$M4/m4run" ] || { echo "m4run missing: skipped"; exit 77; }
mkdir -p "$OUT"
for opt in -O2 -Os; do
  "$M4/m4run" build -o "$OUT/test_kernels$opt.elf" $opt -DEG_M4 -I"$M4" -I"$ROOT/runtime" \
    "$ROOT/tests/kernels/test_kernels.c" "$ROOT/runtime/eg_conv.c" "$ROOT/runtime/eg_conv_dw.c" "$ROOT/runtime/eg_fc.c" --quiet || exit 1
done
