#!/usr/bin/env bash
# Float recurrent cells on the emulated Cortex-M4 (m4bench): cycles/MACC of eg_gru / eg_lstm alone
# (bench/kernels/bench_rnn.c: the shared models' cell shapes and larger ones; median over 3 code
# placements, every region checked for one entry), cycles per eg_sigmoidf / eg_tanhf call, then the
# recurrent layer and the whole inference of the seed and har models (edgegen validate --mode target).
#   bench/rnn_bench.sh [--edgegen PATH] [--models DIR]
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
m4="$root/../shared/m4bench"
models="$root/../shared/models"
edgegen="$root/build/edgegen"
while [ $# -gt 0 ]; do
  case "$1" in
    --edgegen) edgegen="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    *) echo "rnn_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
"$m4/install-deps.sh" >/dev/null || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/eg_rnn_bench.XXXXXX")
trap 'rm -rf "$work"' EXIT
for pad in 1 23 61; do
  "$m4/m4run" build -o "$work/b$pad.elf" -O2 --ram 192K -DEG_BENCH_PAD=$pad -I"$m4" -I"$root/runtime" \
    -I"$root/tests/kernels" "$root/bench/kernels/bench_rnn.c" "$root/runtime/eg_rnn.c" "$root/runtime/eg_fc_f32.c" \
    "$root/runtime/eg_math.c" "$root/runtime/eg_quant.c" --json "$work/b$pad.json" --quiet > "$work/b$pad.txt" || exit 1
done
for m in seed_cnn_gru_qdq seed_cnn_gru_f32 har_cnn_lstm_f32 har_cnn_lstm_qdq; do
  [ -f "$models/$m/model.onnx" ] || continue
  "$edgegen" validate --mode target --model "$models/$m/model.onnx" --valinput "$models/$m/test_data_set_0" \
    --valoutput "$models/$m/test_data_set_0" -o "$work/$m" > "$work/$m.log" 2>&1 || echo "$m: validate failed (see its log)"
done
python3 - "$work" <<'PY'
import json, os, statistics, sys
work = sys.argv[1]
names, runs = {}, []
for pad in (1, 23, 61):
    for line in open(os.path.join(work, "b%d.txt" % pad)):
        f = line.split()
        if len(f) == 4 and f[0] in ("cell", "act"):
            names[int(f[1])] = (f[0], int(f[2]), f[3])
    runs.append({r["id"]: r for r in json.load(open(os.path.join(work, "b%d.json" % pad)))["regions"]})
print("Cortex-M4 (m4bench estimate), median of 3 code placements")
print("%-34s %9s %10s %8s" % ("cell alone", "MACC", "cycles", "cyc/MACC"))
for rid in sorted(names):
    kind, n, name = names[rid]
    ok = [r[rid]["cycles"] for r in runs if rid in r and r[rid]["entries"] == 1 and not r[rid]["open"]]
    if not ok:
        print("%-34s  every placement lost a marker" % name)
        continue
    c = statistics.median(ok)
    if kind == "act":
        print("%-34s %9s %10d %8s   %.1f cycles per call (loop included)" % (name, "-", c, "-", c / n))
    else:
        print("%-34s %9d %10d %8.2f" % (name, n, c, c / n))
print()
print("%-20s %-6s %9s %10s %8s %12s" % ("model", "layer", "MACC", "cycles", "cyc/MACC", "inference"))
for m in ("seed_cnn_gru_qdq", "seed_cnn_gru_f32", "har_cnn_lstm_f32", "har_cnn_lstm_qdq"):
    p = os.path.join(work, m, "network_validate_report.json")
    if not os.path.exists(p):
        continue
    t = json.load(open(p))["target"]
    for l in t["layers"]:
        if l["type"] in ("GRU", "LSTM", "RNN"):
            print("%-20s %-6s %9d %10d %8.2f %12d" % (m, l["type"], l["macc"], l["cycles"], l["cycles_per_macc"], t["cycles"]))
PY
