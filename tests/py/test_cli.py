"""Command-line hardening (issue 14): exit code 2 and one error line for bad
paths and options, reserved --name values, --workspace never cleaned, FIFO
models, Ctrl-C/SIGTERM/crash during generate (compilers killed, temporary files
removed), no temporary folder leaked, the output manifest (stale files of the
previous run removed, the user's files kept) and concurrent generates into one
folder. usage: test_cli.py EDGEGEN WORKDIR"""
import os
import signal
import subprocess
import sys
import threading
import time
import shutil

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import eg_testlib as T

EDGEGEN = WORK = None


def env_with_tmp(tmp):
    e = dict(os.environ)
    e["TMPDIR"] = tmp
    return e


def fresh(name):
    d = os.path.join(WORK, name)
    shutil.rmtree(d, ignore_errors=True)
    os.makedirs(d)
    return d


def conv_model(path):
    """x[1,2,8,8] -> Conv 3x3 -> Relu -> y: other runtime units than the dense model."""
    rng = np.random.default_rng(1)
    w = rng.standard_normal((4, 2, 3, 3)).astype(np.float32)
    g = helper.make_graph(
        [helper.make_node("Conv", ["x", "w"], ["c"], pads=[1, 1, 1, 1]), helper.make_node("Relu", ["c"], ["y"])],
        "conv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, [1, 2, 8, 8])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1, 4, 8, 8])], [numpy_helper.from_array(w, "w")])
    return T.save_model(g, path)


def dense_model(path):
    g, _ = T.dense_model(T.benign_names())
    return T.save_model(g, path)


def edgegen(*args, timeout=120, env=None):
    return T.run([EDGEGEN] + list(args), timeout=timeout, env=env)


def expect_error(args, what, env=None):
    return T.one_line_error(edgegen(*args, env=env), what)


def test_bad_paths():
    d = fresh("paths")
    model = dense_model(os.path.join(d, "m.onnx"))
    afile = os.path.join(d, "afile")
    open(afile, "w").write("keep")
    expect_error(["generate", "-m", model, "--target", "host", "-o", afile], "--output on a file")
    T.check(open(afile).read() == "keep", "--output on a file changed the file")
    expect_error(["generate", "-m", model, "--target", "host", "-o", "/dev/null"], "--output /dev/null")
    expect_error(["generate", "-m", model, "--target", "host", "-o", "/proc/edgegen-out"], "--output not creatable")
    expect_error(["generate", "-m", model, "--target", "host", "-o", "/proc/version/out"], "--output under a file")
    if os.geteuid() != 0:  # root ignores permissions
        ro = os.path.join(d, "ro")
        os.makedirs(ro)
        os.chmod(ro, 0o555)
        expect_error(["generate", "-m", model, "--target", "host", "-o", os.path.join(ro, "out")], "read-only")
    expect_error(["generate", "-m", model, "--target", "host", "-o", os.path.join(d, "o"), "--workspace", afile],
                 "--workspace on a file")
    expect_error(["generate", "-m", model, "--target", "host", "-o", os.path.join(d, "o"), "--workspace",
                  "/proc/edgegen-ws"], "--workspace not creatable")
    expect_error(["validate", "-m", model, "--target", "host", "-o", os.path.join(d, "o"), "--batches", "-5"],
                 "--batches -5")
    expect_error(["validate", "-m", model, "--target", "host", "-o", os.path.join(d, "o"), "--batches", "0"],
                 "--batches 0")
    expect_error(["generate", "-m", os.path.join(d, "no\nsuch\rmodel.onnx"), "-o", os.path.join(d, "o")],
                 "newline in the model path")
    T.check(not os.path.exists(os.path.join(d, "o")), "an output folder was written by a failing command")
    return "bad paths and options: exit 2, one line, nothing written"


def test_reserved_names():
    d = fresh("names")
    model = dense_model(os.path.join(d, "m.onnx"))
    out = os.path.join(d, "out")
    for name in ["stai", "eg_conv", "eg_common", "EG_fc", "STAI_x", "string", "math", "stdint", "eg"]:
        expect_error(["generate", "-m", model, "--target", "host", "-o", out, "--name", name], f"--name {name}")
    T.check(not os.path.exists(out), "--name rejected but files written")
    p = edgegen("generate", "-m", model, "--target", "host", "-o", out, "--name", "egg_net")
    T.check(p.returncode == 0, f"--name egg_net: {p.stderr!r}")
    return "reserved --name values rejected (9 cases), egg_net accepted"


def test_workspace_kept():
    d = fresh("workspace")
    model = dense_model(os.path.join(d, "m.onnx"))
    ws = os.path.join(d, "ws")
    os.makedirs(os.path.join(ws, "sections"))
    for f in ["sections/mine.c", "notes.txt", "validate"]:
        open(os.path.join(ws, f), "w").write("user data")
    for cmd in ["analyze", "generate", "validate"]:
        p = edgegen(cmd, "-m", model, "--target", "host", "-o", os.path.join(d, "out"), "--workspace", ws)
        T.check(p.returncode == 0, f"{cmd} --workspace: {p.stderr!r}")
        for f in ["sections/mine.c", "notes.txt", "validate"]:
            T.check(open(os.path.join(ws, f)).read() == "user data", f"{cmd} --workspace touched the user's {f}")
    return "--workspace: the user's files kept through analyze, generate, validate"


def test_fifo():
    d = fresh("fifo")
    fifo = os.path.join(d, "model.onnx")
    os.mkfifo(fifo)
    t0 = time.time()
    expect_error(["generate", "-m", fifo, "-o", os.path.join(d, "out")], "FIFO model")
    T.check(time.time() - t0 < 10, "FIFO model took too long")
    return "FIFO as --model: clean error, no hang"


def processes_mentioning(text):
    found = []
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            cmd = open(f"/proc/{pid}/cmdline", "rb").read()
        except OSError:
            continue
        if text.encode() in cmd:
            found.append((pid, cmd.replace(b"\0", b" ")[:200]))
    return found


def interrupt_case(sig, d, model, when):
    tmp = os.path.join(d, f"tmp-{sig}")
    os.makedirs(tmp)
    out = os.path.join(d, f"out-{sig}")
    p = subprocess.Popen([EDGEGEN, "generate", "-m", model, "-o", out], env=env_with_tmp(tmp),
                         stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    t0 = time.time()
    if when == "compiler":  # wait until a compiler works in this run's temporary folder
        while time.time() - t0 < 60 and not [c for c in processes_mentioning(tmp) if b"gcc" in c[1]]:
            time.sleep(0.01)
        T.check(p.poll() is None, "generate ended before a compiler was seen")
    else:
        time.sleep(when)
    if sig == "SEGV":  # a crash of the worker process
        kids = open(f"/proc/{p.pid}/task/{p.pid}/children").read().split()
        T.check(kids, "no worker process")
        os.kill(int(kids[0]), signal.SIGSEGV)
    else:
        os.kill(p.pid, getattr(signal, "SIG" + sig))
    _, err = p.communicate(timeout=30)
    T.check(p.returncode != 0, f"{sig}: exit 0 after the signal")
    # (killed before it set up its handlers, edgegen has made nothing yet and prints nothing)
    T.check(p.returncode < 0 or err.decode().count("\n") == 1, f"{sig}: exit {p.returncode}, stderr {err!r}")
    time.sleep(0.2)
    left = processes_mentioning(tmp)
    T.check(not left, f"{sig}: processes left running: {left}")
    T.check(os.listdir(tmp) == [], f"{sig}: temporary files left: {os.listdir(tmp)}")
    T.check(not os.path.exists(out), f"{sig}: partial output")
    T.check(not [f for f in os.listdir(d) if "edgegen-tmp" in f], f"{sig}: staging folder left")
    return p.returncode


def test_interrupts():
    d = fresh("signals")
    model = T.shared_model("kws_dscnn_qdq")
    codes = {}
    for sig in ["INT", "TERM", "SEGV"]:
        codes[sig] = interrupt_case(sig, d, model, "compiler")
    codes["INT-early"] = interrupt_case("INT", fresh("signals-early"), model, 0.05)
    return f"signals during generate: exit codes {codes}; compilers killed, no temporary file left"


def test_no_leak_on_failure():
    d = fresh("leak")
    tmp = os.path.join(d, "tmp")
    os.makedirs(tmp)
    bad = os.path.join(d, "bad.onnx")
    open(bad, "wb").write(b"\x08\x07garbage")
    for args in [["generate", "-m", bad], ["analyze", "-m", bad], ["validate", "-m", bad]]:
        T.one_line_error(edgegen(*args, "-o", os.path.join(d, "out"), env=env_with_tmp(tmp)), args[0])
    T.check(os.listdir(tmp) == [], f"temporary folders leaked: {os.listdir(tmp)}")
    T.check(sorted(os.listdir(d)) == ["bad.onnx", "tmp"], f"files left: {os.listdir(d)}")
    return "failing analyze/generate/validate leave no temporary folder"


def listing(out):
    return sorted(f for f in os.listdir(out) if not f.startswith("."))


def compiles(out):
    srcs = [os.path.join(out, f) for f in os.listdir(out) if f.endswith(".c")]
    p = T.run(["gcc"] + T.C_FLAGS + ["-I", out, "-c"] + srcs, cwd=WORK)
    for f in os.listdir(WORK):
        if f.endswith(".o"):
            os.remove(os.path.join(WORK, f))
    return p.returncode == 0


def test_manifest():
    d = fresh("manifest")
    dense, conv = dense_model(os.path.join(d, "dense.onnx")), conv_model(os.path.join(d, "conv.onnx"))
    sets = {}
    for m in (dense, conv):
        o = os.path.join(d, "alone-" + os.path.basename(m))
        T.check(edgegen("generate", "-m", m, "--target", "host", "-o", o).returncode == 0, "generate")
        sets[m] = listing(o)
    T.check(sets[dense] != sets[conv], "the two models should use different runtime files")
    out = os.path.join(d, "out")
    os.makedirs(out)
    open(os.path.join(out, "user_notes.txt"), "w").write("mine")
    open(os.path.join(out, "eg_user.c"), "w").write("/* mine */\n")
    for m in (dense, conv, dense):
        T.check(edgegen("generate", "-m", m, "--target", "host", "-o", out).returncode == 0, "generate")
        T.check(listing(out) == sorted(sets[m] + ["user_notes.txt", "eg_user.c"]),
                f"after {os.path.basename(m)}: {listing(out)}")
    # a new --name: the previous network's files go, the user's stay
    T.check(edgegen("generate", "-m", dense, "--target", "host", "-o", out, "--name", "other").returncode == 0, "")
    T.check(not os.path.exists(os.path.join(out, "network.c")) and os.path.exists(os.path.join(out, "other.c")),
            "--name change: stale network.c kept")
    T.check(open(os.path.join(out, "user_notes.txt")).read() == "mine", "user file changed")
    # analyze and validate files do not remove generate's
    T.check(edgegen("analyze", "-m", dense, "--target", "host", "-o", out, "--name", "other").returncode == 0, "")
    T.check(os.path.exists(os.path.join(out, "other.c")), "analyze removed generated files")

    # concurrent generates of two models into one folder: the result is one model, complete
    conc = os.path.join(d, "concurrent")
    for round_ in range(4):
        procs = [subprocess.Popen([EDGEGEN, "generate", "-m", m, "--target", "host", "-o", conc],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for m in (dense, conv, dense, conv)]
        for p in procs:
            _, err = p.communicate(timeout=120)
            T.check(p.returncode == 0, f"concurrent generate failed: {err!r}")
        got = listing(conc)
        T.check(got in (sets[dense], sets[conv]), f"round {round_}: a mix of two models: {got}")
        T.check(compiles(conc), f"round {round_}: the folder does not compile")
        T.check(not [f for f in os.listdir(d) if "edgegen-tmp" in f], "staging folder left")
    return "manifest: stale files removed, user files kept, 4 rounds x 4 concurrent generates each left one model"


def main():
    global EDGEGEN, WORK
    EDGEGEN, WORK = sys.argv[1], sys.argv[2]
    shutil.rmtree(WORK, ignore_errors=True)
    os.makedirs(WORK)
    failures = 0
    for t in [test_bad_paths, test_reserved_names, test_workspace_kept, test_fifo, test_no_leak_on_failure,
              test_manifest, test_interrupts]:
        try:
            print("ok  ", t.__name__, "-", t())
        except Exception as e:  # noqa: BLE001
            failures += 1
            print("FAIL", t.__name__, "-", e)
    if not failures:
        shutil.rmtree(WORK, ignore_errors=True)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
