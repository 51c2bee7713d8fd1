"""Small streaming / control-flow test models, built at test time (no binaries in git).

usage: stream_models.py OUTDIR [NAME...]
Writes OUTDIR/NAME/model.onnx and OUTDIR/NAME/job.json (for ort_stream.js: the per-step
inputs of every non-state input, STEPS calls, the state pairs output -> input).
"""
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

STEPS = 50
OPSET = 17
F = TensorProto.FLOAT


def const(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


def rnd(rng, *shape, scale=0.5):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def vi(name, elem, shape):
    return helper.make_tensor_value_info(name, elem, shape)


class Model:
    """Collects nodes/initializers; save() writes the model and the stream job."""

    def __init__(self, name, seed):
        self.name = name
        self.rng = np.random.default_rng(seed)
        self.nodes, self.inits, self.inputs, self.outputs = [], [], [], []
        self.states = []  # (output, input)
        self.feed = {}    # input name -> generator of one step's values

    def w(self, name, *shape, scale=0.5):
        self.inits.append(const(name, rnd(self.rng, *shape, scale=scale)))
        return name

    def c(self, name, arr):
        self.inits.append(const(name, arr))
        return name

    def node(self, op, ins, outs, **attrs):
        self.nodes.append(helper.make_node(op, ins, outs, name=f"{op}_{len(self.nodes)}", **attrs))
        return outs[0] if len(outs) == 1 else outs

    def input(self, name, elem, shape, gen=None):
        self.inputs.append(vi(name, elem, shape))
        if gen is not None:
            self.feed[name] = gen
        return name

    def output(self, name, elem, shape):
        self.outputs.append(vi(name, elem, shape))
        return name

    def state(self, out, inp):
        self.states.append((out, inp))

    def save(self, root, subgraph_nodes=None):
        d = os.path.join(root, self.name)
        os.makedirs(d, exist_ok=True)
        g = helper.make_graph(self.nodes, self.name, self.inputs, self.outputs, self.inits)
        m = helper.make_model(g, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="edgegen-tests")
        m.ir_version = 8
        onnx.checker.check_model(m)
        onnx.save(m, os.path.join(d, "model.onnx"))
        state_inputs = {i for _, i in self.states}
        job = {"model": os.path.join(d, "model.onnx"), "steps": STEPS, "outdir": os.path.join(d, "ref"),
               "inputs": [], "states": [{"output": o, "input": i} for o, i in self.states]}
        names = {TensorProto.FLOAT: ("float32", np.float32), TensorProto.INT8: ("int8", np.int8),
                 TensorProto.UINT8: ("uint8", np.uint8), TensorProto.INT32: ("int32", np.int32),
                 TensorProto.INT64: ("int64", np.int64), TensorProto.BOOL: ("bool", np.uint8)}
        for k, v in enumerate(self.inputs):
            tt = v.type.tensor_type
            dims = [x.dim_value for x in tt.shape.dim]
            tname, npt = names[tt.elem_type]
            entry = {"name": v.name, "type": tname, "dims": dims}
            if v.name not in state_inputs:
                gen = self.feed.get(v.name, lambda rng, shape: rng.uniform(-1, 1, shape))
                data = np.stack([np.asarray(gen(self.rng, dims)) for _ in range(STEPS)]).astype(npt)
                f = os.path.join(d, f"feed_{k}.bin")
                data.tofile(f)
                entry["file"] = f
            job["inputs"].append(entry)
        with open(os.path.join(d, "job.json"), "w") as fh:
            json.dump(job, fh, indent=1)


# ---------------------------------------------------------------- recurrent state in and out

def lstm2_state(root):
    """2-layer LSTM, h/c of both layers stacked in one state input each (Slice / Gather+Unsqueeze
    per layer), Y_h/Y_c concatenated back; a Gemm on the last layer's Y."""
    m = Model("lstm2_state", 1)
    T, I, H = 3, 6, 8
    x = m.input("x", F, [T, 1, I])
    h = m.input("h_in", F, [2, 1, H])
    c = m.input("c_in", F, [2, 1, H])
    h0 = m.node("Slice", [h, m.c("s0", np.array([0], np.int64)), m.c("s1", np.array([1], np.int64)),
                          m.c("ax0", np.array([0], np.int64))], ["h0"])
    c0 = m.node("Slice", [c, "s0", "s1", "ax0"], ["c0"])
    g1 = m.node("Gather", [h, m.c("one", np.array(1, np.int64))], ["h1g"], axis=0)
    h1 = m.node("Unsqueeze", [g1, "ax0"], ["h1"])
    g1c = m.node("Gather", [c, "one"], ["c1g"], axis=0)
    c1 = m.node("Unsqueeze", [g1c, "ax0"], ["c1"])
    m.node("LSTM", [x, m.w("W1", 1, 4 * H, I), m.w("R1", 1, 4 * H, H), m.w("B1", 1, 8 * H), "", h0, c0],
           ["Y1", "Yh1", "Yc1"], hidden_size=H)
    x2 = m.node("Squeeze", ["Y1", m.c("ax1", np.array([1], np.int64))], ["x2"])
    m.node("LSTM", [x2, m.w("W2", 1, 4 * H, H), m.w("R2", 1, 4 * H, H), m.w("B2", 1, 8 * H), "", h1, c1],
           ["Y2", "Yh2", "Yc2"], hidden_size=H)
    m.node("Concat", ["Yh1", "Yh2"], ["h_out"], axis=0)
    m.node("Concat", ["Yc1", "Yc2"], ["c_out"], axis=0)
    y2 = m.node("Reshape", ["Y2", m.c("shp", np.array([T, H], np.int64))], ["y2"])
    m.node("Gemm", [y2, m.w("Wo", 2, H), m.w("Bo", 2)], ["y"], transB=1)
    m.output("y", F, [T, 2])
    m.output("h_out", F, [2, 1, H])
    m.output("c_out", F, [2, 1, H])
    m.state("h_out", "h_in")
    m.state("c_out", "c_in")
    m.save(root)


def gru_cache(root):
    """Streaming enhancement: a Concat(cache_in, x) -> Conv -> Slice -> cache_out convolution cache,
    a GRU (linear_before_reset=1) and a reverse GRU with clip, states in and out
    (one transposed on the way in and out), a sigmoid mask on the input frame."""
    m = Model("gru_cache", 2)
    C, K, O, H1, H2 = 4, 3, 6, 8, 5
    x = m.input("frame", F, [1, C, 1])
    cache = m.input("cache_in", F, [1, C, K - 1])
    h1 = m.input("h1_in", F, [1, 1, H1])      # batch-first: [batch, dir, hidden]
    h2 = m.input("h2_in", F, [1, H2, 1])      # stored transposed: [batch, hidden, dir]
    cat = m.node("Concat", [cache, x], ["cat"], axis=2)
    m.node("Slice", [cat, m.c("c_s", np.array([1], np.int64)), m.c("c_e", np.array([K], np.int64)),
                     m.c("c_ax", np.array([2], np.int64))], ["cache_out"])
    m.node("Conv", [cat, m.w("Wc", O, C, K), m.w("Bc", O)], ["conv"])
    m.node("Relu", ["conv"], ["act"])
    m.node("Transpose", ["act"], ["seq"], perm=[0, 2, 1])   # [1, 1, O]: batch, time, feature
    m.node("GRU", ["seq", m.w("Wg1", 1, 3 * H1, O), m.w("Rg1", 1, 3 * H1, H1), m.w("Bg1", 1, 6 * H1), "", h1],
           ["Yg1", "h1_out"], hidden_size=H1, linear_before_reset=1)
    m.node("Reshape", ["Yg1", m.c("shp1", np.array([1, 1, H1], np.int64))], ["x2"])
    m.node("Transpose", ["x2"], ["x2t"], perm=[1, 0, 2])
    m.node("Transpose", [h2], ["h2t"], perm=[2, 0, 1])
    m.node("GRU", ["x2t", m.w("Wg2", 1, 3 * H2, H1), m.w("Rg2", 1, 3 * H2, H2), m.w("Bg2", 1, 6 * H2), "", "h2t"],
           ["", "h2n"], hidden_size=H2, direction="reverse", clip=1.5)
    m.node("Transpose", ["h2n"], ["h2_out"], perm=[1, 2, 0])
    m.node("Reshape", ["h2n", m.c("shp2", np.array([1, H2], np.int64))], ["h2f"])
    m.node("Gemm", ["h2f", m.w("Wm", C, H2), m.w("Bm", C)], ["mlog"], transB=1)
    m.node("Sigmoid", ["mlog"], ["mask"])
    m.node("Reshape", [x, m.c("shp3", np.array([1, C], np.int64))], ["xf"])
    m.node("Mul", ["xf", "mask"], ["enhanced"])
    m.output("enhanced", F, [1, C])
    m.output("cache_out", F, [1, C, K - 1])
    m.output("h1_out", F, [1, 1, H1])
    m.output("h2_out", F, [1, H2, 1])
    for o, i in (("cache_out", "cache_in"), ("h1_out", "h1_in"), ("h2_out", "h2_in")):
        m.state(o, i)
    m.save(root)


def bilstm_tagger(root):
    """Bidirectional LSTM over uint8 token ids (Cast + Gather embedding), tags by MatMul;
    weights written by the exporter as Transpose/Concat/Unsqueeze of initializers (folded first)."""
    m = Model("bilstm_tagger", 3)
    T, V, E, H, NT = 6, 20, 5, 7, 4
    m.input("tokens", TensorProto.UINT8, [1, T], gen=lambda rng, shape: rng.integers(0, V, shape))
    m.node("Cast", ["tokens"], ["ids"], to=TensorProto.INT32)
    m.node("Gather", [m.w("emb", V, E), "ids"], ["embd"], axis=0)
    # W as Concat of two Unsqueezed directions; R as a Transpose of [dir, H, 4H]
    m.node("Unsqueeze", [m.w("Wf", 4 * H, E), m.c("a0", np.array([0], np.int64))], ["Wf1"])
    m.node("Unsqueeze", [m.w("Wb", 4 * H, E), "a0"], ["Wb1"])
    m.node("Concat", ["Wf1", "Wb1"], ["W"], axis=0)
    m.node("Transpose", [m.w("RT", 2, H, 4 * H)], ["R"], perm=[0, 2, 1])
    m.node("Transpose", ["embd"], ["seq"], perm=[1, 0, 2])
    m.node("LSTM", ["seq", "W", "R", m.w("B", 2, 8 * H)], ["Y"], hidden_size=H, direction="bidirectional")
    m.node("Transpose", ["Y"], ["Yb"], perm=[2, 0, 1, 3])
    m.node("Reshape", ["Yb", m.c("shp", np.array([1, T, 2 * H], np.int64))], ["feat"])
    m.node("MatMul", ["feat", m.w("Wt", 2 * H, NT)], ["logits"])
    m.output("logits", F, [1, T, NT])
    m.save(root)


def rnn_acts(root):
    """RNN and LSTM with non-default activations (alpha/beta ones included), clip, reverse and
    bidirectional, Y and Y_h outputs, a constant sequence_lens; h state in and out."""
    m = Model("rnn_acts", 4)
    T, I, H = 4, 5, 6
    x = m.input("x", F, [T, 1, I])
    h = m.input("h_in", F, [2, 1, H])
    m.node("RNN", [x, m.w("W", 2, H, I), m.w("R", 2, H, H), m.w("B", 2, 2 * H), "", h], ["Y", "h_out"],
           hidden_size=H, direction="bidirectional", activations=["LeakyRelu", "HardSigmoid"],
           activation_alpha=[0.1, 0.3], activation_beta=[0.0, 0.4], clip=2.0)
    m.node("Reshape", ["Y", m.c("shp", np.array([T, 2 * H], np.int64))], ["yf"])
    m.node("LSTM", ["Y2in", m.w("W2", 1, 4 * H, 2 * H), m.w("R2", 1, 4 * H, H), "",
                    m.c("lens", np.array([3], np.int32))], ["Y2", "Yh2"], hidden_size=H, direction="reverse",
           activations=["HardSigmoid", "Softsign", "ScaledTanh"], activation_alpha=[0.25, 0.9],
           activation_beta=[0.45, 1.1])
    m.nodes.insert(len(m.nodes) - 1, helper.make_node("Unsqueeze", ["yf", m.c("a1", np.array([1], np.int64))],
                                                      ["Y2in"], name="unsq"))
    m.output("Y2", F, [T, 1, 1, H])
    m.output("h_out", F, [2, 1, H])
    m.output("Yh2", F, [1, 1, H])
    m.state("h_out", "h_in")
    m.save(root)


def lstm_state_qdq(root):
    """int8 QDQ: quantized input and states around a float LSTM (int8 weights dequantized), the
    final states quantized with the scales of the state inputs (so the C network can feed them back)."""
    m = Model("lstm_state_qdq", 5)
    T, I, H = 2, 6, 8
    sx, sh, sc = 0.02, 1.0 / 128, 0.05
    z = m.c("zp", np.array(0, np.int8))

    def qdq(x, scale, name, out=None):
        sn = m.c(name + "_s", np.array(scale, np.float32))
        m.node("QuantizeLinear", [x, sn, z], [name + "_q"])
        return m.node("DequantizeLinear", [name + "_q", sn, z], [out or name + "_dq"])

    def wq(name, *shape):
        w = rnd(m.rng, *shape)
        s = float(np.abs(w).max() / 127)
        m.c(name + "_i8", np.clip(np.rint(w / s), -127, 127).astype(np.int8))
        return m.node("DequantizeLinear", [name + "_i8", m.c(name + "_ws", np.array(s, np.float32)), z], [name])

    m.input("x", F, [T, 1, I])
    m.input("h_in", F, [1, 1, H])
    m.input("c_in", F, [1, 1, H])
    x = qdq("x", sx, "xq")
    h = qdq("h_in", sh, "hq")
    c = qdq("c_in", sc, "cq")
    m.node("LSTM", [x, wq("W", 1, 4 * H, I), wq("R", 1, 4 * H, H), m.w("B", 1, 8 * H), "", h, c],
           ["Y", "Yh", "Yc"], hidden_size=H)
    m.node("Squeeze", ["Y", m.c("ax", np.array([1, 2], np.int64))], ["ys"])
    qdq("ys", 1.0 / 128, "yq", "y")
    qdq("Yh", sh, "hoq", "h_out")
    qdq("Yc", sc, "coq", "c_out")
    m.output("y", F, [T, H])
    m.output("h_out", F, [1, 1, H])
    m.output("c_out", F, [1, 1, H])
    m.state("h_out", "h_in")
    m.state("c_out", "c_in")
    m.save(root)


# ---------------------------------------------------------------- control flow

def branch(name, nodes, outputs, inits=()):
    return helper.make_graph(nodes, name, [], outputs, list(inits))


def vad_if(root):
    """VAD-like: If on a run-time sample-rate scalar selects the front end (each branch reads the outer
    audio; the 16 kHz one holds a nested If with a constant condition), Conv encoder, 2-layer LSTM with
    h/c state in and out, speech probability out."""
    m = Model("vad_if", 6)
    N, C, E, H = 32, 4, 6, 8
    m.input("audio", F, [1, 1, N])
    m.input("sr", TensorProto.INT64, [], gen=lambda rng, shape: np.array(rng.choice([8000, 16000]), np.int64))
    m.input("h_in", F, [2, 1, H])
    m.input("c_in", F, [2, 1, H])
    rng = m.rng
    inner_then = branch("inner_then", [helper.make_node("Relu", ["fe16"], ["fe16r"])], [vi("fe16r", F, [1, C, 8])])
    inner_else = branch("inner_else", [helper.make_node("Neg", ["fe16"], ["fe16n"])], [vi("fe16n", F, [1, C, 8])])
    then_b = branch("fe_16k", [
        helper.make_node("Conv", ["audio", "W16"], ["fe16"], strides=[4]),
        helper.make_node("If", ["always"], ["fe16o"], then_branch=inner_then, else_branch=inner_else),
    ], [vi("fe16o", F, [1, C, 8])], [const("W16", rnd(rng, C, 1, 4)), const("always", np.array(True))])
    else_b = branch("fe_8k", [
        helper.make_node("Conv", ["audio", "W8"], ["fe8"], strides=[2]),
        helper.make_node("MaxPool", ["fe8"], ["fe8p"], kernel_shape=[2], strides=[2]),
    ], [vi("fe8p", F, [1, C, 8])], [const("W8", rnd(rng, C, 1, 2))])
    m.node("Equal", ["sr", m.c("k16", np.array(16000, np.int64))], ["is16k"])
    m.node("If", ["is16k"], ["fe"], then_branch=then_b, else_branch=else_b)
    m.node("Conv", ["fe", m.w("We", E, C, 3), m.w("Be", E)], ["enc"], pads=[1, 1])
    m.node("Relu", ["enc"], ["encr"])
    m.node("Transpose", ["encr"], ["seq"], perm=[2, 0, 1])  # [8, 1, E]
    ax0 = m.c("ax0", np.array([0], np.int64))
    for layer, xin in ((0, "seq"), (1, "x1")):
        idx = m.c(f"layer_index{layer}", np.array(layer, np.int64))
        m.node("Gather", ["h_in", idx], [f"hg{layer}"], axis=0)
        m.node("Unsqueeze", [f"hg{layer}", ax0], [f"h0_{layer}"])
        m.node("Gather", ["c_in", idx], [f"cg{layer}"], axis=0)
        m.node("Unsqueeze", [f"cg{layer}", ax0], [f"c0_{layer}"])
        isz = E if layer == 0 else H
        m.node("LSTM", [xin, m.w(f"W{layer}", 1, 4 * H, isz), m.w(f"R{layer}", 1, 4 * H, H), m.w(f"B{layer}", 1, 8 * H),
                        "", f"h0_{layer}", f"c0_{layer}"], [f"Y{layer}", f"Yh{layer}", f"Yc{layer}"], hidden_size=H)
        if layer == 0:
            m.node("Squeeze", ["Y0", m.c("ax1", np.array([1], np.int64))], ["x1"])
    m.node("Concat", ["Yh0", "Yh1"], ["h_out"], axis=0)
    m.node("Concat", ["Yc0", "Yc1"], ["c_out"], axis=0)
    m.node("Reshape", ["Yh1", m.c("shp", np.array([1, H], np.int64))], ["last"])
    m.node("Gemm", ["last", m.w("Wo", 1, H), m.w("Bo", 1)], ["logit"], transB=1)
    m.node("Sigmoid", ["logit"], ["prob"])
    m.output("prob", F, [1, 1])
    m.output("h_out", F, [2, 1, H])
    m.output("c_out", F, [2, 1, H])
    m.state("h_out", "h_in")
    m.state("c_out", "c_in")
    m.save(root)


def loop_fixed(root):
    """A Loop with a constant trip count: a recurrence over 3 iterations reading an outer tensor,
    the iteration number used in the body, a loop-carried value and a scan output."""
    m = Model("loop_fixed", 7)
    D = 5
    m.input("x", F, [1, D])
    body = helper.make_graph([
        helper.make_node("Cast", ["i"], ["fi"], to=TensorProto.FLOAT),
        helper.make_node("MatMul", ["v", "Wl"], ["vw"]),
        helper.make_node("Add", ["vw", "x"], ["vx"]),
        helper.make_node("Mul", ["fi", "step"], ["off"]),
        helper.make_node("Add", ["vx", "off"], ["pre"]),
        helper.make_node("Tanh", ["pre"], ["v_next"]),
        helper.make_node("Identity", ["cond"], ["cond_out"]),
        helper.make_node("Identity", ["v_next"], ["scan"]),
    ], "body", [vi("i", TensorProto.INT64, []), vi("cond", TensorProto.BOOL, []), vi("v", F, [1, D])],
        [vi("cond_out", TensorProto.BOOL, []), vi("v_next", F, [1, D]), vi("scan", F, [1, D])],
        [const("Wl", rnd(m.rng, D, D)), const("step", np.array(0.1, np.float32))])
    m.node("Loop", [m.c("trip", np.array(3, np.int64)), m.c("go", np.array(True)), "x"], ["v_final", "scans"],
           body=body)
    m.output("v_final", F, [1, D])
    m.output("scans", F, [3, 1, D])
    m.save(root)


def attention(root):
    """Self-attention: MatMul of two activations (Q K^T, then weights x V), Softmax, scaled."""
    m = Model("attention", 8)
    T, D = 6, 8
    m.input("x", F, [1, T, D])
    for k in "qkv":
        m.node("MatMul", ["x", m.w("W" + k, D, D)], [k])
    m.node("Transpose", ["k"], ["kt"], perm=[0, 2, 1])
    m.node("MatMul", ["q", "kt"], ["s"])
    m.node("Mul", ["s", m.c("scale", np.array(1 / np.sqrt(D), np.float32))], ["ss"])
    m.node("Softmax", ["ss"], ["p"], axis=-1)
    m.node("MatMul", ["p", "v"], ["y"])
    m.output("y", F, [1, T, D])
    m.save(root)


MODELS = {f.__name__: f for f in (lstm2_state, gru_cache, bilstm_tagger, rnn_acts, lstm_state_qdq, vad_if,
                                  loop_fixed, attention)}

if __name__ == "__main__":
    out = sys.argv[1]
    for name in sys.argv[2:] or MODELS:
        MODELS[name](out)
