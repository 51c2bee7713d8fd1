"""Single-layer int8 QDQ models for the exactness test against ONNX Runtime (tests/exactness.cpp
--models DIR): every float GEMM shape ONNX Runtime's MLAS sums in its own order (K in blocks of
128 / 256 / 1024 by the GEMM's width, one filter row, 8-lane rows of a transposed Gemm with 4, 2
and 1 rows left), depthwise and grouped Conv, Gemm with and without transB, MatMul, a Relu
between Conv and QuantizeLinear, and power-of-two scales (exact .5 ties: half to even).

usage: qdq_layers.py OUT_DIR   -> OUT_DIR/<name>/model.onnx
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T, helper as h, numpy_helper as nh


def qdq_model(kind, xshape, W, attrs, rng, pow2=False, relu=False, bias=True):
    """input float -> Q -> DQ -> Conv/Gemm/MatMul (DQ weights, DQ bias) [-> Relu] -> Q (int8 output)."""
    waxis = 1 if kind == 'MatMul' or (kind == 'Gemm' and not attrs.get('transB', 0)) else 0
    out_c = W.shape[waxis]
    K = int(np.prod(W.shape)) // out_c
    if pow2:
        sx, zx = np.float32(2.0 ** -7), 0
        sw = np.full(out_c, 2.0 ** -6, np.float32)
    else:
        sx, zx = np.float32(rng.uniform(0.002, 0.02)), int(rng.integers(-40, 40))
        sw = rng.uniform(0.001, 0.01, out_c).astype(np.float32)
    sb = (sx * sw).astype(np.float32)
    B = rng.integers(-3000, 3000, out_c).astype(np.int32)
    spread = np.sqrt(K) * 74.0 * 73.0 * float(sx) * float(sw.mean())
    sy = np.float32(2.0 ** np.round(np.log2(spread / 40))) if pow2 else np.float32(spread / 40 * rng.uniform(0.8, 1.2))
    zy = 0 if pow2 else int(rng.integers(-20, 20))
    nodes = [h.make_node('QuantizeLinear', ['x', 'sx', 'zx'], ['xq']),
             h.make_node('DequantizeLinear', ['xq', 'sx', 'zx'], ['xf']),
             h.make_node('DequantizeLinear', ['W', 'sw', 'zw'], ['wf'], axis=waxis)]
    inputs = ['xf', 'wf']
    if bias and kind != 'MatMul':
        nodes.append(h.make_node('DequantizeLinear', ['B', 'sb', 'zb'], ['bf'], axis=0))
        inputs.append('bf')
    nodes.append(h.make_node(kind, inputs, ['y'], **attrs))
    last = 'y'
    if relu:
        nodes.append(h.make_node('Relu', ['y'], ['yr']))
        last = 'yr'
    nodes.append(h.make_node('QuantizeLinear', [last, 'sy', 'zy'], ['out']))
    inits = [nh.from_array(np.array(sx, np.float32), 'sx'), nh.from_array(np.array(zx, np.int8), 'zx'),
             nh.from_array(W, 'W'), nh.from_array(sw, 'sw'), nh.from_array(np.zeros(out_c, np.int8), 'zw'),
             nh.from_array(B, 'B'), nh.from_array(sb, 'sb'), nh.from_array(np.zeros(out_c, np.int32), 'zb'),
             nh.from_array(np.array(sy, np.float32), 'sy'), nh.from_array(np.array(zy, np.int8), 'zy')]
    g = h.make_graph(nodes, kind.lower(), [h.make_tensor_value_info('x', T.FLOAT, xshape)],
                     [h.make_tensor_value_info('out', T.INT8, None)], inits)
    m = h.make_model(g, opset_imports=[h.make_opsetid('', 13)], ir_version=7)
    return m


def conv(rng, C, O, H, k, s=1, p=None, group=1, **kw):
    p = k // 2 if p is None else p
    W = rng.integers(-127, 128, (O, C // group, k, k)).astype(np.int8)
    attrs = dict(group=group, kernel_shape=[k, k], pads=[p] * 4, strides=[s, s])
    return qdq_model('Conv', [1, C, H, H], W, attrs, rng, **kw)


def gemm(rng, K, N, trans_b=True, **kw):
    W = rng.integers(-127, 128, (N, K) if trans_b else (K, N)).astype(np.int8)
    return qdq_model('Gemm', [1, K], W, dict(transB=1) if trans_b else {}, rng, **kw)


def matmul(rng, K, N, **kw):
    W = rng.integers(-127, 128, (K, N)).astype(np.int8)
    return qdq_model('MatMul', [1, K], W, {}, rng, bias=False, **kw)


def models(rng):
    return {
        'conv3x3_k360_stride128': conv(rng, 40, 8, 12, 3),     # K 360 > GEMM width 144: K blocks of 128
        'conv3x3_k288_wide': conv(rng, 32, 16, 20, 3),         # width 400 >= K: blocks of 128
        'conv3x3_k360_n36': conv(rng, 40, 6, 6, 3),             # width 36: blocks of 256
        'pointwise_k300': conv(rng, 300, 8, 4, 1, p=0),         # width 16: blocks of 1024 (one)
        'conv_relu': conv(rng, 24, 12, 10, 3, relu=True),
        'conv_stride2_pad': conv(rng, 16, 10, 11, 3, s=2),
        'conv_one_filter': conv(rng, 16, 1, 9, 3),              # one filter row: sums of 4 taps
        'depthwise3_s1': conv(rng, 16, 16, 12, 3, group=16),
        'depthwise3_s2': conv(rng, 16, 16, 12, 3, s=2, group=16),
        'depthwise5': conv(rng, 8, 8, 9, 5, group=8),
        'grouped': conv(rng, 8, 8, 8, 3, group=2),
        'conv_pow2_ties': conv(rng, 8, 8, 10, 3, pow2=True),
        'gemm_tb_n7': gemm(rng, 200, 7),                        # rows in 4s, then 2, then 1
        'gemm_tb_n4': gemm(rng, 640, 4),
        'gemm_tb_n6_k13': gemm(rng, 13, 6),
        'gemm_tb_pow2_ties': gemm(rng, 64, 9, pow2=True),
        'gemm_nt': gemm(rng, 100, 10, trans_b=False),
        'matmul': matmul(rng, 64, 12),
    }


if __name__ == '__main__':
    out = sys.argv[1]
    for name, m in models(np.random.default_rng(14)).items():
        os.makedirs(os.path.join(out, name), exist_ok=True)
        onnx.save(m, os.path.join(out, name, 'model.onnx'))
