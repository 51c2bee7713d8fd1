#!/usr/bin/env bash
# Installs what edgegen needs on Debian 12 (run as root). Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pkgs=(cmake ninja-build g++ gcc clang make pkg-config binutils
      libonnx-dev libprotobuf-dev protobuf-compiler libcli11-dev libfmt-dev nlohmann-json3-dev libzip-dev
      libgtest-dev libgmock-dev libbenchmark-dev
      gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# the Cortex-M4 emulation harness checks its own needs
if [ -x "$here/../shared/m4bench/install-deps.sh" ]; then "$here/../shared/m4bench/install-deps.sh" >/dev/null; fi
echo "dependencies: ok"
