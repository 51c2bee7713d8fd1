"""--memory-pool (issue 12): the activations split over the RAM regions of ST's memory-pool file.
vww_mbv1_qdq with two regions (a small fast one, a large one): both used, each within its size,
STAI_NETWORK_ACTIVATIONS_NUM 2, set_activations taking one pointer per region, the report and
c_info giving each region's bytes, and the outputs byte-identical to the one-buffer network on
random inputs. A network built here, validated on the emulated Cortex-M4 and on the host with two
regions, gives the same metrics as with one buffer. A pool too small for a buffer and a file that
is not a memory pool: one error line, exit code 2.
usage: test_st_pool.py EDGEGEN WORKDIR"""
import json
import os
import shutil
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

import eg_testlib as T

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, "..", "shared", "models")
HARNESS = r"""
#include <stdio.h>
#include "network.h"
static STAI_ALIGNED(8) uint8_t act1[STAI_NETWORK_ACTIVATION_1_SIZE_BYTES];
#if STAI_NETWORK_ACTIVATIONS_NUM > 1
static STAI_ALIGNED(8) uint8_t act2[STAI_NETWORK_ACTIVATION_2_SIZE_BYTES];
#endif
STAI_NETWORK_CONTEXT_DECLARE(net, STAI_NETWORK_CONTEXT_SIZE)
int main(int argc, char **argv) {
  stai_ptr bufs[STAI_NETWORK_ACTIVATIONS_NUM], got[STAI_NETWORK_ACTIVATIONS_NUM], in[1], out[1];
  stai_size n;
  FILE *fi, *fo;
  if (argc != 3) return 2;
  fi = fopen(argv[1], "rb");
  fo = fopen(argv[2], "wb");
  bufs[0] = act1;
#if STAI_NETWORK_ACTIVATIONS_NUM > 1
  bufs[1] = act2;
  if (stai_network_init(net) || stai_network_set_activations(net, bufs, 1) != STAI_ERROR_NETWORK_INVALID_ACTIVATIONS_NUM)
    return 8; /* one pointer for two regions is refused */
#endif
  if (!fi || !fo || stai_network_init(net) || stai_network_set_activations(net, bufs, STAI_NETWORK_ACTIVATIONS_NUM))
    return 3;
  if (stai_network_get_activations(net, got, &n) || n != STAI_NETWORK_ACTIVATIONS_NUM || got[n - 1] != bufs[n - 1])
    return 9;
  stai_network_get_inputs(net, in, &n);
  stai_network_get_outputs(net, out, &n);
""" + T.RUN_STREAM_C


def pool_file(work, tag, regions):
    path = os.path.join(work, tag + ".json")
    json.dump({"memory": {"mempools": [{"name": n, "size": s} for n, s in regions]}}, open(path, "w"))
    return path


def generate(edgegen, work, model, tag, options):
    out = os.path.join(work, tag)
    r = T.run([edgegen, "generate", "-m", model, "--target", "stm32f4", "-o", out, "-v", "0"] + options, timeout=300)
    T.check(r.returncode == 0, "generate %s: %s" % (options, r.stderr.decode()))
    return out


def build_and_run(out, data, work, tag):
    open(os.path.join(out, "harness.c"), "w").write(HARNESS)
    srcs = [os.path.join(out, f) for f in sorted(os.listdir(out)) if f.endswith(".c")]
    exe = os.path.join(out, "run")
    r = T.run(["gcc"] + T.C_FLAGS + ["-I" + out] + srcs + ["-lm", "-o", exe], timeout=300)
    T.check(r.returncode == 0, "gcc: %s" % r.stderr.decode()[-3000:])
    fi, fo = os.path.join(work, tag + ".in"), os.path.join(work, tag + ".out")
    data.tofile(fi)
    r = T.run([exe, fi, fo], timeout=300)
    T.check(r.returncode == 0, "%s: exit %d" % (exe, r.returncode))
    return np.fromfile(fo, dtype=np.int8)


def vww_two_regions(edgegen, work):
    model = os.path.join(MODELS, "vww_mbv1_qdq", "model.onnx")
    one = generate(edgegen, work, model, "one", [])
    total = int(T.header_macros(os.path.join(one, "network.h"))["STAI_NETWORK_ACTIVATIONS_SIZE_BYTES"])
    fast = total // 3 // 1024 * 1024  # too small for the whole plan: the planner must split
    pool = pool_file(work, "two", [("dtcm", "%dKB" % (fast // 1024)), ("sram", {"value": "512", "magnitude": "KBYTES"})])
    two = generate(edgegen, work, model, "two", ["--memory-pool", pool])
    h = T.header_macros(os.path.join(two, "network.h"))
    a1, a2 = int(h["STAI_NETWORK_ACTIVATION_1_SIZE_BYTES"]), int(h["STAI_NETWORK_ACTIVATION_2_SIZE_BYTES"])
    T.check(h["STAI_NETWORK_ACTIVATIONS_NUM"] == "2", "ACTIVATIONS_NUM %s" % h["STAI_NETWORK_ACTIVATIONS_NUM"])
    T.check(0 < a1 <= fast and 0 < a2 <= 512 * 1024, "region bytes %d (of %d), %d" % (a1, fast, a2))
    info = json.load(open(os.path.join(two, "network_c_info.json")))
    regions = info["memory_footprint"]["activations_regions"]
    T.check([(r["name"], r["bytes"]) for r in regions] == [("dtcm", a1), ("sram", a2)], "c_info regions %s" % regions)
    report = open(os.path.join(two, "network_generate_report.txt")).read()
    T.check("2 segments: dtcm %s B, sram %s B" % (format(a1, ","), format(a2, ",")) in report,
            "the report does not give each region's bytes")
    rng = np.random.default_rng(5)
    x = rng.integers(-128, 128, (3, 3 * 96 * 96), dtype=np.int8)
    got, ref = build_and_run(two, x, work, "two"), build_and_run(one, x, work, "one")
    T.check(got.size == ref.size and np.array_equal(got, ref), "outputs differ with two regions: %s vs %s" % (got, ref))
    print("vww_mbv1_qdq, memory pool dtcm %d B + sram 512 KiB: dtcm %d B, sram %d B (one buffer: %d B); "
          "outputs identical on 3 random inputs" % (fast, a1, a2, total))
    return pool


def small_model(work):
    """A conv net whose buffers differ in size and use: Conv -> Relu -> Conv (+ skip) -> Add."""
    rng = np.random.default_rng(2)
    w1 = rng.standard_normal((8, 3, 3, 3)).astype(np.float32) * 0.3
    w2 = rng.standard_normal((8, 8, 3, 3)).astype(np.float32) * 0.2
    nodes = [helper.make_node("Conv", ["x", "w1"], ["c1"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"]),
             helper.make_node("Conv", ["r1", "w2"], ["c2"], pads=[1, 1, 1, 1]),
             helper.make_node("Add", ["c2", "r1"], ["y"])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 12, 12])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 8, 12, 12])],
                          [numpy_helper.from_array(w1, "w1"), numpy_helper.from_array(w2, "w2")])
    return T.save_model(g, os.path.join(work, "small.onnx"))


def metrics(out_dir):
    report = open(os.path.join(out_dir, "network_validate_report.txt")).read()
    return [l for l in report.splitlines() if "c-model #" in l]  # one row of errors per output


def validate_small(edgegen, work):
    model = small_model(work)
    pool = pool_file(work, "small", [("fast", "2KB"), ("slow", "64KB")])
    h = T.header_macros(os.path.join(generate(edgegen, work, model, "small", ["--memory-pool", pool]), "network.h"))
    sizes = [int(h["STAI_NETWORK_ACTIVATION_%d_SIZE_BYTES" % r]) for r in (1, 2)]
    T.check(h["STAI_NETWORK_ACTIVATIONS_NUM"] == "2" and 0 < sizes[0] <= 2048 and sizes[1] > 0, "small split %s" % sizes)
    for mode in ("host", "target"):
        outs = []
        for tag, extra in (("one", []), ("pool", ["--memory-pool", pool])):
            out = os.path.join(work, "val_%s_%s" % (mode, tag))
            r = T.run([edgegen, "validate", "-m", model, "--target", "stm32f4", "--mode", mode, "-b", "3", "-o", out,
                       "-v", "0"] + extra, timeout=300)
            T.check(r.returncode == 0, "validate --mode %s %s: %s" % (mode, extra, r.stderr.decode()[-2000:]))
            outs.append(metrics(out))
        T.check(outs[0] and outs[0] == outs[1], "validate --mode %s: metrics differ with the pool:\n%s\n%s" %
                (mode, outs[0], outs[1]))
        print("small conv net, validate --mode %s with a 2 KiB + 64 KiB pool: same metrics as one buffer" % mode)


def errors(edgegen, work):
    model = os.path.join(MODELS, "vww_mbv1_qdq", "model.onnx")
    tiny = pool_file(work, "tiny", [("a", "1KB"), ("b", "2KB")])
    bad = os.path.join(work, "bad.json")
    open(bad, "w").write("{not json")
    for pool, words in ((tiny, "fits in no region"), (bad, "not valid JSON"),
                        (pool_file(work, "unit", [("a", "12 parsecs")]), "unknown size unit")):
        out = os.path.join(work, "err")
        r = T.run([edgegen, "generate", "-m", model, "-o", out, "--memory-pool", pool, "-v", "0"], timeout=300)
        T.one_line_error(r, "--memory-pool %s" % os.path.basename(pool))
        T.check(r.returncode == 2 and words in r.stderr.decode(), "%s: %s" % (pool, r.stderr.decode()))
        T.check(not os.path.exists(out), "partial output left by a failed --memory-pool")
    print("--memory-pool errors: a region too small, a file that is not JSON, a bad size: one line, exit 2")


def main():
    edgegen, work = sys.argv[1], sys.argv[2]
    if not os.path.exists(os.path.join(MODELS, "vww_mbv1_qdq", "model.onnx")):
        print("shared models not found: skipped")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    try:
        vww_two_regions(edgegen, work)
        validate_small(edgegen, work)
        errors(edgegen, work)
    except T.Failure as e:
        print("FAIL:", e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
