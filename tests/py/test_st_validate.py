"""validate's ST extras (issue 12), on models built here and on the seed model, each against a result
computed independently: <name>_val_io.npz read back with numpy (its arrays give the printed metrics),
.csv inputs/outputs (one file per input; the values reach the network: the npz holds them and the
outputs are their sum), --classifier's confusion matrix on a classifier whose answers are known, --full's
per-layer errors (a float model: every layer exact; the seed model: the layer that gives the output has
the output's error), the report naming its reference, the I/O options applied (the same outputs in
another type, layout or the application's buffers) and the progress line (only on a terminal, not
with --quiet). usage: test_st_validate.py EDGEGEN WORKDIR"""
import json
import os
import pty
import shutil
import subprocess
import sys

import numpy as np
from onnx import TensorProto, helper, numpy_helper

import eg_testlib as T


def validate(edgegen, model, out, *extra, stderr=None):
    cmd = [edgegen, "validate", "-m", model, "--target", "stm32f4", "-o", out, "--no-size-report"] + list(extra)
    if stderr is not None:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=stderr, timeout=300)
    r = T.run(cmd, timeout=300)
    T.check(r.returncode == 0, "validate %s: %s" % (" ".join(extra), r.stderr.decode()[-2000:]))
    return r


def classifier_model(path):
    """x[1,4] -> MatMul(W) -> Softmax -> y[1,3]; W passes x[0..2] through (x[3] ignored): class = argmax x[:3]."""
    w = np.zeros((4, 3), np.float32)
    w[0, 0] = w[1, 1] = w[2, 2] = 1.0
    g = helper.make_graph(
        [helper.make_node("MatMul", ["x", "w"], ["m"], name="fc"), helper.make_node("Softmax", ["m"], ["y"], name="sm")],
        "classifier", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])], [numpy_helper.from_array(w, "w")])
    return T.save_model(g, path)


def two_input_model(path):
    """a[1,3] + b[1,3] -> Relu -> y (a float chain whose every layer the reference gives exactly)."""
    g = helper.make_graph(
        [helper.make_node("Add", ["a", "b"], ["s"], name="add"), helper.make_node("Relu", ["s"], ["y"], name="relu")],
        "two", [helper.make_tensor_value_info("a", TensorProto.FLOAT, [1, 3]),
                helper.make_tensor_value_info("b", TensorProto.FLOAT, [1, 3])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3])])
    return T.save_model(g, path)


def write_csv(path, rows, header=None):
    with open(path, "w") as f:
        if header:
            f.write(header + "\n")
        for r in rows:
            f.write(",".join("%.9g" % v for v in r) + "\n")


def check_classifier(edgegen, work):
    """6 samples, labels chosen so the matrix is known: classes 0,1,2 predicted; two labels wrong."""
    model = classifier_model(os.path.join(work, "cls.onnx"))
    x = np.array([[3, 0, 0, 9], [0, 3, 0, 9], [0, 0, 3, 9], [2, 1, 0, 0], [0, 0, 5, 1], [1, 4, 0, 0]], np.float32)
    labels = [0, 1, 2, 1, 0, 1]  # sample 3 is class 0 (label 1), sample 4 class 2 (label 0)
    onehot = np.eye(3, dtype=np.float32)[labels]
    write_csv(os.path.join(work, "x.csv"), x, header="f0,f1,f2,f3")
    write_csv(os.path.join(work, "y.csv"), onehot)
    out = os.path.join(work, "cls")
    r = validate(edgegen, model, out, "-vi", os.path.join(work, "x.csv"), "-vo", os.path.join(work, "y.csv"),
                 "--classifier")
    expected = np.zeros((3, 3), int)
    for pred, lab in zip(x[:, :3].argmax(1), labels):
        expected[lab, pred] += 1
    rep = json.load(open(os.path.join(out, "network_validate_report.json")))
    cm = np.array(rep["outputs"][0]["confusion_matrix"])
    T.check((cm == expected).all(), "confusion matrix %s, expected %s" % (cm.tolist(), expected.tolist()))
    T.check(abs(rep["outputs"][0]["acc"] - 4 / 6) < 1e-12, "accuracy %s" % rep["outputs"][0]["acc"])
    text = r.stdout.decode()
    T.check("Confusion matrix" in text and "accuracy 66.67% (4/6)" in text, "printed matrix:\n" + text)
    T.check("reference: the outputs in " in text, "the report names the -vo reference:\n" + text)
    # the csv values are what the network ran: the npz holds them
    npz = np.load(os.path.join(out, "network_val_io.npz"))
    T.check(np.array_equal(npz["m_inputs_1"].reshape(6, 4), x), "npz inputs are the csv rows")
    T.check(np.array_equal(npz["m_outputs_1"].reshape(6, 3), onehot), "npz reference is the -vo csv")
    print("--classifier: confusion matrix %s, accuracy 4/6; csv inputs round trip" % cm.tolist())


def check_npz_metrics(edgegen, work):
    """Random inputs on the seed (QDQ) model: the npz's arrays give the report's metrics."""
    model = T.shared_model("seed_cnn_gru_qdq")
    out = os.path.join(work, "seed")
    r = validate(edgegen, model, out, "-b", "4")
    rep = json.load(open(os.path.join(out, "network_validate_report.json")))
    npz = np.load(os.path.join(out, "network_val_io.npz"))
    T.check(sorted(npz.files) == ["c_outputs_1", "m_inputs_1", "m_outputs_1"], "npz arrays %s" % npz.files)
    T.check(npz["m_inputs_1"].shape[0] == 4, "4 samples: %s" % (npz["m_inputs_1"].shape,))
    m, c = npz["m_outputs_1"].astype(np.float64).ravel(), npz["c_outputs_1"].astype(np.float64).ravel()
    o = rep["outputs"][0]
    e = c - m
    checks = {"rmse": np.sqrt(np.mean(e * e)), "max_abs": np.abs(e).max(),
              "cos": (m @ c) / (np.linalg.norm(m) * np.linalg.norm(c))}
    for k, v in checks.items():
        T.check(abs(v - o[k]) <= 1e-6 * max(1.0, abs(v)), "%s: npz gives %r, the report %r" % (k, v, o[k]))
    scale = o["scale"]
    T.check(scale > 0 and np.abs(c / scale - np.round(c / scale)).max() < 1e-3, "c_outputs on the int8 grid")
    T.check(abs(np.abs(e).max() / scale - o["max_lsb"]) < 1e-6, "max_lsb from the npz")
    T.check("reference: edgegen's reference interpreter" in r.stdout.decode(), "the report names the interpreter")
    print("val_io.npz: %s; rmse %.3g max_abs %.3g cos %.6f as the report" % (
        {k: npz[k].shape for k in npz.files}, checks["rmse"], checks["max_abs"], checks["cos"]))
    return model


def check_csv_inputs_and_full(edgegen, work):
    """Two inputs from two csv files: the outputs are their sum (Relu); --full: every layer exact."""
    model = two_input_model(os.path.join(work, "two.onnx"))
    rng = np.random.default_rng(7)
    a, b = rng.standard_normal((5, 3)).astype(np.float32), rng.standard_normal((5, 3)).astype(np.float32)
    write_csv(os.path.join(work, "a.csv"), a)
    write_csv(os.path.join(work, "b.csv"), b)
    out = os.path.join(work, "two")
    r = validate(edgegen, model, out, "-vi", os.path.join(work, "a.csv"), os.path.join(work, "b.csv"), "--full")
    npz = np.load(os.path.join(out, "network_val_io.npz"))
    T.check(np.array_equal(npz["m_inputs_1"].reshape(5, 3), a) and np.array_equal(npz["m_inputs_2"].reshape(5, 3), b),
            "each csv file is its input")
    T.check(np.array_equal(npz["c_outputs_1"].reshape(5, 3), np.maximum(a + b, 0)), "outputs = relu(a + b)")
    rep = json.load(open(os.path.join(out, "network_validate_report.json")))
    layers = rep["layers"]
    T.check(len(layers) >= 1 and all(l["max_abs"] == 0 for l in layers), "float layers exact: %s" % layers)
    T.check("Per-layer error (--full)" in r.stdout.decode(), "per-layer table printed")
    print("csv: two inputs from two files, outputs relu(a+b); --full: %d layer(s) exact" % len(layers))


def check_full_seed(edgegen, work, model):
    out = os.path.join(work, "seed_full")
    r = validate(edgegen, model, out, "-b", "2", "--full")
    rep = json.load(open(os.path.join(out, "network_validate_report.json")))
    layers = rep["layers"]
    T.check(len(layers) >= 2, "seed: %d layer(s) compared" % len(layers))
    last = [l for l in layers if l["tensor"] == rep["outputs"][0]["name"]]
    T.check(last and abs(last[-1]["max_abs"] - rep["outputs"][0]["max_abs"]) < 1e-9,
            "the output's layer has the output's error: %s vs %s" % (last, rep["outputs"][0]))
    T.check(all(l["cos"] > 0.99 for l in layers), "per-layer cos: %s" % [(l["tensor"], l["cos"]) for l in layers])
    print("--full on the seed model: %d layer outputs compared, %d not (made by the passes); max LSB %s" % (
        len(layers), rep["layers_not_compared"], max(l["max_lsb"] or 0 for l in layers)))
    T.check("Per-layer error" in r.stdout.decode(), "table")


def conv_model(path):
    """x[1,2,5,5] NCHW -> Conv 3x3 (3 channels, pad 1) -> Relu -> y[1,3,5,5]: a layout to move."""
    rng = np.random.default_rng(3)
    w = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
    g = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["c"], name="conv", pads=[1, 1, 1, 1]),
         helper.make_node("Relu", ["c"], ["y"], name="relu")],
        "conv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 5, 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 3, 5, 5])], [numpy_helper.from_array(w, "w")])
    return T.save_model(g, path)


def check_io_formats(edgegen, work, seed):
    """validate applies the I/O options: the network is fed in the asked type/layout/buffers and gives
    the same outputs as without them (the seed's test set: on the int8 grid; a float conv net: exact)."""
    data = os.path.join(os.path.dirname(seed), "test_data_set_0")
    vi = ["-vi", os.path.join(data, "input_0.pb"), "-vo", os.path.join(data, "output_0.pb")]
    base = None
    for extra in ([], ["--input-data-type", "float32", "--output-data-type", "float32"], ["--input-data-type", "uint8"],
                  ["--no-inputs-allocation", "--no-outputs-allocation"]):
        out = os.path.join(work, "io_" + "_".join(a.strip("-") for a in extra))
        r = validate(edgegen, seed, out, *(vi + extra))
        T.check("note" not in r.stderr.decode(), "no note: %s" % r.stderr.decode())
        c = np.load(os.path.join(out, "network_val_io.npz"))["c_outputs_1"]
        rep = json.load(open(os.path.join(out, "network_validate_report.json")))["outputs"][0]
        if base is None:
            base = c
        T.check(np.array_equal(c, base), "%s: outputs differ from the default I/O" % extra)
        T.check(rep["max_abs"] <= 0.5 * (rep["scale"] or 1) + 1e-7, "%s: %s" % (extra, rep))
    conv = conv_model(os.path.join(work, "conv.onnx"))
    out = os.path.join(work, "io_chlast")
    validate(edgegen, conv, out, "-b", "3", "--inputs-ch-position", "chlast", "--outputs-ch-position", "chlast")
    rep = json.load(open(os.path.join(out, "network_validate_report.json")))["outputs"][0]
    T.check(rep["max_abs"] < 1e-5 and rep["cos"] > 0.999999, "chlast I/O: %s" % rep)
    print("validate honours --input/output-data-type, --no-inputs/outputs-allocation (same outputs) and "
          "--inputs/outputs-ch-position (max error %.2g)" % rep["max_abs"])


def check_progress(edgegen, work, model):
    """A progress line on a terminal only, and none with --quiet."""
    def on_tty(*extra):
        master, slave = pty.openpty()
        p = validate(edgegen, model, os.path.join(work, "tty"), "-b", "2", *extra, stderr=slave)
        os.close(slave)
        data = b""
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
        os.close(master)
        T.check(p.returncode == 0, "validate on a tty: exit %d %r" % (p.returncode, data))
        return data.decode("utf-8", "replace")
    shown = on_tty()
    T.check("\r" in shown and "edgegen: validate: reference interpreter" in shown, "no progress on a tty: %r" % shown)
    T.check("\r" not in on_tty("--quiet"), "progress with --quiet")
    piped = validate(edgegen, model, os.path.join(work, "pipe"), "-b", "2").stderr.decode()
    T.check("\r" not in piped and "reference interpreter" not in piped, "progress on a pipe: %r" % piped)
    print("progress: shown on a terminal, not with --quiet, not on a pipe")


def main():
    edgegen, work = sys.argv[1], sys.argv[2]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    check_classifier(edgegen, work)
    seed = check_npz_metrics(edgegen, work)
    check_csv_inputs_and_full(edgegen, work)
    check_full_seed(edgegen, work, seed)
    check_io_formats(edgegen, work, seed)
    check_progress(edgegen, work, classifier_model(os.path.join(work, "p.onnx")))
    print("test_st_validate: OK")


if __name__ == "__main__":
    T.run_main(main)
