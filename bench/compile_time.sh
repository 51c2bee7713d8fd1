#!/usr/bin/env bash
# Compile time against graph size: `edgegen generate` on chains of 2,000 / 8,000 / 20,000 nodes
# (bench/make_chain.py), with the report's memory by section (the default: the generated C is
# compiled with the target's cross compiler) and with --no-size-report. Prints one line per size.
# usage: bench/compile_time.sh [--edgegen BIN] [--sizes "2000 8000 20000"] [--target stm32f4]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
edgegen="$root/build/edgegen"
sizes="2000 8000 20000"
target=stm32f4
while [ $# -gt 0 ]; do
  case "$1" in
    --edgegen) edgegen=$2; shift 2 ;;
    --sizes) sizes=$2; shift 2 ;;
    --target) target=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf "%8s %14s %16s\n" nodes "with sizes" "--no-size-report"
for n in $sizes; do
  /usr/bin/python3 "$root/bench/make_chain.py" "$n" "$work/chain$n.onnx"
  t0=$(date +%s.%N)
  "$edgegen" generate --model "$work/chain$n.onnx" --target "$target" --output "$work/out$n" >/dev/null
  t1=$(date +%s.%N)
  "$edgegen" generate --model "$work/chain$n.onnx" --target "$target" --output "$work/out${n}b" --no-size-report >/dev/null
  t2=$(date +%s.%N)
  awk -v n="$n" -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "%8d %13.2fs %15.2fs\n", n, b - a, c - b }'
done
