#!/usr/bin/env bash
# Configures and builds the sanitizer build into build-san/: the compiler under AddressSanitizer +
# UndefinedBehaviorSanitizer (clang, -O1) and the libFuzzer target edgegen_fuzz.
# usage: scripts/build-sanitize.sh [ninja targets...]   (default: edgegen edgegen_fuzz)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
cmake -S "$root" -B "$root/build-san" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_C_COMPILER=clang -DCMAKE_CXX_COMPILER=clang++ \
  -DCMAKE_C_FLAGS_RELWITHDEBINFO="-O1 -g" -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -g" \
  -DEDGEGEN_SANITIZE=ON "${launcher[@]}" >/dev/null
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(edgegen edgegen_fuzz)
cmake --build "$root/build-san" -j2 --target "${targets[@]}"
