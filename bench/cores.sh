#!/usr/bin/env bash
# Instructions per MAC of every shared int8 model on every emulated Cortex-M core.
#
#   bench/cores.sh [--edgegen build/edgegen] [--work DIR] [--only MODEL]... [--targets "stm32g0 stm32f1 ..."]
#
# For each target (one per core: stm32g0 Cortex-M0+ on QEMU's microbit, stm32f1 M3 on mps2-an385,
# stm32f4 M4 on netduinoplus2 with m4bench's cycle estimate, stm32h7 M7 on mps2-an500, stm32u5 M33
# on mps2-an505, stm32n6 M55 on mps3-an547) and each ../shared/models/*_qdq model it runs
#   edgegen validate --mode target --target T --model M/model.onnx --valinput/--valoutput M/test_data_set_0
# and prints one table: executed instructions per MAC (QEMU, exact; MACs from MANIFEST.tsv), the
# M4's cycle estimate per MAC next to it, the max error against ONNX Runtime in LSB, or why a model
# did not run there (e.g. "does not fit": the micro:bit has 16 KiB of RAM).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
edgegen="$root/build/edgegen"
work="${TMPDIR:-/tmp}/edgegen-bench-cores"
targets="stm32g0 stm32f1 stm32f4 stm32h7 stm32u5 stm32n6"
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --edgegen) edgegen=$(readlink -f "$2"); shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --only) only+=("$2"); shift 2 ;;
    --targets) targets="$2"; shift 2 ;;
    *) echo "usage: $0 [--edgegen PATH] [--work DIR] [--only MODEL]... [--targets LIST]" >&2; exit 2 ;;
  esac
done
models="$root/../shared/models"
mkdir -p "$work"
list=()
if [ ${#only[@]} -gt 0 ]; then list=("${only[@]}"); else
  for d in "$models"/*_qdq; do list+=("$(basename "$d")"); done
fi
for m in "${list[@]}"; do
  for t in $targets; do
    w="$work/$m-$t"
    rm -rf "$w"; mkdir -p "$w"
    set0="$models/$m/test_data_set_0"
    "$edgegen" validate --model "$models/$m/model.onnx" --target "$t" --mode target --valinput "$set0" \
      --valoutput "$set0" --workspace "$w/ws" --output "$w/out" >"$w/log.txt" 2>&1
    rm -rf "$w/ws"
  done
done
python3 - "$work" "$models/MANIFEST.tsv" "$targets" "${list[@]}" <<'PY'
import json, sys, os
work, manifest, targets, models = sys.argv[1], sys.argv[2], sys.argv[3].split(), sys.argv[4:]
macs = {}
for line in open(manifest).read().splitlines()[1:]:
    f = line.split("\t")
    macs[f[0]] = int(f[3])
cores = {}
rows = []
for m in models:
    row = [m]
    for t in targets:
        d = os.path.join(work, f"{m}-{t}")
        try:
            j = json.load(open(os.path.join(d, "out", "network_validate_report.json")))
            tg = j["target"]
            cores[t] = f"{t} ({tg['core']}, {tg['machine']})"
            lsb = max((o["max_lsb"] if o["max_lsb"] is not None else 99) for o in j["outputs"])
            cell = f"{tg['instructions'] / macs[m]:.2f}"
            if tg.get("cycle_model"):
                cell += f" ({tg['cycles'] / macs[m]:.2f} cyc)"
            if lsb != 0:
                cell += f" [{lsb:g} LSB]"
        except Exception:
            log = open(os.path.join(d, "log.txt")).read().strip().splitlines()
            first = log[0] if log else "failed"
            cell = "does not fit" if "does not fit" in first else "failed: " + first[-60:]
        row.append(cell)
    rows.append(row)
print("Executed instructions per MAC (QEMU, exact; MACs from MANIFEST.tsv); the M4 adds m4bench's cycle estimate;")
print("[n LSB] marks an output that differs from ONNX Runtime (none expected)")
for t in targets:
    print("  " + cores.get(t, t))
w = [max(len(r[i]) for r in rows + [["model"] + targets]) for i in range(len(targets) + 1)]
hdr = ["model"] + targets
print(" | ".join(h.ljust(w[i]) for i, h in enumerate(hdr)))
print("-+-".join("-" * x for x in w))
for r in rows:
    print(" | ".join(c.ljust(w[i]) for i, c in enumerate(r)))
PY
