"""--compression (issue 12): weight sharing on float Dense/Conv weights.
- ad_fc_ae_f32 with --compression high: the weights blob (c_info memory_footprint.weights) at least
  3.5x smaller than with none, the generated C compiles with -Werror, and host validate against the
  model's ONNX Runtime references (test_data_set_*) prints the accuracy change (compressed vs the
  uncompressed model); low and medium figures printed too. Two runs give byte-identical files.
- lossless on a model built here (a Gemm whose weights take 200 values, a Conv with 12, a MatMul with
  odd rows and many values): the shared layers are exact codebooks and the outputs bit-identical to
  --compression none on random inputs; high on the same model runs its 4-bit Conv/Gemm/MatMul and
  matches numpy on the codebook weights.
- an int8 model: one note line, the weights unchanged.
usage: test_st_compression.py EDGEGEN WORKDIR"""
import json
import os
import re
import shutil
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

import eg_testlib as T

HARNESS = T.ONE_BUFFER_MAIN_C + T.GET_IO_C + T.RUN_STREAM_C


def generate(edgegen, work, model, tag, level):
    out = os.path.join(work, tag)
    r = T.run([edgegen, "generate", "-m", model, "-o", out, "--no-size-report", "-v", "0", "--compression", level],
              timeout=300)
    T.check(r.returncode == 0, "generate --compression %s: %s" % (level, r.stderr.decode()))
    return out, r.stderr.decode()


def info(out):
    return json.load(open(os.path.join(out, "network_c_info.json")))


def build_and_run(out, x, tag):
    open(os.path.join(out, "harness.c"), "w").write(HARNESS)
    srcs = [os.path.join(out, f) for f in sorted(os.listdir(out)) if f.endswith(".c")]
    exe = os.path.join(out, "run")
    r = T.run(["gcc"] + T.C_FLAGS + ["-I" + out] + srcs + ["-lm", "-o", exe], timeout=300)
    T.check(r.returncode == 0, "gcc %s: %s" % (tag, r.stderr.decode()[-3000:]))
    fi, fo = os.path.join(out, "x.bin"), os.path.join(out, "y.bin")
    x.astype(np.float32).tofile(fi)
    r = T.run([exe, fi, fo], timeout=300)
    T.check(r.returncode == 0, "%s: exit %d" % (exe, r.returncode))
    return np.fromfile(fo, dtype=np.float32)


def autoencoder(edgegen, work):
    model = T.shared_model("ad_fc_ae_f32")
    if not os.path.exists(model):
        print("ad_fc_ae_f32 missing: skipped")
        sys.exit(77)
    none, _ = generate(edgegen, work, model, "ae_none", "none")
    base = info(none)["memory_footprint"]["weights"]
    figures = {}
    for level in ("low", "medium", "high"):
        out, _ = generate(edgegen, work, model, "ae_" + level, level)
        j = info(out)
        figures[level] = (j["memory_footprint"]["weights"], j["compression"])
        T.check(j["summary"]["compression"] == level, "c_info summary.compression %s" % j["summary"]["compression"])
    blob, comp = figures["high"]
    T.check(base / blob >= 3.5, "--compression high: weights blob %d B vs %d B (%.2fx < 3.5x)" % (blob, base, base / blob))
    T.check(comp["shared_tensors"] >= 1 and all(t["index_bits"] in (0, 4, 8) for t in comp["tensors"]), "c_info %s" % comp)
    T.check(figures["low"][0] > figures["medium"][0] > blob, "levels do not shrink in order: %s" %
            [figures[k][0] for k in ("low", "medium", "high")])
    data = open(os.path.join(work, "ae_high", "network_data.c")).read()
    again, _ = generate(edgegen, work, model, "ae_high2", "high")
    T.check(open(os.path.join(again, "network_data.c")).read() == data, "two runs of high differ")
    report = open(os.path.join(work, "ae_high", "network_generate_report.txt")).read()
    T.check(re.search(r"compression\s*:\s*high: \d+ of \d+ float Dense/Conv weight tensors shared", report),
            "the report has no compression summary")
    # build it (warnings are errors) and validate against ONNX Runtime's outputs of the test sets
    build_and_run(os.path.join(work, "ae_high"), np.zeros(640, np.float32), "ae_high")
    vdir = os.path.dirname(model)
    r = T.run([edgegen, "validate", "-m", model, "-o", os.path.join(work, "ae_val"), "--compression", "high",
               "-vi", vdir, "-vo", vdir], timeout=300)
    T.check(r.returncode == 0, "validate: %s" % r.stderr.decode())
    text = r.stdout.decode()
    T.check("Weight sharing (--compression high" in text and "compressed vs uncompressed model" in text and
            "uncompressed model vs --valoutput" in text, "validate prints no accuracy change:\n" + text)
    vj = json.load(open(os.path.join(work, "ae_val", "network_validate_report.json")))
    o = vj["outputs"][0]
    change, given = o["compressed_vs_uncompressed"], o["uncompressed_vs_valoutput"]
    T.check(0 < change["l2r"] < 0.5 and change["cos"] > 0.9, "accuracy change out of range: %s" % change)
    T.check(given["l2r"] < 1e-5, "the uncompressed model is not ONNX Runtime's: %s" % given)
    for level in ("low", "medium", "high"):
        b, c = figures[level]
        print("ad_fc_ae_f32 --compression %-6s: weights blob %d -> %d B (%.2fx), float Dense weights %d -> %d B, "
              "%d of %d tensors shared" % (level, base, b, base / b, c["float_bytes"], c["bytes"], c["shared_tensors"],
                                          c["candidate_tensors"]))
    print("ad_fc_ae_f32 high vs ONNX Runtime (%d test sets): l2r %.3g cos %.6f; change vs uncompressed: rmse %.4g "
          "max_abs %.4g l2r %.4g cos %.6f" % (vj["samples"], o["l2r"], o["cos"], change["rmse"], change["max_abs"],
                                              change["l2r"], change["cos"]))


def built_model(work):
    """x[1,3,8,8] -> Conv(12 values, 6x3x3x3) -> Relu -> Flatten -> Gemm(200 values, transB, 384->40)
    -> MatMul(random, 40x37) -> y[1,37]."""
    rng = np.random.default_rng(7)
    conv_vals = rng.standard_normal(12).astype(np.float32)
    gemm_vals = rng.standard_normal(200).astype(np.float32) * 0.1
    wc = conv_vals[rng.integers(0, 12, (16, 3, 3, 3))]
    wg = gemm_vals[rng.integers(0, 200, (40, 1024))]
    wm = (rng.standard_normal((40, 37)) * 0.2).astype(np.float32)
    nodes = [helper.make_node("Conv", ["x", "wc"], ["c"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"]),
             helper.make_node("Flatten", ["r"], ["f"]),
             helper.make_node("Gemm", ["f", "wg"], ["g"], transB=1),
             helper.make_node("MatMul", ["g", "wm"], ["y"])]
    g = helper.make_graph(nodes, "g", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 3, 8, 8])],
                          [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 37])],
                          [numpy_helper.from_array(wc, "wc"), numpy_helper.from_array(wg, "wg"),
                           numpy_helper.from_array(wm, "wm")])
    return T.save_model(g, os.path.join(work, "built.onnx"))


def lossless(edgegen, work):
    model = built_model(work)
    x = np.random.default_rng(3).standard_normal((20, 3 * 8 * 8)).astype(np.float32)
    none, _ = generate(edgegen, work, model, "b_none", "none")
    exact, _ = generate(edgegen, work, model, "b_lossless", "lossless")
    comp = info(exact)["compression"]
    kinds = {t["tensor"]: (t["index_bits"], t["exact"]) for t in comp["tensors"]}
    T.check(kinds.get("wg") == (8, True) and kinds.get("wm", (0,))[0] == 0, "lossless choices %s" % comp)
    y0, y1 = build_and_run(none, x, "none"), build_and_run(exact, x, "lossless")
    T.check(y0.size == 20 * 37 and y0.tobytes() == y1.tobytes(), "lossless outputs differ from none")
    T.check(info(exact)["memory_footprint"]["weights"] < info(none)["memory_footprint"]["weights"],
            "lossless weights not smaller")
    high, _ = generate(edgegen, work, model, "b_high", "high")
    kinds = {t["tensor"]: t["index_bits"] for t in info(high)["compression"]["tensors"]}
    T.check(kinds.get("wg") == 4 and kinds.get("wm") == 4, "high choices %s" % kinds)
    r = T.run([edgegen, "validate", "-m", model, "-o", os.path.join(work, "b_val"), "--compression", "high",
               "-b", "4"], timeout=300)
    T.check(r.returncode == 0 and "compressed vs uncompressed model" in r.stdout.decode(), "validate high: %s %s" %
            (r.stdout.decode(), r.stderr.decode()))
    print("built Conv/Gemm/MatMul model: lossless shares %s, outputs bit-identical to none on 20 inputs; high: %s" %
          ({k: v for k, v in kinds.items()}, re.findall(r"#1 compressed vs uncompressed model\s+(.*)", r.stdout.decode())))


def int8_note(edgegen, work):
    model = T.shared_model("ad_fc_ae_qdq")
    if not os.path.exists(model):
        return
    out, err = generate(edgegen, work, model, "q_high", "high")
    r = T.run([edgegen, "generate", "-m", model, "-o", os.path.join(work, "q_high_v1"), "--no-size-report",
               "--compression", "high"], timeout=300)
    err = r.stderr.decode()
    T.check(r.returncode == 0 and "edgegen: note: --compression high: the model has no float Dense/Conv weights" in err,
            "int8 model: no note: %r" % err)
    base, _ = generate(edgegen, work, model, "q_none", "none")
    T.check(info(out)["memory_footprint"]["weights"] == info(base)["memory_footprint"]["weights"], "int8 weights changed")
    print("ad_fc_ae_qdq --compression high: note given, weights unchanged")


def main():
    edgegen, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    lossless(edgegen, work)
    int8_note(edgegen, work)
    autoencoder(edgegen, work)


if __name__ == "__main__":
    T.run_main(main)
