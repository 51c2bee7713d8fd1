#!/usr/bin/env bash
# Generates every shared model (../shared/models/*/model.onnx) under every --optimization into
# OUT/<model>/<mode>/, for a before/after comparison of a refactoring:
#   bench/generate_all.sh build-before/edgegen /tmp/before
#   bench/generate_all.sh build/edgegen /tmp/after
#   bench/generate_all.sh --diff /tmp/before /tmp/after   # generated C identical? (reports: minus timings/paths)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
if [ "${1:-}" = "--diff" ]; then
  a=$2 b=$3 rc=0
  # The generated C and headers must be byte-identical.
  diff -r -x '*_report.txt' -x '*_c_info.json' "$a" "$b" || rc=1
  # Reports name the output folder and may carry wall times and dates: compare the rest.
  strip() { sed "s#$2#OUT#g" "$1" | grep -v -E 'date|time \(s\)|duration|seconds|workspace'; }
  while IFS= read -r f; do
    rel=${f#"$a"/}
    diff <(strip "$f" "$a") <(strip "$b/$rel" "$b") || { echo "report differs: $rel"; rc=1; }
  done < <(find "$a" -name '*_report.txt' -o -name '*_c_info.json')
  [ $rc = 0 ] && echo "identical: $(find "$a" -type f | wc -l) files"
  exit $rc
fi
bin=$(realpath "$1") out=$2 target=${3:-stm32f4}
mkdir -p "$out"
for m in "$root"/../shared/models/*/model.onnx; do
  name=$(basename "$(dirname "$m")")
  for mode in time balanced ram; do
    "$bin" generate --model "$m" --target "$target" --optimization "$mode" --output "$out/$name/$mode" >/dev/null
  done
done
echo "generated $(find "$out" -type f | wc -l) files into $out"
