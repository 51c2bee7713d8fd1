#!/usr/bin/env python3
"""Random one-node models whose weights, biases and bounds are graph inputs (run-time operands), in the
ONNX test-data layout (model.onnx + test_data_set_0/{input,output}_k.pb), references from ONNX Runtime
with graph optimizations disabled. The conformance runner then compiles them with --no-binding: every
operand stays a run-time input.

  runtime_operands.py WORK [--seeds N]        (NODE_PATH must hold onnxruntime-node)
"""
import json
import os
import subprocess
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = os.path.dirname(os.path.abspath(__file__))
ORT_RUN = os.path.join(HERE, "..", "..", "..", "shared", "models", "gen", "ort_run.js")
NP_TYPE = {np.float32: (TensorProto.FLOAT, "float32"), np.int8: (TensorProto.INT8, "int8")}


def model(nodes, inputs, n_out=1, opset=23):
    """nodes: one node or a list; inputs: [(name, array)], every one a graph input; the graph outputs are
    the last node's (of unknown shape)."""
    nodes = nodes if isinstance(nodes, list) else [nodes]
    ins = [helper.make_tensor_value_info(n, NP_TYPE[a.dtype.type][0], list(a.shape)) for n, a in inputs]
    outs = [helper.make_tensor_value_info(o, NP_TYPE[inputs[0][1].dtype.type][0], None) for o in nodes[-1].output if o]
    g = helper.make_graph(nodes, "g", ins, outs[:n_out] if n_out else outs)
    return helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)])


def rnd(rng, *shape, scale=1.0):
    return (rng.standard_normal(shape) * scale).astype(np.float32)


def clip_cases(rng, seed):
    x = rnd(rng, 2, 3, 5, scale=2.0)
    lo, hi = np.array(rng.uniform(-1, 0.5), np.float32), np.array(rng.uniform(-0.5, 1), np.float32)
    yield "clip_both", helper.make_node("Clip", ["x", "lo", "hi"], ["y"]), [("x", x), ("lo", lo), ("hi", hi)]
    yield "clip_min", helper.make_node("Clip", ["x", "lo"], ["y"]), [("x", x), ("lo", lo)]
    yield "clip_max", helper.make_node("Clip", ["x", "", "hi"], ["y"]), [("x", x), ("hi", hi)]
    x8 = rng.integers(-128, 128, (4, 7)).astype(np.int8)
    lo8, hi8 = np.array(rng.integers(-128, 10), np.int8), np.array(rng.integers(-10, 128), np.int8)
    yield "clip_i8", helper.make_node("Clip", ["x", "lo", "hi"], ["y"]), [("x", x8), ("lo", lo8), ("hi", hi8)]


def conv_cases(rng, seed):
    for rank in (1, 2):
        group = int(rng.choice([1, 2]))
        cin, cout = 2 * group, 3 * group if seed % 2 else 2 * group
        k = [int(rng.integers(1, 4)) for _ in range(rank)]
        sp = [int(rng.integers(5, 9)) for _ in range(rank)]
        attrs = dict(group=group, strides=[int(rng.integers(1, 3)) for _ in range(rank)],
                     dilations=[int(rng.integers(1, 3)) for _ in range(rank)],
                     pads=[int(rng.integers(0, 2)) for _ in range(2 * rank)])
        x, w, b = rnd(rng, 1, cin, *sp), rnd(rng, cout, cin // group, *k), rnd(rng, cout)
        yield f"conv{rank}d", helper.make_node("Conv", ["x", "w", "b"], ["y"], **attrs), [("x", x), ("w", w), ("b", b)]
        wt = rnd(rng, cin, cout // group, *k)
        tattrs = dict(group=group, strides=attrs["strides"], pads=attrs["pads"])
        yield f"convtranspose{rank}d", helper.make_node("ConvTranspose", ["x", "w", "b"], ["y"], **tattrs), \
            [("x", x), ("w", wt), ("b", b)]


def gemm_cases(rng, seed):
    ta, tb = seed % 2, (seed // 2) % 2
    M, K, N = (int(v) for v in rng.integers(1, 9, 3))
    a = rnd(rng, *((K, M) if ta else (M, K)))
    b = rnd(rng, *((N, K) if tb else (K, N)))
    c = rnd(rng, *([N] if seed % 3 else [M, N]))
    node = helper.make_node("Gemm", ["a", "b", "c"], ["y"], transA=ta, transB=tb,
                            alpha=float(rng.uniform(0.5, 2)), beta=float(rng.uniform(0.5, 2)))
    yield "gemm", node, [("a", a), ("b", b), ("c", c)]
    batch = [int(v) for v in rng.integers(1, 4, 2)]
    a = rnd(rng, *batch, M, K)
    b = rnd(rng, batch[1], K, N) if seed % 2 else rnd(rng, K, N)
    yield "matmul", helper.make_node("MatMul", ["a", "b"], ["y"]), [("a", a), ("b", b)]


def rnn_cases(rng, seed):
    for op, gates in (("GRU", 3), ("LSTM", 4), ("RNN", 1)):
        layout = seed % 2
        direction = ["forward", "reverse", "bidirectional"][seed % 3]
        D = 2 if direction == "bidirectional" else 1
        T, B, I, H = int(rng.integers(1, 5)), 1 if layout else int(rng.integers(1, 3)), 3, 4
        x = rnd(rng, *((B, T, I) if layout else (T, B, I)))
        w, r, bias = rnd(rng, D, gates * H, I), rnd(rng, D, gates * H, H), rnd(rng, D, 2 * gates * H)
        h0 = rnd(rng, *((B, D, H) if layout else (D, B, H)))
        names = ["x", "w", "r", "b", "", "h0"]
        ins = [("x", x), ("w", w), ("r", r), ("b", bias), ("h0", h0)]
        outs = ["y", "yh"]
        if op == "LSTM":
            names.append("c0")
            ins.append(("c0", rnd(rng, *h0.shape)))
            outs.append("yc")
        attrs = dict(hidden_size=H, direction=direction, layout=layout)
        if op == "GRU":
            attrs["linear_before_reset"] = seed % 2
        node = helper.make_node(op, names, outs, **attrs)
        if not layout:
            yield op.lower(), node, ins
            continue
        # ONNX Runtime runs layout 0 only: the reference is the layout-0 node on the batch-major inputs
        # transposed, its outputs transposed back (Y [T,D,B,H] -> [B,T,D,H], states [D,B,H] -> [B,D,H])
        ref_node = helper.make_node(op, names, outs, **dict(attrs, layout=0))
        ref_ins = [(n, a.transpose(1, 0, 2) if n in ("x", "h0", "c0") else a) for n, a in ins]
        yield op.lower() + "_layout1", node, ins, (ref_node, ref_ins, [(1, 2, 0, 3), (1, 0, 2), (1, 0, 2)])


def attention_cases(rng, seed):
    """Attention (opset 23) with Q, K, V, masks and caches as inputs: 3-D/4-D, grouped-query heads,
    is_causal with a past, bool (made at run time) and float masks, softcap."""
    B, Sq, Sk, past, hq = 1 + seed % 2, int(rng.integers(1, 5)), int(rng.integers(1, 5)), seed % 3, 4
    q_heads, kv_heads = (4, 2) if seed % 2 else (2, 2)
    q, k, v = rnd(rng, B, q_heads, Sq, hq), rnd(rng, B, kv_heads, Sk, hq), rnd(rng, B, kv_heads, Sk, 3)
    ins = [("q", q), ("k", k), ("v", v)]
    names = ["q", "k", "v"]
    mask_len = Sk + past  # (ONNX Runtime takes no shorter mask)
    pre = []
    if seed % 3 == 1:  # a bool mask, made at run time (Greater) from a float input
        # every query keeps one key: a row masked whole is NaN in ONNX's reference, 0 in ONNX Runtime
        m = rnd(rng, Sq, mask_len)
        m[:, int(rng.integers(0, mask_len))] = 1.0
        ins += [("m", m), ("zero", np.zeros((), np.float32))]
        pre.append(helper.make_node("Greater", ["m", "zero"], ["mask"]))
    else:
        ins.append(("mask", rnd(rng, B, 1, Sq, mask_len)))
    names.append("mask")
    if past:
        ins += [("pk", rnd(rng, B, kv_heads, past, hq)), ("pv", rnd(rng, B, kv_heads, past, 3))]
        names += ["pk", "pv"]
    attrs = dict(is_causal=int(seed % 2 == 0 and seed % 3 != 1), softcap=float(seed % 3 == 2) * 2.0)
    node = helper.make_node("Attention", names, ["y"] + (["pk_out", "pv_out"] if past else []), **attrs)
    yield "attention4d", pre + [node], ins
    # 3-D: [B, S, heads * head]
    q3 = rnd(rng, B, Sq, q_heads * hq)
    k3, v3 = rnd(rng, B, Sk, kv_heads * hq), rnd(rng, B, Sk, kv_heads * 3)
    node = helper.make_node("Attention", ["q", "k", "v"], ["y"], q_num_heads=q_heads, kv_num_heads=kv_heads,
                            scale=float(rng.uniform(0.1, 1)), is_causal=seed % 2)
    yield "attention3d", node, [("q", q3), ("k", k3), ("v", v3)]


def write_case(work, name, node, inputs, jobs, ref=None):
    """ref: (node, inputs, output permutations) ONNX Runtime runs instead, when it lacks the node's form."""
    d = os.path.join(work, name)
    os.makedirs(os.path.join(d, "test_data_set_0"), exist_ok=True)
    onnx.save(model(node, inputs, n_out=0), os.path.join(d, "model.onnx"))
    for k, (n, a) in enumerate(inputs):
        with open(os.path.join(d, "test_data_set_0", f"input_{k}.pb"), "wb") as f:
            f.write(numpy_helper.from_array(a, n).SerializeToString())
    ref_node, ref_inputs, perms = ref or (node, inputs, None)
    onnx.save(model(ref_node, ref_inputs, n_out=0), os.path.join(d, "ref.onnx"))
    job_inputs = []
    for k, (n, a) in enumerate(ref_inputs):
        raw = os.path.join(d, f"in_{k}.bin")
        np.ascontiguousarray(a).tofile(raw)
        job_inputs.append({"name": n, "type": NP_TYPE[a.dtype.type][1], "dims": list(a.shape), "file": raw})
    jobs.append({"model": os.path.join(d, "ref.onnx"), "opt": "disabled", "inputs": job_inputs,
                 "outdir": os.path.join(d, "ort")})
    return d, perms


def main():
    work = sys.argv[1]
    seeds = int(sys.argv[sys.argv.index("--seeds") + 1]) if "--seeds" in sys.argv else 3
    os.makedirs(work, exist_ok=True)
    jobs, dirs = [], []
    for seed in range(seeds):
        rng = np.random.default_rng(seed)
        for family in (clip_cases, conv_cases, gemm_cases, rnn_cases, attention_cases):
            for name, node, inputs, *ref in family(rng, seed):
                dirs.append(write_case(work, f"{name}_s{seed}", node, inputs, jobs, *ref))
    with open(os.path.join(work, "job.json"), "w") as f:
        json.dump(jobs, f)
    res = json.loads(subprocess.run(["node", ORT_RUN, os.path.join(work, "job.json")], check=True,
                                    capture_output=True, text=True).stdout)
    np_of = {"float32": np.float32, "int8": np.int8}
    for (d, perms), r in zip(dirs, res):
        for k, o in enumerate(r["outputs"]):
            a = np.fromfile(o["file"], dtype=np_of[o["type"]]).reshape(o["dims"])
            if perms:
                a = np.ascontiguousarray(a.transpose(perms[k]))
            with open(os.path.join(d, "test_data_set_0", f"output_{k}.pb"), "wb") as f:
                f.write(numpy_helper.from_array(a, o["name"]).SerializeToString())
    with open(os.path.join(work, "dirs.txt"), "w") as f:
        f.write("\n".join(d for d, _ in dirs) + "\n")
    print(f"{len(dirs)} models with run-time operands in {work}")


if __name__ == "__main__":
    main()
