"""I/O data types and layouts as ST's --input/output-data-type and --inputs/outputs-ch-position
ask (issue 12). vww_mbv1_qdq generated with --input-data-type uint8 --inputs-ch-position chlast
takes an HWC uint8 image: its output must match ONNX Runtime (graph optimizations disabled) fed
the equivalent NCHW float image, within 1 LSB, on the 5 shipped images; the generated input is
checked to be uint8, [1,96,96,3], channels last, with no transpose layer left. The seed model with
--input-data-type float32 --output-data-type float32 takes and gives floats (the reference outputs
within half a quantization step), and with --output-data-type uint8 gives uint8 codes.
usage: test_st_io.py EDGEGEN WORKDIR"""
import json
import os
import shutil
import sys

import numpy as np

import eg_testlib as T

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
MODELS = os.path.join(ROOT, "..", "shared", "models")
ORT_RUN = os.path.join(MODELS, "gen", "ort_run.js")
HARNESS = T.ONE_BUFFER_MAIN_C + r"""#ifdef APP_BUFFERS
  {
    static STAI_ALIGNED(8) uint8_t app_in[STAI_NETWORK_IN_1_SIZE_BYTES], app_out[STAI_NETWORK_OUT_1_SIZE_BYTES];
    stai_ptr probe[1];
    n = 0;
    if (stai_network_get_inputs(net, probe, &n) || probe[0] != NULL) return 5; /* nothing allocated */
    if (stai_network_run(net, STAI_MODE_SYNC) != STAI_ERROR_NETWORK_INVALID_IN_PTR) return 6;
    /* the first error sticks: a fresh context */
    if (stai_network_init(net) || stai_network_set_activations(net, bufs, 1)) return 3;
    in[0] = app_in;
    out[0] = app_out;
    if (stai_network_set_inputs(net, in, 1) || stai_network_set_outputs(net, out, 1)) return 7;
  }
#else
""" + T.GET_IO_C + """#endif
""" + T.RUN_STREAM_C


def number(text):
    return float(text.strip("()").rstrip("f"))


def generate_and_build(edgegen, work, model, options, tag, defines=()):
    out = os.path.join(work, tag)
    r = T.run([edgegen, "generate", "-m", os.path.join(MODELS, model, "model.onnx"), "--target", "stm32f4", "-o", out,
               "-v", "0"] + options, timeout=300)
    T.check(r.returncode == 0, "generate %s %s: %s" % (model, options, r.stderr.decode()))
    open(os.path.join(out, "harness.c"), "w").write(HARNESS)
    srcs = [os.path.join(out, f) for f in sorted(os.listdir(out)) if f.endswith(".c")]
    exe = os.path.join(out, "run")
    r = T.run(["gcc"] + T.C_FLAGS + ["-I" + out] + ["-D" + d for d in defines] + srcs + ["-lm", "-o", exe], timeout=300)
    T.check(r.returncode == 0, "gcc: %s" % r.stderr.decode()[-3000:])
    return out, exe


def run(exe, data, out_dtype, work, tag):
    fi, fo = os.path.join(work, tag + ".in"), os.path.join(work, tag + ".out")
    data.tofile(fi)
    r = T.run([exe, fi, fo], timeout=300)
    T.check(r.returncode == 0, "%s: exit %d" % (exe, r.returncode))
    return np.fromfile(fo, dtype=out_dtype)


def ort(model, name, x_nchw, work):
    """ONNX Runtime, graph optimizations disabled, on each image; the outputs stacked."""
    jobs = []
    for i, x in enumerate(x_nchw):
        f = os.path.join(work, "ort_in_%d.bin" % i)
        x.astype(np.float32).tofile(f)
        jobs.append({"model": model, "opt": "disabled", "inputs": [{"name": name, "type": "float32",
                     "dims": list(x.shape), "file": f}], "outdir": os.path.join(work, "ort_out_%d" % i)})
    job = os.path.join(work, "ort_job.json")
    json.dump(jobs, open(job, "w"))
    env = dict(os.environ, NODE_PATH=os.path.join(ROOT, ".ort", "node_modules"))
    r = T.run(["node", ORT_RUN, job], timeout=600, env=env)
    T.check(r.returncode == 0, "ort_run.js: %s" % r.stderr.decode()[-2000:])
    res = json.loads(r.stdout.decode())
    return np.stack([np.fromfile(x["outputs"][0]["file"], dtype=np.float32) for x in res])


def vww_uint8_hwc(edgegen, work):
    model = os.path.join(MODELS, "vww_mbv1_qdq", "model.onnx")
    out, exe = generate_and_build(edgegen, work, "vww_mbv1_qdq",
                                  ["--input-data-type", "uint8", "--inputs-ch-position", "chlast"], "vww")
    h = T.header_macros(os.path.join(out, "network.h"))
    T.check(h["STAI_NETWORK_IN_1_FORMAT"] == "STAI_FORMAT_U8", "input format %s" % h["STAI_NETWORK_IN_1_FORMAT"])
    T.check(h["STAI_NETWORK_IN_1_SHAPE"] == "{1, 96, 96, 3}", "input shape %s" % h["STAI_NETWORK_IN_1_SHAPE"])
    T.check("STAI_FLAG_CHANNEL_LAST" in h["STAI_NETWORK_IN_1_FLAGS"] and h["STAI_NETWORK_IN_1_CHANNEL"] == "3" and
            h["STAI_NETWORK_IN_1_HEIGHT"] == "96", "input layout macros")
    c = open(os.path.join(out, "network.c")).read()
    T.check("eg_transpose" not in c and "Transpose" not in c, "a transpose is left at run time")
    s, zp = number(h["STAI_NETWORK_IN_1_SCALE"]), int(number(h["STAI_NETWORK_IN_1_ZERO_POINT"]))
    so, zo = number(h["STAI_NETWORK_OUT_1_SCALE"]), int(number(h["STAI_NETWORK_OUT_1_ZERO_POINT"]))
    images, name = [], None
    for k in range(5):
        d = os.path.join(MODELS, "vww_mbv1_qdq", "test_data_set_%d" % k)
        x = T.load_pb(os.path.join(d, "input_0.pb")).astype(np.float32)  # NCHW float
        # the camera's HWC uint8 image whose values the network's input quantization gives
        u = np.clip(np.round(x / s) + zp, 0, 255).astype(np.uint8)[0].transpose(1, 2, 0)
        images.append(u)
    got = run(exe, np.stack(images), np.int8, work, "vww").reshape(len(images), -1).astype(np.int32)
    import onnx
    name = onnx.load(model).graph.input[0].name
    nchw = [((u.astype(np.float32) - zp) * np.float32(s)).transpose(2, 0, 1)[None] for u in images]
    ref = ort(model, name, nchw, work)
    ref_q = np.clip(np.round(ref / so) + zo, -128, 127).astype(np.int32)
    diff = np.abs(got - ref_q).max()
    print("vww_mbv1_qdq, uint8 HWC input, the %d shipped images: max |edgegen - ORT| = %d LSB" % (len(images), diff))
    T.check(diff <= 1, "vww output differs from ONNX Runtime by %d LSB:\n%s\n%s" % (diff, got, ref_q))
    # random camera images: bit-identical to the model's own int8 NCHW input (the conversion and the
    # layout change are exact; ORT itself drifts from exact integer arithmetic on some inputs)
    rng = np.random.default_rng(12)
    cams = np.stack([rng.integers(0, 256, (96, 96, 3), dtype=np.uint8) for _ in range(4)])
    _, exe8 = generate_and_build(edgegen, work, "vww_mbv1_qdq", [], "vww_i8")
    a = run(exe, cams, np.int8, work, "vww_cam")
    b = run(exe8, (cams.astype(np.int16) - 128).astype(np.int8).transpose(0, 3, 1, 2).copy(), np.int8, work, "vww_cam8")
    T.check(np.array_equal(a, b), "uint8 HWC and int8 NCHW networks differ: %s vs %s" % (a, b))
    print("vww_mbv1_qdq, 4 random uint8 HWC images: identical to the int8 NCHW network")


def seed_float_io(edgegen, work):
    d = os.path.join(MODELS, "seed_cnn_gru_qdq", "test_data_set_0")
    x = T.load_pb(os.path.join(d, "input_0.pb")).astype(np.float32)
    y = T.load_pb(os.path.join(d, "output_0.pb")).astype(np.float32).ravel()
    out, exe = generate_and_build(edgegen, work, "seed_cnn_gru_qdq",
                                  ["--input-data-type", "float32", "--output-data-type", "float32"], "seed_f32")
    h = T.header_macros(os.path.join(out, "network.h"))
    T.check(h["STAI_NETWORK_IN_1_FORMAT"] == "STAI_FORMAT_FLOAT32" and h["STAI_NETWORK_OUT_1_FORMAT"] ==
            "STAI_FORMAT_FLOAT32", "float32 I/O formats")
    got = run(exe, x, np.float32, work, "seed_f32")
    plain, _ = out, None
    out8, exe8 = generate_and_build(edgegen, work, "seed_cnn_gru_qdq", [], "seed_i8")
    h8 = T.header_macros(os.path.join(out8, "network.h"))
    so = number(h8["STAI_NETWORK_OUT_1_SCALE"])
    T.check(np.abs(got - y).max() <= 0.5 * so + 1e-7, "float output %s, reference %s" % (got, y))
    out_u8, exe_u8 = generate_and_build(edgegen, work, "seed_cnn_gru_qdq", ["--output-data-type", "uint8"], "seed_u8")
    hu = T.header_macros(os.path.join(out_u8, "network.h"))
    T.check(hu["STAI_NETWORK_OUT_1_FORMAT"] == "STAI_FORMAT_U8", "uint8 output format")
    zi = int(number(h8["STAI_NETWORK_IN_1_ZERO_POINT"]))
    si = number(h8["STAI_NETWORK_IN_1_SCALE"])
    xq = np.clip(np.round(x / si) + zi, -128, 127).astype(np.int8)
    q8 = run(exe8, xq, np.int8, work, "seed_i8").astype(np.int32)
    qu = run(exe_u8, xq, np.uint8, work, "seed_u8").astype(np.int32)
    T.check(int(number(hu["STAI_NETWORK_OUT_1_ZERO_POINT"])) == int(number(h8["STAI_NETWORK_OUT_1_ZERO_POINT"])) + 128,
            "uint8 zero point")
    T.check(np.array_equal(qu - 128, q8), "uint8 output %s vs int8 %s" % (qu, q8))
    print("seed_cnn_gru_qdq: float32 in/out within half a step of the reference; uint8 output = int8 + 128")


def seed_app_buffers(edgegen, work):
    """--no-inputs/outputs-allocation: the application's buffers, read and written in place."""
    rng = np.random.default_rng(3)
    x = rng.integers(-128, 128, (20, 300), dtype=np.int8)
    out, exe = generate_and_build(edgegen, work, "seed_cnn_gru_qdq", ["--no-inputs-allocation", "--no-outputs-allocation"],
                                  "seed_app", defines=["APP_BUFFERS"])
    ref_out, ref_exe = generate_and_build(edgegen, work, "seed_cnn_gru_qdq", [], "seed_act")
    h, hr = T.header_macros(os.path.join(out, "network.h")), T.header_macros(os.path.join(ref_out, "network.h"))
    T.check("STAI_FLAG_INPUTS" not in h["STAI_NETWORK_FLAGS"] and "STAI_FLAG_OUTPUTS" not in h["STAI_NETWORK_FLAGS"] and
            "PREALLOCATED" not in h["STAI_NETWORK_IN_1_FLAGS"], "flags of application buffers")
    a, b = int(h["STAI_NETWORK_ACTIVATIONS_SIZE_BYTES"]), int(hr["STAI_NETWORK_ACTIVATIONS_SIZE_BYTES"])
    T.check(a < b, "activations %d B with the application's I/O buffers, %d B without" % (a, b))
    T.check(np.array_equal(run(exe, x, np.int8, work, "seed_app"), run(ref_exe, x, np.int8, work, "seed_act")),
            "outputs differ with the application's buffers")
    report = open(os.path.join(out, "network_generate_report.txt")).read()
    info = json.load(open(os.path.join(out, "network_c_info.json")))
    T.check("the application's buffer" in report and info["inputs"][0]["allocated_in"] == "application" and
            info["memory_footprint"]["io_in_activations"] is False, "the report does not say where the I/O live")
    print("seed_cnn_gru_qdq --no-inputs/outputs-allocation: activations %d B (%d B with the I/O inside), "
          "outputs identical on 20 inputs" % (a, b))


def part_limits(edgegen, work):
    """The report warns when the weights or the activations exceed the series' largest part."""
    model = os.path.join(MODELS, "vww_mbv1_qdq", "model.onnx")
    for target, expect in (("stm32l0", 2), ("stm32h7", 0)):
        out = os.path.join(work, "limits_" + target)
        r = T.run([edgegen, "analyze", "-m", model, "--target", target, "-o", out, "-v", "0"], timeout=300)
        T.check(r.returncode == 0, "analyze %s: %s" % (target, r.stderr.decode()))
        notes = json.load(open(os.path.join(out, "network_analyze_report.json")))["notes"]
        warnings = [n for n in notes if n.startswith("warning:") and target in n]
        T.check(len(warnings) == expect, "%s: %d warnings %s, expected %d" % (target, len(warnings), warnings, expect))
    print("vww_mbv1_qdq: the report warns that weights and activations exceed stm32l0's largest part, not stm32h7's")


def validate_thresholds(edgegen, work):
    """validate --max-lsb / --min-cos: exit code 1 and one line per output that misses them."""
    d = os.path.join(MODELS, "seed_cnn_gru_qdq", "test_data_set_0")
    model = os.path.join(MODELS, "seed_cnn_gru_qdq", "model.onnx")
    y = T.load_pb(os.path.join(d, "output_0.pb")).astype(np.float32)
    wrong = os.path.join(work, "wrong.npy")
    np.save(wrong, -y - 1.0)
    base = [edgegen, "validate", "-m", model, "--target", "stm32f4", "--vi", os.path.join(d, "input_0.pb"), "-v", "0"]
    ok = T.run(base + ["--vo", os.path.join(d, "output_0.pb"), "--max-lsb", "0", "--min-cos", "0.999",
                       "-o", os.path.join(work, "val_ok")], timeout=300)
    T.check(ok.returncode == 0, "validate against the reference: exit %d %s" % (ok.returncode, ok.stderr.decode()))
    bad = T.run(base + ["--vo", wrong, "--max-lsb", "1", "--min-cos", "0.5", "-o", os.path.join(work, "val_bad")],
                timeout=300)
    lines = [l for l in bad.stderr.decode().splitlines() if l.startswith("edgegen: validate: ")]
    T.check(bad.returncode == 1 and any("--max-lsb" in l for l in lines) and any("--min-cos" in l for l in lines),
            "validate against wrong outputs: exit %d, %s" % (bad.returncode, bad.stderr.decode()))
    T.check(os.path.exists(os.path.join(work, "val_bad", "network_validate_report.txt")), "no report on a miss")
    print("validate --max-lsb/--min-cos: exit 0 on the reference, 1 with %d lines on wrong outputs" % len(lines))


def main():
    edgegen, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    seed_float_io(edgegen, work)
    seed_app_buffers(edgegen, work)
    part_limits(edgegen, work)
    validate_thresholds(edgegen, work)
    if not shutil.which("node") or not os.path.isdir(os.path.join(ROOT, ".ort", "node_modules")):
        print("vww against ONNX Runtime: skipped (no node or .ort)")
        sys.exit(77)
    vww_uint8_hwc(edgegen, work)
    print("test_st_io: OK")


if __name__ == "__main__":
    T.run_main(main)
