#!/bin/sh
# Runs tests/kernels/test_kernels.c on the emulated Cortex-M55 (QEMU mps3-an547, Helium):
# the entry points, which hand their layers to the Helium kernels (eg_*_mve.c), against
# the portable references, in both requantizations. Usage: run_m55.sh ROOT OUT.
# Exit 77 (CTest SKIP) when the ARM toolchain or QEMU is missing.
ROOT=$1
OUT=$2
command -v arm-none-eabi-gcc >/dev/null 2>&1 || { echo "arm-none-eabi-gcc missing: skipped"; exit 77; }
command -v qemu-system-arm >/dev/null 2>&1 || { echo "qemu-system-arm missing: skipped"; exit 77; }
mkdir -p "$OUT"
RT="$ROOT/runtime"
MEM="-Wl,--defsym=__egfw_flash_origin=0x10000000,--defsym=__egfw_flash_size=0x80000"
MEM="$MEM,--defsym=__egfw_ram_origin=0x30000000,--defsym=__egfw_ram_size=0x80000,--defsym=__egfw_min_stack=0x4000,--defsym=end=__bss_end__"
for opt in -O2 -Os; do
  elf="$OUT/test_kernels_m55$opt.elf"
  arm-none-eabi-gcc -mcpu=cortex-m55 -mthumb -mfloat-abi=hard $opt -std=c99 -Wall -Wextra -Werror -DEG_EGFW -DEG_DSP_ORT=1 \
    -I"$RT" -I"$ROOT/firmware" -ffunction-sections -fdata-sections -nostartfiles --specs=nano.specs \
    -T "$ROOT/firmware/link.ld" -Wl,--gc-sections $MEM -o "$elf" "$ROOT/tests/kernels/test_kernels.c" \
    "$RT/eg_conv.c" "$RT/eg_conv_dw.c" "$RT/eg_conv_mve.c" "$RT/eg_conv_dw_mve.c" "$RT/eg_lut.c" "$RT/eg_fc.c" "$RT/eg_fc_mve.c" \
    "$RT/eg_conv_path.c" "$RT/eg_ort_exact.c" "$ROOT/firmware/startup.c" "$ROOT/firmware/semihost.c" \
    -Wl,--start-group -lc -lm -lgcc -lnosys -Wl,--end-group || exit 1
  timeout 300 qemu-system-arm -M mps3-an547 -nodefaults -net none -display none -chardev stdio,id=egv \
    -semihosting-config enable=on,target=native,chardev=egv -kernel "$elf" </dev/null || exit 1
done
