#!/usr/bin/env bash
# edgegen benchmark on the emulated Cortex-M4 (m4bench). See bench/README.md.
#
#   bench/run_bench.sh [--edgegen PATH] [--models DIR] [--work DIR] [--samples N] [--only NAME]...
#
# For the seed model and every model under ../shared/models: edgegen validate --mode target
# on test_data_set_0 (cycles from m4bench's Cortex-M4 model, sizes from arm-none-eabi-size),
# then one table. Models edgegen cannot compile print "unsupported: <error>" and the bench
# goes on. Needs python3 (table), arm-none-eabi-gcc and qemu-system-arm (install-deps.sh).
set -uo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
models="$root/../shared/models"
work=""
edgegen="${EDGEGEN:-}"
samples=1
only=()
while [ $# -gt 0 ]; do
  case "$1" in
    --edgegen) edgegen="$2"; shift 2 ;;
    --models) models="$2"; shift 2 ;;
    --work) work="$2"; shift 2 ;;
    --samples) samples="$2"; shift 2 ;;
    --only) only+=("$2"); shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "run_bench.sh: unknown option $1" >&2; exit 2 ;;
  esac
done

if [ -z "$edgegen" ]; then
  for cand in "$root/build/edgegen" "$root"/build-*/edgegen; do
    if [ -x "$cand" ]; then edgegen="$cand"; break; fi
  done
fi
[ -n "$edgegen" ] && [ -x "$edgegen" ] || { echo "run_bench.sh: no edgegen binary (build it, or pass --edgegen PATH)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "run_bench.sh: python3 is needed for the table" >&2; exit 2; }
m4="$root/../shared/m4bench"
if [ -x "$m4/install-deps.sh" ]; then "$m4/install-deps.sh" >/dev/null || exit 2; fi
[ -d "$models" ] || { echo "run_bench.sh: no models folder $models" >&2; exit 2; }
if [ -z "$work" ]; then
  work=$(mktemp -d "${TMPDIR:-/tmp}/edgegen-bench.XXXXXX")
  trap 'rm -rf "$work"' EXIT
fi
mkdir -p "$work"

# The seed model first, then the others in name order.
names=()
[ -f "$models/seed_cnn_gru_qdq/model.onnx" ] && names+=(seed_cnn_gru_qdq)
for d in "$models"/*/; do
  n=$(basename "$d")
  [ -f "$d/model.onnx" ] && [ "$n" != seed_cnn_gru_qdq ] && names+=("$n")
done
if [ ${#only[@]} -gt 0 ]; then
  keep=()
  for n in "${names[@]}"; do for o in "${only[@]}"; do [ "$n" = "$o" ] && keep+=("$n"); done; done
  names=("${keep[@]}")
fi

now() { date +%s.%N; }
echo "edgegen bench: $edgegen, ${#names[@]} model(s), $samples sample(s) each, work $work" >&2
for n in "${names[@]}"; do
  d="$models/$n"
  out="$work/$n"
  rm -rf "$out"
  mkdir -p "$out"
  # test_data_set_0 (or the first N sets)
  vi="$d/test_data_set_0"
  if [ "$samples" -gt 1 ]; then vi="$d"; fi
  t0=$(now)
  "$edgegen" validate --mode target --model "$d/model.onnx" --valinput "$vi" --valoutput "$vi" \
    --workspace "$out/ws" --output "$out" >"$out/log.txt" 2>&1
  echo $? >"$out/rc"
  t1=$(now)
  echo "  $n: exit $(cat "$out/rc"), $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.1f", b-a}') s" >&2
  rm -rf "$out/ws"
done

# Generate wall time of the seed model (median of 3), and the same without the report's
# arm-none-eabi-gcc section measurement (cross compiler hidden from PATH).
seed="$models/seed_cnn_gru_qdq/model.onnx"
gen_times=""
gen_times_nocc=""
if [ -f "$seed" ]; then
  for i in 1 2 3; do
    t0=$(now); "$edgegen" generate --model "$seed" --output "$work/gen_seed" >"$work/gen_seed.txt" 2>&1; t1=$(now)
    gen_times="$gen_times $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')"
    t0=$(now); env PATH=/nonexistent-edgegen-bench "$edgegen" generate --model "$seed" --output "$work/gen_seed_nocc" >/dev/null 2>&1; t1=$(now)
    gen_times_nocc="$gen_times_nocc $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.3f", b-a}')"
  done
fi

WORK="$work" MODELS="$models" GEN_TIMES="$gen_times" GEN_TIMES_NOCC="$gen_times_nocc" NAMES="${names[*]}" \
python3 - <<'PY'
import json, os, re

work, models = os.environ["WORK"], os.environ["MODELS"]
names = os.environ["NAMES"].split()
# CMSIS-NN reference cycles/MAC on a Cortex-M4 (issue 5), int8 models.
REF = {"kws_dscnn": 3.41, "vww_mbv1": 3.84, "ic_resnet8": 2.90, "ad_fc_ae": 2.70}
# ST Edge AI Core figures of the seed model (seed report, stm32f4).
ST = {"flash": 25837, "ram": 2688, "activations": 1316}

macs = {}
mf = os.path.join(models, "MANIFEST.tsv")
if os.path.exists(mf):
    for line in open(mf).read().splitlines()[1:]:
        f = line.split("\t")
        if len(f) >= 4 and f[3].isdigit():
            macs[f[0]] = int(f[3])

def th(v):
    return f"{v:,}" if isinstance(v, int) else v

rows, errors, seed = [], [], None
for n in names:
    d = os.path.join(work, n)
    rc = int(open(os.path.join(d, "rc")).read().strip() or 1)
    log = open(os.path.join(d, "log.txt"), errors="replace").read()
    if rc != 0:
        line = next((l for l in log.splitlines() if "error" in l), log.strip().splitlines()[-1] if log.strip() else "?")
        line = re.sub(r"^edgegen: (internal )?error: ", "", line)
        line = re.sub(r"^\S*model\.onnx: ", "", line)
        kind = "does not fit / failed on target" if "--mode target" in line else "unsupported"
        errors.append((n, f"{kind}: {line}"))
        continue
    j = json.load(open(os.path.join(d, "network_validate_report.json")))
    t = j["target"]
    o = j["outputs"][0]
    base = re.sub(r"_(qdq|f32)$", "", n)
    ref = REF.get(base) if n.endswith("_qdq") else None
    mac = macs.get(n)
    cyc = t["cycles"]
    r = dict(model=n, macc=t["macc"], mac=mac, cycles=cyc, cpm=cyc / t["macc"] if t["macc"] else 0.0,
             cpmac=cyc / mac if mac else None, ms=t["ms"], act=t["activations"], lb=t["activations_lower_bound"],
             flash=t["network"]["flash"], ram=t["network"]["ram"], weights=t["weights"], ref=ref,
             lsb=o.get("max_lsb"), cos=o.get("cos"))
    rows.append(r)
    if n == "seed_cnn_gru_qdq":
        seed = (r, t)

hdr = ["model", "MACC", "MACs", "M4 cycles", "cyc/MACC", "cyc/MAC", "ms@168MHz", "act/lower bound", "FLASH B",
       "RAM B", "CMSIS-NN cyc/MAC", "ratio", "check"]
table = []
for r in rows:
    check = (f"{r['lsb']:.0f} LSB" if r["lsb"] is not None else f"cos {r['cos']:.5f}")
    table.append([r["model"], th(r["macc"]), th(r["mac"]) if r["mac"] else "-", th(r["cycles"]), f"{r['cpm']:.2f}",
                  f"{r['cpmac']:.2f}" if r["cpmac"] else "-", f"{r['ms']:.3f}", f"{r['act']:,}/{r['lb']:,}",
                  th(r["flash"]), th(r["ram"]), f"{r['ref']:.2f}" if r["ref"] else "-",
                  f"{r['cpmac'] / r['ref']:.2f}x" if r["ref"] and r["cpmac"] else "-", check])
w = [max(len(h), *(len(row[i]) for row in table)) if table else len(h) for i, h in enumerate(hdr)]
line = "-" * (sum(w) + 2 * (len(w) - 1))
print("edgegen on the emulated Cortex-M4 (m4bench estimate, QEMU netduinoplus2), -O2, 0 flash wait states, 168 MHz")
print(line)
print("  ".join(h.ljust(w[i]) if i == 0 else h.rjust(w[i]) for i, h in enumerate(hdr)))
print(line)
for row in table:
    print("  ".join(c.ljust(w[i]) if i == 0 else c.rjust(w[i]) for i, c in enumerate(row)))
for n, e in errors:
    print(f"{n.ljust(w[0])}  {e}")
print(line)
print(" MACC: edgegen's count (C layers, ST rules); MACs: multiply-accumulates only (models/MANIFEST.tsv)")
print(" M4 cycles: one inference (stai_network_run on test_data_set_0); ratio = our cyc/MAC / CMSIS-NN's")
print(" FLASH/RAM: the firmware minus the same harness without the network (code, weights, toolchain code")
print("   it pulls in; RAM = activations + context + statics, no stack); check: max error vs ORT")

if seed:
    r, t = seed
    print()
    print("seed_cnn_gru_qdq next to ST Edge AI Core's seed report (stm32f4)")
    print(f"  {'':26}{'edgegen':>10}{'ST':>10}")
    print(f"  {'activations (B)':26}{r['act']:>10,}{ST['activations']:>10,}   (plan lower bound {r['lb']:,})")
    print(f"  {'FLASH (B)':26}{r['flash']:>10,}{ST['flash']:>10,}   (weights {t['weights']:,} + kernel params {t['kernel_params']:,} + code)")
    print(f"  {'RAM (B)':26}{r['ram']:>10,}{ST['ram']:>10,}")
    rep = os.path.join(work, "gen_seed", "network_generate_report.txt")
    if os.path.exists(rep):
        txt = open(rep).read()
        m = re.search(r"Summary.*?\n\s*TOTAL\s+([\d,]+)\s+([\d,]+)", txt, re.S)
        if m:
            print(f"  {'generate report TOTAL':26}{m.group(1):>10}{'':>10}   FLASH (linked objects + weights, no toolchain code)")
            print(f"  {'':26}{m.group(2):>10}{'':>10}   RAM")
    print(f"  cycles per inference {r['cycles']:,} = {r['ms']:.3f} ms at 168 MHz, {r['cpm']:.2f} cycles/MACC")
gt = [float(x) for x in os.environ.get("GEN_TIMES", "").split()]
gn = [float(x) for x in os.environ.get("GEN_TIMES_NOCC", "").split()]
if gt:
    med = sorted(gt)[len(gt) // 2]
    print(f"  generate wall time (median of {len(gt)}): {med:.3f} s (goal < 0.3 s: {'met' if med < 0.3 else 'NOT met'})")
if gn:
    med = sorted(gn)[len(gn) // 2]
    print(f"  generate without the report's arm-none-eabi-gcc section measurement: {med:.3f} s")
PY
