#!/bin/bash
# Random models whose weights, biases and bounds are graph inputs (runtime_operands.py, references from
# ONNX Runtime), compiled with every input at run time and compared by the conformance runner.
# usage: run_runtime_operands.sh CONFORMANCE SOURCE_DIR WORK [SEEDS]
set -eu
RUNNER=$1 SRC=$2 WORK=$3 SEEDS=${4:-2}
export NODE_PATH=$SRC/.ort/node_modules
[ -d "$NODE_PATH/onnxruntime-node" ] || { echo "onnxruntime-node missing (scripts/install-deps.sh)"; exit 77; }
rm -rf "$WORK" && mkdir -p "$WORK"
/usr/bin/python3 "$SRC/tests/conformance/runtime_operands.py" "$WORK/models" --seeds "$SEEDS"
args=()
while read -r d; do args+=(--dir "$d"); done <"$WORK/models/dirs.txt"
"$RUNNER" --no-binding --strict --work "$WORK/run" "${args[@]}"
