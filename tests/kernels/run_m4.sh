#!/bin/sh
# Runs tests/kernels/test_kernels.c on the emulated Cortex-M4 (m4bench): the DSP
# paths (real ACLE intrinsics and inline asm) against the portable references.
# Exit 77 (CTest SKIP) when the ARM toolchain or QEMU is missing.
. "$(dirname "$0")/m4_tools.sh"
for opt in -O2 -Os; do
  "$M4/m4run" build -o "$OUT/test_kernels$opt.elf" $opt -DEG_M4 -DEG_DSP_ORT=1 -I"$M4" -I"$ROOT/runtime" \
    "$ROOT/tests/kernels/test_kernels.c" "$ROOT/runtime/eg_conv.c" "$ROOT/runtime/eg_conv_dw.c" "$ROOT/runtime/eg_lut.c" "$ROOT/runtime/eg_fc.c" "$ROOT/runtime/eg_conv_path.c" "$ROOT/runtime/eg_ort_exact.c" --quiet || exit 1
done
# eg_conv.c's asm channel loop also at -O0 (r7 is then the frame pointer) and
# built by clang when it is installed (its own object, linked with the rest).
CFL="-DEG_DSP_ORT=1 -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 -std=c99 -ffunction-sections -I$ROOT/runtime"
arm-none-eabi-gcc $CFL -O0 -c "$ROOT/runtime/eg_conv.c" -o "$OUT/eg_conv_O0.o" || exit 1
"$M4/m4run" build -o "$OUT/test_kernels_conv_O0.elf" -O2 -DEG_M4 -DEG_DSP_ORT=1 -I"$M4" -I"$ROOT/runtime" \
  "$ROOT/tests/kernels/test_kernels.c" "$OUT/eg_conv_O0.o" "$ROOT/runtime/eg_conv_dw.c" "$ROOT/runtime/eg_lut.c" "$ROOT/runtime/eg_fc.c" "$ROOT/runtime/eg_conv_path.c" "$ROOT/runtime/eg_ort_exact.c" --quiet || exit 1
if command -v clang >/dev/null 2>&1; then
  clang --target=arm-none-eabi $CFL -O2 -ffreestanding -isystem /usr/lib/arm-none-eabi/include -Wno-keyword-macro \
    -fshort-enums -c "$ROOT/runtime/eg_conv.c" -o "$OUT/eg_conv_clang.o" || exit 1
  "$M4/m4run" build -o "$OUT/test_kernels_conv_clang.elf" -O2 -DEG_M4 -DEG_DSP_ORT=1 -I"$M4" -I"$ROOT/runtime" \
    "$ROOT/tests/kernels/test_kernels.c" "$OUT/eg_conv_clang.o" "$ROOT/runtime/eg_conv_dw.c" "$ROOT/runtime/eg_lut.c" "$ROOT/runtime/eg_fc.c" "$ROOT/runtime/eg_conv_path.c" "$ROOT/runtime/eg_ort_exact.c" \
    --quiet || exit 1
fi
