#!/usr/bin/env bash
# Fuzzes the whole compiler (tests/fuzz/fuzz_compile.cpp: import -> passes -> plan -> emit) with
# libFuzzer under AddressSanitizer + UBSan for SECONDS, then prints executions and findings.
# usage: bench/fuzz.sh SECONDS [--jobs N]
# Seeds: ../shared/models/*/model.onnx, the ONNX node tests' models and the robustness corpus
# (tests/robustness/make_corpus.py). The corpus grows in build-san/fuzz-corpus; findings (inputs
# that crashed, leaked, hung or escaped with an exception other than CompileError) land in
# build-san/fuzz-findings/ and each should become a case of make_corpus.py.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:?usage: bench/fuzz.sh SECONDS [--jobs N]}
jobs=1
[ "${2:-}" = "--jobs" ] && jobs=${3:?}
shared="$root/../shared"
"$root/scripts/build-sanitize.sh" edgegen_fuzz >/dev/null
san="$root/build-san"
seeds="$san/fuzz-seeds"
if [ ! -d "$seeds" ]; then
  mkdir -p "$seeds.tmp"
  k=0
  for m in "$shared"/models/*/model.onnx "$shared"/onnx-tests/node/*/model.onnx; do
    [ -f "$m" ] && cp "$m" "$seeds.tmp/seed_$((k++)).onnx"
  done
  if /usr/bin/python3 -c 'import onnx' 2>/dev/null; then
    /usr/bin/python3 "$root/tests/robustness/make_corpus.py" "$san/fuzz-robustness" --shared "$shared" >/dev/null
    find "$san/fuzz-robustness" -name '*.onnx' -exec cp {} "$seeds.tmp/" \;
  fi
  mv "$seeds.tmp" "$seeds"
fi
mkdir -p "$san/fuzz-corpus" "$san/fuzz-findings"
log="$san/fuzz.log"
rm -f "$log" "$san"/fuzz-*.log
start=$(date +%s)
set +e
# -rss_limit_mb/-timeout: a model that makes the compiler take > 2 GB or > 20 s is a finding too
(cd "$san" && ASAN_OPTIONS=detect_leaks=1 ./edgegen_fuzz -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 \
  -max_len=262144 -print_final_stats=1 -artifact_prefix="$san/fuzz-findings/" \
  $([ "$jobs" -gt 1 ] && echo "-fork=$jobs -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1") \
  fuzz-corpus "$seeds" >"$log" 2>&1)
rc=$?
set -e
elapsed=$(( $(date +%s) - start ))
execs=$(grep -ho 'stat::number_of_executed_units: *[0-9]*' "$log" | awk '{s += $2} END {print s + 0}')
if [ "$execs" = 0 ]; then  # fork mode prints its totals on the "DONE" line
  execs=$(grep -o 'DONE.*exec/s' "$log" | tail -1 | grep -o 'execs: *[0-9]*' | awk '{print $2 + 0}')
  execs=${execs:-0}
fi
findings=$(find "$san/fuzz-findings" -type f | wc -l)
echo "fuzz: $execs executions in $elapsed s ($jobs job(s)), $findings finding(s) in build-san/fuzz-findings (libFuzzer exit $rc, log $log)"
[ "$findings" -eq 0 ] && [ "$rc" -eq 0 ]
