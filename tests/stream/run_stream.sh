#!/bin/bash
# Streaming and control-flow models built at test time (stream_models.py), referenced by ONNX
# Runtime closed loop over 50 calls (ort_stream.js), then:
#   host:   validate (every step's inputs -> outputs) and `generate --stateful` run by a C loop
#           that feeds its own states back for 50 steps, every step compared;
#   target: validate --mode target on the emulated Cortex-M4 (exit 77 when the tools are missing).
# usage: run_stream.sh EDGEGEN SOURCE_DIR WORK host|target [MODEL...]
set -u
EDGEGEN=$1 SRC=$2 WORK=$3 MODE=$4
shift 4
PY=/usr/bin/python3
HERE=$SRC/tests/stream
export NODE_PATH=$SRC/.ort/node_modules
[ -d "$NODE_PATH/onnxruntime-node" ] || { echo "onnxruntime-node missing (scripts/install-deps.sh)"; exit 77; }
if [ "$MODE" = target ]; then
  for t in arm-none-eabi-gcc qemu-system-arm; do command -v $t >/dev/null || { echo "$t missing"; exit 77; }; done
fi
rm -rf "$WORK" && mkdir -p "$WORK"
$PY "$HERE/stream_models.py" "$WORK" "$@" || exit 1
fail=0
for dir in "$WORK"/*/; do
  m=$(basename "$dir")
  node "$HERE/ort_stream.js" "$dir/job.json" >/dev/null || { echo "[ $m ] ONNX Runtime failed"; fail=1; continue; }
  $PY "$HERE/check_stream.py" pack "$dir" || { fail=1; continue; }
  echo "[ $m ] validate --mode $MODE (50 steps, each step's inputs from ONNX Runtime's run)"
  if ! "$EDGEGEN" validate -m "$dir/model.onnx" --valinput "$dir/inputs.npz" --valoutput "$dir/outputs.npz" \
       --mode "$MODE" -o "$dir/val-$MODE" >"$dir/val-$MODE.log" 2>&1; then
    cat "$dir/val-$MODE.log"; fail=1; continue
  fi
  $PY "$HERE/check_stream.py" validated "$dir/val-$MODE/network_validate_report.json" || fail=1
  [ "$MODE" = host ] || continue
  grep -q '"states": \[\]' "$dir/job.json" && continue
  echo "[ $m ] generate --stateful: 50 steps in C, states fed back by the network"
  if ! "$EDGEGEN" generate -m "$dir/model.onnx" --stateful -o "$dir/gen" >"$dir/gen.log" 2>&1; then
    cat "$dir/gen.log"; fail=1; continue
  fi
  if [ "$m" = vad_if ]; then  # the run-time If: both front ends under a plain C `if`, one skipped per run
    n_if=$(grep -c '^  if (\*(const uint8_t\*)(act + [0-9]*)) {$\|^  if (!\*(const uint8_t\*)(act + [0-9]*)) {$' "$dir/gen/network.c")
    echo "  run-time If: $n_if guarded layers in network.c"
    [ "$n_if" -ge 2 ] || fail=1
  fi
  $PY "$HERE/check_stream.py" harness "$dir" "$dir/gen" || { fail=1; continue; }
  if ! gcc -std=c99 -Wall -Wextra -Werror -pedantic -O1 -I"$dir/gen" "$dir"/gen/*.c -lm -o "$dir/gen/run" \
       >"$dir/cc.log" 2>&1; then
    cat "$dir/cc.log"; fail=1; continue
  fi
  "$dir/gen/run" "$dir/gen/feed.bin" "$dir/gen/run.bin" || { echo "  harness exit $?"; fail=1; continue; }
  $PY "$HERE/check_stream.py" compare "$dir" "$dir/gen" || fail=1
done
# bad state options: one line naming the model and the reason, exit code 2, no output folder
expect_error() {  # model, expected text, options...
  local model=$1 text=$2
  shift 2
  "$EDGEGEN" generate -m "$WORK/$model/model.onnx" -o "$WORK/bad-out" "$@" >/dev/null 2>"$WORK/bad.err"
  local rc=$?
  if [ $rc -ne 2 ] || ! grep -q "$text" "$WORK/bad.err" || [ -e "$WORK/bad-out" ] || [ "$(wc -l <"$WORK/bad.err")" -ne 1 ]; then
    echo "[ errors ] $model $*: rc $rc, stderr: $(cat "$WORK/bad.err")"; fail=1
  else
    echo "[ errors ] $model $*: $(cat "$WORK/bad.err")"
  fi
}
if [ "$MODE" = host ] && [ -d "$WORK/lstm2_state" ] && [ -d "$WORK/attention" ]; then
  expect_error lstm2_state "no graph output named 'nope'" --state nope=h_in
  expect_error lstm2_state "output is float\[3x2\], input is float\[2x1x8\]" --state y=h_in
  expect_error attention "no graph output (after the first) has the type and shape" --stateful
  # symbolic dims: a leading batch dim is pinned to 1; any other needs --input-shape
  mkdir -p "$WORK/attention_sym"
  $PY -c "
import onnx, sys
m = onnx.load(sys.argv[1])
d = m.graph.input[0].type.tensor_type.shape.dim
d[0].dim_param, d[1].dim_param = 'N', 'T'
onnx.save(m, sys.argv[2])" "$WORK/attention/model.onnx" "$WORK/attention_sym/model.onnx"
  expect_error attention_sym "input 'x' has a symbolic dimension 'T' at axis 1; give its size with --input-shape x=1xNx8"
  if "$EDGEGEN" generate -m "$WORK/attention_sym/model.onnx" --input-shape x=1x6x8 -o "$WORK/attention_sym/gen" \
       >"$WORK/attention_sym/gen.log" 2>&1 && grep -q "pinned to 1x6x8" "$WORK/attention_sym/gen/network_generate_report.txt"; then
    echo "[ errors ] attention_sym --input-shape x=1x6x8: generated, the report names the pinned shape"
  else
    echo "[ errors ] attention_sym --input-shape x=1x6x8 failed: $(tail -2 "$WORK/attention_sym/gen.log")"; fail=1
  fi
fi
exit $fail
