#!/usr/bin/python3
"""Runs the malformed-model corpus (make_corpus.py) through edgegen and judges every case.

usage: run_corpus.py --edgegen BIN --work DIR [--shared DIR] [--jobs N] [--timeout S] [--only SUBSTR]
                     [--compiler-only]

Each case goes through `edgegen analyze` and `edgegen generate` with a timeout. A case is
  clean  both commands exit 2 with exactly one line on stderr naming the model file, print nothing
         on stdout and leave no output folder;
  ok     both exit 0, and the generated C compiles with -std=c99 -Wall -Wextra -Werror -pedantic on
         gcc and clang, and runs (every input filled) under AddressSanitizer + UBSan without a report;
  crash  any other exit code, a signal, or a sanitizer report from the compiler itself;
  hang   a command ran past the timeout;
  bad    anything else: more than one error line, a partial output folder, C that does not compile
         or that fails under the sanitizers, analyze and generate disagreeing, or a case whose
         expectation (cases.tsv: 'error' = must be refused, 'ok' = must compile) is not met.
Prints the table (class, cases, clean, ok, crash, hang, bad) and exits 1 on any crash, hang or bad.
"""
import argparse
import concurrent.futures
import hashlib
import os
import re
import shutil
import signal
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
OUTCOMES = ["clean", "ok", "crash", "hang", "bad"]
CFLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1"]
SANITIZE = ["-fsanitize=address,undefined", "-fno-sanitize-recover=all", "-fno-omit-frame-pointer", "-g"]


def run(cmd, timeout, cwd=None, env=None):
    """(returncode or 'timeout', stdout, stderr); on timeout the whole process group is killed
    (a compiler driver's cc1 children too)."""
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, start_new_session=True)
    try:
        out, err = p.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        p.communicate()
        return "timeout", "", ""
    return p.returncode, out.decode("utf-8", "replace"), err.decode("utf-8", "replace")


class ObjectCache:
    """Runtime units (eg_*.c) are the same in every generated folder: each distinct source is
    checked with clang and compiled with gcc + sanitizers once, not once per case."""

    def __init__(self, root):
        self.root = root
        self.lock = threading.Lock()
        self.busy = {}  # key -> Event while a thread builds it
        os.makedirs(root, exist_ok=True)

    def object(self, out_dir, src, timeout):
        """(object path, '') or (None, why)"""
        h = hashlib.sha256()
        for f in sorted(os.listdir(out_dir)):
            if f == src or (f.endswith(".h") and not f.startswith("network")):
                with open(os.path.join(out_dir, f), "rb") as fh:
                    h.update(f.encode() + b"\0" + fh.read() + b"\0")
        key = h.hexdigest()[:32]
        obj = os.path.join(self.root, key + ".o")
        while True:
            with self.lock:
                if os.path.exists(obj):
                    return obj, ""
                ev = self.busy.get(key)
                if ev is None:
                    ev = self.busy[key] = threading.Event()
                    break
            ev.wait()
        try:
            why = compile_both(out_dir, [src], obj + ".tmp", timeout)
            if why:
                return None, why
            os.replace(obj + ".tmp", obj)
            return obj, ""
        finally:
            with self.lock:
                del self.busy[key]
            ev.set()


def compile_both(out_dir, sources, obj, timeout):
    """'' when the sources pass clang -Werror and gcc -Werror with sanitizers (object written to obj)."""
    rc, _, err = run(["clang"] + CFLAGS + ["-fsyntax-only"] + sources, timeout, cwd=out_dir)
    if rc != 0:
        return "clang -Werror: " + ("timeout" if rc == "timeout" else first_line(err))
    rc, _, err = run(["gcc"] + CFLAGS + SANITIZE + ["-c", "-o", obj] + sources, timeout, cwd=out_dir)
    if rc != 0:
        return "gcc -Werror: " + ("timeout" if rc == "timeout" else first_line(err))
    return ""


def harness_c(header):
    """A main() that fills every input (floats in [-2, 2), integers with a byte pattern that includes
    extreme values, e.g. out-of-range indices) and runs the network once."""
    fmts = dict(re.findall(r"#define STAI_NETWORK_IN_(\d+)_FORMAT (\w+)", header))
    n_in = int(re.search(r"#define STAI_NETWORK_IN_NUM (\d+)", header).group(1))
    n_out = int(re.search(r"#define STAI_NETWORK_OUT_NUM (\d+)", header).group(1))
    lines = ['#include <stdio.h>', '#include <string.h>', '#include "network.h"',
             "static STAI_ALIGNED(STAI_NETWORK_ACTIVATION_1_ALIGNMENT) uint8_t act[STAI_NETWORK_ACTIVATION_1_SIZE_BYTES + 1];",
             "static STAI_ALIGNED(STAI_NETWORK_CONTEXT_ALIGNMENT) stai_network net[STAI_NETWORK_CONTEXT_SIZE];",
             "int main(void) {",
             f"  stai_ptr bufs[1], in[{max(n_in, 1)}], out[{max(n_out, 1)}];",
             "  stai_size n = 0, i;", "  unsigned sum = 0;", "  bufs[0] = act;",
             "  if (stai_network_init(net) != STAI_SUCCESS) return 10;",
             "  if (stai_network_set_activations(net, bufs, 1) != STAI_SUCCESS) return 11;",
             "  if (stai_network_get_inputs(net, in, &n) != STAI_SUCCESS) return 12;"]
    for k in range(1, n_in + 1):
        size = f"STAI_NETWORK_IN_{k}_SIZE_BYTES"
        if fmts.get(str(k)) == "STAI_FORMAT_FLOAT32":
            lines.append(f"  for (i = 0; i < {size} / 4; ++i) ((float *)in[{k - 1}])[i] = (float)((int)(i * 37u % 64u) - 32) / 16.0f;")
        else:
            lines.append(f"  for (i = 0; i < {size}; ++i) ((uint8_t *)in[{k - 1}])[i] = (uint8_t)(i * 97u + 13u);")
    lines += ["  if (stai_network_run(net, STAI_MODE_SYNC) != STAI_SUCCESS) return 13;",
              "  if (stai_network_get_outputs(net, out, &n) != STAI_SUCCESS) return 14;"]
    for k in range(1, n_out + 1):
        lines.append(f"  for (i = 0; i < STAI_NETWORK_OUT_{k}_SIZE_BYTES; ++i) sum += ((const uint8_t *)out[{k - 1}])[i];")
    lines += ['  printf("%u\\n", sum);', "  return 0;", "}"]
    return "\n".join(lines) + "\n"


def check_generated(out_dir, timeout, cache):
    """'' when the C compiles on gcc and clang with -Werror and runs clean under ASan/UBSan."""
    sources = sorted(f for f in os.listdir(out_dir) if f.endswith(".c"))
    with open(os.path.join(out_dir, "network.h"), encoding="utf-8", errors="replace") as f:
        header = f.read()
    try:
        harness = harness_c(header)
    except AttributeError:
        return "network.h has no IN_NUM/OUT_NUM"
    hdir = os.path.join(out_dir, "..", "harness")
    os.makedirs(hdir, exist_ok=True)
    with open(os.path.join(hdir, "main.c"), "w") as f:
        f.write(harness)
    objects = []
    for src in sources:
        if src.startswith("eg_"):
            obj, why = cache.object(out_dir, src, timeout)
        else:
            obj = os.path.join(hdir, src[:-2] + ".o")
            why = compile_both(out_dir, [src], obj, timeout)
        if why:
            return f"{src}: {why}"
        objects.append(obj)
    exe = os.path.join(hdir, "net")
    rc, _, err = run(["gcc"] + SANITIZE + ["-I", out_dir, "-o", exe, os.path.join(hdir, "main.c")] + objects + ["-lm"],
                     timeout)
    if rc != 0:
        return "harness does not build: " + first_line(err)
    env = dict(os.environ, ASAN_OPTIONS="detect_leaks=0:abort_on_error=0", UBSAN_OPTIONS="print_stacktrace=1")
    rc, _, err = run([exe], timeout, env=env)
    if rc == "timeout":
        return "generated program hangs"
    if rc != 0:
        return f"generated program exit {rc}: " + first_line(err, ("runtime error", "ERROR: AddressSanitizer"))
    return ""


def first_line(text, keys=("error",)):
    for line in text.splitlines():
        if any(k in line for k in keys):
            return line.strip()[:200]
    return text.strip().splitlines()[0][:200] if text.strip() else ""


def judge(args, row):
    cls, name, rel, expect = row
    model = os.path.join(args.corpus, rel)
    work = os.path.join(args.work, "runs", cls, name)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    out_dir = os.path.join(work, "out")
    common = ["--model", model, "--target", "host", "--workspace", os.path.join(work, "ws")] + args.extra
    results = {}
    for cmd in ("analyze", "generate"):
        argv = [args.edgegen, cmd] + common + (["--output", out_dir] if cmd == "generate" else [])
        rc, out, err = run(argv, args.timeout)
        results[cmd] = (rc, out, err)
        if rc == "timeout":
            return cls, name, "hang", f"{cmd} ran past {args.timeout} s"
        if rc not in (0, 2) or "Sanitizer" in err or "runtime error:" in err:
            return cls, name, "crash", f"{cmd} exit {rc}: " + first_line(err, ("ERROR", "runtime error", "error"))
        if rc == 2:
            lines = err.splitlines()
            if len(lines) != 1 or not err.endswith("\n"):
                return cls, name, "bad", f"{cmd}: {len(lines)} error lines"
            if model not in lines[0]:
                return cls, name, "bad", f"{cmd}: error does not name the model: {lines[0][:150]}"
            if out:
                return cls, name, "bad", f"{cmd}: printed on stdout before failing"
    (ra, _, ea), (rg, _, eg) = results["analyze"], results["generate"]
    if ra != rg:
        return cls, name, "bad", f"analyze exit {ra}, generate exit {rg}: {first_line(ea + eg)}"
    if rg == 2:
        leftovers = [e for e in os.listdir(work) if e.startswith("out")]
        if leftovers:
            return cls, name, "bad", f"output left behind: {leftovers}"
        if expect == "ok":
            return cls, name, "bad", "valid model refused: " + eg.strip()[:200]
        return cls, name, "clean", eg.strip()
    if expect == "error":
        return cls, name, "bad", "invalid model accepted (exit 0)"
    if args.compiler_only:
        return cls, name, "ok", "generated (C not checked: --compiler-only)"
    why = check_generated(out_dir, args.timeout, args.cache)
    return cls, name, ("bad" if why else "ok"), why


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edgegen", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--shared", default=os.path.join(HERE, "..", "..", "..", "shared"))
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=30)
    ap.add_argument("--only", default="", help="run only cases whose class/name contains this")
    ap.add_argument("--verbose", action="store_true", help="print every case's outcome")
    ap.add_argument("--compiler-only", action="store_true",
                    help="judge the compiler only (exit codes, error lines, output folder, sanitizer reports): an "
                         "accepted case is ok without its C being compiled and run (for a sanitizer build of "
                         "edgegen; the release build's run checks the C)")
    ap.add_argument("--known", default=os.path.join(HERE, "known_failures.txt"),
                    help="cases still failing, one 'class/case  reason' a line: reported, not counted as failures")
    ap.add_argument("extra", nargs="*", help="more edgegen options (after --)")
    args = ap.parse_args()
    args.edgegen = os.path.abspath(args.edgegen)
    args.work = os.path.abspath(args.work)
    args.corpus = os.path.join(args.work, "corpus")
    shutil.rmtree(args.work, ignore_errors=True)
    args.cache = ObjectCache(os.path.join(args.work, "objects"))
    subprocess.run([sys.executable, os.path.join(HERE, "make_corpus.py"), args.corpus, "--shared", args.shared], check=True)
    with open(os.path.join(args.corpus, "cases.tsv")) as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    rows = [r for r in rows if args.only in r[0] + "/" + r[1]]
    with concurrent.futures.ThreadPoolExecutor(args.jobs) as ex:
        results = list(ex.map(lambda r: judge(args, r), rows))
    known = set()
    if args.known and os.path.exists(args.known):
        with open(args.known) as f:
            known = {line.split()[0] for line in f if line.strip() and not line.startswith("#")}
    table = {}
    known_failing = 0
    for cls, name, outcome, why in results:
        table.setdefault(cls, dict.fromkeys(OUTCOMES, 0))[outcome] += 1
        is_known = f"{cls}/{name}" in known
        if outcome in ("crash", "hang", "bad"):
            known_failing += is_known
            print(f"{outcome:5} {cls}/{name}: {why}" + ("  [known, see known_failures.txt]" if is_known else ""))
        elif args.verbose:
            print(f"{outcome:5} {cls}/{name}: {why}")
        if is_known and outcome in ("clean", "ok"):
            print(f"fixed {cls}/{name}: now {outcome}; remove it from known_failures.txt")
    print(f"\n{'class':8} {'cases':>6} " + " ".join(f"{o:>6}" for o in OUTCOMES))
    total = dict.fromkeys(OUTCOMES, 0)
    for cls in sorted(table):
        row = table[cls]
        print(f"{cls:8} {sum(row.values()):6} " + " ".join(f"{row[o]:6}" for o in OUTCOMES))
        for o in OUTCOMES:
            total[o] += row[o]
    print(f"{'total':8} {sum(total.values()):6} " + " ".join(f"{total[o]:6}" for o in OUTCOMES))
    failed = total["crash"] + total["hang"] + total["bad"] - known_failing
    print(f"robustness: {total['clean'] + total['ok']} passed, {failed} failed" +
          (f" ({known_failing} more known failures)" if known_failing else ""))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
