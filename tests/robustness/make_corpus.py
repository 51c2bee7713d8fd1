#!/usr/bin/python3
"""Writes the malformed/adversarial model corpus of tests/robustness.

usage: make_corpus.py OUTDIR [--shared DIR]

Every case is built here at test time (nothing binary is committed): OUTDIR/<class>/<case>.onnx plus
OUTDIR/cases.tsv with one line per case: class, case, file, expectation. The expectation is 'any'
(a clean error or C that compiles and runs), 'error' (compiling it would be a silent miscompile or
the model is invalid: it must be a clean error) or 'ok' (valid model: it must compile).
Needs /usr/bin/python3 with Debian's python3-onnx and python3-numpy.
"""
import argparse
import os
import random
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

F, I8, U8, I32, I64 = TensorProto.FLOAT, TensorProto.INT8, TensorProto.UINT8, TensorProto.INT32, TensorProto.INT64
I64_MAX, I64_MIN = 2**63 - 1, -(2**63)


class Corpus:
    def __init__(self, out):
        self.out = out
        self.rows = []

    def raw(self, cls, name, data, expect="any"):
        d = os.path.join(self.out, cls)
        os.makedirs(d, exist_ok=True)
        path = os.path.join(d, name + ".onnx")
        with open(path, "wb") as f:
            f.write(data)
        self.rows.append((cls, name, os.path.relpath(path, self.out), expect))

    def add(self, cls, name, m, expect="any"):
        self.raw(cls, name, m.SerializeToString() if isinstance(m, onnx.ModelProto) else m, expect)


def vi(name, dims, et=F):
    return helper.make_tensor_value_info(name, et, dims)


def const(name, arr):
    return numpy_helper.from_array(np.asarray(arr), name)


def raw_tensor(name, dtype, dims, raw=b"", floats=None):
    """A TensorProto built field by field (helper.make_tensor refuses inconsistent ones)."""
    t = TensorProto()
    t.name, t.data_type = name, dtype
    t.dims.extend(dims)
    if floats is not None:
        t.float_data.extend(floats)
    else:
        t.raw_data = raw
    return t


def model(nodes, inputs, outputs, inits=(), opset=13, ir=8, domains=()):
    g = helper.make_graph(nodes, "g", inputs, outputs, initializer=list(inits))
    ops = [helper.make_opsetid("", opset)] + [helper.make_opsetid(d, 1) for d in domains]
    m = helper.make_model(g, opset_imports=ops)
    m.ir_version = ir
    return m


def unary(op, shape=(1, 4), **attrs):
    """x -> op -> y with the output shape left to inference."""
    return model([helper.make_node(op, ["x"], ["y"], name="n0", **attrs)], [vi("x", list(shape))], [vi("y", None)])


def with_consts(op, consts, attrs=None, xshape=(1, 4), extra_inputs=(), outputs=1, x_first=True, opset=13):
    """op(x, *consts) -> y (inputs named after the consts; '' for an omitted input)."""
    names = (["x"] if x_first else []) + [c[0] for c in consts] + list(extra_inputs)
    inits = [const(n, v) for n, v in consts if n]
    outs = ["y"] + [f"y{i}" for i in range(1, outputs)]
    node = helper.make_node(op, names, outs, name="n0", **(attrs or {}))
    return model([node], [vi("x", list(xshape))], [vi(o, None) for o in outs], inits, opset=opset)


def conv_model(x_shape=(1, 2, 6, 6), w_shape=(3, 2, 3, 3), **attrs):
    w = np.random.RandomState(1).uniform(-1, 1, w_shape).astype(np.float32) if all(d >= 0 for d in w_shape) else None
    inits = [const("w", w)] if w is not None else []
    n = helper.make_node("Conv", ["x", "w"], ["y"], name="conv", **attrs)
    return model([n], [vi("x", list(x_shape))], [vi("y", None)], inits)


def base_float():
    """A small valid float network: Conv -> Relu -> MaxPool -> Flatten -> Gemm -> Softmax."""
    r = np.random.RandomState(7)
    inits = [const("w", r.uniform(-1, 1, (4, 2, 3, 3)).astype(np.float32)),
             const("b", r.uniform(-1, 1, (4,)).astype(np.float32)),
             const("fw", r.uniform(-1, 1, (3, 16)).astype(np.float32)),
             const("fb", r.uniform(-1, 1, (3,)).astype(np.float32))]
    nodes = [helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c"], ["r"], name="relu"),
             helper.make_node("MaxPool", ["r"], ["p"], name="pool", kernel_shape=[2, 2], strides=[2, 2]),
             helper.make_node("Flatten", ["p"], ["f"], name="flat"),
             helper.make_node("Gemm", ["f", "fw", "fb"], ["g"], name="fc", transB=1),
             helper.make_node("Softmax", ["g"], ["y"], name="softmax", axis=1)]
    return model(nodes, [vi("x", [1, 2, 4, 4])], [vi("y", [1, 3])], inits)


def qdq_parts(x_scale=0.05, x_zp=0, w_scale=None, zp_type=I8):
    """Initializers and nodes of Q(x) -> DQ -> Conv(DQ(w), DQ(b)) -> Q -> DQ -> y."""
    r = np.random.RandomState(3)
    w_scale = np.full((3,), 0.01, np.float32) if w_scale is None else np.asarray(w_scale, np.float32)
    zp_np = {I8: np.int8, U8: np.uint8, I32: np.int32}[zp_type]
    inits = [const("xs", np.float32(x_scale)), const("xz", zp_np(x_zp)),
             const("wq", r.randint(-127, 128, (3, 2, 3, 3)).astype(np.int8)),
             const("ws", w_scale), const("wz", np.zeros(w_scale.shape, np.int8)),
             const("bq", r.randint(-500, 500, (3,)).astype(np.int32)),
             const("bs", (w_scale * np.float32(0.05)).astype(np.float32)), const("bz", np.zeros(w_scale.shape, np.int32)),
             const("ys", np.float32(0.1)), const("yz", np.int8(0))]
    axis = {"axis": 0} if w_scale.ndim else {}
    nodes = [helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"], name="q_in"),
             helper.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"], name="dq_in"),
             helper.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], name="dq_w", **axis),
             helper.make_node("DequantizeLinear", ["bq", "bs", "bz"], ["bd"], name="dq_b", **axis),
             helper.make_node("Conv", ["xd", "wd", "bd"], ["c"], name="conv", pads=[1, 1, 1, 1]),
             helper.make_node("QuantizeLinear", ["c", "ys", "yz"], ["cq"], name="q_out"),
             helper.make_node("DequantizeLinear", ["cq", "ys", "yz"], ["y"], name="dq_out")]
    return inits, nodes


def base_qdq(**kw):
    inits, nodes = qdq_parts(**kw)
    return model(nodes, [vi("x", [1, 2, 5, 5])], [vi("y", [1, 3, 5, 5])], inits)


def bases(shared):
    out = [("float", base_float().SerializeToString()), ("qdq", base_qdq().SerializeToString())]
    seed = os.path.join(shared, "models", "seed_cnn_gru_qdq", "model.onnx") if shared else ""
    if seed and os.path.exists(seed):
        with open(seed, "rb") as f:
            out.append(("seed", f.read()))
    return out


# ---------------------------------------------------------------------------------------------
def file_cases(c, shared):
    c.raw("file", "empty", b"")
    c.raw("file", "one_byte", b"\x08")
    for s in range(4):
        c.raw("file", f"garbage_{s}", random.Random(s).randbytes(64 << s))
    c.raw("file", "text", b"ir_version: 8\ngraph { node { op_type: 'Relu' } }\n")
    for bname, data in bases(shared):
        for k, frac in enumerate([0.02, 0.1, 0.25, 0.4, 0.5, 0.6, 0.75, 0.9, 0.97, 0.999]):
            c.raw("file", f"truncated_{bname}_{k}", data[: max(1, int(len(data) * frac))])
        for s in range(10):
            rnd = random.Random(1000 + s)
            b = bytearray(data)
            for _ in range(1 + s % 6):
                i = rnd.randrange(len(b))
                b[i] ^= 1 << rnd.randrange(8)
            c.raw("file", f"bitflip_{bname}_{s}", bytes(b))
        for s in range(3):  # a run of bytes overwritten
            rnd = random.Random(2000 + s)
            b = bytearray(data)
            i = rnd.randrange(len(b) - 16)
            b[i:i + 16] = rnd.randbytes(16)
            c.raw("file", f"smash_{bname}_{s}", bytes(b))


def graph_cases(c):
    x, y = vi("x", [1, 4]), vi("y", [1, 4])
    relu = lambda i, o, n="n": helper.make_node("Relu", [i], [o], name=n)
    c.add("graph", "valid_chain", model([relu("x", "a", "n0"), relu("a", "y", "n1")], [x], [y]), "ok")
    c.add("graph", "node_no_outputs", model([helper.make_node("Relu", ["x"], [], name="mute"), relu("x", "y")], [x], [y]), "error")
    c.add("graph", "node_no_inputs", model([helper.make_node("Relu", [], ["a"], name="deaf"), relu("x", "y")], [x], [y]))
    c.add("graph", "node_empty_output_name", model([helper.make_node("Relu", ["x"], [""], name="e"), relu("x", "y")], [x], [y]))
    c.add("graph", "zero_graph_inputs",
          model([helper.make_node("Add", ["c", "c"], ["y"], name="add")], [], [y], [const("c", np.ones((1, 4), np.float32))]), "error")
    c.add("graph", "zero_graph_outputs", model([relu("x", "y")], [x], []), "error")
    c.add("graph", "all_constant",
          model([helper.make_node("Constant", [], ["k"], name="k", value=const("kv", np.ones((1, 4), np.float32))),
                 relu("k", "y")], [x], [y]))
    c.add("graph", "dup_inputs", model([relu("x", "y")], [x, vi("x", [1, 4])], [y]), "error")
    c.add("graph", "dup_outputs", model([relu("x", "y")], [x], [y, vi("y", [1, 4])]), "error")
    c.add("graph", "dup_initializers",
          model([helper.make_node("Add", ["x", "c"], ["y"], name="add")], [x], [y],
                [const("c", np.ones((1, 4), np.float32)), const("c", np.zeros((1, 4), np.float32))]), "error")
    c.add("graph", "initializer_shadows_input",
          model([helper.make_node("Add", ["x", "c"], ["y"], name="add")], [x, vi("c", [1, 4])], [y],
                [const("c", np.ones((1, 4), np.float32))]), "error")
    c.add("graph", "initializer_shadows_input_other_shape",
          model([helper.make_node("Add", ["x", "c"], ["y"], name="add")], [x, vi("c", [7])], [y],
                [const("c", np.ones((1, 4), np.float32))]), "error")
    c.add("graph", "two_producers", model([relu("x", "y", "p1"), helper.make_node("Neg", ["x"], ["y"], name="p2")], [x], [y]), "error")
    c.add("graph", "node_writes_graph_input", model([relu("x", "x", "w"), relu("x", "y")], [x], [y]), "error")
    c.add("graph", "node_writes_initializer",
          model([relu("x", "c", "w"), helper.make_node("Add", ["x", "c"], ["y"], name="add")], [x], [y],
                [const("c", np.ones((1, 4), np.float32))]), "error")
    chain = [relu("x", "a", "n0"), helper.make_node("Neg", ["a"], ["b"], name="n1"),
             helper.make_node("Abs", ["b"], ["c"], name="n2"), helper.make_node("Add", ["c", "a"], ["y"], name="n3")]
    c.add("graph", "reverse_order", model(list(reversed(chain)), [x], [y]), "ok")
    c.add("graph", "shuffled_order", model([chain[2], chain[0], chain[3], chain[1]], [x], [y]), "ok")
    c.add("graph", "cycle", model([relu("b", "a", "n0"), relu("a", "b", "n1"), helper.make_node("Add", ["x", "b"], ["y"], name="n2")], [x], [y]), "error")
    c.add("graph", "self_loop", model([helper.make_node("Add", ["x", "a"], ["a"], name="loop"), relu("a", "y")], [x], [y]), "error")
    c.add("graph", "output_unproduced", model([relu("x", "y")], [x], [y, vi("z", [1, 4])]), "error")
    c.add("graph", "input_unproduced", model([helper.make_node("Add", ["x", "ghost"], ["y"], name="add")], [x], [y]), "error")
    c.add("graph", "empty_op_type", model([helper.make_node("", ["x"], ["y"], name="blank")], [x], [y]), "error")
    c.add("graph", "unknown_domain", model([helper.make_node("Relu", ["x"], ["y"], name="r", domain="evil.domain")], [x], [y], domains=["evil.domain"]), "error")
    c.add("graph", "unknown_op", model([helper.make_node("Frobnicate", ["x"], ["y"], name="f")], [x], [y]), "error")
    c.add("graph", "missing_required_input", model([helper.make_node("Conv", ["x", ""], ["y"], name="conv")], [vi("x", [1, 1, 4, 4])], [vi("y", None)]), "error")
    c.add("graph", "too_many_inputs", model([helper.make_node("Relu", ["x", "x", "x"], ["y"], name="r")], [x], [y]))
    c.add("graph", "too_many_outputs", model([helper.make_node("Relu", ["x"], ["y", "z", "w"], name="r")], [x], [y]))
    c.add("graph", "output_is_input", model([relu("x", "a")], [x], [x, vi("a", [1, 4])]))
    c.add("graph", "unused_input", model([relu("x", "y")], [x, vi("u", [1, 4])], [y]))
    c.add("graph", "duplicate_node_names", model([relu("x", "a", "same"), relu("a", "y", "same")], [x], [y]))
    c.add("graph", "output_is_initializer", model([relu("x", "a")], [x], [vi("a", [1, 4]), vi("c", [1, 4])], [const("c", np.ones((1, 4), np.float32))]))
    c.add("graph", "subgraph_attr", model([helper.make_node("If", ["x"], ["y"], name="if",
                                                            then_branch=helper.make_graph([], "t", [], []),
                                                            else_branch=helper.make_graph([], "e", [], []))], [x], [y]), "error")
    c.add("graph", "same_input_twice", model([helper.make_node("Mul", ["x", "x"], ["y"], name="sq")], [x], [y]), "ok")
    c.add("graph", "output_listed_as_input_too", model([relu("x", "y")], [x, vi("y", [1, 4])], [y]), "error")
    many = [relu("x" if i == 0 else f"t{i - 1}", f"t{i}", f"n{i}") for i in range(300)] + [relu("t299", "y", "last")]
    c.add("graph", "long_chain", model(many, [x], [y]), "ok")
    wide = [relu("x", f"w{i}", f"w{i}") for i in range(64)]
    acc = "w0"
    for i in range(1, 64):
        wide.append(helper.make_node("Add", [acc, f"w{i}"], [f"s{i}"], name=f"s{i}"))
        acc = f"s{i}"
    wide.append(relu(acc, "y", "out"))
    c.add("graph", "wide_fan", model(wide, [x], [y]), "ok")


def dims_cases(c):
    for nm, dims in [("negative", [1, -5]), ("minus_one", [-1, 4]), ("zero", [0, 4]), ("all_zero", [0, 0]),
                     ("two_pow_31", [1, 2**31]), ("two_pow_31_minus_1", [1, 2**31 - 1]), ("two_pow_40", [2**40]),
                     ("product_overflow", [2**32, 2**32]), ("product_overflow_3", [2**21, 2**21, 2**21]),
                     ("int64_max", [I64_MAX]), ("int64_min", [I64_MIN]), ("rank_9", [1] * 8 + [2]),
                     ("rank_0", []), ("rank_1", [5]), ("big_but_valid", [1, 3, 64, 64])]:
        expect = "ok" if nm in ("rank_1", "big_but_valid") else "any"
        c.add("dims", "input_" + nm, unary("Relu", dims), expect)
    for nm, dims in [("symbolic_all", ["N", "C", "H", "W"]), ("symbolic_channel", [1, "C", 4, 4])]:
        c.add("dims", "input_" + nm, model([helper.make_node("Relu", ["x"], ["y"], name="r")], [vi("x", dims)], [vi("y", None)]), "error")
    c.add("dims", "input_symbolic_batch", model([helper.make_node("Relu", ["x"], ["y"], name="r")], [vi("x", ["N", 4])], [vi("y", None)]))
    c.add("dims", "input_no_shape", model([helper.make_node("Relu", ["x"], ["y"], name="r")], [helper.make_tensor_value_info("x", F, None)], [vi("y", None)]), "error")
    # initializers whose dims disagree with their payload or are absurd
    for nm, dims in [("neg", [-1]), ("huge", [2**40]), ("overflow", [2**33, 2**33]), ("int64_max", [I64_MAX]),
                     ("zero_with_data", [0]), ("mismatch", [3])]:
        t = raw_tensor("c", F, dims, b"\0" * 16)
        c.add("dims", "init_" + nm, model([helper.make_node("Add", ["x", "c"], ["y"], name="add")], [vi("x", [1, 4])], [vi("y", None)], [t]))
    for nm, dims in [("huge", [2**40, 1]), ("overflow", [2**33, 2**33]), ("neg_product", [-2, -2])]:
        t = raw_tensor("c", F, dims, floats=[])
        c.add("dims", "init_no_data_" + nm, model([helper.make_node("Add", ["x", "c"], ["y"], name="add")], [vi("x", [1, 4])], [vi("y", None)], [t]))
    # a reshape to an absurd constant shape
    for nm, shape in [("huge", [2**40, 2**20]), ("negative", [-3, 4]), ("two_minus_one", [-1, -1]), ("zero_keep", [0, 0, 4]),
                      ("overflow", [I64_MAX, 2]), ("minus_two", [-2, 2]), ("wrong_count", [3, 3])]:
        c.add("dims", "reshape_" + nm, with_consts("Reshape", [("s", np.array(shape, np.int64))]))
    c.add("dims", "reshape_allowzero_zero", with_consts("Reshape", [("s", np.array([0, 4], np.int64))], {"allowzero": 1}, opset=14))
    c.add("dims", "declared_output_shape_wrong", model([helper.make_node("Relu", ["x"], ["y"], name="r")], [vi("x", [1, 4])], [vi("y", [7, 7])]))
    c.add("dims", "declared_output_type_wrong", model([helper.make_node("Relu", ["x"], ["y"], name="r")], [vi("x", [1, 4])], [vi("y", [1, 4], I8)]))


def attr_cases(c):
    bad_conv = {
        "auto_pad_bogus": dict(auto_pad="BOGUS"), "auto_pad_int": dict(auto_pad=3),
        "kernel_zero": dict(kernel_shape=[0, 0]), "kernel_mismatch": dict(kernel_shape=[2, 2]),
        "strides_zero": dict(strides=[0, 0]), "strides_negative": dict(strides=[-1, -1]),
        "strides_huge": dict(strides=[I64_MAX, I64_MAX]), "strides_rank": dict(strides=[1, 1, 1]),
        "dilations_zero": dict(dilations=[0, 0]), "dilations_negative": dict(dilations=[-2, -2]),
        "dilations_huge": dict(dilations=[2**40, 2**40]),
        "pads_negative": dict(pads=[-1, -1, -1, -1]), "pads_too_negative": dict(pads=[-9, -9, -9, -9]),
        "pads_huge": dict(pads=[2**40, 0, 0, 0]), "pads_int64_max": dict(pads=[I64_MAX] * 4),
        "pads_odd_count": dict(pads=[1, 1, 1]), "group_zero": dict(group=0), "group_negative": dict(group=-1),
        "group_not_dividing": dict(group=3), "kernel_as_float": dict(kernel_shape=[3.0, 3.0]),
        "same_upper_stride2": dict(auto_pad="SAME_UPPER", strides=[2, 2]), "valid": dict(auto_pad="VALID"),
    }
    for nm, a in bad_conv.items():
        c.add("attrs", "conv_" + nm, conv_model(**a), "ok" if nm in ("valid", "same_upper_stride2") else "any")
    c.add("attrs", "conv_weight_rank", conv_model(w_shape=(3, 2, 3)))
    c.add("attrs", "conv_weight_channels", conv_model(w_shape=(3, 5, 3, 3)))
    c.add("attrs", "conv_kernel_bigger_than_input", conv_model(w_shape=(3, 2, 9, 9)))
    c.add("attrs", "conv_input_rank_2", conv_model(x_shape=(2, 6)))
    for op in ["MaxPool", "AveragePool"]:
        for nm, a in {"kernel_zero": dict(kernel_shape=[0, 0]), "kernel_negative": dict(kernel_shape=[-2, -2]),
                      "kernel_huge": dict(kernel_shape=[2**40, 2**40]), "kernel_bigger": dict(kernel_shape=[9, 9]),
                      "no_kernel": dict(), "strides_zero": dict(kernel_shape=[2, 2], strides=[0, 0]),
                      "pads_ge_kernel": dict(kernel_shape=[2, 2], pads=[3, 3, 3, 3]),
                      "ceil_mode_5": dict(kernel_shape=[2, 2], ceil_mode=5),
                      "auto_pad_bogus": dict(kernel_shape=[2, 2], auto_pad="X"),
                      "dilations_zero": dict(kernel_shape=[2, 2], dilations=[0, 0])}.items():
            c.add("attrs", f"{op.lower()}_{nm}", unary(op, (1, 2, 6, 6), **a))
    for nm, sizes, a in [("negative", [-1, 5], {}), ("sum_mismatch", [1, 1], {}), ("zero", [0, 4], {}),
                         ("huge", [2**40, -2**40 + 4], {}), ("axis_out_of_range", [2, 2], {"axis": 7})]:
        c.add("attrs", "split_" + nm, with_consts("Split", [("s", np.array(sizes, np.int64))], a, outputs=2))
    c.add("attrs", "split_no_sizes_3_outputs", model([helper.make_node("Split", ["x"], ["a", "b", "y"], name="s", axis=1)],
                                                      [vi("x", [1, 4])], [vi("a", None), vi("b", None), vi("y", None)]))
    for nm, perm in [("dup", [0, 0]), ("out_of_range", [0, 5]), ("negative", [-1, 0]), ("short", [0]), ("long", [0, 1, 2])]:
        c.add("attrs", "transpose_" + nm, unary("Transpose", perm=perm))
    for op, a in [("Concat", {"axis": 5}), ("Concat", {"axis": -9}), ("Softmax", {"axis": 4}), ("Flatten", {"axis": 9}),
                  ("LogSoftmax", {"axis": -5}), ("Gather", {"axis": 3}), ("ArgMax", {"axis": 2}), ("CumSum", None),
                  ("LRN", {"size": 0}), ("DepthToSpace", {"blocksize": 0}), ("SpaceToDepth", {"blocksize": -1}),
                  ("LeakyRelu", {"alpha": float("nan")}), ("Elu", {"alpha": float("inf")}), ("Cast", {"to": 9999}),
                  ("Cast", {"to": 8}), ("Hardmax", {"axis": 3}), ("ReduceMean", {"axes": [5]}), ("ReduceSum", {"keepdims": 7}),
                  ("ReduceMax", {"axes": [1, 1]}), ("Unsqueeze", None), ("Squeeze", None)]:
        tag = f"{op.lower()}_" + "_".join(f"{k}{v}" for k, v in (a or {}).items()).replace("-", "m").replace(".", "")
        if op == "Gather":
            c.add("attrs", tag, with_consts(op, [("i", np.array([0], np.int64))], a))
        elif op == "CumSum":
            c.add("attrs", "cumsum_axis_9", with_consts(op, [("ax", np.array(9, np.int64))]))
        elif op in ("Unsqueeze", "Squeeze"):
            c.add("attrs", op.lower() + "_bad_axes", with_consts(op, [("ax", np.array([1, 1, 9], np.int64))]))
        elif op == "LRN":
            c.add("attrs", tag, unary(op, (1, 2, 4, 4), **a))
        elif op in ("DepthToSpace", "SpaceToDepth"):
            c.add("attrs", tag, unary(op, (1, 4, 2, 2), **a))
        elif op == "Concat":
            c.add("attrs", tag, model([helper.make_node("Concat", ["x", "x"], ["y"], name="cat", **a)], [vi("x", [1, 4])], [vi("y", None)]))
        else:
            c.add("attrs", tag, unary(op, **a))
    c.add("attrs", "attr_wrong_type", unary("Softmax", axis="one"))
    c.add("attrs", "attr_tensor_garbage", unary("Softmax", axis=const("t", np.ones((3,), np.float32))))
    c.add("attrs", "concat_rank_mismatch", model([helper.make_node("Concat", ["x", "c"], ["y"], name="cat", axis=1)],
                                                 [vi("x", [1, 4])], [vi("y", None)], [const("c", np.ones((1, 2, 2), np.float32))]))
    c.add("attrs", "matmul_mismatch", with_consts("MatMul", [("w", np.ones((5, 3), np.float32))]))
    c.add("attrs", "gemm_mismatch", with_consts("Gemm", [("w", np.ones((5, 3), np.float32))], {"transB": 1}))
    c.add("attrs", "add_not_broadcastable", with_consts("Add", [("b", np.ones((3,), np.float32))]))
    c.add("attrs", "batchnorm_channels", with_consts("BatchNormalization", [(n, np.ones((5,), np.float32)) for n in "sbmv"],
                                                     {"epsilon": -1.0}, xshape=(1, 2, 3, 3)))
    c.add("attrs", "clip_min_gt_max", with_consts("Clip", [("lo", np.float32(3)), ("hi", np.float32(-3))]), "ok")
    c.add("attrs", "einsum_bogus", with_consts("Einsum", [], {"equation": "ij,,->??"}, extra_inputs=["x"]))
    c.add("attrs", "topk_negative", with_consts("TopK", [("k", np.array([-3], np.int64))], outputs=2))
    c.add("attrs", "topk_huge", with_consts("TopK", [("k", np.array([2**40], np.int64))], outputs=2))
    for nm, (s, e, ax, st) in {
        "int64_extremes": ([I64_MIN], [I64_MAX], [1], [1]), "negative_step_extremes": ([I64_MAX], [I64_MIN], [1], [-1]),
        "step_int64_min": ([I64_MAX], [I64_MIN], [1], [I64_MIN]), "step_int64_max": ([0], [I64_MAX], [1], [I64_MAX]),
        "step_zero": ([0], [4], [1], [0]), "axis_out_of_range": ([0], [1], [5], [1]), "dup_axes": ([0, 0], [1, 1], [1, 1], [1, 1]),
        "empty_result": ([3], [1], [1], [1]), "len_mismatch": ([0, 0], [1], [1], [1]),
    }.items():
        c.add("attrs", "slice_" + nm, with_consts("Slice", [("s", np.array(s, np.int64)), ("e", np.array(e, np.int64)),
                                                           ("a", np.array(ax, np.int64)), ("st", np.array(st, np.int64))]))
    for nm, (mode, pads) in {"mode_bogus": ("bogus", [0, 1, 0, 1]), "negative_beyond": ("constant", [0, -9, 0, 0]),
                             "reflect_too_big": ("reflect", [0, 9, 0, 9]), "odd_count": ("constant", [1, 1, 1]),
                             "edge_ok": ("edge", [0, 1, 0, 2])}.items():
        c.add("attrs", "pad_" + nm, with_consts("Pad", [("p", np.array(pads, np.int64))], {"mode": mode}),
              "ok" if nm == "edge_ok" else "any")
    for nm, scales in {"zero": [1, 1, 0, 0], "negative": [1, 1, -2, -2], "nan": [1, 1, float("nan"), 2],
                       "inf": [1, 1, float("inf"), 1], "wrong_len": [2, 2]}.items():
        c.add("attrs", "resize_scales_" + nm, with_consts("Resize", [("", None), ("sc", np.array(scales, np.float32))],
                                                          xshape=(1, 1, 2, 2)))
    c.add("attrs", "resize_mode_bogus", with_consts("Resize", [("", None), ("sc", np.array([1, 1, 2, 2], np.float32))],
                                                    {"mode": "bogus"}, xshape=(1, 1, 2, 2)))
    for nm, (s, l, d) in {"nan": (0.0, float("nan"), 1.0), "delta_zero": (0.0, 5.0, 0.0), "inf": (0.0, float("inf"), 1.0),
                          "negative_count": (5.0, 0.0, 1.0)}.items():
        c.add("attrs", "range_" + nm, range_model(np.float32(s), np.float32(l), np.float32(d)))
    c.add("attrs", "range_int_extremes", range_model(np.int64(I64_MIN), np.int64(I64_MAX), np.int64(I64_MAX)))
    c.add("attrs", "onehot_negative_depth", onehot_model(-4))


def range_model(s, l, d):
    nodes = [helper.make_node("Range", ["s", "l", "d"], ["r"], name="range"),
             helper.make_node("Cast", ["r"], ["rf"], name="cast", to=F),
             helper.make_node("ReduceSum", ["rf"], ["rs"], name="sum", keepdims=1),
             helper.make_node("Add", ["x", "rs"], ["y"], name="add")]
    return model(nodes, [vi("x", [1])], [vi("y", None)], [const("s", s), const("l", l), const("d", d)])


def onehot_model(depth):
    nodes = [helper.make_node("OneHot", ["i", "depth", "v"], ["o"], name="onehot"),
             helper.make_node("ReduceSum", ["o"], ["os"], name="sum", keepdims=0),
             helper.make_node("Add", ["x", "os"], ["y"], name="add")]
    return model(nodes, [vi("x", [1])], [vi("y", None)],
                 [const("i", np.array([1], np.int64)), const("depth", np.array([depth], np.int64)),
                  const("v", np.array([0, 1], np.float32))])


def size_cases(c):
    """Operators asked to make astronomic tensors: refused before anything is allocated."""
    huge = 2**40
    c.add("size", "pad_huge", with_consts("Pad", [("p", np.array([0, huge, 0, huge], np.int64))]))
    c.add("size", "pad_1e9", with_consts("Pad", [("p", np.array([0, 10**9, 0, 0], np.int64))]))
    c.add("size", "tile_huge", with_consts("Tile", [("r", np.array([huge, huge], np.int64))]))
    c.add("size", "tile_1e6", with_consts("Tile", [("r", np.array([10**6, 10**3], np.int64))]))
    c.add("size", "tile_negative", with_consts("Tile", [("r", np.array([-1, 2], np.int64))]))
    c.add("size", "onehot_huge", onehot_model(huge))
    c.add("size", "onehot_1e9", onehot_model(10**9))
    c.add("size", "range_huge", range_model(np.float32(0), np.float32(1e18), np.float32(1)))
    c.add("size", "range_1e9", range_model(np.int64(0), np.int64(10**9), np.int64(1)))
    for nm, shape in {"huge": [huge, huge], "1e9": [10**9], "overflow": [2**62, 4], "negative": [-1, 4]}.items():
        nodes = [helper.make_node("ConstantOfShape", ["s"], ["k"], name="cos", value=const("v", np.array([1], np.float32))),
                 helper.make_node("ReduceSum", ["k"], ["ks"], name="sum", keepdims=0),
                 helper.make_node("Add", ["x", "ks"], ["y"], name="add")]
        c.add("size", "constantofshape_" + nm, model(nodes, [vi("x", [1])], [vi("y", None)], [const("s", np.array(shape, np.int64))]))
        c.add("size", "expand_" + nm, with_consts("Expand", [("s", np.array(shape, np.int64))], xshape=(1, 1)))
    c.add("size", "resize_huge_scales", with_consts("Resize", [("", None), ("sc", np.array([1, 1, 1e9, 1e9], np.float32))], xshape=(1, 1, 2, 2)))
    c.add("size", "resize_huge_sizes", with_consts("Resize", [("", None), ("", None), ("sz", np.array([1, 1, huge, huge], np.int64))],
                                                   xshape=(1, 1, 2, 2)))
    # empty (a denormal scale floors to 0) but with astronomic other axes: per-axis tables would hang (fuzz finding)
    c.add("size", "resize_empty_huge_axes", with_consts("Resize", [("", None), ("sc", np.array([1, 5.8e-39, 1e9, 1e9], np.float32))],
                                                        xshape=(1, 1, 2, 2)), "error")
    c.add("size", "resize_1e5", with_consts("Resize", [("", None), ("sc", np.array([1, 1, 1e5, 1e5], np.float32))], xshape=(1, 1, 2, 2)))
    c.add("size", "matmul_huge_const_fold",
          model([helper.make_node("Expand", ["one", "s"], ["big"], name="expand"),
                 helper.make_node("MatMul", ["big", "big"], ["mm"], name="mm"),
                 helper.make_node("ReduceSum", ["mm"], ["ms"], name="sum", keepdims=0),
                 helper.make_node("Add", ["x", "ms"], ["y"], name="add")],
                [vi("x", [1])], [vi("y", None)], [const("one", np.ones((1, 1), np.float32)), const("s", np.array([4096, 4096], np.int64))]))
    c.add("size", "conv_huge_channels", conv_model(w_shape=(2**20, 2, 3, 3)) if False else with_consts(
        "ConvTranspose", [("w", np.ones((2, 1, 3, 3), np.float32))], {"strides": [2**20, 2**20]}, xshape=(1, 2, 4, 4)))
    c.add("size", "upsample_chain", model([helper.make_node("Tile", ["x" if i == 0 else f"t{i - 1}", "r"], [f"t{i}" if i < 11 else "y"],
                                                             name=f"tile{i}") for i in range(12)],
                                          [vi("x", [1, 4])], [vi("y", None)], [const("r", np.array([1, 8], np.int64))]))


def index_cases(c):
    """Out-of-range indices: at compile time (constant folding) and in the generated code."""
    data = np.arange(12, dtype=np.float32).reshape(3, 4)
    for nm, idx in {"pos": 7, "neg": -9, "huge": 2**40, "int64_min": I64_MIN, "edge_ok": -3}.items():
        expect = "ok" if nm == "edge_ok" else "error"
        for fold in (True, False):
            tag = ("fold_" if fold else "runtime_data_") + nm
            ind = np.array([[idx, 0], [1, 2]], np.int64)
            # Gather (axis 0), GatherElements, GatherND, ScatterElements, ScatterND
            specs = {
                "gather": ("Gather", [("i", ind)], {}),
                "gatherelements": ("GatherElements", [("i", ind)], {"axis": 0}),
                "gathernd": ("GatherND", [("i", np.array([[idx, 1]], np.int64))], {}),
                "scatterelements": ("ScatterElements", [("i", ind), ("u", np.ones((2, 2), np.float32))], {"axis": 0}),
                "scatternd": ("ScatterND", [("i", np.array([[idx, 1]], np.int64)), ("u", np.ones((1,), np.float32))], {}),
            }
            for sn, (op, consts, attrs) in specs.items():
                inits = [const("d", data)] + [const(n, v) for n, v in consts]
                if fold:  # everything constant: folded, then added to the runtime input
                    nodes = [helper.make_node(op, ["d"] + [n for n, _ in consts], ["o"], name=sn, **attrs),
                             helper.make_node("ReduceSum", ["o"], ["os"], name="sum", keepdims=0),
                             helper.make_node("Add", ["x", "os"], ["y"], name="add")]
                    m = model(nodes, [vi("x", [1])], [vi("y", None)], inits)
                else:  # data at run time, indices constant
                    m = model([helper.make_node(op, ["x"] + [n for n, _ in consts], ["y"], name=sn, **attrs)],
                              [vi("x", [3, 4])], [vi("y", None)], inits[1:])
                c.add("index", f"{sn}_{tag}", m, expect)
    # indices supplied at run time (graph inputs): checked by the generated code
    for op, ishape, attrs in [("Gather", [2, 2], {}), ("GatherElements", [2, 4], {"axis": 0}), ("GatherND", [2, 2], {}),
                              ("Gather", [3], {"axis": 1}), ("GatherElements", [3, 2], {"axis": 1}), ("GatherND", [3, 1], {})]:
        for it in (I64, I32):
            m = model([helper.make_node(op, ["x", "i"], ["y"], name="g", **attrs)],
                      [vi("x", [3, 4]), vi("i", ishape, it)], [vi("y", None)])
            c.add("index", f"{op.lower()}_runtime_indices_{len(ishape)}_{'i64' if it == I64 else 'i32'}_{ishape[-1]}", m)


def quant_cases(c):
    for nm, s in {"zero": 0.0, "negative": -0.05, "nan": float("nan"), "inf": float("inf"), "denormal": 1e-45,
                  "tiny": 1e-30, "huge": 1e30}.items():
        expect = "any" if nm in ("tiny", "huge", "denormal") else "error"
        c.add("quant", "input_scale_" + nm, base_qdq(x_scale=s), expect)
        c.add("quant", "weight_scale_" + nm, base_qdq(w_scale=[0.01, s, 0.01]), expect)
        q = model([helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="q"),
                   helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="dq")],
                  [vi("x", [1, 4])], [vi("y", None)], [const("s", np.float32(s)), const("z", np.int8(0))])
        c.add("quant", "qdq_scale_" + nm, q, expect)
    for nm, (zp, zt) in {"uint8_255": (255, U8), "int32_zp_big": (2**20, I32), "int32_zp_neg": (-2**31, I32)}.items():
        c.add("quant", "input_zp_" + nm, base_qdq(x_zp=zp, zp_type=zt))
    c.add("quant", "weight_scale_count", base_qdq(w_scale=[0.01, 0.01]))
    c.add("quant", "weight_scale_rank2", base_qdq(w_scale=[[0.01, 0.01, 0.01]]))
    inits, nodes = qdq_parts()
    for n in nodes:
        if n.name == "dq_w":
            n.attribute[0].i = 9
    c.add("quant", "weight_axis_out_of_range", model(nodes, [vi("x", [1, 2, 5, 5])], [vi("y", None)], inits))
    inits, nodes = qdq_parts()
    inits = [i if i.name != "xz" else const("xz", np.array([0, 0], np.int8)) for i in inits]
    c.add("quant", "zp_shape_mismatch", model(nodes, [vi("x", [1, 2, 5, 5])], [vi("y", None)], inits))
    inits, nodes = qdq_parts()
    inits = [i if i.name != "xs" else const("xs", np.array([0.05, 0.05], np.float32)) for i in inits]
    c.add("quant", "per_tensor_scale_is_vector", model(nodes, [vi("x", [1, 2, 5, 5])], [vi("y", None)], inits))
    inits, nodes = qdq_parts()
    nodes = [n for n in nodes if n.name != "q_out"]
    for n in nodes:
        if n.name == "dq_out":
            n.input[0] = "c"
    c.add("quant", "dq_of_float", model(nodes, [vi("x", [1, 2, 5, 5])], [vi("y", None)], inits))
    q = model([helper.make_node("QuantizeLinear", ["x", "s"], ["q"], name="q"),
               helper.make_node("DequantizeLinear", ["q", "s"], ["y"], name="dq")],
              [vi("x", [1, 4])], [vi("y", None)], [const("s", np.float32(0.1))])
    c.add("quant", "qdq_no_zero_point", q, "ok")
    q = model([helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="q"),
               helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="dq")],
              [vi("x", [1, 4])], [vi("y", None)], [const("s", np.float32(0.1)), const("z", np.int16(3))])
    c.add("quant", "zp_int16", q)
    q = model([helper.make_node("DequantizeLinear", ["x", "s", "z"], ["y"], name="dq")],
              [vi("x", [1, 4], I32)], [vi("y", None)], [const("s", np.float32(0.1)), const("z", np.int32(2**31 - 1))])
    c.add("quant", "int32_input_zp_max", q)
    q = model([helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], name="q"),
               helper.make_node("DequantizeLinear", ["q", "s", "z"], ["y"], name="dq")],
              [vi("x", [1, 4])], [vi("y", None)], [raw_tensor("s", F, []), const("z", np.int8(0))])
    c.add("quant", "scale_without_data", q)


def opset_cases(c):
    x, y = vi("x", [1, 4]), vi("y", [1, 4])
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="r")]
    for v in [9999, -1, 0, 2**40]:
        c.add("opset", f"opset_{v}".replace("-", "neg"), model(nodes, [x], [y], opset=v), "error")
    c.add("opset", "opset_1", model(nodes, [x], [y], opset=1))
    c.add("opset", "opset_7", model(nodes, [x], [y], opset=7), "ok")
    m = model(nodes, [x], [y])
    del m.opset_import[:]
    c.add("opset", "no_opset_import", m)
    m = model(nodes, [x], [y])
    m.opset_import.append(helper.make_opsetid("", 11))
    c.add("opset", "two_default_opsets", m)
    for ir in [0, -3, 99]:
        m = model(nodes, [x], [y])
        m.ir_version = ir
        c.add("opset", f"ir_version_{ir}".replace("-", "neg"), m)
    m = model(nodes, [x], [y], opset=13)
    m.opset_import[0].domain = "ai.onnx"
    c.add("opset", "explicit_ai_onnx_domain", m, "ok")


def type_cases(c):
    nodes = [helper.make_node("Relu", ["x"], ["y"], name="r")]
    for nm, et in {"undefined": 0, "string": 8, "complex64": 14, "bfloat16": 16, "float16": 10, "bool": 9,
                   "uint64": 13, "double": 11, "int999": 999}.items():
        c.add("types", "input_" + nm, model(nodes, [vi("x", [1, 4], et)], [vi("y", None)]))
    seq = helper.make_tensor_sequence_value_info("x", F, [1, 4])
    c.add("types", "input_sequence", model(nodes, [seq], [vi("y", None)]), "error")
    untyped = onnx.ValueInfoProto()
    untyped.name = "x"
    c.add("types", "input_untyped", model(nodes, [untyped], [vi("y", None)]), "error")
    add = [helper.make_node("Add", ["x", "c"], ["y"], name="add")]
    for nm, t in {
        "dtype_0": raw_tensor("c", 0, [4], b"\0" * 16),
        "dtype_999": raw_tensor("c", 999, [4], b"\0" * 16),
        "string": helper.make_tensor("c", TensorProto.STRING, [1], vals=[b"abc"]),
        "int_as_float": helper.make_tensor("c", I32, [1, 4], vals=[1, 2, 3, 4]),
        "raw_short": raw_tensor("c", F, [1, 4], b"\0" * 7),
        "raw_long": raw_tensor("c", F, [1, 4], b"\0" * 99),
        "float_data_short": raw_tensor("c", F, [1, 4], floats=[1.0]),
        "double": helper.make_tensor("c", TensorProto.DOUBLE, [1, 4], vals=[1.0, 2.0, 3.0, 4.0]),
        "nan_values": helper.make_tensor("c", F, [1, 4], vals=[float("nan"), float("inf"), -float("inf"), 0.0]),
    }.items():
        c.add("types", "init_" + nm, model(add, [vi("x", [1, 4])], [vi("y", None)], [t]))
    t = raw_tensor("c", F, [1, 4], b"\0" * 16)
    t.data_location = TensorProto.EXTERNAL
    e = t.external_data.add()
    e.key, e.value = "location", "../../../../etc/passwd"
    c.add("types", "init_external_data", model(add, [vi("x", [1, 4])], [vi("y", None)], [t]), "error")
    c.add("types", "mixed_dtype_add", model(add, [vi("x", [1, 4])], [vi("y", None)], [const("c", np.ones((1, 4), np.int32))]))
    c.add("types", "relu_int8", model(nodes, [vi("x", [1, 4], I8)], [vi("y", None)]))
    c.add("types", "cast_to_string", unary("Cast", to=TensorProto.STRING))
    c.add("types", "constant_no_value", model([helper.make_node("Constant", [], ["k"], name="k"),
                                               helper.make_node("Add", ["x", "k"], ["y"], name="add")], [vi("x", [1, 4])], [vi("y", None)]))
    c.add("types", "constant_sparse", model([helper.make_node("Constant", [], ["k"], name="k", value_float=2.0),
                                             helper.make_node("Add", ["x", "k"], ["y"], name="add")], [vi("x", [1, 4])], [vi("y", None)]), "ok")


def operand_type_cases(c):
    """Inputs that one ONNX type parameter ties to x's type but that hold another type (a fuzz finding:
    float Conv read an UNDEFINED-typed weight as float), and node arities outside the schema."""
    ops = {"Conv": ((1, 2, 6, 6), (3, 2, 3, 3), {}), "ConvTranspose": ((1, 2, 6, 6), (2, 3, 3, 3), {}),
           "Gemm": ((1, 8), (4, 8), {"transB": 1}), "MatMul": ((1, 8), (8, 4), {}),
           "Concat": ((1, 8), (1, 8), {"axis": 1}), "PRelu": ((1, 8), (8,), {})}
    for op, (xs, ws, attrs) in ops.items():
        for nm, et in {"undefined": 0, "int32": I32, "float16": TensorProto.FLOAT16, "double": TensorProto.DOUBLE}.items():
            n = int(np.prod(ws))
            size = {0: 4, I32: 4, TensorProto.FLOAT16: 2, TensorProto.DOUBLE: 8}[et]
            w = raw_tensor("w", et, list(ws), b"\x01" * (n * size))
            node = helper.make_node(op, ["x", "w"], ["y"], name="n0", **attrs)
            c.add("operand_types", f"{op}_weight_{nm}", model([node], [vi("x", list(xs))], [vi("y", None)], [w]), "error")
    # the same through a graph input of another type (no initializer involved)
    node = helper.make_node("MatMul", ["x", "w"], ["y"], name="n0")
    c.add("operand_types", "MatMul_input_int32", model([node], [vi("x", [1, 8]), vi("w", [8, 4], I32)], [vi("y", None)]), "error")
    shape = const("s", np.array([2, 2], np.int32))
    c.add("operand_types", "Reshape_shape_int32", model([helper.make_node("Reshape", ["x", "s"], ["y"], name="n0")],
                                                         [vi("x", [1, 4])], [vi("y", None)], [shape]), "error")
    w = const("w", np.ones((3, 2, 3, 3), np.float32))
    for nm, ins, outs in (("conv_one_input", ["x"], ["y"]), ("conv_four_inputs", ["x", "w", "w", "w"], ["y"]),
                          ("relu_two_outputs", ["x"], ["y", "z"])):
        op = "Relu" if nm.startswith("relu") else "Conv"
        node = helper.make_node(op, ins, outs, name="n0")
        c.add("operand_types", "arity_" + nm, model([node], [vi("x", [1, 2, 6, 6])], [vi(o, None) for o in outs],
                                                    [w] if "w" in ins else []), "error")


def name_cases(c):
    """Hostile tensor, node and graph names (escaping is checked by its own test; here: no crash, C compiles)."""
    hostile = {"newline": "a\nint EG_INJECTED = 1;\n", "quote": 'a"b', "backslash": "a\\", "comment_close": "*/ x /*",
               "trigraph": "a??=b??/", "tab_cr": "a\tb\rc", "percent": "%s%n%d", "define": "#define memcpy(d, s, n) 0",
               "long": "n" * 5000, "empty": "", "keyword": "int", "api_clash": "stai_network_run", "unicode": "\u00e9\u4e2d\U0001F600",
               "dots": "a.b/c:d", "leading_digit": "0abc", "space": "a b", "line_continuation": "a\\\nb"}
    for nm, s in hostile.items():
        for where in ("input", "output", "node", "init"):
            x, y = ("x", "y")
            if where == "input":
                x = s or "x"
            if where == "output":
                y = s or "y"
            cname = s if where == "init" and s else "c"
            nodes = [helper.make_node("Add", [x, cname], ["t"], name=s if where == "node" else "add"),
                     helper.make_node("Relu", ["t"], [y], name="relu")]
            m = model(nodes, [vi(x, [1, 4])], [vi(y, None)], [const(cname, np.ones((1, 4), np.float32))])
            c.add("names", f"{where}_{nm}", m)
    # collisions after mangling: two inputs whose names differ only in punctuation
    nodes = [helper.make_node("Add", ["a.b", "a_b"], ["y"], name="add")]
    c.add("names", "mangling_collision", model(nodes, [vi("a.b", [1, 4]), vi("a_b", [1, 4])], [vi("y", None)]))
    # bytes that are not UTF-8 and a NUL, patched into the serialized model
    for nm, raw in {"non_utf8": b"\xff\xfe\x80a", "nul": b"a\x00bc", "utf8_overlong": b"\xc0\xafab"}.items():
        for where in ("input", "node"):
            placeholder = "QQQQ"
            nodes = [helper.make_node("Relu", ["QQQQ" if where == "input" else "x"], ["y"], name="QQQQ" if where == "node" else "r")]
            m = model(nodes, [vi("QQQQ" if where == "input" else "x", [1, 4])], [vi("y", None)])
            c.raw("names", f"{where}_{nm}", m.SerializeToString().replace(placeholder.encode(), raw))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--shared", default="")
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    c = Corpus(a.out)
    file_cases(c, a.shared)
    graph_cases(c)
    dims_cases(c)
    attr_cases(c)
    size_cases(c)
    index_cases(c)
    quant_cases(c)
    opset_cases(c)
    type_cases(c)
    operand_type_cases(c)
    name_cases(c)
    with open(os.path.join(a.out, "cases.tsv"), "w") as f:
        for row in c.rows:
            f.write("\t".join(row) + "\n")
    print(f"{len(c.rows)} cases in {a.out}")


if __name__ == "__main__":
    sys.exit(main())
