#!/bin/sh
# Runs tests/kernels/test_kernels_f32.c on the emulated Cortex-M4 (m4bench): the
# float kernels' inline asm paths against the reference loops, at -O2 and -Os
# (in ISO C99 and in GCC's gnu mode, which would contract a * b + c) and -O0.
# Exit 77 (CTest SKIP) when the ARM toolchain or QEMU is missing.
. "$(dirname "$0")/m4_tools.sh"
for cfg in "-O2 -std=c99" "-O2 -std=gnu11" "-Os -std=c99" "-Os -std=gnu11" "-O0 -std=c99"; do
  tag=$(echo "$cfg" | tr -d ' =')
  # shellcheck disable=SC2086  # cfg holds two options
  "$M4/m4run" build -o "$OUT/test_kernels_f32$tag.elf" $cfg -DEG_M4 -I"$M4" -I"$ROOT/runtime" \
    "$ROOT/tests/kernels/test_kernels_f32.c" "$ROOT/runtime/eg_conv_f32.c" "$ROOT/runtime/eg_fc_f32.c" --quiet || exit 1
done
# The recurrent cells (eg_rnn.c on eg_fc_f32_w8's asm path) against their plain loops, same flags.
for cfg in "-O2 -std=c99" "-O2 -std=gnu11" "-Os -std=c99" "-O0 -std=c99"; do
  tag=$(echo "$cfg" | tr -d ' =')
  # shellcheck disable=SC2086  # cfg holds two options
  "$M4/m4run" build -o "$OUT/test_rnn$tag.elf" $cfg -DEG_M4 -I"$M4" -I"$ROOT/runtime" -I"$ROOT/tests/kernels" \
    "$ROOT/tests/kernels/test_rnn.c" "$ROOT/runtime/eg_rnn.c" "$ROOT/runtime/eg_fc_f32.c" "$ROOT/runtime/eg_math.c" \
    "$ROOT/runtime/eg_quant.c" --quiet || exit 1
done
# The codebook-weight kernels (eg_fc_f32_lut, eg_conv_f32_lut) against the reference loops, in GCC's gnu
# mode (which would contract a * b + c without eg_fmul) and in C99 for size.
for cfg in "-O2 -std=gnu11" "-Os -std=c99"; do
  tag=$(echo "$cfg" | tr -d ' =')
  # shellcheck disable=SC2086  # cfg holds two options
  "$M4/m4run" build -o "$OUT/test_kernels_lut$tag.elf" $cfg -DEG_M4 -I"$M4" -I"$ROOT/runtime" -I"$ROOT/tests/kernels" \
    "$ROOT/tests/kernels/test_kernels_lut.c" "$ROOT/runtime/eg_conv_f32.c" "$ROOT/runtime/eg_fc_f32.c" \
    "$ROOT/runtime/eg_conv_f32_lut.c" "$ROOT/runtime/eg_fc_f32_lut.c" --quiet || exit 1
done
