#!/usr/bin/env bash
# Installs what edgegen needs on Debian 12 (run as root). Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
pkgs=(cmake ninja-build g++ gcc clang make pkg-config binutils ccache
      libonnx-dev libprotobuf-dev protobuf-compiler libcli11-dev libfmt-dev nlohmann-json3-dev libzip-dev libflatbuffers-dev flatbuffers-compiler
      libgtest-dev libgmock-dev libbenchmark-dev python3
      gcc-arm-none-eabi libnewlib-arm-none-eabi qemu-system-arm
      python3-onnx python3-numpy libclang-rt-dev)
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ ${#missing[@]} -gt 0 ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
# ONNX Runtime (test oracle for random-input and streaming tests), project-local in .ort/
# (graphOptimizationLevel 'disabled' = the model's own QDQ semantics); NODE_PATH=.ort/node_modules
if ! [ -d "$here/.ort/node_modules/onnxruntime-node" ]; then
  dpkg -s nodejs >/dev/null 2>&1 || command -v node >/dev/null 2>&1 || {
    export DEBIAN_FRONTEND=noninteractive; apt-get update -qq; apt-get install -y -qq nodejs npm >/dev/null; }
  mkdir -p "$here/.ort"
  (cd "$here/.ort" && [ -f package.json ] || echo '{"name":"edgegen-ort","private":true}' > package.json
   npm install --ignore-scripts --no-audit --no-fund --silent onnxruntime-node@1.30.0 >/dev/null)
fi
# the Cortex-M4 emulation harness checks its own needs
if [ -x "$here/../shared/m4bench/install-deps.sh" ]; then "$here/../shared/m4bench/install-deps.sh" >/dev/null; fi
echo "dependencies: ok"
