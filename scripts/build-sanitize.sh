#!/usr/bin/env bash
# Configures and builds the sanitizer build into build-san/: the compiler under AddressSanitizer +
# UndefinedBehaviorSanitizer (clang) and the libFuzzer target edgegen_fuzz.
# usage: [SAN_FLAGS="..."] scripts/build-sanitize.sh [ninja targets...]   (default: edgegen edgegen_fuzz)
# SAN_FLAGS: optimization/debug flags; default -O1 -g for a new build-san/ (fuzzing speed, full stacks),
# else whatever build-san/ was configured with. scripts/test.sh asks for -O0 -gline-tables-only (half
# the compile time; the sanitizers check the same).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
flags=()
if [ -n "${SAN_FLAGS:-}" ] || [ ! -f "$root/build-san/CMakeCache.txt" ]; then
  f=${SAN_FLAGS:--O1 -g}
  flags=(-DCMAKE_C_FLAGS_RELWITHDEBINFO="$f" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="$f")
fi
cmake -S "$root" -B "$root/build-san" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ "${flags[@]}" \
  -DEDGEGEN_SANITIZE=ON "${launcher[@]}" >/dev/null
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(edgegen edgegen_fuzz)
cmake --build "$root/build-san" -j2 --target "${targets[@]}"
