#!/usr/bin/env bash
# Fresh Debian 12 (root): install everything, build edgegen, then on the seed
# model: generate C + report, compile and run it on the host (validate against
# ONNX Runtime's reference data and 1,000 random inputs), and print the report.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh"
"$root/scripts/build.sh" >/dev/null
model="$root/../shared/models/seed_cnn_gru_qdq"
out="$root/out/seed"
rm -rf "$out"
"$root/build/edgegen" generate --model "$model/model.onnx" --target stm32f4 --optimization time -v 2 \
  --name network --output "$out"
echo
echo "== validate on the host against ONNX Runtime's reference data (test_data_set_*)"
"$root/build/edgegen" validate --model "$model/model.onnx" --target stm32f4 \
  --valinput "$model" --valoutput "$model" --output "$out/validate-ort"
echo
echo "== validate on the host against edgegen's reference interpreter, 1000 random inputs"
"$root/build/edgegen" validate --model "$model/model.onnx" --target stm32f4 --batches 1000 --output "$out/validate-random"
echo
echo "generated files: $out"
