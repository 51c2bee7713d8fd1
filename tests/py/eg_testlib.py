"""Helpers shared by the Python tests: build small ONNX models with onnx.helper,
run edgegen, compile generated C. Tests fail with a message (raise Failure)."""
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

C_FLAGS = ["-std=c99", "-Wall", "-Wextra", "-Werror", "-pedantic", "-O1"]


class Failure(Exception):
    pass


# The start of a C harness's main(argc, argv): argv[1] the input records, argv[2] the output records,
# the network on one activations buffer (exit 2 usage, 3 init); RUN_STREAM_C ends it.
ONE_BUFFER_MAIN_C = r"""
#include <stdio.h>
#include <string.h>
#include "network.h"
static STAI_ALIGNED(8) uint8_t act[STAI_NETWORK_ACTIVATIONS_SIZE_BYTES];
STAI_NETWORK_CONTEXT_DECLARE(net, STAI_NETWORK_CONTEXT_SIZE)
int main(int argc, char **argv) {
  stai_ptr bufs[1], in[1], out[1];
  stai_size n;
  FILE *fi, *fo;
  if (argc != 3) return 2;
  fi = fopen(argv[1], "rb");
  fo = fopen(argv[2], "wb");
  bufs[0] = act;
  if (!fi || !fo || stai_network_init(net) || stai_network_set_activations(net, bufs, 1)) return 3;
"""
# The network's own input and output buffers (in the activations).
GET_IO_C = """  stai_network_get_inputs(net, in, &n);
  stai_network_get_outputs(net, out, &n);
"""

# The end of a C harness's main(): runs the network on every input record read from fi and writes each
# output record to fo (exit 4 when a run fails).
RUN_STREAM_C = """  while (fread(in[0], 1, STAI_NETWORK_IN_1_SIZE_BYTES, fi) == STAI_NETWORK_IN_1_SIZE_BYTES) {
    if (stai_network_run(net, STAI_MODE_SYNC) != STAI_SUCCESS) return 4;
    fwrite(out[0], 1, STAI_NETWORK_OUT_1_SIZE_BYTES, fo);
  }
  fclose(fi);
  fclose(fo);
  return 0;
}
"""


def check(cond, msg):
    if not cond:
        raise Failure(msg)


def run(cmd, timeout=120, **kw):
    return subprocess.run(cmd, capture_output=True, timeout=timeout, **kw)


def save_model(graph, path, opset=13):
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)])
    model.ir_version = 7
    with open(path, "wb") as f:
        f.write(model.SerializeToString())
    return path


def dense_model(names, seed=0):
    """x[1,4] -> MatMul(W[4,3]) -> Add(B[3]) -> Relu -> y ; Add -> Mul(W2[3]) -> z.
    names: dict with keys x, w, w2, b, m, a, y, z, n_matmul, n_add, n_relu, n_mul."""
    rng = np.random.default_rng(seed)
    w = rng.standard_normal((4, 3)).astype(np.float32)
    b = rng.standard_normal(3).astype(np.float32)
    w2 = rng.standard_normal(3).astype(np.float32)
    n = names
    nodes = [
        helper.make_node("MatMul", [n["x"], n["w"]], [n["m"]], name=n["n_matmul"]),
        helper.make_node("Add", [n["m"], n["b"]], [n["a"]], name=n["n_add"]),
        helper.make_node("Relu", [n["a"]], [n["y"]], name=n["n_relu"]),
        helper.make_node("Mul", [n["a"], n["w2"]], [n["z"]], name=n["n_mul"]),
    ]
    inits = [numpy_helper.from_array(w, n["w"]), numpy_helper.from_array(b, n["b"]),
             numpy_helper.from_array(w2, n["w2"])]
    graph = helper.make_graph(
        nodes, "g", [helper.make_tensor_value_info(n["x"], TensorProto.FLOAT, [1, 4])],
        [helper.make_tensor_value_info(n["y"], TensorProto.FLOAT, [1, 3]),
         helper.make_tensor_value_info(n["z"], TensorProto.FLOAT, [1, 3])], inits)
    return graph, (w, b, w2)


def benign_names():
    return {k: k for k in ["x", "w", "w2", "b", "m", "a", "y", "z", "n_matmul", "n_add", "n_relu", "n_mul"]}


def one_line_error(proc, what):
    err = proc.stderr.decode("utf-8", "replace")
    check(proc.returncode == 2, f"{what}: exit {proc.returncode}, expected 2; stderr: {err!r}")
    check(err.count("\n") == 1 and err.endswith("\n") and err.startswith("edgegen: error: "),
          f"{what}: error is not one line: {err!r}")
    return err


def shared_model(name):
    here = os.path.dirname(os.path.abspath(__file__))
    return os.path.normpath(os.path.join(here, "..", "..", "..", "shared", "models", name, "model.onnx"))


def load_pb(path):
    """A TensorProto file (test_data_set_N/*.pb) as a numpy array."""
    t = TensorProto()
    with open(path, "rb") as f:
        t.ParseFromString(f.read())
    return numpy_helper.to_array(t)


def header_macros(path):
    """#define NAME VALUE lines of a generated header: {NAME: VALUE}."""
    macros = {}
    for line in open(path):
        parts = line.split(None, 2)
        if len(parts) == 3 and parts[0] == "#define":
            macros[parts[1]] = parts[2].strip()
    return macros


def run_main(main):
    """Runs a test's main(): a Failure is one FAIL line and exit code 1."""
    try:
        main()
    except Failure as e:
        print("FAIL:", e)
        sys.exit(1)
