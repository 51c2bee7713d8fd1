#!/bin/sh
# Runs tests/kernels/test_kernels_f32.c on the emulated Cortex-M4 (m4bench): the
# float kernels' inline asm paths against the reference loops, at -O2 and -Os
# (in ISO C99 and in GCC's gnu mode, which would contract a * b + c) and -O0.
# Exit 77 (CTest SKIP) when the ARM toolchain or QEMU is missing.
M4=$1
ROOT=$2
OUT=$3
command -v arm-none-eabi-gcc >/dev/null 2>&1 || { echo "arm-none-eabi-gcc missing: skipped"; exit 77; }
command -v qemu-system-arm >/dev/null 2>&1 || { echo "qemu-system-arm missing: skipped"; exit 77; }
[ -x "$M4/m4run" ] || { echo "m4run missing: skipped"; exit 77; }
mkdir -p "$OUT"
for cfg in "-O2 -std=c99" "-O2 -std=gnu11" "-Os -std=c99" "-Os -std=gnu11" "-O0 -std=c99"; do
  tag=$(echo "$cfg" | tr -d ' =')
  # shellcheck disable=SC2086  # cfg holds two options
  "$M4/m4run" build -o "$OUT/test_kernels_f32$tag.elf" $cfg -DEG_M4 -I"$M4" -I"$ROOT/runtime" \
    "$ROOT/tests/kernels/test_kernels_f32.c" "$ROOT/runtime/eg_conv_f32.c" "$ROOT/runtime/eg_fc_f32.c" --quiet || exit 1
done
