# Sourced by the run_m4*.sh kernel tests: M4=$1 (m4bench), ROOT=$2 (project), OUT=$3 (work
# folder, created); exits 77 (CTest SKIP) when the ARM toolchain, QEMU or m4run is missing.
M4=$1
ROOT=$2
OUT=$3
command -v arm-none-eabi-gcc >/dev/null 2>&1 || { echo "arm-none-eabi-gcc missing: skipped"; exit 77; }
command -v qemu-system-arm >/dev/null 2>&1 || { echo "qemu-system-arm missing: skipped"; exit 77; }
[ -x "$M4/m4run" ] || { echo "m4run missing: skipped"; exit 77; }
mkdir -p "$OUT"
