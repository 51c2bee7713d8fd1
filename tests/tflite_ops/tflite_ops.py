#!/usr/bin/python3
"""TFLite builtins end to end, on models this script writes at test time.

Each case is a one-operator .tflite model (written as JSON, converted by flatc with edgegen's own
schema), random inputs over many seeds plus the extremes (all -128 / all 127 for int8, large and
tiny magnitudes for float), and expected outputs from the oracle below. `edgegen validate` generates
the C, compiles and runs it on the host, and compares: int8 outputs must be bit-exact, float32
outputs within 1e-5 relative.

The oracle is an independent numpy implementation of TensorFlow Lite Micro's reference kernels,
written from the reference's arithmetic (MultiplyByQuantizedMultiplier, gemmlowp's fixed-point
logistic/tanh, the 16-bit HardSwish, AffineQuantize...) and, for the data-movement ops, numpy's own
transpose/slicing/concatenation. As a check of the oracle itself, every int8 function is also
compared with the float function on the dequantized input (within 2 LSB).

usage: tflite_ops.py --edgegen BIN --work DIR [--only NAME] [--samples N] [--group K]
(--group K merges K cases into one model with K times the inputs and outputs: one compile for all.)
"""
import argparse
import json
import math
import os
import subprocess
import sys

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA = os.path.join(ROOT, "src", "tflite", "schema.fbs")

CODES = {"ADD": 0, "AVERAGE_POOL_2D": 1, "CONCATENATION": 2, "CONV_2D": 3, "DEPTHWISE_CONV_2D": 4,
         "FULLY_CONNECTED": 9, "MAX_POOL_2D": 17, "SOFTMAX": 25, "DEQUANTIZE": 6, "LOGISTIC": 14, "MUL": 18, "RELU": 19, "RELU_N1_TO_1": 20, "RELU6": 21,
         "TANH": 28, "PAD": 34, "TRANSPOSE": 39, "MEAN": 40, "SUB": 41, "SQUEEZE": 43, "STRIDED_SLICE": 45,
         "SPLIT": 49, "MAXIMUM": 55, "MINIMUM": 57, "PADV2": 60, "PACK": 83, "UNPACK": 88,
         "RESIZE_NEAREST_NEIGHBOR": 97, "RESIZE_BILINEAR": 23, "UNIDIRECTIONAL_SEQUENCE_LSTM": 44, "LEAKY_RELU": 98, "SPLIT_V": 102, "QUANTIZE": 114, "HARD_SWISH": 117,
         "CUSTOM": 32, "SEGMENT_SUM": 125}
TYPES = {np.float32: "FLOAT32", np.int32: "INT32", np.int8: "INT8", np.int16: "INT16", np.float16: "FLOAT16"}

# ---------------------------------------------------------------- model writer


class Model:
    """One subgraph; tensors are (name, shape, dtype, quant, data)."""

    def __init__(self):
        self.tensors, self.buffers, self.ops, self.codes = [], [{}], [], []
        self.inputs, self.outputs = [], []

    def tensor(self, name, shape, dtype, quant=None, data=None, variable=False):
        t = {"name": name, "shape": list(shape), "type": TYPES[dtype], "buffer": 0, "is_variable": variable}
        if quant is not None and isinstance(quant[0], (list, tuple)):  # per channel: (scales, zero points, axis)
            t["quantization"] = {"scale": [float(v) for v in quant[0]], "zero_point": [int(v) for v in quant[1]],
                                 "quantized_dimension": int(quant[2])}
        elif quant is not None:
            t["quantization"] = {"scale": [float(quant[0])], "zero_point": [int(quant[1])]}
        if data is not None:
            raw = np.ascontiguousarray(np.asarray(data, dtype=dtype)).tobytes()
            self.buffers.append({"data": list(raw)})
            t["buffer"] = len(self.buffers) - 1
        self.tensors.append(t)
        return len(self.tensors) - 1

    def op(self, name, inputs, outputs, options_type=None, options=None, custom=None):
        key = custom or name
        if key not in self.codes:
            self.codes.append(key)
        o = {"opcode_index": self.codes.index(key), "inputs": inputs, "outputs": outputs}
        if options_type:
            o["builtin_options_type"] = options_type
            o["builtin_options"] = options or {}
        self.ops.append(o)

    def write(self, path):
        codes = []
        for c in self.codes:
            if c in CODES:
                codes.append({"deprecated_builtin_code": min(CODES[c], 127), "builtin_code": CODES[c], "version": 1})
            else:
                codes.append({"deprecated_builtin_code": 32, "builtin_code": 32, "custom_code": c, "version": 1})
        model = {"version": 3, "operator_codes": codes, "buffers": self.buffers,
                 "subgraphs": [{"tensors": self.tensors, "inputs": self.inputs, "outputs": self.outputs,
                                "operators": self.ops, "name": "main"}]}
        json_path = path[:-len(".tflite")] + ".json"
        with open(json_path, "w") as f:
            json.dump(model, f)
        subprocess.run(["flatc", "-b", "-o", os.path.dirname(path), SCHEMA, json_path], check=True)  # -> .tflite


# ---------------------------------------------------------------- TFLM reference arithmetic (int)


def srdhm(a, b):
    """SaturatingRoundingDoublingHighMul on int32 (python ints)."""
    if a == b == -2**31:
        return 2**31 - 1
    ab = a * b
    nudge = (1 << 30) if ab >= 0 else 1 - (1 << 30)
    q = ab + nudge
    return q // 2**31 if q >= 0 else -((-q) // 2**31)  # C division: truncates toward zero


def rdbpot(x, e):
    """RoundingDivideByPOT: round half away from zero."""
    mask = (1 << e) - 1
    rem = x & mask
    threshold = (mask >> 1) + (1 if x < 0 else 0)
    return (x >> e) + (1 if rem > threshold else 0)


def wrap32(v):
    return ((v + 2**31) % 2**32) - 2**31


def quantize_multiplier(real):
    """QuantizeMultiplier: (mult, shift) with real = mult * 2^(shift - 31)."""
    if real == 0:
        return 0, 0
    m, e = math.frexp(real)
    q = round_away(m * 2**31)
    if q == 2**31:
        q //= 2
        e += 1
    if e < -31:
        return 0, 0
    return int(q), e


def round_away(x):
    return math.floor(x + 0.5) if x >= 0 else -math.floor(-x + 0.5)


def mbqm(x, mult, shift):
    """MultiplyByQuantizedMultiplier."""
    left, right = max(shift, 0), max(-shift, 0)
    return rdbpot(srdhm(wrap32(x * (1 << left)), mult), right)


def shl_sat(x, e):
    t = (1 << (31 - e)) - 1
    if x > t:
        return 2**31 - 1
    if x < -t:
        return -2**31
    return wrap32(x << e)


def exp_on_negative_values(a, bits):
    frac = 31 - bits
    quarter = 1 << (frac - 2)
    amq = (a & (quarter - 1)) - quarter
    x = shl_sat(amq, bits) + (1 << 28)
    x2 = srdhm(x, x)
    x3 = srdhm(x2, x)
    x4 = srdhm(x2, x2)
    poly = rdbpot(srdhm(rdbpot(x4, 2) + x3, 715827883) + x2, 1)
    result = 1895147668 + srdhm(1895147668, x + poly)
    remainder = wrap32(amq - a)
    mults = {-2: 1672461947, -1: 1302514674, 0: 790015084, 1: 290630308, 2: 39332535, 3: 720401, 4: 242}
    for e in range(-2, 5):
        if bits > e and remainder & (1 << (frac + e)):
            result = srdhm(result, mults[e])
    return 2**31 - 1 if a == 0 else result


def newton_half(a):
    s = a + 2**31 - 1 + (1 if a + 2**31 - 1 >= 0 else -1)
    half = s // 2 if s >= 0 else -((-s) // 2)  # RoundingHalfSum(a, 1): C division
    x = 1515870810 + srdhm(half, -1010580540)
    for _ in range(3):
        x = wrap32(x + shl_sat(srdhm(x, (1 << 29) - srdhm(half, x)), 2))
    return x


def fx_logistic(a, bits):
    if a == 0:
        return 1 << 30
    pos = shl_sat(newton_half(exp_on_negative_values(-abs(a), bits)), 1)
    return pos if a > 0 else 2**31 - 1 - pos


def fx_tanh(a, bits):
    if a == 0:
        return 0
    t = shl_sat(newton_half(exp_on_negative_values(-abs(a), bits + 1)) - (1 << 29), 2)
    return -t if a < 0 else t


def sigmoid_prep(scale):
    m, e = math.frexp(float(np.float32(scale)) * 2**27)
    mult = round_away(m * 2**31)
    radius = math.floor(15.0 * 2**27 / 2**e)
    return mult, e, radius


def tfl_sigmoid_tanh(q, x_q, tanh):
    mult, shift, radius = sigmoid_prep(x_q[0])
    out = []
    for v in q.ravel().tolist():
        d = v - x_q[1]
        if d <= -radius:
            r = -128
        elif d >= radius:
            r = 127
        else:
            a = mbqm(d, mult, shift)
            r = rdbpot(fx_tanh(a, 4), 24) if tanh else rdbpot(fx_logistic(a, 4), 23) - 128
        out.append(min(127, max(-128, r)))
    return np.array(out, np.int8).reshape(q.shape)


def f32(x):
    return float(np.float32(x))


def tfl_relu(q, xq, yq, six, bounds=(0.0, None)):
    """RELU / RELU_N1_TO_1 (QuantizedReluX: requantized, clamped to the output's quantized bounds), RELU6."""
    if six:
        zero = xq[1]
        s6 = min(127, max(-128, int(round_away(f32(f32(6.0) / f32(xq[0])))) + xq[1]))
        return np.clip(q.astype(np.int32), zero, max(zero, s6)).astype(np.int8)
    m, s = quantize_multiplier(float(np.float64(np.float32(xq[0])) / np.float64(np.float32(yq[0]))))
    bound = lambda r: yq[1] + int(round_away(f32(f32(r) / f32(yq[0]))))
    lo = max(-128, bound(bounds[0]))
    hi = 127 if bounds[1] is None else min(127, bound(bounds[1]))
    return np.array([min(hi, max(lo, yq[1] + mbqm(v - xq[1], m, s))) for v in q.ravel().tolist()],
                    np.int8).reshape(q.shape)


def tfl_leaky(q, xq, yq, alpha):
    ma = quantize_multiplier(f32(f32(f32(xq[0]) * f32(alpha)) / f32(yq[0])))
    mi = quantize_multiplier(f32(f32(xq[0]) / f32(yq[0])))
    out = []
    for v in q.ravel().tolist():
        d = v - xq[1]
        m, s = mi if d >= 0 else ma
        out.append(min(127, max(-128, yq[1] + mbqm(d, m, s))))
    return np.array(out, np.int8).reshape(q.shape)


def s16(v):
    return ((v + 2**15) % 2**16) - 2**15


def srdhm16(a, b):
    if a == b == -32768:
        return 32767
    ab = a * b
    nudge = (1 << 14) if ab >= 0 else 1 - (1 << 14)
    v = ab + nudge
    return s16(v // 32768 if v >= 0 else -((-v) // 32768))


def tfl_hard_swish(q, xq, yq):
    hires = f32(f32(1.0 / 128.0) * f32(xq[0]))
    om, oe = quantize_multiplier(f32(hires / f32(yq[0])))
    rm, re_ = quantize_multiplier(f32(hires / f32(3.0 / 32768.0)))
    to16 = lambda m: 32767 if m >= 2**31 - 1 - 2**15 else (m + 2**15) >> 16
    om16, rm16 = to16(om), to16(rm)
    out = []
    for v in q.ravel().tolist():
        inp = v - xq[1]
        hi = s16(inp * 128)
        pre_out = srdhm16(hi, om16)
        r = hi
        if re_ > 0:
            r = max(-32768, min(32767, r * (1 << (re_ - 1))))
        r = srdhm16(r, rm16)
        if re_ > 0:
            r = max(-32768, min(32767, r * 2))
        if re_ < 0:
            r = rdbpot(r, -re_)
        r = (r + 32768) >> 1
        p = r * pre_out  # SaturatingDoublingHighMul: truncating
        pre = 32767 if r == pre_out == -32768 else s16(p // 32768 if p >= 0 else -((-p) // 32768))
        o = rdbpot(pre, -oe) + yq[1]
        out.append(min(127, max(-128, o)))
    return np.array(out, np.int8).reshape(q.shape)


def tfl_requantize(q, xq, yq):
    m, s = quantize_multiplier(float(np.float64(np.float32(xq[0])) / np.float64(np.float32(yq[0]))))
    return np.array([min(127, max(-128, mbqm(v - xq[1], m, s) + yq[1])) for v in q.ravel().tolist()],
                    np.int8).reshape(q.shape)


def tfl_quantize(x, yq):
    r = x.astype(np.float64) / np.float64(np.float32(yq[0]))
    r = np.where(r >= 0, np.floor(r + 0.5), -np.floor(-r + 0.5))
    return np.clip(r + yq[1], -128, 127).astype(np.int8)


def tfl_mul(a, b, aq, bq, yq, act):
    m, s = quantize_multiplier(float(np.float64(np.float32(aq[0])) * np.float64(np.float32(bq[0])) /
                                     np.float64(np.float32(yq[0]))))
    lo, hi = act_range_q(act, yq)
    a, b = np.broadcast_arrays(a.astype(np.int64), b.astype(np.int64))
    out = [min(hi, max(lo, yq[1] + mbqm((x - aq[1]) * (y - bq[1]), m, s))) for x, y in zip(a.ravel().tolist(), b.ravel().tolist())]
    return np.array(out, np.int8).reshape(a.shape)


def act_range_q(act, yq):
    q = lambda f: yq[1] + int(round_away(f32(f32(f) / f32(yq[0]))))
    if act == 1:
        return max(-128, q(0.0)), 127
    if act == 3:
        return max(-128, q(0.0)), min(127, q(6.0))
    return -128, 127


def dequant(q, xq):
    return (q.astype(np.float64) - xq[1]) * np.float32(xq[0])


# ---------------------------------------------------------------- cases


def int8_samples(rng, shape, n):
    s = [np.full(shape, -128, np.int8), np.full(shape, 127, np.int8)]
    s += [rng.integers(-128, 128, size=shape, dtype=np.int64).astype(np.int8) for _ in range(n)]
    return s


def float_samples(rng, shape, n, scale=4.0):
    s = [np.full(shape, -30.0, np.float32), np.full(shape, 30.0, np.float32), np.zeros(shape, np.float32)]
    s += [(rng.standard_normal(shape) * scale).astype(np.float32) for _ in range(n)]
    return s


class Case:
    def __init__(self, name, model, inputs, outputs, exact):
        self.name, self.model, self.inputs, self.outputs = name, model, inputs, outputs
        self.exact = exact if isinstance(exact, list) else [exact] * len(outputs)
        self.output_names = [f"{name}:{k}" for k in range(len(outputs))]


def merge(cases, name):
    """One model holding several cases side by side (one compile and run for all of them): tensors,
    buffers and operator codes renumbered, inputs and outputs concatenated."""
    m = Model()
    inputs, outputs, exact, names = [], [], [], []
    for c in cases:
        t0, b0 = len(m.tensors), len(m.buffers) - 1
        for t in c.model.tensors:
            t = dict(t, name=f"{c.name}/{t['name']}")
            if t["buffer"]:
                t["buffer"] += b0
            m.tensors.append(t)
        m.buffers += c.model.buffers[1:]
        for o in c.model.ops:
            key = c.model.codes[o["opcode_index"]]
            if key not in m.codes:
                m.codes.append(key)
            m.ops.append(dict(o, opcode_index=m.codes.index(key), inputs=[i + t0 if i >= 0 else -1 for i in o["inputs"]],
                              outputs=[i + t0 for i in o["outputs"]],
                              **({"intermediates": [i + t0 for i in o["intermediates"]]} if "intermediates" in o else {})))
        m.inputs += [i + t0 for i in c.model.inputs]
        m.outputs += [i + t0 for i in c.model.outputs]
        inputs += c.inputs
        outputs += c.outputs
        exact += c.exact
        names += c.output_names
    g = Case(name, m, inputs, outputs, exact)
    g.output_names = names
    return g


def grouped(cases, size):
    """Cases merged by runs of `size` with the same sample count."""
    out, run = [], []
    for c in cases:
        if run and (len(run) == size or len(run[0].inputs[0]) != len(c.inputs[0])):
            out.append(merge(run, f"{run[0].name}..{run[-1].name}"))
            run = []
        run.append(c)
    if run:
        out.append(merge(run, f"{run[0].name}..{run[-1].name}"))
    return out


def unary_case(name, op, dtype, shape, xq, yq, oracle, rng, n, options_type=None, options=None, ydtype=None):
    m = Model()
    ydtype = ydtype or dtype
    x = m.tensor("x", shape, dtype, xq)
    y = m.tensor("y", shape, ydtype, yq)
    m.inputs, m.outputs = [x], [y]
    m.op(op, [x], [y], options_type, options)
    xs = int8_samples(rng, shape, n) if dtype == np.int8 else float_samples(rng, shape, n)
    if dtype == np.int8:  # every int8 value at least once
        xs.append(np.resize(np.arange(-128, 128, dtype=np.int8), shape))
    ys = [oracle(v) for v in xs]
    return Case(name, m, [xs], [ys], ydtype == np.int8)


def sanity_int8(name, xs, ys, xq, yq, f, lsb):
    """The oracle's int8 results stay within `lsb` of the float function on the dequantized input."""
    for x, y in zip(xs, ys):
        want = np.clip(np.round(f(dequant(x, xq)) / np.float32(yq[0])) + yq[1], -128, 127)
        worst = np.max(np.abs(want - y.astype(np.float64)))
        assert worst <= lsb, f"{name}: oracle {worst} LSB from the float function"


def activation_cases(rng, n):
    cases = []
    shape = [1, 4, 5, 16]
    for k, (xs_, xz) in enumerate([(0.05, 3), (0.1, -20), (0.4, 60)]):
        xq = (xs_, xz)
        lq = (1.0 / 256, -128)
        tq = (1.0 / 128, 0)
        c = unary_case(f"logistic_int8_{k}", "LOGISTIC", np.int8, shape, xq, lq, lambda v: tfl_sigmoid_tanh(v, xq, False), rng, n)
        sanity_int8(c.name, c.inputs[0], c.outputs[0], xq, lq, lambda r: 1 / (1 + np.exp(-r)), 1)
        cases.append(c)
        c = unary_case(f"tanh_int8_{k}", "TANH", np.int8, shape, xq, tq, lambda v: tfl_sigmoid_tanh(v, xq, True), rng, n)
        sanity_int8(c.name, c.inputs[0], c.outputs[0], xq, tq, np.tanh, 1)
        cases.append(c)
        yq = (xs_ * 0.7, xz // 2 - 10)
        c = unary_case(f"relu_int8_{k}", "RELU", np.int8, shape, xq, yq, lambda v: tfl_relu(v, xq, yq, False), rng, n)
        sanity_int8(c.name, c.inputs[0], c.outputs[0], xq, yq, lambda r: np.maximum(r, 0), 1)
        cases.append(c)
        c = unary_case(f"relu6_int8_{k}", "RELU6", np.int8, shape, xq, xq, lambda v: tfl_relu(v, xq, xq, True), rng, n)
        cases.append(c)
        yq = (xs_ * [0.5, 1.0, 0.05, 2.0][k], [0, 9, -20, 100][k])
        c = unary_case(f"relu_n1_to_1_int8_{k}", "RELU_N1_TO_1", np.int8, shape, xq, yq,
                       lambda v: tfl_relu(v, xq, yq, False, (-1.0, 1.0)), rng, n)
        sanity_int8(c.name, c.inputs[0], c.outputs[0], xq, yq, lambda r: np.clip(r, -1, 1), 1)
        cases.append(c)
        alpha = [0.2, 0.01, 0.5, 0.3][k]
        yq = (xs_ * 0.9, xz + 5)
        c = unary_case(f"leaky_relu_int8_{k}", "LEAKY_RELU", np.int8, shape, xq, yq,
                       lambda v: tfl_leaky(v, xq, yq, alpha), rng, n, "LeakyReluOptions", {"alpha": alpha})
        sanity_int8(c.name, c.inputs[0], c.outputs[0], xq, yq, lambda r: np.where(r >= 0, r, alpha * r), 1)
        cases.append(c)
        yq = (xs_ * 0.8, -100 + 7 * k)
        c = unary_case(f"hard_swish_int8_{k}", "HARD_SWISH", np.int8, shape, xq, yq, lambda v: tfl_hard_swish(v, xq, yq), rng, n)
        sanity_int8(c.name, c.inputs[0], c.outputs[0], xq, yq, lambda r: r * np.clip(r + 3, 0, 6) / 6, 2)
        cases.append(c)
        yq = (xs_ * [0.3, 1.7, 1.0, 0.51][k], [0, 17, -5, -128][k])
        c = unary_case(f"quantize_int8_{k}", "QUANTIZE", np.int8, shape, xq, yq, lambda v: tfl_requantize(v, xq, yq), rng, n)
        sanity_int8(c.name, c.inputs[0], c.outputs[0], xq, yq, lambda r: r, 1)
        cases.append(c)
        cases.append(unary_case(f"quantize_f32_{k}", "QUANTIZE", np.float32, shape, None, yq,
                                lambda v: tfl_quantize(v, yq), rng, n, ydtype=np.int8))
        cases.append(unary_case(f"dequantize_{k}", "DEQUANTIZE", np.int8, shape, xq, None,
                                lambda v: (dequant(v, xq)).astype(np.float32), rng, n, ydtype=np.float32))
    f = np.float32
    floats = [("logistic_f32", "LOGISTIC", lambda v: np.where(v > 16.619047164916992, 1.0, np.where(v < -9.0, np.exp(v.astype(np.float64)), 1 / (1 + np.exp(-v.astype(np.float64))))).astype(f), None, None),
              ("tanh_f32", "TANH", lambda v: np.tanh(v.astype(np.float64)).astype(f), None, None),
              ("relu_f32", "RELU", lambda v: np.maximum(v, 0), None, None),
              ("relu6_f32", "RELU6", lambda v: np.clip(v, 0, 6), None, None),
              ("relu_n1_to_1_f32", "RELU_N1_TO_1", lambda v: np.clip(v, -1, 1), None, None),
              ("leaky_relu_f32", "LEAKY_RELU", lambda v: np.where(v > 0, v, f(0.15) * v).astype(f), "LeakyReluOptions", {"alpha": 0.15}),
              ("hard_swish_f32", "HARD_SWISH", lambda v: (v.astype(np.float64) * np.clip(v + 3.0, 0, 6) / 6).astype(f), None, None)]
    for name, op, fn, ot, oo in floats:
        cases.append(unary_case(name, op, np.float32, shape, None, None, fn, rng, n, ot, oo))
    return cases


def binary_cases(rng, n):
    cases = []
    shapes = [([1, 3, 4, 8], [1, 3, 4, 8]), ([1, 3, 4, 8], [8]), ([2, 1, 4, 1], [1, 3, 1, 5]), ([6], [1])]
    for k, (sa, sb) in enumerate(shapes):
        out = list(np.broadcast_shapes(tuple(sa), tuple(sb)))
        aq, bq = (0.05 + 0.01 * k, 5 - 3 * k), (0.11, -7 + k)
        for op in ("MUL", "MAXIMUM", "MINIMUM"):
            for act in ((0, 1, 3) if op == "MUL" else (0,)):
                m = Model()
                yq = (0.08 + 0.02 * k, -3 + 11 * k) if op == "MUL" else aq
                bqq = bq if op == "MUL" else aq
                a = m.tensor("a", sa, np.int8, aq)
                b = m.tensor("b", sb, np.int8, bqq)
                y = m.tensor("y", out, np.int8, yq)
                m.inputs, m.outputs = [a, b], [y]
                m.op(op, [a, b], [y], "MulOptions" if op == "MUL" else None, {"fused_activation_function": act} if op == "MUL" else None)
                xa, xb = int8_samples(rng, sa, n), int8_samples(rng, sb, n)
                if op == "MUL":
                    ys = [tfl_mul(p, q, aq, bqq, yq, act) for p, q in zip(xa, xb)]
                else:
                    fn = np.maximum if op == "MAXIMUM" else np.minimum
                    ys = [fn(*np.broadcast_arrays(p, q)).astype(np.int8) for p, q in zip(xa, xb)]
                cases.append(Case(f"{op.lower()}_int8_{k}_act{act}", m, [xa, xb], [ys], True))
        for op, fn in (("ADD", np.add), ("SUB", np.subtract), ("MUL", np.multiply), ("MAXIMUM", np.maximum), ("MINIMUM", np.minimum)):
            act = 3 if op in ("ADD", "MUL") else (1 if op == "SUB" else 0)
            m = Model()
            a = m.tensor("a", sa, np.float32)
            b = m.tensor("b", sb, np.float32)
            y = m.tensor("y", out, np.float32)
            m.inputs, m.outputs = [a, b], [y]
            opt = {"ADD": "AddOptions", "SUB": "SubOptions", "MUL": "MulOptions"}.get(op)
            m.op(op, [a, b], [y], opt, {"fused_activation_function": act} if opt else None)
            xa, xb = float_samples(rng, sa, n), float_samples(rng, sb, n)
            lo, hi = {0: (-np.inf, np.inf), 1: (0, np.inf), 3: (0, 6)}[act]
            ys = [np.clip(fn(p, q), lo, hi).astype(np.float32) for p, q in zip(xa, xb)]
            cases.append(Case(f"{op.lower()}_f32_{k}", m, [xa, xb], [ys], False))
    return cases


def movement_cases(rng, n):
    cases = []
    for dtype, q in ((np.int8, (0.1, 4)), (np.float32, None)):
        tag = "int8" if dtype == np.int8 else "f32"
        gen = (lambda s: int8_samples(rng, s, n)) if dtype == np.int8 else (lambda s: float_samples(rng, s, n))

        def one(name, op, shape, consts, out_shapes, fn, options_type=None, options=None, inputs=1, in_shapes=None):
            m = Model()
            in_shapes = in_shapes or [shape] * inputs
            ins = [m.tensor(f"x{i}", s, dtype, q) for i, s in enumerate(in_shapes)]
            cids = [m.tensor(f"c{i}", np.shape(c), c.dtype.type, None, c) for i, c in enumerate(consts)]
            outs = [m.tensor(f"y{i}", s, dtype, q) for i, s in enumerate(out_shapes)]
            m.inputs, m.outputs = ins, outs
            order = cids + ins if op == "SPLIT" else ins + cids
            m.op(op, order, outs, options_type, options)
            xs = [gen(s) for s in in_shapes]
            ys = [[] for _ in out_shapes]
            for sample in zip(*xs):
                r = fn(*sample)
                r = r if isinstance(r, (list, tuple)) else [r]
                for k, v in enumerate(r):
                    ys[k].append(np.ascontiguousarray(v).astype(dtype))
            cases.append(Case(f"{name}_{tag}", m, xs, ys, dtype == np.int8))

        i32 = lambda v: np.array(v, np.int32)
        one("squeeze", "SQUEEZE", [1, 3, 1, 5], [], [[3, 5]], lambda x: x.reshape(3, 5), "SqueezeOptions", {"squeeze_dims": [0, 2]})
        one("squeeze_all", "SQUEEZE", [1, 3, 1, 5], [], [[3, 5]], lambda x: x.reshape(3, 5), "SqueezeOptions", {})
        one("transpose", "TRANSPOSE", [2, 3, 4, 5], [i32([0, 3, 1, 2])], [[2, 5, 3, 4]], lambda x: x.transpose(0, 3, 1, 2))
        one("transpose3", "TRANSPOSE", [3, 4, 5], [i32([2, 0, 1])], [[5, 3, 4]], lambda x: x.transpose(2, 0, 1))
        one("concat", "CONCATENATION", None, [], [[1, 4, 9, 3]], lambda a, b, c: np.concatenate([a, b, c], 2),
            "ConcatenationOptions", {"axis": -2}, 3, [[1, 4, 2, 3], [1, 4, 3, 3], [1, 4, 4, 3]])
        one("concat_last", "CONCATENATION", None, [], [[2, 7]], lambda a, b: np.concatenate([a, b], 1),
            "ConcatenationOptions", {"axis": 1}, 2, [[2, 3], [2, 4]])
        one("pack", "PACK", [3, 4], [], [[3, 2, 4]], lambda a, b: np.stack([a, b], 1), "PackOptions",
            {"values_count": 2, "axis": 1}, 2)
        one("unpack", "UNPACK", [3, 2, 4], [], [[3, 4], [3, 4]], lambda x: [x[:, 0], x[:, 1]], "UnpackOptions",
            {"num": 2, "axis": 1})
        one("split", "SPLIT", [2, 6, 4], [i32(1)], [[2, 2, 4]] * 3, lambda x: np.split(x, 3, 1), "SplitOptions",
            {"num_splits": 3})
        one("split_v", "SPLIT_V", [2, 7], [i32([2, -1, 1]), i32(-1)], [[2, 2], [2, 4], [2, 1]],
            lambda x: [x[:, :2], x[:, 2:6], x[:, 6:]], "SplitVOptions", {"num_splits": 3})
        one("strided_slice", "STRIDED_SLICE", [2, 7, 6, 3], [i32([0, 1, -1, 0]), i32([2, -1, 0, 3]), i32([1, 2, -2, 1])],
            [[2, 3, 3, 3]], lambda x: x[0:2, 1:-1:2, -1:0:-2, 0:3], "StridedSliceOptions", {})
        one("strided_slice_masks", "STRIDED_SLICE", [2, 7, 6, 3], [i32([1, 5, 1, 2]), i32([0, 0, 9, 0]), i32([1, -1, 1, 1])],
            [[6, 5]], lambda x: x[1, 5::-1, 1:, 2], "StridedSliceOptions",
            {"begin_mask": 0, "end_mask": 2, "shrink_axis_mask": 9})
        pads = i32([[0, 0], [1, 2], [0, 3], [2, 0]])
        fill = 4 if dtype == np.int8 else 0
        one("pad", "PAD", [1, 3, 4, 2], [pads], [[1, 6, 7, 4]], lambda x: np.pad(x, pads, constant_values=fill))
        cv = np.array(-7 if dtype == np.int8 else 2.5, dtype)
        one("padv2", "PADV2", [1, 3, 4, 2], [pads, cv], [[1, 6, 7, 4]], lambda x: np.pad(x, pads, constant_values=cv))
        for ac, hp in ((0, 0), (1, 0), (0, 1)):
            for (ih, iw), (oh, ow) in (((3, 4), (7, 9)), ((6, 8), (4, 3))):
                def nearest(x, ih=ih, iw=iw, oh=oh, ow=ow, ac=ac, hp=hp):
                    def idx(o, i, n_out):
                        scale = np.float32(i - 1) / np.float32(n_out - 1) if ac and n_out > 1 else np.float32(i) / np.float32(n_out)
                        pos = (np.float32(o) + np.float32(0.5 if hp else 0.0)) * scale
                        v = int(round_away(float(pos))) if ac else int(math.floor(float(np.float32(pos))))
                        v = min(v, i - 1)
                        return max(0, v) if hp else v
                    rows = [idx(o, ih, oh) for o in range(oh)]
                    cols = [idx(o, iw, ow) for o in range(ow)]
                    return x[:, rows][:, :, cols]
                one(f"resize_nearest_{ac}{hp}_{oh}x{ow}", "RESIZE_NEAREST_NEIGHBOR", [1, ih, iw, 3], [i32([oh, ow])],
                    [[1, oh, ow, 3]], nearest, "ResizeNearestNeighborOptions",
                    {"align_corners": bool(ac), "half_pixel_centers": bool(hp)})
    return cases


def bilinear_ref(x, oh, ow, ac, hp):
    """TFLM's ResizeBilinear: float32 arithmetic for float, 10-bit fixed point for int8."""
    n, ih, iw, c = x.shape
    f = np.float32
    if x.dtype == np.int8:
        def sc(i, o):
            return ((1 << 10) * (i - 1) + (o - 1) // 2) // (o - 1) if ac and o > 1 else ((1 << 10) * i + o // 2) // o

        def pos(o, scale, size):
            v = o * scale + scale // 2 - (1 << 9) if hp else o * scale
            lo = max(int(v / 1024) if v < 0 else v // 1024, 0)
            hi = v + 1023
            hi = min(-((-hi) // 1024) if hi < 0 else hi // 1024, size - 1)
            return v, lo, hi
        hs, ws = sc(ih, oh), sc(iw, ow)
        y = np.zeros((n, oh, ow, c), np.int8)
        xi = x.astype(np.int64)
        for i in range(oh):
            iy, y0, y1 = pos(i, hs, ih)
            for j in range(ow):
                ix, x0, x1 = pos(j, ws, iw)
                fy, fx = iy - 1024 * y0, ix - 1024 * x0
                s = (xi[:, y0, x0] * (1024 - fy) * (1024 - fx) + xi[:, y1, x0] * fy * (1024 - fx) +
                     xi[:, y0, x1] * (1024 - fy) * fx + xi[:, y1, x1] * fy * fx)
                r = np.where(s > 0, s + (1 << 19), s - (1 << 19))
                y[:, i, j] = np.where(r >= 0, r // (1 << 20), -((-r) // (1 << 20))).astype(np.int8)
        return y

    def sc(i, o):
        return f(i - 1) / f(o - 1) if ac and o > 1 else f(i) / f(o)

    def pos(o, scale, size):
        v = (f(o) + f(0.5)) * scale - f(0.5) if hp else f(o) * scale
        v = f(v)
        return v, max(int(math.floor(v)), 0), min(int(math.ceil(v)), size - 1)
    hs, ws = sc(ih, oh), sc(iw, ow)
    y = np.zeros((n, oh, ow, c), f)
    for i in range(oh):
        iy, y0, y1 = pos(i, hs, ih)
        for j in range(ow):
            ix, x0, x1 = pos(j, ws, iw)
            dy, dx = f(iy - f(y0)), f(ix - f(x0))
            y[:, i, j] = (x[:, y0, x0] * (f(1) - dy) * (f(1) - dx) + x[:, y1, x0] * dy * (f(1) - dx) +
                          x[:, y0, x1] * (f(1) - dy) * dx + x[:, y1, x1] * dy * dx)
    return y


def bilinear_cases(rng, n):
    cases = []
    for dtype, q in ((np.int8, (0.05, -3)), (np.float32, None)):
        for ac, hp in ((0, 0), (1, 0), (0, 1)):
            for (ih, iw), (oh, ow) in (((3, 4), (7, 10)), ((8, 6), (5, 4)), ((1, 5), (3, 5))):
                m = Model()
                x = m.tensor("x", [1, ih, iw, 3], dtype, q)
                sz = m.tensor("size", [2], np.int32, None, np.array([oh, ow], np.int32))
                y = m.tensor("y", [1, oh, ow, 3], dtype, q)
                m.inputs, m.outputs = [x], [y]
                m.op("RESIZE_BILINEAR", [x, sz], [y], "ResizeBilinearOptions",
                     {"align_corners": bool(ac), "half_pixel_centers": bool(hp)})
                xs = int8_samples(rng, [1, ih, iw, 3], n) if dtype == np.int8 else float_samples(rng, [1, ih, iw, 3], n)
                tag = "int8" if dtype == np.int8 else "f32"
                cases.append(Case(f"resize_bilinear_{ac}{hp}_{ih}x{iw}_{oh}x{ow}_{tag}", m, [xs],
                                  [[bilinear_ref(v, oh, ow, ac, hp) for v in xs]], dtype == np.int8))
    return cases


def lstm_ref(x, w, r, b, peep, act, clip, time_major, ln=(None,) * 4, proj=None, proj_bias=None, proj_clip=0.0):
    """TFLite's float LSTM step in float64; w[0] None: CIFG; ln: layer norm coefficients (the bias
    added after the normalization); proj: projection [outputs][cells] (+ bias, clip)."""
    sig = lambda v: 1 / (1 + np.exp(-v))
    fn = {4: np.tanh, 1: lambda v: np.maximum(v, 0), 3: lambda v: np.clip(v, 0, 6), 0: lambda v: v}[act]
    xb = x.transpose(1, 0, 2) if time_major else x
    B, T, _ = xb.shape
    C, O = r[1].shape
    h, c = np.zeros((B, O)), np.zeros((B, C))
    y = np.zeros((B, T, O))

    def pre(k, xt, cell, pk):
        v = xt @ w[k].T.astype(np.float64) + h @ r[k].T.astype(np.float64) + (pk * cell if pk is not None else 0)
        if ln[k] is None:
            return v + b[k]
        v = (v - v.mean(axis=1, keepdims=True)) / np.sqrt(v.var(axis=1, keepdims=True) + 1e-8)
        return v * ln[k] + b[k]
    for t in range(T):
        xt = xb[:, t].astype(np.float64)
        f = sig(pre(1, xt, c, peep[1]))
        i = 1 - f if w[0] is None else sig(pre(0, xt, c, peep[0]))
        c = f * c + i * fn(pre(2, xt, c, None))
        if clip > 0:
            c = np.clip(c, -clip, clip)
        m = sig(pre(3, xt, c, peep[2])) * fn(c)
        if proj is None:
            h = m
        else:
            h = m @ proj.T.astype(np.float64) + (proj_bias if proj_bias is not None else 0)
            if proj_clip > 0:
                h = np.clip(h, -proj_clip, proj_clip)
        y[:, t] = h
    return (y.transpose(1, 0, 2) if time_major else y).astype(np.float32)


def lstm_cases(rng, n):
    cases = []
    f = np.float32
    # B, T, I, cells H, CIFG, peephole, activation, cell clip, time_major, layer norm, outputs O (projection
    # when given), projection bias, projection clip
    for k, (B, T, I, H, cifg, peephole, act, clip, tm, lnorm, O, pbias, pclip) in enumerate([
            (1, 6, 5, 8, False, False, 4, 0.0, False, False, None, False, 0.0),
            (2, 5, 3, 4, True, True, 4, 3.0, False, False, None, False, 0.0),
            (3, 4, 6, 5, False, True, 1, 0.0, True, False, None, False, 0.0),
            (1, 7, 4, 6, False, False, 3, 0.5, False, False, None, False, 0.0),
            (2, 5, 4, 6, False, True, 4, 0.0, False, True, None, False, 0.0),
            (1, 6, 3, 7, True, False, 4, 2.0, True, True, 4, True, 0.0),
            (2, 4, 5, 6, False, False, 4, 0.0, False, False, 3, False, 0.3),
            (1, 5, 4, 5, False, True, 4, 1.0, False, True, 8, True, 0.8)]):
        O_ = O or H
        m = Model()
        x = m.tensor("x", [T, B, I] if tm else [B, T, I], f)
        w = [None if (cifg and g == 0) else (rng.standard_normal([H, I]) * 0.4).astype(f) for g in range(4)]
        r = [None if (cifg and g == 0) else (rng.standard_normal([H, O_]) * 0.4).astype(f) for g in range(4)]
        b = [None if (cifg and g == 0) else rng.standard_normal([H]).astype(f) for g in range(4)]
        p = [None if (cifg and g == 0) or not peephole else (rng.standard_normal([H]) * 0.3).astype(f) for g in range(3)]
        ln = [None if (cifg and g == 0) or not lnorm else (rng.uniform(0.2, 1.5, [H])).astype(f) for g in range(4)]
        pw = None if O is None else (rng.standard_normal([O, H]) * 0.5).astype(f)
        pb = rng.standard_normal([O]).astype(f) * 0.3 if O is not None and pbias else None
        ids = [x]
        ids += [-1 if v is None else m.tensor(f"w{g}", v.shape, f, None, v) for g, v in enumerate(w)]
        ids += [-1 if v is None else m.tensor(f"r{g}", v.shape, f, None, v) for g, v in enumerate(r)]
        ids += [-1 if v is None else m.tensor(f"p{g}", v.shape, f, None, v) for g, v in enumerate(p)]
        ids += [-1 if v is None else m.tensor(f"b{g}", v.shape, f, None, v) for g, v in enumerate(b)]
        ids += [-1 if v is None else m.tensor(n_, v.shape, f, None, v) for n_, v in (("proj", pw), ("proj_b", pb))]
        ids += [m.tensor("h_state", [B, O_], f, variable=True), m.tensor("c_state", [B, H], f, variable=True)]
        ids += [-1 if v is None else m.tensor(f"ln{g}", v.shape, f, None, v) for g, v in enumerate(ln)]
        y = m.tensor("y", [T, B, O_] if tm else [B, T, O_], f)
        m.inputs, m.outputs = [x], [y]
        m.op("UNIDIRECTIONAL_SEQUENCE_LSTM", ids, [y], "UnidirectionalSequenceLSTMOptions",
             {"fused_activation_function": act, "cell_clip": clip, "proj_clip": pclip, "time_major": tm})
        xs = float_samples(rng, [T, B, I] if tm else [B, T, I], n, 1.0)
        cases.append(Case(f"lstm_f32_{k}", m, [xs], [[lstm_ref(v, w, r, b, p, act, clip, tm, ln, pw, pb, pclip)
                                                      for v in xs]], False))
    return cases


def sigmoid_table():
    """TFLite's int16 LOGISTIC/TANH table (sigmoid(i/24) in Q0.16), read from the runtime file: data of
    the algorithm, not a formula; checked here against the function it tabulates."""
    src = open(os.path.join(ROOT, "runtime", "eg_tfl_lstm_s8.c")).read()
    body = src[src.index("eg_sigmoid_q16[256] = {") + 23:]
    t = [int(v) for v in body[:body.index("}")].replace(",", " ").split()]
    assert len(t) == 256 and all(abs(t[i] - 65536 / (1 + math.exp(-i / 24))) < 1.2 for i in range(256))
    return t


def check_int16_activations():
    """The oracle's int16 sigmoid and tanh against the functions, over every Q3.12 input."""
    worst = max(max(abs(tfl_logistic16(v) / 32768 - 1 / (1 + math.exp(-v / 4096))),
                    abs(tfl_tanh16(v, -12) / 32768 - math.tanh(v / 4096))) for v in range(-32768, 32768, 3))
    assert worst < 2e-4, worst


SIG_Q16 = None


def sig_interp(a, frac):
    """The table at a / 2^frac with linear interpolation, Q0.(16 + frac)."""
    k, part = a >> frac, a & ((1 << frac) - 1)
    return (SIG_Q16[k] << frac) + part * (SIG_Q16[k + 1] - SIG_Q16[k])


def tfl_logistic16(x):
    """reference_integer_ops::Logistic, int16 Q3.12 -> Q0.15, multiplier 3 (power-of-two case)."""
    v = 3 * x
    a = abs(v)
    r = (0x7FFF << 10) if (a >> 9) >= 255 else sig_interp(a, 9)
    r = r + 512 if v >= 0 else (1 << 25) - r + 512 - 1
    return r >> 10


def tfl_tanh16(x, power):
    """TFLM lstm_internal::Tanh: input scale 2^power read as Q3.12 through reference_integer_ops::Tanh."""
    left = 15 + power - 3
    mult, shift = (3, -left) if left < 0 else (3 << left, 0)
    v = (x * mult + ((1 << (shift - 1)) if shift > 0 else 0)) >> shift
    a = abs(v)
    r = (0xFFFF << 8) if (a >> 8) >= 255 else sig_interp(a, 8)
    r = r - (1 << 23) + (1 << 7) if v >= 0 else -r + (1 << 23) + (1 << 7) - 1
    return r >> 8


def sat16(v):
    return min(32767, max(-32768, v))


def lstm_s8_ref(x, w, r, b, xq, hq, cscale, clip, tm):
    """TFLM's integer UNIDIRECTIONAL_SEQUENCE_LSTM (lstm_eval.h LstmStep, lstm_eval_common.cc Prepare):
    gates = sigmoid/tanh(sat16(FC(x)) +sat sat16(FC(h))) at Q3.12, c and h by int16 products."""
    xb = x.transpose(1, 0, 2) if tm else x
    B, T, _ = xb.shape
    H = r[0][0].shape[0]
    f32s = lambda a, b_: float(np.float32(np.float32(a) * np.float32(b_)))  # float product of scales
    mx = [quantize_multiplier(f32s(xq[0], w[k][1]) / 2.0**-12) for k in range(4)]
    mh = [quantize_multiplier(f32s(hq[0], r[k][1]) / 2.0**-12) for k in range(4)]
    cs = float(np.float32(cscale))
    m_fc = quantize_multiplier(2.0**-15 * cs / cs)
    m_ig = quantize_multiplier(2.0**-15 * 2.0**-15 / cs)
    m_oh = quantize_multiplier(2.0**-15 * 2.0**-15 / float(np.float32(hq[0])))
    power = round(math.log2(cs))
    qclip = int(min(max(float(np.float32(clip)) / cs, -32768.0), 32767.0)) if clip > 0 else None
    wx = [w[k][0].astype(np.int64) for k in range(4)]
    wr = [r[k][0].astype(np.int64) for k in range(4)]
    h = np.full((B, H), hq[1], np.int64)
    c = np.zeros((B, H), np.int64)
    y = np.zeros((B, T, H), np.int8)
    for t in range(T):
        for bi in range(B):
            xv = xb[bi, t].astype(np.int64) - xq[1]
            hv = h[bi] - hq[1]
            g = []
            for k in range(4):
                ax = (wx[k] @ xv + b[k].astype(np.int64)).tolist()
                ah = (wr[k] @ hv).tolist()
                pre = [sat16(sat16(mbqm(wrap32(ax[j]), *mx[k])) + sat16(mbqm(wrap32(ah[j]), *mh[k]))) for j in range(H)]
                g.append([tfl_tanh16(v, -12) if k == 2 else tfl_logistic16(v) for v in pre])
            for j in range(H):
                cn = sat16(sat16(mbqm(g[1][j] * int(c[bi, j]), *m_fc)) + sat16(mbqm(g[0][j] * g[2][j], *m_ig)))
                if qclip is not None:
                    cn = max(-qclip, min(qclip, cn))
                c[bi, j] = cn
                hn = hq[1] + mbqm(tfl_tanh16(cn, power) * g[3][j], *m_oh)
                y[bi, t, j] = min(127, max(-128, hn))
            h[bi] = y[bi, t].astype(np.int64)
    return y.transpose(1, 0, 2) if tm else y


def lstm_s8_cases(rng, n):
    """int8 LSTMs as a TF 2.x converter writes a quantized Keras LSTM: int8 per-tensor weights, int32 gate
    biases at input x weight scale, int8 hidden state, int16 power-of-two cell state, and the five
    `intermediates` (which TFLM's kernel ignores)."""
    global SIG_Q16
    SIG_Q16 = sigmoid_table()
    check_int16_activations()
    cases = []
    # B, T, I, H, time_major, cell scale power, cell clip, weight spread
    for k, (B, T, I, H, tm, power, clip, spread) in enumerate([
            (1, 6, 5, 8, False, -11, 0.0, 1.0), (2, 5, 3, 4, False, -12, 3.0, 2.0), (3, 4, 6, 5, True, -15, 0.0, 1.0),
            (1, 7, 4, 6, False, -9, 0.5, 4.0), (2, 3, 9, 7, True, -10, 1.25, 0.5), (1, 3, 2, 3, False, -13, 0.0, 8.0)]):
        m = Model()
        xq = (float(rng.uniform(0.005, 0.05)), int(rng.integers(-20, 20)))
        hq = (float(rng.uniform(2.1, 2.6)) / 256, int(rng.integers(-6, 7)))  # h in (-1, 1) unclamped
        cscale = 2.0**power
        x = m.tensor("x", [T, B, I] if tm else [B, T, I], np.int8, xq)
        w, r, b = [], [], []
        for g in range(4):
            ws = spread * float(rng.uniform(0.3, 1.0)) / 127 / max(1.0, math.sqrt(I) * xq[0] * 8)
            rs = spread * float(rng.uniform(0.3, 1.0)) / 127 / math.sqrt(H)
            w.append((rng.integers(-127, 128, size=[H, I]).astype(np.int8), ws))
            r.append((rng.integers(-127, 128, size=[H, H]).astype(np.int8), rs))
            bs = np.float32(xq[0]) * np.float32(ws)
            b.append(np.round(rng.standard_normal(H) * spread / float(bs)).astype(np.int32))
        ids = [x]
        ids += [m.tensor(f"w{g}", [H, I], np.int8, (w[g][1], 0), w[g][0]) for g in range(4)]
        ids += [m.tensor(f"r{g}", [H, H], np.int8, (r[g][1], 0), r[g][0]) for g in range(4)]
        ids += [-1, -1, -1]
        ids += [m.tensor(f"b{g}", [H], np.int32, (float(np.float32(xq[0]) * np.float32(w[g][1])), 0), b[g])
                for g in range(4)]
        ids += [-1, -1, m.tensor("h_state", [B, H], np.int8, hq, variable=True),
                m.tensor("c_state", [B, H], np.int16, (cscale, 0), variable=True)]
        ids += [-1, -1, -1, -1]
        inter = [m.tensor(f"inter{g}", [0], np.int16, (2.0**-12, 0)) for g in range(4)]
        inter.append(m.tensor("inter_h", [0], np.int8, (hq[0], hq[1])))
        y = m.tensor("y", [T, B, H] if tm else [B, T, H], np.int8, hq)
        m.inputs, m.outputs = [x], [y]
        m.op("UNIDIRECTIONAL_SEQUENCE_LSTM", ids, [y], "UnidirectionalSequenceLSTMOptions",
             {"fused_activation_function": 4, "cell_clip": clip, "proj_clip": 0.0, "time_major": tm})
        m.ops[-1]["intermediates"] = inter
        xs = int8_samples(rng, [T, B, I] if tm else [B, T, I], n)
        ys = [lstm_s8_ref(v, w, r, b, xq, hq, cscale, clip, tm) for v in xs]
        # The oracle itself against the float LSTM on the dequantized tensors: within 2 LSB of h.
        fw = [wq.astype(np.float64) * s for wq, s in w]
        fr = [rq.astype(np.float64) * s for rq, s in r]
        fb = [b[g] * float(np.float32(xq[0]) * np.float32(w[g][1])) for g in range(4)]
        for v, yq in zip(xs, ys):
            fclip = min(clip, 32767 * cscale) if clip > 0 else 32767 * cscale  # int16 saturation clips too
            ref = lstm_ref(dequant(v, xq), fw, fr, fb, [None] * 3, 4, fclip, tm)
            err = np.max(np.abs(dequant(yq, hq) - ref)) / hq[0]
            assert err <= 2, f"lstm_s8_{k}: the int8 oracle is {err:.1f} LSB from the float LSTM"
        cases.append(Case(f"lstm_s8_{k}", m, [xs], [ys], True))
    return cases


def folded_dequantize_cases(rng, n):
    """Constant float16 and per-channel int8 weights behind DEQUANTIZE (folded at compile time), added to x."""
    cases = []
    shape = [2, 3, 4]
    c16 = (rng.standard_normal(shape) * 3).astype(np.float16)
    c8 = rng.integers(-128, 128, size=shape).astype(np.int8)
    scales, zps = [0.5, 0.25, 0.125], [0, 3, -2]
    for name, const, quant, value in (
            ("f16", c16, None, c16.astype(np.float32)),
            ("int8_per_channel", c8, (scales, zps, 1),
             ((c8.astype(np.float32) - np.array(zps, np.float32)[None, :, None]) * np.array(scales, np.float32)[None, :, None]))):
        m = Model()
        x = m.tensor("x", shape, np.float32)
        c = m.tensor("w", shape, const.dtype.type, quant, const)
        d = m.tensor("w_f32", shape, np.float32)
        y = m.tensor("y", shape, np.float32)
        m.inputs, m.outputs = [x], [y]
        m.op("DEQUANTIZE", [c], [d])
        m.op("ADD", [x, d], [y], "AddOptions", {"fused_activation_function": 0})
        xs = float_samples(rng, shape, n)
        cases.append(Case(f"dequantize_folded_{name}", m, [xs], [[(v + value).astype(np.float32) for v in xs]], False))
    return cases


def mean_cases(rng, n):
    cases = []
    for axes, keep, shape in (([1, 2], True, [1, 4, 5, 6]), ([3], False, [2, 3, 4, 5]), ([0, 2], False, [3, 4, 5])):
        m = Model()
        x = m.tensor("x", shape, np.float32)
        a = m.tensor("axes", [len(axes)], np.int32, None, np.array(axes, np.int32))
        out = list(np.mean(np.zeros(shape), axis=tuple(axes), keepdims=keep).shape)
        y = m.tensor("y", out, np.float32)
        m.inputs, m.outputs = [x], [y]
        m.op("MEAN", [x, a], [y], "ReducerOptions", {"keep_dims": keep})
        xs = float_samples(rng, shape, n)
        ys = [np.mean(v.astype(np.float64), axis=tuple(axes), keepdims=keep).astype(np.float32) for v in xs]
        cases.append(Case(f"mean_f32_{'_'.join(map(str, axes))}", m, [xs], [ys], False))
    for k, (axes, keep, shape, xq, yq) in enumerate([([1, 2], True, [1, 4, 5, 6], (0.05, -3), (0.02, 10)),
                                                     ([3], False, [2, 3, 4, 7], (0.1, 20), (0.1, 20)),
                                                     ([0, 2], False, [3, 4, 5], (0.2, -128), (0.07, 0)),
                                                     ([-1, 1], True, [2, 9, 33], (0.03, 5), (0.011, -7))]):
        m = Model()
        x = m.tensor("x", shape, np.int8, xq)
        a = m.tensor("axes", [len(axes)], np.int32, None, np.array(axes, np.int32))
        out = list(np.mean(np.zeros(shape), axis=tuple(axes), keepdims=keep).shape)
        y = m.tensor("y", out, np.int8, yq)
        m.inputs, m.outputs = [x], [y]
        m.op("MEAN", [x, a], [y], "ReducerOptions", {"keep_dims": keep})
        count = int(np.prod([shape[ax] for ax in axes]))
        mult, shift = quantize_multiplier(float(np.float64(np.float32(xq[0])) / np.float64(np.float32(yq[0]))))
        s_ = min(count.bit_length() - 1, 32, 31 + shift)
        mult, shift = (mult << s_) // count, shift - s_

        def mean_q(v, axes=axes, keep=keep, count=count, mult=mult, shift=shift, xq=xq, yq=yq):
            sums = np.sum(v.astype(np.int64), axis=tuple(axes), keepdims=keep) - xq[1] * count
            return np.array([min(127, max(-128, mbqm(int(t), mult, shift) + yq[1])) for t in sums.ravel()],
                            np.int8).reshape(sums.shape)
        xs = int8_samples(rng, shape, n)
        cases.append(Case(f"mean_int8_{k}", m, [xs], [[mean_q(v) for v in xs]], True))
    return cases


def same_pad(n_in, k, s, d, padding):
    eff = (k - 1) * d + 1
    if padding == "SAME":
        out = (n_in + s - 1) // s
        return out, max(0, (out - 1) * s + eff - n_in) // 2
    return (n_in + s - eff) // s, 0


def conv_ref(x, w, b, stride, dil, padding, act, depthwise):
    """NHWC float convolution in float64 (w: OHWI, or 1HWO for depthwise)."""
    n, h, wd, c = x.shape
    kh, kw = w.shape[1], w.shape[2]
    oc = w.shape[3] if depthwise else w.shape[0]
    oh, pt = same_pad(h, kh, stride[0], dil[0], padding)
    ow, pl = same_pad(wd, kw, stride[1], dil[1], padding)
    y = np.zeros((n, oh, ow, oc))
    x64, w64 = x.astype(np.float64), w.astype(np.float64)
    mult = oc // c if depthwise else 1
    for i in range(oh):
        for j in range(ow):
            for ky in range(kh):
                for kx in range(kw):
                    yy, xx = i * stride[0] - pt + ky * dil[0], j * stride[1] - pl + kx * dil[1]
                    if 0 <= yy < h and 0 <= xx < wd:
                        px = x64[:, yy, xx, :]
                        if depthwise:
                            y[:, i, j, :] += np.repeat(px, mult, axis=1) * w64[0, ky, kx, :]
                        else:
                            y[:, i, j, :] += px @ w64[:, ky, kx, :].T
    y += b
    lo, hi = {0: (-np.inf, np.inf), 1: (0, np.inf), 3: (0, 6)}[act]
    return np.clip(y, lo, hi).astype(np.float32)


def pool_ref(x, k, stride, padding, is_max, act):
    n, h, wd, c = x.shape
    oh, pt = same_pad(h, k[0], stride[0], 1, padding)
    ow, pl = same_pad(wd, k[1], stride[1], 1, padding)
    y = np.zeros((n, oh, ow, c))
    for i in range(oh):
        for j in range(ow):
            y0, x0 = i * stride[0] - pt, j * stride[1] - pl
            win = x[:, max(0, y0):min(h, y0 + k[0]), max(0, x0):min(wd, x0 + k[1]), :].astype(np.float64)
            y[:, i, j, :] = win.max(axis=(1, 2)) if is_max else win.mean(axis=(1, 2))
    lo, hi = {0: (-np.inf, np.inf), 1: (0, np.inf), 3: (0, 6)}[act]
    return np.clip(y, lo, hi).astype(np.float32)


def float_model_cases(rng, n):
    """float32 forms of the ops the int8 models use: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, pools, SOFTMAX."""
    cases = []
    f = np.float32
    for k, (shape, oc, kk, stride, dil, padding, act, dw) in enumerate([
            ([1, 9, 8, 3], 5, (3, 3), (1, 1), (1, 1), "SAME", 1, False),
            ([2, 10, 7, 4], 6, (3, 2), (2, 1), (1, 2), "VALID", 3, False),
            ([1, 8, 8, 4], 8, (3, 3), (2, 2), (1, 1), "SAME", 0, True),
            ([1, 7, 9, 3], 3, (3, 3), (1, 2), (2, 1), "VALID", 1, True),
            ([1, 6, 6, 8], 4, (1, 1), (1, 1), (1, 1), "VALID", 0, False)]):
        m = Model()
        x = m.tensor("x", shape, f)
        wshape = [1, kk[0], kk[1], oc] if dw else [oc, kk[0], kk[1], shape[3]]
        wv = (rng.standard_normal(wshape) * 0.5).astype(f)
        bv = rng.standard_normal([oc]).astype(f)
        w = m.tensor("w", wshape, f, None, wv)
        b = m.tensor("b", [oc], f, None, bv)
        ref = conv_ref(np.zeros(shape, f), wv, bv, stride, dil, padding, act, dw)
        y = m.tensor("y", list(ref.shape), f)
        m.inputs, m.outputs = [x], [y]
        opts = {"padding": padding, "stride_h": stride[0], "stride_w": stride[1], "dilation_h_factor": dil[0],
                "dilation_w_factor": dil[1], "fused_activation_function": act}
        if dw:
            opts["depth_multiplier"] = oc // shape[3]
        m.op("DEPTHWISE_CONV_2D" if dw else "CONV_2D", [x, w, b], [y],
             "DepthwiseConv2DOptions" if dw else "Conv2DOptions", opts)
        xs = float_samples(rng, shape, n)
        cases.append(Case(f"{'dw' if dw else ''}conv_f32_{k}", m, [xs],
                          [[conv_ref(v, wv, bv, stride, dil, padding, act, dw) for v in xs]], False))
    for k, (shape, outs, keep, act) in enumerate([([3, 20], 7, False, 1), ([2, 3, 16], 5, True, 0)]):
        m = Model()
        x = m.tensor("x", shape, f)
        wv = (rng.standard_normal([outs, shape[-1]]) * 0.3).astype(f)
        bv = rng.standard_normal([outs]).astype(f)
        w, b = m.tensor("w", [outs, shape[-1]], f, None, wv), m.tensor("b", [outs], f, None, bv)
        oshape = shape[:-1] + [outs] if keep else [int(np.prod(shape[:-1])), outs]
        y = m.tensor("y", oshape, f)
        m.inputs, m.outputs = [x], [y]
        m.op("FULLY_CONNECTED", [x, w, b], [y], "FullyConnectedOptions", {"fused_activation_function": act, "keep_num_dims": keep})
        xs = float_samples(rng, shape, n)
        lo = 0 if act == 1 else -np.inf
        ys = [np.maximum((v.astype(np.float64) @ wv.T.astype(np.float64) + bv), lo).astype(f).reshape(oshape) for v in xs]
        cases.append(Case(f"fc_f32_{k}", m, [xs], [ys], False))
    for k, (op, kk, stride, padding, act) in enumerate([("MAX_POOL_2D", (3, 3), (2, 2), "SAME", 0),
                                                        ("AVERAGE_POOL_2D", (3, 2), (2, 1), "SAME", 3),
                                                        ("AVERAGE_POOL_2D", (2, 2), (2, 2), "VALID", 0)]):
        shape = [1, 7, 6, 4]
        m = Model()
        x = m.tensor("x", shape, f)
        ref = pool_ref(np.zeros(shape, f), kk, stride, padding, op == "MAX_POOL_2D", act)
        y = m.tensor("y", list(ref.shape), f)
        m.inputs, m.outputs = [x], [y]
        m.op(op, [x], [y], "Pool2DOptions", {"padding": padding, "stride_h": stride[0], "stride_w": stride[1],
                                             "filter_height": kk[0], "filter_width": kk[1], "fused_activation_function": act})
        xs = float_samples(rng, shape, n)
        cases.append(Case(f"{op.lower()}_f32_{k}", m, [xs], [[pool_ref(v, kk, stride, padding, op == "MAX_POOL_2D", act) for v in xs]], False))
    def softmax(v, beta):  # TFLite: exp(beta * (x - max)) / sum
        e = np.exp(beta * (v.astype(np.float64) - v.max(axis=1, keepdims=True)))
        return (e / e.sum(axis=1, keepdims=True)).astype(f)
    for beta in (1.0, 0.5, 2.5, 0.01):
        m = Model()
        x = m.tensor("x", [3, 10], f)
        y = m.tensor("y", [3, 10], f)
        m.inputs, m.outputs = [x], [y]
        m.op("SOFTMAX", [x], [y], "SoftmaxOptions", {"beta": beta})
        xs = float_samples(rng, [3, 10], n)
        cases.append(Case(f"softmax_f32_beta{beta}", m, [xs], [[softmax(v, f(beta)) for v in xs]], False))
    return cases


# ---------------------------------------------------------------- running


def run_case(c, edgegen, work, mode="host"):
    d = os.path.join(work, c.name)
    os.makedirs(os.path.join(d, "data", "test_data_set_0"), exist_ok=True)
    model = os.path.join(d, "model.tflite")
    c.model.write(model)
    data = os.path.join(d, "data", "test_data_set_0")
    for k, xs in enumerate(c.inputs):
        with open(os.path.join(data, f"input_{k}.bin"), "wb") as f:
            for v in xs:
                f.write(np.ascontiguousarray(v).tobytes())
    for k, ys in enumerate(c.outputs):
        with open(os.path.join(data, f"output_{k}.bin"), "wb") as f:
            for v in ys:
                f.write(np.ascontiguousarray(v).tobytes())
    out = os.path.join(d, "out")
    r = subprocess.run([edgegen, "validate", "-m", model, "--vi", os.path.join(d, "data"), "--vo", os.path.join(d, "data"),
                        "-o", out, "-w", os.path.join(d, "ws"), "--mode", mode], capture_output=True, text=True)
    if r.returncode != 0:
        return f"validate failed ({r.returncode}): {r.stderr.strip() or r.stdout.strip()[-400:]}"
    rep = json.load(open(os.path.join(out, "network_validate_report.json")))
    problems = []
    if len(rep["outputs"]) != len(c.outputs):
        return f"{len(rep['outputs'])} outputs compared, {len(c.outputs)} expected"
    for k, o in enumerate(rep["outputs"]):
        if c.exact[k]:
            if o.get("bitexact") != 1.0 or o.get("max_abs", 1) != 0:
                problems.append(f"{c.output_names[k]}: bitexact {o.get('bitexact')}, max_abs {o.get('max_abs')}")
        else:
            ref = max(1.0, max(float(np.max(np.abs(v))) for v in c.outputs[k]))
            if not (o["max_abs"] <= 1e-5 * ref):
                problems.append(f"{c.output_names[k]}: max_abs {o['max_abs']} > 1e-5 x {ref}")
    return "; ".join(problems)


def error_case(edgegen, work):
    """Unsupported builtins and custom ops: one error naming every such node, exit 2, no output."""
    m = Model()
    x = m.tensor("x", [1, 8], np.float32)
    h = m.tensor("h", [1, 8], np.float32)
    s = m.tensor("s", [1, 8], np.float32)
    y = m.tensor("y", [1, 8], np.float32)
    m.inputs, m.outputs = [x], [y]
    m.op("RELU", [x], [h])
    m.op("SEGMENT_SUM", [h], [s])
    m.op("MyCustomOp", [s], [y], custom="MyCustomOp")
    d = os.path.join(work, "unsupported")
    os.makedirs(d, exist_ok=True)
    model = os.path.join(d, "model.tflite")
    m.write(model)
    out = os.path.join(d, "out")
    r = subprocess.run([edgegen, "generate", "-m", model, "-o", out], capture_output=True, text=True)
    msg = (r.stderr + r.stdout).strip()
    problems = []
    if r.returncode != 2:
        problems.append(f"exit code {r.returncode}, not 2")
    if len(msg.splitlines()) != 1:
        problems.append(f"{len(msg.splitlines())} lines, not one")
    for want in ("SEGMENT_SUM", "CUSTOM:MyCustomOp", "model.tflite"):
        if want not in msg:
            problems.append(f"'{want}' not named")
    if os.path.exists(out) and os.listdir(out):
        problems.append("partial output written")
    return "; ".join(problems) + (f" [{msg}]" if problems else "")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--edgegen", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--only", default="")
    ap.add_argument("--samples", type=int, default=12)
    ap.add_argument("--group", type=int, default=1, help="cases merged into one model")
    ap.add_argument("--mode", default="host", help="validate --mode: host, or target (the emulated Cortex-M4)")
    a = ap.parse_args()
    rng = np.random.default_rng(20261207)
    cases = activation_cases(rng, a.samples) + binary_cases(rng, a.samples) + movement_cases(rng, a.samples) + \
        mean_cases(rng, a.samples) + float_model_cases(rng, a.samples) + \
        bilinear_cases(rng, a.samples) + lstm_cases(rng, a.samples) + lstm_s8_cases(rng, a.samples) + folded_dequantize_cases(rng, a.samples)
    cases = [c for c in cases if not a.only or a.only in c.name]
    if a.group > 1:  # one compile per group: the suite's time is mostly compiling
        cases = grouped(cases, a.group)
    failed = 0
    for c in cases:
        why = run_case(c, a.edgegen, a.work, a.mode)
        if a.mode == "target" and "needs m4bench's m4run" in why:
            print("skipped: no m4run for --mode target")
            return 77
        print(("FAIL " if why else "ok   ") + c.name + (": " + why if why else ""), flush=True)
        failed += bool(why)
    if not a.only or "unsupported" in a.only:
        why = error_case(a.edgegen, a.work)
        print(("FAIL " if why else "ok   ") + "unsupported_ops" + (": " + why if why else ""), flush=True)
        failed += bool(why)
    print(f"{failed} failure(s)")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
